import type { Db } from '../../db/database.ts';
import { can } from '../accounts/accounts.policy.ts';
import type { StaffUser } from '../accounts/accounts.types.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import * as repo from './import.repository.ts';
import * as kpiRepo from './kpi.repository.ts';
import { writeActualsBatch } from './kpi.service.ts';
import type { Actual, ActualStatus, Indicator } from './kpi.types.ts';
import {
  type CellValue,
  type ColumnKey,
  type ImportProblem,
  type ParsedSheet,
  parseNumberText,
  parseSpreadsheet,
  sniff,
  statusOf,
  TEMPLATE_COLUMNS,
} from './spreadsheet.ts';

/**
 * Uploads of actuals (実績値): a kpi_imports row per file, processed in the background of the same process
 * (queued → validating → applying → done | failed). The whole file is checked before anything is written;
 * any problem and nothing is written. Otherwise every changed value goes through writeActual (via
 * 'upload', with the import's id and the version read from the file) in ONE transaction, with one audit
 * entry; a conflict found while writing rolls everything back.
 *
 * Progress: processed_rows counts rows checked (validating) then rows written (applying), in steps of
 * {@link PROGRESS_STEP}. While a job runs, this process keeps its live record in memory (read first by
 * {@link getImport}): on SQLite the one connection is held by the apply transaction, so the live record is
 * what a progress request can see without waiting for the transaction.
 */

export const PROGRESS_STEP = 250;
export const MAX_NOTE_LENGTH = 500;
/** At most this many problems are kept (the count of all is kept too). */
export const MAX_PROBLEMS = 1000;

export type ImportState = 'queued' | 'validating' | 'applying' | 'done' | 'failed';

export function isRunning(state: ImportState): boolean {
  return state === 'queued' || state === 'validating' || state === 'applying';
}

/** An import as pages show it. */
export interface ImportRecord {
  id: number;
  userId: number | null;
  departmentId: number | null;
  fileName: string;
  /** The fiscal year the file was checked against (null for imports made before it was kept). */
  fiscalYear: number | null;
  format: 'xlsx' | 'csv';
  state: ImportState;
  totalRows: number;
  processedRows: number;
  appliedCount: number;
  problems: ImportProblem[];
  /** How many problems there were (more than are kept when over MAX_PROBLEMS). */
  problemCount: number;
  createdAt: string;
  finishedAt: string | null;
}

/** What an upload is checked against: the year and department chosen on the page, and who uploads. */
export interface ImportScope {
  municipalityCode: string;
  planId: number;
  fiscalYear: number;
  /** The chosen department; null = every department (planners only). */
  departmentId: number | null;
  departmentName: string;
  user: StaffUser;
}

/** One row that passed every check. */
export interface ValidRow {
  row: number;
  indicatorId: number;
  fiscalYear: number;
  value: number;
  status: ActualStatus;
  note: string;
  /** null = the file saw no value (version 0). */
  expectedVersion: number | null;
  /** Differs from the current value (unchanged rows are not written and add no history). */
  changed: boolean;
}

function problemsJson(problems: ImportProblem[], count: number): string {
  return JSON.stringify({ count, problems: problems.slice(0, MAX_PROBLEMS) });
}

function parseProblems(json: string): { problems: ImportProblem[]; count: number } {
  try {
    const v = JSON.parse(json) as unknown;
    if (Array.isArray(v)) return { problems: v as ImportProblem[], count: v.length };
    if (v && typeof v === 'object' && Array.isArray((v as { problems?: unknown }).problems)) {
      const o = v as { problems: ImportProblem[]; count?: number };
      return { problems: o.problems, count: Number(o.count ?? o.problems.length) };
    }
  } catch {
    // fall through
  }
  return { problems: [], count: 0 };
}

function toRecord(r: repo.ImportRow): ImportRecord {
  const p = parseProblems(r.errors);
  return {
    id: Number(r.id),
    userId: r.user_id === null ? null : Number(r.user_id),
    departmentId: r.department_id === null ? null : Number(r.department_id),
    fileName: r.file_name,
    fiscalYear: r.fiscal_year === null ? null : Number(r.fiscal_year),
    format: r.format === 'xlsx' ? 'xlsx' : 'csv',
    state: r.state as ImportState,
    totalRows: Number(r.total_rows),
    processedRows: Number(r.processed_rows),
    appliedCount: Number(r.applied_count),
    problems: p.problems,
    problemCount: p.count,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}

// ---- checking the whole file -------------------------------------------------------------------------

const HEADER: Record<ColumnKey, string> = Object.fromEntries(
  TEMPLATE_COLUMNS.map((c) => [c.key, c.header]),
) as Record<ColumnKey, string>;

function text(v: CellValue | undefined): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'number' ? String(v) : v.trim();
}

