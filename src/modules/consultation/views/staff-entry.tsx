import type { PageContext } from '../../../web/context.ts';
import {
  CsrfInput,
  errorFor,
  Field,
  type FieldErrors,
  FormPageLayout,
  TextInput,
} from '../../../web/forms.tsx';
import { CATEGORIES, type Consultation, OPINION_MAX_CHARS, STAFF_CHANNELS } from '../consultation.types.ts';
import type { EntryForm } from '../entry.service.ts';
import { MAX_SLOTS, opinionField, sectionField, WHOLE_PLAN } from '../intake.schema.ts';
import type { Section } from '../intake.service.ts';
import { consultationCrumbs, hubPath } from './staff-common.tsx';
import { DateTimeInput, TextArea } from './staff-form.tsx';

function Choice({
  ctx,
  id,
  label,
  value,
  errors,
  options,
  required = true,
}: {
  ctx: PageContext;
  id: string;
  label: string;
  value: string;
  errors: FieldErrors;
  options: Array<[string, string]>;
  required?: boolean;
}) {
  const error = errorFor(errors, id);
  return (
    <Field t={ctx.t} id={id} label={label} error={error} required={required}>
      {(describedBy) => (
        <select
          class="input"
          id={id}
          name={id}
          aria-describedby={describedBy}
          aria-invalid={error ? 'true' : undefined}
        >
          {options.map(([v, l]) => (
            <option key={v} value={v} selected={v === value}>
              {l}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** Staff entry of a paper, fax, e-mail or in-person submission: the web form's fields plus channel and date. */
export function StaffEntryPage({
  ctx,
  consultation,
  sections,
  form,
  errors,
  notice,
}: {
  ctx: PageContext;
  consultation: Consultation;
  sections: readonly Section[];
  form: EntryForm;
  errors: FieldErrors;
  notice?: string | undefined;
}) {
  const { t } = ctx;
  const title = t('pc.staff.entry.title', { title: consultation.title });
  const action = `${hubPath(consultation.id)}/entry`;
  const slots = form.opinions.length;
  return (
    <FormPageLayout
      ctx={ctx}
      title={title}
      errors={errors}
      crumbs={consultationCrumbs(ctx, consultation, [{ href: action, label: t('pc.staff.hub.entry') }])}
    >
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <p>{t('pc.staff.entry.lead')}</p>
      <form method="post" action={action} id="entry-form" novalidate>
        <CsrfInput token={ctx.csrfToken ?? ''} />
        <Choice
          ctx={ctx}
          id="channel"
          label={t('pc.staff.entry.channel')}
          value={form.channel}
          errors={errors}
          options={[
            ['', '—'],
            ...STAFF_CHANNELS.map((c): [string, string] => [c, t(`consultation.channel.${c}`)]),
          ]}
        />
        <DateTimeInput
          ctx={ctx}
          id="receivedOn"
          type="date"
          label={t('pc.staff.entry.receivedOn')}
          hint={t('pc.staff.entry.receivedOnHint')}
          errors={errors}
          value={form.receivedOn}
        />
        <fieldset class="pcs-fieldset">
          <legend>{t('pc.staff.entry.submitter')}</legend>
          <TextInput t={t} id="name" label={t('consultation.field.name')} errors={errors} value={form.name} />
          <TextInput
            t={t}
            id="address"
            label={t('consultation.field.address')}
            errors={errors}
            value={form.address}
          />
          <Choice
            ctx={ctx}
            id="category"
            label={t('consultation.field.category')}
            value={form.category}
            errors={errors}
            options={[
              ['', '—'],
              ...CATEGORIES.map((c): [string, string] => [c, t(`consultation.category.${c}`)]),
            ]}
          />
          <TextInput
            t={t}
            id="categoryNote"
            label={t('consultation.field.categoryNote')}
            errors={errors}
            value={form.categoryNote}
            required={false}
          />
          <TextInput
            t={t}
            id="email"
            type="email"
            label={t('consultation.field.email')}
            errors={errors}
            value={form.email}
            required={false}
          />
          <TextInput
            t={t}
            id="phone"
            label={t('consultation.field.phone')}
            errors={errors}
            value={form.phone}
            required={false}
          />
        </fieldset>
        <fieldset class="pcs-fieldset">
          <legend>{t('pc.staff.entry.opinions')}</legend>
          {form.opinions.map((o, i) => {
            const n = i + 1;
            return (
              <div class="pcs-part" key={n}>
                <Choice
                  ctx={ctx}
                  id={sectionField(n)}
                  label={t('consultation.field.section', { n })}
                  value={o.section === '' ? WHOLE_PLAN : o.section}
                  errors={errors}
                  options={[
                    [WHOLE_PLAN, t('consultation.wholePlan')],
                    ...sections.map((s): [string, string] => [String(s.nodeId), s.label]),
                  ]}
                />
                <TextArea
                  ctx={ctx}
                  id={opinionField(n)}
                  label={t('consultation.field.opinion', { n })}
                  hint={t('pc.staff.entry.opinionHint', { max: OPINION_MAX_CHARS.toLocaleString('ja-JP') })}
                  errors={errors}
                  value={o.body}
                  required={n === 1}
                  rows={5}
                />
              </div>
            );
          })}
          {slots < MAX_SLOTS ? (
            <p>
              <button type="submit" name="addSlot" value="1" class="button button--secondary">
                {t('pc.staff.entry.moreOpinions')}
              </button>
            </p>
          ) : null}
        </fieldset>
        <button type="submit" class="button">
          {t('pc.staff.entry.submit')}
        </button>
      </form>
      <p>
        <a href={hubPath(consultation.id)}>{t('pc.staff.form.cancel')}</a>
      </p>
    </FormPageLayout>
  );
}
