import type { FastifyInstance } from 'fastify';

/** The staff routes of indicators (目標指標). */
export async function kpiStaffRoutes(_app: FastifyInstance): Promise<void> {}
