import type { Db } from '../../db/database.ts';
import type { Translate } from '../../web/i18n/messages.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import { isCalendarDate, tokyoDate } from './consultation.schema.ts';
import { type Consultation, STAFF_CHANNELS } from './consultation.types.ts';
import { type IntakeForm, type IntakeValue, readIntakeForm, validateIntake } from './intake.schema.ts';
import {
  dedupeHash,
  existingReceipt,
  insertSubmission,
  isUniqueViolation,
  type Section,
} from './intake.service.ts';
import type { IntakeWriter } from './intake-writer.ts';

/**
 * Staff entry of opinions that arrived by post, fax, e-mail or in person: the channel, the date received
 * (for post, the postmark date), then the same fields and validation as the web form. Accepted after the
 * end time only when received (postmarked) on or before the closing date. Written through the intake
 * writer like web submissions, with an audit entry that holds ids, the channel and counts, never a
 * personal value.
 */

export type StaffChannel = (typeof STAFF_CHANNELS)[number];

export interface EntryForm extends IntakeForm {
  channel: string;
  receivedOn: string;
}

export interface EntryValue {
  channel: StaffChannel;
  receivedOn: string;
  submission: IntakeValue;
}

/** The last calendar day (Asia/Tokyo) on which the consultation accepts opinions (closes_at is exclusive). */
export function closingDate(c: Pick<Consultation, 'closesAt'>): string {
  return tokyoDate(new Date(Date.parse(c.closesAt) - 1));
}

const str = (v: unknown): string => {
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first.trim() : '';
};

export function readEntryForm(body: unknown, minSlots: number): EntryForm {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return { ...readIntakeForm(body, minSlots), channel: str(b.channel), receivedOn: str(b.receivedOn) };
}

/**
 * Checks the staff fields (channel, date received) and then the web form's fields with the web form's
 * validation. Messages name the field and repeat nothing typed.
 */
export function validateEntry(
  form: EntryForm,
  consultation: Consultation,
  sections: ReadonlySet<number>,
  now: Date,
  t: Translate,
  format: (date: string) => string,
): { ok: true; value: EntryValue } | { ok: false; errors: Array<{ field: string; message: string }> } {
  const errors: Array<{ field: string; message: string }> = [];
  const channel = (STAFF_CHANNELS as readonly string[]).includes(form.channel)
    ? (form.channel as StaffChannel)
    : null;
  if (!channel)
    errors.push({
      field: 'channel',
      message: t('pc.staff.entry.error.channel', { field: t('pc.staff.entry.channel') }),
    });
  const field = t('pc.staff.entry.receivedOn');
  if (!isCalendarDate(form.receivedOn))
    errors.push({ field: 'receivedOn', message: t('pc.staff.entry.error.receivedOn', { field }) });
  else if (form.receivedOn > tokyoDate(now))
    errors.push({ field: 'receivedOn', message: t('pc.staff.entry.error.future', { field }) });
  else if (form.receivedOn < tokyoDate(consultation.opensAt))
    errors.push({
      field: 'receivedOn',
      message: t('pc.staff.entry.error.beforeOpen', {
        field,
        opens: format(tokyoDate(consultation.opensAt)),
      }),
    });
  else if (form.receivedOn > closingDate(consultation))
    errors.push({
      field: 'receivedOn',
      message: t('pc.staff.entry.error.late', { field, closes: format(closingDate(consultation)) }),
    });
  const r = validateIntake(form, sections, t);
  if (!r.ok) errors.push(...r.errors);
  if (errors.length > 0 || !r.ok || !channel) return { ok: false, errors };
  return { ok: true, value: { channel, receivedOn: form.receivedOn, submission: r.value } };
}

export type EntryResult =
  | { status: 'accepted'; submissionId: number; receiptNumber: string }
  | { status: 'duplicate'; receiptNumber: string };

/** Records a staff-entered submission through the intake writer, audited in the same transaction. */
export async function enterSubmission(input: {
  db: Db;
  intake: IntakeWriter;
  consultation: Consultation;
  sections: readonly Section[];
  value: EntryValue;
  actor: AuditActor;
  now: Date;
}): Promise<EntryResult> {
  const { db, consultation: c, value, now } = input;
  const v = value.submission;
  const hash = dedupeHash(c.id, v);
  const before = await existingReceipt(db, c.id, hash);
  if (before) return { status: 'duplicate', receiptNumber: before };
  const lead = new Map(input.sections.map((s) => [s.nodeId, s.leadDepartmentId]));
  const at = now.toISOString();
  try {
    return await input.intake.run(async (trx) => {
      const s = await insertSubmission(trx, {
        consultation: c,
        value: v,
        channel: value.channel,
        receivedOn: value.receivedOn,
        receiptTokenHash: null,
        enteredBy: input.actor.userId,
        leadDepartments: lead,
        dedupeHash: hash,
        at,
      });
      await recordAudit(trx, {
        municipalityCode: c.municipalityCode,
        actor: input.actor,
        action: 'submission.enter',
        resourceType: 'submission',
        resourceId: s.submissionId,
        before: null,
        // ids, the channel and counts only: never a name, address or text
        after: {
          consultationId: c.id,
          submissionId: s.submissionId,
          channel: value.channel,
          receivedOn: value.receivedOn,
          opinionIds: s.opinionIds,
          opinionCount: s.opinionIds.length,
        },
        at,
      });
      return { status: 'accepted', submissionId: s.submissionId, receiptNumber: s.receiptNumber } as const;
    });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const other = await existingReceipt(db, c.id, hash);
    if (other) return { status: 'duplicate', receiptNumber: other };
    throw e;
  }
}
