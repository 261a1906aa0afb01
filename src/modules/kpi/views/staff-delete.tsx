import type { PageContext } from '../../../web/context.ts';
import { CsrfInput, ErrorSummary, type FieldErrors } from '../../../web/forms.tsx';
import { Layout } from '../../../web/layout.tsx';
import type { Indicator } from '../kpi.types.ts';
import { baselineToTarget, kpiCrumbs } from './staff-common.tsx';

/** The confirmation before an indicator is deleted, saying what goes with it. */
export function DeleteIndicatorPage({
  ctx,
  indicator,
  nodeText,
  footprint,
  errors,
}: {
  ctx: PageContext;
  indicator: Indicator;
  /** 「重点施策1 … › 1 …」: where the indicator hangs. */
  nodeText: string;
  footprint: { actuals: number; history: number };
  errors: FieldErrors;
}) {
  const { t } = ctx;
  const title = t('kpi.staff.delete.title', { name: indicator.name });
  const action = `/staff/kpi/indicators/${indicator.id}/delete`;
  return (
    <Layout
      ctx={ctx}
      title={title}
      error={errors.length > 0}
      section="staff"
      crumbs={kpiCrumbs(
        ctx,
        { href: `/staff/kpi/indicators/${indicator.id}`, label: indicator.name },
        { href: action, label: t('kpi.staff.delete.crumb') },
      )}
    >
      <ErrorSummary t={t} errors={errors} />
      <p class="eyebrow">{nodeText}</p>
      <h1>{title}</h1>
      <div class="kpi-staff__warning">
        <p>
          <strong>{t('kpi.staff.delete.warning', footprint)}</strong>
        </p>
        <p>{t('kpi.staff.delete.irreversible')}</p>
      </div>
      <dl class="kpi-staff__dl">
        <div>
          <dt>{t('kpi.field.name')}</dt>
          <dd>{indicator.name}</dd>
        </div>
        <div>
          <dt>{t('kpi.staff.form.baselineAndTarget')}</dt>
          <dd>{baselineToTarget(ctx, indicator)}</dd>
        </div>
      </dl>
      <form method="post" action={action} id="delete-form">
        <CsrfInput token={ctx.csrfToken ?? ''} />
        <input type="hidden" name="lock_version" value={String(indicator.lockVersion)} />
        <button type="submit" class="button kpi-staff__danger">
          {t('kpi.staff.delete.submit')}
        </button>
      </form>
      <p>
        <a href={`/staff/kpi/indicators/${indicator.id}`}>{t('kpi.staff.delete.cancel')}</a>
      </p>
    </Layout>
  );
}
