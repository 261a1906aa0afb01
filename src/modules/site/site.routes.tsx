import type { FastifyInstance } from 'fastify';
import { UNAVAILABLE_RETRY_AFTER_S } from '../../db/faults.ts';
import { LANG_COOKIE, localPath, pageContext } from '../../web/context.ts';
import { Layout } from '../../web/layout.tsx';
import { sendPage } from '../../web/render.ts';
import { secureCookies } from '../../web/staff-session.ts';

/** Pages about the site itself: the accessibility policy, the language switch, the health check. */
export async function siteRoutes(app: FastifyInstance) {
  app.get('/accessibility', async (request, reply) => {
    const municipality = await app.site.name();
    const ctx = pageContext(request, municipality);
    const { t } = ctx;
    return sendPage(
      reply,
      <Layout ctx={ctx} title={t('a11y.title')} crumbs={[{ href: '/accessibility', label: t('a11y.title') }]}>
        <h1>{t('a11y.title')}</h1>
        <div class="prose">
          <p>{t('a11y.intro', { municipality })}</p>
          <h2>{t('a11y.standardH')}</h2>
          <p>{t('a11y.standard')}</p>
          <h2>{t('a11y.scopeH')}</h2>
          <p>{t('a11y.scope')}</p>
          <h2>{t('a11y.measuresH')}</h2>
          <ul>
            <li>{t('a11y.m1')}</li>
            <li>{t('a11y.m2')}</li>
            <li>{t('a11y.m3')}</li>
            <li>{t('a11y.m4')}</li>
            <li>{t('a11y.m5')}</li>
          </ul>
          <h2>{t('a11y.testH')}</h2>
          <p>{t('a11y.test')}</p>
          <h2>{t('a11y.contactH')}</h2>
          <p>{t('a11y.contact', { municipality })}</p>
        </div>
      </Layout>,
    );
  });

  // The language switch is a plain link (no script): set the cookie, go back to the page.
  app.get<{ Querystring: { to?: string; next?: string } }>('/lang', async (request, reply) => {
    const to = request.query.to === 'en' ? 'en' : 'ja';
    reply.setCookie(LANG_COOKIE, to, {
      path: '/',
      sameSite: 'lax',
      httpOnly: true,
      // Behind a TLS proxy the request arrives as http: the configured https address decides too.
      secure: secureCookies(app.config.baseUrl) || request.protocol === 'https',
      maxAge: 365 * 24 * 3600,
    });
    return reply.redirect(localPath(request.query.next), 303);
  });

  app.get('/healthz', async (_request, reply) => {
    const started = performance.now();
    try {
      await app.healthCheck();
      return reply.header('cache-control', 'no-store').send({
        status: 'ok',
        database: {
          status: 'ok',
          dialect: app.db.dialect,
          ms: Math.round((performance.now() - started) * 10) / 10,
        },
      });
    } catch (err) {
      app.log.error({ err }, 'health check failed');
      return reply
        .status(503)
        .header('cache-control', 'no-store')
        .header('retry-after', String(UNAVAILABLE_RETRY_AFTER_S))
        .send({ status: 'error', database: { status: 'down', dialect: app.db.dialect } });
    }
  });
}
