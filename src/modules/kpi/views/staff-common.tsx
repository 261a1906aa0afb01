import { formatDateTime } from '../../../shared/fiscal-year.ts';
import type { PageContext } from '../../../web/context.ts';
import type { MessageKey } from '../../../web/i18n/messages.ts';
import type { Crumb } from '../../../web/layout.tsx';
import type { PlanNode } from '../../plan/plan.types.ts';
import { measureName, policyName } from '../../plan/views/common.tsx';
import type { Indicator } from '../kpi.types.ts';
import { fy, valueText } from './kpi-parts.tsx';

/** Pieces the staff pages of indicators share: breadcrumbs, node names, dates, the notice after a 303. */

export const KPI_HOME = '/staff/kpi';

export function kpiCrumbs(ctx: PageContext, ...more: Crumb[]): Crumb[] {
  return [
    { href: '/staff', label: ctx.t('staff.home.title') },
    { href: KPI_HOME, label: ctx.t('kpi.staff.title') },
    ...more,
  ];
}

/** 「重点施策1 地域を創る › 1 新たな地域づくり」, or the 重点施策 alone. */
export function nodeLabel(policy: PlanNode, node: PlanNode): string {
  return node.kind === 'policy' ? policyName(policy) : `${policyName(policy)} › ${measureName(node)}`;
}

export function when(ctx: PageContext, iso: string): string {
  return formatDateTime(iso, ctx.locale);
}

/** A value of the indicator as shown (grouped digits, its decimals, its unit). */
export function indicatorValue(
  ctx: PageContext,
  ind: Pick<Indicator, 'decimals' | 'unit'>,
  v: number,
): string {
  return valueText(ctx, v, ind.decimals, ind.unit);
}

/** 「基準値 2（令和2年度）→ 目標値 12（令和7年度）」 */
export function baselineToTarget(ctx: PageContext, ind: Indicator): string {
  return ctx.t('kpi.staff.baselineToTarget', {
    baseline: indicatorValue(ctx, ind, ind.baselineValue),
    baselineFy: fy(ctx, ind.baselineFy),
    target: indicatorValue(ctx, ind, ind.targetValue),
    targetFy: fy(ctx, ind.targetFy),
  });
}

/** The message after a successful POST (the 303 carries ?done=<key>). */
export function Notice({ text }: { text: string | undefined }) {
  if (!text) return null;
  return (
    <p class="notice" role="status">
      {text}
    </p>
  );
}

export const DONE_KEYS = {
  created: 'kpi.staff.done.created',
  saved: 'kpi.staff.done.saved',
  unchanged: 'kpi.staff.done.unchanged',
  deleted: 'kpi.staff.done.deleted',
  actualSaved: 'kpi.staff.done.actualSaved',
  actualUnchanged: 'kpi.staff.done.actualUnchanged',
  actualDeleted: 'kpi.staff.done.actualDeleted',
  settingsSaved: 'kpi.staff.done.settingsSaved',
  settingsUnchanged: 'kpi.staff.done.settingsUnchanged',
} as const satisfies Record<string, MessageKey>;
export type DoneKey = keyof typeof DONE_KEYS;

export function doneText(ctx: PageContext, done: unknown, params: Record<string, string | number> = {}) {
  return typeof done === 'string' && done in DONE_KEYS
    ? ctx.t(DONE_KEYS[done as DoneKey], params)
    : undefined;
}
