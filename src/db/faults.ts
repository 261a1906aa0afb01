/**
 * Which errors mean "the database cannot serve now" (down, restarting, unreachable, overloaded, locked
 * too long, cancelled by the statement timeout) rather than a fault of the request or of the code.
 * Those are answered 503 with Retry-After: the person may try again in a moment, and nothing they
 * sent was saved (web/error-handler.tsx; the public-comment submission says so in words).
 */

/** SQLSTATE classes and codes of PostgreSQL that are about availability. */
const PG_UNAVAILABLE_CLASSES = ['08', '53', '57P'];
const PG_UNAVAILABLE_CODES = new Set(['57014' /* statement timeout */, '55P03' /* lock not available */]);

/** SQLite result codes (better-sqlite3 `code`) that are about availability. */
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|PROTOCOL|NOLFS|READONLY)/;

/** Node's network errors (connection refused, reset, no route …). */
const NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** Messages of node-postgres (pg, pg-pool) that carry no code. */
const PG_CLIENT_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];

function one(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NET_CODES.has(code) || SQLITE_UNAVAILABLE.test(code) || PG_UNAVAILABLE_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && PG_UNAVAILABLE_CLASSES.some((c) => code.startsWith(c))) return true;
  }
  const message = (err as { message?: unknown }).message;
  return typeof message === 'string' && PG_CLIENT_MESSAGES.some((m) => message.includes(m));
}

/** Whether the error (or one it was caused by, or one of an AggregateError) means the database is unavailable. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    if (one(e)) return true;
    queue.push((e as { cause?: unknown }).cause);
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return false;
}

/** Seconds a client should wait before trying again after a 503 for an unavailable database. */
export const UNAVAILABLE_RETRY_AFTER_S = 30;
