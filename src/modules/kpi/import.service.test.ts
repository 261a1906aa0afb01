import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { buildTestApp } from '../../../test/support/app.ts';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';
import { buildActual, buildIndicator, seedPlanId } from '../../../test/support/kpi.ts';
import { buildDepartment, buildStaff } from '../../../test/support/staff.ts';
import type { StaffUser } from '../accounts/accounts.types.ts';
import {
  applyRows,
  failInterruptedImports,
  getImport,
  type ImportRecord,
  type ImportScope,
  startImport,
  validateSheet,
  waitForImport,
} from './import.service.ts';
import { writeActualsBatch } from './kpi.service.ts';
import { parseCsvText, TEMPLATE_COLUMNS } from './spreadsheet.ts';

/**
 * The checks and the writing of an upload, below HTTP, on both databases: every row checked before
 * anything is written; a conflict found while writing rolls back the rows already written; progress moves
 * through validating → applying → done in steps; imports left running by a stopped process are failed.
 */

const MUNI = '352161';
const ACTOR = { userId: null, label: 'test', ip: '127.0.0.1', requestId: 'test' };

/** A CSV of the template's columns from rows of cells by key. */
function csv(rows: Array<Partial<Record<string, string | number>>>): string {
  const head = TEMPLATE_COLUMNS.map((c) => c.header).join(',');
  const body = rows.map((r) =>
    TEMPLATE_COLUMNS.map((c) => (r[c.key] === undefined ? '' : String(r[c.key]))).join(','),
  );
  return [head, ...body, ''].join('\r\n');
}

function sheetOf(text: string) {
  const p = parseCsvText(text, 'utf-8');
  assert.ok(p.ok, 'the CSV parses');
  return p.sheet;
}

