import type { PageContext } from '../../../web/context.ts';
import { Layout, Paragraphs } from '../../../web/layout.tsx';
import type { KpiStatus } from '../../kpi/kpi.service.ts';
import { fy, SampleMark, valueText } from '../../kpi/views/kpi-parts.tsx';
import type { StaffMeasure } from '../plan-settings.service.ts';
import { measureName, policyName } from './common.tsx';

/** A measure's staff workspace: its text, its departments and cross-cutting links (KPIs and evaluations hang here). */
export function StaffMeasurePage({
  ctx,
  m,
  canEditSettings,
  indicators = [],
  canEditIndicator = () => false,
}: {
  ctx: PageContext;
  m: StaffMeasure;
  canEditSettings: boolean;
  /** The measure's indicators (目標指標) with their latest actual. */
  indicators?: KpiStatus[];
  canEditIndicator?: (s: KpiStatus) => boolean;
}) {
  const { t } = ctx;
  const name = measureName(m.measure);
  return (
    <Layout
      ctx={ctx}
      title={`${name}（${policyName(m.policy)}）`}
      section="staff"
      crumbs={[
        { href: '/staff', label: t('staff.home.title') },
        { href: `/staff/measures/${m.measure.path}`, label: name },
      ]}
    >
      <p class="eyebrow">{policyName(m.policy)}</p>
      <h1>{name}</h1>
      <div class="prose">
        <Paragraphs paragraphs={m.measure.body} />
      </div>
      <section aria-labelledby="owners-h">
        <h2 id="owners-h">{t('staffMeasure.owners')}</h2>
        <dl class="plan-meta">
          <div>
            <dt>{t('staffMeasure.lead')}</dt>
            <dd>{m.owners.lead?.name ?? t('staffMeasure.none')}</dd>
          </div>
          <div>
            <dt>{t('staffMeasure.supporting')}</dt>
            <dd>
              {m.owners.supporting.length
                ? m.owners.supporting.map((d) => d.name).join('、')
                : t('staffMeasure.none')}
            </dd>
          </div>
          <div>
            <dt>{t('plan.crossCutting')}</dt>
            <dd>{m.links.length ? m.links.map((x) => x.title).join('、') : t('staffMeasure.none')}</dd>
          </div>
        </dl>
      </section>
      <section aria-labelledby="kpi-h">
        <h2 id="kpi-h">{t('kpi.staff.measure.heading')}</h2>
        {indicators.length === 0 ? (
          <p>{t('kpi.staff.measure.none')}</p>
        ) : (
          <ul class="related">
            {indicators.map((s) => {
              const base = `/staff/kpi/indicators/${s.indicator.id}`;
              const edit = canEditIndicator(s);
              return (
                <li key={s.indicator.id}>
                  {s.indicator.name}
                  <SampleMark ctx={ctx} show={s.indicator.isSample} />
                  {'：'}
                  {s.latest
                    ? `${valueText(ctx, s.latest.value, s.indicator.decimals, s.indicator.unit)}（${fy(ctx, s.latest.fiscalYear)}）`
                    : t('kpi.noActual')}{' '}
                  <a
                    href={base}
                    aria-label={t(edit ? 'kpi.staff.list.editNamed' : 'kpi.staff.list.viewNamed', {
                      name: s.indicator.name,
                    })}
                  >
                    {edit ? t('kpi.staff.list.edit') : t('kpi.staff.list.view')}
                  </a>{' '}
                  <a
                    href={`${base}/actuals`}
                    aria-label={t(edit ? 'kpi.staff.list.actualsNamed' : 'kpi.staff.list.historyNamed', {
                      name: s.indicator.name,
                    })}
                  >
                    {edit ? t('kpi.staff.list.actuals') : t('kpi.staff.list.history')}
                  </a>
                </li>
              );
            })}
          </ul>
        )}
        <p>
          <a href={`/staff/kpi/indicators/new?node=${encodeURIComponent(m.measure.path)}`}>
            {t('kpi.staff.measure.add')}
          </a>
        </p>
      </section>
      <ul>
        <li>
          <a href={`/plan/${m.measure.path}`}>{t('staffMeasure.public')}</a>
        </li>
        {canEditSettings ? (
          <li>
            <a href={`/staff/plan/measures/${m.measure.path}`}>{t('staffMeasure.settings')}</a>
          </li>
        ) : null}
      </ul>
    </Layout>
  );
}
