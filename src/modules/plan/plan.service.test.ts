import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';
import { buildPlanText, fixturePath, seedText } from '../../../test/support/factories.ts';
import { BUNDLED_PLAN } from '../../bootstrap.ts';
import { importPlanBytes, parsePlanJson } from './import/import-file.ts';
import { PlanParseError } from './import/plan-text-parser.ts';
import {
  crossCuttingMatrix,
  exportCurrentPlan,
  getCurrentPlan,
  importPlan,
  listPlanVersions,
  searchPlan,
} from './plan.service.ts';

const SEED_OPTIONS = {
  municipality: BUNDLED_PLAN.municipality,
  municipalityName: BUNDLED_PLAN.municipalityName,
  planTitle: BUNDLED_PLAN.planTitle,
  periodStartFy: 2022,
  periodEndFy: 2025,
};

const enc = (s: string) => new TextEncoder().encode(s);

async function rowCounts(db: TestDb) {
  const tables = [
    'municipalities',
    'plans',
    'plan_versions',
    'plan_nodes',
    'cross_cutting_measures',
    'plan_notes',
    'plan_search_entries',
  ] as const;
  const out: Record<string, number> = {};
  for (const t of tables) {
    const r = await db.kysely
      .selectFrom(t)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    out[t] = Number(r.n);
  }
  return out;
}

