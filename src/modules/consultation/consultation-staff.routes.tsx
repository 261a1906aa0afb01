import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isId } from '../../shared/ids.ts';
import { formBodyLimit } from '../../web/body-limits.ts';
import { formPageContext, type PageContext } from '../../web/context.ts';
import { NotFoundError } from '../../web/errors.ts';
import type { FieldErrors } from '../../web/forms.tsx';
import type { MessageKey, Translate } from '../../web/i18n/messages.ts';
import { sendPage } from '../../web/render.ts';
import { clientIp } from '../../web/staff-session.ts';
import { authorize, can } from '../accounts/accounts.policy.ts';
import { requireStaff } from '../accounts/accounts.routes.tsx';
import type { StaffUser } from '../accounts/accounts.types.ts';
import type { AuditActor } from '../audit/audit.service.ts';
import { getPlanVersion } from '../plan/plan.service.ts';
import {
  CONSULTATION_FORM_MAX_CHARS,
  type ConsultationFormValues,
  DEFAULT_ELIGIBILITY,
  type FormProblem,
  toTokyo,
  validateConsultation,
} from './consultation.schema.ts';
import { getConsultation, getConsultationOverview, listConsultations } from './consultation.service.ts';
import type { Consultation } from './consultation.types.ts';
import { OPINION_MAX_CHARS } from './consultation.types.ts';
import {
  createConsultation,
  listVersionOptions,
  opinionStateCounts,
  updateConsultation,
} from './consultation-admin.service.ts';
import { FORM_BODY_LIMIT } from './consultation-public.routes.tsx';
import { enterSubmission, readEntryForm, validateEntry } from './entry.service.ts';
import { INITIAL_SLOTS, MAX_SLOTS } from './intake.schema.ts';
import { sectionsOf } from './intake.service.ts';
import {
  applyBulkAction,
  applyTriageAction,
  getOpinionDetail,
  getTriageContext,
  getTriageContextOfConsultation,
  listOpinions,
  MAX_SPLIT_PARTS,
  parseTriageAction,
  parseTriageQuery,
  splitFormParts,
  type TriageAction,
  viewSubmission,
} from './triage.service.ts';
import { formatDate } from './views/staff-common.tsx';
import { StaffEntryPage } from './views/staff-entry.tsx';
import { StaffConsultationFormPage } from './views/staff-form.tsx';
import { StaffConsultationHubPage } from './views/staff-hub.tsx';
import { StaffConsultationListPage } from './views/staff-list.tsx';
import { type OpinionFormValues, StaffOpinionPage } from './views/staff-opinion.tsx';
import { StaffTriageListPage } from './views/staff-opinions.tsx';
import { StaffSubmissionPage } from './views/staff-submission.tsx';

/**
 * The staff side of public comment: consultations (planners create and change; admin, planners and
 * editors read), staff entry of paper, fax, e-mail and in-person opinions, triage, and the audited view of
 * a submitter's personal data. Thin: parse → authorize → service → render or redirect (303).
 */

const idOf = (raw: string): number => {
  if (!isId(raw)) throw new NotFoundError('bad id');
  return Number(raw);
};

/** The label of each form field, for messages that name it. */
const FIELD_LABELS: Record<string, MessageKey> = {
  title: 'pc.staff.form.title',
  summary: 'pc.staff.form.summary',
  version: 'pc.staff.form.version',
  eligibility: 'pc.staff.form.eligibility',
  opensDate: 'pc.staff.form.opensDate',
  opensTime: 'pc.staff.form.opensTime',
  closesDate: 'pc.staff.form.closesDate',
  closesTime: 'pc.staff.form.closesTime',
  shortPeriodReason: 'pc.staff.form.shortPeriodReason',
  postalAddress: 'pc.staff.form.postalAddress',
  faxNumber: 'pc.staff.form.faxNumber',
  emailAddress: 'pc.staff.form.emailAddress',
  inPersonPlace: 'pc.staff.form.inPersonPlace',
  readingPlaces: 'pc.staff.form.readingPlaces',
  contact: 'pc.staff.form.contact',
  reason: 'pc.staff.opinion.reason',
  note: 'pc.staff.opinion.note',
  section: 'pc.staff.triage.section',
  department: 'pc.staff.triage.department',
};

