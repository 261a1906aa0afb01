import type {} from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import { type Locale, type Translate, translator } from './i18n/messages.ts';

/** What every view needs about the request: the language, the translator, the current address. */
export interface PageContext {
  locale: Locale;
  t: Translate;
  /** Path and query of the current page, for the language switch. */
  path: string;
  municipalityName: string;
  requestId: string;
}

export const LANG_COOKIE = 'lang';

/** The UI language: the `lang` cookie set by the language switch; Japanese otherwise. */
export function localeOf(request: FastifyRequest): Locale {
  const c = request.cookies?.[LANG_COOKIE];
  return c === 'en' ? 'en' : 'ja';
}

export function pageContext(request: FastifyRequest, municipalityName: string): PageContext {
  const locale = localeOf(request);
  return {
    locale,
    t: translator(locale),
    path: request.url,
    municipalityName,
    requestId: String(request.id),
  };
}

/** A safe local redirect target: a path on this site, never another origin. */
export function localPath(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.includes('\\'))
    return '/';
  return next;
}
