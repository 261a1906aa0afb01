import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { pageContext } from '../../web/context.ts';
import { NotFoundError } from '../../web/errors.ts';
import { sendPage } from '../../web/render.ts';
import { listConsultations } from '../consultation/consultation.service.ts';
import { loadNodeKpi, loadTopSummary } from '../kpi/kpi-public.service.ts';
import * as repo from './plan.repository.ts';
import {
  crossCuttingMatrix,
  findNodeByPath,
  getCurrentPlan,
  listPlanVersions,
  searchPlan,
} from './plan.service.ts';
import type { PlanTree } from './plan.types.ts';
import { NO_OWNERS, publicOwners } from './plan-settings.service.ts';
import { CrossCuttingMeasurePage, CrossCuttingPage } from './views/cross-cutting.tsx';
import { MeasurePage, PolicyPage, ProjectPage } from './views/nodes.tsx';
import { SearchPage, type SearchView } from './views/search.tsx';
import { NoPlanPage, TopPage } from './views/top.tsx';
import { SourcePage, VersionsPage } from './views/versions.tsx';

/** Public pages of the plan. Thin: parse → service → render. */

const Ordinal = z.string().regex(/^[1-9]\d{0,3}$/);
const SEARCH_MAX = 100;

export async function planRoutes(app: FastifyInstance) {
  const municipality = app.config.municipality;

  /** The current plan, or a 404 page when nothing has been imported. */
  async function current(request: FastifyRequest): Promise<PlanTree> {
    const tree = await getCurrentPlan(app.db, municipality);
    if (!tree) throw new NotFoundError('no plan');
    app.site.remember(tree.version.municipality.name);
    request.log.debug({ versionId: tree.version.id }, 'plan loaded');
    return tree;
  }

  const ctxFor = (request: FastifyRequest, tree: PlanTree) =>
    pageContext(request, tree.version.municipality.name);

  app.get('/', async (request, reply) => {
    const tree = await getCurrentPlan(app.db, municipality);
    if (!tree) return sendPage(reply, <NoPlanPage ctx={pageContext(request, await app.site.name())} />);
    const open = (await listConsultations(app.db, municipality, app.clock())).filter(
      (c) => c.phase === 'open',
    );
    const kpiSummary = await loadTopSummary(app.db, tree);
    return sendPage(
      reply,
      <TopPage ctx={ctxFor(request, tree)} tree={tree} openConsultations={open} kpiSummary={kpiSummary} />,
    );
  });

  app.get('/plan', async (request, reply) => {
    const tree = await current(request);
    return sendPage(reply, <ProjectPage ctx={ctxFor(request, tree)} tree={tree} />);
  });

  app.get('/plan/cross-cutting', async (request, reply) => {
    const tree = await current(request);
    return sendPage(
      reply,
      <CrossCuttingPage ctx={ctxFor(request, tree)} tree={tree} matrix={crossCuttingMatrix(tree)} />,
    );
  });

  app.get<{ Params: { n: string } }>('/plan/cross-cutting/:n', async (request, reply) => {
    const n = Ordinal.safeParse(request.params.n);
    const tree = await current(request);
    const x = n.success ? tree.crossCutting.measures.find((m) => m.ordinal === Number(n.data)) : undefined;
    if (!x) throw new NotFoundError('no such cross-cutting measure');
    return sendPage(
      reply,
      <CrossCuttingMeasurePage
        ctx={ctxFor(request, tree)}
        tree={tree}
        x={x}
        matrix={crossCuttingMatrix(tree)}
      />,
    );
  });

  app.get('/plan/versions', async (request, reply) => {
    const [versions, currentRow] = await Promise.all([
      listPlanVersions(app.db, municipality),
      repo.findCurrentVersion(app.db.kysely, municipality),
    ]);
    const ctx = pageContext(request, versions[0]?.municipality.name ?? (await app.site.name()));
    return sendPage(reply, <VersionsPage ctx={ctx} versions={versions} currentId={currentRow?.id ?? null} />);
  });

  app.get<{ Params: { id: string } }>('/plan/versions/:id/source', async (request, reply) => {
    const id = Ordinal.safeParse(request.params.id);
    if (!id.success) throw new NotFoundError('bad version id');
    const versions = await listPlanVersions(app.db, municipality);
    const version = versions.find((v) => v.id === Number(id.data));
    if (!version) throw new NotFoundError('no such version');
    const text = (await repo.findSourceText(app.db.kysely, version.id)) ?? '';
    return sendPage(
      reply,
      <SourcePage ctx={pageContext(request, version.municipality.name)} version={version} text={text} />,
    );
  });

  const nodePage = async (request: FastifyRequest, reply: FastifyReply, parts: string[]) => {
    if (!parts.every((p) => Ordinal.safeParse(p).success)) throw new NotFoundError('bad node path');
    const tree = await current(request);
    const found = findNodeByPath(tree, parts.map(Number).join('/'));
    if (!found) throw new NotFoundError('no such node');
    const ctx = ctxFor(request, tree);
    const owners = await publicOwners(app.db, tree);
    const kpi = await loadNodeKpi(app.db, tree, found.node);
    if (found.node.kind === 'policy')
      return sendPage(
        reply,
        <PolicyPage ctx={ctx} tree={tree} policy={found.node} owners={owners} kpi={kpi} />,
      );
    return sendPage(
      reply,
      <MeasurePage
        ctx={ctx}
        tree={tree}
        policy={found.policy}
        measure={found.node}
        owners={owners.get(found.node.path) ?? NO_OWNERS}
        kpi={kpi}
      />,
    );
  };

  app.get<{ Params: { policy: string } }>('/plan/:policy', async (request, reply) =>
    nodePage(request, reply, [request.params.policy]),
  );
  app.get<{ Params: { policy: string; measure: string } }>('/plan/:policy/:measure', async (request, reply) =>
    nodePage(request, reply, [request.params.policy, request.params.measure]),
  );

  app.get<{ Querystring: { q?: string | string[] } }>('/search', async (request, reply) => {
    const tree = await current(request);
    const ctx = ctxFor(request, tree);
    const raw = request.query.q;
    const q = (Array.isArray(raw) ? raw.join(' ') : (raw ?? '')).replace(/\p{Cc}/gu, ' ');
    const view: SearchView = { q, terms: [], hits: null, error: null };
    const length = [...q].length;
    if (raw === undefined) {
      // the empty form
    } else if (q.trim() === '') {
      view.error = ctx.t('search.empty');
    } else if (length > SEARCH_MAX) {
      view.error = ctx.t('search.tooLong', { count: length.toLocaleString('ja-JP') });
    } else {
      const r = await searchPlan(app.db, tree, q);
      view.terms = r.terms;
      view.hits = r.hits;
    }
    return sendPage(reply, <SearchPage ctx={ctx} view={view} />, view.error ? 400 : 200);
  });
}
