import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  achievementRate,
  gradeOf,
  gradeRuleProblems,
  meetsFinalTarget,
  projectionOf,
  RATE_LIMIT,
  rollUp,
  trendOf,
  yearlyTargets,
} from './kpi.math.ts';
import { DEFAULT_GRADE_RULES, type Direction, type GradeRule } from './kpi.types.ts';

/** Property tests of 達成率, grading, targets, projection and roll-up over random inputs (fast-check). */

const value = fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true });
const anyValue = fc.double({ noNaN: true, noDefaultInfinity: true });
const direction = fc.constantFrom<Direction>('up', 'down');
const oneDecimal = (x: number) => Math.abs(Math.round(x * 10) / 10 - x) < 1e-9;
const ind = (
  direction: Direction,
  baselineValue: number,
  rangeMin: number | null = null,
  rangeMax: number | null = null,
) => ({
  direction,
  baselineValue,
  rangeMin,
  rangeMax,
});

/** A valid scale: 2–6 grades with strictly decreasing minimums and an open last grade. */
const rules: fc.Arbitrary<GradeRule[]> = fc
  .uniqueArray(fc.integer({ min: -200, max: 300 }), { minLength: 1, maxLength: 5 })
  .map((mins) => {
    const sorted = [...mins].sort((a, b) => b - a);
    return [
      ...sorted.map((m, i) => ({ grade: `G${i}`, min: m, label: `level ${i}` })),
      { grade: `G${sorted.length}`, min: null, label: 'rest' },
    ];
  });

describe('achievementRate', () => {
  test('is a finite percentage with one decimal for any values, direction, even huge or negative', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Direction>('up', 'down', 'range'),
        anyValue,
        anyValue,
        anyValue,
        (d, b, t, a) => {
          const r = achievementRate(ind(d, b, Math.min(b, t), Math.max(b, t)), t, a);
          return Number.isFinite(r) && Math.abs(r) <= RATE_LIMIT && oneDecimal(r);
        },
      ),
    );
  });

  test('the actual at the target is 100 %, at the baseline 0 %, whatever the direction', () => {
    fc.assert(
      fc.property(direction, value, value, (d, b, t) => {
        fc.pre(t !== b);
        return achievementRate(ind(d, b), t, t) === 100 && achievementRate(ind(d, b), t, b) === 0;
      }),
    );
  });

  test('target equal to baseline (no division by zero): 100 % on or beyond the target, else 0 %', () => {
    fc.assert(
      fc.property(direction, value, value, (d, t, a) => {
        const r = achievementRate(ind(d, t), t, a);
        const better = d === 'up' ? a >= t : a <= t;
        return r === (better ? 100 : 0);
      }),
    );
  });

  test('moving the actual toward the target never lowers the rate (higher and lower is better)', () => {
    fc.assert(
      fc.property(value, value, value, value, (b, t, a1, a2) => {
        fc.pre(t !== b);
        const d: Direction = t > b ? 'up' : 'down';
        const [lo, hi] = a1 <= a2 ? [a1, a2] : [a2, a1];
        const rLo = achievementRate(ind(d, b), t, lo);
        const rHi = achievementRate(ind(d, b), t, hi);
        return d === 'up' ? rLo <= rHi : rLo >= rHi;
      }),
    );
  });

  test('"lower is better" is the mirror image of "higher is better"', () => {
    fc.assert(
      fc.property(value, value, value, (b, t, a) => {
        fc.pre(t !== b);
        return achievementRate(ind('down', b), t, a) === achievementRate(ind('up', -b), -t, -a);
      }),
    );
  });

  test('a worse actual than the baseline gives a negative rate (not hidden as 0)', () => {
    assert.equal(achievementRate(ind('up', 10), 20, 5), -50, 'up: 5 against 10 → 20 is −50 %');
    assert.equal(achievementRate(ind('down', 10), 5, 12), -40, 'down: 12 against 10 → 5 is −40 %');
    assert.equal(achievementRate(ind('down', -2), -6, -5), 75, 'negative values: −5 on −2 → −6 is 75 %');
  });

  test('range: 100 % inside, falling with the distance outside, never below 0 %', () => {
    fc.assert(
      fc.property(value, value, value, value, (x, y, a1, a2) => {
        const min = Math.min(x, y);
        const max = Math.max(x, y);
        const i = ind('range', 0, min, max);
        const r1 = achievementRate(i, min, a1);
        const inside = a1 >= min && a1 <= max;
        if (inside && r1 !== 100) return false;
        if (!inside && !(r1 >= 0 && r1 <= 100)) return false;
        const dist = (a: number) => (a < min ? min - a : a > max ? a - max : 0);
        const r2 = achievementRate(i, min, a2);
        return dist(a1) <= dist(a2) ? r1 >= r2 : r1 <= r2;
      }),
    );
  });
});

