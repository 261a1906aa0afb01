import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';
import { buildActual, buildIndicator, seedPlanId } from '../../../test/support/kpi.ts';
import { loadSampleOnFirstStart, seedIfEmpty } from '../../bootstrap.ts';
import { getCurrentPlan } from '../plan/plan.service.ts';
import { directionAgrees, MIN_PROJECTION_POINTS, yearlyTargets } from './kpi.math.ts';
import { hasSampleData } from './kpi.repository.ts';
import {
  loadSampleKpi,
  removeSampleData,
  SAMPLE_BASELINE_FY,
  SAMPLE_SET,
  sampleActualsOf,
  sampleCounts,
} from './kpi.sample.ts';
import { loadKpiBoard } from './kpi.service.ts';

const MUNI = '352161';
const SEED = { municipality: MUNI, seed: true };
const AT = new Date('2026-06-01T00:00:00Z');
const ACTOR = { userId: null, label: 'テスト企画課', ip: '203.0.113.1', requestId: 'req-sample' };

test('the sample set is a pure function of its specification (seeded, no Math.random)', () => {
  const original = Math.random;
  Math.random = () => {
    throw new Error('Math.random must not be used');
  };
  try {
    for (const node of SAMPLE_SET)
      for (const spec of node.indicators)
        assert.deepEqual(sampleActualsOf(spec), sampleActualsOf(spec), spec.name);
  } finally {
    Math.random = original;
  }
});

