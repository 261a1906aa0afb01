import { sql, type Transaction } from 'kysely';
import type { Database, Db } from '../../db/database.ts';
import type { Actual, ActualStatus, Direction, HistoryEntry, Indicator } from './kpi.types.ts';

/** The SQL of indicators. Reads for a page take a fixed number of queries, whatever the plan's size. */

type Kx = Db['kysely'] | Transaction<Database>;

const INDICATOR_COLUMNS = [
  'i.id',
  'i.plan_id',
  'i.node_path',
  'i.position',
  'i.name',
  'i.definition',
  'i.source',
  'i.unit',
  'i.direction',
  'i.range_min',
  'i.range_max',
  'i.decimals',
  'i.baseline_value',
  'i.baseline_fy',
  'i.target_value',
  'i.target_fy',
  'i.department_id',
  'i.is_sample',
  'i.lock_version',
  'i.updated_at',
] as const;

interface IndicatorRow {
  id: number;
  plan_id: number;
  node_path: string;
  position: number;
  name: string;
  definition: string;
  source: string;
  unit: string;
  direction: string;
  range_min: number | null;
  range_max: number | null;
  decimals: number;
  baseline_value: number;
  baseline_fy: number;
  target_value: number;
  target_fy: number;
  department_id: number | null;
  is_sample: number;
  lock_version: number;
  updated_at: string;
  lead_department_id: number | null;
}

function toIndicator(r: IndicatorRow): Indicator {
  return {
    id: Number(r.id),
    planId: Number(r.plan_id),
    nodePath: r.node_path,
    position: Number(r.position),
    name: r.name,
    definition: r.definition,
    source: r.source,
    unit: r.unit,
    direction: r.direction as Direction,
    rangeMin: r.range_min === null ? null : Number(r.range_min),
    rangeMax: r.range_max === null ? null : Number(r.range_max),
    decimals: Number(r.decimals),
    baselineValue: Number(r.baseline_value),
    baselineFy: Number(r.baseline_fy),
    targetValue: Number(r.target_value),
    targetFy: Number(r.target_fy),
    departmentId: r.department_id === null ? null : Number(r.department_id),
    effectiveDepartmentId:
      r.department_id !== null
        ? Number(r.department_id)
        : r.lead_department_id === null
          ? null
          : Number(r.lead_department_id),
    isSample: Number(r.is_sample) === 1,
    lockVersion: Number(r.lock_version),
    updatedAt: r.updated_at,
  };
}

export interface IndicatorFilter {
  municipalityCode: string;
  planId: number;
  /** Only these measures / 重点施策 (exact addresses). */
  nodePaths?: readonly string[];
  /** Only indicators whose effective department is this one. */
  departmentId?: number;
  ids?: readonly number[];
}

/** Indicator rows with the measure's lead department (the owner when the indicator names none). */
function indicatorsWithLead(kx: Kx, municipalityCode: string) {
  return kx
    .selectFrom('indicators as i')
    .select(INDICATOR_COLUMNS)
    .select((eb) =>
      eb
        .selectFrom('measure_departments as md')
        .whereRef('md.plan_id', '=', 'i.plan_id')
        .whereRef('md.node_path', '=', 'i.node_path')
        .where('md.role', '=', 'lead')
        .select((e) => e.fn.min('md.department_id').as('d'))
        .as('lead_department_id'),
    )
    .where('i.municipality_code', '=', municipalityCode);
}

function indicatorQuery(kx: Kx, f: IndicatorFilter) {
  let q = indicatorsWithLead(kx, f.municipalityCode).where('i.plan_id', '=', f.planId);
  if (f.nodePaths) q = q.where('i.node_path', 'in', f.nodePaths.length ? [...f.nodePaths] : ['\u0000']);
  if (f.ids) q = q.where('i.id', 'in', f.ids.length ? [...f.ids] : [-1]);
  return q;
}

/** Indicators in display order (by node address, then position). */
export async function selectIndicators(kx: Kx, f: IndicatorFilter): Promise<Indicator[]> {
  const rows = (await indicatorQuery(kx, f)
    .orderBy('i.node_path')
    .orderBy('i.position')
    .orderBy('i.id')
    .execute()) as unknown as IndicatorRow[];
  const all = rows.map(toIndicator);
  return f.departmentId === undefined ? all : all.filter((i) => i.effectiveDepartmentId === f.departmentId);
}

export async function selectIndicator(
  kx: Kx,
  municipalityCode: string,
  id: number,
): Promise<Indicator | null> {
  const row = (await indicatorsWithLead(kx, municipalityCode)
    .where('i.id', '=', id)
    .executeTakeFirst()) as unknown as IndicatorRow | undefined;
  return row ? toIndicator(row) : null;
}

