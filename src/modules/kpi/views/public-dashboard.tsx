import type { PageContext } from '../../../web/context.ts';
import { ErrorSummary, type FieldErrors } from '../../../web/forms.tsx';
import { Layout } from '../../../web/layout.tsx';
import type { CrossCuttingMeasure } from '../../plan/plan.types.ts';
import { measureName, policyName } from '../../plan/views/common.tsx';
import type { KpiStatus } from '../kpi.service.ts';
import type { GradeRule } from '../kpi.types.ts';
import type { Dashboard, DepartmentOption, StandingCounts } from '../kpi-public.service.ts';
import { SampleMark } from './kpi-parts.tsx';
import {
  DownloadLinks,
  GradeCell,
  indicatorHref,
  LatestValue,
  RateCell,
  RollUpLine,
  StandingCell,
  TrendMark,
} from './public-parts.tsx';

/** GET /dashboard: every indicator of the plan, grouped by 重点施策 and measure, filterable without JS. */

export interface DashboardView {
  dashboard: Dashboard;
  crossCutting: CrossCuttingMeasure[];
  departments: DepartmentOption[];
  /** The filter as asked (raw values kept for the form), and what was applied. */
  cc: string;
  dept: string;
  applied: { cc: CrossCuttingMeasure | null; dept: DepartmentOption | null };
  errors: FieldErrors;
}

export function SummaryLine({ ctx, counts }: { ctx: PageContext; counts: StandingCounts }) {
  return (
    <p class="kpi-summary">
      {ctx.t('kpi.public.summary', {
        onTrack: counts.onTrack,
        behind: counts.behind,
        noData: counts.noData,
        total: counts.total,
      })}
    </p>
  );
}

