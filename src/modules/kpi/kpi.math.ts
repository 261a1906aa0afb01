import type {
  Achievement,
  Actual,
  Direction,
  GradeRule,
  Indicator,
  Projection,
  Trend,
  YearTarget,
} from './kpi.types.ts';

/**
 * The arithmetic of indicators, pure and documented (ADR 0006). Pages show these formulas in words
 * (kpi.messages.ts, `kpi.formula.*`), so a change here must change them too.
 */

/** Rates are shown and graded with one decimal; far-out values are held to ±99,999.9 %. */
export const RATE_LIMIT = 99_999.9;

export function round1(x: number): number {
  const r = Math.round(x * 10) / 10;
  return Object.is(r, -0) ? 0 : r;
}

function clampRate(x: number): number {
  if (Number.isNaN(x)) return 0;
  return Math.min(RATE_LIMIT, Math.max(-RATE_LIMIT, x));
}

type RateInput = Pick<Indicator, 'direction' | 'baselineValue' | 'rangeMin' | 'rangeMax'>;

/**
 * 達成率 in percent, rounded to one decimal.
 * - up / down: (actual − baseline) ÷ (target − baseline) × 100. The sign of (target − baseline) carries the
 *   direction, so "lower is better" needs no other formula. When the target equals the baseline (keep the
 *   current level), 100 % if the actual is at the target or on the better side, otherwise 0 %.
 * - range: 100 % inside [min, max]; outside, 100 % − (distance to the range ÷ its width) × 100 %, not below
 *   0 % (a zero-width range: 100 % on the value, 0 % elsewhere).
 */
export function achievementRate(ind: RateInput, target: number, actual: number): number {
  if (ind.direction === 'range') {
    const min = ind.rangeMin ?? target;
    const max = ind.rangeMax ?? target;
    if (actual >= min && actual <= max) return 100;
    const width = max - min;
    if (!(width > 0)) return 0;
    const distance = actual < min ? min - actual : actual - max;
    return round1(clampRate(Math.max(0, 100 * (1 - distance / width))));
  }
  const span = target - ind.baselineValue;
  if (span === 0) {
    const meets = ind.direction === 'up' ? actual >= target : actual <= target;
    return meets ? 100 : 0;
  }
  // Overflow (values near the limits of a double) is held to ±RATE_LIMIT by its sign.
  return round1(clampRate(((actual - ind.baselineValue) / span) * 100));
}

/** The grade of a rate under the city's rules (highest first; the last rule takes the rest). */
export function gradeOf(rate: number, rules: readonly GradeRule[]): string {
  for (const r of rules) if (r.min !== null && rate >= r.min) return r.grade;
  return rules[rules.length - 1]?.grade ?? '';
}

/** Why a scale is not usable, as message keys of kpi.messages.ts; [] when it is. */
export function gradeRuleProblems(rules: readonly GradeRule[]): string[] {
  const problems: string[] = [];
  if (rules.length < 2 || rules.length > 10) problems.push('kpi.grades.error.count');
  const names = rules.map((r) => r.grade.trim());
  if (names.some((n) => n.length === 0 || n.length > 10)) problems.push('kpi.grades.error.name');
  if (new Set(names).size !== names.length) problems.push('kpi.grades.error.duplicate');
  const last = rules[rules.length - 1];
  if (last && last.min !== null) problems.push('kpi.grades.error.lastOpen');
  const mins = rules.slice(0, -1).map((r) => r.min);
  if (mins.some((m) => m === null || !Number.isFinite(m))) problems.push('kpi.grades.error.min');
  else
    for (let i = 1; i < mins.length; i++)
      if ((mins[i] as number) >= (mins[i - 1] as number)) {
        problems.push('kpi.grades.error.order');
        break;
      }
  return problems;
}

/**
 * The target of every fiscal year after the baseline up to the target year. Years the city set keep their
 * value; the others lie evenly on the straight line between the nearest set points (the baseline and the
 * final target included) and are marked interpolated. Range indicators have no yearly targets.
 */
