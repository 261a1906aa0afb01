import { formatDate, formatDateTime, formatDeadline } from '../../../shared/fiscal-year.ts';
import type { PageContext } from '../../../web/context.ts';
import type { ResultSnapshot } from '../publication.service.ts';

/**
 * The published result as HTML, from its snapshot: the counts, the counts by section, by 反映区分 and by
 * reason of exclusion, and the table 項目 / 意見の概要 / 市の考え方 / 反映区分 / 案の修正内容. Shared by the
 * public result page, its printable page and the publish page's preview. `idPrefix` keeps ids unique.
 */

/** Text as written, with its line breaks kept (CSS white-space: pre-line). */
function Multiline({ text }: { text: string }) {
  return <span class="pc-result__text">{text}</span>;
}

export function ResultMeta({ ctx, s }: { ctx: PageContext; s: ResultSnapshot }) {
  const { t, locale } = ctx;
  return (
    <ul class="pc-result__meta">
      <li>
        {t('pc.result.edition', { seq: s.seq })}{' '}
        {t('pc.result.publishedOn', { date: formatDate(s.publishedAt, locale) })}
      </li>
      <li>
        {s.consultation.documentTitle.endsWith(`（${s.consultation.versionLabel}）`)
          ? t('pc.result.document', { document: s.consultation.documentTitle })
          : t('pc.result.version', {
              document: s.consultation.documentTitle,
              label: s.consultation.versionLabel,
            })}
      </li>
      <li>
        {t('pc.result.period', {
          from: formatDateTime(s.consultation.opensAt, locale),
          to: formatDeadline(s.consultation.closesAt, locale),
        })}
      </li>
    </ul>
  );
}

export function ResultBody({
  ctx,
  s,
  idPrefix = 'result',
  headingLevel = 2,
}: {
  ctx: PageContext;
  s: ResultSnapshot;
  idPrefix?: string;
  headingLevel?: 2 | 3;
}) {
  const { t } = ctx;
  const H = headingLevel === 2 ? 'h2' : 'h3';
  const id = (x: string) => `${idPrefix}-${x}`;
  return (
    <div class="pc-result">
      {s.correctionNote ? (
        <p class="notice pc-result__correction">
          <strong>{t('pc.result.correction')}</strong>{' '}
          {t('pc.result.correctionNote', {
            seq: s.seq,
            date: formatDate(s.publishedAt, ctx.locale),
            note: s.correctionNote,
          })}
        </p>
      ) : null}
      <section aria-labelledby={id('counts')}>
        <H id={id('counts')}>{t('pc.result.counts')}</H>
        <dl class="pc-result__counts">
          <div>
            <dt>{t('pc.result.count.submissions')}</dt>
            <dd data-count="submissions">{t('pc.result.unitPeople', { n: s.counts.submissions })}</dd>
          </div>
          <div>
            <dt>{t('pc.result.count.opinions')}</dt>
            <dd data-count="opinions">{t('pc.result.unitItems', { n: s.counts.opinions })}</dd>
          </div>
          <div>
            <dt>{t('pc.result.count.reflected')}</dt>
            <dd data-count="reflected">{t('pc.result.unitItems', { n: s.counts.reflected })}</dd>
          </div>
          <div>
            <dt>{t('pc.result.count.accepted')}</dt>
            <dd data-count="accepted">{t('pc.result.unitItems', { n: s.counts.accepted })}</dd>
          </div>
          <div>
            <dt>{t('pc.result.count.excluded')}</dt>
            <dd data-count="excluded">{t('pc.result.unitItems', { n: s.counts.excluded })}</dd>
          </div>
        </dl>
        <div class="pc-result__breakdowns">
          <div class="table-scroll">
            <table class="pc-result__small">
              <caption>{t('pc.result.byReflection')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('pc.result.col.reflection')}</th>
                  <th scope="col">{t('pc.result.count')}</th>
                </tr>
              </thead>
              <tbody>
                {s.byReflection.map((r) => (
                  <tr key={r.reflection}>
                    <th scope="row">{t(`consultation.reflection.${r.reflection}`)}</th>
                    <td class="num">{r.opinions}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {s.bySection.length > 0 ? (
            <div class="table-scroll">
              <table class="pc-result__small">
                <caption>{t('pc.result.bySection')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('pc.result.col.section')}</th>
                    <th scope="col">{t('pc.result.count')}</th>
                  </tr>
                </thead>
                <tbody>
                  {s.bySection.map((r) => (
                    <tr key={r.section}>
                      <th scope="row">{r.section}</th>
                      <td class="num">{r.opinions}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {s.counts.excluded > 0 ? (
            <div class="table-scroll">
              <table class="pc-result__small">
                <caption>{t('pc.result.excludedByReason')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('pc.result.reason')}</th>
                    <th scope="col">{t('pc.result.count')}</th>
                  </tr>
                </thead>
                <tbody>
                  {s.excludedByReason.map((r) => (
                    <tr key={r.reason}>
                      <th scope="row">{t(`consultation.exclusion.${r.reason}`)}</th>
                      <td class="num">{r.opinions}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </div>
      </section>
      <section aria-labelledby={id('table')}>
        <H id={id('table')}>{t('pc.result.table')}</H>
        {s.rows.length === 0 ? (
          <p>{t('pc.result.noRows')}</p>
        ) : (
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
          <section class="table-scroll" aria-labelledby={id('caption')} tabIndex={0}>
            <table class="pc-result__table">
              <caption id={id('caption')}>{t('pc.result.tableCaption', { n: s.rows.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('pc.result.col.no')}</th>
                  <th scope="col">{t('pc.result.col.section')}</th>
                  <th scope="col">{t('pc.result.col.summary')}</th>
                  <th scope="col">{t('pc.result.col.answer')}</th>
                  <th scope="col">{t('pc.result.col.reflection')}</th>
                  <th scope="col">{t('pc.result.col.draftChange')}</th>
                  <th scope="col">{t('pc.result.col.opinions')}</th>
                </tr>
              </thead>
              <tbody>
                {s.rows.map((r, i) => (
                  <tr key={String(i)}>
                    <th scope="row" class="num">
                      {i + 1}
                    </th>
                    <td>{r.section}</td>
                    <td>
                      <Multiline text={r.summary} />
                    </td>
                    <td>
                      <Multiline text={r.answer} />
                    </td>
                    <td>{t(`consultation.reflection.${r.reflection}`)}</td>
                    <td>
                      <Multiline text={r.draftChange} />
                    </td>
                    <td class="num">{r.opinionCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
      </section>
    </div>
  );
}