for (const dialect of DIALECTS) {
  describe(`plan service (${dialect})`, () => {
    let db: TestDb;
    before(async () => {
      db = await createTestDb(dialect);
    });
    after(async () => {
      await db?.drop();
    });

    test('imports the seed into the plan model', async () => {
      const r = await importPlanBytes(db, enc(seedText()), false, SEED_OPTIONS);
      assert.equal(r.status, 'created');
      assert.equal(r.seq, 1);
      const tree = await getCurrentPlan(db, '352161');
      assert.ok(tree);
      assert.equal(tree.version.state, 'draft');
      assert.equal(tree.version.label, '案');
      assert.equal(tree.version.plan.title, '第二次山陽小野田市総合計画 中期基本計画');
      assert.equal(tree.version.plan.periodStartFy, 2022);
      assert.equal(tree.vision?.title, '活力と笑顔あふれるまち');
      assert.equal(tree.project?.title, '3つの創る');
      assert.deepEqual(
        tree.policies.map((p) => [p.title, p.children.length]),
        [
          ['地域を創る', 2],
          ['ひとを創る', 3],
          ['まちの価値を創る', 4],
        ],
      );
      assert.deepEqual(
        tree.policies.flatMap((p) => p.children.map((m) => m.path)),
        ['1/1', '1/2', '2/1', '2/2', '2/3', '3/1', '3/2', '3/3', '3/4'],
      );
      assert.deepEqual(
        tree.crossCutting.measures.map((x) => x.title),
        ['デジタル化の推進', '山口東京理科大学との連携', 'スマイルエイジングの推進'],
      );
      assert.equal(tree.notes.length, 1);
      assert.match(tree.notes[0]!.text, /^※スマイルエイジング：/);
      const source = await db.kysely
        .selectFrom('plan_versions')
        .select('source_text')
        .executeTakeFirstOrThrow();
      assert.equal(source.source_text, seedText(), 'the source text is kept verbatim');
    });

    test('every table row carries the municipality code', async () => {
      for (const t of [
        'plans',
        'plan_versions',
        'plan_nodes',
        'cross_cutting_measures',
        'plan_notes',
        'plan_search_entries',
      ] as const) {
        const rows = await db.kysely.selectFrom(t).select('municipality_code').distinct().execute();
        assert.deepEqual(
          rows.map((r) => r.municipality_code),
          ['352161'],
          t,
        );
      }
    });

    test('importing the same file again changes nothing and says so', async () => {
      const before = await rowCounts(db);
      const r = await importPlanBytes(db, enc(seedText()), false, SEED_OPTIONS);
      assert.equal(r.status, 'unchanged');
      assert.equal(r.seq, 1);
      assert.deepEqual(await rowCounts(db), before);
    });

    test('a changed file becomes a new version, shown as current', async () => {
      const changed = seedText().replace(
        '地域防災力の向上を図ります。',
        '地域防災力の一層の向上を図ります。',
      );
      const r = await importPlanBytes(db, enc(changed), false, { ...SEED_OPTIONS, label: '案（修正）' });
      assert.equal(r.status, 'created');
      assert.equal(r.seq, 2);
      const tree = await getCurrentPlan(db, '352161');
      assert.equal(tree?.version.seq, 2);
      assert.match(tree!.policies[0]!.children[1]!.body[0]!, /一層の向上/);
      const versions = await listPlanVersions(db, '352161');
      assert.deepEqual(
        versions.map((v) => [v.seq, v.label]),
        [
          [2, '案（修正）'],
          [1, '案'],
        ],
      );
      // and the first version is still there, untouched
      assert.equal(versions[1]!.documentTitle, '中期基本計画 重点プロジェクト（案）');
    });

    test('a file it cannot understand is refused with the line named, and nothing is written', async () => {
      const before = await rowCounts(db);
      const broken = `${seedText()}\n●重点施策4 \n`;
      await assert.rejects(
        importPlanBytes(db, enc(broken), false, SEED_OPTIONS),
        (e: unknown) => e instanceof PlanParseError && e.line === 44 && /^44行目:/.test(e.message),
      );
      assert.deepEqual(await rowCounts(db), before);
    });

    test('a failure in the middle of writing rolls the whole import back', async () => {
      const before = await rowCounts(db);
      const doc = await exportCurrentPlan(db, '352161');
      doc.content.documentTitle = 'ロールバック確認用';
      doc.content.links = [{ node: '9/9', crossCutting: 0 }];
      await assert.rejects(importPlan(db, doc), /unknown node/);
      assert.deepEqual(await rowCounts(db), before);
    });

    test('the JSON form round-trips identically through another database', async () => {
      const exported = await exportCurrentPlan(db, '352161');
      const json = JSON.stringify(exported, null, 2);
      const other = await createTestDb(dialect);
      try {
        const r = await importPlan(other, parsePlanJson(json));
        assert.equal(r.status, 'created');
        const again = JSON.stringify(await exportCurrentPlan(other, '352161'), null, 2);
        assert.equal(again, json);
        // and importing the JSON into the database it came from is 'unchanged'
        const r2 = await importPlanBytes(db, enc(json), true);
        assert.equal(r2.status, 'unchanged');
      } finally {
        await other.drop();
      }
    });

    test('staff links survive the JSON round trip', async () => {
      const doc = await exportCurrentPlan(db, '352161');
      doc.content.links = [
        { node: '1/1', crossCutting: 0 },
        { node: '2/2', crossCutting: 1 },
      ];
      const other = await createTestDb(dialect);
      try {
        await importPlan(other, doc);
        const tree = await getCurrentPlan(other, '352161');
        const matrix = crossCuttingMatrix(tree!);
        const row11 = matrix.find((r) => r.node.path === '1/1')!;
        assert.equal(row11.cells[0]!.linked, true);
        assert.equal(row11.cells[1]!.linked, false);
        const back = await exportCurrentPlan(other, '352161');
        assert.deepEqual(back.content.links, doc.content.links);
      } finally {
        await other.drop();
      }
    });

    test('the matrix marks where the plan text mentions a cross-cutting theme', async () => {
      const tree = (await getCurrentPlan(db, '352161'))!;
      const matrix = crossCuttingMatrix(tree);
      assert.equal(matrix.length, 9);
      const school = matrix.find((r) => r.node.title === '学校教育の推進・小中高大の教育連携')!;
      assert.deepEqual(
        school.cells.map((c) => c.mentioned),
        [true, true, false],
      );
      assert.deepEqual(school.cells[0]!.mentionedKeywords, ['デジタル']);
      assert.equal(
        matrix.every((r) => r.cells.every((c) => !c.linked)),
        true,
        'no staff links yet',
      );
      const disaster = matrix.find((r) => r.node.title === '災害に強いまちづくり')!;
      assert.deepEqual(
        disaster.cells.map((c) => c.mentioned),
        [false, false, false],
      );
    });

    test('search finds 2-character words, 3+ character words and several words, with context', async () => {
      const tree = (await getCurrentPlan(db, '352161'))!;
      const bousai = await searchPlan(db, tree, '防災');
      assert.ok(bousai.hits.some((h) => h.title === '2 災害に強いまちづくり' && h.href === '/plan/1/2'));
      const kosodate = await searchPlan(db, tree, '子育');
      assert.ok(kosodate.hits.some((h) => h.href === '/plan/2/1'));
      const univ = await searchPlan(db, tree, '山口東京理科大学');
      assert.deepEqual(
        univ.hits.map((h) => h.href).sort(),
        ['/plan/2/2', '/plan/3', '/plan/cross-cutting/2'].sort(),
      );
      const both = await searchPlan(db, tree, 'デジタル　教育');
      assert.deepEqual(
        both.hits.map((h) => h.href),
        ['/plan/2/2'],
      );
      const fullwidth = await searchPlan(db, tree, 'ＲＭＯ');
      assert.deepEqual(
        fullwidth.hits.map((h) => h.href),
        ['/plan/1/1'],
      );
      const none = await searchPlan(db, tree, '宇宙開発');
      assert.equal(none.hits.length, 0);
      const percent = await searchPlan(db, tree, '%');
      assert.equal(percent.hits.length, 0, 'LIKE wildcards are matched literally');
      const one = await searchPlan(db, tree, '「');
      assert.ok(one.hits.length > 0, 'a single character works too');
    });

    test('a second city in another shape imports beside the first', async () => {
      const file = fixturePath('midori-kouki.txt');
      assert.ok(fs.existsSync(file), 'the second test plan exists');
      const r = await importPlanBytes(db, fs.readFileSync(file), false, {
        municipality: '999997',
        municipalityName: 'みどり市',
        planTitle: '第3次みどり市総合計画 後期基本計画',
      });
      assert.equal(r.status, 'created');
      const tree = (await getCurrentPlan(db, '999997'))!;
      assert.equal(tree.version.state, 'early_draft');
      assert.ok(tree.policies.length >= 2);
      assert.ok(tree.policies.every((p) => p.label === '基本目標' && p.children.length > 0));
      assert.ok(tree.crossCutting.measures.length > 0);
      // the first city is untouched
      assert.equal((await getCurrentPlan(db, '352161'))!.version.municipality.name, '山陽小野田市');
    });

    test('a large generated plan imports with every measure addressable', async () => {
      const r = await importPlanBytes(db, enc(buildPlanText({ policies: 6, measuresPerPolicy: 12 })), false, {
        municipality: '999996',
        municipalityName: 'テスト市',
      });
      assert.equal(r.status, 'created');
      const tree = (await getCurrentPlan(db, '999996'))!;
      assert.equal(tree.policies.flatMap((p) => p.children).length, 72);
      assert.equal(tree.policies[5]!.children[11]!.path, '6/12');
    });
  });
}
