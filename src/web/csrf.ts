import csrf from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError } from './errors.ts';
import { secureCookies } from './staff-session.ts';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What a CSRF token is bound to: the session (so a token from before sign-in is useless after it). */
export function csrfUserInfo(request: FastifyRequest): string {
  return request.staff?.session.id ?? 'anonymous';
}

/** The origins that may send state-changing requests: this site's (from KYOSO_BASE_URL and the Host header). */
function sameOrigin(request: FastifyRequest, baseUrl: string): boolean {
  const origin = request.headers.origin;
  if (origin !== undefined) {
    if (origin === new URL(baseUrl).origin) return true;
    const host = request.headers.host;
    return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
  }
  // No Origin header (old browsers, curl): rely on Fetch Metadata when present, and on the token.
  const site = request.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}

/**
 * CSRF protection on every POST/PUT/PATCH/DELETE: an Origin check, then a token bound to the session
 * (@fastify/csrf-protection with an HMAC key). It runs as a preHandler, after form bodies are parsed.
 */
export async function registerCsrf(app: FastifyInstance, hmacKey: string) {
  const secure = secureCookies(app.config.baseUrl);
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: secure ? '__Host-kyoso_csrf' : 'kyoso_csrf',
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure, signed: false },
    getUserInfo: csrfUserInfo,
    csrfOpts: { hmacKey },
  });
  app.addHook('preHandler', (request, reply, done) => {
    if (!UNSAFE.has(request.method)) return done();
    if (!sameOrigin(request, app.config.baseUrl))
      return done(new ForbiddenError('cross-origin request refused', 'CSRF_ORIGIN'));
    app.csrfProtection(request, reply, done);
  });
}
