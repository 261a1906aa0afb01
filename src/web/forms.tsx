import type { ComponentChildren } from 'preact';
import type { PageContext } from './context.ts';
import type { Translate } from './i18n/messages.ts';
import { type Crumb, Layout } from './layout.tsx';

/**
 * Forms the GOV.UK way (docs/ui.md): labels above fields, the hint under the label, 「必須」/「任意」 in
 * words, and on failure an error summary at the top that links to each field, the message on the field.
 */

import type { FieldErrors } from '../shared/validation.ts';

export type { FieldErrors };

export function errorFor(errors: FieldErrors, field: string): string | undefined {
  return errors.find((e) => e.field === field)?.message;
}

export function ErrorSummary({ t, errors }: { t: Translate; errors: FieldErrors }) {
  if (errors.length === 0) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-h" tabIndex={-1}>
      <h2 id="error-summary-h">{t('form.errorSummary')}</h2>
      <ul>
        {errors.map((e) => (
          <li key={e.field}>
            <a href={`#${e.field}`}>{e.message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

interface FieldProps {
  t: Translate;
  id: string;
  label: string;
  hint?: string;
  error?: string | undefined;
  required?: boolean;
  children: (describedBy: string | undefined) => ComponentChildren;
}

/** Label, 必須/任意, hint and error message around one input. */
export function Field({ t, id, label, hint, error, required = true, children }: FieldProps) {
  const describedBy =
    [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' field--error' : ''}`}>
      <label for={id}>
        {label}
        <span class={required ? 'req' : 'opt'}>{required ? t('form.required') : t('form.optional')}</span>
      </label>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          <span class="visually-hidden">{t('form.errorPrefix')}</span>
          {error}
        </p>
      ) : null}
      {children(describedBy)}
    </div>
  );
}

interface InputProps {
  t: Translate;
  id: string;
  label: string;
  hint?: string;
  errors: FieldErrors;
  value?: string;
  type?: 'text' | 'email' | 'password' | 'search';
  autocomplete?: string;
  inputmode?: 'numeric' | 'text' | 'email';
  required?: boolean;
  maxLength?: number;
}

export function TextInput({
  t,
  id,
  label,
  hint,
  errors,
  value,
  type = 'text',
  autocomplete,
  inputmode,
  required = true,
  maxLength,
}: InputProps) {
  const error = errorFor(errors, id);
  return (
    <Field t={t} id={id} label={label} hint={hint} error={error} required={required}>
      {(describedBy) => {
        // One attribute object: Preact's input types discriminate on `type`, which is a variable here.
        const attrs: Record<string, unknown> = {
          class: 'input',
          type,
          id,
          name: id,
          value: type === 'password' ? undefined : value,
          autocomplete,
          inputMode: inputmode,
          'aria-describedby': describedBy,
          'aria-invalid': error ? 'true' : undefined,
          maxLength,
          spellcheck: type === 'email' || type === 'password' ? false : undefined,
        };
        return <input {...attrs} />;
      }}
    </Field>
  );
}

/** The CSRF token of a form (every POST form carries one). */
export function CsrfInput({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

/**
 * The frame of a page whose main content is a form: the layout with 「エラー：」 in the title when the
 * form failed, the error summary first, then the h1 (GOV.UK order).
 */
export function FormPageLayout({
  ctx,
  title,
  crumbs,
  errors,
  children,
}: {
  ctx: PageContext;
  title: string;
  crumbs: Crumb[];
  errors: FieldErrors;
  children: ComponentChildren;
}) {
  return (
    <Layout ctx={ctx} title={title} error={errors.length > 0} section="staff" crumbs={crumbs}>
      <ErrorSummary t={ctx.t} errors={errors} />
      <h1>{title}</h1>
      {children}
    </Layout>
  );
}
