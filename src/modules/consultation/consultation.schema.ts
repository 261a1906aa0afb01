import { isId } from '../../shared/ids.ts';
import type { MessageKey } from '../../web/i18n/messages.ts';
import { STANDARD_PERIOD_DAYS } from './consultation.types.ts';

/**
 * The consultation form (planners): what is asked, cleaned and checked. Dates and times are entered as
 * the city reads them (Asia/Tokyo, which has no daylight saving: always +09:00) and stored as UTC instants.
 */

/** The city's usual wording of who may submit (domain.md: living, having an office, working, studying). */
export const DEFAULT_ELIGIBILITY =
  '市内に住所を有する方、市内に事務所又は事業所を有する方、市内の事務所又は事業所に勤務する方、市内の学校に在学する方';

export interface ConsultationInput {
  title: string;
  summary: string;
  versionId: number;
  eligibility: string;
  /** UTC ISO instants. */
  opensAt: string;
  closesAt: string;
  shortPeriodReason: string | null;
  postalAddress: string;
  faxNumber: string;
  emailAddress: string;
  inPersonPlace: string;
  readingPlaces: string;
  contact: string;
}

/** The form's values as text (what the inputs show again when the form fails). */
export interface ConsultationFormValues {
  title: string;
  summary: string;
  version: string;
  eligibility: string;
  opensDate: string;
  opensTime: string;
  closesDate: string;
  closesTime: string;
  shortPeriodReason: string;
  postalAddress: string;
  faxNumber: string;
  emailAddress: string;
  inPersonPlace: string;
  readingPlaces: string;
  contact: string;
}

export type ConsultationField = keyof ConsultationFormValues;

/** A problem of the form: the field (its input id) and the message with its parameters. */
export interface FormProblem {
  field: string;
  key: MessageKey;
  params?: Record<string, string | number>;
}

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** The Asia/Tokyo calendar date (YYYY-MM-DD) and time (HH:MM) of a UTC instant. */
export function toTokyo(iso: string): { date: string; time: string } {
  const d = new Date(Date.parse(iso) + JST_OFFSET_MS).toISOString();
  return { date: d.slice(0, 10), time: d.slice(11, 16) };
}

/** The Asia/Tokyo calendar date of a UTC instant. */
export const tokyoDate = (iso: string | Date): string =>
  toTokyo(typeof iso === 'string' ? iso : iso.toISOString()).date;

/** A real calendar date written YYYY-MM-DD (no 2026-02-30). */
export function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The UTC instant of an Asia/Tokyo date and time; null when either is not valid. */
export function fromTokyo(date: string, time: string): string | null {
  if (!isCalendarDate(date) || !/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) return null;
  return new Date(Date.parse(`${date}T${time}:00.000Z`) - JST_OFFSET_MS).toISOString();
}

/** Control characters other than tab and line breaks (U+0000 …), which no form needs. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: this is the check for them
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const LIMITS: Record<string, number> = {
  title: 200,
  summary: 4000,
  eligibility: 1000,
  shortPeriodReason: 1000,
  postalAddress: 500,
  faxNumber: 50,
  emailAddress: 254,
  inPersonPlace: 500,
  readingPlaces: 1000,
  contact: 500,
};

/** The characters all the form's texts may hold together (for its body limit). */
export const CONSULTATION_FORM_MAX_CHARS = Object.values(LIMITS).reduce((a, b) => a + b, 0);

/** The form's values from a request body (missing fields are empty; line breaks normalised). */
export function formValues(body: unknown): ConsultationFormValues {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const text = (k: string) => str(b[k]).replace(/\r\n?/g, '\n');
  return {
    title: text('title').trim(),
    summary: text('summary').trim(),
    version: text('version').trim(),
    eligibility: text('eligibility').trim(),
    opensDate: text('opensDate').trim(),
    opensTime: text('opensTime').trim(),
    closesDate: text('closesDate').trim(),
    closesTime: text('closesTime').trim(),
    shortPeriodReason: text('shortPeriodReason').trim(),
    postalAddress: text('postalAddress').trim(),
    faxNumber: text('faxNumber').trim(),
    emailAddress: text('emailAddress').trim(),
    inPersonPlace: text('inPersonPlace').trim(),
    readingPlaces: text('readingPlaces').trim(),
    contact: text('contact').trim(),
  };
}

const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;
const FAX = /^[0-9０-９()（）+\-‐－ ]{6,30}$/;

