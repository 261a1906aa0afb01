import type { FastifyInstance } from 'fastify';

/** The public routes of public comment. */
export async function consultationPublicRoutes(_app: FastifyInstance) {}
