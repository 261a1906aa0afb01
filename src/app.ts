import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import proxyAddr from '@fastify/proxy-addr';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { sql } from 'kysely';
import { type Config, ROOT_DIR } from './config.ts';
import type { Db } from './db/database.ts';
import { accountsRoutes } from './modules/accounts/accounts.routes.tsx';
import { instanceSecret } from './modules/accounts/accounts.service.ts';
import { adminRoutes } from './modules/accounts/admin.routes.tsx';
import { auditRoutes } from './modules/audit/audit.routes.tsx';
import { consultationAnswersRoutes } from './modules/consultation/consultation-answers.routes.tsx';
import { consultationGroupingRoutes } from './modules/consultation/consultation-grouping.routes.tsx';
import { consultationPublicRoutes } from './modules/consultation/consultation-public.routes.tsx';
import { consultationStaffRoutes } from './modules/consultation/consultation-staff.routes.tsx';
import { IntakeWriter } from './modules/consultation/intake-writer.ts';
import { kpiPublicRoutes } from './modules/kpi/kpi-public.routes.tsx';
import { kpiSampleRoutes } from './modules/kpi/kpi-sample.routes.tsx';
import { kpiStaffRoutes } from './modules/kpi/kpi-staff.routes.tsx';
import { kpiUploadRoutes } from './modules/kpi/kpi-upload.routes.tsx';
import { planRoutes } from './modules/plan/plan.routes.tsx';
import { planSettingsRoutes } from './modules/plan/plan-settings.routes.tsx';
import { planStaffRoutes } from './modules/plan/plan-staff.routes.tsx';
import { siteRoutes } from './modules/site/site.routes.tsx';
import { withTimeout } from './shared/timeout.ts';
import { DEFAULT_BODY_LIMIT } from './web/body-limits.ts';
import { registerCsrf } from './web/csrf.ts';
import { frameworkErrorPage, registerErrorHandlers } from './web/error-handler.tsx';
import { parseQueryString } from './web/query-string.ts';
import { registerSecurityHeaders } from './web/security-headers.ts';
import { SiteInfo } from './web/site.ts';
import { registerStaffSession } from './web/staff-session.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on static files and /healthz (isBareRoute): no session lookup, no sample-data check. */
    bare?: boolean;
  }
  interface FastifyInstance {
    config: Config;
    db: Db;
    site: SiteInfo;
    /** Throws when the database does not answer. */
    healthCheck(): Promise<void>;
    /** The time as the app sees it: tests of session expiry move it. */
    clock(): Date;
    /** Every route the app registered (method and URL pattern), read from Fastify's onRoute hook. */
    routeList: Array<{ method: string; url: string }>;
    /** The durable write path of public-comment submissions (see intake-writer.ts). */
    intake: IntakeWriter;
  }
}

export interface BuildOptions {
  config: Config;
  db: Db;
  /** Fastify logger option; tests pass false. */
  logger?: FastifyServerOptions['logger'];
  /** Requests per minute per address before 429; default config.rateLimitPerMinute (tests raise it). */
  rateLimitMax?: number;
  /** The clock (default: the system's); tests pass a controllable one. */
  clock?: () => Date;
}

const TOKENS_CSS = path.join(
  ROOT_DIR,
  'node_modules',
  '@digital-go-jp',
  'design-tokens',
  'dist',
  'tokens.css',
);

/**
 * Addresses that carry a secret are logged with the secret replaced: a public-comment receipt (whoever
 * has it reads the opinions), an invitation link and the first administrator's setup link (whoever has
 * them creates a staff account).
 */
