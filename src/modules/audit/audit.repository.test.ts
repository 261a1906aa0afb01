import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';
import {
  type AuditLogRow,
  canonicalInstant,
  insertAuditEntry,
  iterateAuditEntries,
  listAuditEntries,
  type NewAuditLogRow,
} from './audit.repository.ts';

const CITY = '352161';
const T0 = Date.parse('2026-11-26T00:00:00.000Z');
const hours = (h: number) => new Date(T0 + h * 3600_000).toISOString();

function row(over: Partial<NewAuditLogRow> = {}): NewAuditLogRow {
  return {
    municipality_code: CITY,
    at: hours(0),
    actor_user_id: 1,
    actor_label: 'admin@city.example',
    ip: '192.0.2.1',
    request_id: 'req-1',
    action: 'user.create',
    resource_type: 'user',
    resource_id: '10',
    before_json: null,
    after_json: '{"email":"a@city.example"}',
    ...over,
  };
}

let nextCode = 900001;
/** A municipality of the test's own, so that tests sharing a database do not see each other's rows. */
async function newMunicipality(db: TestDb): Promise<string> {
  const code = String(nextCode++);
  await db.kysely
    .insertInto('municipalities')
    .values({ code, name: `テスト市${code}`, created_at: new Date().toISOString() })
    .execute();
  return code;
}

