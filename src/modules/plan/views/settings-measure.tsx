import type { ComponentChildren } from 'preact';
import type { PageContext } from '../../../web/context.ts';
import { CsrfInput, ErrorSummary, errorFor, Field, type FieldErrors } from '../../../web/forms.tsx';
import { Layout, Paragraphs } from '../../../web/layout.tsx';
import type { MeasureSettings, MeasureSettingsInput } from '../plan-settings.service.ts';
import { measureName, policyName } from './common.tsx';
import { departmentLabel } from './settings-list.tsx';

interface CheckboxItem {
  value: string;
  label: ComponentChildren;
  checked: boolean;
}

/**
 * A group of checkboxes in a fieldset: the legend, 任意, the hint, the error, then the boxes. The first box
 * carries the field's id, so that the error summary's link lands on it (GOV.UK).
 */
function Checkboxes({
  ctx,
  name,
  legend,
  hint,
  errors,
  items,
  empty,
}: {
  ctx: PageContext;
  name: string;
  legend: string;
  hint: string;
  errors: FieldErrors;
  items: CheckboxItem[];
  empty: string;
}) {
  const { t } = ctx;
  const error = errorFor(errors, name);
  const describedBy = [`${name}-hint`, error ? `${name}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={`field${error ? ' field--error' : ''}`}>
      <fieldset aria-describedby={describedBy}>
        <legend>
          {legend}
          <span class="opt">{t('form.optional')}</span>
        </legend>
        <p class="hint" id={`${name}-hint`}>
          {hint}
        </p>
        {error ? (
          <p class="field-error" id={`${name}-error`}>
            <span class="visually-hidden">{t('form.errorPrefix')}</span>
            {error}
          </p>
        ) : null}
        {items.length === 0 ? (
          <p id={name}>{empty}</p>
        ) : (
          items.map((item, i) => {
            const id = i === 0 ? name : `${name}-${i + 1}`;
            return (
              <label class="checkbox" for={id} key={item.value}>
                <input type="checkbox" id={id} name={name} value={item.value} checked={item.checked} />{' '}
                {item.label}
              </label>
            );
          })
        )}
      </fieldset>
    </div>
  );
}

/** One measure's departments and cross-cutting links, as a form (planners). */
export function SettingsMeasurePage({
  ctx,
  settings,
  values,
  errors,
}: {
  ctx: PageContext;
  settings: MeasureSettings;
  /** What the boxes show: the saved settings, or what was sent when the form failed. */
  values: MeasureSettingsInput;
  errors: FieldErrors;
}) {
  const { t } = ctx;
  const { measure, policy } = settings;
  const name = measureName(measure);
  const title = t('planSettings.form.title', { measure: name });
  const action = `/staff/plan/measures/${measure.path}`;
  const enabled = settings.departments.filter((d) => !d.disabled);
  const disabledSet = [settings.lead, ...settings.supporting].filter((d) => d?.disabled);
  const leadError = errorFor(errors, 'lead');
  return (
    <Layout
      ctx={ctx}
      title={title}
      error={errors.length > 0}
      section="staff"
      crumbs={[
        { href: '/staff', label: t('staff.home.title') },
        { href: '/staff/plan', label: t('planSettings.title') },
        { href: action, label: name },
      ]}
    >
      <ErrorSummary t={t} errors={errors} />
      <p class="eyebrow">{policyName(policy)}</p>
      <h1>{title}</h1>
      <section aria-labelledby="text-h">
        <h2 id="text-h">{t('planSettings.form.text')}</h2>
        <div class="prose">
          <Paragraphs paragraphs={measure.body} />
        </div>
      </section>
      {disabledSet.length > 0 ? (
        <p>
          <strong>
            {t('planSettings.form.disabledWarning', {
              names: disabledSet.map((d) => departmentLabel(ctx, d!)).join(t('owners.separator')),
            })}
          </strong>
        </p>
      ) : null}
      <form method="post" action={action} id="settings-form" novalidate>
        <CsrfInput token={ctx.csrfToken ?? ''} />
        <input type="hidden" name="version" value={String(settings.tree.version.id)} />
        <Field
          t={t}
          id="lead"
          label={t('planSettings.form.lead')}
          hint={t('planSettings.form.leadHint')}
          error={leadError}
          required={false}
        >
          {(describedBy) => (
            <select
              class="input"
              id="lead"
              name="lead"
              aria-describedby={describedBy}
              aria-invalid={leadError ? 'true' : undefined}
            >
              <option value="">{t('planSettings.form.leadNone')}</option>
              {enabled.map((d) => (
                <option key={d.id} value={String(d.id)} selected={d.id === values.leadId}>
                  {d.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Checkboxes
          ctx={ctx}
          name="supporting"
          legend={t('planSettings.form.supporting')}
          hint={t('planSettings.form.supportingHint')}
          errors={errors}
          empty={t('planSettings.form.noDepartments')}
          items={enabled.map((d) => ({
            value: String(d.id),
            label: d.name,
            checked: values.supportingIds.includes(d.id),
          }))}
        />
        {settings.crossCutting.length === 0 ? null : (
          <Checkboxes
            ctx={ctx}
            name="links"
            legend={t('planSettings.form.links')}
            hint={t('planSettings.form.linksHint')}
            errors={errors}
            empty=""
            items={settings.crossCutting.map(({ x, cell }) => ({
              value: String(x.ordinal),
              label: (
                <>
                  {x.title}
                  {cell.mentioned ? (
                    <span class="tag tag--mentioned">
                      {t('planSettings.form.mentioned', { words: cell.mentionedKeywords.join('、') })}
                    </span>
                  ) : (
                    <span class="tag">{t('planSettings.form.notMentioned')}</span>
                  )}
                </>
              ),
              checked: values.linkOrdinals.includes(x.ordinal),
            }))}
          />
        )}
        <button type="submit" class="button">
          {t('planSettings.form.submit')}
        </button>
      </form>
      <p>
        <a href="/staff/plan">{t('planSettings.form.cancel')}</a>
      </p>
    </Layout>
  );
}
