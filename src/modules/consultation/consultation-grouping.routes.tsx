import type { FastifyInstance } from 'fastify';

/** The grouping routes of public comment: suggestions and groups. */
export async function consultationGroupingRoutes(_app: FastifyInstance) {}