export function yearlyTargets(
  ind: Pick<Indicator, 'direction' | 'baselineValue' | 'baselineFy' | 'targetValue' | 'targetFy'>,
  explicit: ReadonlyArray<{ fiscalYear: number; value: number }>,
): YearTarget[] {
  if (ind.direction === 'range' || ind.targetFy <= ind.baselineFy) return [];
  const known = new Map<number, number>();
  known.set(ind.baselineFy, ind.baselineValue);
  for (const t of explicit)
    if (t.fiscalYear > ind.baselineFy && t.fiscalYear < ind.targetFy) known.set(t.fiscalYear, t.value);
  known.set(ind.targetFy, ind.targetValue);
  const years = [...known.keys()].sort((a, b) => a - b);
  const out: YearTarget[] = [];
  for (let fy = ind.baselineFy + 1; fy <= ind.targetFy; fy++) {
    const set = known.get(fy);
    if (set !== undefined) {
      out.push({ fiscalYear: fy, value: set, interpolated: false });
      continue;
    }
    const lo = years.filter((y) => y < fy).pop() as number;
    const hi = years.find((y) => y > fy) as number;
    const a = known.get(lo) as number;
    const b = known.get(hi) as number;
    out.push({ fiscalYear: fy, value: a + ((b - a) * (fy - lo)) / (hi - lo), interpolated: true });
  }
  return out;
}

/** The target an actual of `fy` is measured against; null for the baseline year and before. */
export function targetFor(
  ind: Pick<Indicator, 'direction' | 'baselineFy' | 'targetFy' | 'targetValue'>,
  targets: readonly YearTarget[],
  fy: number,
): { value: number; interpolated: boolean } | null {
  if (ind.direction === 'range') return { value: ind.targetValue, interpolated: false };
  if (fy <= ind.baselineFy) return null;
  if (fy >= ind.targetFy) return { value: ind.targetValue, interpolated: false };
  const t = targets.find((x) => x.fiscalYear === fy);
  return t ? { value: t.value, interpolated: t.interpolated } : null;
}

/** 達成率 and grade of one actual, against the target of its fiscal year. */
export function achievementOf(
  ind: Indicator,
  targets: readonly YearTarget[],
  actual: Pick<Actual, 'fiscalYear' | 'value'>,
  rules: readonly GradeRule[],
): Achievement | null {
  const t = targetFor(ind, targets, actual.fiscalYear);
  if (!t) return null;
  const rate = achievementRate(ind, t.value, actual.value);
  return {
    rate,
    targetValue: t.value,
    targetInterpolated: t.interpolated,
    fiscalYear: actual.fiscalYear,
    grade: gradeOf(rate, rules),
  };
}

/** Whether `value` is at or on the better side of the final target. */
export function meetsFinalTarget(
  ind: Pick<Indicator, 'direction' | 'targetValue' | 'rangeMin' | 'rangeMax'>,
  value: number,
): boolean {
  if (ind.direction === 'range')
    return value >= (ind.rangeMin ?? ind.targetValue) && value <= (ind.rangeMax ?? ind.targetValue);
  return ind.direction === 'up' ? value >= ind.targetValue : value <= ind.targetValue;
}

/** Smallest number of actuals a projection rests on. */
export const MIN_PROJECTION_POINTS = 3;

/**
 * Least-squares line through the actuals (x = fiscal year), drawn to the target year. None from fewer than
 * three actuals, and none once the target year has an actual (the actual then speaks for itself).
 */
