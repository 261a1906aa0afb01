import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isId } from '../../shared/ids.ts';
import { formPageContext, type PageContext, pageContext } from '../../web/context.ts';
import { NotFoundError } from '../../web/errors.ts';
import type { FieldErrors } from '../../web/forms.tsx';
import { sendPage } from '../../web/render.ts';
import { clientIp } from '../../web/staff-session.ts';
import { abilities, authorize } from '../accounts/accounts.policy.ts';
import { requireStaff } from '../accounts/accounts.routes.tsx';
import type { AuditActor } from '../audit/audit.service.ts';
import { getConsultation } from './consultation.service.ts';
import type { Consultation } from './consultation.types.ts';
import {
  acceptSuggestion,
  addToGroup,
  createGroup,
  departmentsOf,
  type GroupForm,
  getGroup,
  isRefusal,
  lastSuggestionRun,
  listGroups,
  listOpenSuggestions,
  listUngrouped,
  MAX_CHOSEN,
  one,
  type Refusal,
  refuseSuggestion,
  removeFromGroup,
  sectionOptions,
  suggestGroups,
  updateGroup,
  validateGroupForm,
} from './grouping.service.ts';
import type { GroupingPageData } from './views/grouping-common.tsx';
import { GroupPage } from './views/grouping-group.tsx';
import { GROUPS_PAGE_SIZE, GroupsPage } from './views/grouping-groups.tsx';
import { SUGGESTIONS_PAGE_SIZE, SuggestionsPage } from './views/grouping-suggestions.tsx';

/**
 * The grouping routes of public comment: the suggested groups of similar opinions (accept, accept a part,
 * refuse, run again) and the groups themselves (create by hand or for one opinion, edit the summary,
 * section and department, move opinions in and out). Planners decide (triage); editors and administrators
 * read. Thin: parse → authorize → service → render or redirect.
 */

const PAGE = /^[1-9]\d{0,5}$/;

type Body = Record<string, unknown> | undefined;
type IdParams = { Params: { id: string } };
type GroupParams = { Params: { id: string; groupId: string } };
type SuggestionParams = { Params: { id: string; suggestionId: string } };
type Query = { Querystring: Record<string, string | undefined> };

function idOf(v: string): number {
  if (!isId(v)) throw new NotFoundError('bad id');
  return Number(v);
}

const pageOf = (v: unknown) => (typeof v === 'string' && PAGE.test(v) ? Number(v) : 1);