describe('grades', () => {
  test('generated scales are valid and the grade is the first rule whose minimum the rate reaches', () => {
    fc.assert(
      fc.property(rules, fc.double({ min: -500, max: 500, noNaN: true }), (rs, rate) => {
        if (gradeRuleProblems(rs).length !== 0) return false;
        const g = gradeOf(rate, rs);
        const expected = rs.find((r) => r.min !== null && rate >= r.min)?.grade ?? rs[rs.length - 1]?.grade;
        return g === expected;
      }),
    );
  });

  test('a higher rate never gets a lower grade', () => {
    fc.assert(
      fc.property(
        rules,
        fc.double({ min: -500, max: 500, noNaN: true }),
        fc.double({ min: -500, max: 500, noNaN: true }),
        (rs, a, b) => {
          const idx = (r: number) => rs.findIndex((x) => x.grade === gradeOf(r, rs));
          return a <= b ? idx(a) >= idx(b) : idx(a) <= idx(b);
        },
      ),
    );
  });

  test('the default scale: A ≥ 100, B ≥ 80, C ≥ 50, D otherwise; boundaries included', () => {
    const g = (r: number) => gradeOf(r, DEFAULT_GRADE_RULES);
    assert.deepEqual(
      [g(100), g(99.9), g(80), g(79.9), g(50), g(49.9), g(-10), g(250)],
      ['A', 'B', 'B', 'C', 'C', 'D', 'D', 'A'],
    );
  });

  test('bad scales are refused with the reason', () => {
    const base = [...DEFAULT_GRADE_RULES];
    assert.deepEqual(gradeRuleProblems(base), [], 'the default scale is valid');
    assert.ok(
      gradeRuleProblems([base[1]!, base[0]!, base[2]!, base[3]!]).includes('kpi.grades.error.order'),
      'order',
    );
    assert.ok(gradeRuleProblems([base[0]!, base[1]!]).includes('kpi.grades.error.lastOpen'), 'open last');
    assert.ok(
      gradeRuleProblems([base[0]!, { ...base[3]!, grade: 'A' }]).includes('kpi.grades.error.duplicate'),
      'dup',
    );
    assert.ok(gradeRuleProblems([base[3]!]).includes('kpi.grades.error.count'), 'count');
  });
});

describe('yearly targets', () => {
  test('one per year after the baseline; set years kept; others interpolated between neighbours', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2000, max: 2030 }),
        fc.integer({ min: 1, max: 12 }),
        value,
        value,
        fc.array(fc.tuple(fc.integer({ min: 1, max: 11 }), value), { maxLength: 5 }),
        (baseFy, span, b, t, sets) => {
          const i = {
            direction: 'up' as const,
            baselineValue: b,
            baselineFy: baseFy,
            targetValue: t,
            targetFy: baseFy + span,
          };
          const explicit = sets
            .filter(([o]) => o < span)
            .map(([o, v]) => ({ fiscalYear: baseFy + o, value: v }));
          const ys = yearlyTargets(i, explicit);
          if (ys.length !== span) return false;
          const last = ys[ys.length - 1]!;
          if (last.fiscalYear !== i.targetFy || last.value !== t || last.interpolated) return false;
          const setMap = new Map(explicit.map((e) => [e.fiscalYear, e.value]));
          const known = [
            [baseFy, b] as const,
            ...ys.filter((y) => !y.interpolated).map((y) => [y.fiscalYear, y.value] as const),
          ];
          for (const y of ys) {
            if (!y.interpolated) {
              if (y.fiscalYear !== i.targetFy && setMap.get(y.fiscalYear) !== y.value) return false;
              continue;
            }
            if (setMap.has(y.fiscalYear)) return false;
            const lo = known.filter(([fy]) => fy < y.fiscalYear).pop()!;
            const hi = known.find(([fy]) => fy > y.fiscalYear)!;
            const min = Math.min(lo[1], hi[1]);
            const max = Math.max(lo[1], hi[1]);
            const eps = 1e-6 * Math.max(1, Math.abs(min), Math.abs(max));
            if (y.value < min - eps || y.value > max + eps) return false;
          }
          return true;
        },
      ),
    );
  });

  test('evenly spaced: 2 → 12 over five years is 4, 6, 8, 10, 12', () => {
    const ys = yearlyTargets(
      { direction: 'up', baselineValue: 2, baselineFy: 2020, targetValue: 12, targetFy: 2025 },
      [],
    );
    assert.deepEqual(
      ys.map((y) => [y.fiscalYear, y.value, y.interpolated]),
      [
        [2021, 4, true],
        [2022, 6, true],
        [2023, 8, true],
        [2024, 10, true],
        [2025, 12, false],
      ],
    );
  });
});

