import type { FastifyInstance } from 'fastify';

/** The upload routes of indicators (目標指標). */
export async function kpiUploadRoutes(_app: FastifyInstance): Promise<void> {}
