import type { FastifyInstance } from 'fastify';

/** The staff routes of public comment. */
export async function consultationStaffRoutes(_app: FastifyInstance) {}
