import type { PageContext } from '../../../web/context.ts';
import { measureName, policyName } from '../../plan/views/common.tsx';
import type { NodeKpi, TopSummaryRow } from '../kpi-public.service.ts';
import { IndicatorCard, RollUpLine } from './public-parts.tsx';

/** The indicators sections of the plan's pages: measure page, policy page, and the top page's summary. */

/** 目標指標 on a measure page: the roll-up and one card (chart, table, link) per indicator. */
export function MeasureIndicators({ ctx, kpi }: { ctx: PageContext; kpi: NodeKpi }) {
  const { t } = ctx;
  return (
    <section class="kpi-node" aria-labelledby="kpi-node-h">
      <h2 id="kpi-node-h">{t('kpi.public.nodeSection')}</h2>
      {kpi.statuses.length === 0 ? (
        <p>{t('kpi.public.nodeNone')}</p>
      ) : (
        <>
          <RollUpLine ctx={ctx} r={kpi.rollUp} rules={kpi.rules} />
          {kpi.statuses.map((s) => (
            <IndicatorCard key={s.indicator.id} ctx={ctx} s={s} rules={kpi.rules} />
          ))}
        </>
      )}
      <p>
        <a href="/dashboard">{t('kpi.public.top.link')}</a>
      </p>
    </section>
  );
}

/** 目標指標 on a policy page: the policy's roll-up (own + measures'), its own indicators, each measure's roll-up. */
export function PolicyIndicators({ ctx, kpi }: { ctx: PageContext; kpi: NodeKpi }) {
  const { t } = ctx;
  const any = kpi.statuses.length > 0 || kpi.measures.some((m) => m.statuses.length > 0);
  return (
    <section class="kpi-node" aria-labelledby="kpi-node-h">
      <h2 id="kpi-node-h">{t('kpi.public.nodeSection')}</h2>
      {!any ? (
        <p>{t('kpi.public.policyNodeNone')}</p>
      ) : (
        <>
          <RollUpLine ctx={ctx} r={kpi.rollUp} rules={kpi.rules} />
          {kpi.statuses.length > 0 ? (
            <>
              <h3>{t('kpi.public.policyOwnHeading')}</h3>
              {kpi.statuses.map((s) => (
                <IndicatorCard key={s.indicator.id} ctx={ctx} s={s} rules={kpi.rules} headingLevel={4} />
              ))}
            </>
          ) : null}
          <h3>{t('kpi.public.policyMeasuresHeading')}</h3>
          <ul class="kpi-measure-rollups">
            {kpi.measures.map((m) => (
              <li key={m.measure.id}>
                <a href={`/plan/${m.measure.path}`}>{measureName(m.measure)}</a>
                {m.statuses.length === 0 ? (
                  <p>{t('kpi.public.nodeNone')}</p>
                ) : (
                  <RollUpLine ctx={ctx} r={m.rollUp} rules={kpi.rules} />
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      <p>
        <a href="/dashboard">{t('kpi.public.top.link')}</a>
      </p>
    </section>
  );
}

/** The top page's summary: per 重点施策, how many indicators are on track, behind, without an actual. */
export function TopKpiSummary({ ctx, rows }: { ctx: PageContext; rows: readonly TopSummaryRow[] }) {
  const { t } = ctx;
  if (rows.length === 0) return null;
  return (
    <section class="kpi-top" aria-labelledby="kpi-top-h">
      <h2 id="kpi-top-h">{t('kpi.public.top.heading')}</h2>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <section class="table-scroll" aria-label={t('kpi.public.top.caption')} tabIndex={0}>
        <table class="kpi-top__table">
          <caption>{t('kpi.public.top.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('kpi.public.top.policy')}</th>
              <th scope="col">{t('kpi.standing.on_track')}</th>
              <th scope="col">{t('kpi.standing.behind')}</th>
              <th scope="col">{t('kpi.standing.no_data')}</th>
              <th scope="col">{t('kpi.public.top.total')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.policy.id}>
                <th scope="row">
                  <a href={`/plan/${r.policy.path}`}>{policyName(r.policy)}</a>
                </th>
                <td>{r.counts.onTrack}</td>
                <td>{r.counts.behind}</td>
                <td>{r.counts.noData}</td>
                <td>{r.counts.total}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <p>
        <a href="/dashboard">{t('kpi.public.top.link')}</a>
      </p>
    </section>
  );
}
