import { type Kysely, sql } from 'kysely';
import { type DualMigration, timestampType, withId } from './schema-helpers.ts';

/**
 * Public comment (パブリックコメント): consultations on a plan version, submissions with their personal data,
 * opinions, groups with their answers, grouping suggestions, immutable publications, the mail outbox.
 */
export const migration: DualMigration = {
  async up(db: Kysely<unknown>, dialect) {
    const ts = timestampType(dialect);

    await withId(db.schema.createTable('consultations'), dialect)
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull().references('municipalities.code'))
      .addColumn('version_id', 'integer', (c) => c.notNull().references('plan_versions.id'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('eligibility', 'text', (c) => c.notNull())
      .addColumn('opens_at', ts, (c) => c.notNull())
      .addColumn('closes_at', ts, (c) => c.notNull())
      .addColumn('short_period_reason', 'text')
      .addColumn('postal_address', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('fax_number', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('email_address', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('in_person_place', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('reading_places', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('contact', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('lock_version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('updated_at', ts, (c) => c.notNull())
      .addCheckConstraint('consultations_period_ck', sql`closes_at > opens_at`)
      .execute();
    await db.schema
      .createIndex('consultations_municipality_idx')
      .on('consultations')
      .columns(['municipality_code', 'opens_at'])
      .execute();

    await withId(db.schema.createTable('submissions'), dialect)
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull())
      .addColumn('consultation_id', 'integer', (c) => c.notNull().references('consultations.id'))
      .addColumn('receipt_number', 'text', (c) => c.notNull().unique())
      .addColumn('channel', 'text', (c) =>
        c.notNull().check(sql`channel in ('web', 'post', 'fax', 'email', 'in_person')`),
      )
      .addColumn('received_on', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) =>
        c.notNull().check(sql`category in ('resident', 'worker', 'student', 'business', 'other')`),
      )
      .addColumn('category_note', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('email', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('phone', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('dedupe_hash', 'text', (c) => c.notNull())
      .addColumn('receipt_token_hash', 'text')
      .addColumn('entered_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', ts, (c) => c.notNull())
      .addUniqueConstraint('submissions_dedupe_uq', ['consultation_id', 'dedupe_hash'])
      .execute();
    await db.schema
      .createIndex('submissions_consultation_idx')
      .on('submissions')
      .columns(['consultation_id', 'id'])
      .execute();

    await withId(db.schema.createTable('opinion_groups'), dialect)
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull())
      .addColumn('consultation_id', 'integer', (c) => c.notNull().references('consultations.id'))
      .addColumn('node_id', 'integer', (c) => c.references('plan_nodes.id'))
      .addColumn('department_id', 'integer', (c) => c.references('departments.id').onDelete('set null'))
      .addColumn('summary', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('answer', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('reflection', 'text', (c) =>
        c.check(sql`reflection in ('reflect', 'included', 'future', 'not_reflected', 'other')`),
      )
      .addColumn('draft_change', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('answer_state', 'text', (c) =>
        c
          .notNull()
          .defaultTo('unanswered')
          .check(sql`answer_state in ('unanswered', 'drafted', 'submitted', 'approved', 'returned')`),
      )
      .addColumn('return_remark', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('lock_version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('approved_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('approved_at', ts)
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('updated_at', ts, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('opinion_groups_consultation_idx')
      .on('opinion_groups')
      .columns(['consultation_id', 'answer_state'])
      .execute();

    await withId(db.schema.createTable('opinions'), dialect)
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull())
      .addColumn('consultation_id', 'integer', (c) => c.notNull().references('consultations.id'))
      .addColumn('submission_id', 'integer', (c) => c.notNull().references('submissions.id'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('node_id', 'integer', (c) => c.references('plan_nodes.id'))
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('search_text', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) =>
        c.notNull().defaultTo('new').check(sql`state in ('new', 'accepted', 'excluded', 'split')`),
      )
      .addColumn('exclusion_reason', 'text', (c) =>
        c.check(sql`exclusion_reason in ('stance_only', 'off_topic', 'no_identity', 'other')`),
      )
      .addColumn('exclusion_note', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('split_from', 'integer', (c) => c.references('opinions.id'))
      .addColumn('department_id', 'integer', (c) => c.references('departments.id').onDelete('set null'))
      .addColumn('group_id', 'integer', (c) => c.references('opinion_groups.id').onDelete('set null'))
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('received_on', 'text', (c) => c.notNull())
      .addColumn('lock_version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('updated_at', ts, (c) => c.notNull())
      .execute();
    // The triage list pages by (consultation, id desc) under each filter.
    for (const [name, cols] of [
      ['opinions_consultation_idx', ['consultation_id', 'id']],
      ['opinions_node_idx', ['consultation_id', 'node_id', 'id']],
      ['opinions_state_idx', ['consultation_id', 'state', 'id']],
      ['opinions_department_idx', ['consultation_id', 'department_id', 'id']],
      ['opinions_group_idx', ['group_id']],
      ['opinions_submission_idx', ['submission_id']],
    ] as const) {
      await db.schema
        .createIndex(name)
        .on('opinions')
        .columns([...cols])
        .execute();
    }

    await withId(db.schema.createTable('group_suggestions'), dialect)
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull())
      .addColumn('consultation_id', 'integer', (c) => c.notNull().references('consultations.id'))
      .addColumn('opinion_ids', 'text', (c) => c.notNull())
      .addColumn('score', 'real', (c) => c.notNull())
      .addColumn('state', 'text', (c) =>
        c.notNull().defaultTo('open').check(sql`state in ('open', 'accepted', 'refused')`),
      )
      .addColumn('group_id', 'integer', (c) => c.references('opinion_groups.id').onDelete('set null'))
      .addColumn('decided_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('decided_at', ts)
      .addColumn('created_at', ts, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('group_suggestions_consultation_idx')
      .on('group_suggestions')
      .columns(['consultation_id', 'state'])
      .execute();

    await withId(db.schema.createTable('consultation_publications'), dialect)
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull())
      .addColumn('consultation_id', 'integer', (c) => c.notNull().references('consultations.id'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('published_at', ts, (c) => c.notNull())
      .addColumn('published_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('correction_note', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('snapshot', 'text', (c) => c.notNull())
      .addUniqueConstraint('consultation_publications_seq_uq', ['consultation_id', 'seq'])
      .execute();

    await withId(db.schema.createTable('mail_outbox'), dialect)
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull())
      .addColumn('to_address', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('related_type', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('related_id', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('sent_at', ts)
      .addColumn('last_error', 'text')
      .execute();

    // Full-text search over opinion bodies.
    if (dialect === 'postgres') {
      await sql`create index opinions_search_trgm_idx on opinions using gin (search_text gin_trgm_ops)`.execute(
        db,
      );
    } else {
      await sql`create virtual table opinions_fts using fts5(search_text, content='opinions', content_rowid='id', tokenize='trigram')`.execute(
        db,
      );
      await sql`create trigger opinions_fts_ai after insert on opinions begin
        insert into opinions_fts(rowid, search_text) values (new.id, new.search_text); end`.execute(db);
      await sql`create trigger opinions_fts_ad after delete on opinions begin
        insert into opinions_fts(opinions_fts, rowid, search_text) values ('delete', old.id, old.search_text); end`.execute(
        db,
      );
      await sql`create trigger opinions_fts_au after update of search_text on opinions begin
        insert into opinions_fts(opinions_fts, rowid, search_text) values ('delete', old.id, old.search_text);
        insert into opinions_fts(rowid, search_text) values (new.id, new.search_text); end`.execute(db);
    }

    // What was published stays as it was: a correction is a new publication.
    if (dialect === 'postgres') {
      await sql`create function consultation_publications_immutable() returns trigger language plpgsql as $$
        begin raise exception 'consultation_publications is append-only'; end $$`.execute(db);
      await sql`create trigger consultation_publications_no_change before update or delete on consultation_publications
        for each row execute function consultation_publications_immutable()`.execute(db);
    } else {
      await sql`create trigger consultation_publications_no_update before update on consultation_publications
        begin select raise(abort, 'consultation_publications is append-only'); end`.execute(db);
      await sql`create trigger consultation_publications_no_delete before delete on consultation_publications
        begin select raise(abort, 'consultation_publications is append-only'); end`.execute(db);
    }
  },

  async down(db: Kysely<unknown>, dialect) {
    if (dialect === 'postgres') {
      await sql`drop trigger if exists consultation_publications_no_change on consultation_publications`.execute(
        db,
      );
      await sql`drop function if exists consultation_publications_immutable()`.execute(db);
    } else {
      await sql`drop table if exists opinions_fts`.execute(db);
    }
    for (const t of [
      'mail_outbox',
      'consultation_publications',
      'group_suggestions',
      'opinions',
      'opinion_groups',
      'submissions',
      'consultations',
    ]) {
      await db.schema.dropTable(t).execute();
    }
  },
};
