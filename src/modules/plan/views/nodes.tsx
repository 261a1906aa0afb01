import type { PageContext } from '../../../web/context.ts';
import { Layout, Paragraphs } from '../../../web/layout.tsx';
import type { NodeKpi } from '../../kpi/kpi-public.service.ts';
import { MeasureIndicators, PolicyIndicators } from '../../kpi/views/public-node.tsx';
import { matrixCell } from '../plan.service.ts';
import type { CrossCuttingMeasure, MeasureOwners, PlanNode, PlanTree } from '../plan.types.ts';
import { measureName, PlanMeta, policyName, projectName, StateNotice } from './common.tsx';

/** The whole priority project as one readable (and printable) page: every policy and measure in full. */
export function ProjectPage({ ctx, tree }: { ctx: PageContext; tree: PlanTree }) {
  const { t } = ctx;
  const title = tree.project ? `${t('plan.project')} ${projectName(tree)}` : t('plan.wholeText');
  return (
    <Layout ctx={ctx} title={title} section="plan" crumbs={[{ href: '/plan', label: title }]}>
      <h1>{title}</h1>
      <StateNotice ctx={ctx} tree={tree} />
      <p class="document-title">{tree.version.documentTitle}</p>
      <div class="prose">
        <Paragraphs paragraphs={[...tree.preamble, ...(tree.project?.body ?? [])]} />
      </div>
      {tree.policies.map((p) => (
        <section key={p.id} aria-labelledby={`p${p.path}`}>
          <h2 id={`p${p.path}`}>
            <a href={`/plan/${p.path}`}>{policyName(p)}</a>
          </h2>
          <div class="prose">
            <Paragraphs paragraphs={p.body} />
          </div>
          {p.children.map((m) => (
            <section key={m.id} aria-labelledby={`m${m.path.replace('/', '-')}`}>
              <h3 id={`m${m.path.replace('/', '-')}`}>
                <a href={`/plan/${m.path}`}>{measureName(m)}</a>
              </h3>
              <div class="prose">
                <Paragraphs paragraphs={m.body} />
              </div>
            </section>
          ))}
        </section>
      ))}
      {tree.crossCutting.measures.length > 0 ? (
        <section aria-labelledby="cross-h">
          <h2 id="cross-h">
            <a href="/plan/cross-cutting">{tree.crossCutting.heading ?? t('plan.crossCutting')}</a>
          </h2>
          <div class="prose">
            <Paragraphs paragraphs={tree.crossCutting.intro} />
          </div>
          {tree.crossCutting.measures.map((x) => (
            <section key={x.id} aria-labelledby={`x${x.ordinal}`}>
              <h3 id={`x${x.ordinal}`}>
                <a href={`/plan/cross-cutting/${x.ordinal}`}>{x.title}</a>
              </h3>
              <div class="prose">
                <Paragraphs paragraphs={x.body} />
              </div>
            </section>
          ))}
        </section>
      ) : null}
      <Notes ctx={ctx} tree={tree} />
      <PlanMeta ctx={ctx} tree={tree} />
    </Layout>
  );
}

export function Notes({ ctx, tree }: { ctx: PageContext; tree: PlanTree }) {
  if (tree.notes.length === 0) return null;
  return (
    <section class="notes" id="notes" aria-labelledby="notes-h">
      <h2 id="notes-h">{ctx.t('plan.notes')}</h2>
      {tree.notes.map((n) => (
        <p key={n.text}>{n.text}</p>
      ))}
    </section>
  );
}

function projectCrumb(ctx: PageContext, tree: PlanTree) {
  return { href: '/plan', label: tree.project ? projectName(tree) : ctx.t('plan.wholeText') };
}