describe('projection', () => {
  test('none from fewer than three actuals; a straight line is found exactly from three or more', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2000, max: 2020 }),
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: -1000, max: 1000, noNaN: true }),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.constantFrom<Direction>('up', 'down'),
        (first, n, slope, intercept, d) => {
          const actuals = Array.from({ length: n }, (_, k) => ({
            fiscalYear: first + k,
            value: intercept + slope * k,
          }));
          const i = {
            direction: d,
            targetValue: intercept,
            targetFy: first + n + 3,
            rangeMin: null,
            rangeMax: null,
          };
          const p = projectionOf(i, actuals);
          if (n < 3) return p === null;
          if (!p || p.points !== n) return false;
          const expected = intercept + slope * (n + 3);
          const tol = 1e-6 * Math.max(1, Math.abs(expected), Math.abs(slope) * 30, Math.abs(intercept));
          return (
            Math.abs(p.valueAtTarget - expected) <= tol &&
            p.willMiss === !meetsFinalTarget(i, p.valueAtTarget)
          );
        },
      ),
    );
  });

  test('none once the target year has an actual', () => {
    const actuals = [2021, 2022, 2023, 2024, 2025].map((fy, k) => ({ fiscalYear: fy, value: k }));
    assert.equal(
      projectionOf(
        { direction: 'up', targetValue: 9, targetFy: 2025, rangeMin: null, rangeMax: null },
        actuals,
      ),
      null,
    );
  });

  test('flags a miss at the current pace: 2, 3, 4 toward 12 in 2025 reaches only 6', () => {
    const p = projectionOf(
      { direction: 'up', targetValue: 12, targetFy: 2025, rangeMin: null, rangeMax: null },
      [
        { fiscalYear: 2021, value: 2 },
        { fiscalYear: 2022, value: 3 },
        { fiscalYear: 2023, value: 4 },
      ],
    );
    assert.ok(p, 'three points make a projection');
    assert.ok(Math.abs(p.valueAtTarget - 6) < 1e-9, `projected ${p.valueAtTarget}`);
    assert.equal(p.willMiss, true, 'misses 12');
  });
});

describe('trend and roll-up', () => {
  test('trend follows the direction of "better"', () => {
    const a = [
      { fiscalYear: 2021, value: 5 },
      { fiscalYear: 2022, value: 3 },
    ];
    const base = { targetValue: 0, rangeMin: null, rangeMax: null };
    assert.equal(trendOf({ ...base, direction: 'down' }, a), 'improving', 'lower is better: 5 → 3 improves');
    assert.equal(trendOf({ ...base, direction: 'up' }, a), 'worsening', 'higher is better: 5 → 3 worsens');
    assert.equal(trendOf({ ...base, direction: 'up' }, a.slice(0, 1)), 'none', 'one actual: no trend');
  });

  test('roll-up is the mean of rates held to 0–100, graded; missing ones are counted, not averaged', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.double({ min: -1000, max: 1000, noNaN: true }), { nil: null }), {
          maxLength: 20,
        }),
        (rates) => {
          const r = rollUp(rates, DEFAULT_GRADE_RULES);
          const got = rates.filter((x): x is number => x !== null);
          if (r.counted !== got.length || r.missing !== rates.length - got.length) return false;
          if (got.length === 0) return r.rate === null && r.grade === null;
          return (
            r.rate !== null &&
            r.rate >= 0 &&
            r.rate <= 100 &&
            r.grade === gradeOf(r.rate, DEFAULT_GRADE_RULES)
          );
        },
      ),
    );
    assert.equal(rollUp([150, 50], DEFAULT_GRADE_RULES).rate, 75, 'an over-achiever counts as 100, not 150');
  });
});