export function projectionOf(
  ind: Pick<Indicator, 'direction' | 'targetValue' | 'targetFy' | 'rangeMin' | 'rangeMax'>,
  actuals: ReadonlyArray<Pick<Actual, 'fiscalYear' | 'value'>>,
): Projection | null {
  const pts = actuals.filter((a) => Number.isFinite(a.value));
  if (pts.length < MIN_PROJECTION_POINTS) return null;
  const lastFy = Math.max(...pts.map((p) => p.fiscalYear));
  if (lastFy >= ind.targetFy) return null;
  const n = pts.length;
  const mx = pts.reduce((s, p) => s + p.fiscalYear, 0) / n;
  const my = pts.reduce((s, p) => s + p.value, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of pts) {
    sxy += (p.fiscalYear - mx) * (p.value - my);
    sxx += (p.fiscalYear - mx) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const intercept = my - slope * mx;
  const at = (fy: number) => my + slope * (fy - mx);
  const firstFy = Math.min(...pts.map((p) => p.fiscalYear));
  const line: Array<{ fiscalYear: number; value: number }> = [];
  for (let fy = firstFy; fy <= ind.targetFy; fy++) line.push({ fiscalYear: fy, value: at(fy) });
  const valueAtTarget = at(ind.targetFy);
  return {
    points: n,
    slope,
    intercept,
    line,
    valueAtTarget,
    willMiss: !meetsFinalTarget(ind, valueAtTarget),
  };
}

function distanceToRange(ind: Pick<Indicator, 'rangeMin' | 'rangeMax' | 'targetValue'>, v: number): number {
  const min = ind.rangeMin ?? ind.targetValue;
  const max = ind.rangeMax ?? ind.targetValue;
  return v < min ? min - v : v > max ? v - max : 0;
}

/** Direction of the last change between the two latest actuals, in the indicator's sense of "better". */
export function trendOf(
  ind: Pick<Indicator, 'direction' | 'rangeMin' | 'rangeMax' | 'targetValue'>,
  actuals: ReadonlyArray<Pick<Actual, 'fiscalYear' | 'value'>>,
): Trend {
  if (actuals.length < 2) return 'none';
  const sorted = [...actuals].sort((a, b) => a.fiscalYear - b.fiscalYear);
  const prev = sorted[sorted.length - 2] as Pick<Actual, 'value'>;
  const last = sorted[sorted.length - 1] as Pick<Actual, 'value'>;
  let better: number;
  if (ind.direction === 'range') better = distanceToRange(ind, prev.value) - distanceToRange(ind, last.value);
  else better = ind.direction === 'up' ? last.value - prev.value : prev.value - last.value;
  const scale = Math.max(Math.abs(prev.value), Math.abs(last.value), 1e-12);
  if (Math.abs(better) <= scale * 1e-9) return 'flat';
  return better > 0 ? 'improving' : 'worsening';
}

/** Whether an indicator is on track: the latest actual meets its year's target, or the projection reaches the final target. */
export type Standing = 'on_track' | 'behind' | 'no_data';
export function standingOf(achievement: Achievement | null, projection: Projection | null): Standing {
  if (!achievement) return 'no_data';
  if (achievement.rate >= 100) return 'on_track';
  if (projection && !projection.willMiss) return 'on_track';
  return 'behind';
}

/**
 * Roll-up of a measure or 重点施策: the mean of its indicators' rates, each held to 0–100 % first (so that
 * one far-exceeded indicator cannot hide one that is behind), graded by the same rules. Indicators without
 * a rate are left out and counted.
 */
export function rollUp(
  rates: ReadonlyArray<number | null>,
  rules: readonly GradeRule[],
): { rate: number | null; grade: string | null; counted: number; missing: number } {
  const got = rates.filter((r): r is number => r !== null);
  const missing = rates.length - got.length;
  if (got.length === 0) return { rate: null, grade: null, counted: 0, missing };
  const mean = got.reduce((s, r) => s + Math.min(100, Math.max(0, r)), 0) / got.length;
  const rate = round1(mean);
  return { rate, grade: gradeOf(rate, rules), counted: got.length, missing };
}

/** Expected sign of (target − baseline) for a direction: up needs target ≥ baseline, down ≤. */
export function directionAgrees(direction: Direction, baseline: number, target: number): boolean {
  if (direction === 'up') return target >= baseline;
  if (direction === 'down') return target <= baseline;
  return true;
}

/** A value as shown: grouped digits and the indicator's decimals (Japanese and English read alike). */
export function formatValue(value: number, decimals: number, locale: 'ja' | 'en' = 'ja'): string {
  // The same as value.toLocaleString(…): one formatter per locale and decimals, kept (making one costs
  // about 20 µs, and a page formats hundreds of values).
  const key = `${locale}:${decimals}`;
  let f = FORMATTERS.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale === 'ja' ? 'ja-JP' : 'en-GB', {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    });
    FORMATTERS.set(key, f);
  }
  return f.format(value);
}
const FORMATTERS = new Map<string, Intl.NumberFormat>();

export function formatRate(rate: number, locale: 'ja' | 'en' = 'ja'): string {
  return `${formatValue(rate, 1, locale)}%`;
}
