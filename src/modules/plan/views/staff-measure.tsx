import type { PageContext } from '../../../web/context.ts';
import { Layout, Paragraphs } from '../../../web/layout.tsx';
import type { StaffMeasure } from '../plan-settings.service.ts';
import { measureName, policyName } from './common.tsx';

/** A measure's staff workspace: its text, its departments and cross-cutting links (KPIs and evaluations hang here). */
export function StaffMeasurePage({
  ctx,
  m,
  canEditSettings,
}: {
  ctx: PageContext;
  m: StaffMeasure;
  canEditSettings: boolean;
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
