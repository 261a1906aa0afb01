import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isId } from '../../shared/ids.ts';
import { formBodyLimit } from '../../web/body-limits.ts';
import type { PageContext } from '../../web/context.ts';
import { formPageContext, pageContext } from '../../web/context.ts';
import { ForbiddenError, NotFoundError } from '../../web/errors.ts';
import type { FieldErrors } from '../../web/forms.tsx';
import { sendPage } from '../../web/render.ts';
import { clientIp } from '../../web/staff-session.ts';
import { authorize, can } from '../accounts/accounts.policy.ts';
import { requireStaff } from '../accounts/accounts.routes.tsx';
import type { ResolvedSession } from '../accounts/sessions.service.ts';
import {
  ANSWER_COMMANDS,
  ANSWER_MAX_CHARS,
  type AnswerCommand,
  type AnswerInput,
  type AnswerProblem,
  allowedCommands,
  type GroupAnswer,
  getGroupAnswer,
  groupOpinions,
  isAnswerState,
  listAnswers,
  REMARK_MAX_CHARS,
  runAnswerCommand,
  validateAnswerInput,
} from './answers.service.ts';
import { getConsultation } from './consultation.service.ts';
import type { Consultation } from './consultation.types.ts';
import {
  buildSnapshot,
  getPublishedResult,
  getReadiness,
  listPublications,
  publishResult,
  sectionOf,
  sectionsOfVersion,
} from './publication.service.ts';
import { attachmentDisposition, resultCsv, resultXlsx } from './result-export.ts';
import { AnswerListPage } from './views/answer-list.tsx';
import { AnswerPage } from './views/answer-page.tsx';
import { PublishPage } from './views/publish-page.tsx';
import { ResultNotFoundPage, ResultPage, ResultPrintPage } from './views/result-page.tsx';

/**
 * Answers (市の考え方) and the published result of public comment. Staff: the answers list, one group's
 * answer with its commands (save draft, submit, approve, return, reopen), the publish page. Public: the
 * result as HTML, printable page, CSV, xlsx and JSON, always from the publication's snapshot. Thin:
 * parse → authorize → service → render or redirect.
 */

const SEQ = /^[1-9]\d{0,5}$/;

function idParam(raw: string): number {
  if (!isId(raw)) throw new NotFoundError('bad id');
  return Number(raw);
}

type Body = Record<string, unknown> | undefined;
type GroupParams = { Params: { id: string; groupId: string } };

/** The URL of each command's POST. */
const COMMAND_PATH: Record<AnswerCommand, string> = {
  saveDraft: '',
  submit: '/submit',
  approve: '/approve',
  return: '/return',
  reopen: '/reopen',
};

