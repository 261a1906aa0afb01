import { z } from 'zod';
import { isId } from '../../shared/ids.ts';
import { graphemeLength, trimAll } from '../../shared/text.ts';
import type { MessageKey, Translate } from '../../web/i18n/messages.ts';
import {
  CATEGORIES,
  type Category,
  MAX_OPINIONS_PER_SUBMISSION,
  OPINION_MAX_CHARS,
} from './consultation.types.ts';

/**
 * The submission form of public comment: reading what a browser sent (never trusting its shape) and
 * validating it. Every text is checked for control characters, NFC-normalised and trimmed, and counted
 * as Japanese readers count (graphemes). Messages name the field and never repeat what was typed, so
 * they are safe to log.
 */

/** How many opinion slots the form shows at first, and at most (the 「意見欄を増やす」 button adds one). */
export const INITIAL_SLOTS = 3;
export const MAX_SLOTS = MAX_OPINIONS_PER_SUBMISSION;
/** Slot numbers read from a request; a 21st opinion is read (and refused), nothing past this. */
const MAX_READ_SLOT = 99;
/** The honeypot: hidden from people, filled by bots. */
export const HONEYPOT_FIELD = 'website';
/** The section value meaning the plan as a whole. */
export const WHOLE_PLAN = 'whole';

export const LIMITS = { name: 100, address: 200, categoryNote: 200, email: 254, phone: 30 } as const;

/** The form as typed, slot by slot, for showing it again. */
export interface IntakeForm {
  name: string;
  address: string;
  category: string;
  categoryNote: string;
  email: string;
  phone: string;
  opinions: Array<{ section: string; body: string }>;
}

/** A validated submission. */
export interface IntakeValue {
  name: string;
  address: string;
  category: Category;
  categoryNote: string;
  email: string;
  phone: string;
  /** Non-empty opinions in form order; nodeId null = the plan as a whole. */
  opinions: Array<{ nodeId: number | null; body: string }>;
}

export type FieldError = { field: string; message: string };
export type IntakeResult = { ok: true; value: IntakeValue } | { ok: false; errors: FieldError[] };

export const EMPTY_FORM: IntakeForm = {
  name: '',
  address: '',
  category: '',
  categoryNote: '',
  email: '',
  phone: '',
  opinions: [],
};

/** The form's field ids (also the names of its inputs). */
export const sectionField = (n: number) => `section-${n}`;
export const opinionField = (n: number) => `opinion-${n}`;

const str = (v: unknown): string => {
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : '';
};

/** The form from a parsed urlencoded body (any shape), with at least `minSlots` opinion slots. */
export function readIntakeForm(body: unknown, minSlots = INITIAL_SLOTS): IntakeForm {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  let slots = minSlots;
  for (const key of Object.keys(b)) {
    const m = /^(?:section|opinion)-([1-9]\d?)$/.exec(key);
    if (m) slots = Math.max(slots, Math.min(Number(m[1]), MAX_READ_SLOT));
  }
  const opinions = Array.from({ length: slots }, (_, i) => ({
    section: str(b[sectionField(i + 1)]),
    body: str(b[opinionField(i + 1)]),
  }));
  return {
    name: str(b.name),
    address: str(b.address),
    category: str(b.category),
    categoryNote: str(b.categoryNote),
    email: str(b.email),
    phone: str(b.phone),
    opinions,
  };
}

/** True when the honeypot holds anything: a bot filled the form. */
export function honeypotFilled(body: unknown): boolean {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return trimAll(str(b[HONEYPOT_FIELD])) !== '';
}

/** C0 and C1 control characters other than tab, line feed and carriage return (U+0000 among them). */
const CONTROL = /(?![\t\n\r])\p{Cc}/u;
const EmailSchema = z.email();
const PHONE = /^\+?[0-9()\- ]+$/;

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * Validates the form against the sections of the consultation's version (node ids). Empty opinion slots
 * are skipped; the rest keep their slot number in messages (「意見2は…」) so each links to its field.
 */