/** The values of a form field sent once or several times. */
function values(v: unknown): unknown[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** Opinion numbers from a form field; a problem (naming the bad value) when one is not a number. */
function opinionIdsOf(v: unknown, field: string): number[] | Refusal {
  const raw = values(v);
  if (raw.length > MAX_CHOSEN)
    return { ok: false, status: 400, key: 'pc.grouping.error.tooMany', params: { max: MAX_CHOSEN }, field };
  const ids: number[] = [];
  for (const r of raw) {
    const s = typeof r === 'string' ? r.normalize('NFKC').trim() : '';
    if (s === '' && raw.length === 1) return [];
    if (!isId(s))
      return {
        ok: false,
        status: 400,
        key: 'pc.grouping.error.badOpinion',
        params: { value: [...s].slice(0, 20).join('') },
        field,
      };
    ids.push(Number(s));
  }
  return ids;
}

/** A group number typed in a form (full-width digits accepted): a number, null when empty, or a problem. */
function groupNumberOf(v: unknown, field: string): number | null | Refusal {
  const s = one(v).normalize('NFKC').trim();
  if (s === '') return null;
  if (!isId(s))
    return {
      ok: false,
      status: 400,
      key: 'pc.grouping.error.badGroup',
      params: { value: [...s].slice(0, 20).join('') },
      field,
    };
  return Number(s);
}

const problem = (c: PageContext, r: Refusal): FieldErrors => [
  { field: r.field, message: c.t(r.key, r.params) },
];

export async function consultationGroupingRoutes(app: FastifyInstance) {
  const municipality = app.config.municipality;
  const ctx = async (request: FastifyRequest, reply: FastifyReply) =>
    formPageContext(request, reply, await app.site.name());

  async function consultationOf(id: string): Promise<Consultation> {
    const c = await getConsultation(app.db, municipality, idOf(id));
    if (!c) throw new NotFoundError('no such consultation');
    return c;
  }

  const actorOf = (request: FastifyRequest, userId: number, label: string): AuditActor => ({
    userId,
    label,
    ip: clientIp(request),
    requestId: String(request.id),
  });

  async function pageData(c: Consultation, canTriage: boolean) {
    const [sections, departments] = await Promise.all([
      sectionOptions(app.db, c.id),
      departmentsOf(app.db, municipality),
    ]);
    const data: GroupingPageData = {
      consultation: c,
      sections: new Map(sections.map((s) => [s.id, s.label])),
      departments: new Map(departments.map((d) => [d.id, d.name])),
      canTriage,
    };
    return { data, sections, departments };
  }

  // ---------------------------------------------------------------- suggestions

  async function suggestionsPage(
    request: FastifyRequest,
    reply: FastifyReply,
    c: Consultation,
    canTriage: boolean,
    options: { page: number; notice?: string | undefined; errors: FieldErrors; status?: number },
  ) {
    const pc = await ctx(request, reply);
    const { data } = await pageData(c, canTriage);
    const [list, lastRun] = await Promise.all([
      listOpenSuggestions(app.db, c.id, {
        offset: (options.page - 1) * SUGGESTIONS_PAGE_SIZE,
        limit: SUGGESTIONS_PAGE_SIZE,
      }),
      lastSuggestionRun(app.db, c.id),
    ]);
    return sendPage(
      reply,
      <SuggestionsPage
        ctx={pc}
        data={data}
        counts={list.counts}
        items={list.items}
        page={options.page}
        lastRun={lastRun}
        notice={options.notice}
        errors={options.errors}
      />,
      options.status ?? 200,
    );
  }

  app.get<IdParams & Query>('/staff/consultations/:id/suggestions', async (request, reply) => {
    const s = requireStaff(request);
    authorize(s.user, 'read', { type: 'consultation' });
    const c = await consultationOf(request.params.id);
    const t = pageContext(request, '').t;
    const q = request.query;
    const group = typeof q.group === 'string' && isId(q.group) ? q.group : null;
    let notice: string | undefined;
    if (q.done === 'refused') notice = t('pc.grouping.suggestions.refused');
    else if (q.done === 'accepted' && group) notice = t('pc.grouping.suggestions.accepted', { group });
    else if (q.done === 'acceptedInto' && group)
      notice = t('pc.grouping.suggestions.acceptedInto', { group });
    else if (q.done === 'ran') {
      const run = await lastSuggestionRun(app.db, c.id);
      if (run)
        notice = t('pc.grouping.suggestions.ran', {
          suggestions: run.suggestions,
          count: run.opinions,
          seconds: (run.ms / 1000).toFixed(1),
        });
    }
    return suggestionsPage(request, reply, c, abilities(s.user).triageOpinions, {
      page: pageOf(q.page),
      notice,
      errors: [],
    });
  });

  app.post<IdParams>('/staff/consultations/:id/suggestions/run', async (request, reply) => {
    const s = requireStaff(request);
    authorize(s.user, 'triage', { type: 'consultation' });
    const c = await consultationOf(request.params.id);
    await suggestGroups(app.db, c.id, app.clock(), { actor: actorOf(request, s.user.id, s.user.email) });
    return reply.redirect(`/staff/consultations/${c.id}/suggestions?done=ran`, 303);
  });

  app.post<SuggestionParams & { Body: Body }>(
    '/staff/consultations/:id/suggestions/:suggestionId/accept',
    async (request, reply) => {
      const s = requireStaff(request);
      authorize(s.user, 'triage', { type: 'consultation' });
      const c = await consultationOf(request.params.id);
      const suggestionId = idOf(request.params.suggestionId);
      const body = request.body ?? {};
      const field = `suggestion-${suggestionId}`;
      const chosen =
        body.choose !== undefined || body.opinion !== undefined ? opinionIdsOf(body.opinion, field) : null;
      const into = groupNumberOf(body.into, `${field}-into`);
      const r =
        chosen !== null && isRefusal(chosen)
          ? chosen
          : isRefusal(into)
            ? into
            : await acceptSuggestion(app.db, {
                consultationId: c.id,
                suggestionId,
                opinionIds: chosen,
                intoGroupId: into,
                actor: actorOf(request, s.user.id, s.user.email),
                now: app.clock(),
              });
      if (isRefusal(r)) {
        if (r.status === 404 && r.key === 'pc.grouping.error.notFound')
          throw new NotFoundError('no such suggestion');
        const pc = await ctx(request, reply);
        return suggestionsPage(request, reply, c, true, {
          page: pageOf((request.query as Record<string, unknown>)?.page),
          errors: problem(pc, r),
          status: r.status,
        });
      }
      return reply.redirect(
        `/staff/consultations/${c.id}/suggestions?done=${r.created ? 'accepted' : 'acceptedInto'}&group=${r.groupId}`,
        303,
      );
    },
  );

  app.post<SuggestionParams & { Body: Body }>(
    '/staff/consultations/:id/suggestions/:suggestionId/refuse',
    async (request, reply) => {
      const s = requireStaff(request);
      authorize(s.user, 'triage', { type: 'consultation' });
      const c = await consultationOf(request.params.id);
      const suggestionId = idOf(request.params.suggestionId);
      const r = await refuseSuggestion(app.db, {
        consultationId: c.id,
        suggestionId,
        actor: actorOf(request, s.user.id, s.user.email),
        now: app.clock(),
      });
      if (isRefusal(r)) {
        if (r.status === 404) throw new NotFoundError('no such suggestion');
        const pc = await ctx(request, reply);
        return suggestionsPage(request, reply, c, true, {
          page: 1,
          errors: problem(pc, r),
          status: r.status,
        });
      }
      return reply.redirect(`/staff/consultations/${c.id}/suggestions?done=refused`, 303);
    },
  );

  // ---------------------------------------------------------------- groups

  async function groupsPage(
    request: FastifyRequest,
    reply: FastifyReply,
    c: Consultation,
    canTriage: boolean,
    options: {
      page: number;
      upage: number;
      notice?: string | undefined;
      errors: FieldErrors;
      status?: number;
    },
  ) {
    const pc = await ctx(request, reply);
    const { data } = await pageData(c, canTriage);
    const [groups, ungrouped] = await Promise.all([
      listGroups(app.db, c.id, { offset: (options.page - 1) * GROUPS_PAGE_SIZE, limit: GROUPS_PAGE_SIZE }),
      listUngrouped(app.db, c.id, {
        offset: (options.upage - 1) * GROUPS_PAGE_SIZE,
        limit: GROUPS_PAGE_SIZE,
      }),
    ]);
    return sendPage(
      reply,
      <GroupsPage
        ctx={pc}
        data={data}
        groups={groups}
        ungrouped={ungrouped}
        page={options.page}
        upage={options.upage}
        notice={options.notice}
        errors={options.errors}
      />,
      options.status ?? 200,
    );
  }

  app.get<IdParams & Query>('/staff/consultations/:id/groups', async (request, reply) => {
    const s = requireStaff(request);
    authorize(s.user, 'read', { type: 'consultation' });
    const c = await consultationOf(request.params.id);
    const t = pageContext(request, '').t;
    const q = request.query;
    const group = typeof q.group === 'string' && isId(q.group) ? q.group : null;
    let notice: string | undefined;
    if (q.done === 'added' && group) notice = t('pc.grouping.groups.added', { group });
    else if (q.done === 'deleted' && group) notice = t('pc.grouping.group.deleted', { group });
    return groupsPage(request, reply, c, abilities(s.user).triageOpinions, {
      page: pageOf(q.page),
      upage: pageOf(q.upage),
      notice,
      errors: [],
    });
  });

  app.post<IdParams & { Body: Body }>('/staff/consultations/:id/groups', async (request, reply) => {
    const s = requireStaff(request);
    authorize(s.user, 'triage', { type: 'consultation' });
    const c = await consultationOf(request.params.id);
    const body = request.body ?? {};
    const actor = actorOf(request, s.user.id, s.user.email);
    const now = app.clock();
    const action = one(body.action);
    let r: Refusal | { ok: true; groupId: number; created: boolean };
    if (body.alone !== undefined) {
      const ids = opinionIdsOf(body.alone, 'opinions');
      const made = isRefusal(ids)
        ? ids
        : await createGroup(app.db, { consultationId: c.id, opinionIds: ids, alone: true, actor, now });
      r = isRefusal(made) ? made : { ...made, created: true };
    } else if (action === 'create' || action === 'add') {
      const ids = opinionIdsOf(body.opinion, 'opinions');
      const into = action === 'add' ? groupNumberOf(body.into, 'into') : null;
      if (isRefusal(ids)) r = ids;
      else if (isRefusal(into)) r = into;
      else if (action === 'create') {
        const made = await createGroup(app.db, { consultationId: c.id, opinionIds: ids, actor, now });
        r = isRefusal(made) ? made : { ...made, created: true };
      } else if (into === null) {
        r = {
          ok: false,
          status: 400,
          key: 'pc.grouping.error.badGroup',
          params: { value: '' },
          field: 'into',
        };
      } else {
        const added = await addToGroup(app.db, {
          consultationId: c.id,
          groupId: into,
          opinionIds: ids,
          field: 'opinions',
          groupField: 'into',
          actor,
          now,
        });
        r = isRefusal(added) ? added : { ok: true, groupId: into, created: false };
      }
    } else {
      r = { ok: false, status: 400, key: 'pc.grouping.error.action', field: 'opinions' };
    }
    if (isRefusal(r)) {
      const pc = await ctx(request, reply);
      return groupsPage(request, reply, c, true, {
        page: 1,
        upage: 1,
        errors: problem(pc, r),
        status: r.status === 404 ? 409 : r.status,
      });
    }
    return reply.redirect(
      r.created
        ? `/staff/consultations/${c.id}/groups/${r.groupId}?done=created`
        : `/staff/consultations/${c.id}/groups?done=added&group=${r.groupId}`,
      303,
    );
  });

  async function groupPage(
    request: FastifyRequest,
    reply: FastifyReply,
    c: Consultation,
    groupId: number,
    canTriage: boolean,
    options: { values?: GroupForm; notice?: string | undefined; errors: FieldErrors; status?: number },
  ) {
    const group = await getGroup(app.db, c.id, groupId);
    if (!group) throw new NotFoundError('no such group');
    const pc = await ctx(request, reply);
    const { data, sections, departments } = await pageData(c, canTriage);
    return sendPage(
      reply,
      <GroupPage
        ctx={pc}
        data={data}
        group={group}
        sectionOptions={sections}
        departmentOptions={departments}
        values={
          options.values
            ? { ...options.values, lockVersion: group.lockVersion }
            : {
                summary: group.summary,
                nodeId: group.nodeId,
                departmentId: group.departmentId,
                lockVersion: group.lockVersion,
              }
        }
        notice={options.notice}
        errors={options.errors}
      />,
      options.status ?? 200,
    );
  }

  app.get<GroupParams & Query>('/staff/consultations/:id/groups/:groupId', async (request, reply) => {
    const s = requireStaff(request);
    authorize(s.user, 'read', { type: 'consultation' });
    const c = await consultationOf(request.params.id);
    const groupId = idOf(request.params.groupId);
    const t = pageContext(request, '').t;
    const q = request.query;
    const opinion = typeof q.opinion === 'string' && isId(q.opinion) ? q.opinion : null;
    let notice: string | undefined;
    if (q.done === 'created') notice = t('pc.grouping.groups.created', { group: groupId });
    else if (q.done === 'saved') notice = t('pc.grouping.group.saved', { group: groupId });
    else if (q.done === 'added') notice = t('pc.grouping.groups.added', { group: groupId });
    else if (q.done === 'removed' && opinion) notice = t('pc.grouping.group.removed', { opinion });
    return groupPage(request, reply, c, groupId, abilities(s.user).triageOpinions, { notice, errors: [] });
  });

  app.post<GroupParams & { Body: Body }>(
    '/staff/consultations/:id/groups/:groupId',
    async (request, reply) => {
      const s = requireStaff(request);
      authorize(s.user, 'triage', { type: 'consultation' });
      const c = await consultationOf(request.params.id);
      const groupId = idOf(request.params.groupId);
      if (!(await getGroup(app.db, c.id, groupId))) throw new NotFoundError('no such group');
      const pc = await ctx(request, reply);
      const departments = await departmentsOf(app.db, municipality);
      const sections = await sectionOptions(app.db, c.id);
      const v = validateGroupForm(request.body, { nodeIds: new Set(sections.map((x) => x.id)), departments });
      if (!v.ok) {
        return groupPage(request, reply, c, groupId, true, {
          values: v.value,
          errors: v.problems.map((p) => ({ field: p.field, message: pc.t(p.key, p.params) })),
          status: 400,
        });
      }
      const r = await updateGroup(app.db, {
        consultationId: c.id,
        groupId,
        value: v.value,
        actor: actorOf(request, s.user.id, s.user.email),
        now: app.clock(),
      });
      if (isRefusal(r)) {
        if (r.status === 404) throw new NotFoundError('no such group');
        return groupPage(request, reply, c, groupId, true, {
          values: v.value,
          errors: problem(pc, r),
          status: r.status,
        });
      }
      return reply.redirect(`/staff/consultations/${c.id}/groups/${groupId}?done=saved`, 303);
    },
  );

  app.post<GroupParams & { Body: Body }>(
    '/staff/consultations/:id/groups/:groupId/members',
    async (request, reply) => {
      const s = requireStaff(request);
      authorize(s.user, 'triage', { type: 'consultation' });
      const c = await consultationOf(request.params.id);
      const groupId = idOf(request.params.groupId);
      if (!(await getGroup(app.db, c.id, groupId))) throw new NotFoundError('no such group');
      const body = request.body ?? {};
      const action = one(body.action);
      const lock = one(body.lock_version).trim();
      const lockVersion = isId(lock) ? Number(lock) : null;
      const actor = actorOf(request, s.user.id, s.user.email);
      const now = app.clock();
      const field = action === 'remove' ? 'members' : 'opinion';
      const ids = opinionIdsOf(one(body.opinion), field);
      let r: Refusal | { ok: true; deleted?: boolean };
      if (action !== 'add' && action !== 'remove')
        r = { ok: false, status: 400, key: 'pc.grouping.error.action', field: 'opinion' };
      else if (isRefusal(ids)) r = ids;
      else if (ids.length === 0) r = { ok: false, status: 400, key: 'pc.grouping.error.noneChosen', field };
      else if (action === 'add')
        r = await addToGroup(app.db, {
          consultationId: c.id,
          groupId,
          opinionIds: ids,
          lockVersion,
          actor,
          now,
        });
      else
        r = await removeFromGroup(app.db, {
          consultationId: c.id,
          groupId,
          opinionId: ids[0]!,
          lockVersion,
          actor,
          now,
        });
      if (isRefusal(r)) {
        if (r.status === 404 && r.key === 'pc.grouping.error.unknownGroup')
          throw new NotFoundError('no such group');
        const pc = await ctx(request, reply);
        return groupPage(request, reply, c, groupId, true, { errors: problem(pc, r), status: r.status });
      }
      if (r.deleted)
        return reply.redirect(`/staff/consultations/${c.id}/groups?done=deleted&group=${groupId}`, 303);
      const removed = isRefusal(ids) ? '' : String(ids[0]);
      return reply.redirect(
        `/staff/consultations/${c.id}/groups/${groupId}?done=${action === 'add' ? 'added' : `removed&opinion=${removed}`}`,
        303,
      );
    },
  );
}