/** Explicit yearly targets of the plan's indicators (one query). */
export async function selectTargets(
  kx: Kx,
  municipalityCode: string,
  indicatorIds: readonly number[],
): Promise<Map<number, Array<{ fiscalYear: number; value: number }>>> {
  const out = new Map<number, Array<{ fiscalYear: number; value: number }>>();
  if (indicatorIds.length === 0) return out;
  const rows = await kx
    .selectFrom('indicator_targets')
    .select(['indicator_id', 'fiscal_year', 'value'])
    .where('municipality_code', '=', municipalityCode)
    .where('indicator_id', 'in', [...indicatorIds])
    .orderBy('indicator_id')
    .orderBy('fiscal_year')
    .execute();
  for (const r of rows) {
    const id = Number(r.indicator_id);
    const list = out.get(id) ?? [];
    list.push({ fiscalYear: Number(r.fiscal_year), value: Number(r.value) });
    out.set(id, list);
  }
  return out;
}

interface ActualRow {
  id: number;
  indicator_id: number;
  fiscal_year: number;
  value: number;
  status: string;
  note: string;
  entered_by: number | null;
  entered_by_name: string;
  entered_at: string;
  is_sample: number;
  lock_version: number;
}

function toActual(r: ActualRow): Actual {
  return {
    id: Number(r.id),
    indicatorId: Number(r.indicator_id),
    fiscalYear: Number(r.fiscal_year),
    value: Number(r.value),
    status: r.status as ActualStatus,
    note: r.note,
    enteredBy: r.entered_by === null ? null : Number(r.entered_by),
    enteredByName: r.entered_by_name,
    enteredAt: r.entered_at,
    isSample: Number(r.is_sample) === 1,
    lockVersion: Number(r.lock_version),
  };
}

const ACTUAL_COLUMNS = [
  'id',
  'indicator_id',
  'fiscal_year',
  'value',
  'status',
  'note',
  'entered_by',
  'entered_by_name',
  'entered_at',
  'is_sample',
  'lock_version',
] as const;

/** Current actuals of the given indicators, oldest year first (one query). */
export async function selectActuals(
  kx: Kx,
  municipalityCode: string,
  indicatorIds: readonly number[],
): Promise<Map<number, Actual[]>> {
  const out = new Map<number, Actual[]>();
  if (indicatorIds.length === 0) return out;
  const rows = (await kx
    .selectFrom('indicator_actuals')
    .select(ACTUAL_COLUMNS)
    .where('municipality_code', '=', municipalityCode)
    .where('indicator_id', 'in', [...indicatorIds])
    .orderBy('indicator_id')
    .orderBy('fiscal_year')
    .execute()) as unknown as ActualRow[];
  for (const r of rows) {
    const a = toActual(r);
    const list = out.get(a.indicatorId) ?? [];
    list.push(a);
    out.set(a.indicatorId, list);
  }
  return out;
}

export async function selectActual(
  kx: Kx,
  municipalityCode: string,
  indicatorId: number,
  fiscalYear: number,
): Promise<Actual | null> {
  const r = (await kx
    .selectFrom('indicator_actuals')
    .select(ACTUAL_COLUMNS)
    .where('municipality_code', '=', municipalityCode)
    .where('indicator_id', '=', indicatorId)
    .where('fiscal_year', '=', fiscalYear)
    .executeTakeFirst()) as unknown as ActualRow | undefined;
  return r ? toActual(r) : null;
}

/** Every change of one indicator's actuals, newest first. */
export async function selectHistory(
  kx: Kx,
  municipalityCode: string,
  indicatorId: number,
  fiscalYear?: number,
): Promise<HistoryEntry[]> {
  let q = kx
    .selectFrom('indicator_actual_history')
    .selectAll()
    .where('municipality_code', '=', municipalityCode)
    .where('indicator_id', '=', indicatorId);
  if (fiscalYear !== undefined) q = q.where('fiscal_year', '=', fiscalYear);
  const rows = await q.orderBy('id', 'desc').execute();
  return rows.map((r) => ({
    id: Number(r.id),
    indicatorId: Number(r.indicator_id),
    fiscalYear: Number(r.fiscal_year),
    change: r.change as HistoryEntry['change'],
    value: r.value === null ? null : Number(r.value),
    status: r.status as ActualStatus | null,
    note: r.note,
    version: Number(r.version),
    via: r.via as HistoryEntry['via'],
    importId: r.import_id === null ? null : Number(r.import_id),
    enteredByName: r.entered_by_name,
    enteredAt: r.entered_at,
    isSample: Number(r.is_sample) === 1,
  }));
}

/** Whether any sample indicator or actual exists (the banner on every page). */
export async function hasSampleData(db: Db, municipalityCode: string): Promise<boolean> {
  const row = await sql<{
    x: number;
  }>`select 1 as x where exists (select 1 from indicators where municipality_code = ${municipalityCode} and is_sample = 1) or exists (select 1 from indicator_actuals where municipality_code = ${municipalityCode} and is_sample = 1)`.execute(
    db.kysely,
  );
  return row.rows.length > 0;
}

export async function selectGradeRulesJson(kx: Kx, municipalityCode: string): Promise<string | null> {
  const r = await kx
    .selectFrom('kpi_settings')
    .select('grade_rules')
    .where('municipality_code', '=', municipalityCode)
    .executeTakeFirst();
  return r?.grade_rules ?? null;
}
