/**
 * Japanese fiscal years (年度, April to March) and era names, shown side by side as people read them:
 * 令和7年度（2025年度）.
 */

interface Era {
  name: string;
  nameEn: string;
  /** First Gregorian year of the era (year 1 = 元年). */
  start: number;
}

const ERAS: Era[] = [
  { name: '令和', nameEn: 'Reiwa', start: 2019 },
  { name: '平成', nameEn: 'Heisei', start: 1989 },
  { name: '昭和', nameEn: 'Showa', start: 1926 },
];

/** 令和7 for 2025; 元 for the first year of an era (令和元年度). Fiscal years take the era of their April. */
export function eraYear(year: number): { era: Era; n: number; label: string } {
  const era = ERAS.find((e) => year >= e.start) ?? ERAS[ERAS.length - 1]!;
  const n = year - era.start + 1;
  return { era, n, label: `${era.name}${n === 1 ? '元' : n}` };
}

/** 令和7年度（2025年度）in Japanese; "FY2025 (Reiwa 7)" in English. */
export function formatFiscalYear(fy: number, locale: 'ja' | 'en' = 'ja'): string {
  const e = eraYear(fy);
  return locale === 'ja' ? `${e.label}年度（${fy}年度）` : `FY${fy} (${e.era.nameEn} ${e.n})`;
}

/** A span of fiscal years, e.g. 令和4年度（2022年度）〜令和7年度（2025年度）. */
export function formatFiscalPeriod(
  start: number | null,
  end: number | null,
  locale: 'ja' | 'en' = 'ja',
): string {
  if (start === null && end === null) return '';
  const s = start === null ? '' : formatFiscalYear(start, locale);
  const e = end === null ? '' : formatFiscalYear(end, locale);
  return locale === 'ja' ? `${s}〜${e}` : `${s} – ${e}`;
}

/** The fiscal year a date falls in (Asia/Tokyo): January–March belong to the previous year's 年度. */
export function fiscalYearOf(date: Date): number {
  const jst = new Date(date.getTime() + 9 * 3600 * 1000);
  const y = jst.getUTCFullYear();
  return jst.getUTCMonth() < 3 ? y - 1 : y;
}

const WEEKDAYS_JA = ['日', '月', '火', '水', '木', '金', '土'];

/** 2026年11月26日（木）in Asia/Tokyo; "26 November 2026" in English. */
export function formatDate(iso: string | Date, locale: 'ja' | 'en' = 'ja'): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  const jst = new Date(d.getTime() + 9 * 3600 * 1000);
  const y = jst.getUTCFullYear();
  const m = jst.getUTCMonth() + 1;
  const day = jst.getUTCDate();
  if (locale === 'en') {
    return new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', dateStyle: 'long' }).format(d);
  }
  return `${y}年${m}月${day}日（${WEEKDAYS_JA[jst.getUTCDay()]}）`;
}

/** 2026年12月31日（木）23時59分 in Asia/Tokyo; "31 December 2026, 23:59 JST" in English. */
export function formatDateTime(iso: string | Date, locale: 'ja' | 'en' = 'ja'): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  const jst = new Date(d.getTime() + 9 * 3600 * 1000);
  const hh = String(jst.getUTCHours()).padStart(2, '0');
  const mm = String(jst.getUTCMinutes()).padStart(2, '0');
  if (locale === 'en') return `${formatDate(d, 'en')}, ${hh}:${mm} JST`;
  return `${formatDate(d, 'ja')}${jst.getUTCHours()}時${mm}分`;
}

/**
 * The end of a period that ends at `iso` (exclusive), as people write a deadline: an end at midnight Japan
 * time is the last minute of the day before (「12月31日（木）23時59分まで」, not 「1月1日0時00分まで」).
 */
export function formatDeadline(iso: string | Date, locale: 'ja' | 'en' = 'ja'): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  const jst = new Date(d.getTime() + 9 * 3600 * 1000);
  const midnight = jst.getUTCHours() === 0 && jst.getUTCMinutes() === 0 && jst.getUTCSeconds() === 0;
  return formatDateTime(midnight ? new Date(d.getTime() - 60_000) : d, locale);
}
