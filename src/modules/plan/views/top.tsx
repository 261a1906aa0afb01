import { formatDeadline } from '../../../shared/fiscal-year.ts';
import type { PageContext } from '../../../web/context.ts';
import { Layout, Paragraphs } from '../../../web/layout.tsx';
import type { TopSummaryRow } from '../../kpi/kpi-public.service.ts';
import { TopKpiSummary } from '../../kpi/views/public-node.tsx';
import type { PlanTree } from '../plan.types.ts';
import { measureName, PlanMeta, policyName, projectName, StateNotice } from './common.tsx';

/** The top page: the vision, the priority project's introduction, its policies and measures, the cross-cutting measures. */
/** A consultation open now, announced at the top of the site. */
export interface OpenConsultationLink {
  id: number;
  title: string;
  closesAt: string;
}

export function TopPage({
  ctx,
  tree,
  openConsultations = [],
  kpiSummary = [],
}: {
  ctx: PageContext;
  tree: PlanTree;
  openConsultations?: readonly OpenConsultationLink[];
  /** How many indicators are on track, by 重点施策 (目標指標). */
  kpiSummary?: readonly TopSummaryRow[];
}) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={tree.version.plan.title} section="home">
      <h1>{tree.version.plan.title}</h1>
      <StateNotice ctx={ctx} tree={tree} />
      {openConsultations.length > 0 ? (
        <section class="open-consultations" aria-labelledby="open-pc-h">
          <h2 id="open-pc-h">{t('top.openConsultations')}</h2>
          <ul>
            {openConsultations.map((c) => (
              <li key={c.id}>
                <a href={`/consultations/${c.id}`}>{c.title}</a>
                <span class="open-consultations__until">
                  {t('top.openUntil', { date: formatDeadline(c.closesAt, ctx.locale) })}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {tree.vision ? (
        <section class="vision" aria-labelledby="vision-h">
          <h2 id="vision-h">{t('plan.vision')}</h2>
          <p class="vision__text">「{tree.vision.title}」</p>
        </section>
      ) : null}
      <section aria-labelledby="project-h">
        <h2 id="project-h">
          {tree.project ? `${t('plan.project')} ${projectName(tree)}` : tree.version.documentTitle}
        </h2>
        <div class="prose">
          <Paragraphs paragraphs={tree.project ? tree.project.body : tree.preamble} />
        </div>
        <p>
          <a href="/plan">{t('plan.readWhole')}</a>
        </p>
      </section>
      <section aria-labelledby="policies-h">
        <h2 id="policies-h">{t('plan.policies')}</h2>
        <ol class="card-list">
          {tree.policies.map((p) => (
            <li class="card" key={p.id}>
              <h3>
                <a href={`/plan/${p.path}`}>{policyName(p)}</a>
              </h3>
              <p class="card__count">{t('plan.measureCount', { count: p.children.length })}</p>
              <ul class="measure-links">
                {p.children.map((m) => (
                  <li key={m.id}>
                    <a href={`/plan/${m.path}`}>{measureName(m)}</a>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      </section>
      <TopKpiSummary ctx={ctx} rows={kpiSummary} />
      {tree.crossCutting.measures.length > 0 ? (
        <section aria-labelledby="cross-h">
          <h2 id="cross-h">{tree.crossCutting.heading ?? t('plan.crossCutting')}</h2>
          <div class="prose">
            <Paragraphs paragraphs={tree.crossCutting.intro} />
          </div>
          <ul class="cross-list">
            {tree.crossCutting.measures.map((x) => (
              <li key={x.id}>
                <a href={`/plan/cross-cutting/${x.ordinal}`}>{x.title}</a>
              </li>
            ))}
          </ul>
          <p>
            <a href="/plan/cross-cutting">{t('matrix.title')}</a>
          </p>
        </section>
      ) : null}
      <PlanMeta ctx={ctx} tree={tree} />
    </Layout>
  );
}

export function NoPlanPage({ ctx }: { ctx: PageContext }) {
  return (
    <Layout ctx={ctx} title={ctx.t('site.name')} section="home">
      <h1>{ctx.t('site.name')}</h1>
      <p>{ctx.t('plan.noPlan')}</p>
    </Layout>
  );
}
