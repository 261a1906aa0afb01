import { formatDate } from '../../../shared/fiscal-year.ts';
import type { PageContext } from '../../../web/context.ts';
import { indicatorChartSvg } from '../kpi.chart.ts';
import { achievementOf } from '../kpi.math.ts';
import type { KpiStatus } from '../kpi.service.ts';
import type { Actual, GradeRule, Indicator } from '../kpi.types.ts';
import type { RollUp } from '../kpi-public.service.ts';
import { gradeLabel } from '../kpi-public.service.ts';
import { Facts, fy, GradeBadge, rateText, SampleMark, valueText } from './kpi-parts.tsx';

/** Pieces of the public indicator pages: latest value, trend, standing, roll-up, chart with its table. */

export function indicatorHref(id: number): string {
  return `/dashboard/indicators/${id}`;
}

/** 12団体（令和5年度（2023年度）・確定）サンプル値 */
export function LatestValue({ ctx, s }: { ctx: PageContext; s: KpiStatus }) {
  const { t } = ctx;
  const a = s.latest;
  if (!a) return <span class="kpi-none">{t('kpi.noActual')}</span>;
  return (
    <span class="kpi-latest">
      <span class="kpi-latest__value">{valueText(ctx, a.value, s.indicator.decimals, s.indicator.unit)}</span>
      <span class="kpi-latest__fy">
        {t('kpi.public.latestWhen', { fy: fy(ctx, a.fiscalYear), status: t(`kpi.status.${a.status}`) })}
      </span>
      <SampleMark ctx={ctx} show={a.isSample || s.indicator.isSample} />
    </span>
  );
}

export function RateCell({ ctx, s }: { ctx: PageContext; s: KpiStatus }) {
  return (
    <span class="kpi-rate">
      {s.achievement ? rateText(ctx, s.achievement.rate) : ctx.t('kpi.public.none')}
    </span>
  );
}

export function GradeCell({
  ctx,
  s,
  rules,
}: {
  ctx: PageContext;
  s: KpiStatus;
  rules: readonly GradeRule[];
}) {
  if (!s.achievement) return <>{ctx.t('kpi.public.none')}</>;
  return <GradeBadge grade={s.achievement.grade} label={gradeLabel(rules, s.achievement.grade)} />;
}

export function TrendMark({ ctx, s }: { ctx: PageContext; s: KpiStatus }) {
  return <span class={`kpi-trend kpi-trend--${s.trend}`}>{ctx.t(`kpi.public.trendMark.${s.trend}`)}</span>;
}

/** 順調 / 遅れ / 実績なし, with the projection's flag when the current pace misses the target. */
export function StandingCell({ ctx, s }: { ctx: PageContext; s: KpiStatus }) {
  const { t } = ctx;
  return (
    <>
      <span class={`kpi-standing kpi-standing--${s.standing}`}>{t(`kpi.standing.${s.standing}`)}</span>
      {s.projection?.willMiss ? (
        <span class="kpi-flag kpi-flag--miss">{t('kpi.public.willMiss')}</span>
      ) : null}
    </>
  );
}

/** A roll-up: the grade badge and the mean rate, or a line saying none can be computed. */
export function RollUpLine({ ctx, r, rules }: { ctx: PageContext; r: RollUp; rules: readonly GradeRule[] }) {
  const { t } = ctx;
  return (
    <p class="kpi-rollup">
      <span class="kpi-rollup__label">{t('kpi.public.rollup')}</span>
      {r.rate === null || r.grade === null ? (
        t('kpi.public.rollupNone')
      ) : (
        <>
          <GradeBadge grade={r.grade} label={gradeLabel(rules, r.grade)} />{' '}
          {t('kpi.public.rollupValue', { rate: rateText(ctx, r.rate), counted: r.counted })}
          {r.missing > 0 ? t('kpi.public.rollupMissing', { count: r.missing }) : null}
        </>
      )}
    </p>
  );
}

