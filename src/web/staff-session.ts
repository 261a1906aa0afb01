import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ResolvedSession } from '../modules/accounts/sessions.service.ts';
import { resolveSession, SESSION_ABSOLUTE_MS } from '../modules/accounts/sessions.service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in member of staff (any stage of sign-in), or null. */
    staff: ResolvedSession | null;
  }
}

/** Whether cookies get `Secure` and the `__Host-` prefix: when the site is served over HTTPS. */
export function secureCookies(baseUrl: string): boolean {
  return baseUrl.startsWith('https://');
}

/** `__Host-kyoso_session` over HTTPS (the prefix needs Secure); a plain name on http://localhost. */
export function sessionCookieName(baseUrl: string): string {
  return secureCookies(baseUrl) ? '__Host-kyoso_session' : 'kyoso_session';
}

/**
 * Reads the session cookie on every request that carries one and puts the session on `request.staff`.
 * Requests without the cookie (the public) cost no query.
 */
export function registerStaffSession(app: FastifyInstance) {
  const name = sessionCookieName(app.config.baseUrl);
  app.decorateRequest('staff', null);
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config?.bare) return;
    const token = request.cookies[name];
    if (!token) return;
    const resolved = await resolveSession(app.db, token, app.clock());
    if (resolved) request.staff = resolved;
    else clearSessionCookie(app, reply);
  });
}

export function setSessionCookie(app: FastifyInstance, reply: FastifyReply, token: string) {
  reply.setCookie(sessionCookieName(app.config.baseUrl), token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: secureCookies(app.config.baseUrl),
    maxAge: Math.floor(SESSION_ABSOLUTE_MS / 1000),
  });
}

export function clearSessionCookie(app: FastifyInstance, reply: FastifyReply) {
  reply.clearCookie(sessionCookieName(app.config.baseUrl), {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: secureCookies(app.config.baseUrl),
  });
}

/** The client's address as the audit log and throttling record it. */
export function clientIp(request: FastifyRequest): string {
  return request.ip ?? '';
}
