import type { PageContext } from '../../../web/context.ts';
import { CsrfInput, ErrorSummary, errorFor, type FieldErrors } from '../../../web/forms.tsx';
import { Layout } from '../../../web/layout.tsx';
import type { SampleCounts } from '../kpi.sample.ts';
import { kpiCrumbs, Notice } from './staff-common.tsx';

export const SAMPLE_PAGE = '/staff/kpi/sample';

/**
 * /staff/kpi/sample (planners): how much sample data (サンプル値) exists, what it is, and the one form that
 * removes it all, with a confirmation box that must be ticked.
 */
export function SamplePage({
  ctx,
  counts,
  errors,
  notice,
}: {
  ctx: PageContext;
  counts: SampleCounts;
  errors: FieldErrors;
  notice?: string | undefined;
}) {
  const { t } = ctx;
  const title = t('kpi.sample.title');
  const any = counts.indicators > 0 || counts.actuals > 0;
  const confirmError = errorFor(errors, 'confirm');
  return (
    <Layout
      ctx={ctx}
      title={title}
      error={errors.length > 0}
      section="staff"
      crumbs={kpiCrumbs(ctx, { href: SAMPLE_PAGE, label: title })}
    >
      <ErrorSummary t={t} errors={errors} />
      <h1>{title}</h1>
      <Notice text={notice} />
      <p>{t('kpi.sample.page.about')}</p>
      {any ? (
        <>
          <section aria-labelledby="sample-current-h">
            <h2 id="sample-current-h">{t('kpi.sample.page.current')}</h2>
            <table class="kpi-sample__counts">
              <caption>{t('kpi.sample.page.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('kpi.sample.page.col.what')}</th>
                  <th scope="col">{t('kpi.sample.page.col.count')}</th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <th scope="row">{t('kpi.sample.page.indicators')}</th>
                  <td id="sample-indicators">{t('kpi.sample.page.count', { n: counts.indicators })}</td>
                </tr>
                <tr>
                  <th scope="row">{t('kpi.sample.page.actuals')}</th>
                  <td id="sample-actuals">{t('kpi.sample.page.count', { n: counts.actuals })}</td>
                </tr>
              </tbody>
            </table>
            <p>
              <a href="/dashboard">{t('kpi.sample.page.dashboardLink')}</a>
            </p>
          </section>
          <section aria-labelledby="sample-remove-h" class="kpi-sample__remove">
            <h2 id="sample-remove-h">{t('kpi.sample.page.removeHeading')}</h2>
            <p>{t('kpi.sample.page.removeText')}</p>
            <p class="kpi-sample__warning">{t('kpi.sample.page.removeWarning')}</p>
            <form method="post" action={SAMPLE_PAGE} novalidate>
              <CsrfInput token={ctx.csrfToken ?? ''} />
              <div class={`field${confirmError ? ' field--error' : ''}`}>
                {confirmError ? (
                  <p class="field-error" id="confirm-error">
                    <span class="visually-hidden">{t('form.errorPrefix')}</span>
                    {confirmError}
                  </p>
                ) : null}
                <label class="checkbox" for="confirm">
                  <input
                    type="checkbox"
                    id="confirm"
                    name="confirm"
                    value="yes"
                    aria-describedby={confirmError ? 'confirm-error' : undefined}
                    aria-invalid={confirmError ? 'true' : undefined}
                  />{' '}
                  {t('kpi.sample.page.confirm')}
                </label>
              </div>
              <button type="submit" class="button kpi-sample__button">
                {t('kpi.sample.page.submit')}
              </button>
            </form>
          </section>
        </>
      ) : (
        <>
          <p id="sample-none">{t('kpi.sample.page.none')}</p>
          <p>{t('kpi.sample.page.noneLoad')}</p>
        </>
      )}
      <p>
        <a href="/staff/kpi">{t('kpi.sample.page.backToList')}</a>
      </p>
    </Layout>
  );
}