export async function consultationAnswersRoutes(app: FastifyInstance) {
  const municipality = app.config.municipality;
  const formCtx = async (request: FastifyRequest, reply: FastifyReply) =>
    formPageContext(request, reply, await app.site.name());
  const publicCtx = async (request: FastifyRequest) => pageContext(request, await app.site.name());

  async function consultationOf(raw: string): Promise<Consultation> {
    const c = await getConsultation(app.db, municipality, idParam(raw));
    if (!c) throw new NotFoundError('no such consultation');
    return c;
  }

  const actorOf = (request: FastifyRequest, s: ResolvedSession) => ({
    userId: s.user.id,
    label: s.user.email,
    ip: clientIp(request),
    requestId: String(request.id),
  });

  // ---- staff: the answers list -------------------------------------------------------------------------

  app.get<{ Params: { id: string }; Querystring: { state?: string; mine?: string; done?: string } }>(
    '/staff/consultations/:id/answers',
    async (request, reply) => {
      const s = requireStaff(request);
      authorize(s.user, 'read', { type: 'answer', departmentId: null });
      const c = await consultationOf(request.params.id);
      const stateRaw = request.query.state;
      const state = typeof stateRaw === 'string' && isAnswerState(stateRaw) ? stateRaw : null;
      const canFilterMine = s.user.departmentIds.length > 0;
      const mine = canFilterMine && request.query.mine === '1';
      const { rows, counts } = await listAnswers(app.db, municipality, c.id, {
        state: state ?? undefined,
        departmentIds: mine ? s.user.departmentIds : undefined,
      });
      const sections = await sectionsOfVersion(app.db, c.versionId);
      return sendPage(
        reply,
        <AnswerListPage
          ctx={await formCtx(request, reply)}
          consultation={c}
          rows={rows}
          counts={counts}
          sectionLabel={(nodeId) => sectionOf(sections, nodeId).label}
          filters={{ state, mine }}
          canFilterMine={canFilterMine}
          canPublish={can(s.user, 'publish', { type: 'consultation' })}
        />,
      );
    },
  );

  // ---- staff: one group's answer -----------------------------------------------------------------------

  async function groupOf(c: Consultation, raw: string): Promise<GroupAnswer> {
    const g = await getGroupAnswer(app.db, municipality, c.id, idParam(raw));
    if (!g) throw new NotFoundError('no such group');
    return g;
  }

  /** Whoever may neither edit nor approve this group's answer gets 403. */
  function authorizeGroup(s: ResolvedSession, g: GroupAnswer) {
    const r = { type: 'answer', departmentId: g.departmentId } as const;
    if (!can(s.user, 'edit', r) && !can(s.user, 'approve', r))
      throw new ForbiddenError(`${s.user.role} may not edit answer`);
  }

  async function renderAnswer(
    request: FastifyRequest,
    reply: FastifyReply,
    s: ResolvedSession,
    c: Consultation,
    g: GroupAnswer,
    options: {
      status?: number;
      values?: AnswerInput;
      remark?: string;
      errors?: FieldErrors;
      sent?: AnswerInput;
      notice?: string;
      ctx?: PageContext;
    } = {},
  ) {
    const [sections, opinions, dept] = await Promise.all([
      sectionsOfVersion(app.db, c.versionId),
      groupOpinions(app.db, g.id),
      g.departmentId === null
        ? Promise.resolve(undefined)
        : app.db.kysely
            .selectFrom('departments')
            .select('name')
            .where('id', '=', g.departmentId)
            .executeTakeFirst(),
    ]);
    return sendPage(
      reply,
      <AnswerPage
        ctx={options.ctx ?? (await formCtx(request, reply))}
        consultation={c}
        group={g}
        section={sectionOf(sections, g.nodeId).label}
        departmentName={dept?.name ?? null}
        opinions={opinions}
        commands={allowedCommands(s.user, g)}
        values={options.values ?? { answer: g.answer, reflection: g.reflection, draftChange: g.draftChange }}
        remark={options.remark ?? ''}
        errors={options.errors ?? []}
        sent={options.sent}
        notice={options.notice}
      />,
      options.status ?? 200,
    );
  }

  app.get<GroupParams & { Querystring: { done?: string } }>(
    '/staff/consultations/:id/groups/:groupId/answer',
    async (request, reply) => {
      const s = requireStaff(request);
      authorize(s.user, 'read', { type: 'answer', departmentId: null });
      const c = await consultationOf(request.params.id);
      const g = await groupOf(c, request.params.groupId);
      authorizeGroup(s, g);
      const ctx = await formCtx(request, reply);
      const done = request.query.done;
      const notice =
        typeof done === 'string' && (ANSWER_COMMANDS as readonly string[]).includes(done)
          ? ctx.t(`pc.answers.done.${done as AnswerCommand}`)
          : undefined;
      return renderAnswer(request, reply, s, c, g, { ctx, ...(notice ? { notice } : {}) });
    },
  );

  for (const route of ANSWER_COMMANDS) {
    app.post<GroupParams & { Body: Body }>(
      `/staff/consultations/:id/groups/:groupId/answer${COMMAND_PATH[route]}`,
      { bodyLimit: formBodyLimit(ANSWER_MAX_CHARS + REMARK_MAX_CHARS) },
      async (request, reply) => {
        const s = requireStaff(request);
        authorize(s.user, 'read', { type: 'answer', departmentId: null });
        const c = await consultationOf(request.params.id);
        const g = await groupOf(c, request.params.groupId);
        authorizeGroup(s, g);
        const body = request.body ?? {};
        // The answer form has one action and two buttons: 下書きを保存する, and 承認を依頼する (intent=submit),
        // which sends the form's text with the command (no formaction: the pages never set one).
        const command: AnswerCommand = route === 'saveDraft' && body.intent === 'submit' ? 'submit' : route;
        const lockRaw = body.lockVersion;
        const lockVersion = typeof lockRaw === 'string' && isId(lockRaw) ? Number(lockRaw) : -1;
        const r = await runAnswerCommand(app.db, {
          municipalityCode: municipality,
          consultationId: c.id,
          groupId: g.id,
          command,
          lockVersion,
          body,
          user: s.user,
          actor: actorOf(request, s),
          now: app.clock(),
        });
        if (r.status === 'ok') {
          return reply.redirect(`/staff/consultations/${c.id}/groups/${g.id}/answer?done=${command}`, 303);
        }
        if (r.status === 'notFound') throw new NotFoundError('no such group');
        if (r.status === 'forbidden') throw new ForbiddenError(`${s.user.role} may not ${command} answer`);
        const ctx = await formCtx(request, reply);
        const { t } = ctx;
        const sentValues =
          command === 'saveDraft' || command === 'submit'
            ? validateAnswerInput(body, 'draft').value
            : undefined;
        const remark = command === 'return' && typeof body.remark === 'string' ? body.remark : '';
        const general = (message: string): FieldErrors => [{ field: 'answer-h', message }];
        if (r.status === 'conflict') {
          return renderAnswer(request, reply, s, c, r.group, {
            ctx,
            status: 409,
            errors: general(t('pc.answers.error.conflict')),
            ...(sentValues ? { sent: sentValues } : {}),
            remark,
          });
        }
        if (r.status === 'wrongState') {
          return renderAnswer(request, reply, s, c, r.group, {
            ctx,
            status: 409,
            errors: general(
              t('pc.answers.error.wrongState', { state: t(`consultation.answerState.${r.group.state}`) }),
            ),
            ...(sentValues ? { sent: sentValues } : {}),
          });
        }
        if (r.status === 'noSummary') {
          return renderAnswer(request, reply, s, c, r.group, {
            ctx,
            status: 400,
            errors: [{ field: 'summary-h', message: t('pc.answers.error.noSummary') }],
            ...(sentValues ? { values: sentValues } : {}),
          });
        }
        // invalid
        const errors = r.problems.map((p: AnswerProblem) => ({
          field: p.field,
          message: `${fieldLabel(t, p.field)}：${t(p.key, p.params)}`,
        }));
        return renderAnswer(request, reply, s, c, r.group, {
          ctx,
          status: 400,
          errors,
          ...(command === 'saveDraft' || command === 'submit' ? { values: r.value } : {}),
          remark,
        });
      },
    );
  }

  // ---- staff: publication ------------------------------------------------------------------------------

  async function renderPublish(
    request: FastifyRequest,
    reply: FastifyReply,
    c: Consultation,
    options: {
      status?: number;
      note?: string;
      errors?: FieldErrors;
      notice?: string;
      ctx?: PageContext;
    } = {},
  ) {
    const now = app.clock();
    const [readiness, publications] = await Promise.all([
      getReadiness(app.db, municipality, c.id, now),
      listPublications(app.db, municipality, c.id),
    ]);
    const nextSeq = (publications.at(-1)?.seq ?? 0) + 1;
    const preview = await buildSnapshot(app.db, municipality, c.id, {
      seq: nextSeq,
      publishedAt: now.toISOString(),
      correctionNote: options.note ?? '',
    });
    if (!readiness || !preview) throw new NotFoundError('no such consultation');
    return sendPage(
      reply,
      <PublishPage
        ctx={options.ctx ?? (await formCtx(request, reply))}
        consultation={c}
        readiness={readiness}
        publications={publications}
        preview={preview}
        note={options.note ?? ''}
        errors={options.errors ?? []}
        notice={options.notice}
      />,
      options.status ?? 200,
    );
  }

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>(
    '/staff/consultations/:id/publish',
    async (request, reply) => {
      const s = requireStaff(request);
      authorize(s.user, 'publish', { type: 'consultation' });
      const c = await consultationOf(request.params.id);
      const ctx = await formCtx(request, reply);
      const done = request.query.done;
      const notice =
        typeof done === 'string' && SEQ.test(done)
          ? ctx.t('pc.publish.done', { seq: Number(done) })
          : undefined;
      return renderPublish(request, reply, c, { ctx, ...(notice ? { notice } : {}) });
    },
  );

  app.post<{ Params: { id: string }; Body: Body }>(
    '/staff/consultations/:id/publish',
    async (request, reply) => {
      const s = requireStaff(request);
      authorize(s.user, 'publish', { type: 'consultation' });
      const c = await consultationOf(request.params.id);
      const body = request.body ?? {};
      const seqRaw = body.seq;
      const expectedSeq = typeof seqRaw === 'string' && SEQ.test(seqRaw) ? Number(seqRaw) : 0;
      const r = await publishResult(app.db, {
        municipalityCode: municipality,
        consultationId: c.id,
        expectedSeq,
        correctionNote: body.correctionNote,
        user: s.user,
        actor: actorOf(request, s),
        now: app.clock(),
      });
      if (r.status === 'published')
        return reply.redirect(`/staff/consultations/${c.id}/publish?done=${r.seq}`, 303);
      if (r.status === 'notFound') throw new NotFoundError('no such consultation');
      if (r.status === 'forbidden') throw new ForbiddenError('may not publish');
      const ctx = await formCtx(request, reply);
      const { t } = ctx;
      const note = typeof body.correctionNote === 'string' ? body.correctionNote : '';
      const errors: FieldErrors =
        r.status === 'noteRequired'
          ? [{ field: 'correctionNote', message: t('pc.publish.error.noteRequired') }]
          : r.status === 'noteInvalid'
            ? [{ field: 'correctionNote', message: t('pc.publish.error.noteInvalid') }]
            : r.status === 'notReady'
              ? [{ field: 'readiness', message: t('pc.publish.error.notReady') }]
              : [{ field: 'history-h', message: t('pc.publish.error.conflict', { seq: r.seq }) }];
      return renderPublish(request, reply, c, {
        ctx,
        status: r.status === 'conflict' ? 409 : 400,
        note,
        errors,
      });
    },
  );

  // ---- public: the published result --------------------------------------------------------------------

  /** The consultation's id from the URL, or a 404 page. */
  const publicId = (raw: string) => (isId(raw) ? Number(raw) : null);

  async function notPublished(request: FastifyRequest, reply: FastifyReply, id: number | null) {
    const exists = id === null ? null : await getConsultation(app.db, municipality, id);
    return sendPage(
      reply,
      <ResultNotFoundPage ctx={await publicCtx(request)} consultationId={exists ? exists.id : null} />,
      404,
    );
  }

  app.get<{ Params: { id: string } }>('/consultations/:id/result', async (request, reply) => {
    const id = publicId(request.params.id);
    const s = id === null ? null : await getPublishedResult(app.db, municipality, id);
    if (!s || id === null) return notPublished(request, reply, id);
    const publications = await listPublications(app.db, municipality, id);
    return sendPage(reply, <ResultPage ctx={await publicCtx(request)} s={s} publications={publications} />);
  });

  app.get<{ Params: { id: string } }>('/consultations/:id/result/print', async (request, reply) => {
    const id = publicId(request.params.id);
    const s = id === null ? null : await getPublishedResult(app.db, municipality, id);
    if (!s || id === null) return notPublished(request, reply, id);
    return sendPage(reply, <ResultPrintPage ctx={await publicCtx(request)} s={s} />);
  });

  app.get<{ Params: { id: string; seq: string } }>(
    '/consultations/:id/result/:seq',
    async (request, reply) => {
      const id = publicId(request.params.id);
      const seq = SEQ.test(request.params.seq) ? Number(request.params.seq) : null;
      const s = id === null || seq === null ? null : await getPublishedResult(app.db, municipality, id, seq);
      if (!s || id === null) return notPublished(request, reply, id);
      const publications = await listPublications(app.db, municipality, id);
      return sendPage(reply, <ResultPage ctx={await publicCtx(request)} s={s} publications={publications} />);
    },
  );

  // A publication never changes, so its files are made once per (consultation, edition) and kept: the
  // .xlsx of a large result takes seconds to build. A few recent ones are kept, oldest dropped first.
  const files = new Map<string, Promise<Buffer>>();
  const FILES_KEPT = 16;
  function fileOf(key: string, make: () => Promise<Buffer>): Promise<Buffer> {
    let f = files.get(key);
    if (!f) {
      f = make();
      f.catch(() => files.delete(key));
      files.set(key, f);
      while (files.size > FILES_KEPT) files.delete(files.keys().next().value!);
    }
    return f;
  }

  const fileBase = (id: number, seq: number) => `consultation-${id}-result-${seq}`;
  const fileBaseJa = (s: { consultation: { id: number }; seq: number }) =>
    `意見募集の結果_${s.consultation.id}_第${s.seq}版`;

  app.get<{ Params: { id: string } }>('/consultations/:id/result.csv', async (request, reply) => {
    const id = publicId(request.params.id);
    const s = id === null ? null : await getPublishedResult(app.db, municipality, id);
    if (!s || id === null) return notPublished(request, reply, id);
    return reply
      .type('text/csv; charset=utf-8')
      .header(
        'content-disposition',
        attachmentDisposition(`${fileBase(id, s.seq)}.csv`, `${fileBaseJa(s)}.csv`),
      )
      .send(await fileOf(`${id}:${s.seq}:csv`, async () => Buffer.from(resultCsv(s), 'utf8')));
  });

  app.get<{ Params: { id: string } }>('/consultations/:id/result.xlsx', async (request, reply) => {
    const id = publicId(request.params.id);
    const s = id === null ? null : await getPublishedResult(app.db, municipality, id);
    if (!s || id === null) return notPublished(request, reply, id);
    const bytes = await fileOf(`${id}:${s.seq}:xlsx`, () => resultXlsx(s));
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header(
        'content-disposition',
        attachmentDisposition(`${fileBase(id, s.seq)}.xlsx`, `${fileBaseJa(s)}.xlsx`),
      )
      .send(bytes);
  });

  app.get<{ Params: { id: string } }>('/api/consultations/:id/result', async (request, reply) => {
    const id = publicId(request.params.id);
    const s = id === null ? null : await getPublishedResult(app.db, municipality, id);
    if (!s) return reply.status(404).send({ error: 'not_found' });
    return reply.type('application/json; charset=utf-8').send(s);
  });
}

function fieldLabel(t: PageContext['t'], field: AnswerProblem['field']): string {
  switch (field) {
    case 'answer':
      return t('pc.answers.field.answer');
    case 'reflection':
      return t('pc.answers.field.reflection');
    case 'draftChange':
      return t('pc.answers.field.draftChange');
    case 'remark':
      return t('pc.answers.field.remark');
    default:
      return t('pc.answers.page.form');
  }
}
