import { createHash } from 'node:crypto';
import * as echarts from 'echarts';
import { eraYear } from '../../shared/fiscal-year.ts';
import { type Locale, translator } from '../../web/i18n/messages.ts';
import { formatValue } from './kpi.math.ts';
import type { IndicatorStatus } from './kpi.types.ts';

/**
 * An indicator's chart as an SVG string, rendered on the server by Apache ECharts (no client script):
 * the baseline, the yearly targets (interpolated ones hollow), the actuals (preliminary ones hollow), the
 * projection as a dashed line labelled with the number of actuals it rests on, and for "keep within a
 * range" indicators the band of the range.
 *
 * The SVG is made safe to inline in a page under the strict CSP (style-src 'self'): ECharts writes text
 * styles as `style="…"` attributes and a `<style>` element for hover effects, which the CSP would block
 * (and Chromium would report). Both are rewritten: the style attributes become SVG presentation
 * attributes (font-size="14px" …), which no CSP restricts, and the hover `<style>` is dropped. ECharts
 * escapes text it draws; the caption (which holds the indicator's name, user text) is escaped here. The
 * output is checked for script, event handlers and script URLs and refused if any appears.
 *
 * Rendering costs about 5–12 ms per chart, so charts are cached in-process: the key is a SHA-1 of
 * everything the chart is drawn from (values, years, statuses, locale, caption), so a changed actual or
 * target gives a new key and unchanged data renders from the cache. The cache is a bounded LRU
 * ({@link CHART_CACHE_MAX} entries, about 10 KB each, so at most about 20 MB).
 */

export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 320;
export const CHART_CACHE_MAX = 2000;

const cache = new Map<string, string>();
let hits = 0;
let misses = 0;

/** Cache counters (tests and the benchmark). */
export function chartCacheStats(): { size: number; hits: number; misses: number } {
  return { size: cache.size, hits, misses };
}

export function clearChartCache(): void {
  cache.clear();
  hits = 0;
  misses = 0;
}

type ChartStatus = Pick<IndicatorStatus, 'indicator' | 'actuals' | 'targets' | 'projection'>;

/** Escapes text for an XML attribute or text node. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;',
  );
}

/** The words of the chart's caption (also the SVG's <title> and aria-label). */
export function chartCaption(status: ChartStatus, locale: Locale): string {
  const t = translator(locale);
  return t('kpi.public.chart.caption', { name: status.indicator.name });
}

/** The fiscal years the chart spans: from the baseline (or the first actual) to the target (or the last actual). */
export function chartYears(status: ChartStatus): number[] {
  const ind = status.indicator;
  const fys = status.actuals.map((a) => a.fiscalYear);
  const first = Math.min(ind.baselineFy, ...fys);
  const last = Math.max(ind.targetFy, ...fys);
  const out: number[] = [];
  for (let fy = first; fy <= last && out.length < 60; fy++) out.push(fy);
  return out;
}

/** 令和7 / (2025) on two lines on the axis (the table beside it gives 令和7年度（2025年度）in full). */
function axisLabel(fy: number, locale: Locale): string {
  return locale === 'ja' ? `${eraYear(fy).label}\n(${fy})` : `FY${fy}`;
}

const COLORS = {
  text: '#1a1a1c',
  axis: '#595959',
  grid: '#d8d8db',
  target: '#4d4d4d',
  actual: '#0031d8',
  projection: '#b23c00',
  baseline: '#1a1a1c',
  band: 'rgba(0, 122, 51, 0.14)',
  bandEdge: '#1b6a3a',
};

const FONT = "'Noto Sans JP', 'Hiragino Sans', 'Yu Gothic', Meiryo, sans-serif";

