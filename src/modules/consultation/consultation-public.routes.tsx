import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable, UNAVAILABLE_RETRY_AFTER_S } from '../../db/faults.ts';
import { formatDateTime, formatDeadline } from '../../shared/fiscal-year.ts';
import { isId } from '../../shared/ids.ts';
import { formPageContext, pageContext } from '../../web/context.ts';
import { NotFoundError } from '../../web/errors.ts';
import type { FieldErrors } from '../../web/forms.tsx';
import type { Translate } from '../../web/i18n/messages.ts';
import { sendPage } from '../../web/render.ts';
import { clientIp } from '../../web/staff-session.ts';
import { authorize } from '../accounts/accounts.policy.ts';
import { requireStaff } from '../accounts/accounts.routes.tsx';
import { recordAudit } from '../audit/audit.service.ts';
import { getPlanVersion } from '../plan/plan.service.ts';
import type { PlanTree } from '../plan/plan.types.ts';
import {
  getConsultation,
  getConsultationOverview,
  listConsultations,
  phaseAt,
} from './consultation.service.ts';
import type { ConsultationOverview } from './consultation.types.ts';
import {
  EMPTY_FORM,
  honeypotFilled,
  INITIAL_SLOTS,
  type IntakeForm,
  type IntakeValue,
  MAX_SLOTS,
  readIntakeForm,
  validateIntake,
  WHOLE_PLAN,
} from './intake.schema.ts';
import { getReceipt, type Section, sectionsOf, submitWebSubmission } from './intake.service.ts';
import { listOutbox } from './mail.service.ts';
import { OutboxPage } from './views/outbox.tsx';
import { PublicConfirmPage } from './views/public-confirm.tsx';
import { PublicConsultationPage } from './views/public-consultation.tsx';
import { PublicFormPage } from './views/public-form.tsx';
import { PublicListPage } from './views/public-list.tsx';
import { PublicMessagePage, PublicReceiptPage } from './views/public-receipt.tsx';
import { PublicSubmitUnavailablePage } from './views/public-unavailable.tsx';

/**
 * The public side of public comment: the list, each consultation with its draft, the form → confirmation →
 * submission → receipt flow, the public JSON, and the staff view of the mail outbox. Thin: parse → service →
 * render or redirect. Submissions go through app.intake (one durable job each).
 *
 * Abuse: POST …/submit is limited per client address (config.submissionLimitPerHour); the form's POSTs
 * take up to FORM_BODY_LIMIT (20 opinions of 2,000 four-byte characters, percent-encoded, and the other
 * fields), more gets the 413 page; a filled honeypot gets a page that looks like success and saves nothing;
 * exact duplicates are refused with the first receipt number. No message repeats what was typed.
 */

/** 20 × 2,000 characters × 4 UTF-8 bytes × 3 (percent-encoding) = 480,000 bytes, plus the other fields. */
export const FORM_BODY_LIMIT = 600 * 1024;
const OUTBOX_MAX = 200;

type IdParams = { Params: { id: string } };
type Body = Record<string, unknown> | undefined;

/** The fields of a consultation that anyone may read, and its counts: never anything about a submitter. */
function publicJson(c: ConsultationOverview, baseUrl: string) {
  return {
    id: c.id,
    title: c.title,
    summary: c.summary,
    phase: c.phase,
    opensAt: c.opensAt,
    closesAt: c.closesAt,
    shortPeriodReason: c.shortPeriodReason,
    eligibility: c.eligibility,
    versionId: c.versionId,
    channels: {
      postalAddress: c.postalAddress,
      faxNumber: c.faxNumber,
      emailAddress: c.emailAddress,
      inPersonPlace: c.inPersonPlace,
    },
    readingPlaces: c.readingPlaces,
    contact: c.contact,
    counts: { opinions: c.opinionCount, submitters: c.submissionCount },
    publishedSeq: c.publishedSeq,
    publishedAt: c.publishedAt,
    url: `${baseUrl}/consultations/${c.id}`,
    resultUrl: c.publishedSeq === null ? null : `${baseUrl}/consultations/${c.id}/result`,
  };
}

