import type { Db } from '../../src/db/database.ts';

/**
 * Factories of indicators, written directly to the tables (the flows are what the module tests exercise).
 * Indicators hang on the seed plan (Sanyo-Onoda, municipality 352161).
 */

const MUNI = '352161';

export async function seedPlanId(db: Db): Promise<number> {
  return (await db.kysely.selectFrom('plans').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
}

export interface IndicatorInput {
  planId?: number;
  nodePath?: string;
  position?: number;
  name?: string;
  unit?: string;
  direction?: 'up' | 'down' | 'range';
  rangeMin?: number | null;
  rangeMax?: number | null;
  decimals?: number;
  baselineValue?: number;
  baselineFy?: number;
  targetValue?: number;
  targetFy?: number;
  departmentId?: number | null;
  isSample?: boolean;
}

let counter = 0;

export async function buildIndicator(db: Db, input: IndicatorInput = {}): Promise<number> {
  const at = new Date('2026-04-01T00:00:00.000Z').toISOString();
  const r = await db.kysely
    .insertInto('indicators')
    .values({
      municipality_code: MUNI,
      plan_id: input.planId ?? (await seedPlanId(db)),
      node_path: input.nodePath ?? '1/1',
      position: input.position ?? ++counter,
      name: input.name ?? `地域運営組織の数 ${counter}`,
      definition: '市内で設立された地域運営組織（RMO）の数',
      source: '市民活動推進課調べ',
      unit: input.unit ?? '団体',
      direction: input.direction ?? 'up',
      range_min: input.rangeMin ?? null,
      range_max: input.rangeMax ?? null,
      decimals: input.decimals ?? 0,
      baseline_value: input.baselineValue ?? 2,
      baseline_fy: input.baselineFy ?? 2020,
      target_value: input.targetValue ?? 12,
      target_fy: input.targetFy ?? 2025,
      department_id: input.departmentId ?? null,
      is_sample: input.isSample ? 1 : 0,
      lock_version: 1,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function buildActual(
  db: Db,
  indicatorId: number,
  fiscalYear: number,
  value: number,
  options: { status?: 'preliminary' | 'final'; isSample?: boolean; note?: string } = {},
): Promise<number> {
  const at = new Date('2026-05-01T00:00:00.000Z').toISOString();
  const sample = options.isSample ? 1 : 0;
  const r = await db.kysely
    .insertInto('indicator_actuals')
    .values({
      municipality_code: MUNI,
      indicator_id: indicatorId,
      fiscal_year: fiscalYear,
      value,
      status: options.status ?? 'final',
      note: options.note ?? '',
      entered_by: null,
      entered_by_name: 'テスト',
      entered_at: at,
      is_sample: sample,
      lock_version: 1,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.kysely
    .insertInto('indicator_actual_history')
    .values({
      municipality_code: MUNI,
      indicator_id: indicatorId,
      fiscal_year: fiscalYear,
      change: 'create',
      value,
      status: options.status ?? 'final',
      note: options.note ?? '',
      version: 1,
      via: 'form',
      import_id: null,
      entered_by: null,
      entered_by_name: 'テスト',
      entered_at: at,
      is_sample: sample,
    })
    .execute();
  return r.id;
}

export interface KpiFixture {
  planId: number;
  /** On measure 1/1, no department of its own: the measure's lead department (the `editor` actor's). */
  indicatorId: number;
  /** On measure 1/2 (the `editorOther` actor's department leads it). */
  otherIndicatorId: number;
}

/** Two indicators with three years of actuals each (enough for a projection). */
export async function buildKpiFixture(db: Db): Promise<KpiFixture> {
  const planId = await seedPlanId(db);
  const indicatorId = await buildIndicator(db, { planId, nodePath: '1/1', name: '地域運営組織の数' });
  const otherIndicatorId = await buildIndicator(db, {
    planId,
    nodePath: '1/2',
    name: '自主防災組織の結成率',
    unit: '%',
    decimals: 1,
    baselineValue: 80.5,
    targetValue: 90,
  });
  for (const [fy, v] of [
    [2021, 3],
    [2022, 5],
    [2023, 6],
  ] as const)
    await buildActual(db, indicatorId, fy, v);
  for (const [fy, v] of [
    [2021, 81.2],
    [2022, 82.0],
    [2023, 83.4],
  ] as const)
    await buildActual(db, otherIndicatorId, fy, v);
  return { planId, indicatorId, otherIndicatorId };
}
