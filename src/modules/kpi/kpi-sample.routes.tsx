import type { FastifyInstance } from 'fastify';

/** The sample routes of indicators (目標指標). */
export async function kpiSampleRoutes(_app: FastifyInstance): Promise<void> {}
