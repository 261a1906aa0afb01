import { z } from 'zod';
import { formatFiscalYear } from '../../shared/fiscal-year.ts';
import { graphemeLength } from '../../shared/text.ts';
import type { FieldErrors } from '../../web/forms.tsx';
import type { MessageKey, Translate } from '../../web/i18n/messages.ts';
import { directionAgrees, gradeRuleProblems } from './kpi.math.ts';
import {
  ACTUAL_STATUSES,
  type ActualStatus,
  DIRECTIONS,
  type GradeRule,
  type Indicator,
} from './kpi.types.ts';

/**
 * The staff forms of indicators, validated with zod: the definition of an indicator (with its yearly
 * targets), an actual of one fiscal year, and the city's grade rules. Every issue's message is a key of
 * the catalogue; {@link fieldErrors} turns the issues into messages naming the field. Numbers accept what
 * officials type: full-width digits, thousands separators (1,234 / １，２３４), a full-width minus.
 */

/** Fiscal years a form accepts (平成元年度 to 2100). */
export const FY_MIN = 1989;
export const FY_MAX = 2100;
/** At most this many years from the baseline to the target (one yearly target input per year). */
export const MAX_SPAN = 30;
/** The grade rules form has this many rows (empty ones are ignored): rows are added and removed without JS. */
export const GRADE_ROWS = 8;

export const TEXT_MAX: Record<string, number> = {
  name: 200,
  definition: 2000,
  source: 500,
  unit: 20,
  note: 500,
};

/** One problem: the field (the input's id), a message key, and its parameters besides the field's name. */
export interface Problem {
  field: string;
  key: MessageKey;
  params?: Record<string, string | number>;
}

/** Trims, removes control characters; '' when the value is not a string. */
export function cleanText(v: unknown): string {
  if (typeof v !== 'string') return '';
  return v
    .replace(/\p{Cc}/gu, (c) => (c === '\n' || c === '\t' ? c : ''))
    .replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');
}

/**
 * A number as typed: NFKC (full-width digits and punctuation), minus signs of every kind, thousands
 * separators and spaces removed. null for an empty field, 'invalid' for anything that is not a number.
 */
export function parseNumberText(raw: unknown): number | null | 'invalid' {
  const s = cleanText(raw)
    .normalize('NFKC')
    .replace(/[\u2212\u2010\u2011\u2012\u2013\u2014\u30fc\uff70]/g, '-')
    .replace(/[,\s]/g, '');
  if (s === '') return null;
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(s)) return 'invalid';
  const n = Number(s);
  if (!Number.isFinite(n) || Math.abs(n) > 1e12) return 'invalid';
  return n;
}

const issue = (message: MessageKey, params?: Record<string, string | number>) => ({
  code: 'custom' as const,
  message,
  ...(params ? { params } : {}),
});

/** A form field that must hold a number (or may be empty when `optional`). */
function numberField<O extends boolean>(optional: O) {
  return z.unknown().transform((v, ctx): O extends true ? number | null : number => {
    const n = parseNumberText(v);
    if (n === null && !optional) {
      ctx.addIssue(issue('kpi.staff.error.required'));
      return z.NEVER;
    }
    if (n === 'invalid') {
      ctx.addIssue(issue('kpi.staff.error.number'));
      return z.NEVER;
    }
    return n as never;
  });
}

/** An integer between min and max, with the message `key` when out of range. */
function integerField(min: number, max: number, key: MessageKey, fallback?: number) {
  return z.unknown().transform((v, ctx): number => {
    const n = parseNumberText(v);
    if (n === null) {
      if (fallback !== undefined) return fallback;
      ctx.addIssue(issue('kpi.staff.error.required'));
      return z.NEVER;
    }
    if (n === 'invalid' || !Number.isInteger(n) || n < min || n > max) {
      ctx.addIssue(issue(key, { min, max }));
      return z.NEVER;
    }
    return n;
  });
}

const fiscalYearField = () => integerField(FY_MIN, FY_MAX, 'kpi.staff.error.fyRange');

