import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DIALECTS } from '../../../test/support/db.ts';
import { buildIndicator } from '../../../test/support/kpi.ts';
import {
  actualYears,
  createIndicator,
  deleteIndicator,
  gradeSettings,
  indicatorDetail,
  indicatorNode,
  removeActual,
  saveActual,
  saveGradeRules,
  staffIndicatorList,
  updateIndicator,
} from './indicator.service.ts';
import { DEFAULT_GRADE_RULES } from './kpi.types.ts';
import { type IndicatorInput, parseNumberText, validateIndicator } from './kpi-staff.schema.ts';
import { type KpiStaffWorld, kpiStaffWorld, MUNI } from './kpi-staff.test-support.ts';

const actor = { userId: null, label: 'test', ip: '127.0.0.1', requestId: 'r', name: 'テスト係' };
const now = new Date('2026-11-26T03:00:00.000Z');

function input(over: Partial<IndicatorInput> = {}): IndicatorInput {
  return {
    name: '避難所の数',
    definition: '指定避難所の数',
    source: '防災危機管理課調べ',
    unit: '箇所',
    direction: 'up',
    rangeMin: null,
    rangeMax: null,
    decimals: 0,
    baselineValue: 40,
    baselineFy: 2020,
    targetValue: 50,
    targetFy: 2026,
    departmentId: null,
    position: null,
    yearTargets: [{ fiscalYear: 2023, value: 44 }],
    ...over,
  };
}

test('numbers as officials type them', () => {
  assert.equal(parseNumberText('１，２３４．５'), 1234.5);
  assert.equal(parseNumberText(' 1,000 '), 1000);
  assert.equal(parseNumberText('−３'), -3);
  assert.equal(parseNumberText(''), null);
  assert.equal(parseNumberText('１２a'), 'invalid');
  assert.equal(parseNumberText('1e5'), 'invalid', 'no exponent notation');
  assert.equal(parseNumberText('Infinity'), 'invalid');
  const v = validateIndicator(
    {
      name: 'x',
      definition: 'y',
      source: 'z',
      direction: 'range',
      rangeMin: '１０',
      rangeMax: '２０',
      decimals: '',
      baselineValue: '15',
      baselineFy: '２０２０',
      targetValue: '15',
      targetFy: '2025',
      'yt-2022': '99',
    },
    new Set(),
  );
  assert.ok(!v.ok, 'decimals is required');
  const ok = validateIndicator(
    {
      name: 'x',
      definition: 'y',
      source: 'z',
      direction: 'range',
      rangeMin: '１０',
      rangeMax: '２０',
      decimals: '0',
      baselineValue: '15',
      baselineFy: '２０２０',
      targetValue: '15',
      targetFy: '2025',
      'yt-2022': '99',
    },
    new Set(),
  );
  assert.ok(ok.ok, 'a valid range indicator');
  assert.deepEqual([ok.value.rangeMin, ok.value.rangeMax, ok.value.baselineFy], [10, 20, 2020]);
  assert.deepEqual(ok.value.yearTargets, [], 'range indicators take no yearly targets');
});

