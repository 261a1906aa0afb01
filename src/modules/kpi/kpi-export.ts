import ExcelJS from 'exceljs';
import { formatFiscalYear } from '../../shared/fiscal-year.ts';
import { csvRecord, formatTokyoDateTime, UTF8_BOM } from '../audit/audit.csv.ts';
import type { PlanTree } from '../plan/plan.types.ts';
import { measureName, policyName } from '../plan/views/common.tsx';
import { achievementOf, targetFor } from './kpi.math.ts';
import type { KpiStatus } from './kpi.service.ts';
import type { GradeRule } from './kpi.types.ts';
import { nodeOf } from './kpi-public.service.ts';

/**
 * All indicators and actuals of the plan as files for data users, made from one presenter (the rows
 * below) so that the .xlsx, the CSV and the JSON API say the same: CSV (UTF-8 with BOM, CRLF, RFC 4180,
 * every cell neutralised against formula injection as result-export.ts does), .xlsx with two sheets
 * (指標: one row per indicator; 実績: one row per indicator × fiscal year), and JSON with isSample. Each
 * sample value carries 「サンプル値」 in the column サンプル値. The files are Japanese whatever the UI language.
 */

export const SHEET_INDICATORS = '指標';
export const SHEET_ACTUALS = '実績';
export const SAMPLE_WORD = 'サンプル値';

const DIRECTION_JA = { up: '高いほどよい', down: '低いほどよい', range: '範囲内に保つ' } as const;
const STATUS_JA = { preliminary: '速報', final: '確定' } as const;

export const INDICATOR_HEADER = [
  '重点施策',
  '施策',
  '指標ID',
  '指標名',
  '指標の定義',
  '出典',
  '単位',
  '目指す方向',
  '範囲の下限',
  '範囲の上限',
  '基準値',
  '基準年度',
  '目標値',
  '目標年度',
  '最新の実績値',
  '最新の実績年度',
  '達成率（%）',
  '評価',
  'サンプル値',
] as const;

export const ACTUAL_HEADER = [
  '重点施策',
  '施策',
  '指標ID',
  '指標名',
  '単位',
  '目指す方向',
  '基準値',
  '基準年度',
  '目標値',
  '目標年度',
  '年度',
  '年度（西暦）',
  '年度目標値',
  '年度目標値の按分',
  '実績値',
  '速報・確定',
  '達成率（%）',
  '評価',
  '最終更新',
  'サンプル値',
] as const;

type Cell = string | number | null;

export interface ExportRows {
  indicators: Cell[][];
  actuals: Cell[][];
}

function nodeNames(tree: PlanTree, path: string): [string, string] {
  const n = nodeOf(tree, path);
  if (!n) return ['', ''];
  return [policyName(n.policy), n.measure ? measureName(n.measure) : ''];
}

/** The years of an indicator's rows: every year from the one after the baseline to the target, and any actual. */
function exportYears(s: KpiStatus): number[] {
  const years = new Set<number>();
  for (let y = s.indicator.baselineFy + 1; y <= s.indicator.targetFy && years.size < 100; y++) years.add(y);
  for (const a of s.actuals) years.add(a.fiscalYear);
  return [...years].sort((a, b) => a - b);
}

/** The rows of both tables, in the plan's order (statuses come in node and position order). */
export function exportRows(
  tree: PlanTree,
  statuses: readonly KpiStatus[],
  rules: readonly GradeRule[],
): ExportRows {
  const indicators: Cell[][] = [];
  const actuals: Cell[][] = [];
  for (const s of statuses) {
    const ind = s.indicator;
    const [policy, measure] = nodeNames(tree, ind.nodePath);
    const latestSample = ind.isSample || (s.latest?.isSample ?? false);
    indicators.push([
      policy,
      measure,
      ind.id,
      ind.name,
      ind.definition,
      ind.source,
      ind.unit,
      DIRECTION_JA[ind.direction],
      ind.rangeMin,
      ind.rangeMax,
      ind.baselineValue,
      formatFiscalYear(ind.baselineFy),
      ind.targetValue,
      formatFiscalYear(ind.targetFy),
      s.latest ? s.latest.value : null,
      s.latest ? formatFiscalYear(s.latest.fiscalYear) : null,
      s.achievement ? s.achievement.rate : null,
      s.achievement ? s.achievement.grade : null,
      latestSample || s.actuals.some((a) => a.isSample) ? SAMPLE_WORD : '',
    ]);
    for (const fy of exportYears(s)) {
      const target = targetFor(ind, s.targets, fy);
      const a = s.actuals.find((x) => x.fiscalYear === fy) ?? null;
      const ach = a ? achievementOf(ind, s.targets, a, rules) : null;
      actuals.push([
        policy,
        measure,
        ind.id,
        ind.name,
        ind.unit,
        DIRECTION_JA[ind.direction],
        ind.baselineValue,
        formatFiscalYear(ind.baselineFy),
        ind.targetValue,
        formatFiscalYear(ind.targetFy),
        formatFiscalYear(fy),
        fy,
        target ? Number(target.value.toFixed(Math.max(ind.decimals, 4))) : null,
        target ? (target.interpolated ? '按分' : '') : '',
        a ? a.value : null,
        a ? STATUS_JA[a.status] : '',
        ach ? ach.rate : null,
        ach ? ach.grade : '',
        a ? formatTokyoDateTime(a.enteredAt) : '',
        (a?.isSample ?? false) || ind.isSample ? SAMPLE_WORD : '',
      ]);
    }
  }
  return { indicators, actuals };
}

