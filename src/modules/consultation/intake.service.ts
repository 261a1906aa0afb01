import { createHash, randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database, Db } from '../../db/database.ts';
import { normalizeForSearch } from '../../shared/text.ts';
import type { Translate } from '../../web/i18n/messages.ts';
import type { PlanTree } from '../plan/plan.types.ts';
import { measureName, policyName } from '../plan/views/common.tsx';
import { isOpenAt } from './consultation.service.ts';
import type { Channel, Consultation } from './consultation.types.ts';
import type { IntakeValue } from './intake.schema.ts';
import type { IntakeWriter } from './intake-writer.ts';
import { queueMail } from './mail.service.ts';

/**
 * Web submissions of public comment: written through the intake writer (one job: the submission, its
 * opinions and the receipt mail), refused when the consultation is not open or when the same person sent
 * the same opinions before. The receipt page's address holds a secret token; only its hash is stored.
 */

/** The sections an opinion can be about, in the draft's order, with a label that says where each sits. */
export interface Section {
  nodeId: number;
  label: string;
  /** The department leading the measure (measures only), the default assignee of opinions on it. */
  leadDepartmentId: number | null;
}

export function sectionsOf(tree: PlanTree, t: Translate): Section[] {
  const lead = new Map(tree.owners.filter((o) => o.role === 'lead').map((o) => [o.path, o.departmentId]));
  const out: Section[] = [];
  if (tree.vision)
    out.push({
      nodeId: tree.vision.id,
      label: `${t('plan.vision')}「${tree.vision.title}」`,
      leadDepartmentId: null,
    });
  if (tree.project)
    out.push({
      nodeId: tree.project.id,
      label: `${t('plan.project')}「${tree.project.title}」`,
      leadDepartmentId: null,
    });
  for (const p of tree.policies) {
    out.push({ nodeId: p.id, label: policyName(p), leadDepartmentId: null });
    for (const m of p.children)
      out.push({
        nodeId: m.id,
        label: `${policyName(p)} › ${measureName(m)}`,
        leadDepartmentId: lead.get(m.path) ?? null,
      });
  }
  return out;
}