for (const dialect of DIALECTS) {
  describe(`audit repository (${dialect})`, () => {
    let db: TestDb;
    /** The five rows of the filter tests, by name → id. */
    const ids: Record<string, number> = {};

    before(async () => {
      db = await createTestDb(dialect);
      await db.kysely
        .insertInto('municipalities')
        .values({ code: CITY, name: '山陽小野田市', created_at: new Date().toISOString() })
        .execute();
      ids.create = await insertAuditEntry(db.kysely, row());
      ids.update = await insertAuditEntry(
        db.kysely,
        row({ at: hours(1), action: 'user.update', before_json: '{"a":1}', after_json: '{"a":2}' }),
      );
      ids.dept = await insertAuditEntry(
        db.kysely,
        row({
          at: hours(2),
          actor_user_id: 2,
          actor_label: 'planner@city.example',
          action: 'department.update',
          resource_type: 'department',
          resource_id: '3',
        }),
      );
      ids.session = await insertAuditEntry(
        db.kysely,
        // A non-UTC offset: stored normalised, so it sorts with the others (= hours(3)).
        row({
          at: '2026-11-26T12:00:00+09:00',
          actor_user_id: null,
          actor_label: 'system',
          action: 'session.end',
          resource_type: 'session',
          resource_id: 'abc',
        }),
      );
      ids.owners = await insertAuditEntry(
        db.kysely,
        // Same instant as the previous row: the id breaks the tie.
        row({
          at: hours(3),
          actor_user_id: 2,
          actor_label: 'Planner_X%@city.example',
          action: 'measure.owners.set',
          resource_type: 'measure',
          resource_id: '1/2',
        }),
      );
      // Another city's row, never listed with 352161.
      const other = await newMunicipality(db);
      await insertAuditEntry(db.kysely, row({ municipality_code: other, at: hours(5) }));
    });
    after(async () => {
      await db?.drop();
    });

    async function list(filters: Record<string, unknown> = {}, limit = 50) {
      const r = await listAuditEntries(db.kysely, { municipalityCode: CITY, ...filters }, { limit });
      const names = r.rows.map((x) => Object.entries(ids).find(([, id]) => id === x.id)?.[0]);
      return { names, total: r.total, r };
    }

    test('stores the timestamp as a canonical UTC instant', async () => {
      const r = await db.kysely
        .selectFrom('audit_log')
        .select('at')
        .where('id', '=', ids.session!)
        .executeTakeFirstOrThrow();
      assert.equal(r.at, '2026-11-26T03:00:00.000Z');
      assert.equal(canonicalInstant('2026-11-26T12:00:00+09:00'), '2026-11-26T03:00:00.000Z');
      assert.throws(() => canonicalInstant('yesterday'), RangeError);
    });

    test('lists the municipality only, newest first, ties by id', async () => {
      const { names, total } = await list();
      assert.deepEqual(names, ['owners', 'session', 'dept', 'update', 'create']);
      assert.equal(total, 5);
    });

    test('returns every column of the row', async () => {
      const { r } = await list({ action: 'user.update' });
      const got = r.rows[0] as AuditLogRow;
      assert.deepEqual(got, {
        id: ids.update,
        municipality_code: CITY,
        at: hours(1),
        actor_user_id: 1,
        actor_label: 'admin@city.example',
        ip: '192.0.2.1',
        request_id: 'req-1',
        action: 'user.update',
        resource_type: 'user',
        resource_id: '10',
        before_json: '{"a":1}',
        after_json: '{"a":2}',
      });
    });

    test('filters by actor', async () => {
      assert.deepEqual((await list({ actorUserId: 2 })).names, ['owners', 'dept']);
      assert.deepEqual((await list({ actorUserId: 2 })).total, 2);
      assert.deepEqual((await list({ actorUserId: 99 })).names, []);
    });

    test('filters by text of the actor label, case-insensitive, wildcards literal', async () => {
      assert.deepEqual((await list({ actorLabel: 'PLANNER' })).names, ['owners', 'dept']);
      assert.deepEqual((await list({ actorLabel: 'planner@city.example' })).names, ['dept']);
      assert.deepEqual((await list({ actorLabel: 'X%@' })).names, ['owners']);
      assert.deepEqual((await list({ actorLabel: 'r%x' })).names, []);
      assert.deepEqual((await list({ actorLabel: 'user.' })).names, [], 'not the action');
      assert.equal((await list({ actorLabel: 'admin@' })).total, 2);
    });

    test('filters by exact action, or by prefix when it ends with a dot', async () => {
      assert.deepEqual((await list({ action: 'user.update' })).names, ['update']);
      assert.deepEqual((await list({ action: 'user.' })).names, ['update', 'create']);
      assert.deepEqual((await list({ action: 'measure.owners.' })).names, ['owners']);
      assert.deepEqual((await list({ action: 'user' })).names, [], 'no dot: exact, not a prefix');
      assert.deepEqual((await list({ action: '%.' })).names, [], 'LIKE wildcards are literal');
      assert.deepEqual((await list({ action: '____.' })).names, [], 'LIKE wildcards are literal');
    });

    test('filters by resource type and id', async () => {
      assert.deepEqual((await list({ resourceType: 'user' })).names, ['update', 'create']);
      assert.deepEqual((await list({ resourceType: 'user', resourceId: '10' })).names, ['update', 'create']);
      assert.deepEqual((await list({ resourceId: '1/2' })).names, ['owners']);
      assert.deepEqual((await list({ resourceType: 'measure', resourceId: '10' })).names, []);
    });

    test('filters by time: from inclusive, to exclusive, any offset', async () => {
      assert.deepEqual((await list({ from: hours(1), to: hours(3) })).names, ['dept', 'update']);
      assert.deepEqual((await list({ from: hours(3) })).names, ['owners', 'session']);
      assert.deepEqual((await list({ to: hours(1) })).names, ['create']);
      // 10:00 in Tokyo = 01:00 UTC.
      assert.deepEqual((await list({ from: '2026-11-26T10:00:00+09:00', to: hours(2) })).names, ['update']);
      assert.equal((await list({ from: hours(1), to: hours(3) })).total, 2);
    });

    test('free text over actor label, action and resource id, case-insensitive, wildcards literal', async () => {
      assert.deepEqual((await list({ q: 'PLANNER' })).names, ['owners', 'dept']);
      assert.deepEqual((await list({ q: 'owners' })).names, ['owners']);
      assert.deepEqual((await list({ q: 'abc' })).names, ['session']);
      assert.deepEqual((await list({ q: '%' })).names, ['owners']);
      assert.deepEqual((await list({ q: '_' })).names, ['owners']);
      assert.deepEqual((await list({ q: 'r_x%' })).names, ['owners']);
      assert.deepEqual((await list({ q: 'r%x' })).names, []);
      assert.deepEqual((await list({ q: '\\' })).names, []);
      assert.deepEqual((await list({ q: '' })).names.length, 5, 'empty text filters nothing');
    });

    test('combines filters with AND', async () => {
      assert.deepEqual((await list({ actorUserId: 1, action: 'user.', from: hours(1) })).names, ['update']);
      assert.deepEqual((await list({ actorUserId: 2, q: 'system' })).names, []);
    });

    test('pages with a keyset cursor, with the total on every page', async () => {
      const f = { municipalityCode: CITY };
      const p1 = await listAuditEntries(db.kysely, f, { limit: 2 });
      assert.deepEqual(
        p1.rows.map((r) => r.id),
        [ids.owners, ids.session],
      );
      assert.equal(p1.total, 5);
      assert.deepEqual(p1.next, { at: hours(3), id: ids.session });
      const p2 = await listAuditEntries(db.kysely, f, { limit: 2, after: p1.next! });
      assert.deepEqual(
        p2.rows.map((r) => r.id),
        [ids.dept, ids.update],
      );
      const p3 = await listAuditEntries(db.kysely, f, { limit: 2, after: p2.next! });
      assert.deepEqual(
        p3.rows.map((r) => r.id),
        [ids.create],
      );
      assert.equal(p3.next, null);
      assert.equal(p3.total, 5);
      // Exactly a page left: no next page.
      const p2b = await listAuditEntries(db.kysely, f, { limit: 3, after: p1.next! });
      assert.equal(p2b.rows.length, 3);
      assert.equal(p2b.next, null);
    });

    test('a row added between pages does not shift the next page', async () => {
      const code = await newMunicipality(db);
      const a = await insertAuditEntry(db.kysely, row({ municipality_code: code, at: hours(0) }));
      const b = await insertAuditEntry(db.kysely, row({ municipality_code: code, at: hours(1) }));
      const c = await insertAuditEntry(db.kysely, row({ municipality_code: code, at: hours(2) }));
      const f = { municipalityCode: code };
      const p1 = await listAuditEntries(db.kysely, f, { limit: 2 });
      assert.deepEqual(
        p1.rows.map((r) => r.id),
        [c, b],
      );
      await insertAuditEntry(db.kysely, row({ municipality_code: code, at: hours(9) }));
      const p2 = await listAuditEntries(db.kysely, f, { limit: 2, after: p1.next! });
      assert.deepEqual(
        p2.rows.map((r) => r.id),
        [a],
      );
      assert.equal(p2.total, 4);
    });

    test('clamps the page size to 1…200', async () => {
      const code = await newMunicipality(db);
      const rows = Array.from({ length: 205 }, (_, i) =>
        row({ municipality_code: code, at: new Date(T0 + i * 1000).toISOString() }),
      );
      await db.kysely.insertInto('audit_log').values(rows).execute();
      const big = await listAuditEntries(db.kysely, { municipalityCode: code }, { limit: 1000 });
      assert.equal(big.rows.length, 200);
      assert.equal(big.total, 205);
      assert.ok(big.next);
      const none = await listAuditEntries(db.kysely, { municipalityCode: code }, { limit: 0 });
      assert.equal(none.rows.length, 1);
    });

    test('append-only: the database refuses UPDATE and DELETE, and the row is unchanged', async () => {
      const id = ids.update!;
      const beforeRow = await db.kysely
        .selectFrom('audit_log')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      await assert.rejects(
        sql`update audit_log set action = 'forged', after_json = null where id = ${id}`.execute(db.kysely),
        /append-only/,
      );
      await assert.rejects(sql`delete from audit_log where id = ${id}`.execute(db.kysely), /append-only/);
      await assert.rejects(sql`delete from audit_log`.execute(db.kysely), /append-only/);
      await assert.rejects(
        db.kysely.updateTable('audit_log').set({ actor_label: 'someone else' }).execute(),
        /append-only/,
      );
      await assert.rejects(db.kysely.deleteFrom('audit_log').where('id', '=', id).execute(), /append-only/);
      if (db.dialect === 'postgres') {
        // TRUNCATE fires no row trigger; a statement trigger refuses it
        await assert.rejects(sql`truncate audit_log`.execute(db.kysely), /append-only/);
      }
      const afterRow = await db.kysely
        .selectFrom('audit_log')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(afterRow, beforeRow);
      const n = await db.kysely
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('municipality_code', '=', CITY)
        .executeTakeFirstOrThrow();
      assert.equal(Number(n.n), 5);
    });

    test('iterates 2,500 rows in batches of 1,000, newest first, each row once', async () => {
      const code = await newMunicipality(db);
      const rows = Array.from({ length: 2500 }, (_, i) =>
        // Pairs of rows share an instant, so that batches also break on ties.
        row({ municipality_code: code, at: new Date(T0 + Math.floor(i / 2) * 1000).toISOString() }),
      );
      for (let i = 0; i < rows.length; i += 250) {
        await db.kysely
          .insertInto('audit_log')
          .values(rows.slice(i, i + 250))
          .execute();
      }
      const sizes: number[] = [];
      const seen: AuditLogRow[] = [];
      for await (const batch of iterateAuditEntries(db.kysely, { municipalityCode: code })) {
        sizes.push(batch.length);
        seen.push(...batch);
      }
      assert.deepEqual(sizes, [1000, 1000, 500]);
      assert.equal(new Set(seen.map((r) => r.id)).size, 2500);
      for (let i = 1; i < seen.length; i++) {
        const p = seen[i - 1]!;
        const r = seen[i]!;
        assert.ok(p.at > r.at || (p.at === r.at && p.id > r.id), `order at ${i}`);
      }
      // Filters apply to the export too.
      let filtered = 0;
      for await (const batch of iterateAuditEntries(db.kysely, {
        municipalityCode: code,
        from: new Date(T0 + 1000 * 1000).toISOString(),
      })) {
        filtered += batch.length;
      }
      assert.equal(filtered, 500);
    });

    test('iteration stops cleanly on an exact multiple and on nothing', async () => {
      const code = await newMunicipality(db);
      await db.kysely
        .insertInto('audit_log')
        .values([0, 1, 2, 3].map((i) => row({ municipality_code: code, at: hours(i) })))
        .execute();
      const sizes: number[] = [];
      for await (const b of iterateAuditEntries(db.kysely, { municipalityCode: code }, 2))
        sizes.push(b.length);
      assert.deepEqual(sizes, [2, 2]);
      const empty: number[] = [];
      for await (const b of iterateAuditEntries(db.kysely, { municipalityCode: 'none' }))
        empty.push(b.length);
      assert.deepEqual(empty, []);
    });
  });
}