/**
 * Checks the form: title and eligibility required; the version one of the plan's; opening and closing
 * date and time real, closing after opening; a period shorter than 30 days needs its reason; the e-mail
 * address and fax number (optional) well formed; no text over its limit or with control characters.
 * Problems come in the form's order.
 */
export function validateConsultation(
  body: unknown,
  versionIds: readonly number[],
):
  | { ok: true; value: ConsultationInput; values: ConsultationFormValues }
  | { ok: false; problems: FormProblem[]; values: ConsultationFormValues } {
  const v = formValues(body);
  const problems: FormProblem[] = [];
  const textField = (field: keyof typeof LIMITS & ConsultationField, required: boolean) => {
    const s = v[field];
    if (required && s === '') problems.push({ field, key: 'pc.staff.error.required' });
    else if (CONTROL.test(s)) problems.push({ field, key: 'pc.staff.error.control' });
    else if ([...s].length > LIMITS[field]!)
      problems.push({ field, key: 'pc.staff.error.tooLong', params: { max: LIMITS[field]! } });
  };
  textField('title', true);
  textField('summary', false);
  const versionId = isId(v.version) ? Number(v.version) : 0;
  if (!versionIds.includes(versionId)) problems.push({ field: 'version', key: 'pc.staff.error.version' });
  textField('eligibility', true);

  let opensAt: string | null = null;
  if (v.opensDate === '') problems.push({ field: 'opensDate', key: 'pc.staff.error.required' });
  else if (!isCalendarDate(v.opensDate)) problems.push({ field: 'opensDate', key: 'pc.staff.error.date' });
  else if (v.opensTime === '') problems.push({ field: 'opensTime', key: 'pc.staff.error.required' });
  else {
    opensAt = fromTokyo(v.opensDate, v.opensTime);
    if (opensAt === null) problems.push({ field: 'opensTime', key: 'pc.staff.error.time' });
  }
  let closesAt: string | null = null;
  if (v.closesDate === '') problems.push({ field: 'closesDate', key: 'pc.staff.error.required' });
  else if (!isCalendarDate(v.closesDate)) problems.push({ field: 'closesDate', key: 'pc.staff.error.date' });
  else if (v.closesTime === '') problems.push({ field: 'closesTime', key: 'pc.staff.error.required' });
  else {
    closesAt = fromTokyo(v.closesDate, v.closesTime);
    if (closesAt === null) problems.push({ field: 'closesTime', key: 'pc.staff.error.time' });
  }
  let shortPeriodReason: string | null = null;
  if (opensAt && closesAt) {
    const days = (Date.parse(closesAt) - Date.parse(opensAt)) / 86_400_000;
    if (days <= 0) problems.push({ field: 'closesDate', key: 'pc.staff.error.closesBeforeOpens' });
    else if (days < STANDARD_PERIOD_DAYS) {
      if (v.shortPeriodReason === '')
        problems.push({
          field: 'shortPeriodReason',
          key: 'pc.staff.error.shortPeriodReason',
          params: { days: STANDARD_PERIOD_DAYS },
        });
      else textField('shortPeriodReason', true);
      shortPeriodReason = v.shortPeriodReason;
    }
    // A reason given for a period of 30 days or more is not kept: there is nothing to explain.
  }
  textField('postalAddress', false);
  textField('faxNumber', false);
  if (v.faxNumber !== '' && !problems.some((p) => p.field === 'faxNumber') && !FAX.test(v.faxNumber))
    problems.push({ field: 'faxNumber', key: 'pc.staff.error.fax' });
  textField('emailAddress', false);
  if (
    v.emailAddress !== '' &&
    !problems.some((p) => p.field === 'emailAddress') &&
    !EMAIL.test(v.emailAddress)
  )
    problems.push({ field: 'emailAddress', key: 'pc.staff.error.email' });
  textField('inPersonPlace', false);
  textField('readingPlaces', false);
  textField('contact', false);

  if (problems.length > 0 || !opensAt || !closesAt) return { ok: false, problems, values: v };
  return {
    ok: true,
    values: v,
    value: {
      title: v.title,
      summary: v.summary,
      versionId,
      eligibility: v.eligibility,
      opensAt,
      closesAt,
      shortPeriodReason,
      postalAddress: v.postalAddress,
      faxNumber: v.faxNumber,
      emailAddress: v.emailAddress,
      inPersonPlace: v.inPersonPlace,
      readingPlaces: v.readingPlaces,
      contact: v.contact,
    },
  };
}