/** The cross-cutting measures related to a node: staff links and mentions in its text, each marked as such. */
function RelatedCrossCutting({
  ctx,
  tree,
  nodes,
  heading,
}: {
  ctx: PageContext;
  tree: PlanTree;
  nodes: PlanNode[];
  heading: string;
}) {
  const { t } = ctx;
  const rows: Array<{ x: CrossCuttingMeasure; linked: boolean; words: string[] }> = [];
  for (const x of tree.crossCutting.measures) {
    let linked = false;
    const words = new Set<string>();
    for (const n of nodes) {
      const c = matrixCell(tree, n, x);
      linked ||= c.linked;
      for (const w of c.mentionedKeywords) words.add(w);
    }
    if (linked || words.size > 0) rows.push({ x, linked, words: [...words] });
  }
  if (tree.crossCutting.measures.length === 0) return null;
  return (
    <section aria-labelledby="related-h">
      <h2 id="related-h">{heading}</h2>
      {rows.length === 0 ? (
        <p>{t('plan.crossCuttingNone')}</p>
      ) : (
        <ul class="related">
          {rows.map(({ x, linked, words }) => (
            <li key={x.id}>
              <a href={`/plan/cross-cutting/${x.ordinal}`}>{x.title}</a>
              {linked ? <span class="tag tag--linked">{t('matrix.linked')}</span> : null}
              {words.length > 0 ? (
                <span class="tag tag--mentioned">
                  {t('matrix.mentioned')}（{t('matrix.mentionedWords', { words: words.join('、') })}）
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** A measure's departments (担当課): the lead and the supporting ones, or a line saying none is set. */
function Owners({ ctx, owners }: { ctx: PageContext; owners: MeasureOwners }) {
  const { t } = ctx;
  const none = owners.lead === null && owners.supporting.length === 0;
  return (
    <section aria-labelledby="owners-h">
      <h2 id="owners-h">{t('owners.heading')}</h2>
      {none ? (
        <p>{t('owners.none')}</p>
      ) : (
        <dl class="owners">
          {owners.lead ? (
            <div>
              <dt>{t('owners.lead')}</dt>
              <dd>{owners.lead.name}</dd>
            </div>
          ) : null}
          {owners.supporting.length > 0 ? (
            <div>
              <dt>{t('owners.supporting')}</dt>
              <dd>{owners.supporting.map((d) => d.name).join(t('owners.separator'))}</dd>
            </div>
          ) : null}
        </dl>
      )}
    </section>
  );
}

export function PolicyPage({
  ctx,
  tree,
  policy,
  owners = new Map(),
  kpi,
}: {
  ctx: PageContext;
  tree: PlanTree;
  policy: PlanNode;
  /** The departments of the measures, by address (only the lead is shown here). */
  owners?: ReadonlyMap<string, MeasureOwners>;
  /** The policy's indicators and its measures' roll-ups (目標指標). */
  kpi?: NodeKpi;
}) {
  const { t } = ctx;
  const name = policyName(policy);
  return (
    <Layout
      ctx={ctx}
      title={name}
      section="plan"
      crumbs={[projectCrumb(ctx, tree), { href: `/plan/${policy.path}`, label: name }]}
    >
      <h1>{name}</h1>
      <StateNotice ctx={ctx} tree={tree} />
      <div class="prose">
        <Paragraphs paragraphs={policy.body} />
      </div>
      <section aria-labelledby="measures-h">
        <h2 id="measures-h">{t('plan.measuresOf', { policy: name })}</h2>
        {policy.children.map((m) => {
          const lead = owners.get(m.path)?.lead;
          return (
            <section class="measure-summary" key={m.id} aria-labelledby={`m${m.ordinal}`}>
              <h3 id={`m${m.ordinal}`}>
                <a href={`/plan/${m.path}`}>{measureName(m)}</a>
              </h3>
              {lead ? <p class="measure-lead">{t('owners.leadLine', { name: lead.name })}</p> : null}
              <div class="prose">
                <Paragraphs paragraphs={m.body} />
              </div>
            </section>
          );
        })}
      </section>
      {kpi ? <PolicyIndicators ctx={ctx} kpi={kpi} /> : null}
      <RelatedCrossCutting
        ctx={ctx}
        tree={tree}
        nodes={[policy, ...policy.children]}
        heading={t('plan.crossCuttingOfPolicy')}
      />
    </Layout>
  );
}

export function MeasurePage({
  ctx,
  tree,
  policy,
  measure,
  owners = { lead: null, supporting: [] },
  kpi,
}: {
  ctx: PageContext;
  tree: PlanTree;
  policy: PlanNode;
  measure: PlanNode;
  /** The measure's departments (担当課). */
  owners?: MeasureOwners;
  /** The measure's indicators (目標指標) with charts. */
  kpi?: NodeKpi;
}) {
  const { t } = ctx;
  const all = tree.policies.flatMap((p) => p.children);
  const at = all.findIndex((m) => m.id === measure.id);
  const prev = at > 0 ? all[at - 1] : undefined;
  const next = at >= 0 && at < all.length - 1 ? all[at + 1] : undefined;
  const name = measureName(measure);
  return (
    <Layout
      ctx={ctx}
      title={`${name}（${policyName(policy)}）`}
      section="plan"
      crumbs={[
        projectCrumb(ctx, tree),
        { href: `/plan/${policy.path}`, label: policyName(policy) },
        { href: `/plan/${measure.path}`, label: name },
      ]}
    >
      <p class="eyebrow">{policyName(policy)}</p>
      <h1>{name}</h1>
      <StateNotice ctx={ctx} tree={tree} />
      <div class="prose">
        <Paragraphs paragraphs={measure.body} />
      </div>
      <Owners ctx={ctx} owners={owners} />
      {kpi ? <MeasureIndicators ctx={ctx} kpi={kpi} /> : null}
      <RelatedCrossCutting ctx={ctx} tree={tree} nodes={[measure]} heading={t('plan.crossCuttingOfNode')} />
      <nav class="pager" aria-label={t('plan.measures')}>
        <ul>
          {prev ? (
            <li class="pager__prev">
              <a href={`/plan/${prev.path}`} rel="prev">
                <span class="pager__dir">{t('plan.prev')}</span>
                <span>{measureName(prev)}</span>
              </a>
            </li>
          ) : null}
          {next ? (
            <li class="pager__next">
              <a href={`/plan/${next.path}`} rel="next">
                <span class="pager__dir">{t('plan.next')}</span>
                <span>{measureName(next)}</span>
              </a>
            </li>
          ) : null}
        </ul>
      </nav>
    </Layout>
  );
}
