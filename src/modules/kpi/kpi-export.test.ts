import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import type { PlanNode, PlanTree } from '../plan/plan.types.ts';
import { statusOf } from './kpi.service.ts';
import { type Actual, DEFAULT_GRADE_RULES, type Indicator } from './kpi.types.ts';
import {
  ACTUAL_HEADER,
  exportRows,
  INDICATOR_HEADER,
  indicatorsCsv,
  indicatorsJson,
  indicatorsXlsx,
  SAMPLE_WORD,
} from './kpi-export.ts';

function node(kind: 'policy' | 'measure', path: string, title: string, children: PlanNode[] = []): PlanNode {
  const ordinal = Number(path.split('/').pop());
  return {
    id: path.length * 10 + ordinal,
    parentId: null,
    kind,
    label: kind === 'policy' ? '重点施策' : '',
    number: String(ordinal),
    ordinal,
    title,
    body: [],
    path,
    children,
  };
}

const TREE = {
  version: {
    id: 1,
    label: '案',
    plan: { id: 1, title: '総合計画' },
    municipality: { code: '352161', name: '山陽小野田市' },
  },
  policies: [node('policy', '1', '地域を創る', [node('measure', '1/1', '新たな地域づくり')])],
} as unknown as PlanTree;

function indicator(over: Partial<Indicator>): Indicator {
  return {
    id: 7,
    planId: 1,
    nodePath: '1/1',
    position: 1,
    name: '地域運営組織の数',
    definition: '定義',
    source: '出典',
    unit: '団体',
    direction: 'up',
    rangeMin: null,
    rangeMax: null,
    decimals: 0,
    baselineValue: 2,
    baselineFy: 2020,
    targetValue: 12,
    targetFy: 2025,
    departmentId: null,
    effectiveDepartmentId: null,
    isSample: false,
    lockVersion: 1,
    updatedAt: '',
    ...over,
  };
}

function actual(fiscalYear: number, value: number, isSample = false): Actual {
  return {
    id: fiscalYear,
    indicatorId: 7,
    fiscalYear,
    value,
    status: 'final',
    note: '',
    enteredBy: null,
    enteredByName: '',
    enteredAt: '2026-05-01T00:00:00.000Z',
    isSample,
    lockVersion: 1,
  };
}

describe('indicator exports', () => {
  const s1 = statusOf(indicator({}), [actual(2021, 3), actual(2022, 5, true)], [], DEFAULT_GRADE_RULES);
  const s2 = statusOf(
    indicator({ id: 8, nodePath: '1', name: '=1+1', unit: '@x' }),
    [actual(2021, 1)],
    [],
    DEFAULT_GRADE_RULES,
  );
  const rows = exportRows(TREE, [s1, s2], DEFAULT_GRADE_RULES);

  test('one indicator row each and one actual row per indicator × fiscal year, with rates and marks', () => {
    assert.equal(rows.indicators.length, 2, 'indicators');
    assert.equal(rows.actuals.length, 10, 'two indicators × 2021–2025');
    const r2022 = rows.actuals.find((r) => r[2] === 7 && r[11] === 2022)!;
    const h = (name: (typeof ACTUAL_HEADER)[number]) => ACTUAL_HEADER.indexOf(name);
    assert.equal(r2022[h('実績値')], 5, 'value');
    assert.equal(r2022[h('年度')], '令和4年度（2022年度）', 'the year as people read it');
    assert.equal(r2022[h('年度目標値')], 6, 'the interpolated target 2 → 12 over five years');
    assert.equal(r2022[h('年度目標値の按分')], '按分', 'marked interpolated');
    assert.equal(r2022[h('達成率（%）')], Math.round(((5 - 2) / (6 - 2)) * 1000) / 10, 'rate');
    assert.equal(r2022[h('サンプル値')], SAMPLE_WORD, 'sample value marked');
    const r2021 = rows.actuals.find((r) => r[2] === 7 && r[11] === 2021)!;
    assert.equal(r2021[h('サンプル値')], '', 'not a sample');
    const own = rows.indicators.find((r) => r[2] === 8)!;
    assert.equal(own[INDICATOR_HEADER.indexOf('施策')], '', 'a policy-level indicator has no measure');
    assert.equal(own[INDICATOR_HEADER.indexOf('重点施策')], '重点施策1 地域を創る', 'its policy');
  });

  test('CSV: BOM, CRLF, formula-like cells neutralised', () => {
    const csv = indicatorsCsv(rows);
    assert.ok(csv.startsWith('\uFEFF重点施策,施策,'), 'BOM and header');
    assert.equal(csv.split('\r\n').length, 1 + 10 + 1, 'CRLF after each record');
    assert.ok(csv.includes(",'=1+1,"), 'formula name neutralised');
    assert.ok(csv.includes(",'@x,"), 'formula unit neutralised');
  });

  test('.xlsx reads back with the two sheets and the same cells', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(
      (await indicatorsXlsx(rows, new Date('2026-11-26T00:00:00Z'))) as unknown as ArrayBuffer,
    );
    assert.deepEqual(
      wb.worksheets.map((w) => w.name),
      ['指標', '実績'],
      'sheets',
    );
    const act = wb.getWorksheet('実績')!;
    assert.equal(act.rowCount, 11, 'header + rows');
    assert.deepEqual((act.getRow(1).values as unknown[]).slice(1), [...ACTUAL_HEADER], 'header');
    assert.equal(wb.getWorksheet('指標')!.getRow(3).getCell(4).value, "'=1+1", 'neutralised');
  });

  test('JSON carries isSample on indicators and actuals', () => {
    const json = indicatorsJson(TREE, [s1, s2], DEFAULT_GRADE_RULES);
    assert.equal(json.indicators.length, 2, 'indicators');
    assert.deepEqual(
      json.indicators[0]!.actuals.map((a) => a.isSample),
      [false, true],
      'isSample per actual',
    );
    assert.equal(json.indicators[0]!.measure, '1 新たな地域づくり', 'measure name');
  });
});
