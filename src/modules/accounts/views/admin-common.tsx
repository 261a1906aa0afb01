import { formatDate } from '../../../shared/fiscal-year.ts';
import type { PageContext } from '../../../web/context.ts';
import { errorFor, type FieldErrors } from '../../../web/forms.tsx';
import type { Translate } from '../../../web/i18n/messages.ts';
import type { Abilities } from '../accounts.policy.ts';

/** Pieces shared by the administration pages: the menu, choices (radios, checkboxes), dates, notices. */

/** 2026年12月3日（木）09:00 (Asia/Tokyo). */
export function dateTime(ctx: PageContext, iso: string): string {
  const hm = new Intl.DateTimeFormat('ja-JP', {
    timeZone: 'Asia/Tokyo',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));
  return `${formatDate(iso, ctx.locale)} ${hm}`;
}

/** The administration menu: only the entries the user may open. */
export function AdminNav({ ctx, abilities }: { ctx: PageContext; abilities: Abilities }) {
  const { t } = ctx;
  const items = [
    abilities.manageUsers ? { href: '/staff/users', label: t('admin.nav.users') } : null,
    abilities.viewDepartments ? { href: '/staff/departments', label: t('admin.nav.departments') } : null,
  ].filter((x) => x !== null);
  if (items.length < 2) return null;
  return (
    <nav class="admin-nav" aria-label={t('admin.nav.label')}>
      <ul>
        {items.map((i) => (
          <li key={i.href}>
            <a href={i.href} aria-current={ctx.path.split('?')[0] === i.href ? 'page' : undefined}>
              {i.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function Notice({ text }: { text: string | undefined }) {
  return text ? (
    <p class="notice" role="status">
      {text}
    </p>
  ) : null;
}

export interface Choice {
  value: string;
  label: string;
  hint?: string;
}

interface ChoicesProps {
  t: Translate;
  /** The form field's name; the first choice gets it as its id, so that the error summary links there. */
  name: string;
  legend: string;
  hint?: string;
  errors: FieldErrors;
  choices: Choice[];
  checked: readonly string[];
  type: 'radio' | 'checkbox';
  required: boolean;
}

/** A group of radios or checkboxes in a fieldset: legend with 必須/任意, hint, error, one label per choice. */
export function Choices({ t, name, legend, hint, errors, choices, checked, type, required }: ChoicesProps) {
  const error = errorFor(errors, name);
  const describedBy =
    [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' field--error' : ''}`}>
      <fieldset class="choices" aria-describedby={describedBy}>
        <legend>
          {legend}
          <span class={required ? 'req' : 'opt'}>{required ? t('form.required') : t('form.optional')}</span>
        </legend>
        {hint ? (
          <p class="hint" id={`${name}-hint`}>
            {hint}
          </p>
        ) : null}
        {error ? (
          <p class="field-error" id={`${name}-error`}>
            <span class="visually-hidden">{t('form.errorPrefix')}</span>
            {error}
          </p>
        ) : null}
        {choices.map((c, i) => {
          const id = i === 0 ? name : `${name}-${c.value}`;
          const hintId = `${name}-${c.value}-hint`;
          return (
            <div class="choice" key={c.value}>
              <label for={id}>
                <input
                  type={type}
                  id={id}
                  name={name}
                  value={c.value}
                  checked={checked.includes(c.value)}
                  aria-describedby={c.hint ? hintId : undefined}
                />{' '}
                {c.label}
              </label>
              {c.hint ? (
                <p class="hint" id={hintId}>
                  {c.hint}
                </p>
              ) : null}
            </div>
          );
        })}
      </fieldset>
    </div>
  );
}
