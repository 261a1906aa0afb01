import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chartCacheStats, clearChartCache, indicatorChartSvg, sanitiseChartSvg } from './kpi.chart.ts';
import { statusOf } from './kpi.service.ts';
import { type Actual, DEFAULT_GRADE_RULES, type Indicator } from './kpi.types.ts';

const PAYLOAD = `<script>alert(1)</script><img src=x onerror=alert(2)>"'&`;

function indicator(over: Partial<Indicator> = {}): Indicator {
  return {
    id: 1,
    planId: 1,
    nodePath: '1/1',
    position: 1,
    name: '地域運営組織の数',
    definition: '',
    source: '',
    unit: '団体',
    direction: 'up',
    rangeMin: null,
    rangeMax: null,
    decimals: 0,
    baselineValue: 2,
    baselineFy: 2020,
    targetValue: 12,
    targetFy: 2027,
    departmentId: null,
    effectiveDepartmentId: null,
    isSample: false,
    lockVersion: 1,
    updatedAt: '2026-04-01T00:00:00.000Z',
    ...over,
  };
}

function actuals(rows: Array<[number, number, Actual['status']?]>): Actual[] {
  return rows.map(([fiscalYear, value, status = 'final'], i) => ({
    id: i + 1,
    indicatorId: 1,
    fiscalYear,
    value,
    status,
    note: '',
    enteredBy: null,
    enteredByName: 'テスト',
    enteredAt: '2026-05-01T00:00:00.000Z',
    isSample: false,
    lockVersion: 1,
  }));
}

describe('indicator charts (ECharts server-side SVG)', () => {
  test('baseline, targets, actuals and a dashed projection labelled with its points; axis in 令和', () => {
    clearChartCache();
    const s = statusOf(
      indicator(),
      actuals([
        [2021, 3],
        [2022, 5],
        [2023, 6, 'preliminary'],
      ]),
      [{ fiscalYear: 2023, value: 7 }],
      DEFAULT_GRADE_RULES,
    );
    assert.ok(s.projection, 'the fixture has a projection');
    const svg = indicatorChartSvg(s, 'ja');
    assert.ok(
      svg.startsWith('<svg class="kpi-chart__svg" role="img" aria-labelledby='),
      'role img, labelled',
    );
    assert.match(
      svg,
      /<title id="kc[0-9a-f]+-title">「地域運営組織の数」の基準値・目標値・実績値の推移<\/title>/,
    );
    assert.ok(svg.includes('見通し（3年度分の実績から）'), 'projection labelled');
    assert.ok(svg.includes('stroke-dasharray'), 'a dashed line');
    assert.ok(svg.includes('目標値（按分）'), 'interpolated targets in the legend');
    assert.ok(svg.includes('実績値（速報）'), 'preliminary actuals in the legend');
    assert.ok(svg.includes('基準値'), 'baseline in the legend');
    assert.ok(svg.includes('令和5'), 'axis labels in 和暦');
    assert.ok(!/\sstyle=|<style/.test(svg), 'no style attribute or element (strict CSP)');
    assert.ok(!/ecmeta_|zr\d+-/.test(svg), 'no ECharts metadata or shared ids');
  });

  test('a range indicator shows its band; no projection from fewer than 3 actuals', () => {
    const s = statusOf(
      indicator({ direction: 'range', rangeMin: 60, rangeMax: 80, targetValue: 70, unit: '%' }),
      actuals([
        [2022, 58],
        [2023, 65],
      ]),
      [],
      DEFAULT_GRADE_RULES,
    );
    const svg = indicatorChartSvg(s, 'en');
    assert.ok(svg.includes('Target range'), 'band in the legend');
    assert.ok(svg.includes('FY2023'), 'English axis');
    assert.ok(!svg.includes('Projection'), 'no projection');
  });

  test('user text is escaped and nothing executable gets in', () => {
    const s = statusOf(
      indicator({ name: PAYLOAD, unit: PAYLOAD }),
      actuals([[2021, 3]]),
      [],
      DEFAULT_GRADE_RULES,
    );
    const svg = indicatorChartSvg(s, 'ja');
    assert.ok(!svg.includes('<script'), 'no script element');
    assert.ok(!svg.includes('<img'), 'no img element');
    for (const tag of svg.match(/<[^>]+>/g) ?? [])
      assert.ok(!/\son[a-z]+=/i.test(tag), `no event handler: ${tag}`);
    assert.ok(svg.includes('&lt;script&gt;'), 'the payload shown as text');
    assert.throws(() => sanitiseChartSvg('<svg ><script>x</script></svg>', 'kc1', 'x'), /unsafe/);
    assert.throws(() => sanitiseChartSvg('<svg ><a onclick="x"></a></svg>', 'kc1', 'x'), /unsafe/);
  });

  test('unchanged data renders from the cache; a changed actual renders anew', () => {
    clearChartCache();
    const base = statusOf(indicator(), actuals([[2021, 3]]), [], DEFAULT_GRADE_RULES);
    const a = indicatorChartSvg(base, 'ja');
    const b = indicatorChartSvg(statusOf(indicator(), actuals([[2021, 3]]), [], DEFAULT_GRADE_RULES), 'ja');
    assert.equal(a, b, 'same SVG');
    assert.deepEqual(chartCacheStats(), { size: 1, hits: 1, misses: 1 }, 'the second came from the cache');
    const c = indicatorChartSvg(statusOf(indicator(), actuals([[2021, 4]]), [], DEFAULT_GRADE_RULES), 'ja');
    assert.notEqual(c, a, 'a changed value gives a new chart');
    indicatorChartSvg(base, 'en');
    assert.equal(chartCacheStats().misses, 3, 'the locale is part of the key');
  });
});