export function validateIntake(form: IntakeForm, sections: ReadonlySet<number>, t: Translate): IntakeResult {
  const errors: FieldError[] = [];
  const add = (field: string, key: MessageKey, params?: Record<string, string | number>) =>
    errors.push({ field, message: t(key, params) });

  /** Cleans one text: control characters refused, NFC, trimmed; single-line fields fold line breaks. */
  const text = (
    field: string,
    label: string,
    raw: string,
    opts: { max: number; required: boolean; multiline?: boolean },
  ): string => {
    const unified = raw.replace(/\r\n?/g, '\n');
    if (CONTROL.test(unified)) {
      add(field, 'pc.public.error.control', { field: label });
      return '';
    }
    const folded = opts.multiline ? unified : unified.replace(/[\t\n]+/g, ' ');
    const v = trimAll(folded.normalize('NFC'));
    if (v === '') {
      if (opts.required) add(field, 'pc.public.error.required', { field: label });
      return '';
    }
    const n = graphemeLength(v);
    if (n > opts.max)
      add(field, 'pc.public.error.tooLong', { field: label, max: fmt(opts.max), count: fmt(n) });
    return v;
  };

  const name = text('name', t('pc.public.short.name'), form.name, { max: LIMITS.name, required: true });
  const address = text('address', t('pc.public.short.address'), form.address, {
    max: LIMITS.address,
    required: true,
  });
  const category = CATEGORIES.find((c) => c === form.category);
  if (!category) add('category', 'pc.public.error.category');
  let categoryNote = '';
  if (category === 'other') {
    categoryNote = text('categoryNote', t('pc.public.short.categoryNote'), form.categoryNote, {
      max: LIMITS.categoryNote,
      required: false,
    });
    if (categoryNote === '' && !errors.some((e) => e.field === 'categoryNote'))
      add('categoryNote', 'pc.public.error.categoryNote');
  }
  const emailLabel = t('pc.public.short.email');
  const email = text('email', emailLabel, form.email, { max: LIMITS.email, required: false });
  if (email !== '' && !errors.some((e) => e.field === 'email') && !EmailSchema.safeParse(email).success)
    add('email', 'pc.public.error.email');
  const phoneLabel = t('pc.public.short.phone');
  const phone = text('phone', phoneLabel, form.phone, { max: LIMITS.phone, required: false }).normalize(
    'NFKC',
  );
  if (phone !== '' && !errors.some((e) => e.field === 'phone') && !PHONE.test(phone))
    add('phone', 'pc.public.error.phone');

  const opinions: IntakeValue['opinions'] = [];
  let filled = 0;
  form.opinions.forEach((slot, i) => {
    const n = i + 1;
    const label = t('consultation.field.opinion', { n });
    const body = text(opinionField(n), label, slot.body, {
      max: OPINION_MAX_CHARS,
      required: false,
      multiline: true,
    });
    if (body === '' && !errors.some((e) => e.field === opinionField(n))) return;
    filled++;
    if (filled === MAX_OPINIONS_PER_SUBMISSION + 1)
      add(opinionField(n), 'pc.public.error.tooMany', { max: MAX_OPINIONS_PER_SUBMISSION });
    let nodeId: number | null = null;
    if (slot.section !== WHOLE_PLAN && slot.section !== '') {
      const id = isId(slot.section) ? Number(slot.section) : Number.NaN;
      if (sections.has(id)) nodeId = id;
      else add(sectionField(n), 'pc.public.error.section', { field: t('consultation.field.section', { n }) });
    }
    opinions.push({ nodeId, body });
  });
  if (filled === 0 && !errors.some((e) => e.field.startsWith('opinion-')))
    add(opinionField(1), 'pc.public.error.noOpinion');

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: { name, address, category: category!, categoryNote, email, phone, opinions },
  };
}
