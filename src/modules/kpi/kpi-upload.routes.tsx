import multipart, { type Multipart } from '@fastify/multipart';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fiscalYearOf, formatFiscalYear } from '../../shared/fiscal-year.ts';
import { isId } from '../../shared/ids.ts';
import { formPageContext } from '../../web/context.ts';
import { AppError, ForbiddenError, NotFoundError } from '../../web/errors.ts';
import type { FieldErrors } from '../../web/forms.tsx';
import { translator } from '../../web/i18n/messages.ts';
import { sendPage } from '../../web/render.ts';
import { clientIp } from '../../web/staff-session.ts';
import { requireStaff } from '../accounts/accounts.routes.tsx';
import type { StaffUser } from '../accounts/accounts.types.ts';
import { csvRecord, UTF8_BOM } from '../audit/audit.csv.ts';
import { attachmentDisposition } from '../consultation/result-export.ts';
import { getCurrentPlan } from '../plan/plan.service.ts';
import { selectDepartments } from './import.repository.ts';
import {
  failInterruptedImports,
  getImport,
  type ImportRecord,
  recentImports,
  startImport,
  waitForAllImports,
} from './import.service.ts';
import { targetFor } from './kpi.math.ts';
import { loadKpiBoard } from './kpi.service.ts';
import { type TemplateRow, templateCsv, templateXlsx } from './spreadsheet.ts';
import { ImportPage } from './views/upload-import.tsx';
import { UploadPage } from './views/upload-page.tsx';
import { problemMessage, problemSentence, problemWhere, stateText } from './views/upload-parts.tsx';

/**
 * Upload of actuals (実績値) by spreadsheet: the page (choose year and department, download the .xlsx/CSV
 * template, upload the filled-in file), the templates, the upload itself (multipart, processed in the
 * background), and the import's progress page (+ .json for /static/kpi-upload.js) and its errors as CSV.
 *
 * Multipart is registered in this plugin only, and a body is read only for someone who may upload, after
 * the CSRF check: the route's preValidation (which runs before the site-wide CSRF preHandler, web/csrf.ts)
 * first refuses anyone not signed in or not allowed to upload, then reads the first part only, which must
 * be the form's `_csrf` field (the form puts it first), and hands it to the CSRF check as the body. The
 * handler reads the rest: the year, the department and the file, into memory up to {@link MAX_UPLOAD_MB}
 * MB; beyond that (by Content-Length, or while streaming when there is none) the request is refused with
 * 413 without keeping more of it. A body that is not well-formed multipart (no boundary, cut short) is a
 * 400 on the upload page.
 */

export const MAX_UPLOAD_MB = 10;
export const MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024;
/** Room for the form's other fields and the multipart framing. */
const MULTIPART_SLACK = 64 * 1024;
const HISTORY_YEARS = 15;

class UploadTooLargeError extends AppError {
  constructor() {
    super('KPI_UPLOAD_TOO_LARGE', 413, 'upload too large');
  }
}

/** The body is not readable multipart/form-data (no boundary, cut short, malformed headers). */
class UnreadableUploadError extends AppError {
  constructor(cause: unknown) {
    super('KPI_UPLOAD_UNREADABLE', 400, `unreadable multipart body: ${(cause as Error)?.message ?? cause}`);
  }
}

/** Multipart's errors that say what the client did wrong keep their 4xx; anything else the parser threw
 * (busboy: "Unexpected end of form", "Boundary not found", …) is about the body: a 400. */