/** The receipt mail's text, in the submitter's language. */
function receiptMail(
  t: Translate,
  municipality: string,
  c: ConsultationOverview,
  value: IntakeValue,
  labels: ReadonlyMap<number, string>,
  now: Date,
  locale: 'ja' | 'en',
) {
  return (number: string) => ({
    subject: t('pc.public.mail.subject', { municipality, number }),
    body: t('pc.public.mail.body', {
      title: c.title,
      number,
      at: formatDateTime(now, locale),
      contact: c.contact,
      opinions: value.opinions
        .map((o, i) =>
          t('pc.public.mail.opinion', {
            n: i + 1,
            section: o.nodeId === null ? t('consultation.wholePlan') : (labels.get(o.nodeId) ?? ''),
            body: o.body,
          }),
        )
        .join('\n\n'),
    }),
  });
}

export async function consultationPublicRoutes(app: FastifyInstance) {
  const municipality = app.config.municipality;
  const siteName = () => app.site.name();

  // A submission the database could not take: a page that says it was NOT saved and keeps what was typed,
  // to send again (503, Retry-After). Every other error goes on to the site's handler.
  app.setErrorHandler(async (error, request, reply) => {
    const id = (request.params as { id?: unknown } | undefined)?.id;
    if (
      request.routeOptions.url !== '/consultations/:id/submit' ||
      !isDatabaseUnavailable(error) ||
      !isId(id)
    )
      throw error;
    request.log.error({ err: error }, 'public comment: database unavailable, the submission was not saved');
    const ctx = formPageContext(request, reply, app.site.lastName);
    reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_S)).header('cache-control', 'no-store');
    return sendPage(
      reply,
      <PublicSubmitUnavailablePage
        ctx={ctx}
        consultationId={Number(id)}
        form={readIntakeForm(request.body)}
        honeypot={honeypotFilled(request.body) ? 'x' : ''}
      />,
      503,
    );
  });

  async function consultationOf(id: string): Promise<ConsultationOverview> {
    const c = isId(id) ? await getConsultationOverview(app.db, municipality, Number(id), app.clock()) : null;
    if (!c) throw new NotFoundError('no such consultation');
    return c;
  }

  /**
   * The consultation without its counts (which cost a count over every opinion), for the form and the
   * submission: its phase from the clock, and 'published' never matters there.
   */
  async function bareConsultationOf(id: string): Promise<ConsultationOverview> {
    const c = isId(id) ? await getConsultation(app.db, municipality, Number(id)) : null;
    if (!c) throw new NotFoundError('no such consultation');
    return {
      ...c,
      phase: phaseAt(c, app.clock(), false),
      submissionCount: 0,
      opinionCount: 0,
      publishedSeq: null,
      publishedAt: null,
    };
  }

  async function draftOf(c: ConsultationOverview): Promise<PlanTree> {
    const tree = await getPlanVersion(app.db, c.versionId);
    if (!tree) throw new NotFoundError('no such plan version');
    return tree;
  }

  /** The sections of the consultation's draft, labelled in the reader's language. */
  async function sectionsFor(c: ConsultationOverview, t: Translate) {
    const sections = sectionsOf(await draftOf(c), t);
    return {
      sections,
      ids: new Set(sections.map((s) => s.nodeId)),
      labels: new Map(sections.map((s) => [s.nodeId, s.label])),
    };
  }

  /** The page that says the consultation does not take opinions now (before its start or after its end). */
  function notOpenPage(
    request: FastifyRequest,
    reply: FastifyReply,
    c: ConsultationOverview,
    name: string,
    status: number,
  ) {
    const ctx = pageContext(request, name);
    const { t, locale } = ctx;
    const scheduled = c.phase === 'scheduled';
    return sendPage(
      reply,
      <PublicMessagePage
        ctx={ctx}
        c={c}
        title={t(scheduled ? 'pc.public.refused.scheduledTitle' : 'pc.public.refused.closedTitle')}
        body={
          scheduled
            ? t('pc.public.refused.scheduled', { date: formatDateTime(c.opensAt, locale) })
            : t('pc.public.refused.closed', { date: formatDeadline(c.closesAt, locale) })
        }
      />,
      status,
    );
  }

  function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    c: ConsultationOverview,
    sections: readonly Section[],
    form: IntakeForm,
    errors: FieldErrors,
    name: string,
  ) {
    return sendPage(
      reply,
      <PublicFormPage
        ctx={formPageContext(request, reply, name)}
        c={c}
        sections={sections}
        form={form}
        errors={errors}
      />,
      errors.length > 0 ? 400 : 200,
    );
  }

  app.get('/consultations', async (request, reply) => {
    const list = await listConsultations(app.db, municipality, app.clock());
    return sendPage(
      reply,
      <PublicListPage ctx={pageContext(request, await siteName())} consultations={list} />,
    );
  });

  app.get('/api/consultations', async (_request, reply) => {
    const list = await listConsultations(app.db, municipality, app.clock());
    return reply.send({ consultations: list.map((c) => publicJson(c, app.config.baseUrl)) });
  });

  app.get<IdParams>('/api/consultations/:id', async (request, reply) => {
    const c = await consultationOf(request.params.id);
    return reply.send(publicJson(c, app.config.baseUrl));
  });

  app.get<IdParams>('/consultations/:id', async (request, reply) => {
    const c = await consultationOf(request.params.id);
    const tree = await draftOf(c);
    return sendPage(
      reply,
      <PublicConsultationPage ctx={pageContext(request, await siteName())} c={c} tree={tree} />,
    );
  });

  app.get<IdParams & { Querystring: { section?: string } }>(
    '/consultations/:id/form',
    async (request, reply) => {
      const c = await bareConsultationOf(request.params.id);
      const name = await siteName();
      if (c.phase !== 'open') return notOpenPage(request, reply, c, name, 200);
      const { sections, ids } = await sectionsFor(c, pageContext(request, name).t);
      const wanted = request.query.section;
      const first =
        typeof wanted === 'string' && isId(wanted) && ids.has(Number(wanted)) ? wanted : WHOLE_PLAN;
      const form: IntakeForm = {
        ...EMPTY_FORM,
        opinions: Array.from({ length: INITIAL_SLOTS }, (_, i) => ({
          section: i === 0 ? first : WHOLE_PLAN,
          body: '',
        })),
      };
      return formPage(request, reply, c, sections, form, [], name);
    },
  );

  app.post<IdParams & { Body: Body }>(
    '/consultations/:id/confirm',
    { bodyLimit: FORM_BODY_LIMIT },
    async (request, reply) => {
      const c = await bareConsultationOf(request.params.id);
      const name = await siteName();
      if (c.phase !== 'open') return notOpenPage(request, reply, c, name, 403);
      const ctx = formPageContext(request, reply, name);
      const { sections, ids, labels } = await sectionsFor(c, ctx.t);
      const action = request.body?.action;
      const form = readIntakeForm(request.body);
      if (action === 'add' || action === 'edit') {
        // Back to the form with what was typed: one more slot for 「意見欄を増やす」.
        const extra = action === 'add' && form.opinions.length < MAX_SLOTS ? 1 : 0;
        const opinions = [
          ...form.opinions,
          ...Array.from({ length: extra }, () => ({ section: WHOLE_PLAN, body: '' })),
        ];
        return formPage(request, reply, c, sections, { ...form, opinions }, [], name);
      }
      const v = validateIntake(form, ids, ctx.t);
      if (!v.ok) return formPage(request, reply, c, sections, form, v.errors, name);
      const honeypot = honeypotFilled(request.body) ? 'x' : '';
      return sendPage(
        reply,
        <PublicConfirmPage ctx={ctx} c={c} value={v.value} labels={labels} honeypot={honeypot} />,
      );
    },
  );

  app.post<IdParams & { Body: Body }>(
    '/consultations/:id/submit',
    {
      bodyLimit: FORM_BODY_LIMIT,
      config: { rateLimit: { max: app.config.submissionLimitPerHour, timeWindow: '1 hour' } },
    },
    async (request, reply) => {
      const c = await bareConsultationOf(request.params.id);
      const name = await siteName();
      const now = app.clock();
      if (c.phase !== 'open') return notOpenPage(request, reply, c, name, 403);
      const ctx = formPageContext(request, reply, name);
      const { sections, ids, labels } = await sectionsFor(c, ctx.t);
      const form = readIntakeForm(request.body);
      const v = validateIntake(form, ids, ctx.t);
      if (!v.ok) return formPage(request, reply, c, sections, form, v.errors, name);
      if (honeypotFilled(request.body)) {
        // A bot: it sees what a person would (minus a receipt number), and nothing is saved.
        request.log.info({ consultationId: c.id }, 'public comment: honeypot filled, nothing saved');
        return sendPage(
          reply,
          <PublicMessagePage
            ctx={ctx}
            c={c}
            title={ctx.t('pc.public.receipt.title')}
            body={ctx.t('pc.public.receipt.next')}
          />,
        );
      }
      const r = await submitWebSubmission({
        db: app.db,
        intake: app.intake,
        consultation: c,
        sections,
        value: v.value,
        now,
        receiptMail: receiptMail(ctx.t, name, c, v.value, labels, now, ctx.locale),
      });
      if (r.status === 'closed') {
        return notOpenPage(
          request,
          reply,
          { ...c, phase: now < new Date(c.opensAt) ? 'scheduled' : 'closed' },
          name,
          403,
        );
      }
      if (r.status === 'duplicate') {
        return sendPage(
          reply,
          <PublicMessagePage
            ctx={ctx}
            c={c}
            title={ctx.t('pc.public.refused.duplicateTitle')}
            body={ctx.t('pc.public.refused.duplicate', { number: r.receiptNumber })}
          />,
          409,
        );
      }
      return reply.redirect(`/consultations/${c.id}/receipt/${r.token}`, 303);
    },
  );

  app.get<{ Params: { id: string; token: string } }>(
    '/consultations/:id/receipt/:token',
    async (request, reply) => {
      const c = await bareConsultationOf(request.params.id);
      const receipt = await getReceipt(app.db, c.id, request.params.token);
      if (!receipt) throw new NotFoundError('no such receipt');
      const ctx = pageContext(request, await siteName());
      const { labels } = await sectionsFor(c, ctx.t);
      // The address is the submitter's secret: keep it out of caches and of other sites' logs.
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      return sendPage(reply, <PublicReceiptPage ctx={ctx} c={c} receipt={receipt} labels={labels} />);
    },
  );

  app.get('/staff/outbox', async (request, reply) => {
    const s = requireStaff(request);
    authorize(s.user, 'read', { type: 'outbox' });
    const mails = await listOutbox(app.db, municipality, OUTBOX_MAX);
    await app.db.kysely.transaction().execute((trx) =>
      recordAudit(trx, {
        municipalityCode: municipality,
        actor: {
          userId: s.user.id,
          label: s.user.email,
          ip: clientIp(request),
          requestId: String(request.id),
        },
        action: 'outbox.view',
        resourceType: 'outbox',
        resourceId: municipality,
        before: null,
        after: { shown: mails.length, mailIds: mails.map((m) => m.id) },
        at: app.clock(),
      }),
    );
    return sendPage(
      reply,
      <OutboxPage
        ctx={formPageContext(request, reply, await siteName())}
        mails={mails}
        max={OUTBOX_MAX}
        smtp={app.config.smtpUrl != null}
      />,
    );
  });
}
