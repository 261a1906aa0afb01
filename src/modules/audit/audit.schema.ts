import { z } from 'zod';
import { isId } from '../../shared/ids.ts';
import { type Translate, translator } from '../../web/i18n/messages.ts';
import { type AuditMessageKey, auditMessages } from './audit.messages.ts';
import { type AuditCursor, decodeAuditCursor } from './audit.service.ts';

/**
 * The audit log's filter form, read from the query string (GET, so that a filtered view can be
 * bookmarked and exported). Every field is optional; an empty field counts as not given. Dates are
 * calendar days in Asia/Tokyo (YYYY-MM-DD, full-width digits accepted) and come out as the instants the
 * service filters on: `from` = the start of 開始日 (inclusive), `to` = the start of the day after 終了日
 * (exclusive), so that 終了日 itself is included. 操作者 is a member of staff's number (digits) or text
 * of the actor's label (their e-mail at the time). Invalid values give messages naming the field (see
 * {@link auditFilterErrors}), under the field's key, for the error summary and the field.
 */

/** The form's field names (query keys), in the form's order. */
export const AUDIT_FILTER_FIELDS = [
  'actor',
  'action',
  'resourceType',
  'resourceId',
  'from',
  'to',
  'q',
  'cursor',
  'limit',
] as const;

export type AuditFilterField = (typeof AUDIT_FILTER_FIELDS)[number];
type Field = AuditFilterField;

/** The Japanese name of each field, as the messages name it (the catalogue has the English too). */
export const AUDIT_FILTER_LABELS: Readonly<Record<Field, string>> = Object.fromEntries(
  AUDIT_FILTER_FIELDS.map((f) => [f, auditMessages.ja[`audit.field.${f}`]]),
) as Record<Field, string>;

const TEXT_MAX = 100;
/** An e-mail address is at most 254 characters. */
const ACTOR_MAX = 254;
export const MAX_AUDIT_FILTER_LIMIT = 200;
const MAX_LIMIT = MAX_AUDIT_FILTER_LIMIT;
const TOKYO_OFFSET_MS = 9 * 3600 * 1000;

// Every issue's message is a key of the catalogue (audit.messages.ts); auditFilterErrors() turns it into
// the reader's language, naming the field.

/** '' and white space only → undefined (an untouched field); strings trimmed; NFKC when asked. */
function blankToUndefined(nfkc: boolean) {
  return (v: unknown) => {
    if (typeof v !== 'string') return v;
    // Control characters (U+0000 above all, which PostgreSQL refuses in text) never reach a query.
    const t = (nfkc ? v.normalize('NFKC') : v)
      .replace(/\p{Cc}/gu, '')
      .replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');
    return t === '' ? undefined : t;
  };
}

function str() {
  return z.string({ error: 'audit.filter.invalid' satisfies AuditMessageKey });
}

function optional<T extends z.ZodType>(schema: T, nfkc = false) {
  return z.preprocess(blankToUndefined(nfkc), schema.optional()).optional();
}

function text(max = TEXT_MAX) {
  return str().max(max, { error: 'audit.filter.tooLong' satisfies AuditMessageKey });
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
  return optional(
    str()
      .regex(/^\d{4}-\d{2}-\d{2}$/, {
        error: 'audit.filter.dateFormat' satisfies AuditMessageKey,
        abort: true,
      })
      .refine((s) => tokyoMidnight(s, 0) !== null, {
        error: 'audit.filter.dateReal' satisfies AuditMessageKey,
      })
      .transform((s) => tokyoMidnight(s, field === 'from' ? 0 : 1)!),
    true,
  );
}

const LIMIT_MESSAGE = 'audit.filter.limit' satisfies AuditMessageKey;

export const AuditFilterSchema = z
  .object({
    // A member of staff's number (digits) or text of the label (the e-mail at the time of the entry).
    actor: optional(
      text(ACTOR_MAX).transform((s) => (isId(s) ? { userId: Number(s) } : { label: s })),
      true,
    ),
    action: optional(text()),
    resourceType: optional(text()),
    resourceId: optional(text()),
    from: day('from'),
    to: day('to'),
    q: optional(text()),
    cursor: optional(
      str().transform((s, ctx): AuditCursor => {
        const c = decodeAuditCursor(s);
        if (c) return c;
        ctx.addIssue({ code: 'custom', message: 'audit.filter.cursor' satisfies AuditMessageKey });
        return z.NEVER;
      }),
    ),
    limit: optional(
      str()
        .regex(/^\d{1,3}$/, { error: LIMIT_MESSAGE, abort: true })
        .transform(Number)
        .refine((n) => n >= 1 && n <= MAX_LIMIT, { error: LIMIT_MESSAGE }),
      true,
    ),
  })
  .superRefine((v, ctx) => {
    if (v.from !== undefined && v.to !== undefined && v.to <= v.from) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: 'audit.filter.toBeforeFrom' satisfies AuditMessageKey,
      });
    }
  })
  .transform((v) => ({
    actorUserId: v.actor && 'userId' in v.actor ? v.actor.userId : undefined,
    actorLabel: v.actor && 'label' in v.actor ? v.actor.label : undefined,
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

function isAuditMessageKey(s: string): s is AuditMessageKey {
  return Object.hasOwn(auditMessages.ja, s);
}

const MAX_OF: Partial<Record<Field, number>> = { actor: ACTOR_MAX, limit: MAX_LIMIT };

/**
 * The first message of each field that failed, keyed by the form's field name, in the form's order,
 * in the reader's language (Japanese unless a translator is given): the error summary lists them, each
 * field shows its own.
 */
export function auditFilterErrors(
  error: z.ZodError,
  t: Translate = translator('ja'),
): Partial<Record<Field, string>> {
  const out: Partial<Record<Field, string>> = {};
  for (const field of AUDIT_FILTER_FIELDS) {
    const issue = error.issues.find((i) => i.path[0] === field);
    if (!issue) continue;
    const key = isAuditMessageKey(issue.message) ? issue.message : 'audit.filter.invalid';
    out[field] = t(key, {
      label: t(`audit.field.${field}`),
      max: MAX_OF[field] ?? TEXT_MAX,
      from: t('audit.field.from'),
    });
  }
  return out;
}