for (const dialect of DIALECTS) {
  describe(`kpi.sample on ${dialect}`, () => {
    let db: TestDb;
    let planId: number;
    before(async () => {
      db = await createTestDb(dialect);
      await seedIfEmpty(db, SEED);
      planId = await seedPlanId(db);
    });
    after(async () => {
      await db?.drop();
    });

    test('loads 3–5 indicators on every measure and 1–2 on every 重点施策, all valid and marked', async () => {
      const loaded = await loadSampleKpi(db, { municipalityCode: MUNI, at: AT });
      const counts = await sampleCounts(db, MUNI);
      assert.deepEqual(counts, loaded, 'the counts returned are what is stored');
      assert.ok(loaded.indicators >= 9 * 3 + 3, `at least 30 indicators, got ${loaded.indicators}`);

      const tree = await getCurrentPlan(db, MUNI);
      assert.ok(tree, 'the plan');
      const board = await loadKpiBoard(db, { municipalityCode: MUNI, planId });
      assert.equal(board.statuses.length, loaded.indicators, 'every sample indicator is on the board');
      const perNode = new Map<string, number>();
      for (const s of board.statuses)
        perNode.set(s.indicator.nodePath, (perNode.get(s.indicator.nodePath) ?? 0) + 1);
      for (const policy of tree.policies) {
        const n = perNode.get(policy.path) ?? 0;
        assert.ok(n >= 1 && n <= 2, `重点施策 ${policy.path}: ${n} indicators`);
        for (const m of policy.children) {
          const k = perNode.get(m.path) ?? 0;
          assert.ok(k >= 3 && k <= 5, `measure ${m.path}: ${k} indicators`);
        }
      }
      assert.equal(
        perNode.size,
        tree.policies.length + tree.policies.reduce((s, p) => s + p.children.length, 0),
      );

      const targetRows = await db.kysely.selectFrom('indicator_targets').selectAll().execute();
      assert.ok(targetRows.length > 0, 'some explicit yearly targets');
      for (const s of board.statuses) {
        const i = s.indicator;
        assert.ok(i.isSample, `${i.name} is sample`);
        assert.ok(
          i.definition.length > 10 && i.source.includes('サンプル'),
          `${i.name}: definition and source`,
        );
        assert.ok(directionAgrees(i.direction, i.baselineValue, i.targetValue), `${i.name}: direction`);
        assert.equal(i.baselineFy, SAMPLE_BASELINE_FY, `${i.name}: baseline FY2020`);
        assert.ok(i.targetFy >= 2025, `${i.name}: target FY2025 or later`);
        if (i.direction === 'range') {
          assert.ok(
            i.rangeMin !== null && i.rangeMax !== null && i.rangeMin < i.rangeMax,
            `${i.name}: range`,
          );
          assert.deepEqual(s.targets, [], 'range indicators have no yearly targets');
        } else {
          const explicit = targetRows
            .filter((t) => Number(t.indicator_id) === i.id)
            .map((t) => ({ fiscalYear: Number(t.fiscal_year), value: Number(t.value) }));
          const targets = yearlyTargets(i, explicit);
          assert.equal(targets.length, i.targetFy - i.baselineFy, `${i.name}: a target for every year`);
          for (const t of explicit) {
            assert.ok(
              t.fiscalYear > i.baselineFy && t.fiscalYear < i.targetFy,
              `${i.name}: explicit year inside`,
            );
            const between = [i.baselineValue, i.targetValue].sort((a, b) => a - b) as [number, number];
            assert.ok(t.value >= between[0] && t.value <= between[1], `${i.name}: explicit target between`);
          }
          for (let k = 1; k < targets.length; k++) {
            const step = (targets[k]?.value as number) - (targets[k - 1]?.value as number);
            assert.ok(directionAgrees(i.direction, 0, step), `${i.name}: yearly targets move the right way`);
          }
        }
        for (const a of s.actuals) {
          assert.ok(a.isSample, `${i.name} ${a.fiscalYear}: actual is sample`);
          assert.ok(a.fiscalYear > i.baselineFy && a.fiscalYear <= 2025, `${i.name}: FY2021–FY2025`);
          assert.equal(a.value, Number(a.value.toFixed(i.decimals)), `${i.name}: ${i.decimals} decimals`);
        }
      }
      const actualRows = await db.kysely.selectFrom('indicator_actuals').selectAll().execute();
      assert.equal(actualRows.length, loaded.actuals, 'every actual counted');
      assert.ok(
        actualRows.every((r) => Number(r.is_sample) === 1),
        'is_sample on every actual',
      );

      // The set shows every grade, on-track and behind, improving and worsening, and short series.
      const grades = new Set(board.statuses.map((s) => s.achievement?.grade));
      for (const g of board.rules.map((r) => r.grade)) assert.ok(grades.has(g), `grade ${g} shown`);
      const standings = new Set(board.statuses.map((s) => s.standing));
      assert.ok(standings.has('on_track') && standings.has('behind'), 'on track and behind');
      const trends = new Set(board.statuses.map((s) => s.trend));
      assert.ok(trends.has('improving') && trends.has('worsening'), 'improving and worsening');
      const directions = new Set(board.statuses.map((s) => s.indicator.direction));
      assert.deepEqual([...directions].sort(), ['down', 'range', 'up'], 'every direction');
      assert.ok(
        board.statuses.filter((s) => s.indicator.direction === 'down').length >= 2,
        'a few lower-is-better indicators',
      );
      const short = board.statuses.filter((s) => s.actuals.length < MIN_PROJECTION_POINTS);
      assert.ok(short.length >= 2, 'some indicators with fewer than 3 actuals');
      assert.ok(
        short.every((s) => s.projection === null),
        'no projection from fewer than 3 actuals',
      );
      assert.ok(
        board.statuses.some((s) => s.projection !== null),
        'some projections (target after the last actual)',
      );
      assert.ok(
        board.statuses.some((s) => s.latest?.status === 'preliminary') &&
          board.statuses.some((s) => s.latest?.status === 'final'),
        'latest values both 速報 and 確定',
      );
      assert.ok(new Set(board.statuses.map((s) => s.indicator.decimals)).size >= 3, 'several decimal places');
      assert.ok(new Set(board.statuses.map((s) => s.indicator.unit)).size >= 5, 'several units');

      // The history marks every sample row.
      const history = await db.kysely.selectFrom('indicator_actual_history').selectAll().execute();
      assert.equal(history.length, loaded.actuals, 'one history entry per actual');
      assert.ok(
        history.every((h) => Number(h.is_sample) === 1 && h.via === 'sample' && h.change === 'create'),
        'history rows are sample, via sample',
      );
      const audit = await db.kysely
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'kpi.sample.load')
        .execute();
      assert.equal(audit.length, 1, 'the load is audited once');
    });

    test('loading again changes nothing (idempotent), and the values are the same on every load', async () => {
      const before = await db.kysely
        .selectFrom('indicator_actuals')
        .select(['indicator_id', 'fiscal_year', 'value'])
        .orderBy('id')
        .execute();
      const again = await loadSampleKpi(db, { municipalityCode: MUNI, at: new Date('2026-07-01T00:00:00Z') });
      assert.deepEqual(again, { indicators: 0, actuals: 0 }, 'a second load does nothing');
      const after = await db.kysely
        .selectFrom('indicator_actuals')
        .select(['indicator_id', 'fiscal_year', 'value'])
        .orderBy('id')
        .execute();
      assert.deepEqual(after, before, 'nothing changed');
      const fresh = await createTestDb(dialect);
      try {
        await seedIfEmpty(fresh, SEED);
        await loadSampleKpi(fresh, { municipalityCode: MUNI, at: AT });
        const other = await fresh.kysely
          .selectFrom('indicator_actuals as a')
          .innerJoin('indicators as i', 'i.id', 'a.indicator_id')
          .select(['i.name', 'a.fiscal_year', 'a.value', 'a.status'])
          .orderBy('i.name')
          .orderBy('a.fiscal_year')
          .execute();
        const mine = await db.kysely
          .selectFrom('indicator_actuals as a')
          .innerJoin('indicators as i', 'i.id', 'a.indicator_id')
          .select(['i.name', 'a.fiscal_year', 'a.value', 'a.status'])
          .orderBy('i.name')
          .orderBy('a.fiscal_year')
          .execute();
        assert.deepEqual(other, mine, 'deterministic: another database gets the same values');
      } finally {
        await fresh.drop();
      }
    });

    test('removal removes exactly the sample rows, keeps the city’s own, and is audited', async () => {
      const real = await buildIndicator(db, { planId, nodePath: '1/1', name: '実在の指標' });
      const realActual = await buildActual(db, real, 2023, 5);
      // A sample actual on the city's own indicator: removed, with a delete entry in its history.
      await buildActual(db, real, 2024, 6, { isSample: true });
      // A value entered (not sample) on a sample indicator goes with its indicator, and is counted.
      const sampleInd = await db.kysely
        .selectFrom('indicators')
        .select('id')
        .where('is_sample', '=', 1)
        .orderBy('id')
        .executeTakeFirstOrThrow();
      const marked = await db.kysely
        .selectFrom('indicator_actuals')
        .select((e) => e.fn.countAll().as('n'))
        .where('is_sample', '=', 1)
        .executeTakeFirstOrThrow();
      await buildActual(db, Number(sampleInd.id), 2026, 1);
      const before = await sampleCounts(db, MUNI);
      assert.ok(before.indicators > 0, 'sample data present');
      assert.equal(
        before.actuals,
        Number(marked.n) + 1,
        'the sample actuals and the one on a sample indicator',
      );

      const removed = await removeSampleData(db, { municipalityCode: MUNI, actor: ACTOR, at: AT });
      assert.deepEqual(removed, before, 'the counts removed');
      assert.deepEqual(await sampleCounts(db, MUNI), { indicators: 0, actuals: 0 }, 'no sample data left');
      assert.equal(await hasSampleData(db, MUNI), false, 'the banner condition is off');

      const indicators = await db.kysely.selectFrom('indicators').select(['id', 'is_sample']).execute();
      assert.deepEqual(
        indicators.map((i) => Number(i.id)),
        [real],
        'only the real indicator remains',
      );
      const actuals = await db.kysely.selectFrom('indicator_actuals').select(['id', 'value']).execute();
      assert.deepEqual(
        actuals.map((a) => [Number(a.id), Number(a.value)]),
        [[realActual, 5]],
        'only the real actual remains',
      );
      assert.equal(
        Number(
          (
            await db.kysely
              .selectFrom('indicator_targets')
              .select((e) => e.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        ),
        0,
        'the sample targets went with their indicators',
      );
      const history = await db.kysely
        .selectFrom('indicator_actual_history')
        .selectAll()
        .where('indicator_id', '=', real)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        history.map((h) => [Number(h.fiscal_year), h.change, Number(h.is_sample)]),
        [
          [2023, 'create', 0],
          [2024, 'create', 1],
          [2024, 'delete', 1],
        ],
        'the real indicator keeps its history, with the sample actual’s removal marked',
      );
      const others = await db.kysely
        .selectFrom('indicator_actual_history')
        .select((e) => e.fn.countAll().as('n'))
        .where('indicator_id', '<>', real)
        .executeTakeFirstOrThrow();
      assert.equal(Number(others.n), 0, 'the sample indicators’ history went with them');

      const audit = await db.kysely
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'kpi.sample.remove')
        .execute();
      assert.equal(audit.length, 1, 'audited once');
      assert.equal(audit[0]?.actor_label, ACTOR.label, 'with the actor');
      assert.deepEqual(JSON.parse(audit[0]?.before_json as string), before, 'the counts before');

      assert.deepEqual(
        await removeSampleData(db, { municipalityCode: MUNI, actor: ACTOR, at: AT }),
        { indicators: 0, actuals: 0 },
        'removing again removes nothing',
      );
      assert.equal(
        (
          await db.kysely
            .selectFrom('audit_log')
            .select('id')
            .where('action', '=', 'kpi.sample.remove')
            .execute()
        ).length,
        1,
        'and records nothing',
      );
    });

    test('first start: loaded with KYOSO_SAMPLE_KPI=on, nothing with off', async () => {
      const off = await createTestDb(dialect);
      const on = await createTestDb(dialect);
      try {
        await seedIfEmpty(off, SEED);
        assert.equal(
          await loadSampleOnFirstStart(off, { municipality: MUNI, sampleKpi: false }, AT),
          null,
          'off',
        );
        assert.deepEqual(
          await sampleCounts(off, MUNI),
          { indicators: 0, actuals: 0 },
          'nothing loaded when off',
        );
        await seedIfEmpty(on, SEED);
        const loaded = await loadSampleOnFirstStart(on, { municipality: MUNI, sampleKpi: true }, AT);
        assert.ok(loaded && loaded.indicators > 0, 'loaded when on');
        assert.deepEqual(await sampleCounts(on, MUNI), loaded, 'as counted');
      } finally {
        await off.drop();
        await on.drop();
      }
    });

    test('a plan the set was not written for gets nothing', async () => {
      const other = await createTestDb(dialect);
      try {
        assert.deepEqual(
          await loadSampleKpi(other, { municipalityCode: MUNI, at: AT }),
          { indicators: 0, actuals: 0 },
          'no plan',
        );
        await seedIfEmpty(other, SEED);
        await other.kysely.updateTable('plan_nodes').set({ title: '別の施策' }).execute();
        assert.deepEqual(
          await loadSampleKpi(other, { municipalityCode: MUNI, at: AT }),
          { indicators: 0, actuals: 0 },
          'titles differ',
        );
      } finally {
        await other.drop();
      }
    });
  });
}