function optionOf(status: ChartStatus, locale: Locale): echarts.EChartsOption {
  const t = translator(locale);
  const ind = status.indicator;
  const years = chartYears(status);
  const idx = (fy: number) => years.indexOf(fy);
  const blank = () => years.map(() => null as unknown);
  const round = (v: number) => Number(v.toFixed(Math.min(10, ind.decimals + 2)));

  const baseline = blank();
  if (idx(ind.baselineFy) >= 0) baseline[idx(ind.baselineFy)] = ind.baselineValue;

  const target = blank();
  const interpolated = blank();
  if (ind.direction !== 'range') {
    if (idx(ind.baselineFy) >= 0) target[idx(ind.baselineFy)] = { value: ind.baselineValue, symbol: 'none' };
    for (const y of status.targets) {
      const i = idx(y.fiscalYear);
      if (i < 0) continue;
      target[i] = y.interpolated
        ? { value: round(y.value), symbol: 'emptyRect', symbolSize: 9 }
        : { value: round(y.value) };
      if (y.interpolated) interpolated[i] = round(y.value);
    }
  }

  const actual = blank();
  const preliminary = blank();
  for (const a of status.actuals) {
    const i = idx(a.fiscalYear);
    if (i < 0) continue;
    actual[i] =
      a.status === 'preliminary'
        ? { value: a.value, symbol: 'emptyCircle', symbolSize: 10 }
        : { value: a.value };
    if (a.status === 'preliminary') preliminary[i] = a.value;
  }

  const projection = blank();
  const p = status.projection;
  if (p)
    for (const pt of p.line) if (idx(pt.fiscalYear) >= 0) projection[idx(pt.fiscalYear)] = round(pt.value);

  const fmt = (v: number) => formatValue(v, ind.decimals, locale);
  const series: echarts.SeriesOption[] = [];
  if (ind.direction === 'range') {
    const min = ind.rangeMin ?? ind.targetValue;
    const max = ind.rangeMax ?? ind.targetValue;
    series.push({
      type: 'line',
      name: t('kpi.public.chart.range'),
      data: blank() as never,
      symbol: 'none',
      lineStyle: { color: COLORS.bandEdge },
      itemStyle: { color: COLORS.bandEdge },
      markArea: {
        silent: true,
        itemStyle: { color: COLORS.band, borderColor: COLORS.bandEdge, borderWidth: 1 },
        label: { show: false },
        data: [[{ yAxis: min }, { yAxis: max }]],
      },
    });
  } else {
    series.push({
      type: 'line',
      name: t('kpi.public.chart.target'),
      data: target as never,
      connectNulls: true,
      symbol: 'rect',
      symbolSize: 8,
      lineStyle: { color: COLORS.target, width: 1.5 },
      itemStyle: { color: COLORS.target },
    });
    if (status.targets.some((y) => y.interpolated))
      series.push({
        type: 'scatter',
        name: t('kpi.public.chart.interpolated'),
        data: interpolated as never,
        symbol: 'emptyRect',
        symbolSize: 9,
        itemStyle: { color: COLORS.target, borderColor: COLORS.target },
      });
  }
  series.push({
    type: 'scatter',
    name: t('kpi.public.chart.baseline'),
    data: baseline as never,
    symbol: 'diamond',
    symbolSize: 13,
    itemStyle: { color: COLORS.baseline },
  });
  series.push({
    type: 'line',
    name: t('kpi.public.chart.actual'),
    data: actual as never,
    connectNulls: true,
    symbol: 'circle',
    symbolSize: 9,
    lineStyle: { color: COLORS.actual, width: 2.5, type: 'solid' },
    itemStyle: { color: COLORS.actual },
  });
  if (status.actuals.some((a) => a.status === 'preliminary'))
    series.push({
      type: 'scatter',
      name: t('kpi.public.chart.preliminary'),
      data: preliminary as never,
      symbol: 'emptyCircle',
      symbolSize: 10,
      itemStyle: { color: COLORS.actual, borderColor: COLORS.actual },
    });
  if (p)
    series.push({
      type: 'line',
      name: t('kpi.public.chart.projection', { count: p.points }),
      data: projection as never,
      connectNulls: true,
      symbol: 'none',
      lineStyle: { color: COLORS.projection, width: 2, type: 'dashed' },
      itemStyle: { color: COLORS.projection },
    });

  const textStyle = { color: COLORS.text, fontFamily: FONT, fontSize: 13 };
  return {
    animation: false,
    textStyle,
    grid: { left: 72, right: 24, top: 40, bottom: 110 },
    legend: {
      bottom: 4,
      left: 'center',
      itemGap: 14,
      textStyle: { ...textStyle, fontSize: 12 },
      data: series.map((s) => String(s.name)),
    },
    xAxis: {
      type: 'category',
      data: years.map((fy) => axisLabel(fy, locale)),
      boundaryGap: true,
      axisLabel: { color: COLORS.text, fontFamily: FONT, fontSize: 12, interval: 0, hideOverlap: true },
      axisLine: { lineStyle: { color: COLORS.axis } },
      axisTick: { lineStyle: { color: COLORS.axis } },
    },
    yAxis: {
      type: 'value',
      scale: true,
      name: ind.unit,
      nameTextStyle: { color: COLORS.text, fontFamily: FONT, fontSize: 12, align: 'right' },
      axisLabel: { color: COLORS.text, fontFamily: FONT, fontSize: 12, formatter: (v: number) => fmt(v) },
      splitLine: { lineStyle: { color: COLORS.grid } },
    },
    series,
  };
}

