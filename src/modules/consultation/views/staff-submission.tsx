import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import type { Consultation } from '../consultation.types.ts';
import type { SubmissionView, TriageContext } from '../triage.service.ts';
import { consultationCrumbs, formatDate, hubPath, PlainText, sectionName } from './staff-common.tsx';

/** A submission with its personal data (planners; each view is audited). */
export function StaffSubmissionPage({
  ctx,
  consultation,
  context,
  submission: s,
}: {
  ctx: PageContext;
  consultation: Consultation;
  context: TriageContext;
  submission: SubmissionView;
}) {
  const { t } = ctx;
  const title = t('pc.staff.submission.title', { receipt: s.receiptNumber });
  const base = hubPath(consultation.id);
  const row = (label: string, value: string) => (
    <>
      <dt>{label}</dt>
      <dd class="pcs-plain">{value === '' ? t('pc.staff.none') : value}</dd>
    </>
  );
  return (
    <Layout
      ctx={ctx}
      title={title}
      section="staff"
      crumbs={consultationCrumbs(ctx, consultation, [
        { href: `${base}/opinions`, label: t('pc.staff.hub.triage') },
        { href: `${base}/submissions/${s.id}`, label: title },
      ])}
    >
      <h1>{title}</h1>
      <p class="notice">{t('pc.staff.submission.notice')}</p>
      <dl class="pcs-dl">
        {row(t('pc.staff.submission.receipt'), s.receiptNumber)}
        {row(t('consultation.field.name'), s.name)}
        {row(t('consultation.field.address'), s.address)}
        {row(t('consultation.field.category'), t(`consultation.category.${s.category}`))}
        {s.category === 'other' ? row(t('consultation.field.categoryNote'), s.categoryNote) : null}
        {row(t('consultation.field.email'), s.email)}
        {row(t('consultation.field.phone'), s.phone)}
        {row(t('consultation.field.channel'), t(`consultation.channel.${s.channel}`))}
        {row(t('consultation.field.receivedOn'), formatDate(ctx, s.receivedOn))}
      </dl>
      <section aria-labelledby="opinions-h">
        <h2 id="opinions-h">{t('pc.staff.submission.opinions')}</h2>
        <ul class="pcs-opinion-list">
          {s.opinions.map((o) => (
            <li key={o.id}>
              <a href={`${base}/opinions/${o.id}`}>{t('pc.staff.opinion.title', { id: o.id })}</a>{' '}
              <span class="tag">{t(`consultation.opinionState.${o.state}`)}</span>{' '}
              <span class="pcs-small">{sectionName(ctx, context.sections, o.nodeId)}</span>
              <PlainText text={o.body} />
            </li>
          ))}
        </ul>
      </section>
    </Layout>
  );
}
