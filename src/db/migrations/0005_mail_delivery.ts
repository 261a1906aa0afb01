import type { Kysely } from 'kysely';
import { type DualMigration, timestampType } from './schema-helpers.ts';

/**
 * Delivery of the mail outbox over SMTP (src/modules/consultation/mail-sender.ts).
 * - claimed_at / claim_token: a sender claims a row (a conditional UPDATE) before sending it, so that two
 *   processes never send the same mail; a claim older than the sender's stale limit is taken over (the
 *   process that held it has died).
 * - attempts / next_attempt_at: failed sends are retried later, with a growing delay.
 * - mail_outbox_unsent_idx: the sender reads the unsent rows in id order.
 */
const COLUMNS = ['claimed_at', 'claim_token', 'attempts', 'next_attempt_at'] as const;

export const migration: DualMigration = {
  async up(db: Kysely<unknown>, dialect) {
    const ts = timestampType(dialect);
    await db.schema.alterTable('mail_outbox').addColumn('claimed_at', ts).execute();
    await db.schema.alterTable('mail_outbox').addColumn('claim_token', 'text').execute();
    await db.schema
      .alterTable('mail_outbox')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('mail_outbox').addColumn('next_attempt_at', ts).execute();
    await db.schema
      .createIndex('mail_outbox_unsent_idx')
      .on('mail_outbox')
      .columns(['sent_at', 'id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('mail_outbox_unsent_idx').execute();
    for (const c of [...COLUMNS].reverse()) await db.schema.alterTable('mail_outbox').dropColumn(c).execute();
  },
};
