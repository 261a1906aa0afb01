import { formatDate } from '../../../shared/fiscal-year.ts';
import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import type { PublicationRef, ResultSnapshot } from '../publication.service.ts';
import { ResultBody, ResultMeta } from './result-body.tsx';

/**
 * The public result of a consultation (GET /consultations/:id/result and /result/:seq): the snapshot of the
 * publication, links to the CSV, the xlsx, the printable page and the JSON, and every edition with its
 * correction note.
 */
export function ResultPage({
  ctx,
  s,
  publications,
}: {
  ctx: PageContext;
  s: ResultSnapshot;
  publications: PublicationRef[];
}) {
  const { t, locale } = ctx;
  const id = s.consultation.id;
  const latest = publications.at(-1)?.seq ?? s.seq;
  const base = `/consultations/${id}`;
  const title = t('pc.result.heading', { title: s.consultation.title });
  return (
    <Layout
      ctx={ctx}
      title={title}
      section="consultations"
      crumbs={[
        { href: '/consultations', label: t('consultation.name') },
        { href: base, label: s.consultation.title },
        { href: `${base}/result`, label: t('pc.result.title') },
      ]}
    >
      <p class="eyebrow">{t('pc.result.title')}</p>
      <h1>{title}</h1>
      {s.seq !== latest ? (
        <p class="notice">
          {t('pc.result.olderNotice', { seq: s.seq, latest })}{' '}
          <a href={`${base}/result`}>{t('pc.result.toLatest')}</a>
        </p>
      ) : null}
      <ResultMeta ctx={ctx} s={s} />
      <p>{t('pc.result.privacy')}</p>
      <nav aria-labelledby="downloads-h" class="pc-result__downloads">
        <h2 id="downloads-h">{t('pc.result.downloads')}</h2>
        <ul>
          {s.seq === latest ? (
            <>
              <li>
                <a href={`${base}/result.csv`} download>
                  {t('pc.result.csv')}
                </a>
              </li>
              <li>
                <a href={`${base}/result.xlsx`} download>
                  {t('pc.result.xlsx')}
                </a>
              </li>
            </>
          ) : null}
          {s.seq === latest ? (
            <>
              <li>
                <a href={`${base}/result/print`}>{t('pc.result.print')}</a>
              </li>
              <li>
                <a href={`/api/consultations/${id}/result`}>{t('pc.result.json')}</a>
              </li>
            </>
          ) : (
            <li>
              <a href={`${base}/result`}>{t('pc.result.toLatest')}</a>
            </li>
          )}
        </ul>
      </nav>
      <ResultBody ctx={ctx} s={s} />
      {publications.length > 1 ? (
        <section aria-labelledby="editions-h">
          <h2 id="editions-h">{t('pc.result.earlier')}</h2>
          <ol class="pc-result__editions">
            {publications.map((p) => (
              <li key={p.seq}>
                {p.seq === s.seq ? (
                  <span aria-current="page">
                    {t('pc.publish.historyItem', { seq: p.seq, date: formatDate(p.publishedAt, locale) })}
                  </span>
                ) : (
                  <a href={`${base}/result/${p.seq}`}>
                    {t('pc.publish.historyItem', { seq: p.seq, date: formatDate(p.publishedAt, locale) })}
                  </a>
                )}
                {p.seq === latest ? ` (${t('pc.result.current')})` : ''}
                {p.correctionNote ? (
                  <>
                    {' '}
                    <strong>{t('pc.result.correction')}</strong>：{p.correctionNote}
                  </>
                ) : null}
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      <p>
        <a href={base}>{t('pc.result.backToConsultation')}</a>
      </p>
    </Layout>
  );
}

/** The printable page (A4): the result only; the site's frame is left out when printing (kyoso.css). */
export function ResultPrintPage({ ctx, s }: { ctx: PageContext; s: ResultSnapshot }) {
  const { t } = ctx;
  const base = `/consultations/${s.consultation.id}`;
  const title = t('pc.result.heading', { title: s.consultation.title });
  return (
    <Layout
      ctx={ctx}
      title={`${title}（${t('pc.result.print')}）`}
      section="consultations"
      crumbs={[
        { href: '/consultations', label: t('consultation.name') },
        { href: base, label: s.consultation.title },
        { href: `${base}/result`, label: t('pc.result.title') },
        { href: `${base}/result/print`, label: t('pc.result.print') },
      ]}
    >
      <article class="pc-print">
        <h1>{title}</h1>
        <ResultMeta ctx={ctx} s={s} />
        <p>{t('pc.result.privacy')}</p>
        <ResultBody ctx={ctx} s={s} idPrefix="print" />
      </article>
    </Layout>
  );
}

/** Nothing published yet (404). */
export function ResultNotFoundPage({
  ctx,
  consultationId,
}: {
  ctx: PageContext;
  consultationId: number | null;
}) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('pc.result.notFound.title')} section="consultations">
      <h1>{t('pc.result.notFound.title')}</h1>
      <p>{t('error.notFound.body')}</p>
      <p>
        <a href={consultationId === null ? '/consultations' : `/consultations/${consultationId}`}>
          {consultationId === null ? t('consultation.name') : t('pc.result.backToConsultation')}
        </a>
      </p>
    </Layout>
  );
}
