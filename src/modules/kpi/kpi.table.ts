import type { Generated } from 'kysely';

/** Kysely table types of indicators (目標指標) and actuals (実績値). Migration 0006_kpi, ADR 0006. */

export interface IndicatorTable {
  id: Generated<number>;
  municipality_code: string;
  plan_id: number;
  /** The measure ("1/2") or 重点施策 ("1") it belongs to, as in measure_departments. */
  node_path: string;
  position: number;
  name: string;
  /** 定義: what is counted and how. */
  definition: string;
  /** 出典: where the number comes from. */
  source: string;
  unit: string;
  /** up (higher is better) | down (lower is better) | range (keep within range_min..range_max). */
  direction: string;
  range_min: number | null;
  range_max: number | null;
  /** Digits after the decimal point when shown. */
  decimals: Generated<number>;
  baseline_value: number;
  baseline_fy: number;
  target_value: number;
  target_fy: number;
  /** The owning department (担当課); null = the measure's lead department. */
  department_id: number | null;
  /** 1 = demonstration data (サンプル値), 0 = the city's own. */
  is_sample: Generated<number>;
  lock_version: Generated<number>;
  created_at: string;
  updated_at: string;
}

/** Yearly targets set explicitly; the years between are interpolated (and shown as such). */
export interface IndicatorTargetTable {
  municipality_code: string;
  indicator_id: number;
  fiscal_year: number;
  value: number;
}

/** The current actual of one indicator in one fiscal year. */
export interface IndicatorActualTable {
  id: Generated<number>;
  municipality_code: string;
  indicator_id: number;
  fiscal_year: number;
  value: number;
  /** preliminary (速報) | final (確定). */
  status: string;
  note: Generated<string>;
  entered_by: number | null;
  /** The name as it was when entered (kept if the account is later renamed or removed). */
  entered_by_name: string;
  entered_at: string;
  is_sample: Generated<number>;
  lock_version: Generated<number>;
}

/** Every change of an actual, append-only: the value after the change (null when deleted). */
export interface IndicatorActualHistoryTable {
  id: Generated<number>;
  municipality_code: string;
  indicator_id: number;
  fiscal_year: number;
  /** create | update | delete */
  change: string;
  value: number | null;
  status: string | null;
  note: Generated<string>;
  /** lock_version of the actual after the change (the last version for a delete). */
  version: number;
  /** form | upload | sample | import */
  via: string;
  import_id: number | null;
  entered_by: number | null;
  entered_by_name: string;
  entered_at: string;
  is_sample: Generated<number>;
}

export interface KpiSettingsTable {
  municipality_code: string;
  /** JSON GradeRule[] (kpi.types.ts), highest first; the last has min null. */
  grade_rules: string;
  lock_version: Generated<number>;
  updated_at: string;
}

export interface KpiImportTable {
  id: Generated<number>;
  municipality_code: string;
  user_id: number | null;
  department_id: number | null;
  file_name: string;
  /** The fiscal year chosen on the upload page (what the file is checked against). */
  fiscal_year: number | null;
  /** xlsx | csv */
  format: string;
  /** queued | validating | applying | done | failed */
  state: string;
  total_rows: Generated<number>;
  processed_rows: Generated<number>;
  applied_count: Generated<number>;
  /** JSON ImportProblem[]: sheet, row, column, message key and parameters. */
  errors: Generated<string>;
  created_at: string;
  finished_at: string | null;
}

export interface KpiTables {
  indicators: IndicatorTable;
  indicator_targets: IndicatorTargetTable;
  indicator_actuals: IndicatorActualTable;
  indicator_actual_history: IndicatorActualHistoryTable;
  kpi_settings: KpiSettingsTable;
  kpi_imports: KpiImportTable;
}