const text = (c: Cell) => (c === null ? '' : String(c));

/** The CSV of the actuals (one row per indicator × fiscal year): BOM, header, CRLF. */
export function indicatorsCsv(rows: ExportRows): string {
  let out = UTF8_BOM + csvRecord(ACTUAL_HEADER);
  for (const r of rows.actuals) out += csvRecord(r.map(text));
  return out;
}

/**
 * A text cell that a spreadsheet could take for a formula keeps a leading ' (as the CSV does); ExcelJS
 * writes strings as text, but a user who edits and re-saves the cell would make it live.
 */
function xlsxCell(c: Cell): Cell {
  if (typeof c !== 'string') return c;
  return /^(?:[\t\r\0]|[\s\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/.test(c) ? `'${c}` : c;
}

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE7F5' } };

/** The .xlsx with the sheets 指標 and 実績, as bytes. */
export async function indicatorsXlsx(rows: ExportRows, at: Date): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Kyoso';
  wb.created = at;
  wb.modified = at;
  const add = (name: string, header: readonly string[], body: Cell[][]) => {
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = header.map((h) => ({ header: h, width: Math.max(10, Math.min(40, h.length * 2 + 4)) }));
    ws.addRows(body.map((r) => r.map(xlsxCell)));
    ws.getRow(1).eachCell((cell) => {
      cell.font = { bold: true };
      cell.fill = HEADER_FILL;
    });
  };
  add(SHEET_INDICATORS, INDICATOR_HEADER, rows.indicators);
  add(SHEET_ACTUALS, ACTUAL_HEADER, rows.actuals);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The JSON of GET /api/indicators: the same data, with isSample on each indicator and actual. */
export function indicatorsJson(tree: PlanTree, statuses: readonly KpiStatus[], rules: readonly GradeRule[]) {
  return {
    municipality: tree.version.municipality,
    plan: { id: tree.version.plan.id, title: tree.version.plan.title, version: tree.version.label },
    gradeRules: rules,
    indicators: statuses.map((s) => {
      const ind = s.indicator;
      const [policy, measure] = nodeNames(tree, ind.nodePath);
      return {
        id: ind.id,
        nodePath: ind.nodePath,
        policy,
        measure: measure === '' ? null : measure,
        name: ind.name,
        definition: ind.definition,
        source: ind.source,
        unit: ind.unit,
        direction: ind.direction,
        rangeMin: ind.rangeMin,
        rangeMax: ind.rangeMax,
        decimals: ind.decimals,
        baseline: { value: ind.baselineValue, fiscalYear: ind.baselineFy },
        target: { value: ind.targetValue, fiscalYear: ind.targetFy },
        departmentId: ind.effectiveDepartmentId,
        isSample: ind.isSample,
        targets: s.targets,
        actuals: s.actuals.map((a) => {
          const ach = achievementOf(ind, s.targets, a, rules);
          return {
            fiscalYear: a.fiscalYear,
            value: a.value,
            status: a.status,
            enteredAt: a.enteredAt,
            isSample: a.isSample,
            rate: ach?.rate ?? null,
            grade: ach?.grade ?? null,
          };
        }),
        latest: s.latest ? { fiscalYear: s.latest.fiscalYear, value: s.latest.value } : null,
        rate: s.achievement?.rate ?? null,
        grade: s.achievement?.grade ?? null,
        trend: s.trend,
        standing: s.standing,
        projection: s.projection
          ? {
              points: s.projection.points,
              valueAtTarget: s.projection.valueAtTarget,
              willMiss: s.projection.willMiss,
            }
          : null,
      };
    }),
  };
}