function IndicatorTable({
  ctx,
  caption,
  statuses,
  rules,
}: {
  ctx: PageContext;
  caption: string;
  statuses: KpiStatus[];
  rules: readonly GradeRule[];
}) {
  const { t } = ctx;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section class="table-scroll" aria-label={caption} tabIndex={0}>
      <table class="kpi-board">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('kpi.public.col.indicator')}</th>
            <th scope="col">{t('kpi.public.col.latest')}</th>
            <th scope="col">{t('kpi.public.col.rate')}</th>
            <th scope="col">{t('kpi.public.col.grade')}</th>
            <th scope="col">{t('kpi.public.col.trend')}</th>
            <th scope="col">{t('kpi.public.col.standing')}</th>
          </tr>
        </thead>
        <tbody>
          {statuses.map((s) => (
            <tr key={s.indicator.id}>
              <th scope="row">
                <a href={indicatorHref(s.indicator.id)}>{s.indicator.name}</a>
                <SampleMark ctx={ctx} show={s.indicator.isSample && !s.latest} />
              </th>
              <td data-label={t('kpi.public.col.latest')}>
                <LatestValue ctx={ctx} s={s} />
              </td>
              <td data-label={t('kpi.public.col.rate')}>
                <RateCell ctx={ctx} s={s} />
              </td>
              <td data-label={t('kpi.public.col.grade')}>
                <GradeCell ctx={ctx} s={s} rules={rules} />
              </td>
              <td data-label={t('kpi.public.col.trend')}>
                <TrendMark ctx={ctx} s={s} />
              </td>
              <td data-label={t('kpi.public.col.standing')}>
                <StandingCell ctx={ctx} s={s} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function FilterForm({ ctx, view }: { ctx: PageContext; view: DashboardView }) {
  const { t } = ctx;
  const ccError = view.errors.find((e) => e.field === 'cc')?.message;
  const deptError = view.errors.find((e) => e.field === 'dept')?.message;
  const filtered = view.applied.cc !== null || view.applied.dept !== null;
  return (
    <section class="kpi-filter" aria-labelledby="kpi-filter-h">
      <h2 id="kpi-filter-h">{t('kpi.public.filterHeading')}</h2>
      <form method="get" action="/dashboard">
        <div class={`field${ccError ? ' field--error' : ''}`}>
          <label for="cc">{t('kpi.public.filter.cc')}</label>
          <p class="hint" id="cc-hint">
            {t('kpi.public.filter.ccHint')}
          </p>
          {ccError ? (
            <p class="field-error" id="cc-error">
              <span class="visually-hidden">{t('form.errorPrefix')}</span>
              {ccError}
            </p>
          ) : null}
          <select
            class="input"
            id="cc"
            name="cc"
            aria-describedby={ccError ? 'cc-hint cc-error' : 'cc-hint'}
            aria-invalid={ccError ? 'true' : undefined}
          >
            <option value="">{t('kpi.public.filter.all')}</option>
            {view.crossCutting.map((x) => (
              <option key={x.id} value={String(x.ordinal)} selected={view.applied.cc?.id === x.id}>
                {x.title}
              </option>
            ))}
          </select>
        </div>
        <div class={`field${deptError ? ' field--error' : ''}`}>
          <label for="dept">{t('kpi.public.filter.dept')}</label>
          <p class="hint" id="dept-hint">
            {t('kpi.public.filter.deptHint')}
          </p>
          {deptError ? (
            <p class="field-error" id="dept-error">
              <span class="visually-hidden">{t('form.errorPrefix')}</span>
              {deptError}
            </p>
          ) : null}
          <select
            class="input"
            id="dept"
            name="dept"
            aria-describedby={deptError ? 'dept-hint dept-error' : 'dept-hint'}
            aria-invalid={deptError ? 'true' : undefined}
          >
            <option value="">{t('kpi.public.filter.all')}</option>
            {view.departments.map((d) => (
              <option key={d.id} value={String(d.id)} selected={view.applied.dept?.id === d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </div>
        <p class="kpi-filter__actions">
          <button type="submit" class="button">
            {t('kpi.public.filter.submit')}
          </button>
          {filtered || view.errors.length > 0 ? (
            <a class="kpi-filter__clear" href="/dashboard">
              {t('kpi.public.filter.clear')}
            </a>
          ) : null}
        </p>
      </form>
    </section>
  );
}

export function DashboardPage({ ctx, view }: { ctx: PageContext; view: DashboardView }) {
  const { t } = ctx;
  const d = view.dashboard;
  const title = t('kpi.public.title');
  const what = [view.applied.cc?.title, view.applied.dept?.name]
    .filter(Boolean)
    .join(ctx.locale === 'ja' ? '・' : ', ');
  return (
    <Layout
      ctx={ctx}
      title={title}
      error={view.errors.length > 0}
      section="dashboard"
      crumbs={[{ href: '/dashboard', label: title }]}
    >
      <h1>{title}</h1>
      <ErrorSummary t={t} errors={view.errors} />
      <p class="lead">{t('kpi.public.lead')}</p>
      <p>
        <a href="/dashboard/about">{t('kpi.public.aboutLink')}</a>
      </p>
      <section class="kpi-summary-box" aria-labelledby="kpi-summary-h">
        <h2 id="kpi-summary-h">{t('kpi.public.summaryHeading')}</h2>
        {what ? <p class="kpi-filter__active">{t('kpi.public.filter.active', { what })}</p> : null}
        <SummaryLine ctx={ctx} counts={d.counts} />
      </section>
      <FilterForm ctx={ctx} view={view} />
      {d.totalIndicators === 0 ? (
        <p class="kpi-empty">{t('kpi.public.noIndicators')}</p>
      ) : d.groups.length === 0 ? (
        <p class="kpi-empty">{t('kpi.public.noMatch')}</p>
      ) : (
        d.groups.map((g) => {
          const pname = policyName(g.policy);
          const pid = `kpi-p${g.policy.path}`;
          return (
            <section key={g.policy.id} class="kpi-policy" aria-labelledby={pid}>
              <h2 id={pid}>
                <a href={`/plan/${g.policy.path}`}>{pname}</a>
              </h2>
              <RollUpLine ctx={ctx} r={g.rollUp} rules={d.rules} />
              <SummaryLine ctx={ctx} counts={g.counts} />
              {g.own.length > 0 ? (
                <section aria-labelledby={`${pid}-own`}>
                  <h3 id={`${pid}-own`}>{t('kpi.public.policyOwn', { policy: pname })}</h3>
                  <IndicatorTable
                    ctx={ctx}
                    caption={t('kpi.public.tableCaption', { name: pname })}
                    statuses={g.own}
                    rules={d.rules}
                  />
                </section>
              ) : null}
              {g.measures.map((m) => {
                const mname = measureName(m.measure);
                const mid = `kpi-m${m.measure.path.replace('/', '-')}`;
                return (
                  <section key={m.measure.id} class="kpi-measure" aria-labelledby={mid}>
                    <h3 id={mid}>
                      <a href={`/plan/${m.measure.path}`}>{mname}</a>
                    </h3>
                    <RollUpLine ctx={ctx} r={m.rollUp} rules={d.rules} />
                    <IndicatorTable
                      ctx={ctx}
                      caption={t('kpi.public.tableCaption', { name: mname })}
                      statuses={m.statuses}
                      rules={d.rules}
                    />
                  </section>
                );
              })}
            </section>
          );
        })
      )}
      <section aria-labelledby="kpi-dl-h">
        <h2 id="kpi-dl-h">{t('kpi.public.downloadsHeading')}</h2>
        <DownloadLinks ctx={ctx} />
      </section>
    </Layout>
  );
}
