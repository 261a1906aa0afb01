import type { PageContext } from '../../../web/context.ts';
import { Layout, Paragraphs } from '../../../web/layout.tsx';
import type { CrossCuttingMeasure, MatrixRow, PlanTree } from '../plan.types.ts';
import { measureName, policyName, StateNotice } from './common.tsx';
import { Notes } from './nodes.tsx';

function heading(ctx: PageContext, tree: PlanTree) {
  return tree.crossCutting.heading ?? ctx.t('plan.crossCutting');
}

/** The cross-cutting measures and the matrix of measures × cross-cutting measures. */
export function CrossCuttingPage({
  ctx,
  tree,
  matrix,
}: {
  ctx: PageContext;
  tree: PlanTree;
  matrix: MatrixRow[];
}) {
  const { t } = ctx;
  const title = heading(ctx, tree);
  const xs = tree.crossCutting.measures;
  const keywords = xs.flatMap((x) => x.keywords.slice(0, 1)).join('」「');
  return (
    <Layout ctx={ctx} title={title} section="cross" crumbs={[{ href: '/plan/cross-cutting', label: title }]}>
      <h1>{title}</h1>
      <StateNotice ctx={ctx} tree={tree} />
      <div class="prose">
        <Paragraphs paragraphs={tree.crossCutting.intro} />
      </div>
      {xs.map((x) => (
        <section key={x.id} aria-labelledby={`x${x.ordinal}`}>
          <h2 id={`x${x.ordinal}`}>
            <a href={`/plan/cross-cutting/${x.ordinal}`}>{x.title}</a>
          </h2>
          <div class="prose">
            <Paragraphs paragraphs={x.body} />
          </div>
        </section>
      ))}
      <section aria-labelledby="matrix-h">
        <h2 id="matrix-h">{t('matrix.title')}</h2>
        <div class="legend">
          <h3>{t('matrix.legend')}</h3>
          <ul>
            <li>{t('matrix.legendLinked')}</li>
            <li>{t('matrix.legendMentioned', { keywords })}</li>
          </ul>
        </div>
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
        <section class="table-scroll" aria-labelledby="matrix-h" tabIndex={0}>
          <table class="matrix">
            <caption>{t('matrix.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('matrix.measure')}</th>
                {xs.map((x) => (
                  <th scope="col" key={x.id}>
                    {x.title}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {matrix.map((row) => (
                <tr key={row.node.id}>
                  <th scope="row">
                    <span class="matrix__policy">{policyName(row.policy)}</span>
                    <a href={`/plan/${row.node.path}`}>{measureName(row.node)}</a>
                  </th>
                  {row.cells.map((c, i) => (
                    <td key={xs[i]!.id} class={c.linked ? 'is-linked' : c.mentioned ? 'is-mentioned' : ''}>
                      {c.linked ? (
                        <span class="cell-mark">
                          <span aria-hidden="true">● </span>
                          {t('matrix.linked')}
                        </span>
                      ) : null}
                      {c.mentioned ? (
                        <span class="cell-mark">
                          <span aria-hidden="true">○ </span>
                          {t('matrix.mentioned')}
                          <span class="cell-words">（{c.mentionedKeywords.join('、')}）</span>
                        </span>
                      ) : null}
                      {!c.linked && !c.mentioned ? (
                        <span class="cell-none">
                          <span aria-hidden="true">－</span>
                          <span class="visually-hidden">{t('matrix.none')}</span>
                        </span>
                      ) : null}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </section>
      <Notes ctx={ctx} tree={tree} />
    </Layout>
  );
}

/** One cross-cutting measure and the measures that link to it or mention it. */
export function CrossCuttingMeasurePage({
  ctx,
  tree,
  x,
  matrix,
}: {
  ctx: PageContext;
  tree: PlanTree;
  x: CrossCuttingMeasure;
  matrix: MatrixRow[];
}) {
  const { t } = ctx;
  const col = tree.crossCutting.measures.findIndex((m) => m.id === x.id);
  const related = matrix.filter((r) => r.cells[col]?.linked || r.cells[col]?.mentioned);
  return (
    <Layout
      ctx={ctx}
      title={x.title}
      section="cross"
      crumbs={[
        { href: '/plan/cross-cutting', label: heading(ctx, tree) },
        { href: `/plan/cross-cutting/${x.ordinal}`, label: x.title },
      ]}
    >
      <p class="eyebrow">{heading(ctx, tree)}</p>
      <h1>{x.title}</h1>
      <StateNotice ctx={ctx} tree={tree} />
      <div class="prose">
        <Paragraphs paragraphs={x.body} />
      </div>
      <section aria-labelledby="related-h">
        <h2 id="related-h">{t('matrix.relatedMeasures')}</h2>
        {related.length === 0 ? (
          <p>{t('plan.crossCuttingNone')}</p>
        ) : (
          <ul class="related">
            {related.map((r) => {
              const c = r.cells[col]!;
              return (
                <li key={r.node.id}>
                  <a href={`/plan/${r.node.path}`}>
                    {policyName(r.policy)} › {measureName(r.node)}
                  </a>
                  {c.linked ? <span class="tag tag--linked">{t('matrix.linked')}</span> : null}
                  {c.mentioned ? (
                    <span class="tag tag--mentioned">
                      {t('matrix.mentioned')}（
                      {t('matrix.mentionedWords', { words: c.mentionedKeywords.join('、') })}）
                    </span>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </Layout>
  );
}
