import { highlightSegments } from '../../../shared/text.ts';
import type { PageContext } from '../../../web/context.ts';
import type { Crumb } from '../../../web/layout.tsx';
import { toTokyo } from '../consultation.schema.ts';
import type { Consultation } from '../consultation.types.ts';
import type { SectionOption } from '../triage.service.ts';

/** Shared bits of the staff pages of public comment. */

/** An instant as the city reads it (Asia/Tokyo). */
export function formatTokyo(ctx: PageContext, iso: string): string {
  const { date, time } = toTokyo(iso);
  const [y, m, d] = date.split('-');
  return ctx.t('pc.staff.datetime', { y: y!, m: Number(m), d: Number(d), time });
}

/** A calendar date (YYYY-MM-DD) as the city reads it. */
export function formatDate(ctx: PageContext, date: string): string {
  const [y, m, d] = date.split('-');
  if (!y || !m || !d) return date;
  return ctx.t('pc.staff.date', { y, m: Number(m), d: Number(d) });
}

export function formatPeriod(ctx: PageContext, c: Pick<Consultation, 'opensAt' | 'closesAt'>): string {
  return ctx.t('pc.staff.period', { from: formatTokyo(ctx, c.opensAt), to: formatTokyo(ctx, c.closesAt) });
}

export const hubPath = (id: number) => `/staff/consultations/${id}`;

/** Breadcrumbs down to the consultation's hub, then `more`. */
export function consultationCrumbs(
  ctx: PageContext,
  c: Pick<Consultation, 'id' | 'title'> | null,
  more: Crumb[] = [],
): Crumb[] {
  return [
    { href: '/staff', label: ctx.t('staff.home.title') },
    { href: '/staff/consultations', label: ctx.t('pc.staff.list.title') },
    ...(c ? [{ href: hubPath(c.id), label: c.title }] : []),
    ...more,
  ];
}

/** The name of a section (node), or 計画全体 for null. */
export function sectionName(
  ctx: PageContext,
  sections: readonly SectionOption[],
  nodeId: number | null,
): string {
  if (nodeId === null) return ctx.t('consultation.wholePlan');
  return sections.find((s) => s.id === nodeId)?.label ?? `#${nodeId}`;
}

/** Text with the search terms marked. */
export function Highlighted({ text, terms }: { text: string; terms: readonly string[] }) {
  return (
    <>{highlightSegments(text, terms).map((s, i) => (s.match ? <mark key={i}>{s.text}</mark> : s.text))}</>
  );
}

/** Paragraphs of plain text kept as written (line breaks shown). */
export function PlainText({ text }: { text: string }) {
  return <p class="pcs-plain">{text}</p>;
}
