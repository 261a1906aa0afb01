import { formatDate, formatDeadline } from '../../../shared/fiscal-year.ts';
import type { PageContext } from '../../../web/context.ts';
import { CsrfInput, ErrorSummary, errorFor, Field, type FieldErrors } from '../../../web/forms.tsx';
import { Layout } from '../../../web/layout.tsx';
import type { Consultation } from '../consultation.types.ts';
import type { PublicationRef, Readiness, ResultSnapshot } from '../publication.service.ts';
import { ResultBody } from './result-body.tsx';

/** The publish page (planners): readiness, the editions so far, the form, and a preview of the result. */
export function PublishPage({
  ctx,
  consultation,
  readiness,
  publications,
  preview,
  note,
  errors,
  notice,
}: {
  ctx: PageContext;
  consultation: Consultation;
  readiness: Readiness;
  publications: PublicationRef[];
  preview: ResultSnapshot;
  note: string;
  errors: FieldErrors;
  notice?: string | undefined;
}) {
  const { t, locale } = ctx;
  const base = `/staff/consultations/${consultation.id}`;
  const title = t('pc.publish.title');
  const nextSeq = (publications.at(-1)?.seq ?? 0) + 1;
  const noteError = errorFor(errors, 'correctionNote');
  return (
    <Layout
      ctx={ctx}
      title={`${title}：${consultation.title}`}
      error={errors.length > 0}
      section="staff"
      crumbs={[
        { href: '/staff', label: t('staff.home.title') },
        { href: '/staff/consultations', label: t('consultation.staff.list') },
        { href: base, label: consultation.title },
        { href: `${base}/publish`, label: title },
      ]}
    >
      <ErrorSummary t={t} errors={errors} />
      <p class="eyebrow">{consultation.title}</p>
      <h1>{title}</h1>
      {notice ? (
        <p class="notice" role="status">
          {notice} <a href={`/consultations/${consultation.id}/result`}>{t('pc.publish.viewPublic')}</a>
        </p>
      ) : null}
      <p>{t('pc.publish.lead')}</p>

      <section aria-labelledby="readiness-h" id="readiness">
        <h2 id="readiness-h">{readiness.ready ? t('pc.publish.ready') : t('pc.publish.notReady')}</h2>
        {readiness.ready ? null : (
          <ul class="pc-publish__blockers">
            {readiness.stillOpen ? (
              <li>{t('pc.publish.stillOpen', { date: formatDeadline(consultation.closesAt, locale) })}</li>
            ) : null}
            {readiness.newOpinions > 0 ? (
              <li>
                {t('pc.publish.newOpinions', { n: readiness.newOpinions })}{' '}
                <a href={`${base}/opinions?state=new`}>{t('pc.publish.toOpinions')}</a>
              </li>
            ) : null}
            {readiness.ungrouped.length > 0 ? (
              <li>
                {t('pc.publish.ungrouped', { n: readiness.ungrouped.length })}
                <ul>
                  {readiness.ungrouped.map((o) => (
                    <li key={o.id}>
                      <a href={`${base}/opinions/${o.id}`}>
                        {t('pc.publish.ungroupedItem', { id: o.id, section: o.section })}
                      </a>
                    </li>
                  ))}
                </ul>
              </li>
            ) : null}
            {readiness.unapproved.length > 0 ? (
              <li>
                {t('pc.publish.unapproved', { n: readiness.unapproved.length })}
                <ul>
                  {readiness.unapproved.map((g) => (
                    <li key={g.id}>
                      <a href={`${base}/groups/${g.id}/answer`}>
                        {t('pc.publish.unapprovedItem', {
                          id: g.id,
                          section: g.section,
                          state: t(`consultation.answerState.${g.state}`),
                        })}
                      </a>
                    </li>
                  ))}
                </ul>
              </li>
            ) : null}
            {readiness.noSummary.length > 0 ? (
              <li>
                {t('pc.publish.noSummary', { n: readiness.noSummary.length })}
                <ul>
                  {readiness.noSummary.map((g) => (
                    <li key={g.id}>
                      <a href={`${base}/groups/${g.id}`}>
                        {t('pc.publish.noSummaryItem', { id: g.id, section: g.section })}
                      </a>
                    </li>
                  ))}
                </ul>
              </li>
            ) : null}
          </ul>
        )}
      </section>

      <section aria-labelledby="history-h">
        <h2 id="history-h">{t('pc.publish.history')}</h2>
        {publications.length === 0 ? (
          <p>{t('pc.publish.none')}</p>
        ) : (
          <ol class="pc-result__editions">
            {publications.map((p) => (
              <li key={p.seq}>
                <a href={`/consultations/${consultation.id}/result/${p.seq}`}>
                  {t('pc.publish.historyItem', { seq: p.seq, date: formatDate(p.publishedAt, locale) })}
                </a>
                {p.correctionNote ? (
                  <>
                    {' '}
                    <strong>{t('pc.result.correction')}</strong>：{p.correctionNote}
                  </>
                ) : null}
              </li>
            ))}
          </ol>
        )}
      </section>

      {readiness.ready ? (
        <form method="post" action={`${base}/publish`} id="publish-form" novalidate>
          <CsrfInput token={ctx.csrfToken ?? ''} />
          <input type="hidden" name="seq" value={String(nextSeq)} />
          {nextSeq > 1 ? (
            <Field
              t={t}
              id="correctionNote"
              label={t('pc.publish.field.note')}
              hint={t('pc.publish.field.noteHint')}
              error={noteError}
              required
            >
              {(describedBy) => (
                <textarea
                  class="input pc-textarea"
                  id="correctionNote"
                  name="correctionNote"
                  rows={3}
                  aria-describedby={describedBy}
                  aria-invalid={noteError ? 'true' : undefined}
                >
                  {note}
                </textarea>
              )}
            </Field>
          ) : null}
          <button type="submit" class="button">
            {nextSeq > 1 ? t('pc.publish.submitCorrection', { seq: nextSeq }) : t('pc.publish.submit')}
          </button>
        </form>
      ) : null}

      <section aria-labelledby="preview-h" class="pc-publish__preview">
        <h2 id="preview-h">{t('pc.publish.preview')}</h2>
        <ResultBody ctx={ctx} s={preview} idPrefix="preview" headingLevel={3} />
      </section>
      <p>
        <a href={`${base}/answers`}>{t('pc.answers.list.title')}</a>
      </p>
    </Layout>
  );
}
