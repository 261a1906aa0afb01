import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { fiscalYearOf } from '../../shared/fiscal-year.ts';
import { isId } from '../../shared/ids.ts';
import { formPageContext, type PageContext } from '../../web/context.ts';
import { NotFoundError } from '../../web/errors.ts';
import type { FieldErrors } from '../../web/forms.tsx';
import { sendPage } from '../../web/render.ts';
import { clientIp } from '../../web/staff-session.ts';
import { abilities, authorize, can } from '../accounts/accounts.policy.ts';
import { requireStaff } from '../accounts/accounts.routes.tsx';
import type { ResolvedSession } from '../accounts/sessions.service.ts';
import type { AuditActor } from '../audit/audit.service.ts';
import {
  actualsOf,
  actualYears,
  createIndicator,
  type DepartmentChoice,
  deleteIndicator,
  departmentChoices,
  gradeSettings,
  type IndicatorDetail,
  indicatorDetail,
  indicatorFootprint,
  indicatorNode,
  removeActual,
  saveActual,
  saveGradeRules,
  staffIndicatorList,
  updateIndicator,
} from './indicator.service.ts';
import {
  type FormValues,
  fieldErrors,
  formValues,
  type IndicatorInput,
  lockVersionOf,
  type Problem,
  parseNumberText,
  validateActual,
  validateGradeRules,
  validateIndicator,
} from './kpi-staff.schema.ts';
import { fy } from './views/kpi-parts.tsx';
import { type ActualsForm, ActualsPage } from './views/staff-actuals.tsx';
import { doneText, nodeLabel } from './views/staff-common.tsx';
import { DeleteIndicatorPage } from './views/staff-delete.tsx';
import { IndicatorFormPage, valuesOf } from './views/staff-indicator-form.tsx';
import { KpiStaffListPage, type ListFilter } from './views/staff-list.tsx';
import { gradeRows, KpiSettingsPage } from './views/staff-settings.tsx';

/**
 * The staff routes of indicators (目標指標): the list, the definition form (new, edit, delete), the
 * actuals of one indicator with their history, and the city's grade rules. Thin: parse → authorize →
 * service → render or 303. Who may do what is accounts.policy.ts (`indicator`, `measure`, `kpi_settings`).
 */

const NodePath = z.string().regex(/^[1-9]\d{0,3}(\/[1-9]\d{0,3})?$/);

type IdParams = { Params: { id: string } };
type Body = { Body: Record<string, unknown> | undefined };

function idOf(params: { id: string }): number {
  if (!isId(params.id)) throw new NotFoundError('bad indicator id');
  return Number(params.id);
}

function actorOf(s: ResolvedSession, request: FastifyRequest): AuditActor & { name: string } {
  return {
    userId: s.user.id,
    label: s.user.email,
    ip: clientIp(request),
    requestId: String(request.id),
    name: s.user.displayName,
  };
}

