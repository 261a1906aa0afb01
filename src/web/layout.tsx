import type { ComponentChildren } from 'preact';
import type { PageContext } from './context.ts';

export interface Crumb {
  href: string;
  label: string;
}

interface LayoutProps {
  ctx: PageContext;
  /** The page's own name; the <title> becomes 「title | site」. */
  title: string;
  /** Prefixes the title with 「エラー：」 for failed forms. */
  error?: boolean;
  /** Breadcrumbs below the top page (the top page itself has none). */
  crumbs?: Crumb[];
  /** Which main-menu entry is current. */
  section?: 'home' | 'plan' | 'cross' | 'dashboard' | 'consultations' | 'search' | 'staff' | 'other';
  children: ComponentChildren;
}

/**
 * The frame of every page: skip link, header with the city's and the site's name, language switch, main
 * menu, breadcrumbs, one <main>, footer. No script: everything works without JavaScript.
 */
export function Layout({ ctx, title, error, crumbs, section = 'other', children }: LayoutProps) {
  const { t, locale } = ctx;
  const site = `${ctx.municipalityName} ${t('site.name')}`;
  const fullTitle = `${error ? t('search.errorTitle') : ''}${title} | ${site}`;
  const nav: Array<{ key: LayoutProps['section']; href: string; label: string }> = [
    { key: 'home', href: '/', label: t('nav.home') },
    { key: 'plan', href: '/plan', label: t('nav.plan') },
    { key: 'cross', href: '/plan/cross-cutting', label: t('nav.crossCutting') },
    { key: 'dashboard', href: '/dashboard', label: t('nav.dashboard') },
    { key: 'consultations', href: '/consultations', label: t('nav.consultations') },
    { key: 'search', href: '/search', label: t('nav.search') },
    ...(ctx.staff ? [{ key: 'staff' as const, href: '/staff', label: t('nav.staff') }] : []),
  ];
  const next = encodeURIComponent(ctx.path);
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{fullTitle}</title>
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/static/tokens.css" />
        <link rel="stylesheet" href="/static/kyoso.css" />
        <link rel="stylesheet" href="/static/kpi.css" />
      </head>
      <body>
        <a class="skip-link" href="#main">
          {t('skip.main')}
        </a>
        <header class="site-header">
          <div class="site-header__inner">
            <p class="site-header__name">
              <a href="/">
                <span class="site-header__city">{ctx.municipalityName}</span>
                <span class="site-header__site">{t('site.name')}</span>
              </a>
            </p>
            {ctx.staff && ctx.csrfToken ? (
              <form method="post" action="/staff/sign-out" class="staff-bar">
                <span>{t('staff.signedInAs', { name: ctx.staff.displayName })}</span>
                <input type="hidden" name="_csrf" value={ctx.csrfToken} />
                <button type="submit" class="button--link">
                  {t('staff.signOut')}
                </button>
              </form>
            ) : null}
            <nav class="lang-switch" aria-label={t('lang.label')}>
              <ul>
                <li>
                  {locale === 'ja' ? (
                    <span aria-current="true" lang="ja">
                      {t('lang.ja')}
                    </span>
                  ) : (
                    <a href={`/lang?to=ja&next=${next}`} lang="ja" hreflang="ja">
                      {t('lang.ja')}
                    </a>
                  )}
                </li>
                <li>
                  {locale === 'en' ? (
                    <span aria-current="true" lang="en">
                      {t('lang.en')}
                    </span>
                  ) : (
                    <a href={`/lang?to=en&next=${next}`} lang="en" hreflang="en">
                      {t('lang.en')}
                    </a>
                  )}
                </li>
              </ul>
            </nav>
          </div>
          <nav class="main-nav" aria-label={t('nav.label')}>
            <ul>
              {nav.map((n) => (
                <li key={n.href}>
                  <a href={n.href} aria-current={n.key === section ? 'page' : undefined}>
                    {n.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        </header>
        {ctx.sampleData ? (
          <aside class="sample-banner" aria-label={t('kpi.sample.bannerLabel')}>
            <p class="sample-banner__text">
              <strong>{t('kpi.sample.bannerTitle')}</strong> {t('kpi.sample.bannerText')}{' '}
              <a href="/dashboard/about#sample">{t('kpi.sample.bannerLink')}</a>
            </p>
          </aside>
        ) : null}
        {crumbs && crumbs.length > 0 ? (
          <nav class="breadcrumbs" aria-label={t('breadcrumb.label')}>
            <ol>
              <li>
                <a href="/">{t('breadcrumb.home')}</a>
              </li>
              {crumbs.map((c, i) =>
                i === crumbs.length - 1 ? (
                  <li key={c.href} aria-current="page">
                    {c.label}
                  </li>
                ) : (
                  <li key={c.href}>
                    <a href={c.href}>{c.label}</a>
                  </li>
                ),
              )}
            </ol>
          </nav>
        ) : null}
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        <footer class="site-footer">
          <ul>
            <li>
              <a href="/accessibility">{t('footer.accessibility')}</a>
            </li>
            <li>
              <a href="/plan/versions">{t('footer.versions')}</a>
            </li>
          </ul>
          <p>{t('footer.contact', { municipality: ctx.municipalityName })}</p>
          <p class="site-footer__small">{t('footer.poweredBy')}</p>
        </footer>
      </body>
    </html>
  );
}

/** Paragraphs of the city's text, as written. */
export function Paragraphs({ paragraphs }: { paragraphs: string[] }) {
  return (
    <>
      {paragraphs.map((p, i) => (
        <p key={i}>{p}</p>
      ))}
    </>
  );
}