/** An integer cell (full-width digits accepted); null if it is not one. */
function integerOf(v: CellValue | undefined): number | null {
  if (typeof v === 'number') return Number.isInteger(v) ? v : null;
  const n = parseNumberText(text(v));
  return n !== null && Number.isInteger(n) ? n : null;
}

/** Shown in a message: the cell as written, shortened. */
function shown(v: CellValue | undefined): string {
  const s = text(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

async function indicatorsById(db: Db, scope: ImportScope, ids: number[]): Promise<Map<number, Indicator>> {
  const out = new Map<number, Indicator>();
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    const list = await kpiRepo.selectIndicators(db.kysely, {
      municipalityCode: scope.municipalityCode,
      planId: scope.planId,
      ids: chunk,
    });
    for (const ind of list) out.set(ind.id, ind);
  }
  return out;
}

async function actualsOfYear(db: Db, scope: ImportScope, ids: number[]): Promise<Map<number, Actual>> {
  const out = new Map<number, Actual>();
  for (let i = 0; i < ids.length; i += 1000) {
    const map = await kpiRepo.selectActuals(db.kysely, scope.municipalityCode, ids.slice(i, i + 1000));
    for (const [id, list] of map) {
      const a = list.find((x) => x.fiscalYear === scope.fiscalYear);
      if (a) out.set(id, a);
    }
  }
  return out;
}

/**
 * Checks every row of the file against the indicators, the chosen year and department, the user's rights
 * and the current values. Returns the rows to write and every problem found (sheet, row, column).
 */
export async function validateSheet(
  db: Db,
  sheet: ParsedSheet,
  scope: ImportScope,
  onProgress?: (processed: number) => void | Promise<void>,
): Promise<{ rows: ValidRow[]; problems: ImportProblem[] }> {
  const problems: ImportProblem[] = [];
  const at = (row: number, key: ColumnKey, msg: string, params?: Record<string, string | number>) =>
    problems.push({
      sheet: sheet.sheet,
      row,
      column: sheet.columns[key] ?? null,
      field: HEADER[key],
      key: msg,
      ...(params ? { params } : {}),
    });

  if (sheet.rows.length === 0) {
    problems.push({
      sheet: sheet.sheet,
      row: null,
      column: null,
      field: null,
      key: 'kpi.upload.error.noRows',
    });
    return { rows: [], problems };
  }

  const ids = [
    ...new Set(sheet.rows.map((r) => integerOf(r.cells.id)).filter((n): n is number => n !== null && n > 0)),
  ];
  const indicators = await indicatorsById(db, scope, ids);
  const actuals = await actualsOfYear(db, scope, [...indicators.keys()]);

  const seen = new Map<number, number>();
  const rows: ValidRow[] = [];
  let processed = 0;
  for (const r of sheet.rows) {
    processed++;
    if (processed % PROGRESS_STEP === 0) {
      if (onProgress) await onProgress(processed);
      await yieldToEventLoop();
    }
    const before = problems.length;
    const c = r.cells;

    // which indicator
    const idText = text(c.id);
    const id = integerOf(c.id);
    let indicator: Indicator | undefined;
    if (idText === '') at(r.row, 'id', 'kpi.upload.error.idMissing');
    else if (id === null || id <= 0) at(r.row, 'id', 'kpi.upload.error.idNotInteger', { value: shown(c.id) });
    else {
      indicator = indicators.get(id);
      if (!indicator) at(r.row, 'id', 'kpi.upload.error.unknownIndicator', { id });
      else if (scope.departmentId !== null && indicator.effectiveDepartmentId !== scope.departmentId)
        at(r.row, 'id', 'kpi.upload.error.otherDepartment', { id, department: scope.departmentName });
      else if (!can(scope.user, 'edit', { type: 'indicator', departmentId: indicator.effectiveDepartmentId }))
        at(r.row, 'id', 'kpi.upload.error.notEditable', { id });
    }

    // which year
    const fyText = text(c.fy);
    const fy = integerOf(c.fy);
    if (fyText === '') at(r.row, 'fy', 'kpi.upload.error.fyMissing');
    else if (fy === null) at(r.row, 'fy', 'kpi.upload.error.fyNotInteger', { value: shown(c.fy) });
    else if (fy !== scope.fiscalYear)
      at(r.row, 'fy', 'kpi.upload.error.fyMismatch', { value: fy, expected: scope.fiscalYear });

    // the same indicator and year twice
    if (id !== null && fy !== null) {
      const first = seen.get(id);
      if (first !== undefined) at(r.row, 'id', 'kpi.upload.error.duplicateRow', { first, id });
      else seen.set(id, r.row);
    }

    // an empty value changes nothing
    const valueText = text(c.value);
    if (valueText === '') continue;
    const value = typeof c.value === 'number' ? c.value : parseNumberText(valueText);
    if (value === null || !Number.isFinite(value))
      at(r.row, 'value', 'kpi.upload.error.notNumber', { value: shown(c.value) });

    const statusText = text(c.status);
    const status = statusOf(statusText);
    if (statusText === '') at(r.row, 'status', 'kpi.upload.error.statusMissing');
    else if (!status) at(r.row, 'status', 'kpi.upload.error.statusInvalid', { value: shown(c.status) });

    const note = text(c.note);
    if (note.length > MAX_NOTE_LENGTH)
      at(r.row, 'note', 'kpi.upload.error.noteTooLong', { max: MAX_NOTE_LENGTH });

    const versionText = text(c.version);
    const version = integerOf(c.version);
    if (versionText === '' || version === null || version < 0)
      at(r.row, 'version', 'kpi.upload.error.versionInvalid', { value: shown(c.version) });

    if (problems.length > before || !indicator || value === null || !status || version === null) continue;
    const current = actuals.get(indicator.id) ?? null;
    const changed =
      !current ||
      current.value !== value ||
      current.status !== status ||
      current.note !== note ||
      current.isSample;
    if (changed && (current?.lockVersion ?? 0) !== version) {
      at(r.row, 'version', 'kpi.upload.error.conflict', {
        current: current ? String(current.value) : '—',
        by: current ? current.enteredByName : '—',
        version,
        currentVersion: current?.lockVersion ?? 0,
      });
      continue;
    }
    rows.push({
      row: r.row,
      indicatorId: indicator.id,
      fiscalYear: scope.fiscalYear,
      value,
      status,
      note,
      expectedVersion: version === 0 ? null : version,
      changed,
    });
  }
  if (onProgress) await onProgress(processed);
  return { rows, problems };
}

// ---- writing -------------------------------------------------------------------------------------------

/** Lets timers and I/O run between steps (better-sqlite3 answers synchronously: without this, a whole
 * import would run in one turn of the event loop and no progress request would be answered meanwhile). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

class ApplyConflict extends Error {
  constructor(readonly problem: ImportProblem) {
    super('conflict while applying an upload');
  }
}

export interface ApplyResult {
  applied: number;
  unchanged: number;
}

/**
 * Writes the checked rows in one transaction and marks the import done in the same transaction; a conflict
 * (someone changed a value since the check) rolls everything back and is returned as a problem.
 */
export async function applyRows(
  db: Db,
  importId: number,
  rows: readonly ValidRow[],
  scope: ImportScope,
  meta: { fileName: string; sheet: string | null; versionColumn: string | null; totalRows: number },
  actor: AuditActor,
  at: Date,
  onProgress?: (processed: number) => void,
): Promise<{ ok: true; result: ApplyResult } | { ok: false; problem: ImportProblem }> {
  try {
    const result = await db.kysely.transaction().execute(async (trx) => {
      let applied = 0;
      const changed = rows.filter((r) => r.changed);
      // In steps of PROGRESS_STEP rows: the live progress moves, and the event loop gets a turn between steps.
      for (let start = 0; start < changed.length; start += PROGRESS_STEP) {
        const step = changed.slice(start, start + PROGRESS_STEP);
        const w = await writeActualsBatch(
          trx,
          step.map((r) => ({
            municipalityCode: scope.municipalityCode,
            indicatorId: r.indicatorId,
            fiscalYear: r.fiscalYear,
            value: r.value,
            status: r.status,
            note: r.note,
            expectedVersion: r.expectedVersion,
            actor: { userId: scope.user.id, name: scope.user.displayName },
            via: 'upload' as const,
            importId,
            at,
          })),
        );
        if (!w.ok) {
          const r = step[w.index] as ValidRow;
          throw new ApplyConflict({
            sheet: meta.sheet,
            row: r.row,
            column: meta.versionColumn,
            field: '版',
            key: 'kpi.upload.error.conflict',
            params: {
              current: w.current ? String(w.current.value) : '—',
              by: w.current ? w.current.enteredByName : '—',
              version: r.expectedVersion ?? 0,
              currentVersion: w.current?.lockVersion ?? 0,
            },
          });
        }
        applied += w.changed;
        onProgress?.(Math.min(start + step.length, changed.length));
        await yieldToEventLoop();
      }
      const unchanged = rows.length - applied;
      await recordAudit(trx, {
        municipalityCode: scope.municipalityCode,
        actor,
        action: 'indicator.actuals.upload',
        resourceType: 'kpi_import',
        resourceId: importId,
        before: null,
        after: {
          fileName: meta.fileName,
          fiscalYear: scope.fiscalYear,
          departmentId: scope.departmentId,
          rows: meta.totalRows,
          applied,
          unchanged,
        },
        at,
      });
      await repo.updateImport(trx, importId, {
        state: 'done',
        total_rows: meta.totalRows,
        processed_rows: meta.totalRows,
        applied_count: applied,
        errors: problemsJson([], 0),
        finished_at: at.toISOString(),
      });
      return { applied, unchanged };
    });
    return { ok: true, result };
  } catch (e) {
    if (e instanceof ApplyConflict) return { ok: false, problem: e.problem };
    throw e;
  }
}

// ---- jobs ----------------------------------------------------------------------------------------------

interface LiveImport {
  record: ImportRecord;
  municipalityCode: string;
  done: Promise<void>;
}

/** Jobs running in this process, per database (tests run several apps in one process). */
const live = new WeakMap<Db, Map<number, LiveImport>>();

function jobsOf(db: Db): Map<number, LiveImport> {
  let m = live.get(db);
  if (!m) {
    m = new Map();
    live.set(db, m);
  }
  return m;
}

export interface StartImport {
  scope: ImportScope;
  actor: AuditActor;
  fileName: string;
  bytes: Uint8Array;
  clock: () => Date;
  /** Called with a copy of the record at each step (the benchmark prints them). */
  onProgress?: (r: ImportRecord) => void;
  /** Called when processing throws unexpectedly (logging). */
  onCrash?: (e: unknown) => void;
}

/** Creates the import (queued) and processes it in the background; returns its id at once. */
export async function startImport(db: Db, input: StartImport): Promise<number> {
  const { scope } = input;
  const createdAt = input.clock().toISOString();
  const format = sniff(input.bytes) === 'zip' ? 'xlsx' : 'csv';
  const id = await repo.insertImport(db.kysely, {
    municipality_code: scope.municipalityCode,
    user_id: scope.user.id,
    department_id: scope.departmentId,
    file_name: input.fileName,
    fiscal_year: scope.fiscalYear,
    format,
    created_at: createdAt,
  });
  const record: ImportRecord = {
    id,
    userId: scope.user.id,
    departmentId: scope.departmentId,
    fileName: input.fileName,
    fiscalYear: scope.fiscalYear,
    format,
    state: 'queued',
    totalRows: 0,
    processedRows: 0,
    appliedCount: 0,
    problems: [],
    problemCount: 0,
    createdAt,
    finishedAt: null,
  };
  const jobs = jobsOf(db);
  const job: LiveImport = { record, municipalityCode: scope.municipalityCode, done: Promise.resolve() };
  jobs.set(id, job);
  job.done = new Promise<void>((resolve) => setImmediate(resolve))
    .then(() => processImport(db, record, input))
    .catch(async (e) => {
      input.onCrash?.(e);
      const finishedAt = input.clock().toISOString();
      Object.assign(record, {
        state: 'failed',
        problems: [{ sheet: null, row: null, column: null, field: null, key: 'kpi.upload.error.internal' }],
        problemCount: 1,
        finishedAt,
      });
      try {
        await repo.updateImport(db.kysely, id, {
          state: 'failed',
          errors: problemsJson(record.problems, 1),
          finished_at: finishedAt,
        });
      } catch {
        // the database is gone: nothing more to do
      }
    })
    .finally(() => {
      jobs.delete(id);
    });
  return id;
}

async function processImport(db: Db, record: ImportRecord, input: StartImport): Promise<void> {
  const { scope } = input;
  const progress = () => input.onProgress?.({ ...record, problems: [...record.problems] });
  const fail = async (problems: ImportProblem[]) => {
    const finishedAt = input.clock().toISOString();
    Object.assign(record, {
      state: 'failed',
      problems: problems.slice(0, MAX_PROBLEMS),
      problemCount: problems.length,
      finishedAt,
    });
    await repo.updateImport(db.kysely, record.id, {
      state: 'failed',
      total_rows: record.totalRows,
      processed_rows: record.processedRows,
      errors: problemsJson(problems, problems.length),
      finished_at: finishedAt,
    });
    progress();
  };

  record.state = 'validating';
  await repo.updateImport(db.kysely, record.id, { state: 'validating' });
  progress();
  const parsed = await parseSpreadsheet(input.bytes, input.fileName);
  if (!parsed.ok) return fail(parsed.problems);
  record.totalRows = parsed.sheet.rows.length;
  await repo.updateImport(db.kysely, record.id, { total_rows: record.totalRows });

  const checked = await validateSheet(db, parsed.sheet, scope, async (n) => {
    record.processedRows = n;
    await repo.updateImport(db.kysely, record.id, { processed_rows: n });
    progress();
  });
  if (checked.problems.length > 0) return fail(checked.problems);

  record.state = 'applying';
  record.processedRows = 0;
  await repo.updateImport(db.kysely, record.id, { state: 'applying', processed_rows: 0 });
  progress();
  const applied = await applyRows(
    db,
    record.id,
    checked.rows,
    scope,
    {
      fileName: input.fileName,
      sheet: parsed.sheet.sheet,
      versionColumn: parsed.sheet.columns.version ?? null,
      totalRows: record.totalRows,
    },
    input.actor,
    input.clock(),
    (n) => {
      // inside the transaction: the live record only (see the module's comment)
      const changed = checked.rows.filter((r) => r.changed).length;
      record.processedRows = Math.round((n / Math.max(1, changed)) * record.totalRows);
      progress();
    },
  );
  if (!applied.ok) return fail([applied.problem]);
  Object.assign(record, {
    state: 'done',
    processedRows: record.totalRows,
    appliedCount: applied.result.applied,
    finishedAt: input.clock().toISOString(),
  });
  progress();
}

/** Resolves when the import (if running in this process) has finished. */
export async function waitForImport(db: Db, id: number): Promise<void> {
  await jobsOf(db).get(id)?.done;
}

/** Resolves when every import running in this process on this database has finished. */
export async function waitForAllImports(db: Db): Promise<void> {
  await Promise.all([...jobsOf(db).values()].map((j) => j.done));
}

/** The import: the live record while this process runs it, else the stored row. */
export async function getImport(db: Db, municipalityCode: string, id: number): Promise<ImportRecord | null> {
  const job = jobsOf(db).get(id);
  if (job && job.municipalityCode === municipalityCode) return { ...job.record };
  const row = await repo.selectImport(db.kysely, municipalityCode, id);
  return row ? toRecord(row) : null;
}

export async function recentImports(
  db: Db,
  municipalityCode: string,
  departmentIds: readonly number[] | null,
  limit = 10,
): Promise<ImportRecord[]> {
  const rows = await repo.selectRecentImports(db.kysely, municipalityCode, departmentIds, limit);
  const jobs = jobsOf(db);
  return rows.map((r) => {
    const j = jobs.get(Number(r.id));
    return j ? { ...j.record } : toRecord(r);
  });
}

/**
 * Imports left queued, validating or applying by a process that was stopped (the work was in memory and
 * is lost; the apply transaction rolled back): failed, with a message to upload again. Run at start-up.
 */
export async function failInterruptedImports(db: Db, municipalityCode: string, at: Date): Promise<number> {
  const problems: ImportProblem[] = [
    { sheet: null, row: null, column: null, field: null, key: 'kpi.upload.error.interrupted' },
  ];
  return repo.failRunningImports(db.kysely, municipalityCode, problemsJson(problems, 1), at.toISOString(), [
    ...jobsOf(db).keys(),
  ]);
}

export { parseProblems };