export function redactLoggedUrl(url: string): string {
  return url
    .replace(/(\/receipt\/)[^/?#]+/g, '$1[redacted]')
    .replace(/(\/staff\/invitations\/)[^/?#]+/g, '$1[redacted]')
    .replace(/([?&]token=)[^&#]*/g, '$1[redacted]');
}

function withRedactedUrls(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger || typeof logger !== 'object') return logger;
  return {
    ...logger,
    serializers: {
      req: (req: {
        method: string;
        url: string;
        host?: string;
        ip?: string;
        socket?: { remotePort?: number };
      }) => ({
        method: req.method,
        url: redactLoggedUrl(req.url),
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
      ...(logger as { serializers?: Record<string, unknown> }).serializers,
    },
  } as FastifyServerOptions['logger'];
}

/** /healthz reports the database down when it has not answered `select 1` within this time. */
export const HEALTH_CHECK_TIMEOUT_MS = 1_500;

/**
 * Routes that serve the site's own files or its health: no session lookup, no sample-data check, so that
 * they answer from memory whatever state the database is in.
 */
export function isBareRoute(url: string): boolean {
  return url.startsWith('/static/') || url === '/healthz';
}

/** The Fastify app with its plugins and modules registered; does not listen. */
export async function build(options: BuildOptions): Promise<FastifyInstance> {
  const { config, db } = options;
  // Behind a reverse proxy (KYOSO_TRUST_PROXY), the client is the address the trusted proxies forwarded:
  // per-address limits and logs see people, not the proxy; request.protocol follows X-Forwarded-Proto.
  const trusted = config.trustProxy.length > 0 ? proxyAddr.compile(config.trustProxy) : null;
  const app = Fastify({
    logger: withRedactedUrls(options.logger ?? { level: config.logLevel }),
    // A request id sent by a trusted proxy is kept (so its logs and ours join up); otherwise a new one:
    // anyone else could fill our logs with ids of their choosing.
    genReqId: (req) => {
      const h = req.headers['x-request-id'];
      const fromProxy = trusted?.(req.socket?.remoteAddress ?? '', 0) ?? false;
      return fromProxy && typeof h === 'string' && /^[\w.-]{8,64}$/.test(h) ? h : randomUUID();
    },
    trustProxy: trusted ?? false,
    // Every body is capped before it is parsed; routes whose forms carry long texts raise their own cap
    // (web/body-limits.ts), the upload's multipart has its own limits.
    bodyLimit: DEFAULT_BODY_LIMIT,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200, querystringParser: parseQueryString },
    frameworkErrors: frameworkErrorPage,
  });
  // Forms send application/x-www-form-urlencoded (and the upload multipart/form-data, in its plugin);
  // nothing in Kyoso takes JSON or plain text, so their parsers go: anything else is a 415.
  app.removeAllContentTypeParsers();

  app.decorate('config', config);
  app.decorate('db', db);
  app.decorate('site', new SiteInfo(db, config.municipality));
  app.decorate('clock', options.clock ?? (() => new Date()));
  const routeList: Array<{ method: string; url: string }> = [];
  app.decorate('routeList', routeList);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routeList.push({ method, url: route.url });
    if (isBareRoute(route.url)) route.config = { ...(route.config ?? {}), bare: true };
  });
  const intake = new IntakeWriter(db);
  app.decorate('intake', intake);
  app.addHook('onClose', async () => {
    await intake.close();
  });
  app.decorate('healthCheck', async () => {
    await withTimeout(sql`select 1`.execute(db.kysely), HEALTH_CHECK_TIMEOUT_MS, 'the database');
  });

  // The sample-data banner (SiteInfo): one cheap query a minute at most, never for static files or /healthz.
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.bare) return;
    await app.site.ensureFresh(request.log);
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // Staff pages show what only staff may see: no cache anywhere may keep them (back button included).
    if (request.url.startsWith('/staff')) reply.header('cache-control', 'no-store');
  });

  registerSecurityHeaders(app);
  await app.register(rateLimit, {
    max: options.rateLimitMax ?? config.rateLimitPerMinute,
    timeWindow: '1 minute',
  });
  await app.register(cookie);
  await app.register(formbody);
  registerStaffSession(app);
  await registerCsrf(app, await instanceSecret(db, 'csrf_hmac', app.clock()));
  await app.register(fastifyStatic, {
    root: path.join(ROOT_DIR, 'public'),
    prefix: '/static/',
    maxAge: '1h',
  });
  const tokensCss = fs.readFileSync(TOKENS_CSS);
  // The indicator pages' styles, one file per part of the module, served as one stylesheet.
  const kpiCss = Buffer.concat(
    ['public', 'staff', 'upload', 'sample'].map((part) =>
      fs.readFileSync(path.join(ROOT_DIR, 'public', `kpi-${part}.css`)),
    ),
  );
  app.get('/static/kpi.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(kpiCss),
  );
  app.get('/static/tokens.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(tokensCss),
  );

  registerErrorHandlers(app);
  await app.register(siteRoutes);
  await app.register(planRoutes);
  await app.register(accountsRoutes);
  await app.register(adminRoutes);
  await app.register(auditRoutes);
  await app.register(planSettingsRoutes);
  await app.register(planStaffRoutes);
  await app.register(consultationPublicRoutes);
  await app.register(consultationStaffRoutes);
  await app.register(consultationGroupingRoutes);
  await app.register(consultationAnswersRoutes);
  await app.register(kpiPublicRoutes);
  await app.register(kpiStaffRoutes);
  await app.register(kpiUploadRoutes);
  await app.register(kpiSampleRoutes);
  return app;
}