const STYLE_TO_ATTR = new Set([
  'font-size',
  'font-family',
  'font-weight',
  'font-style',
  'fill',
  'stroke',
  'opacity',
  'fill-opacity',
  'stroke-opacity',
  'stroke-width',
  'text-decoration',
]);

/**
 * Makes ECharts' SVG fit to inline under the CSP and next to other charts: style attributes become
 * presentation attributes, the hover <style> goes, ids get a prefix of their own (two charts on one page
 * must not share clip-path ids), ECharts' metadata attributes go, and the root gets role="img", a <title>
 * and an aria-label.
 */
export function sanitiseChartSvg(raw: string, idPrefix: string, caption: string): string {
  let s = raw
    .replace(/<style[^>]*>[\s\S]*?<\/style>/g, '')
    .replace(/ style="([^"]*)"/g, (_m, css: string) => {
      const attrs: string[] = [];
      for (const decl of css.split(';')) {
        const at = decl.indexOf(':');
        if (at < 0) continue;
        const prop = decl.slice(0, at).trim().toLowerCase();
        const value = decl.slice(at + 1).trim();
        if (STYLE_TO_ATTR.has(prop) && !/[<>"]/.test(value)) attrs.push(` ${prop}="${value}"`);
      }
      return attrs.join('');
    })
    .replace(/ ecmeta_[a-z_]+="[^"]*"/g, '')
    .replace(/ class="zr\d+-cls-\d+"/g, '')
    .replace(/ pointer-events="[^"]*"/g, '')
    .replace(/zr\d+-/g, `${idPrefix}-`)
    // Smaller: the font once on the root (inherited), no XLink namespace or profile, no blank background.
    .replace(/ font-family="[^"]*"/g, '')
    .replace(/ (?:xmlns:xlink|version|baseProfile)="[^"]*"/g, '')
    .replace(/<rect width="\d+" height="\d+" x="0" y="0" fill="none"><\/rect>/, '')
    .replace(/\n+/g, '');
  const label = escapeXml(caption);
  s = s.replace(
    /^<svg /,
    `<svg class="kpi-chart__svg" role="img" aria-labelledby="${idPrefix}-title" focusable="false" font-family="${FONT.replace(/'/g, '')}" `,
  );
  s = s.replace(/^(<svg[^>]*>)/, `$1<title id="${idPrefix}-title">${label}</title>`);
  if (/<script|<foreignObject|<style|<image|<a[\s>]/i.test(s)) throw new Error('unsafe chart SVG');
  for (const tag of s.match(/<[^>]+>/g) ?? [])
    if (/\son[a-z]+\s*=|\sstyle\s*=|javascript:|\shref\s*=/i.test(tag)) throw new Error('unsafe chart SVG');
  return s;
}

/** A key of everything the chart is drawn from. */
function keyOf(status: ChartStatus, locale: Locale, caption: string): string {
  const ind = status.indicator;
  const input = [
    locale,
    caption,
    ind.unit,
    ind.direction,
    ind.decimals,
    ind.rangeMin,
    ind.rangeMax,
    ind.baselineValue,
    ind.baselineFy,
    ind.targetValue,
    ind.targetFy,
    status.targets.map((y) => [y.fiscalYear, y.value, y.interpolated]),
    status.actuals.map((a) => [a.fiscalYear, a.value, a.status]),
    status.projection ? status.projection.line.map((p) => p.value) : null,
    status.projection?.points ?? 0,
  ];
  return createHash('sha1').update(JSON.stringify(input)).digest('hex');
}

/**
 * The chart of one indicator as an SVG string safe to inline (see the module comment), from the cache
 * when the same data was drawn before.
 */
export function indicatorChartSvg(status: ChartStatus, locale: Locale): string {
  const caption = chartCaption(status, locale);
  const key = keyOf(status, locale, caption);
  const got = cache.get(key);
  if (got !== undefined) {
    hits++;
    cache.delete(key);
    cache.set(key, got);
    return got;
  }
  misses++;
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
  });
  let raw: string;
  try {
    chart.setOption(optionOf(status, locale));
    raw = chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
  const svg = sanitiseChartSvg(raw, `kc${key.slice(0, 10)}`, caption);
  cache.set(key, svg);
  if (cache.size > CHART_CACHE_MAX) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return svg;
}