/** 受付番号: 「PC」, the consultation's id, and the submission's id (six digits or more), e.g. PC3-000123. */
export function receiptNumberFor(consultationId: number, submissionId: number): string {
  return `PC${consultationId}-${String(submissionId).padStart(6, '0')}`;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** What makes two submissions the same: the consultation, the name, the address and the opinions, normalised. */
export function dedupeHash(consultationId: number, v: IntakeValue): string {
  const norm = (s: string) => normalizeForSearch(s).replace(/[\s\u3000]+/g, '');
  return sha256(
    JSON.stringify([
      consultationId,
      norm(v.name),
      norm(v.address),
      v.opinions.map((o) => [o.nodeId, norm(o.body)]),
    ]),
  );
}

/** The Asia/Tokyo calendar date of an instant, YYYY-MM-DD. */
export function tokyoDate(at: Date): string {
  return new Date(at.getTime() + 9 * 3600 * 1000).toISOString().slice(0, 10);
}

/** A unique-constraint violation on either database (a duplicate submission that raced another). */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export type SubmitResult =
  | { status: 'accepted'; token: string; receiptNumber: string }
  | { status: 'closed' }
  | { status: 'duplicate'; receiptNumber: string };

export interface SubmitInput {
  db: Db;
  intake: IntakeWriter;
  consultation: Consultation;
  sections: readonly Section[];
  value: IntakeValue;
  now: Date;
  /** The receipt mail, composed once the receipt number is known (used when an e-mail address was given). */
  receiptMail: (receiptNumber: string) => { subject: string; body: string };
}

/** The receipt number of an earlier submission with the same content (dedupe hash), or null. */
export async function existingReceipt(db: Db, consultationId: number, hash: string): Promise<string | null> {
  const r = await db.kysely
    .selectFrom('submissions')
    .select('receipt_number')
    .where('consultation_id', '=', consultationId)
    .where('dedupe_hash', '=', hash)
    .executeTakeFirst();
  return r?.receipt_number ?? null;
}

/** One submission to write, from any channel. */
export interface SubmissionRecord {
  consultation: Consultation;
  value: IntakeValue;
  channel: Channel;
  /** Asia/Tokyo calendar date received (the postmark date for post). */
  receivedOn: string;
  /** sha256 of the receipt page's secret (web submissions). */
  receiptTokenHash: string | null;
  /** The member of staff who entered it (paper, fax, e-mail, in person). */
  enteredBy: number | null;
  /** The lead department of each section: each opinion is assigned to its section's. */
  leadDepartments: ReadonlyMap<number, number | null>;
  dedupeHash: string;
  at: string;
}

/**
 * Writes a submission and its opinions inside the intake job's transaction; the receipt number is
 * `PC<consultation>-<submission id>` (a unique placeholder first, since the id is known only after the insert).
 */
export async function insertSubmission(
  trx: Transaction<Database>,
  r: SubmissionRecord,
): Promise<{ submissionId: number; receiptNumber: string; opinionIds: number[] }> {
  const c = r.consultation;
  const v = r.value;
  const s = await trx
    .insertInto('submissions')
    .values({
      municipality_code: c.municipalityCode,
      consultation_id: c.id,
      receipt_number: `pending-${r.dedupeHash}`,
      channel: r.channel,
      received_on: r.receivedOn,
      name: v.name,
      address: v.address,
      category: v.category,
      category_note: v.categoryNote,
      email: v.email,
      phone: v.phone,
      dedupe_hash: r.dedupeHash,
      receipt_token_hash: r.receiptTokenHash,
      entered_by: r.enteredBy,
      created_at: r.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const receiptNumber = receiptNumberFor(c.id, s.id);
  await trx
    .updateTable('submissions')
    .set({ receipt_number: receiptNumber })
    .where('id', '=', s.id)
    .execute();
  const ids = await trx
    .insertInto('opinions')
    .values(
      v.opinions.map((o, i) => ({
        municipality_code: c.municipalityCode,
        consultation_id: c.id,
        submission_id: s.id,
        position: i + 1,
        node_id: o.nodeId,
        body: o.body,
        search_text: normalizeForSearch(o.body),
        exclusion_reason: null,
        split_from: null,
        department_id: o.nodeId === null ? null : (r.leadDepartments.get(o.nodeId) ?? null),
        group_id: null,
        channel: r.channel,
        category: v.category,
        received_on: r.receivedOn,
        created_at: r.at,
        updated_at: r.at,
      })),
    )
    .returning('id')
    .execute();
  return { submissionId: s.id, receiptNumber, opinionIds: ids.map((x) => x.id) };
}

/** Accepts a web submission: one intake job, resolved once durable. */
export async function submitWebSubmission(input: SubmitInput): Promise<SubmitResult> {
  const { db, consultation: c, value, now } = input;
  if (!isOpenAt(c, now)) return { status: 'closed' };
  const hash = dedupeHash(c.id, value);
  const before = await existingReceipt(db, c.id, hash);
  if (before) return { status: 'duplicate', receiptNumber: before };

  const token = randomBytes(32).toString('base64url');
  const lead = new Map(input.sections.map((s) => [s.nodeId, s.leadDepartmentId]));
  const at = now.toISOString();
  const receivedOn = tokyoDate(now);
  try {
    const receiptNumber = await input.intake.run(async (trx) => {
      const { submissionId, receiptNumber: number } = await insertSubmission(trx, {
        consultation: c,
        value,
        channel: 'web',
        receivedOn,
        receiptTokenHash: sha256(token),
        enteredBy: null,
        leadDepartments: lead,
        dedupeHash: hash,
        at,
      });
      if (value.email !== '') {
        const mail = input.receiptMail(number);
        await queueMail(trx, {
          municipalityCode: c.municipalityCode,
          to: value.email,
          subject: mail.subject,
          body: mail.body,
          relatedType: 'submission',
          relatedId: String(submissionId),
          now,
        });
      }
      return number;
    });
    return { status: 'accepted', token, receiptNumber };
  } catch (e) {
    // Two identical submissions at once: the unique constraint keeps one; the other learns its number.
    if (!isUniqueViolation(e)) throw e;
    const other = await existingReceipt(db, c.id, hash);
    if (other) return { status: 'duplicate', receiptNumber: other };
    throw e;
  }
}

/** What the receipt page shows: never the name, address, e-mail or phone. */
export interface Receipt {
  receiptNumber: string;
  receivedAt: string;
  /** A receipt mail was queued (an e-mail address was given); the address itself is not read out. */
  mailQueued: boolean;
  opinions: Array<{ position: number; nodeId: number | null; body: string }>;
}

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));

/** The receipt of the submission whose page address holds `token`, or null. */
export async function getReceipt(db: Db, consultationId: number, token: string): Promise<Receipt | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const s = await db.kysely
    .selectFrom('submissions')
    .select((eb) => [
      'id',
      'receipt_number',
      'created_at',
      eb.case().when('email', '=', '').then(0).else(1).end().as('has_mail'),
    ])
    .where('consultation_id', '=', consultationId)
    .where('receipt_token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!s) return null;
  const opinions = await db.kysely
    .selectFrom('opinions')
    .select(['position', 'node_id', 'body'])
    .where('submission_id', '=', s.id)
    .where('split_from', 'is', null)
    .orderBy('position')
    .execute();
  return {
    receiptNumber: s.receipt_number,
    receivedAt: iso(s.created_at),
    mailQueued: Number(s.has_mail) === 1,
    opinions: opinions.map((o) => ({ position: o.position, nodeId: o.node_id, body: o.body })),
  };
}
