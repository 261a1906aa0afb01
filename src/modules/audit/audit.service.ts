import type { Transaction } from 'kysely';
import type { Database, Db } from '../../db/database.ts';
import { MAX_ID } from '../../shared/ids.ts';
import { auditCsvChunks } from './audit.csv.ts';
import type { AuditCursor, AuditLogFilters, AuditLogRow } from './audit.repository.ts';
import * as repo from './audit.repository.ts';

export type { AuditCursor, AuditLogFilters } from './audit.repository.ts';

/** Who did it, from where, in which request: taken from the session and the request by the route. */
export type AuditActor = { userId: number | null; label: string; ip: string; requestId: string };

/** A JSON value as stored in before_json / after_json. */
export type AuditJson = null | boolean | number | string | AuditJson[] | { [key: string]: AuditJson };

/** One staff write to record. */
export interface AuditEvent {
  municipalityCode: string;
  actor: AuditActor;
  /** Dotted, resource first: user.create, department.update, measure.owners.set, session.end */
  action: string;
  resourceType: string;
  resourceId: string | number;
  /** The resource before the write; null (or undefined) for a creation. */
  before: unknown;
  /** The resource after the write; null (or undefined) for a deletion. */
  after: unknown;
  /** When; now if omitted. Stored as a UTC ISO instant. */
  at?: Date | string | undefined;
}

/** One entry of the log as shown to staff: never the raw row. */
export interface AuditEntry {
  id: number;
  /** UTC ISO instant. */
  at: string;
  actor: { userId: number | null; label: string };
  ip: string;
  requestId: string;
  action: string;
  resource: { type: string; id: string };
  before: AuditJson | null;
  after: AuditJson | null;
  /** Top-level keys whose value differs between before and after (see {@link diffKeys}). */
  changedKeys: string[];
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Entries matching the filters, across all pages. */
  total: number;
  /** Opaque cursor of the next page (for the `cursor` query parameter); null on the last page. */
  nextCursor: string | null;
}

/** What {@link listAudit} takes: the filters, plus where the page starts and its size. */
export interface AuditListQuery extends AuditLogFilters {
  cursor?: AuditCursor | undefined;
  /** Entries per page: 50 if omitted, at most 200. */
  limit?: number | undefined;
}

export const DEFAULT_AUDIT_PAGE_SIZE = 50;

/** The value that replaces a secret in before/after. */
export const REDACTED = '[redacted]';

// Compared after lower-casing and dropping _ and -, so that the camelCase of domain objects
// (passwordHash, totpSecret) is caught as well as the snake_case of rows.
const SECRET_KEYS = new Set([
  'password',
  'passwordhash',
  'totpsecret',
  'totppendingsecret',
  'codehash',
  'token',
  'tokenhash',
]);

/** True for a key whose value must never reach the audit log (password, password_hash, totp_secret, token …). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase().replace(/[_-]/g, ''));
}

function canonical(value: unknown, seen: Set<object>): AuditJson | undefined {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  const obj = value as object;
  if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') {
    return canonical((obj as { toJSON(): unknown }).toJSON(), seen);
  }
  if (seen.has(obj)) throw new TypeError('audit value contains a circular reference');
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return obj.map((v) => canonical(v, seen) ?? null);
    const out: { [key: string]: AuditJson } = {};
    for (const key of Object.keys(obj).sort()) {
      const v = (obj as Record<string, unknown>)[key];
      if (isSecretKey(key)) {
        // Absence is not a secret: null stays null, so that "set" / "cleared" still shows in a diff.
        if (v === undefined) continue;
        out[key] = v === null ? null : REDACTED;
        continue;
      }
      const c = canonical(v, seen);
      if (c !== undefined) out[key] = c;
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}

/**
 * The JSON stored in before_json / after_json: object keys sorted at every depth (the same value always
 * gives the same text, so that rows can be compared and diffed), secrets replaced by {@link REDACTED} at
 * any depth (a null secret stays null), Dates as ISO strings, bigints as strings, undefined members
 * dropped. null or undefined gives null (no state: before a creation, after a deletion).
 */
export function serialiseAuditValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const c = canonical(value, new Set());
  return c === undefined ? null : JSON.stringify(c);
}

/**
 * Appends one entry to the audit log. Takes the transaction of the write it records (a plain Kysely
 * instance does not type-check), so that the entry commits or rolls back with the write: a committed
 * write always has its entry and a rolled-back one leaves none. Returns the entry's id.
 */
export async function recordAudit(trx: Transaction<Database>, event: AuditEvent): Promise<number> {
  if (event.action.trim() === '') throw new TypeError('audit action is empty');
  return repo.insertAuditEntry(trx, {
    municipality_code: event.municipalityCode,
    at: repo.canonicalInstant(event.at ?? new Date()),
    actor_user_id: event.actor.userId,
    actor_label: event.actor.label,
    ip: event.actor.ip,
    request_id: event.actor.requestId,
    action: event.action,
    resource_type: event.resourceType,
    resource_id: String(event.resourceId),
    before_json: serialiseAuditValue(event.before),
    after_json: serialiseAuditValue(event.after),
  });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The top-level keys whose value differs between before and after, sorted; compared by canonical JSON,
 * so key order inside nested objects does not count. A missing side (creation, deletion) or a value that
 * is not an object counts as {}: a creation lists every key of `after`. Secrets are compared as stored:
 * a password changed from one hash to another is "[redacted]" on both sides and is not listed (the
 * action, e.g. user.password.reset, says it), while one set for the first time is.
 */
export function diffKeys(before: unknown, after: unknown): string[] {
  const b = isPlainObject(before) ? before : {};
  const a = isPlainObject(after) ? after : {};
  const keys = new Set([...Object.keys(b), ...Object.keys(a)]);
  const changed: string[] = [];
  for (const k of keys) {
    const bv = Object.hasOwn(b, k) ? JSON.stringify(canonical(b[k], new Set()) ?? null) : undefined;
    const av = Object.hasOwn(a, k) ? JSON.stringify(canonical(a[k], new Set()) ?? null) : undefined;
    if (bv !== av) changed.push(k);
  }
  return changed.sort();
}

function parseJson(text: string | null): AuditJson | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as AuditJson;
  } catch {
    // Written by serialiseAuditValue, so always JSON; a row edited by hand is shown as its text.
    return text;
  }
}

