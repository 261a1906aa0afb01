import type { FastifyInstance } from 'fastify';

/** The answers routes of public comment. */
export async function consultationAnswersRoutes(_app: FastifyInstance) {}
