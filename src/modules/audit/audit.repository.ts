import type {
  Expression,
  ExpressionBuilder,
  Insertable,
  Kysely,
  Selectable,
  SqlBool,
  Transaction,
} from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import { escapeLike } from '../../shared/text.ts';
import type { AuditLogTable } from './audit.table.ts';

/**
 * The only place with SQL for the audit log. Every function takes the Kysely instance (or a transaction)
 * first. There is deliberately no update or delete here: the log is append-only, and the database's
 * triggers (migration 0002) refuse both anyway.
 */

type Q = Kysely<Database> | Transaction<Database>;

export type AuditLogRow = Selectable<AuditLogTable>;
export type NewAuditLogRow = Omit<Insertable<AuditLogTable>, 'id'>;

/** Where a page starts: the (at, id) of the last row of the previous page (rows are newest first). */
export interface AuditCursor {
  at: string;
  id: number;
}

/**
 * Filters of the audit log. Every one but the municipality is optional; they combine with AND.
 * Timestamps are ISO 8601 instants (any offset; they are normalised to UTC before comparing).
 */
export interface AuditLogFilters {
  municipalityCode: string;
  actorUserId?: number | undefined;
  /** Substring of the actor's label (their e-mail at the time), case-insensitive for ASCII. */
  actorLabel?: string | undefined;
  /** Exact action (`user.create`), or a prefix when it ends with a dot (`user.` matches `user.create`). */
  action?: string | undefined;
  resourceType?: string | undefined;
  resourceId?: string | undefined;
  /** Inclusive lower bound of `at`. */
  from?: string | undefined;
  /** Exclusive upper bound of `at`. */
  to?: string | undefined;
  /** Substring of the actor's label, the action or the resource id (case-insensitive for ASCII). */
  q?: string | undefined;
}

export interface AuditPageRequest {
  /** Rows per page, clamped to 1…{@link MAX_AUDIT_PAGE_SIZE}. */
  limit: number;
  /** Continue after this row (keyset pagination); the first page without it. */
  after?: AuditCursor | undefined;
}

export const MAX_AUDIT_PAGE_SIZE = 200;
export const AUDIT_EXPORT_BATCH_SIZE = 1000;

/**
 * The canonical form of a timestamp in the audit log: `toISOString()` (UTC, milliseconds, `Z`). SQLite
 * stores `at` as text and compares it as text, so every value written or compared must have this one
 * shape for the order to be the order in time. Throws on an unparseable value rather than storing it.
 */
export function canonicalInstant(value: string | Date): string {
  const d = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a timestamp: ${String(value)}`);
  return d.toISOString();
}

/** Appends one row; returns its id. Call it with the transaction of the write it records. */
export async function insertAuditEntry(db: Q, row: NewAuditLogRow): Promise<number> {
  const r = await db
    .insertInto('audit_log')
    .values({ ...row, at: canonicalInstant(row.at) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

function applyFilters(eb: ExpressionBuilder<Database, 'audit_log'>, f: AuditLogFilters) {
  const conds: Expression<SqlBool>[] = [eb('municipality_code', '=', f.municipalityCode)];
  if (f.actorUserId !== undefined) conds.push(eb('actor_user_id', '=', f.actorUserId));
  if (f.actorLabel !== undefined && f.actorLabel !== '') {
    conds.push(
      sql<boolean>`lower(actor_label) like ${`%${escapeLike(f.actorLabel.toLowerCase())}%`} escape '\\'`,
    );
  }
  if (f.action !== undefined) {
    conds.push(
      f.action.endsWith('.')
        ? sql<boolean>`action like ${`${escapeLike(f.action)}%`} escape '\\'`
        : eb('action', '=', f.action),
    );
  }
  if (f.resourceType !== undefined) conds.push(eb('resource_type', '=', f.resourceType));
  if (f.resourceId !== undefined) conds.push(eb('resource_id', '=', f.resourceId));
  if (f.from !== undefined) conds.push(eb('at', '>=', canonicalInstant(f.from)));
  if (f.to !== undefined) conds.push(eb('at', '<', canonicalInstant(f.to)));
  if (f.q !== undefined && f.q !== '') {
    // lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
    const pattern = `%${escapeLike(f.q.toLowerCase())}%`;
    conds.push(
      eb.or(
        (['actor_label', 'action', 'resource_id'] as const).map(
          (col) => sql<boolean>`lower(${sql.ref(col)}) like ${pattern} escape '\\'`,
        ),
      ),
    );
  }
  return eb.and(conds);
}

/** Rows strictly after the cursor in the order (at desc, id desc). */
function afterCursor(eb: ExpressionBuilder<Database, 'audit_log'>, c: AuditCursor) {
  const at = canonicalInstant(c.at);
  return eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', c.id)])]);
}

function clampLimit(limit: number, max: number): number {
  if (!Number.isFinite(limit)) return max;
  return Math.min(Math.max(1, Math.trunc(limit)), max);
}

/**
 * One page of the log, newest first (at desc, id desc), with the number of rows matching the filters
 * (regardless of the page) and the cursor of the next page (null on the last page).
 */
export async function listAuditEntries(
  db: Q,
  filters: AuditLogFilters,
  page: AuditPageRequest,
): Promise<{ rows: AuditLogRow[]; total: number; next: AuditCursor | null }> {
  const limit = clampLimit(page.limit, MAX_AUDIT_PAGE_SIZE);
  let q = db
    .selectFrom('audit_log')
    .selectAll()
    .where((eb) => applyFilters(eb, filters));
  if (page.after) {
    const after = page.after;
    q = q.where((eb) => afterCursor(eb, after));
  }
  const fetched = await q
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const counted = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) => applyFilters(eb, filters))
    .executeTakeFirstOrThrow();
  const rows = fetched.slice(0, limit);
  const last = rows[rows.length - 1];
  const next = fetched.length > limit && last ? { at: last.at, id: last.id } : null;
  return { rows, total: Number(counted.n), next };
}

/**
 * Every row matching the filters, newest first like {@link listAuditEntries}, as batches of at most
 * `batchSize` rows: one query per batch, continuing from the (at, id) of the previous batch's last row,
 * so an export of any size never holds more than one batch and never keeps a cursor open between
 * batches. Rows written during the iteration are newer than its start and are not included.
 */
export async function* iterateAuditEntries(
  db: Q,
  filters: AuditLogFilters,
  batchSize: number = AUDIT_EXPORT_BATCH_SIZE,
): AsyncGenerator<AuditLogRow[], void, undefined> {
  const size = clampLimit(batchSize, AUDIT_EXPORT_BATCH_SIZE);
  let after: AuditCursor | undefined;
  for (;;) {
    let q = db
      .selectFrom('audit_log')
      .selectAll()
      .where((eb) => applyFilters(eb, filters));
    if (after) {
      const c = after;
      q = q.where((eb) => afterCursor(eb, c));
    }
    const rows = await q.orderBy('at', 'desc').orderBy('id', 'desc').limit(size).execute();
    if (rows.length > 0) yield rows;
    const last = rows[rows.length - 1];
    if (rows.length < size || !last) return;
    after = { at: last.at, id: last.id };
  }
}
