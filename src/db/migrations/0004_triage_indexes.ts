import type { Kysely } from 'kysely';
import type { DualMigration } from './schema-helpers.ts';

/**
 * Indexes of the triage list (bench/triage.ts, bench/README.md "Public comment triage"). The list shows
 * every opinion except the 'split' originals, newest first, under one filter at a time, with a total
 * counted up to 10,000. With only (consultation_id, <filter>, id), each row checked needs a visit to the
 * table to read its state, and the filters without an index (channel, category) scan the whole
 * consultation: hundreds of ms at 100,000 opinions. Each index here is (consultation_id, <filter>, id,
 * state): the page walks it in id order and the count reads it alone (an index-only scan). They replace
 * the 0003 indexes they extend.
 */
const INDEXES = [
  ['opinions_triage_list_idx', ['consultation_id', 'id', 'state']],
  ['opinions_triage_node_idx', ['consultation_id', 'node_id', 'id', 'state']],
  ['opinions_triage_department_idx', ['consultation_id', 'department_id', 'id', 'state']],
  ['opinions_triage_channel_idx', ['consultation_id', 'channel', 'id', 'state']],
  ['opinions_triage_category_idx', ['consultation_id', 'category', 'id', 'state']],
  ['opinions_triage_group_idx', ['consultation_id', 'group_id', 'id', 'state']],
] as const;

/** The 0003 indexes that are prefixes of the ones above. */
const REPLACED = [
  ['opinions_consultation_idx', ['consultation_id', 'id']],
  ['opinions_node_idx', ['consultation_id', 'node_id', 'id']],
  ['opinions_department_idx', ['consultation_id', 'department_id', 'id']],
] as const;

export const migration: DualMigration = {
  async up(db: Kysely<unknown>) {
    for (const [name, cols] of INDEXES) {
      await db.schema
        .createIndex(name)
        .on('opinions')
        .columns([...cols])
        .execute();
    }
    for (const [name] of REPLACED) await db.schema.dropIndex(name).execute();
  },

  async down(db: Kysely<unknown>) {
    for (const [name, cols] of REPLACED) {
      await db.schema
        .createIndex(name)
        .on('opinions')
        .columns([...cols])
        .execute();
    }
    for (const [name] of INDEXES) await db.schema.dropIndex(name).execute();
  },
};