function textField(field: string, required: boolean) {
  const max = TEXT_MAX[field] ?? 200;
  return z.unknown().transform((v, ctx): string => {
    const s = cleanText(v);
    if (s === '' && required) {
      ctx.addIssue(issue('kpi.staff.error.required'));
      return z.NEVER;
    }
    const count = graphemeLength(s);
    if (count > max) {
      ctx.addIssue(issue('kpi.staff.error.tooLong', { max, count }));
      return z.NEVER;
    }
    return s;
  });
}

function choiceField<T extends string>(choices: readonly T[]) {
  return z.unknown().transform((v, ctx): T => {
    if (typeof v === 'string' && (choices as readonly string[]).includes(v)) return v as T;
    ctx.addIssue(issue('kpi.staff.error.choose'));
    return z.NEVER;
  });
}

/** What a definition form holds once valid: the indicator's own fields (department null = the measure's lead). */
export type IndicatorInput = Pick<
  Indicator,
  | 'name'
  | 'definition'
  | 'source'
  | 'unit'
  | 'direction'
  | 'rangeMin'
  | 'rangeMax'
  | 'decimals'
  | 'baselineValue'
  | 'baselineFy'
  | 'targetValue'
  | 'targetFy'
  | 'departmentId'
> & {
  /** null = after the node's last indicator. */
  position: number | null;
  /** The yearly targets set (the years left empty are interpolated). */
  yearTargets: Array<{ fiscalYear: number; value: number }>;
};

/** The raw values of a form, to show again what was typed. */
export type FormValues = Record<string, string>;

export function formValues(body: unknown): FormValues {
  const out: FormValues = {};
  if (body && typeof body === 'object')
    for (const [k, v] of Object.entries(body as Record<string, unknown>))
      if (typeof v === 'string' && k !== '_csrf') out[k] = v;
  return out;
}

/** Every field present (a field missing from the body counts as empty). */
function withAll(raw: FormValues, keys: readonly string[]): FormValues {
  const out: FormValues = { ...raw };
  for (const k of keys) out[k] ??= '';
  return out;
}

/** The input name of a yearly target. */
export const yearTargetField = (fy: number) => `yt-${fy}`;

const indicatorSchema = (departmentIds: ReadonlySet<number>) =>
  z
    .object({
      name: textField('name', true),
      definition: textField('definition', true),
      source: textField('source', true),
      unit: textField('unit', false),
      direction: choiceField(DIRECTIONS),
      rangeMin: numberField(true),
      rangeMax: numberField(true),
      decimals: integerField(0, 3, 'kpi.staff.error.decimals'),
      baselineValue: numberField(false),
      baselineFy: fiscalYearField(),
      targetValue: numberField(false),
      targetFy: fiscalYearField(),
      department: z.unknown().transform((v, ctx): number | null => {
        const s = cleanText(v);
        if (s === '') return null;
        const id = /^\d{1,9}$/.test(s) ? Number(s) : Number.NaN;
        if (!departmentIds.has(id)) {
          ctx.addIssue(issue('kpi.staff.error.choose'));
          return z.NEVER;
        }
        return id;
      }),
      position: z.unknown().transform((v, ctx): number | null => {
        const n = parseNumberText(v);
        if (n === null) return null;
        if (n === 'invalid' || !Number.isInteger(n) || n < 0 || n > 9999) {
          ctx.addIssue(issue('kpi.staff.error.integerRange', { min: 0, max: 9999 }));
          return z.NEVER;
        }
        return n;
      }),
    })
    .superRefine((v, ctx) => {
      if (v.direction === 'range') {
        if (v.rangeMin === null)
          ctx.addIssue({ ...issue('kpi.staff.error.requiredForRange'), path: ['rangeMin'] });
        if (v.rangeMax === null)
          ctx.addIssue({ ...issue('kpi.staff.error.requiredForRange'), path: ['rangeMax'] });
        if (v.rangeMin !== null && v.rangeMax !== null && v.rangeMin > v.rangeMax)
          ctx.addIssue({ ...issue('kpi.staff.error.rangeOrder'), path: ['rangeMax'] });
      }
      if (v.targetFy <= v.baselineFy)
        ctx.addIssue({ ...issue('kpi.staff.error.targetFyOrder'), path: ['targetFy'] });
      else if (v.targetFy - v.baselineFy > MAX_SPAN)
        ctx.addIssue({ ...issue('kpi.staff.error.span', { max: MAX_SPAN }), path: ['targetFy'] });
      if (!directionAgrees(v.direction, v.baselineValue, v.targetValue))
        ctx.addIssue({
          ...issue(v.direction === 'up' ? 'kpi.staff.error.directionUp' : 'kpi.staff.error.directionDown'),
          path: ['targetValue'],
        });
    });

