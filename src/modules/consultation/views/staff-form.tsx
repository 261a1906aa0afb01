import type { PageContext } from '../../../web/context.ts';
import {
  CsrfInput,
  errorFor,
  Field,
  type FieldErrors,
  FormPageLayout,
  TextInput,
} from '../../../web/forms.tsx';
import type { ConsultationFormValues } from '../consultation.schema.ts';
import type { Consultation } from '../consultation.types.ts';
import type { VersionOption } from '../consultation-admin.service.ts';
import { consultationCrumbs, hubPath } from './staff-common.tsx';

/** A multi-line field with its label, 必須/任意, hint and error. */
export function TextArea({
  ctx,
  id,
  label,
  hint,
  errors,
  value,
  required = false,
  rows = 4,
  maxLength,
}: {
  ctx: PageContext;
  id: string;
  label: string;
  hint?: string;
  errors: FieldErrors;
  value: string;
  required?: boolean;
  rows?: number;
  maxLength?: number;
}) {
  const error = errorFor(errors, id);
  return (
    <Field t={ctx.t} id={id} label={label} hint={hint} error={error} required={required}>
      {(describedBy) => (
        <textarea
          class="input pcs-textarea"
          id={id}
          name={id}
          rows={rows}
          maxLength={maxLength}
          aria-describedby={describedBy}
          aria-invalid={error ? 'true' : undefined}
        >
          {value}
        </textarea>
      )}
    </Field>
  );
}

/** A native date or time input inside the GOV.UK field frame. */
export function DateTimeInput({
  ctx,
  id,
  label,
  hint,
  errors,
  value,
  type,
}: {
  ctx: PageContext;
  id: string;
  label: string;
  hint?: string;
  errors: FieldErrors;
  value: string;
  type: 'date' | 'time';
}) {
  const error = errorFor(errors, id);
  return (
    <Field t={ctx.t} id={id} label={label} hint={hint} error={error}>
      {(describedBy) => (
        <input
          class="input pcs-input--short"
          type={type}
          id={id}
          name={id}
          value={value}
          aria-describedby={describedBy}
          aria-invalid={error ? 'true' : undefined}
        />
      )}
    </Field>
  );
}

/** The consultation form: create (consultation null) or change (with its lock version). */
export function StaffConsultationFormPage({
  ctx,
  consultation,
  versions,
  values,
  errors,
  lockVersion,
}: {
  ctx: PageContext;
  consultation: Consultation | null;
  versions: VersionOption[];
  values: ConsultationFormValues;
  errors: FieldErrors;
  lockVersion?: number;
}) {
  const { t } = ctx;
  const title = consultation
    ? t('pc.staff.form.editTitle', { title: consultation.title })
    : t('pc.staff.form.newTitle');
  const action = consultation ? `${hubPath(consultation.id)}/edit` : '/staff/consultations/new';
  const versionError = errorFor(errors, 'version');
  const input = (id: keyof ConsultationFormValues, required: boolean, hint?: string, maxLength?: number) => (
    <TextInput
      t={t}
      id={id}
      label={t(`pc.staff.form.${id}` as 'pc.staff.form.title')}
      {...(hint ? { hint } : {})}
      errors={errors}
      value={values[id]}
      required={required}
      {...(maxLength ? { maxLength } : {})}
    />
  );
  return (
    <FormPageLayout
      ctx={ctx}
      title={title}
      errors={errors}
      crumbs={consultationCrumbs(ctx, consultation, [{ href: action, label: title }])}
    >
      <form method="post" action={action} id="consultation-form" novalidate>
        <CsrfInput token={ctx.csrfToken ?? ''} />
        {lockVersion !== undefined ? (
          <input type="hidden" name="lockVersion" value={String(lockVersion)} />
        ) : null}
        {input('title', true, t('pc.staff.form.titleHint'))}
        <TextArea
          ctx={ctx}
          id="summary"
          label={t('pc.staff.form.summary')}
          hint={t('pc.staff.form.summaryHint')}
          errors={errors}
          value={values.summary}
        />
        <Field
          t={t}
          id="version"
          label={t('pc.staff.form.version')}
          hint={t('pc.staff.form.versionHint')}
          error={versionError}
        >
          {(describedBy) => (
            <select
              class="input"
              id="version"
              name="version"
              aria-describedby={describedBy}
              aria-invalid={versionError ? 'true' : undefined}
            >
              {versions.map((v) => (
                <option key={v.id} value={String(v.id)} selected={String(v.id) === values.version}>
                  {t('pc.staff.form.versionOption', { plan: v.planTitle, label: v.label, state: v.state })}
                </option>
              ))}
            </select>
          )}
        </Field>
        <TextArea
          ctx={ctx}
          id="eligibility"
          label={t('pc.staff.form.eligibility')}
          hint={t('pc.staff.form.eligibilityHint')}
          errors={errors}
          value={values.eligibility}
          required
          rows={3}
        />
        <fieldset class="pcs-fieldset">
          <legend>{t('pc.staff.form.opens')}</legend>
          <div class="pcs-datetime">
            <DateTimeInput
              ctx={ctx}
              id="opensDate"
              type="date"
              label={t('pc.staff.form.opensDate')}
              errors={errors}
              value={values.opensDate}
            />
            <DateTimeInput
              ctx={ctx}
              id="opensTime"
              type="time"
              label={t('pc.staff.form.opensTime')}
              hint={t('pc.staff.form.timeHint')}
              errors={errors}
              value={values.opensTime}
            />
          </div>
        </fieldset>
        <fieldset class="pcs-fieldset">
          <legend>{t('pc.staff.form.closes')}</legend>
          <div class="pcs-datetime">
            <DateTimeInput
              ctx={ctx}
              id="closesDate"
              type="date"
              label={t('pc.staff.form.closesDate')}
              errors={errors}
              value={values.closesDate}
            />
            <DateTimeInput
              ctx={ctx}
              id="closesTime"
              type="time"
              label={t('pc.staff.form.closesTime')}
              hint={t('pc.staff.form.timeHint')}
              errors={errors}
              value={values.closesTime}
            />
          </div>
        </fieldset>
        <TextArea
          ctx={ctx}
          id="shortPeriodReason"
          label={t('pc.staff.form.shortPeriodReason')}
          hint={t('pc.staff.form.shortPeriodReasonHint')}
          errors={errors}
          value={values.shortPeriodReason}
          rows={3}
        />
        <fieldset class="pcs-fieldset">
          <legend>{t('pc.staff.form.channels')}</legend>
          <TextArea
            ctx={ctx}
            id="postalAddress"
            label={t('pc.staff.form.postalAddress')}
            errors={errors}
            value={values.postalAddress}
            rows={2}
          />
          {input('faxNumber', false)}
          {input('emailAddress', false)}
          {input('inPersonPlace', false)}
        </fieldset>
        <TextArea
          ctx={ctx}
          id="readingPlaces"
          label={t('pc.staff.form.readingPlaces')}
          hint={t('pc.staff.form.readingPlacesHint')}
          errors={errors}
          value={values.readingPlaces}
          rows={2}
        />
        <TextArea
          ctx={ctx}
          id="contact"
          label={t('pc.staff.form.contact')}
          errors={errors}
          value={values.contact}
          rows={2}
        />
        <button type="submit" class="button">
          {consultation ? t('pc.staff.form.save') : t('pc.staff.form.create')}
        </button>
      </form>
      <p>
        <a href={consultation ? hubPath(consultation.id) : '/staff/consultations'}>
          {t('pc.staff.form.cancel')}
        </a>
      </p>
    </FormPageLayout>
  );
}
