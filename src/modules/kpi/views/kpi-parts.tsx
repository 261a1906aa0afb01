import type { ComponentChildren } from 'preact';
import { formatFiscalYear } from '../../../shared/fiscal-year.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatRate, formatValue } from '../kpi.math.ts';

/** Small pieces every indicator view shares: values with their unit and サンプル値 mark, years, grades. */

/** The サンプル値 mark beside a value that is demonstration data (pages, and the same words in exports). */
export function SampleMark({ ctx, show }: { ctx: PageContext; show: boolean }) {
  if (!show) return null;
  return <span class="kpi-sample-mark">{ctx.t('kpi.sample.mark')}</span>;
}

/** 令和7年度（2025年度）, or FY2025 (Reiwa 7). */
export function fy(ctx: PageContext, year: number): string {
  return formatFiscalYear(year, ctx.locale);
}

/** A value with its unit, e.g. 1,234人 / 12.5%. */
export function valueText(ctx: PageContext, value: number, decimals: number, unit: string): string {
  return `${formatValue(value, decimals, ctx.locale)}${unit === '' ? '' : ctx.locale === 'ja' ? unit : ` ${unit}`}`;
}

export function rateText(ctx: PageContext, rate: number): string {
  return formatRate(rate, ctx.locale);
}

/** A grade as a labelled badge (the letter alone is not enough: the label says what it means). */
export function GradeBadge({ grade, label }: { grade: string; label: string }) {
  return (
    <span class="kpi-grade" data-grade={grade}>
      <span class="kpi-grade__letter">{grade}</span>
      <span class="kpi-grade__label">{label}</span>
    </span>
  );
}

export interface Fact {
  label: string;
  value: ComponentChildren;
  /** A class for the value (e.g. kpi-text for the city's own prose). */
  class?: string;
}

/** A description list of label–value pairs, each pair in a <div> (as the design system lays them out). */
export function Facts({ class: cls, items }: { class: string; items: ReadonlyArray<Fact | null> }) {
  return (
    <dl class={cls}>
      {items.map((f) =>
        f ? (
          <div key={f.label}>
            <dt>{f.label}</dt>
            <dd class={f.class}>{f.value}</dd>
          </div>
        ) : null,
      )}
    </dl>
  );
}
