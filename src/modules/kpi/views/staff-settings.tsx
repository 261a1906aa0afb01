import type { PageContext } from '../../../web/context.ts';
import { CsrfInput, ErrorSummary, errorFor, type FieldErrors } from '../../../web/forms.tsx';
import { Layout } from '../../../web/layout.tsx';
import { formatValue } from '../kpi.math.ts';
import type { GradeRule } from '../kpi.types.ts';
import { GRADE_ROWS } from '../kpi-staff.schema.ts';
import { kpiCrumbs, Notice } from './staff-common.tsx';

/** The rows of the form from saved rules (empty rows fill it to GRADE_ROWS). */
export function gradeRows(rules: readonly GradeRule[]): Record<string, string> {
  const v: Record<string, string> = {};
  rules.forEach((r, i) => {
    v[`grade-grade-${i + 1}`] = r.grade;
    v[`grade-min-${i + 1}`] = r.min === null ? '' : String(r.min);
    v[`grade-label-${i + 1}`] = r.label;
  });
  return v;
}

/** The scale in words: 「A：達成率 100% 以上（目標を達成）」. */
export function ScaleList({ ctx, rules }: { ctx: PageContext; rules: readonly GradeRule[] }) {
  const { t } = ctx;
  return (
    <ul>
      {rules.map((r) => (
        <li key={r.grade}>
          {r.min === null
            ? t('kpi.gradeRuleLast', { grade: r.grade, label: r.label })
            : t('kpi.gradeRule', {
                grade: r.grade,
                min: formatValue(r.min, 1, ctx.locale).replace(/\.0$/, ''),
                label: r.label,
              })}
        </li>
      ))}
    </ul>
  );
}

/** The city's grade rules as a form of fixed rows (add or remove a grade by filling or emptying a row). */
export function KpiSettingsPage({
  ctx,
  current,
  isDefault,
  lockVersion,
  values,
  errors,
  conflict,
  notice,
}: {
  ctx: PageContext;
  current: GradeRule[];
  isDefault: boolean;
  lockVersion: number;
  values: Record<string, string>;
  errors: FieldErrors;
  conflict?: boolean;
  notice?: string | undefined;
}) {
  const { t } = ctx;
  const title = t('kpi.staff.settings.title');
  const all: FieldErrors = conflict
    ? [{ field: 'grades', message: t('kpi.staff.settings.conflict') }, ...errors]
    : errors;
  const tableErrors = all.filter((e) => e.field === 'grades');
  const rows = [];
  for (let i = 1; i <= GRADE_ROWS; i++) rows.push(i);
  const cell = (kind: 'grade' | 'min' | 'label', i: number) => {
    const id = `grade-${kind}-${i}`;
    const error = errorFor(all, id);
    return (
      <td class={error ? 'field--error' : undefined}>
        <label class="visually-hidden" for={id}>
          {t('kpi.staff.settings.cellLabel', { row: i, col: t(`kpi.staff.settings.col.${kind}`) })}
        </label>
        {error ? (
          <p class="field-error" id={`${id}-error`}>
            <span class="visually-hidden">{t('form.errorPrefix')}</span>
            {error}
          </p>
        ) : null}
        <input
          class={`input kpi-staff__cell kpi-staff__cell--${kind}`}
          type="text"
          id={id}
          name={id}
          value={values[id] ?? ''}
          inputMode={kind === 'min' ? 'decimal' : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          aria-invalid={error ? 'true' : undefined}
        />
      </td>
    );
  };
  return (
    <Layout
      ctx={ctx}
      title={title}
      error={all.length > 0}
      section="staff"
      crumbs={kpiCrumbs(ctx, { href: '/staff/kpi/settings', label: title })}
    >
      <ErrorSummary t={t} errors={all} />
      <h1>{title}</h1>
      <Notice text={notice} />
      <section aria-labelledby="current-h">
        <h2 id="current-h">{t('kpi.staff.settings.current')}</h2>
        {isDefault ? <p>{t('kpi.staff.settings.default')}</p> : null}
        <ScaleList ctx={ctx} rules={current} />
        <p>{t('kpi.formula.grade')}</p>
      </section>
      <section aria-labelledby="edit-h">
        <h2 id="edit-h">{t('kpi.staff.settings.edit')}</h2>
        <p id="grades-hint">{t('kpi.staff.settings.hint', { rows: GRADE_ROWS })}</p>
        <form method="post" action="/staff/kpi/settings" id="settings-form" novalidate>
          <CsrfInput token={ctx.csrfToken ?? ''} />
          <input type="hidden" name="lock_version" value={String(lockVersion)} />
          <div class={`field${tableErrors.length ? ' field--error' : ''}`}>
            {tableErrors.map((e) => (
              <p class="field-error" key={e.message}>
                <span class="visually-hidden">{t('form.errorPrefix')}</span>
                {e.message}
              </p>
            ))}
            {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
            <section class="table-scroll" aria-labelledby="edit-h" tabIndex={0}>
              <table id="grades" aria-describedby="grades-hint">
                <caption>{t('kpi.staff.settings.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('kpi.staff.settings.col.row')}</th>
                    <th scope="col">{t('kpi.staff.settings.col.grade')}</th>
                    <th scope="col">{t('kpi.staff.settings.col.min')}</th>
                    <th scope="col">{t('kpi.staff.settings.col.label')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((i) => (
                    <tr key={i}>
                      <th scope="row">{i}</th>
                      {cell('grade', i)}
                      {cell('min', i)}
                      {cell('label', i)}
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </div>
          <button type="submit" class="button">
            {t('kpi.staff.settings.save')}
          </button>
        </form>
      </section>
      <p>
        <a href="/staff/kpi">{t('kpi.staff.backToList')}</a>
      </p>
    </Layout>
  );
}