for (const dialect of DIALECTS) {
  describe(`indicator.service (${dialect})`, () => {
    let w: KpiStaffWorld;
    before(async () => {
      w = await kpiStaffWorld(dialect);
    });
    after(async () => {
      await w?.close();
    });

    test('the list groups by 重点施策 and measure and filters by effective department', async () => {
      const all = await staffIndicatorList(w.db, MUNI);
      assert.ok(all, 'a current plan');
      assert.equal(all.total, 2);
      const g11 = all.groups.find((g) => g.node.path === '1/1');
      assert.deepEqual(
        g11?.statuses.map((s) => s.indicator.id),
        [w.kpi.indicatorId],
      );
      assert.equal(g11?.leadDepartmentId, w.deptA);
      assert.ok(
        all.groups.some((g) => g.node.kind === 'policy'),
        '重点施策 are groups too',
      );
      const b = await staffIndicatorList(w.db, MUNI, { departmentIds: [w.deptB] });
      assert.deepEqual(
        b?.groups.flatMap((g) => g.statuses.map((s) => s.indicator.id)),
        [w.kpi.otherIndicatorId],
        "only department B's",
      );
      assert.ok(
        b?.groups.every((g) => g.statuses.length > 0),
        'no empty groups when filtered',
      );
      assert.equal(await indicatorNode(w.db, MUNI, '99/1'), null);
      assert.equal((await indicatorNode(w.db, MUNI, '1/2'))?.lead?.id, w.deptB);
    });

    test('create, update with locking, delete with everything', async () => {
      const plan = await w.db.kysely.selectFrom('plans').select('id').orderBy('id').executeTakeFirstOrThrow();
      const id = await createIndicator(w.db, {
        municipalityCode: MUNI,
        planId: plan.id,
        nodePath: '1/2',
        input: input(),
        actor,
        now,
      });
      const d = await indicatorDetail(w.db, MUNI, id);
      assert.ok(d, 'created');
      assert.equal(d.indicator.effectiveDepartmentId, w.deptB, "the measure's lead by default");
      assert.ok(d.indicator.position > 0, 'placed after the others');
      assert.deepEqual(d.yearTargets, [{ fiscalYear: 2023, value: 44 }]);
      assert.deepEqual(actualYears(d.indicator, 2026), { from: 2021, to: 2026 });
      assert.deepEqual(actualYears(d.indicator, 2030), { from: 2021, to: 2030 });

      const same = await updateIndicator(w.db, {
        municipalityCode: MUNI,
        id,
        expectedVersion: 1,
        input: input({ position: d.indicator.position }),
        actor,
        now,
      });
      assert.equal(same.status, 'unchanged', 'saving the same definition changes nothing');
      const saved = await updateIndicator(w.db, {
        municipalityCode: MUNI,
        id,
        expectedVersion: 1,
        input: input({ name: '指定避難所の数', yearTargets: [], departmentId: w.deptA }),
        actor,
        now,
      });
      assert.equal(saved.status, 'saved');
      const d2 = await indicatorDetail(w.db, MUNI, id);
      assert.equal(d2?.indicator.lockVersion, 2);
      assert.equal(d2?.indicator.effectiveDepartmentId, w.deptA, 'its own department wins');
      assert.deepEqual(d2?.yearTargets, [], 'yearly targets replaced');
      const stale = await updateIndicator(w.db, {
        municipalityCode: MUNI,
        id,
        expectedVersion: 1,
        input: input({ name: '古い' }),
        actor,
        now,
      });
      assert.equal(stale.status, 'conflict');
      assert.ok(
        stale.status === 'conflict' && stale.current?.indicator.name === '指定避難所の数',
        "the other's definition",
      );

      const s1 = await saveActual(w.db, {
        municipalityCode: MUNI,
        indicatorId: id,
        fiscalYear: 2021,
        value: 41,
        status: 'final',
        note: '',
        expectedVersion: null,
        actor,
        now,
      });
      assert.equal(s1.status, 'saved');
      const s2 = await saveActual(w.db, {
        municipalityCode: MUNI,
        indicatorId: id,
        fiscalYear: 2021,
        value: 41,
        status: 'final',
        note: '',
        expectedVersion: 1,
        actor,
        now,
      });
      assert.equal(s2.status, 'unchanged', 'the same value again writes nothing');
      const s3 = await saveActual(w.db, {
        municipalityCode: MUNI,
        indicatorId: id,
        fiscalYear: 2022,
        value: 42,
        status: 'preliminary',
        note: '',
        expectedVersion: null,
        actor,
        now,
      });
      assert.equal(s3.status, 'saved');
      const r = await removeActual(w.db, {
        municipalityCode: MUNI,
        indicatorId: id,
        fiscalYear: 2022,
        expectedVersion: 1,
        actor,
        now,
      });
      assert.equal(r.status, 'deleted');
      const r2 = await removeActual(w.db, {
        municipalityCode: MUNI,
        indicatorId: id,
        fiscalYear: 2022,
        expectedVersion: 1,
        actor,
        now,
      });
      assert.equal(r2.status, 'conflict', 'already gone');

      assert.equal(
        await deleteIndicator(w.db, { municipalityCode: MUNI, id, expectedVersion: 1, actor, now }),
        'conflict',
      );
      assert.equal(
        await deleteIndicator(w.db, { municipalityCode: MUNI, id, expectedVersion: 2, actor, now }),
        'deleted',
      );
      assert.equal(await indicatorDetail(w.db, MUNI, id), null);
      const left = await w.db.kysely
        .selectFrom('indicator_actual_history')
        .select('id')
        .where('indicator_id', '=', id)
        .execute();
      assert.equal(left.length, 0, 'history removed with it');
      const audit = await w.db.kysely
        .selectFrom('audit_log')
        .select('action')
        .where('resource_type', '=', 'indicator')
        .execute();
      const actions = audit.map((a) => a.action);
      for (const a of [
        'indicator.create',
        'indicator.update',
        'indicator.delete',
        'indicator.actual.create',
        'indicator.actual.delete',
      ])
        assert.ok(actions.includes(a), `${a} audited`);
      assert.equal(
        actions.filter((a) => a === 'indicator.update').length,
        1,
        'unchanged and conflicting saves are not audited',
      );
    });

    test('grade rules: the usual scale until saved, then locked versions', async () => {
      const g0 = await gradeSettings(w.db, MUNI);
      assert.deepEqual(g0.rules, [...DEFAULT_GRADE_RULES]);
      assert.equal(g0.lockVersion, 0);
      const rules = [
        { grade: 'S', min: 120, label: '大きく上回る' },
        { grade: 'A', min: 100, label: '達成' },
        { grade: 'B', min: null, label: '未達成' },
      ];
      assert.equal(
        await saveGradeRules(w.db, { municipalityCode: MUNI, rules, expectedVersion: 1, actor, now }),
        'conflict',
      );
      assert.equal(
        await saveGradeRules(w.db, { municipalityCode: MUNI, rules, expectedVersion: 0, actor, now }),
        'saved',
      );
      assert.equal(
        await saveGradeRules(w.db, { municipalityCode: MUNI, rules, expectedVersion: 0, actor, now }),
        'conflict',
      );
      assert.equal(
        await saveGradeRules(w.db, { municipalityCode: MUNI, rules, expectedVersion: 1, actor, now }),
        'unchanged',
      );
      const g1 = await gradeSettings(w.db, MUNI);
      assert.deepEqual(g1.rules, rules);
      assert.equal(g1.lockVersion, 1);
      // another indicator still reads fine
      await buildIndicator(w.db, { nodePath: '1/1' });
    });
  });
}