/** Problems of a zod result as {@link Problem}s (the path's first segment is the field). */
function problemsOf(issues: readonly z.core.$ZodIssue[]): Problem[] {
  const out: Problem[] = [];
  for (const i of issues) {
    const field = String(i.path[0] ?? 'form');
    if (out.some((p) => p.field === field)) continue;
    const params = (i as { params?: Record<string, string | number> }).params;
    out.push({ field, key: i.message as MessageKey, ...(params ? { params } : {}) });
  }
  return out;
}

/**
 * Validates a definition form. `departmentIds` are the departments one may choose. The yearly targets are
 * read for the years strictly between the baseline and target years (when both are valid and the
 * direction is not a range): empty = interpolated.
 */
export function validateIndicator(
  body: unknown,
  departmentIds: ReadonlySet<number>,
): { ok: true; value: IndicatorInput } | { ok: false; problems: Problem[] } {
  const raw = formValues(body);
  const r = indicatorSchema(departmentIds).safeParse(
    withAll(raw, [...INDICATOR_ORDER, 'department', 'position']),
  );
  const problems = r.success ? [] : problemsOf(r.error.issues);
  const yearTargets: Array<{ fiscalYear: number; value: number }> = [];
  if (r.success && r.data.direction !== 'range') {
    for (let fy = r.data.baselineFy + 1; fy < r.data.targetFy; fy++) {
      const field = yearTargetField(fy);
      const n = parseNumberText(raw[field]);
      if (n === 'invalid') problems.push({ field, key: 'kpi.staff.error.yearTarget' });
      else if (n !== null) yearTargets.push({ fiscalYear: fy, value: n });
    }
  }
  if (!r.success || problems.length) return { ok: false, problems: sortProblems(problems, INDICATOR_ORDER) };
  const { department, ...rest } = r.data;
  return {
    ok: true,
    value: {
      ...rest,
      rangeMin: rest.direction === 'range' ? rest.rangeMin : null,
      rangeMax: rest.direction === 'range' ? rest.rangeMax : null,
      departmentId: department,
      yearTargets,
    },
  };
}

const INDICATOR_ORDER = [
  'name',
  'definition',
  'source',
  'unit',
  'direction',
  'rangeMin',
  'rangeMax',
  'decimals',
  'baselineValue',
  'baselineFy',
  'targetValue',
  'targetFy',
];

function sortProblems(problems: Problem[], order: string[]): Problem[] {
  const rank = (f: string) => {
    const i = order.indexOf(f);
    return i === -1 ? order.length : i;
  };
  return [...problems].sort((a, b) => rank(a.field) - rank(b.field));
}

/** The field names of messages, by input id. */
const FIELD_LABEL: Record<string, MessageKey> = {
  name: 'kpi.field.name',
  definition: 'kpi.field.definition',
  source: 'kpi.field.source',
  unit: 'kpi.field.unit',
  direction: 'kpi.field.direction',
  rangeMin: 'kpi.field.rangeMin',
  rangeMax: 'kpi.field.rangeMax',
  decimals: 'kpi.field.decimals',
  baselineValue: 'kpi.field.baselineValue',
  baselineFy: 'kpi.field.baselineFy',
  targetValue: 'kpi.field.targetValue',
  targetFy: 'kpi.field.targetFy',
  department: 'kpi.field.department',
  position: 'kpi.field.position',
  fiscalYear: 'kpi.field.fiscalYear',
  value: 'kpi.field.value',
  status: 'kpi.field.status',
  note: 'kpi.field.note',
};

