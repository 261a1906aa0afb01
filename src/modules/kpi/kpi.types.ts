/** Vocabulary and domain types of indicators (目標指標). ADR 0006 explains the computations. */

export const DIRECTIONS = ['up', 'down', 'range'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const ACTUAL_STATUSES = ['preliminary', 'final'] as const;
/** preliminary = 速報値, final = 確定値. */
export type ActualStatus = (typeof ACTUAL_STATUSES)[number];

export function isDirection(v: unknown): v is Direction {
  return typeof v === 'string' && (DIRECTIONS as readonly string[]).includes(v);
}
export function isActualStatus(v: unknown): v is ActualStatus {
  return typeof v === 'string' && (ACTUAL_STATUSES as readonly string[]).includes(v);
}

/**
 * One grade of the city's scale: an achievement rate (percent, rounded to one decimal as shown) at or above
 * `min` earns it; the last rule has min null and takes everything else.
 */
export interface GradeRule {
  grade: string;
  min: number | null;
  /** What the grade means, e.g. 目標達成. */
  label: string;
}

/** The usual scale: A ≥ 100 %, B ≥ 80 %, C ≥ 50 %, D otherwise. */
export const DEFAULT_GRADE_RULES: readonly GradeRule[] = [
  { grade: 'A', min: 100, label: '達成' },
  { grade: 'B', min: 80, label: '概ね達成' },
  { grade: 'C', min: 50, label: 'やや遅れ' },
  { grade: 'D', min: null, label: '遅れ' },
];

/** An indicator's definition as the services return it. */
export interface Indicator {
  id: number;
  planId: number;
  /** The measure ("1/2") or 重点施策 ("1") it belongs to. */
  nodePath: string;
  position: number;
  name: string;
  definition: string;
  source: string;
  unit: string;
  direction: Direction;
  rangeMin: number | null;
  rangeMax: number | null;
  decimals: number;
  baselineValue: number;
  baselineFy: number;
  targetValue: number;
  targetFy: number;
  /** Set on the indicator; null = the measure's lead department (see effectiveDepartmentId). */
  departmentId: number | null;
  /** The owning department after falling back to the measure's lead department. */
  effectiveDepartmentId: number | null;
  isSample: boolean;
  lockVersion: number;
  updatedAt: string;
}

export interface Actual {
  id: number;
  indicatorId: number;
  fiscalYear: number;
  value: number;
  status: ActualStatus;
  note: string;
  enteredBy: number | null;
  enteredByName: string;
  enteredAt: string;
  isSample: boolean;
  lockVersion: number;
}

export interface HistoryEntry {
  id: number;
  indicatorId: number;
  fiscalYear: number;
  change: 'create' | 'update' | 'delete';
  value: number | null;
  status: ActualStatus | null;
  note: string;
  version: number;
  via: 'form' | 'upload' | 'sample' | 'import';
  importId: number | null;
  enteredByName: string;
  enteredAt: string;
  isSample: boolean;
}

/** A yearly target: set by the city, or interpolated evenly between the set ones (shown as such). */
export interface YearTarget {
  fiscalYear: number;
  value: number;
  interpolated: boolean;
}

export type Trend = 'improving' | 'worsening' | 'flat' | 'none';

export interface Projection {
  /** How many actuals the least-squares line rests on (3 or more). */
  points: number;
  slope: number;
  intercept: number;
  /** The line's value at each fiscal year from the first actual to the target year. */
  line: Array<{ fiscalYear: number; value: number }>;
  /** The line's value in the target year. */
  valueAtTarget: number;
  /** At the current pace the final target is missed. */
  willMiss: boolean;
}

/** 達成率 of one actual: percent, or null with the reason it cannot be computed. */
export interface Achievement {
  /** Percent, rounded to one decimal (as shown and as graded). */
  rate: number;
  /** The target it was measured against (the year's target, or the final target after the target year). */
  targetValue: number;
  targetInterpolated: boolean;
  fiscalYear: number;
  grade: string;
}

/** Everything a page shows about one indicator, computed once by the service. */
export interface IndicatorStatus {
  indicator: Indicator;
  actuals: Actual[];
  targets: YearTarget[];
  latest: Actual | null;
  achievement: Achievement | null;
  trend: Trend;
  projection: Projection | null;
}
