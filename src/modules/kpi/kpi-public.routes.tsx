import type { FastifyInstance } from 'fastify';

/** The public routes of indicators (目標指標). */
export async function kpiPublicRoutes(_app: FastifyInstance): Promise<void> {}