for (const dialect of DIALECTS) {
  describe(`import service (${dialect})`, () => {
    let db: TestDb;
    let planId: number;
    let dept: number;
    let user: StaffUser;
    let scope: ImportScope;
    let a: number;
    let b: number;
    const now = new Date('2026-11-26T00:00:00.000Z');

    const snapshot = async () => {
      const x =
        await sql`select indicator_id, fiscal_year, value, status, note, lock_version from indicator_actuals order by indicator_id, fiscal_year`.execute(
          db.kysely,
        );
      const h =
        await sql`select indicator_id, fiscal_year, value, version from indicator_actual_history order by id`.execute(
          db.kysely,
        );
      return JSON.stringify([x.rows, h.rows]);
    };

    before(async () => {
      db = await createTestDb(dialect);
      const app = await buildTestApp(db);
      await app.close();
      planId = await seedPlanId(db);
      dept = await buildDepartment(db, '市民活動推進課');
      const s = await buildStaff(db, 'editor', [dept]);
      user = {
        id: s.id,
        municipalityCode: MUNI,
        email: s.email,
        displayName: '山田',
        role: 'editor',
        departmentIds: [dept],
        totpEnabled: true,
      };
      a = await buildIndicator(db, { planId, nodePath: '1/1', departmentId: dept, name: '指標A' });
      b = await buildIndicator(db, { planId, nodePath: '1/1', departmentId: dept, name: '指標B' });
      await buildActual(db, b, 2025, 40);
      scope = {
        municipalityCode: MUNI,
        planId,
        fiscalYear: 2025,
        departmentId: dept,
        departmentName: '市民活動推進課',
        user,
      };
    });
    after(async () => {
      await db?.drop();
    });

    test('every row is checked and every problem named; negative values are allowed; empty values skip', async () => {
      const sheet = sheetOf(
        csv([
          { id: a, value: '-3', status: '確定', note: 'マイナス', fy: 2025, version: 0 },
          { id: b, value: '', status: '', note: '', fy: 2025, version: 1 },
          { id: a, value: '1', status: '済み', fy: 2025, version: 'x' },
          { id: 'A-1', value: '1', status: '速報', fy: '二〇二五', version: 0 },
          { id: b, value: '5', status: '速報', note: 'あ'.repeat(501), fy: 2025, version: 1 },
        ]),
      );
      const r = await validateSheet(db, sheet, scope);
      const got = r.problems.map((p) => `${p.row}${p.column}:${p.key.replace('kpi.upload.error.', '')}`);
      assert.deepEqual(
        got,
        [
          '4A:duplicateRow',
          '4G:statusInvalid',
          '4K:versionInvalid',
          '5A:idNotInteger',
          '5J:fyNotInteger',
          '6A:duplicateRow',
          '6H:noteTooLong',
        ],
        'each problem with its row and column',
      );
      assert.equal(r.rows.length, 1, 'the good row');
      assert.equal(r.rows[0]?.value, -3, 'a negative value is allowed (no rule forbids it)');
      assert.equal(r.rows[0]?.expectedVersion, null, 'version 0 = creating');
    });

    test('a conflict found while writing rolls back the rows already written', async () => {
      const sheet = sheetOf(
        csv([
          { id: a, value: '10', status: '確定', fy: 2025, version: 0 },
          { id: b, value: '41', status: '確定', fy: 2025, version: 1 },
        ]),
      );
      const checked = await validateSheet(db, sheet, scope);
      assert.deepEqual(checked.problems, [], 'the file is fine when checked');
      // between the check and the writing, someone changes b
      await db.kysely
        .updateTable('indicator_actuals')
        .set({ value: 45, lock_version: 2 })
        .where('indicator_id', '=', b)
        .execute();
      const before = await snapshot();
      const imp = await db.kysely
        .insertInto('kpi_imports')
        .values({
          municipality_code: MUNI,
          user_id: user.id,
          department_id: dept,
          file_name: 'x.csv',
          format: 'csv',
          state: 'applying',
          created_at: now.toISOString(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const r = await applyRows(
        db,
        imp.id,
        checked.rows,
        scope,
        { fileName: 'x.csv', sheet: null, versionColumn: 'K', totalRows: 2 },
        ACTOR,
        now,
      );
      assert.ok(!r.ok, 'refused');
      assert.equal(r.problem.row, 3, 'the row of b');
      assert.equal(r.problem.key, 'kpi.upload.error.conflict', 'a conflict');
      assert.equal(r.problem.params?.current, '45', 'with the current value');
      assert.equal(await snapshot(), before, 'a (written first) is rolled back too');
    });

    test('writeActualsBatch keeps writeActual’s rules: versions, history, unchanged rows, conflicts', async () => {
      const c = await buildIndicator(db, { planId, nodePath: '1/1', departmentId: dept, name: '指標C' });
      const d = await buildIndicator(db, { planId, nodePath: '1/1', departmentId: dept, name: '指標D' });
      await buildActual(db, d, 2024, 1, { note: 'x' });
      const base = {
        municipalityCode: MUNI,
        status: 'final' as const,
        note: 'x',
        actor: { userId: user.id, name: '山田' },
        via: 'upload' as const,
        importId: null,
        at: now,
      };
      const write = (ws: Array<Partial<Parameters<typeof writeActualsBatch>[1][number]>>) =>
        db.kysely.transaction().execute((trx) =>
          writeActualsBatch(
            trx,
            ws.map((w) => ({
              ...base,
              indicatorId: c,
              fiscalYear: 2024,
              value: 0,
              expectedVersion: null,
              ...w,
            })),
          ),
        );
      const r1 = await write([
        { indicatorId: c, value: 5, expectedVersion: null },
        { indicatorId: d, value: 2, expectedVersion: 1 },
        { indicatorId: d, fiscalYear: 2023, value: 7, expectedVersion: null },
      ]);
      assert.deepEqual(r1, { ok: true, changed: 3 }, 'two created, one updated');
      const hist = await db.kysely
        .selectFrom('indicator_actual_history')
        .select(['indicator_id', 'fiscal_year', 'change', 'version', 'value'])
        .where('indicator_id', 'in', [c, d])
        .orderBy('id')
        .execute();
      assert.deepEqual(
        hist.map(
          (h) =>
            `${h.indicator_id === c ? 'c' : 'd'}${h.fiscal_year}:${h.change}:v${h.version}:${Number(h.value)}`,
        ),
        ['d2024:create:v1:1', 'c2024:create:v1:5', 'd2024:update:v2:2', 'd2023:create:v1:7'],
        'history as writeActual writes it',
      );
      const r2 = await write([{ indicatorId: c, value: 5, expectedVersion: 1 }]);
      assert.deepEqual(r2, { ok: true, changed: 0 }, 'the same value again changes nothing');
      const r3 = await write([
        { indicatorId: c, value: 6, expectedVersion: 1 },
        { indicatorId: d, value: 3, expectedVersion: 1 },
      ]);
      assert.ok(!r3.ok && r3.index === 1 && r3.current?.lockVersion === 2, 'a stale version is a conflict');
      const r4 = await write([{ indicatorId: c, value: 9, expectedVersion: null }]);
      assert.ok(
        !r4.ok && r4.index === 0 && r4.current?.value === 5,
        'creating over an existing value is a conflict',
      );
      const n = await sql<{
        n: number;
      }>`select count(*) as n from indicator_actual_history where indicator_id in (${c}, ${d})`.execute(
        db.kysely,
      );
      assert.equal(Number(n.rows[0]?.n), 4, 'no history from the refused or unchanged writes');
    });

    test('progress: validating → applying → done, processed rows in steps of 250', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 600; i++)
        ids.push(await buildIndicator(db, { planId, nodePath: '1/2', departmentId: dept, name: `大量${i}` }));
      const text = csv(ids.map((id, i) => ({ id, value: String(i), status: '速報', fy: 2025, version: 0 })));
      const seen: ImportRecord[] = [];
      const id = await startImport(db, {
        scope,
        actor: ACTOR,
        fileName: 'many.csv',
        bytes: new TextEncoder().encode(text),
        clock: () => now,
        onProgress: (r) => seen.push(r),
      });
      const first = await getImport(db, MUNI, id);
      assert.ok(first && ['queued', 'validating'].includes(first.state), 'running at first');
      await waitForImport(db, id);
      const states = [...new Set(seen.map((s) => s.state))];
      assert.deepEqual(states, ['validating', 'applying', 'done'], 'the states in order');
      const validating = seen.filter((s) => s.state === 'validating').map((s) => s.processedRows);
      assert.ok(validating.includes(250) && validating.includes(500), `validation steps: ${validating}`);
      const applying = seen.filter((s) => s.state === 'applying').map((s) => s.processedRows);
      assert.ok(applying.includes(250) && applying.includes(500), `apply steps: ${applying}`);
      const done = await getImport(db, MUNI, id);
      assert.equal(done?.state, 'done', 'stored as done');
      assert.equal(done?.appliedCount, 600, 'all written');
      assert.equal(done?.processedRows, 600, 'all processed');
      const n = await sql<{
        n: number;
      }>`select count(*) as n from indicator_actual_history where import_id = ${id}`.execute(db.kysely);
      assert.equal(Number(n.rows[0]?.n), 600, 'history names the import');
    });

    test('imports left running by a stopped process are failed, with a message to upload again', async () => {
      const left = await db.kysely
        .insertInto('kpi_imports')
        .values({
          municipality_code: MUNI,
          user_id: user.id,
          department_id: dept,
          file_name: 'killed.xlsx',
          format: 'xlsx',
          state: 'applying',
          created_at: now.toISOString(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const n = await failInterruptedImports(db, MUNI, now);
      assert.ok(n >= 1, 'at least the one left running');
      const r = await getImport(db, MUNI, left.id);
      assert.equal(r?.state, 'failed', 'failed');
      assert.equal(r?.problems[0]?.key, 'kpi.upload.error.interrupted', 'with the reason');
    });
  });
}
