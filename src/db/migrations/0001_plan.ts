import { type Kysely, sql } from 'kysely';
import type { DualMigration } from './schema-helpers.ts';
import { timestampType, withId } from './schema-helpers.ts';

/** The plan: municipalities, plans, versions, the node tree, cross-cutting measures, notes, search. */
export const migration: DualMigration = {
  async up(db: Kysely<unknown>, dialect) {
    const ts = timestampType(dialect);
    await db.schema
      .createTable('municipalities')
      .addColumn('code', 'varchar(6)', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', ts, (c) => c.notNull())
      .execute();

    await withId(db.schema.createTable('plans'), dialect)
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull().references('municipalities.code'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('period_start_fy', 'integer')
      .addColumn('period_end_fy', 'integer')
      .addColumn('created_at', ts, (c) => c.notNull())
      .addUniqueConstraint('plans_municipality_title_uq', ['municipality_code', 'title'])
      .execute();

    await withId(db.schema.createTable('plan_versions'), dialect)
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull().references('municipalities.code'))
      .addColumn('plan_id', 'integer', (c) => c.notNull().references('plans.id').onDelete('cascade'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) =>
        c.notNull().check(sql`state in ('early_draft', 'draft', 'adopted', 'withdrawn')`),
      )
      .addColumn('document_title', 'text', (c) => c.notNull())
      .addColumn('preamble', 'text', (c) => c.notNull())
      .addColumn('cross_cutting_heading', 'text')
      .addColumn('cross_cutting_intro', 'text', (c) => c.notNull())
      .addColumn('source_format', 'text', (c) => c.notNull())
      .addColumn('source_text', 'text', (c) => c.notNull())
      .addColumn('content_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', ts, (c) => c.notNull())
      .addUniqueConstraint('plan_versions_plan_seq_uq', ['plan_id', 'seq'])
      .execute();
    await db.schema
      .createIndex('plan_versions_municipality_idx')
      .on('plan_versions')
      .columns(['municipality_code', 'id'])
      .execute();

    await withId(db.schema.createTable('plan_nodes'), dialect)
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull().references('municipalities.code'))
      .addColumn('version_id', 'integer', (c) =>
        c.notNull().references('plan_versions.id').onDelete('cascade'),
      )
      .addColumn('parent_id', 'integer', (c) => c.references('plan_nodes.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) =>
        c.notNull().check(sql`kind in ('vision', 'project', 'policy', 'measure')`),
      )
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('number', 'text', (c) => c.notNull())
      .addColumn('ordinal', 'integer')
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('source_line', 'integer')
      .execute();
    await db.schema
      .createIndex('plan_nodes_version_idx')
      .on('plan_nodes')
      .columns(['version_id', 'position'])
      .execute();
    await db.schema.createIndex('plan_nodes_parent_idx').on('plan_nodes').column('parent_id').execute();

    await withId(db.schema.createTable('cross_cutting_measures'), dialect)
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull().references('municipalities.code'))
      .addColumn('version_id', 'integer', (c) =>
        c.notNull().references('plan_versions.id').onDelete('cascade'),
      )
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('keywords', 'text', (c) => c.notNull())
      .addColumn('source_line', 'integer')
      .execute();
    await db.schema
      .createIndex('cross_cutting_measures_version_idx')
      .on('cross_cutting_measures')
      .columns(['version_id', 'position'])
      .execute();

    await db.schema
      .createTable('cross_cutting_links')
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull().references('municipalities.code'))
      .addColumn('version_id', 'integer', (c) =>
        c.notNull().references('plan_versions.id').onDelete('cascade'),
      )
      .addColumn('node_id', 'integer', (c) => c.notNull().references('plan_nodes.id').onDelete('cascade'))
      .addColumn('cross_cutting_id', 'integer', (c) =>
        c.notNull().references('cross_cutting_measures.id').onDelete('cascade'),
      )
      .addColumn('created_at', ts, (c) => c.notNull())
      .addPrimaryKeyConstraint('cross_cutting_links_pk', ['node_id', 'cross_cutting_id'])
      .execute();
    await db.schema
      .createIndex('cross_cutting_links_version_idx')
      .on('cross_cutting_links')
      .column('version_id')
      .execute();

    await withId(db.schema.createTable('plan_notes'), dialect)
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull().references('municipalities.code'))
      .addColumn('version_id', 'integer', (c) =>
        c.notNull().references('plan_versions.id').onDelete('cascade'),
      )
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('term', 'text')
      .addColumn('source_line', 'integer')
      .execute();

    await withId(db.schema.createTable('plan_search_entries'), dialect)
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull().references('municipalities.code'))
      .addColumn('version_id', 'integer', (c) =>
        c.notNull().references('plan_versions.id').onDelete('cascade'),
      )
      .addColumn('target_kind', 'text', (c) => c.notNull())
      .addColumn('target_id', 'integer', (c) => c.notNull())
      .addColumn('search_text', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('plan_search_entries_version_idx')
      .on('plan_search_entries')
      .column('version_id')
      .execute();

    if (dialect === 'postgres') {
      // Trigram index: LIKE '%…%' on Japanese text without a word segmenter (3+ characters use it).
      await sql`create extension if not exists pg_trgm`.execute(db);
      await sql`create index plan_search_entries_trgm_idx on plan_search_entries using gin (search_text gin_trgm_ops)`.execute(
        db,
      );
    } else {
      // FTS5 with the trigram tokenizer, external content: substring search in any language.
      await sql`create virtual table plan_search_fts using fts5(search_text, content='plan_search_entries', content_rowid='id', tokenize='trigram')`.execute(
        db,
      );
    }
  },

  async down(db: Kysely<unknown>, dialect) {
    if (dialect === 'sqlite') await sql`drop table if exists plan_search_fts`.execute(db);
    for (const t of [
      'plan_search_entries',
      'plan_notes',
      'cross_cutting_links',
      'cross_cutting_measures',
      'plan_nodes',
      'plan_versions',
      'plans',
      'municipalities',
    ]) {
      await db.schema.dropTable(t).execute();
    }
  },
};