export async function kpiStaffRoutes(app: FastifyInstance): Promise<void> {
  const municipality = app.config.municipality;
  const ctxOf = async (request: FastifyRequest, reply: FastifyReply) =>
    formPageContext(request, reply, await app.site.name());
  const errorsOf = (c: PageContext, problems: Problem[]): FieldErrors => fieldErrors(c.t, problems, c.locale);

  /** The indicator and where it hangs, or a 404. */
  async function loadIndicator(id: number) {
    const detail = await indicatorDetail(app.db, municipality, id);
    if (!detail) throw new NotFoundError('no such indicator');
    const node = await indicatorNode(app.db, municipality, detail.indicator.nodePath);
    const nodeText = node ? nodeLabel(node.policy, node.node) : detail.indicator.nodePath;
    return { detail, node, nodeText };
  }

  const mayEdit = (s: ResolvedSession, departmentId: number | null) =>
    can(s.user, 'edit', { type: 'indicator', departmentId });

  /**
   * An editor may not hand an indicator to a department that is not theirs (they would lose it): the
   * department chosen (or the node's lead when none is) must be one they may edit.
   */
  function departmentProblem(s: ResolvedSession, input: IndicatorInput, leadId: number | null): Problem[] {
    return mayEdit(s, input.departmentId ?? leadId)
      ? []
      : [{ field: 'department', key: 'kpi.staff.error.departmentNotYours' }];
  }

  // ---- the list ------------------------------------------------------------------------------------

  app.get<{ Querystring: { dept?: string; done?: string } }>('/staff/kpi', async (request, reply) => {
    const s = requireStaff(request);
    authorize(s.user, 'read', { type: 'indicator', departmentId: null });
    const own = s.user.role === 'editor' ? [...s.user.departmentIds] : [];
    const q = request.query.dept;
    // Editors start on their own departments; ?dept=all shows everyone's, ?dept=<id> one department's.
    const filter: ListFilter =
      typeof q === 'string' && isId(q)
        ? { mode: 'one', departmentId: Number(q), own }
        : q === 'all' || own.length === 0
          ? { mode: 'all', departmentId: null, own }
          : { mode: 'mine', departmentId: null, own };
    const departmentIds =
      filter.mode === 'one' ? [filter.departmentId as number] : filter.mode === 'mine' ? own : undefined;
    const list = await staffIndicatorList(app.db, municipality, { departmentIds });
    const c = await ctxOf(request, reply);
    return sendPage(
      reply,
      <KpiStaffListPage
        ctx={c}
        list={list}
        filter={filter}
        canEdit={(st) => mayEdit(s, st.indicator.effectiveDepartmentId)}
        canAdd={(g) => can(s.user, 'edit', { type: 'measure', ownerDepartmentIds: g.ownerDepartmentIds })}
        can={{ manageKpiSettings: abilities(s.user).manageKpiSettings }}
        notice={doneText(c, request.query.done)}
      />,
    );
  });

  // ---- new indicator -------------------------------------------------------------------------------

  async function newContext(request: FastifyRequest<{ Querystring: { node?: string } }>) {
    const s = requireStaff(request);
    authorize(s.user, 'read', { type: 'indicator', departmentId: null });
    const path = request.query.node;
    if (typeof path !== 'string' || !NodePath.safeParse(path).success) throw new NotFoundError('bad node');
    const node = await indicatorNode(app.db, municipality, path);
    if (!node) throw new NotFoundError('no such node');
    authorize(s.user, 'edit', { type: 'measure', ownerDepartmentIds: node.ownerDepartmentIds });
    const departments = await departmentChoices(app.db, municipality);
    return { s, node, departments };
  }

  const newPage = (
    c: PageContext,
    n: Awaited<ReturnType<typeof newContext>>,
    values: FormValues,
    errors: FieldErrors,
  ) => (
    <IndicatorFormPage
      ctx={c}
      mode="new"
      nodeText={nodeLabel(n.node.policy, n.node.node)}
      nodePath={n.node.node.path}
      values={values}
      errors={errors}
      departments={n.departments}
      lead={n.node.lead}
    />
  );

  app.get<{ Querystring: { node?: string } }>('/staff/kpi/indicators/new', async (request, reply) => {
    const n = await newContext(request);
    const c = await ctxOf(request, reply);
    return sendPage(reply, newPage(c, n, { decimals: '0' }, []));
  });

  app.post<{ Querystring: { node?: string } } & Body>('/staff/kpi/indicators/new', async (request, reply) => {
    const n = await newContext(request);
    const c = await ctxOf(request, reply);
    const ids = new Set(n.departments.filter((d) => !d.disabled).map((d) => d.id));
    const v = validateIndicator(request.body, ids);
    const problems = v.ok ? departmentProblem(n.s, v.value, n.node.lead?.id ?? null) : v.problems;
    if (!v.ok || problems.length)
      return sendPage(reply, newPage(c, n, formValues(request.body), errorsOf(c, problems)), 400);
    const id = await createIndicator(app.db, {
      municipalityCode: municipality,
      planId: n.node.tree.version.plan.id,
      nodePath: n.node.node.path,
      input: v.value,
      actor: actorOf(n.s, request),
      now: app.clock(),
    });
    return reply.redirect(`/staff/kpi/indicators/${id}?done=created`, 303);
  });

  // ---- edit an indicator ---------------------------------------------------------------------------

  const editPage = (
    c: PageContext,
    s: ResolvedSession,
    l: Awaited<ReturnType<typeof loadIndicator>>,
    departments: DepartmentChoice[],
    o: {
      values?: FormValues;
      errors?: FieldErrors;
      lockVersion?: number;
      conflict?: { current: IndicatorDetail | null };
      notice?: string | undefined;
    } = {},
  ) => {
    const ind = l.detail.indicator;
    return (
      <IndicatorFormPage
        ctx={c}
        mode="edit"
        nodeText={l.nodeText}
        detail={l.detail}
        lockVersion={o.lockVersion ?? ind.lockVersion}
        values={o.values ?? valuesOf(l.detail)}
        errors={o.errors ?? []}
        departments={departments}
        lead={l.node?.lead ?? null}
        conflict={o.conflict}
        readOnly={!mayEdit(s, ind.effectiveDepartmentId)}
        canDelete={can(s.user, 'disable', { type: 'indicator', departmentId: ind.effectiveDepartmentId })}
        notice={o.notice}
      />
    );
  };

  app.get<IdParams & { Querystring: { done?: string } }>(
    '/staff/kpi/indicators/:id',
    async (request, reply) => {
      const s = requireStaff(request);
      const id = idOf(request.params);
      authorize(s.user, 'read', { type: 'indicator', departmentId: null });
      const l = await loadIndicator(id);
      const c = await ctxOf(request, reply);
      const departments = await departmentChoices(app.db, municipality);
      return sendPage(
        reply,
        editPage(c, s, l, departments, {
          notice: doneText(c, request.query.done, { name: l.detail.indicator.name }),
        }),
      );
    },
  );

  app.post<IdParams & Body>('/staff/kpi/indicators/:id', async (request, reply) => {
    const s = requireStaff(request);
    const id = idOf(request.params);
    const l = await loadIndicator(id);
    authorize(s.user, 'edit', { type: 'indicator', departmentId: l.detail.indicator.effectiveDepartmentId });
    const c = await ctxOf(request, reply);
    const departments = await departmentChoices(app.db, municipality);
    const ids = new Set(
      departments.filter((d) => !d.disabled || d.id === l.detail.indicator.departmentId).map((d) => d.id),
    );
    const values = formValues(request.body);
    const sentVersion = lockVersionOf(request.body);
    const v = validateIndicator(request.body, ids);
    const problems = v.ok ? departmentProblem(s, v.value, l.node?.lead?.id ?? null) : v.problems;
    if (!v.ok || problems.length)
      return sendPage(
        reply,
        editPage(c, s, l, departments, {
          values,
          errors: errorsOf(c, problems),
          ...(sentVersion !== null ? { lockVersion: sentVersion } : {}),
        }),
        400,
      );
    const r = await updateIndicator(app.db, {
      municipalityCode: municipality,
      id,
      expectedVersion: sentVersion,
      input: v.value,
      actor: actorOf(s, request),
      now: app.clock(),
    });
    if (r.status === 'conflict') {
      // Nothing was written: the other's definition above, the user's own values kept in the form.
      const fresh = r.current ? { ...l, detail: r.current } : l;
      return sendPage(
        reply,
        editPage(c, s, fresh, departments, {
          values,
          lockVersion: r.current?.indicator.lockVersion ?? l.detail.indicator.lockVersion,
          conflict: { current: r.current },
        }),
        409,
      );
    }
    return reply.redirect(`/staff/kpi/indicators/${id}?done=${r.status}`, 303);
  });

  // ---- delete an indicator -------------------------------------------------------------------------

  const deletePage = async (
    c: PageContext,
    l: Awaited<ReturnType<typeof loadIndicator>>,
    errors: FieldErrors,
  ) => (
    <DeleteIndicatorPage
      ctx={c}
      indicator={l.detail.indicator}
      nodeText={l.nodeText}
      footprint={await indicatorFootprint(app.db, municipality, l.detail.indicator.id)}
      errors={errors}
    />
  );

  app.get<IdParams>('/staff/kpi/indicators/:id/delete', async (request, reply) => {
    const s = requireStaff(request);
    const id = idOf(request.params);
    const l = await loadIndicator(id);
    authorize(s.user, 'disable', {
      type: 'indicator',
      departmentId: l.detail.indicator.effectiveDepartmentId,
    });
    return sendPage(reply, await deletePage(await ctxOf(request, reply), l, []));
  });

  app.post<IdParams & Body>('/staff/kpi/indicators/:id/delete', async (request, reply) => {
    const s = requireStaff(request);
    const id = idOf(request.params);
    const l = await loadIndicator(id);
    authorize(s.user, 'disable', {
      type: 'indicator',
      departmentId: l.detail.indicator.effectiveDepartmentId,
    });
    const r = await deleteIndicator(app.db, {
      municipalityCode: municipality,
      id,
      expectedVersion: lockVersionOf(request.body),
      actor: actorOf(s, request),
      now: app.clock(),
    });
    if (r === 'conflict') {
      const c = await ctxOf(request, reply);
      return sendPage(
        reply,
        await deletePage(c, l, [{ field: 'delete-form', message: c.t('kpi.staff.delete.stale') }]),
        409,
      );
    }
    return reply.redirect('/staff/kpi?done=deleted', 303);
  });

  // ---- actuals -------------------------------------------------------------------------------------

  async function actualsPage(
    request: FastifyRequest,
    reply: FastifyReply,
    s: ResolvedSession,
    id: number,
    form: (c: PageContext) => ActualsForm,
    notice?: (c: PageContext) => string | undefined,
  ) {
    const data = await actualsOf(app.db, municipality, id);
    if (!data) throw new NotFoundError('no such indicator');
    const node = await indicatorNode(app.db, municipality, data.detail.indicator.nodePath);
    const years = actualYears(data.detail.indicator, fiscalYearOf(app.clock()));
    const c = await ctxOf(request, reply);
    return (
      <ActualsPage
        ctx={c}
        detail={data.detail}
        nodeText={node ? nodeLabel(node.policy, node.node) : data.detail.indicator.nodePath}
        actuals={data.actuals}
        history={data.history}
        years={years}
        canEdit={mayEdit(s, data.detail.indicator.effectiveDepartmentId)}
        form={form(c)}
        notice={notice?.(c)}
      />
    );
  }

  app.get<IdParams & { Querystring: { fy?: string; done?: string; year?: string } }>(
    '/staff/kpi/indicators/:id/actuals',
    async (request, reply) => {
      const s = requireStaff(request);
      const id = idOf(request.params);
      authorize(s.user, 'read', { type: 'indicator', departmentId: null });
      const data = await actualsOf(app.db, municipality, id);
      if (!data) throw new NotFoundError('no such indicator');
      const years = actualYears(data.detail.indicator, fiscalYearOf(app.clock()));
      const asked = parseNumberText(request.query.fy);
      const chosen =
        typeof asked === 'number' && asked >= years.from && asked <= years.to
          ? asked
          : Math.min(years.to, Math.max(years.from, fiscalYearOf(app.clock()) - 1));
      const current = data.actuals.find((a) => a.fiscalYear === chosen);
      const values: FormValues = current
        ? {
            fiscalYear: String(chosen),
            value: String(current.value),
            status: current.status,
            note: current.note,
          }
        : { fiscalYear: String(chosen), status: 'preliminary' };
      const doneYear = parseNumberText(request.query.year);
      const page = await actualsPage(
        request,
        reply,
        s,
        id,
        () => ({ values, errors: [] }),
        (c) => doneText(c, request.query.done, { fy: typeof doneYear === 'number' ? fy(c, doneYear) : '' }),
      );
      return sendPage(reply, page);
    },
  );

  app.post<IdParams & Body>('/staff/kpi/indicators/:id/actuals', async (request, reply) => {
    const s = requireStaff(request);
    const id = idOf(request.params);
    const l = await loadIndicator(id);
    authorize(s.user, 'edit', { type: 'indicator', departmentId: l.detail.indicator.effectiveDepartmentId });
    const years = actualYears(l.detail.indicator, fiscalYearOf(app.clock()));
    const values = formValues(request.body);
    const base = `/staff/kpi/indicators/${id}/actuals`;

    if (values.intent === 'delete') {
      const year = parseNumberText(values.fiscalYear);
      const version = parseNumberText(values[`v-${values.fiscalYear}`]);
      if (typeof year !== 'number' || typeof version !== 'number') {
        const page = await actualsPage(request, reply, s, id, (c) => ({
          values: {},
          errors: errorsOf(c, [{ field: 'fiscalYear', key: 'kpi.staff.error.fiscalYear' }]),
        }));
        return sendPage(reply, page, 400);
      }
      const r = await removeActual(app.db, {
        municipalityCode: municipality,
        indicatorId: id,
        fiscalYear: year,
        expectedVersion: version,
        actor: actorOf(s, request),
        now: app.clock(),
      });
      if (r.status === 'conflict') {
        const page = await actualsPage(request, reply, s, id, () => ({
          values: { fiscalYear: String(year) },
          errors: [],
          conflict: { fiscalYear: year, current: r.current },
        }));
        return sendPage(reply, page, 409);
      }
      return reply.redirect(`${base}?done=actualDeleted&year=${year}`, 303);
    }

    const v = validateActual(request.body, years);
    if (!v.ok) {
      const page = await actualsPage(request, reply, s, id, (c) => ({
        values,
        errors: errorsOf(c, v.problems),
      }));
      return sendPage(reply, page, 400);
    }
    const r = await saveActual(app.db, {
      municipalityCode: municipality,
      indicatorId: id,
      fiscalYear: v.value.fiscalYear,
      value: v.value.value,
      status: v.value.status,
      note: v.value.note,
      expectedVersion: v.value.expectedVersion,
      actor: actorOf(s, request),
      now: app.clock(),
    });
    if (r.status === 'conflict') {
      // Nothing was overwritten: the other's value in the box, the user's own kept in the form.
      const page = await actualsPage(request, reply, s, id, () => ({
        values,
        errors: [],
        conflict: { fiscalYear: v.value.fiscalYear, current: r.current },
      }));
      return sendPage(reply, page, 409);
    }
    const done = r.status === 'saved' ? 'actualSaved' : 'actualUnchanged';
    return reply.redirect(`${base}?done=${done}&year=${v.value.fiscalYear}`, 303);
  });

  // ---- grade rules ---------------------------------------------------------------------------------

  app.get<{ Querystring: { done?: string } }>('/staff/kpi/settings', async (request, reply) => {
    const s = requireStaff(request);
    authorize(s.user, 'update', { type: 'kpi_settings' });
    const g = await gradeSettings(app.db, municipality);
    const c = await ctxOf(request, reply);
    return sendPage(
      reply,
      <KpiSettingsPage
        ctx={c}
        current={g.rules}
        isDefault={g.isDefault}
        lockVersion={g.lockVersion}
        values={gradeRows(g.rules)}
        errors={[]}
        notice={doneText(c, request.query.done)}
      />,
    );
  });

  app.post<Body>('/staff/kpi/settings', async (request, reply) => {
    const s = requireStaff(request);
    authorize(s.user, 'update', { type: 'kpi_settings' });
    const c = await ctxOf(request, reply);
    const values = formValues(request.body);
    const v = validateGradeRules(request.body);
    const g = await gradeSettings(app.db, municipality);
    const sent = lockVersionOf(request.body);
    if (!v.ok)
      return sendPage(
        reply,
        <KpiSettingsPage
          ctx={c}
          current={g.rules}
          isDefault={g.isDefault}
          lockVersion={sent ?? g.lockVersion}
          values={values}
          errors={errorsOf(c, v.problems)}
        />,
        400,
      );
    const r = await saveGradeRules(app.db, {
      municipalityCode: municipality,
      rules: v.value,
      expectedVersion: sent,
      actor: actorOf(s, request),
      now: app.clock(),
    });
    if (r === 'conflict') {
      const fresh = await gradeSettings(app.db, municipality);
      return sendPage(
        reply,
        <KpiSettingsPage
          ctx={c}
          current={fresh.rules}
          isDefault={fresh.isDefault}
          lockVersion={fresh.lockVersion}
          values={values}
          errors={[]}
          conflict
        />,
        409,
      );
    }
    return reply.redirect(
      `/staff/kpi/settings?done=${r === 'saved' ? 'settingsSaved' : 'settingsUnchanged'}`,
      303,
    );
  });
}