function fieldLabel(t: Translate, field: string): string {
  const k = FIELD_LABELS[field];
  if (k) return t(k);
  const part = /^part(\d+)$/.exec(field);
  if (part) return t('pc.staff.opinion.part', { n: Number(part[1]) });
  const section = /^section(\d+)$/.exec(field);
  if (section) return t('pc.staff.opinion.partSection', { n: Number(section[1]) });
  return field;
}

export function problemMessages(t: Translate, problems: FormProblem[]): FieldErrors {
  return problems.map((p) => ({
    field: p.field,
    message: t(p.key, { field: fieldLabel(t, p.field), ...(p.params ?? {}) }),
  }));
}

function actorOf(request: FastifyRequest, user: StaffUser): AuditActor {
  return { userId: user.id, label: user.email, ip: clientIp(request), requestId: String(request.id) };
}

/** The form's values from a consultation (edit), or the defaults (new). */
function valuesOf(c: Consultation | null, defaultVersion: number | undefined): ConsultationFormValues {
  if (!c) {
    return {
      title: '',
      summary: '',
      version: defaultVersion ? String(defaultVersion) : '',
      eligibility: DEFAULT_ELIGIBILITY,
      opensDate: '',
      opensTime: '09:00',
      closesDate: '',
      closesTime: '23:59',
      shortPeriodReason: '',
      postalAddress: '',
      faxNumber: '',
      emailAddress: '',
      inPersonPlace: '',
      readingPlaces: '',
      contact: '',
    };
  }
  const o = toTokyo(c.opensAt);
  const cl = toTokyo(c.closesAt);
  return {
    title: c.title,
    summary: c.summary,
    version: String(c.versionId),
    eligibility: c.eligibility,
    opensDate: o.date,
    opensTime: o.time,
    closesDate: cl.date,
    closesTime: cl.time,
    shortPeriodReason: c.shortPeriodReason ?? '',
    postalAddress: c.postalAddress,
    faxNumber: c.faxNumber,
    emailAddress: c.emailAddress,
    inPersonPlace: c.inPersonPlace,
    readingPlaces: c.readingPlaces,
    contact: c.contact,
  };
}

const DONE_KEYS: Record<string, MessageKey> = {
  accept: 'pc.staff.opinion.done.accept',
  exclude: 'pc.staff.opinion.done.exclude',
  reinstate: 'pc.staff.opinion.done.reinstate',
  section: 'pc.staff.opinion.done.section',
  department: 'pc.staff.opinion.done.department',
  split: 'pc.staff.opinion.done.split',
};

