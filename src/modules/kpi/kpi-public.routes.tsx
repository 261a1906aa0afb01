import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isId } from '../../shared/ids.ts';
import { pageContext } from '../../web/context.ts';
import { NotFoundError } from '../../web/errors.ts';
import type { FieldErrors } from '../../web/forms.tsx';
import { sendPage } from '../../web/render.ts';
import { listDepartments } from '../accounts/accounts.service.ts';
import { attachmentDisposition } from '../consultation/result-export.ts';
import { getCurrentPlan } from '../plan/plan.service.ts';
import type { PlanTree } from '../plan/plan.types.ts';
import { getGradeRules, loadKpiBoard } from './kpi.service.ts';
import { exportRows, indicatorsCsv, indicatorsJson, indicatorsXlsx } from './kpi-export.ts';
import { type DashboardFilter, loadDashboard, nodeOf } from './kpi-public.service.ts';
import { AboutPage } from './views/public-about.tsx';
import { DashboardPage } from './views/public-dashboard.tsx';
import { IndicatorPage } from './views/public-indicator.tsx';

/**
 * The public routes of indicators (目標指標): the dashboard (filterable by cross-cutting measure and
 * department with a plain GET form), one indicator's page, the page that explains the computations, and
 * the exports (.xlsx, CSV, JSON). Thin: parse → service → render. Every page reads a fixed number of
 * queries whatever the number of indicators (kpi-public.queries.test.ts counts them).
 */

/** One query value: the first when repeated, trimmed; '' when absent. */
function one(v: unknown): string {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'string' ? x.trim() : '';
}

export async function kpiPublicRoutes(app: FastifyInstance): Promise<void> {
  const municipality = app.config.municipality;

  async function current(): Promise<PlanTree> {
    const tree = await getCurrentPlan(app.db, municipality);
    if (!tree) throw new NotFoundError('no plan');
    app.site.remember(tree.version.municipality.name);
    return tree;
  }
  const ctxFor = (request: FastifyRequest, tree: PlanTree) =>
    pageContext(request, tree.version.municipality.name);

  app.get<{ Querystring: { cc?: string | string[]; dept?: string | string[] } }>(
    '/dashboard',
    async (request, reply) => {
      const tree = await current();
      const ctx = ctxFor(request, tree);
      const cc = one(request.query.cc);
      const dept = one(request.query.dept);
      const errors: FieldErrors = [];
      const filter: DashboardFilter = {};
      if (cc !== '') {
        if (isId(cc)) filter.cc = Number(cc);
        else errors.push({ field: 'cc', message: ctx.t('kpi.public.filter.badCc') });
      }
      if (dept !== '') {
        if (isId(dept)) filter.dept = Number(dept);
        else errors.push({ field: 'dept', message: ctx.t('kpi.public.filter.badDept') });
      }
      const r = await loadDashboard(app.db, tree, filter);
      if (!r.ccValid) errors.push({ field: 'cc', message: ctx.t('kpi.public.filter.badCc') });
      if (!r.deptValid) errors.push({ field: 'dept', message: ctx.t('kpi.public.filter.badDept') });
      errors.sort((a, b) => (a.field === b.field ? 0 : a.field === 'cc' ? -1 : 1));
      const appliedCc =
        filter.cc !== undefined && r.ccValid
          ? (tree.crossCutting.measures.find((x) => x.ordinal === filter.cc) ?? null)
          : null;
      const appliedDept =
        filter.dept !== undefined && r.deptValid
          ? (r.departments.find((d) => d.id === filter.dept) ?? null)
          : null;
      return sendPage(
        reply,
        <DashboardPage
          ctx={ctx}
          view={{
            dashboard: r.dashboard,
            crossCutting: tree.crossCutting.measures,
            departments: r.departments,
            cc,
            dept,
            applied: { cc: appliedCc, dept: appliedDept },
            errors,
          }}
        />,
        errors.length > 0 ? 400 : 200,
      );
    },
  );

  app.get('/dashboard/about', async (request, reply) => {
    const tree = await current();
    const rules = await getGradeRules(app.db.kysely, municipality);
    return sendPage(reply, <AboutPage ctx={ctxFor(request, tree)} rules={rules} />);
  });

  app.get<{ Params: { id: string } }>('/dashboard/indicators/:id', async (request, reply) => {
    if (!isId(request.params.id)) throw new NotFoundError('bad indicator id');
    const tree = await current();
    const board = await loadKpiBoard(app.db, {
      municipalityCode: municipality,
      planId: tree.version.plan.id,
      ids: [Number(request.params.id)],
    });
    const s = board.statuses[0];
    const where = s ? nodeOf(tree, s.indicator.nodePath) : null;
    if (!s || !where) throw new NotFoundError('no such indicator');
    const ctx = ctxFor(request, tree);
    const departments = await listDepartments(app.db, municipality);
    const dep = departments.find((d) => d.id === s.indicator.effectiveDepartmentId);
    const departmentText = !dep
      ? ctx.t('kpi.departmentNone')
      : s.indicator.departmentId === null
        ? ctx.t('kpi.departmentFromMeasure', { name: dep.name })
        : dep.name;
    return sendPage(
      reply,
      <IndicatorPage
        ctx={ctx}
        view={{ s, rules: board.rules, policy: where.policy, measure: where.measure, departmentText }}
      />,
    );
  });

  async function allRows() {
    const tree = await current();
    const board = await loadKpiBoard(app.db, {
      municipalityCode: municipality,
      planId: tree.version.plan.id,
    });
    return { tree, board };
  }
  const fileDate = () => {
    const d = new Date(app.clock().getTime() + 9 * 3600 * 1000);
    return d.toISOString().slice(0, 10).replace(/-/g, '');
  };

  app.get('/dashboard/indicators.csv', async (_request, reply) => {
    const { tree, board } = await allRows();
    const csv = indicatorsCsv(exportRows(tree, board.statuses, board.rules));
    const day = fileDate();
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', attachmentDisposition(`indicators-${day}.csv`, `目標指標_${day}.csv`))
      .send(Buffer.from(csv, 'utf8'));
  });

  app.get('/dashboard/indicators.xlsx', async (_request, reply) => {
    const { tree, board } = await allRows();
    const bytes = await indicatorsXlsx(exportRows(tree, board.statuses, board.rules), app.clock());
    const day = fileDate();
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', attachmentDisposition(`indicators-${day}.xlsx`, `目標指標_${day}.xlsx`))
      .send(bytes);
  });

  app.get('/api/indicators', async (_request, reply) => {
    const tree = await getCurrentPlan(app.db, municipality);
    if (!tree) return reply.status(404).send({ error: 'not_found' });
    const board = await loadKpiBoard(app.db, {
      municipalityCode: municipality,
      planId: tree.version.plan.id,
    });
    return reply
      .type('application/json; charset=utf-8')
      .send(indicatorsJson(tree, board.statuses, board.rules));
  });
}
