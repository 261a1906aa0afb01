import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestDb, DIALECTS, type TestDb } from '../../test/support/db.ts';
import { dialectOf } from './connection.ts';
import { migrateDownAll, migrateToLatest } from './migrate.ts';

describe('dialectOf', () => {
  test('postgres URLs are PostgreSQL, anything else an SQLite file', () => {
    assert.equal(dialectOf('postgres://u@h/db'), 'postgres');
    assert.equal(dialectOf('postgresql://u@h/db'), 'postgres');
    assert.equal(dialectOf('data/kyoso.sqlite'), 'sqlite');
    assert.equal(dialectOf('/tmp/x.db'), 'sqlite');
  });
});

for (const dialect of DIALECTS) {
  describe(`migrations (${dialect})`, () => {
    let db: TestDb;
    before(async () => {
      db = await createTestDb(dialect, { migrate: false });
    });
    after(async () => {
      await db?.drop();
    });

    const tables = async () =>
      (await db.kysely.introspection.getTables()).map((t) => t.name).filter((n) => !n.startsWith('kysely_'));

    test('up creates every table, down removes them, up again works', async () => {
      const first = await migrateToLatest(db);
      assert.deepEqual(
        first?.map((r) => [r.migrationName, r.status]),
        [
          ['0001_plan', 'Success'],
          ['0002_accounts', 'Success'],
          ['0003_consultation', 'Success'],
          ['0004_triage_indexes', 'Success'],
          ['0005_mail_delivery', 'Success'],
          ['0006_kpi', 'Success'],
        ],
      );
      const created = await tables();
      for (const t of [
        'municipalities',
        'plans',
        'plan_versions',
        'plan_nodes',
        'cross_cutting_measures',
        'cross_cutting_links',
        'plan_notes',
        'plan_search_entries',
        'consultations',
        'submissions',
        'opinions',
        'opinion_groups',
        'consultation_publications',
      ]) {
        assert.ok(created.includes(t), t);
      }
      assert.deepEqual(await migrateToLatest(db), [], 'nothing pending the second time');
      await migrateDownAll(db);
      assert.deepEqual(
        (await tables()).filter((t) => !t.startsWith('plan_search_fts') && !t.startsWith('opinions_fts')),
        [],
      );
      await migrateToLatest(db);
      assert.ok((await tables()).includes('plan_nodes'));
    });

    if (dialect === 'sqlite') {
      test('SQLite runs with WAL, full synchronous writes and foreign keys', async () => {
        const { sql } = await import('kysely');
        const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db.kysely);
        assert.equal(mode.rows[0]?.journal_mode, 'wal');
        const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(db.kysely);
        assert.equal(sync.rows[0]?.synchronous, 2);
        const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db.kysely);
        assert.equal(fk.rows[0]?.foreign_keys, 1);
      });
    } else {
      test('PostgreSQL has pg_trgm and a UTF-8 database', async () => {
        const { sql } = await import('kysely');
        const ext = await sql<{
          extname: string;
        }>`select extname from pg_extension where extname = 'pg_trgm'`.execute(db.kysely);
        assert.equal(ext.rows.length, 1);
        const enc = await sql<{ server_encoding: string }>`show server_encoding`.execute(db.kysely);
        assert.equal(enc.rows[0]?.server_encoding, 'UTF8');
        const n = await sql<{ n: number }>`select count(*) as n from plans`.execute(db.kysely);
        assert.equal(typeof n.rows[0]?.n, 'number', 'count(*) comes back as a number');
      });
    }
  });
}