export async function consultationStaffRoutes(app: FastifyInstance) {
  const municipality = app.config.municipality;
  const ctx = async (request: FastifyRequest, reply: FastifyReply): Promise<PageContext> =>
    formPageContext(request, reply, await app.site.name());

  async function consultationOf(raw: string): Promise<Consultation> {
    const c = await getConsultation(app.db, municipality, idOf(raw));
    if (!c) throw new NotFoundError('no such consultation');
    return c;
  }

  // --- consultations ------------------------------------------------------------------------------

  app.get<{ Querystring: { done?: string; title?: string } }>(
    '/staff/consultations',
    async (request, reply) => {
      const s = requireStaff(request);
      authorize(s.user, 'read', { type: 'consultation' });
      const list = await listConsultations(app.db, municipality, app.clock());
      const c = await ctx(request, reply);
      return sendPage(
        reply,
        <StaffConsultationListPage
          ctx={c}
          consultations={list}
          canCreate={can(s.user, 'create', { type: 'consultation' })}
        />,
      );
    },
  );

  app.get('/staff/consultations/new', async (request, reply) => {
    const s = requireStaff(request);
    authorize(s.user, 'create', { type: 'consultation' });
    const versions = await listVersionOptions(app.db, municipality);
    return sendPage(
      reply,
      <StaffConsultationFormPage
        ctx={await ctx(request, reply)}
        consultation={null}
        versions={versions}
        values={valuesOf(null, versions[0]?.id)}
        errors={[]}
      />,
    );
  });

  app.post<{ Body: Record<string, unknown> | undefined }>(
    '/staff/consultations/new',
    { bodyLimit: formBodyLimit(CONSULTATION_FORM_MAX_CHARS) },
    async (request, reply) => {
      const s = requireStaff(request);
      authorize(s.user, 'create', { type: 'consultation' });
      const versions = await listVersionOptions(app.db, municipality);
      const v = validateConsultation(
        request.body,
        versions.map((x) => x.id),
      );
      if (!v.ok) {
        const c = await ctx(request, reply);
        return sendPage(
          reply,
          <StaffConsultationFormPage
            ctx={c}
            consultation={null}
            versions={versions}
            values={v.values}
            errors={problemMessages(c.t, v.problems)}
          />,
          400,
        );
      }
      const created = await createConsultation(app.db, {
        municipalityCode: municipality,
        value: v.value,
        actor: actorOf(request, s.user),
        now: app.clock(),
      });
      return reply.redirect(`/staff/consultations/${created.id}?done=created`, 303);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>(
    '/staff/consultations/:id',
    async (request, reply) => {
      const s = requireStaff(request);
      authorize(s.user, 'read', { type: 'consultation' });
      const c = await getConsultationOverview(app.db, municipality, idOf(request.params.id), app.clock());
      if (!c) throw new NotFoundError('no such consultation');
      const [versions, counts] = await Promise.all([
        listVersionOptions(app.db, municipality),
        opinionStateCounts(app.db, c.id),
      ]);
      const pc = await ctx(request, reply);
      const done = request.query.done;
      const notice =
        done === 'created'
          ? pc.t('pc.staff.created', { title: c.title })
          : done === 'saved'
            ? pc.t('pc.staff.saved')
            : done === 'unchanged'
              ? pc.t('pc.staff.unchanged')
              : undefined;
      return sendPage(
        reply,
        <StaffConsultationHubPage
          ctx={pc}
          consultation={c}
          version={versions.find((v) => v.id === c.versionId)}
          counts={counts}
          can={{
            edit: can(s.user, 'update', { type: 'consultation' }),
            entry: can(s.user, 'create', { type: 'personal_data' }),
          }}
          notice={notice}
        />,
      );
    },
  );

  app.get<{ Params: { id: string } }>('/staff/consultations/:id/edit', async (request, reply) => {
    const s = requireStaff(request);
    authorize(s.user, 'update', { type: 'consultation' });
    const c = await consultationOf(request.params.id);
    const versions = await listVersionOptions(app.db, municipality);
    return sendPage(
      reply,
      <StaffConsultationFormPage
        ctx={await ctx(request, reply)}
        consultation={c}
        versions={versions}
        values={valuesOf(c, undefined)}
        errors={[]}
        lockVersion={c.lockVersion}
      />,
    );
  });

  app.post<{ Params: { id: string }; Body: Record<string, unknown> | undefined }>(
    '/staff/consultations/:id/edit',
    { bodyLimit: formBodyLimit(CONSULTATION_FORM_MAX_CHARS) },
    async (request, reply) => {
      const s = requireStaff(request);
      authorize(s.user, 'update', { type: 'consultation' });
      const c = await consultationOf(request.params.id);
      const versions = await listVersionOptions(app.db, municipality);
      const pc = await ctx(request, reply);
      const lockRaw = typeof request.body?.lockVersion === 'string' ? request.body.lockVersion : '';
      const v = validateConsultation(
        request.body,
        versions.map((x) => x.id),
      );
      if (!v.ok) {
        return sendPage(
          reply,
          <StaffConsultationFormPage
            ctx={pc}
            consultation={c}
            versions={versions}
            values={v.values}
            errors={problemMessages(pc.t, v.problems)}
            lockVersion={isId(lockRaw) ? Number(lockRaw) : c.lockVersion}
          />,
          400,
        );
      }
      const r = isId(lockRaw)
        ? await updateConsultation(app.db, {
            municipalityCode: municipality,
            id: c.id,
            lockVersion: Number(lockRaw),
            value: v.value,
            actor: actorOf(request, s.user),
            now: app.clock(),
          })
        : ({ status: 'conflict', current: c } as const);
      if (r.status === 'not_found') throw new NotFoundError('no such consultation');
      if (r.status === 'conflict') {
        // Nothing saved: the current settings, with the conflict explained; what was typed is not kept.
        return sendPage(
          reply,
          <StaffConsultationFormPage
            ctx={pc}
            consultation={r.current}
            versions={versions}
            values={valuesOf(r.current, undefined)}
            errors={[{ field: 'consultation-form', message: pc.t('pc.staff.error.conflict') }]}
            lockVersion={r.current.lockVersion}
          />,
          409,
        );
      }
      return reply.redirect(`/staff/consultations/${c.id}?done=${r.status}`, 303);
    },
  );

  // --- staff entry --------------------------------------------------------------------------------

  async function entrySections(c: Consultation, t: Translate) {
    const tree = await getPlanVersion(app.db, c.versionId);
    return tree ? sectionsOf(tree, t) : [];
  }

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>(
    '/staff/consultations/:id/entry',
    async (request, reply) => {
      const s = requireStaff(request);
      authorize(s.user, 'create', { type: 'personal_data' });
      const c = await consultationOf(request.params.id);
      const pc = await ctx(request, reply);
      const done =
        typeof request.query.done === 'string' && /^[A-Z]+\d+-\d+$/.test(request.query.done)
          ? pc.t('pc.staff.entry.done', { receipt: request.query.done })
          : undefined;
      return sendPage(
        reply,
        <StaffEntryPage
          ctx={pc}
          consultation={c}
          sections={await entrySections(c, pc.t)}
          form={readEntryForm({}, INITIAL_SLOTS)}
          errors={[]}
          notice={done}
        />,
      );
    },
  );

  app.post<{ Params: { id: string }; Body: Record<string, unknown> | undefined }>(
    '/staff/consultations/:id/entry',
    { bodyLimit: FORM_BODY_LIMIT },
    async (request, reply) => {
      const s = requireStaff(request);
      authorize(s.user, 'create', { type: 'personal_data' });
      const c = await consultationOf(request.params.id);
      const pc = await ctx(request, reply);
      const sections = await entrySections(c, pc.t);
      const form = readEntryForm(request.body, INITIAL_SLOTS);
      if (request.body?.addSlot !== undefined) {
        if (form.opinions.length < MAX_SLOTS) form.opinions.push({ section: '', body: '' });
        return sendPage(
          reply,
          <StaffEntryPage ctx={pc} consultation={c} sections={sections} form={form} errors={[]} />,
        );
      }
      const now = app.clock();
      const v = validateEntry(form, c, new Set(sections.map((x) => x.nodeId)), now, pc.t, (d) =>
        formatDate(pc, d),
      );
      if (!v.ok) {
        return sendPage(
          reply,
          <StaffEntryPage ctx={pc} consultation={c} sections={sections} form={form} errors={v.errors} />,
          400,
        );
      }
      const r = await enterSubmission({
        db: app.db,
        intake: app.intake,
        consultation: c,
        sections,
        value: v.value,
        actor: actorOf(request, s.user),
        now,
      });
      if (r.status === 'duplicate') {
        return sendPage(
          reply,
          <StaffEntryPage
            ctx={pc}
            consultation={c}
            sections={sections}
            form={form}
            errors={[
              {
                field: 'entry-form',
                message: pc.t('pc.staff.entry.duplicate', { receipt: r.receiptNumber }),
              },
            ]}
          />,
          409,
        );
      }
      return reply.redirect(
        `/staff/consultations/${c.id}/entry?done=${encodeURIComponent(r.receiptNumber)}`,
        303,
      );
    },
  );

  // --- triage ---------------------------------------------------------------------------------------

  app.get<{ Params: { id: string }; Querystring: Record<string, unknown> }>(
    '/staff/consultations/:id/opinions',
    async (request, reply) => {
      const s = requireStaff(request);
      authorize(s.user, 'read', { type: 'consultation' });
      // the consultation and the filters' options in one round trip (it counts on PostgreSQL)
      // The id is checked before either query starts: a throw between them would leave the first one's
      // rejection unobserved (which once ended the process).
      const id = idOf(request.params.id);
      const [c, found] = await Promise.all([
        consultationOf(request.params.id),
        getTriageContextOfConsultation(app.db, municipality, id),
      ]);
      if (!found) throw new NotFoundError('no such consultation');
      const context = found;
      const { filters, problems } = parseTriageQuery(request.query, context);
      const page = await listOpinions(app.db, c.id, filters);
      const pc = await ctx(request, reply);
      const q = request.query as Record<string, unknown>;
      const notice =
        typeof q.changed === 'string' &&
        typeof q.skipped === 'string' &&
        isId(`1${q.changed}`) &&
        isId(`1${q.skipped}`)
          ? pc.t('pc.staff.triage.bulkDone', { changed: Number(q.changed), skipped: Number(q.skipped) })
          : q.bulk === 'none'
            ? pc.t('pc.staff.triage.bulkNone')
            : undefined;
      return sendPage(
        reply,
        <StaffTriageListPage
          ctx={pc}
          consultation={c}
          context={context}
          filters={filters}
          problems={problems.map((p) => ({ field: p.field, message: pc.t(p.key, p.params) }))}
          page={page}
          canTriage={can(s.user, 'triage', { type: 'consultation' })}
          canSeePersonal={can(s.user, 'read', { type: 'personal_data' })}
          notice={notice}
        />,
      );
    },
  );

  app.post<{ Params: { id: string }; Body: Record<string, unknown> | undefined }>(
    '/staff/consultations/:id/opinions/bulk',
    async (request, reply) => {
      const s = requireStaff(request);
      authorize(s.user, 'triage', { type: 'consultation' });
      const c = await consultationOf(request.params.id);
      const b = request.body ?? {};
      const raw = b.ids === undefined ? [] : Array.isArray(b.ids) ? b.ids : [b.ids];
      const ids = [
        ...new Set(raw.filter((x): x is string => typeof x === 'string' && isId(x)).map(Number)),
      ].slice(0, 500);
      const back =
        typeof b.back === 'string' && b.back.startsWith('?') && !b.back.includes('//') ? b.back : '';
      const sep = back === '' ? '?' : '&';
      const base = `/staff/consultations/${c.id}/opinions${back}`;
      const kind = b.action;
      if (ids.length === 0 || (kind !== 'accept' && kind !== 'department'))
        return reply.redirect(`${base}${sep}bulk=none`, 303);
      let departmentId: number | null = null;
      if (kind === 'department') {
        const d = typeof b.department === 'string' ? b.department : '';
        if (d !== '') {
          const context = await getTriageContext(app.db, municipality, c.versionId);
          const found = isId(d)
            ? context.departments.find((x) => x.id === Number(d) && !x.disabled)
            : undefined;
          if (!found) return reply.redirect(`${base}${sep}bulk=none`, 303);
          departmentId = found.id;
        }
      }
      const r = await applyBulkAction(app.db, {
        municipalityCode: municipality,
        consultationId: c.id,
        opinionIds: ids,
        action: kind === 'accept' ? { kind } : { kind, departmentId },
        actor: actorOf(request, s.user),
        now: app.clock(),
      });
      return reply.redirect(`${base}${sep}changed=${r.changed}&skipped=${r.skipped}`, 303);
    },
  );

  async function opinionPage(
    request: FastifyRequest,
    reply: FastifyReply,
    user: StaffUser,
    c: Consultation,
    opinionId: number,
    state: { errors: FieldErrors; values: OpinionFormValues; partCount?: number; notice?: string },
    status = 200,
  ) {
    const [context, opinion] = await Promise.all([
      getTriageContext(app.db, municipality, c.versionId),
      getOpinionDetail(app.db, c.id, opinionId),
    ]);
    if (!opinion) throw new NotFoundError('no such opinion');
    return sendPage(
      reply,
      <StaffOpinionPage
        ctx={await ctx(request, reply)}
        consultation={c}
        context={context}
        opinion={opinion}
        canTriage={can(user, 'triage', { type: 'consultation' })}
        canSeePersonal={can(user, 'read', { type: 'personal_data' })}
        errors={state.errors}
        values={state.values}
        partCount={state.partCount ?? 2}
        notice={state.notice}
      />,
      status,
    );
  }

  app.get<{
    Params: { id: string; opinionId: string };
    Querystring: { parts?: string; done?: string; n?: string };
  }>('/staff/consultations/:id/opinions/:opinionId', async (request, reply) => {
    const s = requireStaff(request);
    authorize(s.user, 'read', { type: 'consultation' });
    const c = await consultationOf(request.params.id);
    const opinionId = idOf(request.params.opinionId);
    const parts =
      typeof request.query.parts === 'string' && /^\d{1,2}$/.test(request.query.parts)
        ? Math.min(Math.max(Number(request.query.parts), 2), MAX_SPLIT_PARTS)
        : 2;
    const pc = await ctx(request, reply);
    const doneKey = typeof request.query.done === 'string' ? DONE_KEYS[request.query.done] : undefined;
    const n =
      typeof request.query.n === 'string' && /^\d{1,2}$/.test(request.query.n) ? Number(request.query.n) : 0;
    return opinionPage(request, reply, s.user, c, opinionId, {
      errors: [],
      values: {},
      partCount: parts,
      ...(doneKey ? { notice: pc.t(doneKey, { n }) } : {}),
    });
  });

  app.post<{ Params: { id: string; opinionId: string }; Body: Record<string, unknown> | undefined }>(
    '/staff/consultations/:id/opinions/:opinionId',
    // splitting an opinion sends its parts: up to MAX_SPLIT_PARTS of OPINION_MAX_CHARS each
    { bodyLimit: formBodyLimit(MAX_SPLIT_PARTS * OPINION_MAX_CHARS) },
    async (request, reply) => {
      const s = requireStaff(request);
      authorize(s.user, 'triage', { type: 'consultation' });
      const c = await consultationOf(request.params.id);
      const opinionId = idOf(request.params.opinionId);
      const body = request.body ?? {};
      const pc = await ctx(request, reply);
      const context = await getTriageContext(app.db, municipality, c.versionId);
      const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
      const rawParts = splitFormParts(body);
      const values: OpinionFormValues = {
        action: str('action'),
        reason: str('reason'),
        note: str('note'),
        section: str('section'),
        department: str('department'),
        parts: rawParts,
      };
      const partCount = Math.max(2, rawParts.length);
      const parsed = parseTriageAction(body, context);
      if (!parsed.ok) {
        return opinionPage(
          request,
          reply,
          s.user,
          c,
          opinionId,
          { errors: problemMessages(pc.t, parsed.problems), values, partCount },
          400,
        );
      }
      const lockRaw = str('lockVersion');
      const action: TriageAction = parsed.action;
      const r = isId(lockRaw)
        ? await applyTriageAction(app.db, {
            municipalityCode: municipality,
            consultationId: c.id,
            planId: context.planId,
            opinionId,
            lockVersion: Number(lockRaw),
            action,
            actor: actorOf(request, s.user),
            now: app.clock(),
          })
        : ({ status: 'conflict' } as const);
      if (r.status === 'not_found') throw new NotFoundError('no such opinion');
      if (r.status === 'conflict' || r.status === 'wrong_state') {
        const message =
          r.status === 'conflict'
            ? pc.t('pc.staff.triage.error.conflict')
            : r.grouped && r.state !== 'split'
              ? pc.t('pc.staff.triage.error.grouped')
              : pc.t('pc.staff.triage.error.state', { state: pc.t(`consultation.opinionState.${r.state}`) });
        return opinionPage(
          request,
          reply,
          s.user,
          c,
          opinionId,
          { errors: [{ field: 'actions-h', message }], values, partCount },
          409,
        );
      }
      const n = action.kind === 'split' ? `&n=${r.createdIds.length}` : '';
      return reply.redirect(
        `/staff/consultations/${c.id}/opinions/${opinionId}?done=${action.kind}${n}`,
        303,
      );
    },
  );

  // --- personal data --------------------------------------------------------------------------------

  app.get<{ Params: { id: string; submissionId: string } }>(
    '/staff/consultations/:id/submissions/:submissionId',
    async (request, reply) => {
      const s = requireStaff(request);
      authorize(s.user, 'read', { type: 'personal_data' });
      const c = await consultationOf(request.params.id);
      const submission = await viewSubmission(app.db, {
        municipalityCode: municipality,
        consultationId: c.id,
        submissionId: idOf(request.params.submissionId),
        actor: actorOf(request, s.user),
        now: app.clock(),
      });
      if (!submission) throw new NotFoundError('no such submission');
      const context = await getTriageContext(app.db, municipality, c.versionId);
      reply.header('cache-control', 'no-store');
      return sendPage(
        reply,
        <StaffSubmissionPage
          ctx={await ctx(request, reply)}
          consultation={c}
          context={context}
          submission={submission}
        />,
      );
    },
  );
}
