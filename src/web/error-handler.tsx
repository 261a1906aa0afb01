import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable, UNAVAILABLE_RETRY_AFTER_S } from '../db/faults.ts';
import { pageContext } from './context.ts';
import type { MessageKey } from './i18n/messages.ts';
import { Layout } from './layout.tsx';
import { sendPage } from './render.ts';

interface ErrorPageProps {
  status: number;
  code?: string;
  request: FastifyRequest;
  municipalityName: string;
}

function keysFor(status: number, code?: string): { title: MessageKey; body: MessageKey } {
  if (code?.startsWith('FST_CSRF') || code === 'CSRF_ORIGIN')
    return { title: 'error.csrf.title', body: 'error.csrf.body' };
  if (status === 403) return { title: 'error.forbidden.title', body: 'error.forbidden.body' };
  if (status === 413) return { title: 'error.tooLarge.title', body: 'error.tooLarge.body' };
  if (status === 415) return { title: 'error.unsupportedType.title', body: 'error.unsupportedType.body' };
  if (status === 503) return { title: 'error.unavailable.title', body: 'error.unavailable.body' };
  if (status === 404) return { title: 'error.notFound.title', body: 'error.notFound.body' };
  if (status === 429) return { title: 'error.tooMany.title', body: 'error.tooMany.body' };
  if (status >= 400 && status < 500)
    return { title: 'error.badRequest.title', body: 'error.badRequest.body' };
  return { title: 'error.server.title', body: 'error.server.body' };
}

function ErrorPage({ status, code, request, municipalityName }: ErrorPageProps) {
  const ctx = pageContext(request, municipalityName);
  const { t } = ctx;
  const k = keysFor(status, code);
  return (
    <Layout ctx={ctx} title={t(k.title)}>
      <h1>{t(k.title)}</h1>
      <p>{t(k.body)}</p>
      {status === 503 && request.method !== 'GET' && request.method !== 'HEAD' ? (
        <p>
          <strong>{t('error.unavailable.notSaved')}</strong>
        </p>
      ) : null}
      {status >= 500 ? <p>{t('error.server.ref', { id: ctx.requestId })}</p> : null}
      <p>
        <a href="/">{t('error.notFound.home')}</a>
      </p>
    </Layout>
  );
}

function wantsJson(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/') || request.url.startsWith('/healthz');
}

async function sendError(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code?: string,
  location?: string | null,
) {
  if (status === 401 && !wantsJson(request)) {
    // Staff pages: go and sign in, then come back (only for safe requests; a POST's body is not replayed).
    const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
    return reply.redirect(`${location ?? '/staff/sign-in'}${next}`, 303);
  }
  if (wantsJson(request)) {
    return reply
      .status(status)
      .type('application/json; charset=utf-8')
      .send({
        error:
          status === 404
            ? 'not_found'
            : status === 503
              ? 'unavailable'
              : status >= 500
                ? 'internal_error'
                : 'bad_request',
        requestId: request.id,
      });
  }
  // The database may be what failed: a server error's page does not ask it again (the name as last read).
  let name = app.site.lastName;
  if (status < 500) {
    try {
      name = await app.site.name();
    } catch {
      // the error page still renders
    }
  }
  return sendPage(
    reply,
    <ErrorPage status={status} code={code} request={request} municipalityName={name} />,
    status,
  );
}

/**
 * For Fastify's `frameworkErrors` option: errors the router raises before any route or hook runs (a path
 * that is not valid percent-encoding, a parameter over the length limit) get the same page as any other
 * 4xx, not Fastify's English JSON echoing the address.
 */
export function frameworkErrorPage(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status =
    typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500
      ? error.statusCode
      : 400;
  request.log.info({ code: error.code, status }, error.message);
  void sendError(request.server, request, reply, status, error.code);
}

/** Registers the not-found and error handlers: Japanese pages (or JSON for the API), never a stack trace. */
export function registerErrorHandlers(app: FastifyInstance) {
  app.setNotFoundHandler(async (request, reply) => sendError(app, request, reply, 404));
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const unavailable = isDatabaseUnavailable(error);
    const status = unavailable
      ? 503
      : typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600
        ? error.statusCode
        : 500;
    if (unavailable) {
      request.log.error({ err: error }, 'database unavailable');
      reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_S));
    } else if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: error.code, status }, error.message);
    if (status === 429) reply.header('retry-after', reply.getHeader('retry-after') ?? '60');
    const location = (error as { location?: unknown }).location;
    return sendError(app, request, reply, status, error.code, typeof location === 'string' ? location : null);
  });
}
