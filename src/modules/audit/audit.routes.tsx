import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formPageContext } from '../../web/context.ts';
import type { FieldErrors } from '../../web/forms.tsx';
import { sendPage } from '../../web/render.ts';
import { clientIp } from '../../web/staff-session.ts';
import { authorize, can } from '../accounts/accounts.policy.ts';
import { requireStaff } from '../accounts/accounts.routes.tsx';
import { formatTokyoDateTime } from './audit.csv.ts';
import {
  AUDIT_FILTER_FIELDS,
  AuditFilterSchema,
  type AuditFilters,
  auditFilterErrors,
  MAX_AUDIT_FILTER_LIMIT,
} from './audit.schema.ts';
import { DEFAULT_AUDIT_PAGE_SIZE, listAudit, startAuditExport } from './audit.service.ts';
import { AUDIT_FILTER_ONLY_FIELDS, type AuditFormValues, AuditLogPage } from './views/audit-log-page.tsx';

/** What the form shows again of a query value: a single string (a repeated key is not one), kept short. */
function formValues(query: unknown): AuditFormValues {
  const q = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>;
  const out = {} as AuditFormValues;
  for (const f of AUDIT_FILTER_FIELDS) {
    const v = q[f];
    out[f] = typeof v === 'string' ? v.slice(0, 300) : '';
  }
  return out;
}

/** The query without the page position and size: the CSV holds every matching entry. */
function exportQuery(query: unknown): Record<string, unknown> {
  const q = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>;
  return Object.fromEntries(AUDIT_FILTER_ONLY_FIELDS.map((f) => [f, q[f]]));
}

/** RFC 6266 / RFC 5987: a plain filename for old clients and the UTF-8 filename* for the others. */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** The day in Asia/Tokyo, YYYY-MM-DD: the date in the export's file name. */
function tokyoDay(at: Date): string {
  return formatTokyoDateTime(at.toISOString()).slice(0, 10);
}

/** The filters without the page position and size (which an export does not have). */
function exportFilters(f: AuditFilters) {
  const { cursor: _cursor, limit: _limit, ...filters } = f;
  return filters;
}

/**
 * The audit log for staff who may read it (administrators and planners): GET /staff/audit (filter form,
 * table, keyset pages) and GET /staff/audit.csv (the same filters as a CSV download, itself recorded).
 * Thin: parse → authorize → service → render.
 */
export async function auditRoutes(app: FastifyInstance) {
  /** The page again with the filters' problems, status 400: never a 500 for a bad query string. */
  async function invalid(
    request: FastifyRequest,
    reply: FastifyReply,
    error: Parameters<typeof auditFilterErrors>[0],
    canExport: boolean,
  ) {
    const ctx = formPageContext(request, reply, await app.site.name());
    const byField = auditFilterErrors(error, ctx.t);
    const errors: FieldErrors = AUDIT_FILTER_FIELDS.flatMap((field) => {
      const message = byField[field];
      return message ? [{ field, message }] : [];
    });
    return sendPage(
      reply,
      <AuditLogPage
        ctx={ctx}
        values={formValues(request.query)}
        errors={errors}
        page={null}
        pageSize={DEFAULT_AUDIT_PAGE_SIZE}
        canExport={canExport}
        limits={{ max: MAX_AUDIT_FILTER_LIMIT, default: DEFAULT_AUDIT_PAGE_SIZE }}
      />,
      400,
    );
  }

  app.get('/staff/audit', async (request, reply) => {
    const { user } = requireStaff(request);
    authorize(user, 'read', { type: 'audit' });
    const canExport = can(user, 'export', { type: 'audit' });
    // Personal data (who did what, from where): never kept by a shared cache or the browser's.
    reply.header('cache-control', 'no-store');
    const parsed = AuditFilterSchema.safeParse(request.query ?? {});
    if (!parsed.success) return invalid(request, reply, parsed.error, canExport);
    const page = await listAudit(app.db, { municipalityCode: user.municipalityCode, ...parsed.data });
    return sendPage(
      reply,
      <AuditLogPage
        ctx={formPageContext(request, reply, await app.site.name())}
        values={formValues(request.query)}
        errors={[]}
        page={page}
        pageSize={parsed.data.limit ?? DEFAULT_AUDIT_PAGE_SIZE}
        canExport={canExport}
        limits={{ max: MAX_AUDIT_FILTER_LIMIT, default: DEFAULT_AUDIT_PAGE_SIZE }}
      />,
    );
  });

  app.get('/staff/audit.csv', async (request, reply) => {
    const { user } = requireStaff(request);
    authorize(user, 'export', { type: 'audit' });
    reply.header('cache-control', 'no-store');
    const parsed = AuditFilterSchema.safeParse(exportQuery(request.query));
    if (!parsed.success) return invalid(request, reply, parsed.error, true);
    const at = app.clock();
    reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', attachmentDisposition(`audit-${tokyoDay(at)}.csv`));
    // Fastify answers HEAD with this handler too: nothing is downloaded, so nothing is recorded.
    if (request.method === 'HEAD') return reply.send();
    const chunks = await startAuditExport(app.db, {
      municipalityCode: user.municipalityCode,
      actor: { userId: user.id, label: user.email, ip: clientIp(request), requestId: String(request.id) },
      filters: exportFilters(parsed.data),
      at,
    });
    return reply.send(Readable.from(chunks));
  });
}
