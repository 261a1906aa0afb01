import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import type { ConsultationOverview } from '../consultation.types.ts';
import { consultationCrumbs, formatPeriod, hubPath } from './staff-common.tsx';

/** Every consultation of the city with where it stands and its counts (staff). */
export function StaffConsultationListPage({
  ctx,
  consultations,
  canCreate,
  notice,
}: {
  ctx: PageContext;
  consultations: ConsultationOverview[];
  canCreate: boolean;
  notice?: string | undefined;
}) {
  const { t } = ctx;
  const title = t('pc.staff.list.title');
  return (
    <Layout ctx={ctx} title={title} section="staff" crumbs={consultationCrumbs(ctx, null).slice(0, 2)}>
      <h1>{title}</h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      {canCreate ? (
        <p>
          <a class="button" href="/staff/consultations/new">
            {t('pc.staff.list.new')}
          </a>
        </p>
      ) : null}
      {consultations.length === 0 ? (
        <p>{t('pc.staff.list.empty')}</p>
      ) : (
        <>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
          <section class="table-scroll" aria-label={t('pc.staff.list.caption')} tabIndex={0}>
            <table class="pcs-table">
              <caption>{t('pc.staff.list.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('pc.staff.list.col.title')}</th>
                  <th scope="col">{t('pc.staff.list.col.phase')}</th>
                  <th scope="col">{t('pc.staff.list.col.period')}</th>
                  <th scope="col" class="num">
                    {t('pc.staff.list.col.submissions')}
                  </th>
                  <th scope="col" class="num">
                    {t('pc.staff.list.col.opinions')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {consultations.map((c) => (
                  <tr key={c.id}>
                    <th scope="row">
                      <a href={hubPath(c.id)}>{c.title}</a>
                    </th>
                    <td>
                      <span class={`tag pcs-phase pcs-phase--${c.phase}`}>
                        {t(`consultation.phase.${c.phase}`)}
                      </span>
                    </td>
                    <td>{formatPeriod(ctx, c)}</td>
                    <td class="num">{c.submissionCount.toLocaleString('ja-JP')}</td>
                    <td class="num">{c.opinionCount.toLocaleString('ja-JP')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </Layout>
  );
}
