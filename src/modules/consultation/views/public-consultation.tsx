import { formatDeadline } from '../../../shared/fiscal-year.ts';
import type { PageContext } from '../../../web/context.ts';
import { Layout, Paragraphs } from '../../../web/layout.tsx';
import type { PlanNode, PlanTree } from '../../plan/plan.types.ts';
import { measureName, policyName } from '../../plan/views/common.tsx';
import type { ConsultationOverview } from '../consultation.types.ts';
import {
  consultationCrumb,
  countsText,
  Lines,
  listCrumb,
  NotOpenNotice,
  PhaseBadge,
  periodText,
} from './public-common.tsx';

/** 「この項目に意見を書く」 for one node, only while the consultation is open. */
function WriteHere({
  ctx,
  c,
  node,
  name,
}: {
  ctx: PageContext;
  c: ConsultationOverview;
  node: PlanNode;
  name: string;
}) {
  if (c.phase !== 'open') return null;
  return (
    <p class="pc-write">
      <a href={`/consultations/${c.id}/form?section=${node.id}`}>
        {ctx.t('pc.public.c.writeHere')}
        <span class="visually-hidden">{ctx.t('pc.public.c.writeHereOf', { name })}</span>
      </a>
    </p>
  );
}

/** The draft as HTML: vision, project, each policy and measure with its body and its comment link. */
function Draft({ ctx, c, tree }: { ctx: PageContext; c: ConsultationOverview; tree: PlanTree }) {
  const { t } = ctx;
  return (
    <section class="pc-draft" aria-labelledby="pc-draft-h">
      <h2 id="pc-draft-h">{t('pc.public.c.draft')}</h2>
      <p class="document-title">{tree.version.documentTitle}</p>
      <div class="prose">
        <Paragraphs paragraphs={tree.preamble} />
      </div>
      {tree.vision ? (
        <section id={`node-${tree.vision.id}`} aria-labelledby={`h-${tree.vision.id}`}>
          <h3 id={`h-${tree.vision.id}`}>
            {t('plan.vision')}「{tree.vision.title}」
          </h3>
          <div class="prose">
            <Paragraphs paragraphs={tree.vision.body} />
          </div>
          <WriteHere ctx={ctx} c={c} node={tree.vision} name={tree.vision.title} />
        </section>
      ) : null}
      {tree.project ? (
        <section id={`node-${tree.project.id}`} aria-labelledby={`h-${tree.project.id}`}>
          <h3 id={`h-${tree.project.id}`}>
            {t('plan.project')}「{tree.project.title}」
          </h3>
          <div class="prose">
            <Paragraphs paragraphs={tree.project.body} />
          </div>
          <WriteHere ctx={ctx} c={c} node={tree.project} name={tree.project.title} />
        </section>
      ) : null}
      {tree.policies.map((p) => (
        <section key={p.id} id={`node-${p.id}`} class="pc-policy" aria-labelledby={`h-${p.id}`}>
          <h3 id={`h-${p.id}`}>{policyName(p)}</h3>
          <div class="prose">
            <Paragraphs paragraphs={p.body} />
          </div>
          <WriteHere ctx={ctx} c={c} node={p} name={policyName(p)} />
          {p.children.map((m) => (
            <section key={m.id} id={`node-${m.id}`} class="pc-measure" aria-labelledby={`h-${m.id}`}>
              <h4 id={`h-${m.id}`}>{measureName(m)}</h4>
              <div class="prose">
                <Paragraphs paragraphs={m.body} />
              </div>
              <WriteHere ctx={ctx} c={c} node={m} name={`${policyName(p)} ${measureName(m)}`} />
            </section>
          ))}
        </section>
      ))}
      {tree.crossCutting.measures.length > 0 ? (
        <section aria-labelledby="pc-cross-h">
          <h3 id="pc-cross-h">{tree.crossCutting.heading ?? t('plan.crossCutting')}</h3>
          <div class="prose">
            <Paragraphs paragraphs={tree.crossCutting.intro} />
          </div>
          {tree.crossCutting.measures.map((x) => (
            <section key={x.id} aria-labelledby={`pc-x${x.ordinal}`}>
              <h4 id={`pc-x${x.ordinal}`}>{x.title}</h4>
              <div class="prose">
                <Paragraphs paragraphs={x.body} />
              </div>
            </section>
          ))}
          {c.phase === 'open' ? <p class="hint">{t('pc.public.c.crossCuttingNote')}</p> : null}
        </section>
      ) : null}
    </section>
  );
}

/** GET /consultations/:id: what the consultation is, how to take part, and the draft. */
export function PublicConsultationPage({
  ctx,
  c,
  tree,
}: {
  ctx: PageContext;
  c: ConsultationOverview;
  tree: PlanTree;
}) {
  const { t } = ctx;
  const fact = (label: string, text: string) =>
    text.trim() === '' ? null : (
      <div>
        <dt>{label}</dt>
        <dd>
          <Lines text={text} />
        </dd>
      </div>
    );
  const channels = [
    fact(t('consultation.channel.post'), c.postalAddress),
    fact(t('consultation.channel.fax'), c.faxNumber),
    fact(t('consultation.channel.email'), c.emailAddress),
    fact(t('consultation.channel.in_person'), c.inPersonPlace),
  ];
  return (
    <Layout ctx={ctx} title={c.title} section="consultations" crumbs={[listCrumb(ctx), consultationCrumb(c)]}>
      <h1>{c.title}</h1>
      <p>
        <PhaseBadge ctx={ctx} c={c} /> {countsText(ctx, c)}
      </p>
      {c.phase === 'open' ? (
        <p class="pc-notice pc-notice--open">
          {t('pc.public.c.open', { date: formatDeadline(c.closesAt, ctx.locale) })}
        </p>
      ) : (
        <NotOpenNotice ctx={ctx} c={c} />
      )}
      <div class="prose">
        <Lines text={c.summary} />
      </div>
      <dl class="pc-facts">
        <div>
          <dt>{t('pc.public.period')}</dt>
          <dd>{periodText(ctx, c)}</dd>
        </div>
        {c.shortPeriodReason ? fact(t('pc.public.c.shortReason'), c.shortPeriodReason) : null}
        {fact(t('pc.public.c.eligibility'), c.eligibility)}
      </dl>
      <section aria-labelledby="pc-how-h">
        <h2 id="pc-how-h">{t('pc.public.c.howTo')}</h2>
        {c.phase === 'open' ? (
          <>
            <p>{t('pc.public.c.web')}</p>
            <p>
              <a class="button" href={`/consultations/${c.id}/form`}>
                {t('pc.public.c.formLink')}
              </a>
            </p>
          </>
        ) : null}
        <dl class="pc-facts">
          {channels}
          {fact(t('pc.public.c.readingPlaces'), c.readingPlaces)}
          {fact(t('pc.public.c.contact'), c.contact)}
        </dl>
        <p>{t('pc.public.c.noOral')}</p>
      </section>
      <Draft ctx={ctx} c={c} tree={tree} />
    </Layout>
  );
}