/** Problems as the messages the page shows, each naming its field. */
export function fieldErrors(
  t: Translate,
  problems: readonly Problem[],
  locale: 'ja' | 'en' = 'ja',
): FieldErrors {
  return problems.map((p) => {
    const label = FIELD_LABEL[p.field];
    const gradeCell = /^grade-(grade|min|label)-\d+$/.exec(p.field);
    const yearTarget = /^yt-(\d{4})$/.exec(p.field);
    const field = label
      ? t(label)
      : gradeCell
        ? t(`kpi.staff.settings.col.${gradeCell[1]}` as MessageKey)
        : yearTarget
          ? t('kpi.staff.form.yearTargetLabel', { fy: formatFiscalYear(Number(yearTarget[1]), locale) })
          : '';
    return { field: p.field, message: t(p.key, { field, ...(p.params ?? {}) }) };
  });
}

/** An actual as entered on the actuals page. */
export interface ActualInput {
  fiscalYear: number;
  value: number;
  status: ActualStatus;
  note: string;
  /** The version the form was made from; null = there was no value. */
  expectedVersion: number | null;
}

/**
 * Validates the actual form. The fiscal year must be one of `years` (the baseline year + 1 to the later
 * of the target year and the current year); the expected version is the form's `v-<year>` field.
 */
export function validateActual(
  body: unknown,
  years: { from: number; to: number },
): { ok: true; value: ActualInput } | { ok: false; problems: Problem[] } {
  const schema = z.object({
    fiscalYear: z.unknown().transform((v, ctx): number => {
      const n = parseNumberText(v);
      if (typeof n !== 'number' || !Number.isInteger(n) || n < years.from || n > years.to) {
        ctx.addIssue(issue('kpi.staff.error.fiscalYear'));
        return z.NEVER;
      }
      return n;
    }),
    value: numberField(false),
    status: choiceField(ACTUAL_STATUSES),
    note: textField('note', false),
  });
  const r = schema.safeParse(withAll(formValues(body), ['fiscalYear', 'value', 'status', 'note']));
  if (!r.success)
    return {
      ok: false,
      problems: sortProblems(problemsOf(r.error.issues), ['fiscalYear', 'value', 'status', 'note']),
    };
  // The form carries the version of every year it shows (v-<year>); '' = there was no value.
  const version = cleanText(formValues(body)[`v-${r.data.fiscalYear}`]);
  const expectedVersion = /^[1-9]\d{0,8}$/.test(version) ? Number(version) : null;
  return { ok: true, value: { ...r.data, expectedVersion } };
}

/** The lock_version of a form (definition, delete, settings): a positive integer, or null. */
export function lockVersionOf(body: unknown): number | null {
  const s = cleanText(formValues(body).lock_version);
  return /^\d{1,9}$/.test(s) ? Number(s) : null;
}

/** Grade rules from the settings form's rows (rows with nothing typed are ignored). */
export function validateGradeRules(
  body: unknown,
): { ok: true; value: GradeRule[] } | { ok: false; problems: Problem[]; rules: GradeRule[] } {
  const raw = formValues(body);
  const problems: Problem[] = [];
  const rules: GradeRule[] = [];
  for (let i = 1; i <= GRADE_ROWS; i++) {
    const grade = cleanText(raw[`grade-grade-${i}`]).normalize('NFKC');
    const minText = raw[`grade-min-${i}`];
    const label = cleanText(raw[`grade-label-${i}`]);
    const min = parseNumberText(minText);
    if (grade === '' && label === '' && min === null) continue;
    if (grade === '')
      problems.push({ field: `grade-grade-${i}`, key: 'kpi.staff.settings.error.grade', params: { row: i } });
    if (min === 'invalid')
      problems.push({ field: `grade-min-${i}`, key: 'kpi.staff.settings.error.min', params: { row: i } });
    if ([...label].length > 40)
      problems.push({ field: `grade-label-${i}`, key: 'kpi.staff.settings.error.label', params: { row: i } });
    rules.push({ grade, min: typeof min === 'number' ? min : null, label });
  }
  // One message per field (the first); problems of the scale as a whole go on the table.
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    if (seen.has(p.field)) return false;
    seen.add(p.field);
    return true;
  });
  if (unique.length === 0)
    for (const key of gradeRuleProblems(rules)) unique.push({ field: 'grades', key: key as MessageKey });
  return unique.length ? { ok: false, problems: unique, rules } : { ok: true, value: rules };
}
