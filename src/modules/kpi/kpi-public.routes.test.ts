import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../../test/support/app.ts';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';
import { buildActual, buildIndicator, buildKpiFixture, type KpiFixture } from '../../../test/support/kpi.ts';
import { buildDepartment } from '../../../test/support/staff.ts';
import { formatFiscalYear } from '../../shared/fiscal-year.ts';

/** Text of a page with tags removed and entities decoded, for content assertions. */
function textOf(html: string): string {
  return html
    .replace(/<svg[\s\S]*?<\/svg>/g, ' ')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * The expected figures, computed here from the fixture's numbers with the textbook formulas (not with
 * kpi.math.ts): the year's target on the straight line from baseline to final target, the rate
 * (actual − baseline) ÷ (target − baseline), the least-squares line to the target year.
 */
function expected(
  base: number,
  baseFy: number,
  target: number,
  targetFy: number,
  actuals: Array<[number, number]>,
) {
  const [fy, value] = actuals[actuals.length - 1]!;
  const yearTarget = base + ((target - base) * (fy - baseFy)) / (targetFy - baseFy);
  const rate = Math.round(((value - base) / (yearTarget - base)) * 1000) / 10;
  const n = actuals.length;
  const mx = actuals.reduce((s, [x]) => s + x, 0) / n;
  const my = actuals.reduce((s, [, y]) => s + y, 0) / n;
  const slope =
    actuals.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) /
    actuals.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const atTarget = my + slope * (targetFy - mx);
  const grade = rate >= 100 ? 'A' : rate >= 80 ? 'B' : rate >= 50 ? 'C' : 'D';
  return { rate, rateText: `${rate.toFixed(1)}%`, grade, willMiss: atTarget < target, atTarget };
}

const FIRST = expected(2, 2020, 12, 2025, [
  [2021, 3],
  [2022, 5],
  [2023, 6],
]);
const OTHER = expected(80.5, 2020, 90, 2025, [
  [2021, 81.2],
  [2022, 82.0],
  [2023, 83.4],
]);

