import { formatDate, formatFiscalPeriod } from '../../../shared/fiscal-year.ts';
import type { PageContext } from '../../../web/context.ts';
import type { PlanNode, PlanTree } from '../plan.types.ts';

/** 「重点施策1 地域を創る」: the heading as the city numbers it. */
export function policyName(p: PlanNode): string {
  return `${p.label}${p.number} ${p.title}`;
}

/** 「1 新たな地域づくり」. */
export function measureName(m: PlanNode): string {
  return m.number ? `${m.number} ${m.title}` : m.title;
}

export function projectName(tree: PlanTree): string {
  return tree.project ? `「${tree.project.title}」` : tree.version.documentTitle;
}

/** The version's state, in words and not only colour, with what it means for the reader. */
export function StateNotice({ ctx, tree }: { ctx: PageContext; tree: PlanTree }) {
  const { t } = ctx;
  const state = t(`state.${tree.version.state}`);
  const adopted = tree.version.state === 'adopted';
  return (
    <p class={`state-notice state-notice--${tree.version.state}`}>
      <span class="badge">{state}</span>{' '}
      {adopted ? t('state.notice.adopted') : t('state.notice.draft', { state })}
    </p>
  );
}

/** Plan title, period and version, under the h1. */
export function PlanMeta({ ctx, tree }: { ctx: PageContext; tree: PlanTree }) {
  const { t, locale } = ctx;
  const v = tree.version;
  const period = formatFiscalPeriod(v.plan.periodStartFy, v.plan.periodEndFy, locale);
  return (
    <dl class="plan-meta">
      <div>
        <dt>{t('nav.plan')}</dt>
        <dd>{v.plan.title}</dd>
      </div>
      {period ? (
        <div>
          <dt>{t('plan.period')}</dt>
          <dd>{period}</dd>
        </div>
      ) : null}
      <div>
        <dt>{t('plan.document')}</dt>
        <dd>{v.documentTitle}</dd>
      </div>
      <div>
        <dt>{t('plan.version')}</dt>
        <dd>
          {t('plan.versionLine', { label: v.label, seq: v.seq, date: formatDate(v.createdAt, locale) })}
        </dd>
      </div>
    </dl>
  );
}