/** Target as text: the value, or the range for "keep within a range" indicators. */
export function targetText(ctx: PageContext, ind: Indicator): string {
  if (ind.direction === 'range')
    return ctx.t('kpi.public.rangeText', {
      min: valueText(ctx, ind.rangeMin ?? ind.targetValue, ind.decimals, ind.unit),
      max: valueText(ctx, ind.rangeMax ?? ind.targetValue, ind.decimals, ind.unit),
    });
  return valueText(ctx, ind.targetValue, ind.decimals, ind.unit);
}

interface YearRow {
  fiscalYear: number;
  baseline: boolean;
  target: { value: number; interpolated: boolean } | null;
  actual: Actual | null;
}

/** The rows of the table beside the chart: the baseline year, then every year with a target or an actual. */
export function yearRows(s: KpiStatus): YearRow[] {
  const ind = s.indicator;
  const years = new Set<number>([ind.baselineFy]);
  for (const y of s.targets) years.add(y.fiscalYear);
  for (const a of s.actuals) years.add(a.fiscalYear);
  if (ind.direction === 'range') years.add(ind.targetFy);
  return [...years]
    .sort((a, b) => a - b)
    .map((fiscalYear) => {
      const y = s.targets.find((x) => x.fiscalYear === fiscalYear);
      const target =
        ind.direction === 'range'
          ? fiscalYear > ind.baselineFy
            ? { value: ind.targetValue, interpolated: false }
            : null
          : y
            ? { value: y.value, interpolated: y.interpolated }
            : fiscalYear > ind.targetFy
              ? { value: ind.targetValue, interpolated: false }
              : null;
      return {
        fiscalYear,
        baseline: fiscalYear === ind.baselineFy,
        target,
        actual: s.actuals.find((a) => a.fiscalYear === fiscalYear) ?? null,
      };
    });
}