for (const dialect of DIALECTS) {
  describe(`public indicator pages (${dialect})`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    let f: KpiFixture;
    let rangeId: number;
    let policyIndId: number;
    let emptyId: number;
    let deptId: number;
    before(async () => {
      db = await createTestDb(dialect);
      app = await buildTestApp(db, { clock: () => new Date('2026-11-26T00:00:00Z') });
      f = await buildKpiFixture(db);
      deptId = await buildDepartment(db, '文化スポーツ課');
      // A range indicator with two actuals (no projection), one preliminary and a sample value.
      rangeId = await buildIndicator(db, {
        planId: f.planId,
        nodePath: '3/2',
        name: '体育館の稼働率',
        unit: '%',
        direction: 'range',
        rangeMin: 60,
        rangeMax: 80,
        baselineValue: 55,
        targetValue: 70,
        departmentId: deptId,
      });
      await buildActual(db, rangeId, 2022, 58);
      await buildActual(db, rangeId, 2023, 65, { status: 'preliminary', isSample: true });
      // An indicator on the 重点施策 itself, and one without any actual.
      policyIndId = await buildIndicator(db, { planId: f.planId, nodePath: '1', name: '地域活動への参加率' });
      await buildActual(db, policyIndId, 2021, 12);
      emptyId = await buildIndicator(db, {
        planId: f.planId,
        nodePath: '2/1',
        name: '待機児童数',
        direction: 'down',
        baselineValue: 10,
        targetValue: 0,
      });
      // Measure 1/2 is linked to the first cross-cutting measure (デジタル化の推進).
      const v = await db.kysely
        .selectFrom('plan_versions')
        .select('id')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      const node = await db.kysely
        .selectFrom('plan_nodes')
        .select('id')
        .where('version_id', '=', v.id)
        .where('path', '=', '1/2')
        .executeTakeFirstOrThrow();
      const cc = await db.kysely
        .selectFrom('cross_cutting_measures')
        .select('id')
        .where('version_id', '=', v.id)
        .orderBy('position')
        .executeTakeFirstOrThrow();
      await db.kysely
        .insertInto('cross_cutting_links')
        .values({
          municipality_code: '352161',
          version_id: v.id,
          node_id: node.id,
          cross_cutting_id: cc.id,
          created_at: new Date().toISOString(),
        })
        .execute();
    });
    after(async () => {
      await app?.close();
      await db?.drop();
    });

    test('the dashboard lists every indicator grouped by 重点施策 and measure, with rates computed independently', async () => {
      const res = await app.inject('/dashboard');
      assert.equal(res.statusCode, 200, 'dashboard');
      const text = textOf(res.body);
      for (const name of [
        '地域運営組織の数',
        '自主防災組織の結成率',
        '体育館の稼働率',
        '地域活動への参加率',
        '待機児童数',
      ])
        assert.ok(text.includes(name), `the dashboard lists ${name}`);
      assert.ok(text.includes(FIRST.rateText), `the first indicator's rate ${FIRST.rateText}`);
      assert.ok(text.includes(OTHER.rateText), `the other indicator's rate ${OTHER.rateText}`);
      assert.ok(text.includes(`${FIRST.grade}`), 'grade');
      assert.ok(text.includes('重点施策1 地域を創る'), 'grouped by policy');
      assert.ok(text.includes('1 新たな地域づくり'), 'grouped by measure');
      assert.ok(text.includes('令和5年度（2023年度）'), 'the latest actual with its fiscal year');
      assert.ok(text.includes('サンプル値'), 'the sample value is marked');
      assert.ok(text.includes('速報'), 'the preliminary value is marked');
      assert.equal(FIRST.willMiss, true, 'the fixture misses its target at the current pace');
      assert.ok(text.includes('このままでは目標に届かない見込み'), 'the projection flag');
      assert.ok(res.body.includes(`href="/dashboard/indicators/${f.indicatorId}"`), 'links to the indicator');
      assert.ok(res.body.includes('href="/plan/1/1"'), 'links to the measure page');
      // Summary: both fixture indicators behind (their projections miss), the range one on track (65 within
      // 60–80), the policy one by its rate (12 against the 2021 target on the line 2 → 12), the empty one
      // without data.
      const own = Math.round(((12 - 2) / (4 - 2)) * 1000) / 10;
      const behind = [FIRST, OTHER].filter((x) => x.rate < 100 && x.willMiss).length + (own < 100 ? 1 : 0);
      const onTrack = 1 + (own >= 100 ? 1 : 0);
      assert.ok(text.includes('実績なし 1件'), 'one indicator without an actual');
      assert.ok(text.includes(`遅れ ${behind}件`), `behind count ${behind}`);
      assert.ok(text.includes(`順調 ${onTrack}件`), `on track count ${onTrack}`);
      assert.ok(text.includes('（全5件）'), 'the total');
      // Roll-up of measure 1/1 (one indicator): its own rate, graded.
      assert.ok(text.includes(`平均達成率 ${FIRST.rateText}（指標1件）`), 'roll-up of the measure');
      // Roll-up of policy 1: its own indicator plus both measures'.
      const mean = Math.round(((Math.min(100, own) + FIRST.rate + OTHER.rate) / 3) * 10) / 10;
      assert.ok(text.includes(`平均達成率 ${mean.toFixed(1)}%（指標3件）`), `roll-up of the policy ${mean}`);
      assert.match(res.body, /<html lang="ja">/);
      assert.equal(res.body.match(/<h1[ >]/g)?.length, 1, 'one h1');
      assert.ok(!res.body.includes('<svg class="kpi-chart'), 'no chart on the dashboard');
    });

    test('filters: by cross-cutting measure, by department, to nothing, and invalid values', async () => {
      const cc = await app.inject('/dashboard?cc=1');
      assert.equal(cc.statusCode, 200, 'cc filter');
      const ccText = textOf(cc.body);
      assert.ok(ccText.includes('自主防災組織の結成率'), 'the linked measure 1/2 stays');
      assert.ok(!ccText.includes('地域運営組織の数'), 'measure 1/1 is not linked');
      assert.ok(ccText.includes('（全1件）'), 'one indicator');
      assert.ok(cc.body.includes('<option value="1" selected'), 'the form keeps the choice');

      const dept = await app.inject(`/dashboard?dept=${deptId}`);
      assert.equal(dept.statusCode, 200, 'dept filter');
      const deptText = textOf(dept.body);
      assert.ok(deptText.includes('体育館の稼働率'), 'the department’s indicator');
      assert.ok(!deptText.includes('自主防災組織の結成率'), 'others are left out');

      const none = await app.inject(`/dashboard?cc=1&dept=${deptId}`);
      assert.equal(none.statusCode, 200, 'filtered to nothing');
      assert.ok(textOf(none.body).includes('条件に合う指標はありません'), 'the no-match state');
      assert.ok(textOf(none.body).includes('（全0件）'), 'zero count');

      for (const q of ['cc=abc', 'cc=99', 'dept=x', 'dept=999999', 'cc=%3Cb%3E&cc=1', 'dept=-1']) {
        const bad = await app.inject(`/dashboard?${q}`);
        assert.equal(bad.statusCode, 400, `invalid filter ${q}`);
        const t = textOf(bad.body);
        assert.ok(/横断的施策の指定|担当課の指定/.test(t), `a Japanese message naming the field for ${q}`);
        assert.ok(t.includes('エラー：') || bad.body.includes('<title>エラー：'), 'the title says エラー');
      }
    });

    test('the indicator page shows chart, table, definition and the last change; 404 for unknown ids', async () => {
      const res = await app.inject(`/dashboard/indicators/${f.indicatorId}`);
      assert.equal(res.statusCode, 200, 'indicator page');
      const text = textOf(res.body);
      assert.ok(
        res.body.includes('<svg class="kpi-chart__svg" role="img"'),
        'an inline SVG chart with role img',
      );
      assert.ok(
        res.body.includes('見通し（3年度分の実績から）'),
        'the projection is labelled with its points',
      );
      assert.ok(res.body.includes('stroke-dasharray'), 'the projection is dashed');
      assert.ok(!/\sstyle="/.test(res.body), 'no inline style attribute (CSP)');
      for (const fy of [2020, 2021, 2022, 2023, 2024, 2025])
        assert.ok(text.includes(formatFiscalYear(fy)), `the table has ${formatFiscalYear(fy)}`);
      assert.ok(text.includes('按分'), 'interpolated targets are marked');
      assert.ok(text.includes(FIRST.rateText), 'the rate');
      assert.ok(text.includes('市内で設立された地域運営組織（RMO）の数'), 'definition');
      assert.ok(text.includes('市民活動推進課調べ'), 'source');
      assert.ok(text.includes('最終更新 2026年5月1日（金）'), 'the date of the last change');
      assert.ok(text.includes('高いほどよい'), 'direction');
      assert.ok(/<caption>[^<]*年度ごとの目標値と実績値<\/caption>/.test(res.body), 'table caption');
      assert.ok(res.body.includes('<th scope="row">'), 'row headers');

      const range = await app.inject(`/dashboard/indicators/${rangeId}`);
      assert.equal(range.statusCode, 200, 'range indicator page');
      const rt = textOf(range.body);
      assert.ok(rt.includes('60%〜80%'), 'the range');
      assert.ok(range.body.includes('目標範囲'), 'the band is in the chart legend');
      assert.ok(rt.includes('見通しは示していません'), 'no projection from 2 actuals');
      assert.ok(rt.includes('文化スポーツ課'), 'department');
      assert.ok(rt.includes('サンプル値'), 'sample mark');

      const empty = await app.inject(`/dashboard/indicators/${emptyId}`);
      assert.equal(empty.statusCode, 200, 'an indicator without actuals');
      assert.ok(textOf(empty.body).includes('まだ実績値がありません'), 'says so');

      // Three actuals, the last in the target year: the actual speaks for itself, no projection.
      const done = await buildIndicator(db, {
        planId: f.planId,
        nodePath: '3/4',
        name: '創業件数',
        targetFy: 2023,
      });
      for (const [fy, v] of [
        [2021, 4],
        [2022, 8],
        [2023, 12],
      ] as const)
        await buildActual(db, done, fy, v);
      const doneText = textOf((await app.inject(`/dashboard/indicators/${done}`)).body);
      assert.ok(
        doneText.includes('目標年度の実績値が出ているため'),
        'no projection once the target year has its actual',
      );
      await db.kysely.deleteFrom('indicator_actual_history').where('indicator_id', '=', done).execute();
      await db.kysely.deleteFrom('indicator_actuals').where('indicator_id', '=', done).execute();
      await db.kysely.deleteFrom('indicators').where('id', '=', done).execute();

      const en = await app.inject({ url: `/dashboard/indicators/${f.indicatorId}`, cookies: { lang: 'en' } });
      assert.equal(en.statusCode, 200, 'English');
      const enText = textOf(en.body);
      assert.ok(enText.includes('(FY2023 (Reiwa 5), Final)'), 'English year and status');
      assert.ok(en.body.includes('Projection (from 3 years of actuals)'), 'English projection label');

      for (const id of ['99999', 'abc', '0', '1e3'])
        assert.equal((await app.inject(`/dashboard/indicators/${id}`)).statusCode, 404, `404 for ${id}`);
    });

    test('the measure page has a 目標指標 section with cards; the policy page its own and the roll-ups', async () => {
      const m = await app.inject('/plan/1/1');
      assert.equal(m.statusCode, 200, 'measure page');
      const mt = textOf(m.body);
      assert.ok(mt.includes('目標指標'), 'section');
      assert.ok(mt.includes('地域運営組織の数'), 'card');
      assert.ok(m.body.includes('<svg class="kpi-chart__svg"'), 'chart');
      assert.ok(m.body.includes(`/dashboard/indicators/${f.indicatorId}`), 'link');
      assert.ok(mt.includes(FIRST.rateText), 'rate');
      const none = await app.inject('/plan/3/1');
      assert.ok(
        textOf(none.body).includes('この施策には目標指標がありません。'),
        'a measure without indicators',
      );

      const p = await app.inject('/plan/1');
      assert.equal(p.statusCode, 200, 'policy page');
      const pt = textOf(p.body);
      assert.ok(pt.includes('地域活動への参加率'), 'its own indicator');
      assert.ok(pt.includes('施策ごとのまとめた評価'), 'measures roll-up');
      assert.ok(pt.includes(`平均達成率 ${OTHER.rateText}（指標1件）`), 'roll-up of measure 1/2');
    });

    test('the top page summarises the indicators by 重点施策; the about page explains', async () => {
      const top = await app.inject('/');
      const t = textOf(top.body);
      assert.ok(t.includes('目標指標の状況'), 'summary heading');
      assert.ok(top.body.includes('href="/dashboard"'), 'link to the dashboard');
      // Policy 1: its own indicator on track (500 %), the two fixture indicators behind.
      const p1 = [FIRST, OTHER].filter((x) => x.willMiss).length;
      assert.ok(
        top.body.includes(
          `重点施策1 地域を創る</a></th><td>${3 - p1}</td><td>${p1}</td><td>0</td><td>3</td>`,
        ),
        'policy 1: on track, behind, no data, total',
      );

      const about = await app.inject('/dashboard/about');
      assert.equal(about.statusCode, 200, 'about');
      const a = textOf(about.body);
      assert.ok(about.body.includes('id="sample"'), 'sample section');
      assert.ok(a.includes('A：達成率 100% 以上（達成）'), 'grade rules');
      assert.ok(a.includes('最小二乗法'), 'projection');
      assert.ok(a.includes('重点施策そのものに定めた指標'), 'policy roll-up documented');
    });

    test('CSV and .xlsx hold every indicator and actual, samples marked, formulas neutralised; JSON too', async () => {
      const csv = await app.inject('/dashboard/indicators.csv');
      assert.equal(csv.statusCode, 200, 'csv');
      assert.match(csv.headers['content-type'] as string, /text\/csv/);
      assert.match(csv.headers['content-disposition'] as string, /attachment; filename=/);
      const body = csv.rawPayload.toString('utf8');
      assert.ok(body.startsWith('\uFEFF'), 'BOM');
      const lines = body.slice(1).split('\r\n');
      assert.equal(lines.at(-1), '', 'ends with CRLF');
      assert.ok(lines[0]!.startsWith('重点施策,施策,指標ID,指標名'), 'header');
      assert.ok(lines[0]!.endsWith('サンプル値'), 'サンプル値 column');
      const row = lines.find((l) => l.includes(`,${f.indicatorId},`) && l.includes(',2023,'));
      assert.ok(row, 'the fixture’s 2023 row');
      assert.ok(
        row!.includes(`,6,確定,${FIRST.rate},${FIRST.grade},`),
        `actual, status, rate, grade: ${row}`,
      );
      assert.ok(row!.includes(',按分,'), 'interpolated target marked');
      const sampleRow = lines.find((l) => l.includes(`,${rangeId},`) && l.includes(',2023,'));
      assert.ok(sampleRow?.endsWith(',サンプル値'), `the sample value is marked: ${sampleRow}`);
      // The indicators × years: 5 years after the baseline up to the target (2021–2025) each.
      assert.equal(lines.length - 2, 5 * 5, 'one row per indicator × fiscal year');

      const xlsx = await app.inject('/dashboard/indicators.xlsx');
      assert.equal(xlsx.statusCode, 200, 'xlsx');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      assert.deepEqual(
        wb.worksheets.map((w) => w.name),
        ['指標', '実績'],
        'two sheets',
      );
      const ind = wb.getWorksheet('指標')!;
      assert.equal(ind.rowCount, 1 + 5, 'one row per indicator');
      const header = (ind.getRow(1).values as unknown[]).slice(1);
      const col = (h: string) => header.indexOf(h) + 1;
      const first = [...Array(ind.rowCount).keys()]
        .map((i) => ind.getRow(i + 1))
        .find((r) => r.getCell(col('指標ID')).value === f.indicatorId);
      assert.ok(first, 'the fixture indicator');
      assert.equal(first!.getCell(col('達成率（%）')).value, FIRST.rate, 'rate');
      assert.equal(first!.getCell(col('最新の実績値')).value, 6, 'latest');
      const act = wb.getWorksheet('実績')!;
      assert.equal(act.rowCount, 1 + 25, 'actual rows');
      const aHeader = (act.getRow(1).values as unknown[]).slice(1);
      const sampleCol = aHeader.indexOf('サンプル値') + 1;
      const marked = [...Array(act.rowCount - 1).keys()].filter(
        (i) => act.getRow(i + 2).getCell(sampleCol).value === 'サンプル値',
      );
      assert.equal(marked.length, 1, 'exactly the one sample value is marked');

      const api = await app.inject('/api/indicators');
      assert.equal(api.statusCode, 200, 'api');
      const json = api.json() as {
        indicators: Array<{
          id: number;
          isSample: boolean;
          rate: number | null;
          actuals: Array<{ isSample: boolean }>;
        }>;
      };
      assert.equal(json.indicators.length, 5, 'every indicator');
      const j = json.indicators.find((x) => x.id === f.indicatorId);
      assert.equal(j?.rate, FIRST.rate, 'rate in JSON');
      assert.equal(j?.isSample, false, 'isSample');
      const jr = json.indicators.find((x) => x.id === rangeId);
      assert.equal(jr?.actuals.filter((a) => a.isSample).length, 1, 'sample actual flagged');
    });

    test('formula-like text in an export is neutralised', async () => {
      const id = await buildIndicator(db, {
        planId: f.planId,
        nodePath: '3/3',
        name: '=HYPERLINK("http://x")',
      });
      try {
        const csv = (await app.inject('/dashboard/indicators.csv')).rawPayload.toString('utf8');
        assert.ok(csv.includes(`"'=HYPERLINK(""http://x"")"`), 'CSV cell starts with a quote');
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(
          (await app.inject('/dashboard/indicators.xlsx')).rawPayload as unknown as ArrayBuffer,
        );
        const ws = wb.getWorksheet('指標')!;
        const names: unknown[] = [];
        ws.eachRow((r) => names.push(r.getCell(4).value));
        assert.ok(names.includes(`'=HYPERLINK("http://x")`), 'xlsx cell starts with a quote');
      } finally {
        await db.kysely.deleteFrom('indicators').where('id', '=', id).execute();
      }
    });
  });
}
