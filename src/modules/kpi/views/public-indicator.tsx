import { formatDate } from '../../../shared/fiscal-year.ts';
import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/layout.tsx';
import type { PlanNode } from '../../plan/plan.types.ts';
import { measureName, policyName } from '../../plan/views/common.tsx';
import { formatValue } from '../kpi.math.ts';
import type { KpiStatus } from '../kpi.service.ts';
import type { GradeRule } from '../kpi.types.ts';
import { Facts, fy, rateText, SampleMark, valueText } from './kpi-parts.tsx';
import {
  Chart,
  GradeCell,
  LatestValue,
  RateCell,
  StandingCell,
  TrendMark,
  targetText,
  YearTable,
} from './public-parts.tsx';

/** GET /dashboard/indicators/:id: one indicator with its chart, its table and its definition. */

export interface IndicatorView {
  s: KpiStatus;
  rules: GradeRule[];
  policy: PlanNode;
  measure: PlanNode | null;
  /** The department as shown (with 「（施策の主担当課）」 when it falls back to the measure's). */
  departmentText: string;
}

/** The formula of the latest rate, with the numbers put in. */
function Computation({ ctx, s }: { ctx: PageContext; s: KpiStatus }) {
  const { t, locale } = ctx;
  const ind = s.indicator;
  const a = s.latest;
  const ach = s.achievement;
  if (!a || !ach) return <p>{t('kpi.public.detail.noComputation')}</p>;
  const n = (v: number) => formatValue(v, ind.decimals, locale);
  const rule =
    ind.direction === 'range'
      ? t('kpi.formula.range')
      : ach.targetValue === ind.baselineValue
        ? t('kpi.formula.sameAsBaseline')
        : t('kpi.formula.rate');
  return (
    <>
      <p>{rule}</p>
      {ind.direction !== 'range' && ach.targetValue !== ind.baselineValue ? (
        <p class="kpi-formula">
          {t('kpi.public.yearPrefix', { fy: fy(ctx, a.fiscalYear) })}
          {t('kpi.public.detail.computationText', {
            actual: n(a.value),
            baseline: n(ind.baselineValue),
            target: n(ach.targetValue),
            rate: rateText(ctx, ach.rate),
          })}
          {ach.targetInterpolated ? <span class="kpi-interpolated">{t('kpi.interpolatedShort')}</span> : null}
        </p>
      ) : (
        <p class="kpi-formula">
          {t('kpi.public.yearPrefix', { fy: fy(ctx, a.fiscalYear) })}
          {rateText(ctx, ach.rate)}
        </p>
      )}
    </>
  );
}

export function IndicatorPage({ ctx, view }: { ctx: PageContext; view: IndicatorView }) {
  const { t } = ctx;
  const { s, rules } = view;
  const ind = s.indicator;
  const node = view.measure ?? view.policy;
  const nodeName = view.measure ? measureName(view.measure) : policyName(view.policy);
  const dash = t('kpi.public.title');
  return (
    <Layout
      ctx={ctx}
      title={ind.name}
      section="dashboard"
      crumbs={[
        { href: '/dashboard', label: dash },
        { href: `/dashboard/indicators/${ind.id}`, label: ind.name },
      ]}
    >
      <p class="eyebrow">
        <a href={`/plan/${node.path}`}>{nodeName}</a>
      </p>
      <h1>
        {ind.name}
        <SampleMark ctx={ctx} show={ind.isSample} />
      </h1>
      <section aria-labelledby="kpi-latest-h">
        <h2 id="kpi-latest-h">{t('kpi.public.detail.latestHeading')}</h2>
        <Facts
          class="kpi-facts"
          items={[
            {
              label: t('kpi.latest'),
              value: (
                <>
                  <LatestValue ctx={ctx} s={s} />
                  {s.latest ? (
                    <span class="kpi-changed">
                      {t('kpi.lastChanged', { date: formatDate(s.latest.enteredAt, ctx.locale) })}
                    </span>
                  ) : null}
                </>
              ),
            },
            { label: t('kpi.rate'), value: <RateCell ctx={ctx} s={s} /> },
            { label: t('kpi.grade'), value: <GradeCell ctx={ctx} s={s} rules={rules} /> },
            { label: t('kpi.trend'), value: <TrendMark ctx={ctx} s={s} /> },
            { label: t('kpi.public.col.standing'), value: <StandingCell ctx={ctx} s={s} /> },
            {
              label: t('kpi.projection'),
              value: s.projection
                ? `${t('kpi.public.detail.projectionText', {
                    count: s.projection.points,
                    fy: fy(ctx, ind.targetFy),
                    value: valueText(ctx, s.projection.valueAtTarget, ind.decimals, ind.unit),
                  })}${s.projection.willMiss ? t('kpi.public.willMiss') : t('kpi.public.willReach')}`
                : s.actuals.some((a) => a.fiscalYear >= ind.targetFy)
                  ? t('kpi.public.detail.projectionDone')
                  : t('kpi.public.detail.projectionNone'),
            },
          ]}
        />
      </section>
      <section aria-labelledby="kpi-chart-h">
        <h2 id="kpi-chart-h">{t('kpi.public.detail.chartHeading')}</h2>
        <Chart ctx={ctx} s={s} />
        {s.actuals.length === 0 ? <p>{t('kpi.public.detail.noActuals')}</p> : null}
        <YearTable ctx={ctx} s={s} rules={rules} />
      </section>
      <section aria-labelledby="kpi-computation-h">
        <h2 id="kpi-computation-h">{t('kpi.public.detail.computation')}</h2>
        <Computation ctx={ctx} s={s} />
        <p>
          <a href="/dashboard/about">{t('kpi.public.aboutLink')}</a>
        </p>
      </section>
      <section aria-labelledby="kpi-def-h">
        <h2 id="kpi-def-h">{t('kpi.public.detail.definition')}</h2>
        <Facts
          class="kpi-facts"
          items={[
            { label: t('kpi.public.detail.node'), value: <a href={`/plan/${node.path}`}>{nodeName}</a> },
            { label: t('kpi.field.definition'), value: ind.definition, class: 'kpi-text' },
            { label: t('kpi.field.source'), value: ind.source, class: 'kpi-text' },
            { label: t('kpi.field.unit'), value: ind.unit === '' ? t('kpi.public.none') : ind.unit },
            { label: t('kpi.field.direction'), value: t(`kpi.direction.${ind.direction}`) },
            {
              label: t('kpi.baseline'),
              value: t('kpi.public.detail.targetWithFy', {
                value: valueText(ctx, ind.baselineValue, ind.decimals, ind.unit),
                fy: fy(ctx, ind.baselineFy),
              }),
            },
            {
              label: t('kpi.target'),
              value: t('kpi.public.detail.targetWithFy', {
                value: targetText(ctx, ind),
                fy: fy(ctx, ind.targetFy),
              }),
            },
            { label: t('kpi.field.department'), value: view.departmentText },
          ]}
        />
      </section>
    </Layout>
  );
}