/** The numbers of the chart as a table: year, target (按分 marked), actual, status, 達成率, grade, date. */
export function YearTable({
  ctx,
  s,
  rules,
}: {
  ctx: PageContext;
  s: KpiStatus;
  rules: readonly GradeRule[];
}) {
  const { t } = ctx;
  const ind = s.indicator;
  const label = t('kpi.public.chart.tableCaption', { name: ind.name });
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section class="table-scroll" aria-label={label} tabIndex={0}>
      <table class="kpi-years">
        <caption>{label}</caption>
        <thead>
          <tr>
            <th scope="col">{t('kpi.public.col.fy')}</th>
            <th scope="col">{t('kpi.public.col.target')}</th>
            <th scope="col">{t('kpi.public.col.actual')}</th>
            <th scope="col">{t('kpi.public.col.status')}</th>
            <th scope="col">{t('kpi.public.col.rate')}</th>
            <th scope="col">{t('kpi.public.col.grade')}</th>
            <th scope="col">{t('kpi.public.col.changed')}</th>
          </tr>
        </thead>
        <tbody>
          {yearRows(s).map((r) => {
            const ach = r.actual ? achievementOf(ind, s.targets, r.actual, rules) : null;
            return (
              <tr key={r.fiscalYear}>
                <th scope="row">
                  {r.baseline
                    ? t('kpi.public.baselineRow', { fy: fy(ctx, r.fiscalYear) })
                    : fy(ctx, r.fiscalYear)}
                </th>
                <td>
                  {r.baseline ? (
                    valueText(ctx, ind.baselineValue, ind.decimals, ind.unit)
                  ) : r.target ? (
                    <>
                      {ind.direction === 'range'
                        ? targetText(ctx, ind)
                        : valueText(ctx, r.target.value, ind.decimals, ind.unit)}
                      {r.target.interpolated ? (
                        <span class="kpi-interpolated">{t('kpi.interpolatedShort')}</span>
                      ) : null}
                    </>
                  ) : (
                    t('kpi.public.none')
                  )}
                </td>
                <td>
                  {r.actual ? (
                    <>
                      {valueText(ctx, r.actual.value, ind.decimals, ind.unit)}
                      <SampleMark ctx={ctx} show={r.actual.isSample || ind.isSample} />
                    </>
                  ) : (
                    t('kpi.public.none')
                  )}
                </td>
                <td>{r.actual ? t(`kpi.status.${r.actual.status}`) : t('kpi.public.none')}</td>
                <td>{ach ? rateText(ctx, ach.rate) : t('kpi.public.none')}</td>
                <td>
                  {ach ? (
                    <GradeBadge grade={ach.grade} label={gradeLabel(rules, ach.grade)} />
                  ) : (
                    t('kpi.public.none')
                  )}
                </td>
                <td>{r.actual ? formatDate(r.actual.enteredAt, ctx.locale) : t('kpi.public.none')}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** The chart (inline SVG, safe under the CSP: see kpi.chart.ts) with its caption. */
export function Chart({ ctx, s }: { ctx: PageContext; s: KpiStatus }) {
  const svg = indicatorChartSvg(s, ctx.locale);
  return (
    <figure class="kpi-chart">
      <div class="kpi-chart__image" dangerouslySetInnerHTML={{ __html: svg }} />
      <figcaption class="kpi-chart__caption">
        {ctx.t('kpi.public.chart.caption', { name: s.indicator.name })}
        {s.projection ? <> {ctx.t('kpi.public.chart.projection', { count: s.projection.points })}</> : null}
      </figcaption>
    </figure>
  );
}

/** One indicator on a measure or policy page: name, latest figures, chart, table behind 表で見る. */
export function IndicatorCard({
  ctx,
  s,
  rules,
  headingLevel = 3,
}: {
  ctx: PageContext;
  s: KpiStatus;
  rules: readonly GradeRule[];
  headingLevel?: 3 | 4;
}) {
  const { t } = ctx;
  const ind = s.indicator;
  const H = headingLevel === 3 ? 'h3' : 'h4';
  const hid = `kpi-${ind.id}-h`;
  return (
    <section class="kpi-card" aria-labelledby={hid}>
      <H id={hid} class="kpi-card__name">
        <a href={indicatorHref(ind.id)}>{ind.name}</a>
        <SampleMark ctx={ctx} show={ind.isSample} />
      </H>
      <Facts
        class="kpi-card__facts"
        items={[
          { label: t('kpi.latest'), value: <LatestValue ctx={ctx} s={s} /> },
          {
            label: t('kpi.target'),
            value: t('kpi.public.detail.targetWithFy', {
              value: targetText(ctx, ind),
              fy: fy(ctx, ind.targetFy),
            }),
          },
          { label: t('kpi.rate'), value: <RateCell ctx={ctx} s={s} /> },
          { label: t('kpi.grade'), value: <GradeCell ctx={ctx} s={s} rules={rules} /> },
          { label: t('kpi.public.col.standing'), value: <StandingCell ctx={ctx} s={s} /> },
        ]}
      />
      <Chart ctx={ctx} s={s} />
      <details class="kpi-card__table">
        <summary>{t('kpi.public.chart.tableToggle')}</summary>
        <YearTable ctx={ctx} s={s} rules={rules} />
      </details>
      <p class="kpi-card__more">
        <a href={indicatorHref(ind.id)}>{t('kpi.public.detailLink', { name: ind.name })}</a>
      </p>
    </section>
  );
}

/** The open-data downloads of every indicator and actual (.xlsx, CSV, JSON). */
export function DownloadLinks({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  return (
    <ul class="kpi-downloads">
      <li>
        <a href="/dashboard/indicators.xlsx">{t('kpi.public.download.xlsx')}</a>
      </li>
      <li>
        <a href="/dashboard/indicators.csv">{t('kpi.public.download.csv')}</a>
      </li>
      <li>
        <a href="/api/indicators">{t('kpi.public.download.json')}</a>
      </li>
    </ul>
  );
}
