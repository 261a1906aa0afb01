import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type LogEvent, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database, Db, Dialect } from './database.ts';

export interface OpenOptions {
  /** Called for every executed query (used by tests that count queries). */
  onQuery?: (event: LogEvent) => void;
  /** Pool size on PostgreSQL. */
  poolSize?: number;
  /**
   * PostgreSQL: the longest a statement may run (ms) before the server cancels it, and (2 s later) before
   * the client gives up on a server that does not answer at all. 0 or absent: no limit (migrations and
   * commands); the web server passes config.dbStatementTimeoutMs.
   */
  statementTimeoutMs?: number;
}

/**
 * PostgreSQL: how long to wait for a connection (a new one, or a free one of the pool) before the
 * request fails with "database unavailable" (503) instead of waiting for ever.
 */
export const PG_CONNECT_TIMEOUT_MS = 2_000;
/** PostgreSQL: idle connections are closed after this long (and replaced when needed). */
export const PG_IDLE_TIMEOUT_MS = 30_000;
/** PostgreSQL: a transaction left idle this long is ended by the server, releasing its locks. */
export const PG_IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

/** Which dialect a DATABASE_URL means: postgres://… or postgresql://… is PostgreSQL, anything else an SQLite file. */
export function dialectOf(url: string): Dialect {
  return /^postgres(ql)?:\/\//i.test(url) ? 'postgres' : 'sqlite';
}

/** The file an SQLite DATABASE_URL names (a path, or sqlite:/file: followed by one). */
export function sqliteFile(url: string): string {
  return url.replace(/^sqlite:(\/\/)?/i, '').replace(/^file:(\/\/)?/i, '');
}

// PostgreSQL returns int8 (count(*), bigint) as strings and timestamptz as Date: normalise both so that
// services see the same values on both dialects.
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (v: string) => Number(v);
    if (oid === 1184 || oid === 1114) return (v: string) => new Date(v).toISOString();
    return pg.types.getTypeParser(oid, format);
  },
};

/** How many prepared statements each SQLite connection keeps (least recently prepared dropped first). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query again; for the short queries of a page, preparing costs as much as running.
 * Keep the statements by their SQL text and hand a cached one back unless it is still iterating (then a
 * fresh one is prepared, so concurrent readers never share a busy statement).
 */
function cachePreparedStatements(sqlite: SQLite.Database): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, SQLite.Statement>();
  const cached = (source: string): SQLite.Statement => {
    const hit = cache.get(source);
    if (hit && !hit.busy) return hit;
    const stmt = prepare(source);
    if (!hit) {
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      cache.set(source, stmt);
    }
    return stmt;
  };
  sqlite.prepare = cached as typeof sqlite.prepare;
}

/** Opens the database named by the URL, with the pragmas Kyoso relies on for SQLite. */
export function openDatabase(url: string, options: OpenOptions = {}): Db {
  const dialect = dialectOf(url);
  const log = options.onQuery
    ? (e: LogEvent) => {
        options.onQuery?.(e);
      }
    : undefined;
  if (dialect === 'postgres') {
    const statementMs = options.statementTimeoutMs ?? 0;
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      types: pgTypes,
      // No wait without an end: a server that is down, or a pool whose connections are all stuck, fails
      // the request after PG_CONNECT_TIMEOUT_MS; a server that stops answering mid-query, after the
      // statement timeout plus 2 s (query_timeout is the client's own clock, for when the server cannot
      // even cancel); TCP keepalive notices a peer that vanished.
      connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
      idleTimeoutMillis: PG_IDLE_TIMEOUT_MS,
      keepAlive: true,
      idle_in_transaction_session_timeout: PG_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      ...(statementMs > 0 ? { statement_timeout: statementMs, query_timeout: statementMs + 2_000 } : {}),
    });
    // An idle connection that the server closes (a restart, a failover, an administrator) is reported on
    // the pool; without a listener Node would treat it as an unhandled error and stop the whole process.
    // The pool drops that connection and opens a new one when next needed, so a warning is enough.
    pool.on('error', (err) => {
      process.emitWarning(`PostgreSQL: an idle connection was closed (${err.message}); it will be replaced`);
    });
    // A connection lost while it is checked out (the server stops mid-query) is reported on the client
    // itself, where the pool has no listener: without this one, Node would stop the process. The query
    // in flight rejects with the same error (the request answers 503) and the pool drops the client when
    // it is released, since it is no longer queryable.
    pool.on('connect', (client) => {
      client.on('error', () => {});
    });
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...(log ? { log } : {}) });
    return { kysely, dialect, close: () => kysely.destroy() };
  }
  const file = sqliteFile(url);
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // A 64 MiB page cache (the default is 2 MiB): the triage list of a consultation with 100,000 opinions
  // reads tens of MB of index and rows; with the default, most of its lookups go back to the OS.
  sqlite.pragma('cache_size = -65536');
  cachePreparedStatements(sqlite);
  const kysely = new Kysely<Database>({
    dialect: new SqliteDialect({ database: sqlite }),
    ...(log ? { log } : {}),
  });
  return { kysely, dialect, close: () => kysely.destroy() };
}
