import type { Transaction } from 'kysely';
import type { Database, Db } from '../../db/database.ts';

/**
 * The mail outbox. Mail is queued in the same transaction as what it tells about, so a receipt mail
 * exists exactly when its submission does. With KYOSO_SMTP_URL set, mail-sender.ts delivers the rows
 * where sent_at is null (claiming each, so two processes never send one twice); without it they stay here,
 * and staff read them at /staff/outbox.
 * The rows hold addresses: only staff with the outbox right see them, and each view is audited.
 */

export interface OutgoingMail {
  municipalityCode: string;
  to: string;
  subject: string;
  body: string;
  /** What the mail is about, e.g. 'submission' and its id. */
  relatedType: string;
  relatedId: string;
  now: Date;
}

export interface OutboxMail {
  id: number;
  to: string;
  subject: string;
  body: string;
  relatedType: string;
  relatedId: string;
  createdAt: string;
  sentAt: string | null;
  lastError: string | null;
}

/** Queues a mail inside the caller's transaction; returns its id. */
export async function queueMail(trx: Transaction<Database>, mail: OutgoingMail): Promise<number> {
  const r = await trx
    .insertInto('mail_outbox')
    .values({
      municipality_code: mail.municipalityCode,
      to_address: mail.to,
      subject: mail.subject,
      body: mail.body,
      related_type: mail.relatedType,
      related_id: mail.relatedId,
      created_at: mail.now.toISOString(),
      sent_at: null,
      last_error: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));

/** The newest mails of the municipality, unsent first. */
export async function listOutbox(db: Db, municipalityCode: string, limit = 200): Promise<OutboxMail[]> {
  const rows = await db.kysely
    .selectFrom('mail_outbox')
    .selectAll()
    .where('municipality_code', '=', municipalityCode)
    .orderBy((eb) => eb.case().when('sent_at', 'is', null).then(0).else(1).end())
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    to: r.to_address,
    subject: r.subject,
    body: r.body,
    relatedType: r.related_type,
    relatedId: r.related_id,
    createdAt: iso(r.created_at),
    sentAt: r.sent_at == null ? null : iso(r.sent_at),
    lastError: r.last_error,
  }));
}
