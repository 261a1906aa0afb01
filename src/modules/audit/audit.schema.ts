import { z } from 'zod';
import { type AuditCursor, decodeAuditCursor } from './audit.service.ts';

/**
 * The audit log's filter form, read from the query string (GET, so that a filtered view can be
 * bookmarked and exported). Every field is optional; an empty field counts as not given. Dates are
 * calendar days in Asia/Tokyo (YYYY-MM-DD, full-width digits accepted) and come out as the instants the
 * service filters on: `from` = the start of 開始日 (inclusive), `to` = the start of the day after 終了日
 * (exclusive), so that 終了日 itself is included. Invalid values give Japanese messages naming the field,
 * under the field's key, for the error summary and the field.
 */

/** The form's field names (query keys) with the label each message names. */
export const AUDIT_FILTER_LABELS = {
  actor: '操作者ID',
  action: '操作',
  resourceType: '対象の種類',
  resourceId: '対象ID',
  from: '開始日',
  to: '終了日',
  q: 'キーワード',
  cursor: 'ページ',
  limit: '表示件数',
} as const;

type Field = keyof typeof AUDIT_FILTER_LABELS;

const TEXT_MAX = 100;
const MAX_LIMIT = 200;
const TOKYO_OFFSET_MS = 9 * 3600 * 1000;

/** '' and white space only → undefined (an untouched field); strings trimmed; NFKC when asked. */
function blankToUndefined(nfkc: boolean) {
  return (v: unknown) => {
    if (typeof v !== 'string') return v;
    const t = (nfkc ? v.normalize('NFKC') : v).replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');
    return t === '' ? undefined : t;
  };
}

function str(field: Field) {
  return z.string({ error: `${AUDIT_FILTER_LABELS[field]}を正しく入力してください` });
}

function optional<T extends z.ZodType>(schema: T, nfkc = false) {
  return z.preprocess(blankToUndefined(nfkc), schema.optional()).optional();
}

function text(field: Field) {
  return optional(
    str(field).max(TEXT_MAX, {
      error: `${AUDIT_FILTER_LABELS[field]}は${TEXT_MAX}文字以内で入力してください`,
    }),
  );
}

/** Midnight in Tokyo of the day `days` after y-m-d, as a UTC ISO instant; null if y-m-d is not a real day. */
function tokyoMidnight(ymd: string, days: number): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (
    y < 1970 ||
    check.getUTCFullYear() !== y ||
    check.getUTCMonth() !== mo - 1 ||
    check.getUTCDate() !== d
  ) {
    return null;
  }
  return new Date(Date.UTC(y, mo - 1, d + days) - TOKYO_OFFSET_MS).toISOString();
}

function day(field: 'from' | 'to') {
  const label = AUDIT_FILTER_LABELS[field];
  return optional(
    str(field)
      .regex(/^\d{4}-\d{2}-\d{2}$/, {
        error: `${label}は YYYY-MM-DD の形で入力してください`,
        abort: true,
      })
      .refine((s) => tokyoMidnight(s, 0) !== null, { error: `${label}には実在する日付を入力してください` })
      .transform((s) => tokyoMidnight(s, field === 'from' ? 0 : 1)!),
    true,
  );
}

export const AuditFilterSchema = z
  .object({
    actor: optional(
      str('actor')
        .regex(/^[1-9]\d{0,14}$/, { error: `${AUDIT_FILTER_LABELS.actor}は数字で入力してください` })
        .transform(Number),
      true,
    ),
    action: text('action'),
    resourceType: text('resourceType'),
    resourceId: text('resourceId'),
    from: day('from'),
    to: day('to'),
    q: text('q'),
    cursor: optional(
      str('cursor').transform((s, ctx): AuditCursor => {
        const c = decodeAuditCursor(s);
        if (c) return c;
        ctx.addIssue({
          code: 'custom',
          message: `${AUDIT_FILTER_LABELS.cursor}の指定が正しくありません。最初のページから表示し直してください`,
        });
        return z.NEVER;
      }),
    ),
    limit: optional(
      str('limit')
        .regex(/^\d{1,3}$/, {
          error: `${AUDIT_FILTER_LABELS.limit}は1から${MAX_LIMIT}までの数字で入力してください`,
          abort: true,
        })
        .transform(Number)
        .refine((n) => n >= 1 && n <= MAX_LIMIT, {
          error: `${AUDIT_FILTER_LABELS.limit}は1から${MAX_LIMIT}までの数字で入力してください`,
        }),
      true,
    ),
  })
  .superRefine((v, ctx) => {
    if (v.from !== undefined && v.to !== undefined && v.to <= v.from) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `${AUDIT_FILTER_LABELS.to}は${AUDIT_FILTER_LABELS.from}と同じ日か、それより後の日付を入力してください`,
      });
    }
  })
  .transform((v) => ({
    actorUserId: v.actor,
    action: v.action,
    resourceType: v.resourceType,
    resourceId: v.resourceId,
    from: v.from,
    to: v.to,
    q: v.q,
    cursor: v.cursor,
    limit: v.limit,
  }));

/** The parsed filters: what `listAudit(db, { municipalityCode, ...filters })` takes. */
export type AuditFilters = z.output<typeof AuditFilterSchema>;

/**
 * The first message of each field that failed, keyed by the form's field name, in the form's order:
 * the error summary lists them, each field shows its own.
 */
export function auditFilterErrors(error: z.ZodError): Partial<Record<Field, string>> {
  const out: Partial<Record<Field, string>> = {};
  for (const field of Object.keys(AUDIT_FILTER_LABELS) as Field[]) {
    const issue = error.issues.find((i) => i.path[0] === field);
    if (issue) out[field] = issue.message;
  }
  return out;
}