function uploadReadError(e: unknown): unknown {
  const status = (e as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return status === 406 ? new UnreadableUploadError(e) : e;
  if (e instanceof AppError) return e;
  return new UnreadableUploadError(e);
}

/** Who may upload, and for which departments: planners any (or all at once), editors their own. */
function uploadAccess(user: StaffUser): { all: boolean; departmentIds: number[] } {
  if (user.role === 'planner') return { all: true, departmentIds: [] };
  if (user.role === 'editor' && user.departmentIds.length > 0)
    return { all: false, departmentIds: user.departmentIds };
  throw new ForbiddenError(`${user.role} may not upload actuals`);
}

interface Scope {
  fy: number;
  /** null = all departments (planners). */
  dept: number | null;
  deptName: string;
}

/** The multipart parts of an upload, from after the `_csrf` field (read by the preValidation hook). */
const uploadParts = new WeakMap<FastifyRequest, AsyncIterator<Multipart>>();

const MULTIPART_LIMITS = { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, fieldSize: 1024, parts: 12 };

export async function kpiUploadRoutes(app: FastifyInstance) {
  const municipality = app.config.municipality;

  await app.register(multipart, { limits: MULTIPART_LIMITS });

  // A body announced larger than the limit is refused before any of it is read.
  app.addHook('onRequest', async (request) => {
    if (request.method !== 'POST') return;
    const length = Number(request.headers['content-length'] ?? 0);
    if (length > MAX_UPLOAD_BYTES + MULTIPART_SLACK) throw new UploadTooLargeError();
  });

  app.addHook('onReady', async () => {
    await failInterruptedImports(app.db, municipality, app.clock());
  });
  app.addHook('onClose', async () => {
    await waitForAllImports(app.db);
  });

  const years = () => {
    const now = fiscalYearOf(app.clock());
    return Array.from({ length: HISTORY_YEARS + 1 }, (_, i) => now - i);
  };

  async function departmentsFor(user: StaffUser) {
    const all = await selectDepartments(app.db.kysely, municipality);
    const access = uploadAccess(user);
    return access.all ? all : all.filter((d) => access.departmentIds.includes(d.id));
  }

  /**
   * The year and department from the query or form; when absent, the default (the previous fiscal year;
   * an editor's first department, all for planners). Strict (templates, upload): an unknown year or
   * department is a 404 and a department the user may not use a 403. Lenient (the page): anything unusable
   * falls back to the default.
   */
  async function scopeOf(
    user: StaffUser,
    raw: { fy?: unknown; dept?: unknown },
    strict: boolean,
  ): Promise<Scope & { departments: Array<{ id: number; name: string }>; canAll: boolean }> {
    const access = uploadAccess(user);
    const departments = await departmentsFor(user);
    const ys = years();
    const fyRaw = typeof raw.fy === 'string' ? raw.fy : '';
    let fy = ys[1] as number;
    if (/^\d{4}$/.test(fyRaw) && ys.includes(Number(fyRaw))) fy = Number(fyRaw);
    else if (strict && fyRaw !== '') throw new NotFoundError('bad fiscal year');
    const deptRaw = typeof raw.dept === 'string' ? raw.dept : '';
    let dept: number | null = access.all ? null : (departments[0]?.id ?? null);
    if (deptRaw === 'all') {
      if (access.all) dept = null;
      else if (strict) throw new ForbiddenError('editors upload for their own departments');
    } else if (isId(deptRaw)) {
      const id = Number(deptRaw);
      if (departments.some((d) => d.id === id)) dept = id;
      else if (strict)
        throw access.all
          ? new NotFoundError('no such department')
          : new ForbiddenError('not your department');
    } else if (strict && deptRaw !== '') throw new NotFoundError('bad department');
    const t = translator('ja');
    const deptName =
      dept === null
        ? t('kpi.upload.choose.allDepartments')
        : (departments.find((d) => d.id === dept)?.name ?? '');
    return { fy, dept, deptName, departments, canAll: access.all };
  }

  async function planOf() {
    const tree = await getCurrentPlan(app.db, municipality);
    if (!tree) throw new NotFoundError('no plan');
    return tree;
  }

  async function templateRows(scope: Scope): Promise<TemplateRow[]> {
    const tree = await planOf();
    const board = await loadKpiBoard(app.db, {
      municipalityCode: municipality,
      planId: tree.version.plan.id,
      ...(scope.dept === null ? {} : { departmentId: scope.dept }),
    });
    const titles = new Map<string, string>();
    for (const p of tree.policies) {
      titles.set(p.path, p.title);
      for (const m of p.children) titles.set(m.path, m.title);
    }
    return board.statuses.map((s) => {
      const i = s.indicator;
      const actual = s.actuals.find((a) => a.fiscalYear === scope.fy) ?? null;
      const target =
        i.direction === 'range'
          ? `${i.rangeMin ?? ''}〜${i.rangeMax ?? ''}`
          : (targetFor(i, s.targets, scope.fy)?.value ?? null);
      return {
        indicatorId: i.id,
        node: `${i.nodePath} ${titles.get(i.nodePath) ?? ''}`.trim(),
        name: i.name,
        unit: i.unit,
        target: typeof target === 'number' ? Number(target.toFixed(Math.max(0, i.decimals))) : target,
        value: actual?.value ?? null,
        status: actual?.status ?? null,
        note: actual?.note ?? '',
        fiscalYear: scope.fy,
        version: actual?.lockVersion ?? 0,
        isSample: i.isSample || (actual?.isSample ?? false),
      };
    });
  }

  async function renderUploadPage(
    request: FastifyRequest,
    reply: FastifyReply,
    user: StaffUser,
    raw: { fy?: unknown; dept?: unknown },
    errors: FieldErrors,
    status: number,
  ) {
    const scope = await scopeOf(user, raw, false);
    const rows = await templateRows(scope);
    const access = uploadAccess(user);
    const imports = await recentImports(
      app.db,
      municipality,
      scope.dept === null ? (access.all ? null : access.departmentIds) : [scope.dept],
      10,
    );
    const ctx = formPageContext(request, reply, await app.site.name());
    return sendPage(
      reply,
      <UploadPage
        ctx={ctx}
        years={years()}
        fy={scope.fy}
        departments={scope.departments}
        dept={scope.dept}
        canAll={scope.canAll}
        indicatorCount={rows.length}
        imports={imports}
        errors={errors}
        maxMb={MAX_UPLOAD_MB}
      />,
      status,
    );
  }

  // Too large: the upload page again, with the limit in words (413).
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const tooLarge = error.statusCode === 413 || error.code === 'FST_REQ_FILE_TOO_LARGE';
    const s = request.staff;
    if (!tooLarge || !s?.session.mfaPassed || request.method !== 'POST') throw error;
    uploadAccess(s.user);
    const t = translator('ja');
    const query = request.query as { fy?: unknown; dept?: unknown };
    request.log.info({ code: error.code }, 'upload too large');
    return renderUploadPage(
      request,
      reply,
      s.user,
      query,
      [{ field: 'file', message: formPageErrorText(request, 'tooLarge', t) }],
      413,
    );
  });

  function formPageErrorText(
    request: FastifyRequest,
    what: 'tooLarge' | 'noFile' | 'emptyFile',
    fallback: ReturnType<typeof translator>,
  ): string {
    const t = request.cookies?.lang === 'en' ? translator('en') : fallback;
    if (what === 'tooLarge') return t('kpi.upload.error.tooLarge', { max: MAX_UPLOAD_MB });
    if (what === 'noFile') return t('kpi.upload.error.noFile');
    return t('kpi.upload.error.emptyFile');
  }

  app.get<{ Querystring: { fy?: string; dept?: string } }>('/staff/kpi/upload', async (request, reply) => {
    const s = requireStaff(request);
    uploadAccess(s.user);
    return renderUploadPage(request, reply, s.user, request.query, [], 200);
  });

  async function template(request: FastifyRequest<{ Querystring: { fy?: string; dept?: string } }>) {
    const s = requireStaff(request);
    const scope = await scopeOf(s.user, request.query, true);
    const rows = await templateRows(scope);
    const fyLabel = formatFiscalYear(scope.fy, 'ja').replace(/（.*$/, '');
    const ascii = `kpi-actuals-${scope.fy}-${scope.dept === null ? 'all' : `dept${scope.dept}`}`;
    const utf8 = `実績値_${fyLabel}_${scope.deptName}`;
    return { scope, rows, ascii, utf8 };
  }

  app.get<{ Querystring: { fy?: string; dept?: string } }>(
    '/staff/kpi/template.xlsx',
    async (request, reply) => {
      const { scope, rows, ascii, utf8 } = await template(request);
      const bytes = await templateXlsx(rows, {
        fiscalYear: scope.fy,
        departmentName: scope.deptName,
        generatedAt: app.clock(),
      });
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', attachmentDisposition(`${ascii}.xlsx`, `${utf8}.xlsx`))
        .header('cache-control', 'private, no-store')
        .send(bytes);
    },
  );

  app.get<{ Querystring: { fy?: string; dept?: string } }>(
    '/staff/kpi/template.csv',
    async (request, reply) => {
      const { rows, ascii, utf8 } = await template(request);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', attachmentDisposition(`${ascii}.csv`, `${utf8}.csv`))
        .header('cache-control', 'private, no-store')
        .send(templateCsv(rows));
    },
  );

  /**
   * Before any of the body is read: who is asking (303 to sign-in, 403), then the first part, which must be
   * the CSRF token; the site-wide CSRF check (the next step, a preHandler) verifies it. A form that is not
   * multipart (urlencoded, as a bare POST) is read as the plain form it is, and gets "choose a file".
   */
  async function readUploadToken(request: FastifyRequest) {
    const s = requireStaff(request);
    uploadAccess(s.user);
    if (!request.isMultipart()) return;
    let token = '';
    try {
      const parts = request.parts({ limits: MULTIPART_LIMITS })[Symbol.asyncIterator]();
      const first = await parts.next();
      if (!first.done && first.value.type === 'field' && first.value.fieldname === '_csrf')
        token = String(first.value.value);
      uploadParts.set(request, parts);
    } catch (e) {
      throw uploadReadError(e);
    }
    request.body = { _csrf: token };
  }

  /** The rest of the upload's parts: the form's fields and the file (at most one, the first named `file`). */
  async function readUpload(
    request: FastifyRequest,
  ): Promise<{ fields: Record<string, string>; file: { fileName: string; bytes: Buffer } | null }> {
    const fields: Record<string, string> = {};
    let file: { fileName: string; bytes: Buffer } | null = null;
    const parts = uploadParts.get(request);
    if (!parts) {
      // a plain form (no file): its fields were parsed as usual
      for (const [k, v] of Object.entries((request.body ?? {}) as Record<string, unknown>))
        if (typeof v === 'string') fields[k] = v;
      return { fields, file };
    }
    try {
      for (let r = await parts.next(); !r.done; r = await parts.next()) {
        const part = r.value;
        if (part.type === 'file') {
          const bytes = await part.toBuffer();
          if (part.fieldname === 'file' && !file) file = { fileName: part.filename ?? '', bytes };
        } else if (!(part.fieldname in fields)) fields[part.fieldname] = String(part.value);
      }
    } catch (e) {
      throw uploadReadError(e);
    }
    return { fields, file };
  }

  app.post<{ Querystring: { fy?: string; dept?: string } }>(
    '/staff/kpi/upload',
    { preValidation: readUploadToken },
    async (request, reply) => {
      const s = requireStaff(request);
      uploadAccess(s.user);
      const { fields, file } = await readUpload(request);
      const raw = {
        fy: fields.fy ?? request.query.fy,
        dept: fields.dept ?? request.query.dept,
      };
      const scope = await scopeOf(s.user, raw, true);
      const t = translator('ja');
      if (!file || (file.fileName === '' && file.bytes.length === 0)) {
        return renderUploadPage(
          request,
          reply,
          s.user,
          raw,
          [{ field: 'file', message: formPageErrorText(request, 'noFile', t) }],
          400,
        );
      }
      if (file.bytes.length === 0) {
        return renderUploadPage(
          request,
          reply,
          s.user,
          raw,
          [{ field: 'file', message: formPageErrorText(request, 'emptyFile', t) }],
          400,
        );
      }
      const tree = await planOf();
      const id = await startImport(app.db, {
        scope: {
          municipalityCode: municipality,
          planId: tree.version.plan.id,
          fiscalYear: scope.fy,
          departmentId: scope.dept,
          departmentName: scope.deptName,
          user: s.user,
        },
        actor: {
          userId: s.user.id,
          label: s.user.email,
          ip: clientIp(request),
          requestId: String(request.id),
        },
        fileName: (file.fileName || 'upload').slice(0, 200),
        bytes: file.bytes,
        clock: app.clock,
        onCrash: (e) => app.log.error({ err: e }, 'kpi import crashed'),
      });
      return reply.redirect(`/staff/kpi/imports/${id}`, 303);
    },
  );

  /** The import, if the user may read it: planners, the uploader, editors of its department. */
  async function importFor(request: FastifyRequest, rawId: string): Promise<ImportRecord> {
    const s = requireStaff(request);
    const access = uploadAccess(s.user);
    if (!isId(rawId)) throw new NotFoundError('bad import id');
    const imp = await getImport(app.db, municipality, Number(rawId));
    if (!imp) throw new NotFoundError('no such import');
    const mine =
      access.all ||
      imp.userId === s.user.id ||
      (imp.departmentId !== null && access.departmentIds.includes(imp.departmentId));
    if (!mine) throw new ForbiddenError('not your department’s import');
    return imp;
  }

  app.get<{ Params: { id: string } }>('/staff/kpi/imports/:id', async (request, reply) => {
    const raw = request.params.id;
    if (raw.endsWith('.json')) return importJson(request, reply, raw.slice(0, -5));
    const imp = await importFor(request, raw);
    const ctx = formPageContext(request, reply, await app.site.name());
    reply.header('cache-control', 'private, no-store');
    return sendPage(reply, <ImportPage ctx={ctx} imp={imp} />);
  });

  async function importJson(request: FastifyRequest, reply: FastifyReply, rawId: string) {
    const imp = await importFor(request, rawId);
    const t = request.cookies?.lang === 'en' ? translator('en') : translator('ja');
    return reply
      .header('cache-control', 'private, no-store')
      .type('application/json; charset=utf-8')
      .send({
        id: imp.id,
        state: imp.state,
        stateText: t('kpi.upload.import.state', { state: stateText(t, imp.state) }),
        totalRows: imp.totalRows,
        processedRows: imp.processedRows,
        progressText: t('kpi.upload.import.progress', { processed: imp.processedRows, total: imp.totalRows }),
        appliedCount: imp.appliedCount,
        problemCount: imp.problemCount,
        finished: imp.state === 'done' || imp.state === 'failed',
      });
  }

  app.get<{ Params: { id: string } }>('/staff/kpi/imports/:id/errors.csv', async (request, reply) => {
    const imp = await importFor(request, request.params.id);
    const t = translator('ja');
    let out =
      UTF8_BOM +
      csvRecord([
        t('kpi.upload.col.sheet'),
        t('kpi.upload.col.row'),
        t('kpi.upload.col.column'),
        t('kpi.upload.col.where'),
        t('kpi.upload.col.problem'),
        t('kpi.upload.col.sentence'),
      ]);
    for (const p of imp.problems) {
      out += csvRecord([
        p.sheet ?? '',
        p.row === null ? '' : String(p.row),
        p.column ?? '',
        problemWhere(t, p),
        problemMessage(t, p),
        problemSentence(t, p),
      ]);
    }
    return reply
      .type('text/csv; charset=utf-8')
      .header('cache-control', 'private, no-store')
      .header(
        'content-disposition',
        attachmentDisposition(`kpi-import-${imp.id}-errors.csv`, `アップロード${imp.id}_誤りの一覧.csv`),
      )
      .send(out);
  });
}
