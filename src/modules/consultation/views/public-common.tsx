import { formatDateTime, formatDeadline } from '../../../shared/fiscal-year.ts';
import type { PageContext } from '../../../web/context.ts';
import type { Consultation, ConsultationOverview } from '../consultation.types.ts';

/** Pieces shared by the public pages of public comment. */

const num = (n: number) => n.toLocaleString('en-US');

/** 「2026年11月1日（日）9時00分から2027年1月1日（金）0時00分まで」, in Asia/Tokyo. */
export function periodText(ctx: PageContext, c: Pick<Consultation, 'opensAt' | 'closesAt'>): string {
  return ctx.t('pc.public.periodValue', {
    from: formatDateTime(c.opensAt, ctx.locale),
    to: formatDeadline(c.closesAt, ctx.locale),
  });
}

/** 「意見数 12件（提出者 5人）」: counts only. */
export function countsText(ctx: PageContext, c: ConsultationOverview): string {
  return ctx.t('pc.public.counts', { opinions: num(c.opinionCount), submitters: num(c.submissionCount) });
}

export function PhaseBadge({ ctx, c }: { ctx: PageContext; c: ConsultationOverview }) {
  return <span class={`badge pc-phase pc-phase--${c.phase}`}>{ctx.t(`consultation.phase.${c.phase}`)}</span>;
}

/** Why no opinion can be sent now: before the start, after the end (with the result when published). */
export function NotOpenNotice({ ctx, c }: { ctx: PageContext; c: ConsultationOverview }) {
  const { t, locale } = ctx;
  if (c.phase === 'open') return null;
  if (c.phase === 'scheduled')
    return <p class="pc-notice">{t('pc.public.c.scheduled', { date: formatDateTime(c.opensAt, locale) })}</p>;
  return (
    <div class="pc-notice">
      <p>{t('pc.public.c.closed', { date: formatDeadline(c.closesAt, locale) })}</p>
      {c.phase === 'published' ? (
        <p>
          {t('pc.public.c.published')}{' '}
          <a href={`/consultations/${c.id}/result`}>{t('pc.public.resultLink')}</a>
        </p>
      ) : null}
    </div>
  );
}

/** Text the city wrote, one paragraph per line. */
export function Lines({ text }: { text: string }) {
  const lines = text.split(/\n+/).filter((l) => l.trim() !== '');
  return (
    <>
      {lines.map((l, i) => (
        <p key={i}>{l}</p>
      ))}
    </>
  );
}

/** The breadcrumb of the consultation list. */
export const listCrumb = (ctx: PageContext) => ({
  href: '/consultations',
  label: ctx.t('pc.public.list.title'),
});
export const consultationCrumb = (c: Consultation) => ({ href: `/consultations/${c.id}`, label: c.title });
