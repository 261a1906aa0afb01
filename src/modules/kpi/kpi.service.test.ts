import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testConfig } from '../../../test/support/app.ts';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';
import { buildActual, buildIndicator, seedPlanId } from '../../../test/support/kpi.ts';
import { seedIfEmpty } from '../../bootstrap.ts';
import { selectHistory } from './kpi.repository.ts';
import { type ActualWrite, deleteActual, loadKpiBoard, writeActual } from './kpi.service.ts';

const MUNI = '352161';

for (const dialect of DIALECTS) {
  describe(`kpi.service on ${dialect}`, () => {
    let db: TestDb;
    let planId: number;
    before(async () => {
      db = await createTestDb(dialect);
      await seedIfEmpty(db, { ...testConfig(), seed: true });
      planId = await seedPlanId(db);
    });
    after(async () => {
      await db?.drop();
    });

    const write = (indicatorId: number, over: Partial<ActualWrite>) =>
      db.kysely.transaction().execute((trx) =>
        writeActual(trx, {
          municipalityCode: MUNI,
          indicatorId,
          fiscalYear: 2024,
          value: 7,
          status: 'preliminary',
          note: '',
          expectedVersion: null,
          actor: { userId: null, name: '山田' },
          via: 'form',
          at: new Date('2026-06-01T00:00:00Z'),
          ...over,
        }),
      );

    test('create, change, unchanged save, stale version, delete: the history holds each applied change', async () => {
      const id = await buildIndicator(db, { planId, nodePath: '2/1' });
      const created = await write(id, {});
      assert.ok(created.ok && created.changed, 'created');
      assert.equal(created.ok && created.actual.lockVersion, 1, 'version 1');

      const again = await write(id, { expectedVersion: null, value: 8 });
      assert.equal(again.ok, false, 'a second create of the same year is a conflict');
      assert.equal(!again.ok && again.current?.value, 7, 'the conflict shows the value already there');

      const changed = await write(id, { expectedVersion: 1, value: 8, status: 'final', note: '確定' });
      assert.ok(changed.ok && changed.changed && changed.actual.lockVersion === 2, 'changed to version 2');

      const same = await write(id, { expectedVersion: 2, value: 8, status: 'final', note: '確定' });
      assert.ok(same.ok && !same.changed, 'saving the same value changes nothing');

      const stale = await write(id, { expectedVersion: 1, value: 9 });
      assert.ok(!stale.ok && stale.current?.value === 8, 'a stale version gets the current value');

      const del = await db.kysely.transaction().execute((trx) =>
        deleteActual(trx, {
          municipalityCode: MUNI,
          indicatorId: id,
          fiscalYear: 2024,
          expectedVersion: 2,
          actor: { userId: null, name: '山田' },
          via: 'form',
          at: new Date('2026-06-02T00:00:00Z'),
        }),
      );
      assert.ok(del.ok, 'deleted');
      const h = await selectHistory(db.kysely, MUNI, id);
      assert.deepEqual(
        h.map((e) => [e.change, e.value, e.version]),
        [
          ['delete', null, 2],
          ['update', 8, 2],
          ['create', 7, 1],
        ],
        'three applied changes, newest first; refused attempts leave no trace',
      );
    });

    test('loadKpiBoard computes rate, grade, projection and standing per indicator in four queries', async () => {
      const id = await buildIndicator(db, { planId, nodePath: '3/4', baselineValue: 2, targetValue: 12 });
      await buildActual(db, id, 2021, 3);
      await buildActual(db, id, 2022, 5);
      await buildActual(db, id, 2023, 8);
      const queries: string[] = [];
      const board = await loadKpiBoard(
        {
          ...db,
          kysely: db.kysely.withPlugin({
            transformQuery: (a) => {
              queries.push(a.node.kind);
              return a.node;
            },
            transformResult: async (a) => a.result,
          }),
        },
        { municipalityCode: MUNI, planId, nodePaths: ['3/4'] },
      );
      assert.equal(queries.length, 4, `queries: ${queries.join(',')}`);
      const s = board.statuses.find((x) => x.indicator.id === id);
      assert.ok(s, 'the indicator is on the board');
      // 2023's interpolated target: 2 + (12 − 2) × 3/5 = 8 → (8 − 2) / (8 − 2) = 100 %.
      assert.equal(s.achievement?.targetValue, 8, 'interpolated target of 2023');
      assert.equal(s.achievement?.rate, 100, 'rate against the year target');
      assert.equal(s.achievement?.grade, 'A', 'grade A');
      assert.equal(s.trend, 'improving', 'trend');
      assert.ok(s.projection && s.projection.points === 3, 'projection from three actuals');
      // Least squares through (2021,3),(2022,5),(2023,8): slope 2.5, at 2025 → 12.83 ≥ 12.
      assert.ok(
        Math.abs(s.projection.valueAtTarget - (16 / 3 + 2.5 * 3)) < 1e-9,
        `${s.projection.valueAtTarget}`,
      );
      assert.equal(s.projection.willMiss, false, 'on pace');
      assert.equal(s.standing, 'on_track', 'on track');
    });
  });
}
