import type { PageContext } from '../../../web/context.ts';
import {
  CsrfInput,
  ErrorSummary,
  errorFor,
  Field,
  type FieldErrors,
  TextInput,
} from '../../../web/forms.tsx';
import { Layout } from '../../../web/layout.tsx';
import type { ConsultationOverview } from '../consultation.types.ts';
import { CATEGORIES, MAX_OPINIONS_PER_SUBMISSION, OPINION_MAX_CHARS } from '../consultation.types.ts';
import {
  HONEYPOT_FIELD,
  type IntakeForm,
  MAX_SLOTS,
  opinionField,
  sectionField,
  WHOLE_PLAN,
} from '../intake.schema.ts';
import type { Section } from '../intake.service.ts';
import { consultationCrumb, listCrumb } from './public-common.tsx';

const num = (n: number) => n.toLocaleString('en-US');

/** 区分: five radios, the first one carrying the field's id so the error summary can link to it. */
function CategoryRadios({ ctx, value, errors }: { ctx: PageContext; value: string; errors: FieldErrors }) {
  const { t } = ctx;
  const error = errorFor(errors, 'category');
  return (
    <div class={`field${error ? ' field--error' : ''}`}>
      <fieldset aria-describedby={error ? 'category-error' : undefined}>
        <legend>
          {t('consultation.field.category')}
          <span class="req">{t('form.required')}</span>
        </legend>
        {error ? (
          <p class="field-error" id="category-error">
            <span class="visually-hidden">{t('form.errorPrefix')}</span>
            {error}
          </p>
        ) : null}
        {CATEGORIES.map((c, i) => {
          const id = i === 0 ? 'category' : `category-${c}`;
          return (
            <div class="choice" key={c}>
              <label for={id}>
                <input type="radio" id={id} name="category" value={c} checked={value === c} />{' '}
                {t(`consultation.category.${c}`)}
              </label>
            </div>
          );
        })}
      </fieldset>
    </div>
  );
}

/** One opinion slot: the section it is about and the text. */
function OpinionSlot({
  ctx,
  n,
  slot,
  sections,
  errors,
}: {
  ctx: PageContext;
  n: number;
  slot: { section: string; body: string };
  sections: readonly Section[];
  errors: FieldErrors;
}) {
  const { t } = ctx;
  const sid = sectionField(n);
  const oid = opinionField(n);
  const sectionError = errorFor(errors, sid);
  const bodyError = errorFor(errors, oid);
  return (
    <div class="pc-slot">
      <Field
        t={t}
        id={sid}
        label={t('consultation.field.section', { n })}
        hint={t('pc.public.form.sectionHint')}
        error={sectionError}
        required={false}
      >
        {(describedBy) => (
          <select
            class="input"
            id={sid}
            name={sid}
            aria-describedby={describedBy}
            aria-invalid={sectionError ? 'true' : undefined}
          >
            <option value={WHOLE_PLAN} selected={slot.section === WHOLE_PLAN || slot.section === ''}>
              {t('consultation.wholePlan')}
            </option>
            {sections.map((s) => (
              <option key={s.nodeId} value={String(s.nodeId)} selected={slot.section === String(s.nodeId)}>
                {s.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        t={t}
        id={oid}
        label={t('consultation.field.opinion', { n })}
        hint={t('pc.public.form.opinionHint', { max: num(OPINION_MAX_CHARS) })}
        error={bodyError}
        required={n === 1}
      >
        {(describedBy) => (
          <textarea
            class="input pc-textarea"
            id={oid}
            name={oid}
            rows={8}
            aria-describedby={describedBy}
            aria-invalid={bodyError ? 'true' : undefined}
          >
            {slot.body}
          </textarea>
        )}
      </Field>
    </div>
  );
}

/** GET /consultations/:id/form (and the form shown again with errors or with more slots). */
export function PublicFormPage({
  ctx,
  c,
  sections,
  form,
  errors,
}: {
  ctx: PageContext;
  c: ConsultationOverview;
  sections: readonly Section[];
  form: IntakeForm;
  errors: FieldErrors;
}) {
  const { t } = ctx;
  const title = t('pc.public.form.title');
  return (
    <Layout
      ctx={ctx}
      title={`${title}（${c.title}）`}
      error={errors.length > 0}
      section="consultations"
      crumbs={[listCrumb(ctx), consultationCrumb(c), { href: `/consultations/${c.id}/form`, label: title }]}
    >
      <ErrorSummary t={t} errors={errors} />
      <p class="eyebrow">{c.title}</p>
      <h1>{title}</h1>
      <p>{t('pc.public.form.intro')}</p>
      <p>{t('consultation.privacy')}</p>
      <form method="post" action={`/consultations/${c.id}/confirm`} novalidate>
        <CsrfInput token={ctx.csrfToken ?? ''} />
        <h2>{t('pc.public.form.aboutYou')}</h2>
        <TextInput
          t={t}
          id="name"
          label={t('consultation.field.name')}
          errors={errors}
          value={form.name}
          autocomplete="name"
        />
        <TextInput
          t={t}
          id="address"
          label={t('consultation.field.address')}
          errors={errors}
          value={form.address}
          autocomplete="street-address"
        />
        <CategoryRadios ctx={ctx} value={form.category} errors={errors} />
        <TextInput
          t={t}
          id="categoryNote"
          label={t('consultation.field.categoryNote')}
          hint={t('pc.public.form.categoryNoteHint')}
          errors={errors}
          value={form.categoryNote}
          required={false}
        />
        <TextInput
          t={t}
          id="email"
          type="email"
          label={t('consultation.field.email')}
          hint={t('pc.public.form.emailHint')}
          errors={errors}
          value={form.email}
          autocomplete="email"
          required={false}
        />
        <TextInput
          t={t}
          id="phone"
          label={t('consultation.field.phone')}
          hint={t('pc.public.form.phoneHint')}
          errors={errors}
          value={form.phone}
          autocomplete="tel"
          required={false}
        />
        <div class="pc-honeypot" aria-hidden="true">
          <label for={HONEYPOT_FIELD}>{t('pc.public.form.honeypot')}</label>
          <input
            type="text"
            id={HONEYPOT_FIELD}
            name={HONEYPOT_FIELD}
            value=""
            tabIndex={-1}
            autocomplete="off"
          />
        </div>
        <h2>{t('pc.public.form.opinions')}</h2>
        <p class="hint">{t('pc.public.form.opinionsHint', { max: MAX_OPINIONS_PER_SUBMISSION })}</p>
        {form.opinions.map((slot, i) => (
          <OpinionSlot key={i} ctx={ctx} n={i + 1} slot={slot} sections={sections} errors={errors} />
        ))}
        <div class="pc-actions">
          <button type="submit" class="button">
            {t('pc.public.form.next')}
          </button>
          {form.opinions.length < MAX_SLOTS ? (
            <button type="submit" class="button button--secondary" name="action" value="add">
              {t('pc.public.form.addSlot')}
            </button>
          ) : null}
        </div>
      </form>
    </Layout>
  );
}
