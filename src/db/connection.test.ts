import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { createTestDb, pgAdminUrl } from '../../test/support/db.ts';

/**
 * PostgreSQL only: SQLite has no server that could close a connection. When the server closes an idle
 * connection of the pool (restart, failover, pg_terminate_backend), the process must live on and the
 * next query must work on a new connection.
 */
describe('the PostgreSQL pool survives a connection closed by the server', () => {
  test('an idle connection terminated by an administrator: a warning, then the next query works', async () => {
    const db = await createTestDb('postgres');
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const before = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db.kysely);
      const pid = Number(before.rows[0]?.pid);
      const admin = new pg.Client({ connectionString: pgAdminUrl() });
      await admin.connect();
      try {
        const r = await admin.query('select pg_terminate_backend($1) as ok', [pid]);
        assert.equal(r.rows[0]?.ok, true, 'the idle connection was terminated');
      } finally {
        await admin.end();
      }
      // Give the pool's idle client time to notice and emit its error.
      for (let i = 0; i < 50 && warnings.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.ok(
        warnings.some((m) => m.includes('idle connection was closed')),
        `a warning, not a crash (${warnings.join('; ')})`,
      );
      const after = await sql<{ one: number }>`select 1 as one`.execute(db.kysely);
      assert.equal(Number(after.rows[0]?.one), 1, 'the next query runs on a new connection');
    } finally {
      process.off('warning', onWarning);
      await db.drop();
    }
  });
});
