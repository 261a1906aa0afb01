import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { csrfUserInfo } from './csrf.ts';
import { type Locale, type Translate, translator } from './i18n/messages.ts';

/** What every view needs about the request: the language, the translator, the current address. */
export interface PageContext {
  locale: Locale;
  t: Translate;
  /** Path and query of the current page, for the language switch. */
  path: string;
  municipalityName: string;
  requestId: string;
  /** The signed-in member of staff (past the second factor), shown in the header. */
  staff: { displayName: string; role: string } | null;
  /** The CSRF token for forms on the page (staff pages and every page with a POST form). */
  csrfToken: string | null;
  /** Sample indicator data (サンプル値) exists: every page shows the banner. */
  sampleData?: boolean;
}

export const LANG_COOKIE = 'lang';

/** The UI language: the `lang` cookie set by the language switch; Japanese otherwise. */
export function localeOf(request: FastifyRequest): Locale {
  const c = request.cookies?.[LANG_COOKIE];
  return c === 'en' ? 'en' : 'ja';
}

export function pageContext(request: FastifyRequest, municipalityName: string): PageContext {
  const locale = localeOf(request);
  const s = request.staff;
  return {
    locale,
    t: translator(locale),
    path: request.url,
    municipalityName,
    requestId: String(request.id),
    staff: s?.session.mfaPassed ? { displayName: s.user.displayName, role: s.user.role } : null,
    csrfToken: null,
    sampleData: request.server.site?.sampleActive ?? false,
  };
}

/** A page context with a CSRF token, for pages that carry forms. */
export function formPageContext(
  request: FastifyRequest,
  reply: FastifyReply,
  municipalityName: string,
): PageContext {
  return {
    ...pageContext(request, municipalityName),
    csrfToken: reply.generateCsrf({ userInfo: csrfUserInfo(request) }),
  };
}

/**
 * A safe local redirect target: a path on this site, never another origin, written as a Location header
 * can carry it (percent-encoded: a control character or a raw 防災 there would fail the response with a
 * 500, or leave a sign-in unfinished). Anything else is the top page.
 */
export function localPath(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.length > 2000) return '/';
  let url: URL;
  try {
    url = new URL(next, LOCAL_ORIGIN);
  } catch {
    return '/';
  }
  // `//host`, `/\host` and the like resolve to another origin
  if (url.origin !== LOCAL_ORIGIN) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}

const LOCAL_ORIGIN = 'http://kyoso.invalid';