/** The domain form of a row. */
export function toAuditEntry(row: AuditLogRow): AuditEntry {
  const before = parseJson(row.before_json);
  const after = parseJson(row.after_json);
  return {
    id: row.id,
    at: row.at,
    actor: { userId: row.actor_user_id, label: row.actor_label },
    ip: row.ip,
    requestId: row.request_id,
    action: row.action,
    resource: { type: row.resource_type, id: row.resource_id },
    before,
    after,
    changedKeys: diffKeys(before, after),
  };
}

/** The opaque `cursor` query parameter of a page: base64url of `<at>|<id>`. */
export function encodeAuditCursor(c: AuditCursor): string {
  return Buffer.from(`${c.at}|${c.id}`, 'utf8').toString('base64url');
}

/** The cursor a `cursor` query parameter stands for; null if it is not one {@link encodeAuditCursor} made. */
export function decodeAuditCursor(s: string): AuditCursor | null {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(s)) return null;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|([1-9]\d{0,9})$/.exec(
    Buffer.from(s, 'base64url').toString('utf8'),
  );
  if (!m) return null;
  const at = m[1]!;
  const id = Number(m[2]);
  if (Number.isNaN(Date.parse(at)) || id > MAX_ID) return null;
  return { at, id };
}

function filtersOf(q: AuditLogFilters): AuditLogFilters {
  return {
    municipalityCode: q.municipalityCode,
    actorUserId: q.actorUserId,
    actorLabel: q.actorLabel,
    action: q.action,
    resourceType: q.resourceType,
    resourceId: q.resourceId,
    from: q.from,
    to: q.to,
    q: q.q,
  };
}

/** One page of the municipality's log, newest first, with the total and the next page's cursor. */
export async function listAudit(db: Db, query: AuditListQuery): Promise<AuditPage> {
  const r = await repo.listAuditEntries(db.kysely, filtersOf(query), {
    limit: query.limit ?? DEFAULT_AUDIT_PAGE_SIZE,
    after: query.cursor,
  });
  return {
    entries: r.rows.map(toAuditEntry),
    total: r.total,
    nextCursor: r.next ? encodeAuditCursor(r.next) : null,
  };
}

/**
 * Every entry matching the filters, newest first, in batches of at most 1,000 (one query each): for the
 * CSV export, which never holds more than one batch in memory.
 */
export async function* iterateAudit(
  db: Db,
  filters: AuditLogFilters,
  batchSize: number = repo.AUDIT_EXPORT_BATCH_SIZE,
): AsyncGenerator<AuditEntry[], void, undefined> {
  for await (const rows of repo.iterateAuditEntries(db.kysely, filtersOf(filters), batchSize)) {
    yield rows.map(toAuditEntry);
  }
}

/**
 * The CSV export of every entry matching the filters (see audit.csv.ts), as string chunks read batch by
 * batch from the database: `reply.type('text/csv; charset=utf-8').send(Readable.from(streamAuditCsv(…)))`.
 */
export function streamAuditCsv(db: Db, filters: AuditLogFilters): AsyncGenerator<string, void, undefined> {
  return auditCsvChunks(iterateAudit(db, filters));
}

/** An export of the log to start: who asks, for which municipality, with which filters, when. */
export interface AuditExportRequest {
  municipalityCode: string;
  actor: AuditActor;
  /** The filters of the export (cursor and page size have no meaning here). */
  filters: Omit<AuditLogFilters, 'municipalityCode'>;
  at: Date;
}

/** The action recorded for an export of the log. */
export const AUDIT_EXPORT_ACTION = 'audit.export';

/**
 * Starts a CSV export: first records it (action {@link AUDIT_EXPORT_ACTION}, the filters as `after`) in a
 * transaction of its own, committed before a byte is sent, so that an export cut off half-way (or read
 * by a client that goes away) is on record all the same; then returns the CSV as chunks
 * ({@link streamAuditCsv}). The export holds the entries before its own instant: `to` is capped there, so
 * the file is a snapshot of the log as it stood when it was asked for, without its own entry.
 */
export async function startAuditExport(
  db: Db,
  request: AuditExportRequest,
): Promise<AsyncGenerator<string, void, undefined>> {
  const at = repo.canonicalInstant(request.at);
  const { municipalityCode } = request;
  await db.kysely.transaction().execute((trx) =>
    recordAudit(trx, {
      municipalityCode,
      actor: request.actor,
      action: AUDIT_EXPORT_ACTION,
      resourceType: 'audit',
      resourceId: municipalityCode,
      before: null,
      after: request.filters,
      at,
    }),
  );
  const to =
    request.filters.to !== undefined && repo.canonicalInstant(request.filters.to) < at
      ? request.filters.to
      : at;
  return streamAuditCsv(db, { ...request.filters, municipalityCode, to });
}
