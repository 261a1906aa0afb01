import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/**
 * Security headers on every response: a strict Content-Security-Policy (no inline script or style, no
 * framing), nosniff, referrer policy, HSTS and the rest of helmet's defaults.
 *
 * helmet's middleware is built once here. The @fastify/helmet wrapper rebuilds it on every request (about
 * 9% of server CPU under load, see bench/README.md); the headers are the same. See ADR 0001.
 */
export function registerSecurityHeaders(app: FastifyInstance) {
  const apply = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  });
  app.addHook('onRequest', (request, reply, done) => {
    apply(request.raw, reply.raw, (err?: unknown) => done(err instanceof Error ? err : undefined));
  });
}
