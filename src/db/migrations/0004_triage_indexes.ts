import { type Kysely, sql } from 'kysely';
import type { DualMigration } from './schema-helpers.ts';

/**
 * Indexes of the triage list (bench/triage.ts, bench/README.md "Public comment triage"). The list shows
 * every opinion except the 'split' originals, newest first, under one filter at a time, with a total
 * counted up to 10,000. With only (consultation_id, <filter>, id), each row checked needs a visit to the
 * table to read its state, and the filters without an index (channel, category) scan the whole
 * consultation: hundreds of ms at 100,000 opinions. Each index here is (consultation_id, <filter>, id,
 * state): the page walks it in id order and the count reads it alone (an index-only scan). They replace
 * the 0003 indexes they extend.
 *
 * And an index of character bigrams of `opinions.search_text`, for search terms of 2 characters (公園,
 * 休日, 目標: common in Japanese), which neither the FTS5 trigram table (SQLite) nor pg_trgm (PostgreSQL)
 * can serve. Both are kept by the database itself (triggers; an expression index), so no writer of
 * opinions has to know about them. A bigram is two consecutive code points of search_text (already
 * normalised: NFKC, lower case), as `src/modules/consultation/triage.service.ts` takes them from a term.
 * - SQLite: `opinions_bigram`, a contentless FTS5 table (detail=none: only which rows hold a token) whose
 *   document is the hex of each bigram's UTF-8, space separated. Hex, because `unicode61` (and `ascii`)
 *   would cut a bigram holding punctuation (備。 → 備, ・定 → 定) or fold a mark (が゙ → が): a hex token is
 *   always one token, equal to itself only.
 * - PostgreSQL: a GIN index over `opinion_bigrams(search_text)`, the array of its distinct bigrams, queried
 *   with `@>`. (An array, not a tsvector: the text search parser would classify and cut the tokens.)
 * Matches are still checked with LIKE on search_text, so results equal a plain scan.
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

/** SQLite: the bigram document of `<row>.search_text` (hex of each bigram's UTF-8, space separated). */
const bigramDoc = (row: 'new' | 'old') =>
  sql.raw(`(with recursive i(n) as (select 1 union all select n + 1 from i where n < length(${row}.search_text) - 1)
    select coalesce(group_concat(hex(substr(${row}.search_text, n, 2)), ' '), '') from i
    where length(${row}.search_text) >= 2)`);

export const migration: DualMigration = {
  async up(db: Kysely<unknown>, dialect) {
    for (const [name, cols] of INDEXES) {
      await db.schema
        .createIndex(name)
        .on('opinions')
        .columns([...cols])
        .execute();
    }
    for (const [name] of REPLACED) await db.schema.dropIndex(name).execute();

    if (dialect === 'postgres') {
      await sql`create function opinion_bigrams(t text) returns text[] language sql immutable strict parallel unsafe
        as $$ select coalesce(array_agg(distinct substr(t, i, 2)), '{}'::text[])
              from generate_series(1, char_length(t) - 1) as i $$`.execute(db);
      await sql`create index opinions_search_bigram_idx on opinions using gin (opinion_bigrams(search_text))`.execute(
        db,
      );
    } else {
      await sql`create virtual table opinions_bigram using fts5(bigrams, content='', detail=none, tokenize='ascii')`.execute(
        db,
      );
      await sql`create trigger opinions_bigram_ai after insert on opinions begin
        insert into opinions_bigram(rowid, bigrams) values (new.id, ${bigramDoc('new')}); end`.execute(db);
      await sql`create trigger opinions_bigram_ad after delete on opinions begin
        insert into opinions_bigram(opinions_bigram, rowid, bigrams) values ('delete', old.id, ${bigramDoc('old')}); end`.execute(
        db,
      );
      await sql`create trigger opinions_bigram_au after update of search_text on opinions begin
        insert into opinions_bigram(opinions_bigram, rowid, bigrams) values ('delete', old.id, ${bigramDoc('old')});
        insert into opinions_bigram(rowid, bigrams) values (new.id, ${bigramDoc('new')}); end`.execute(db);
      // opinions already there
      await sql`insert into opinions_bigram(rowid, bigrams)
        select o.id, (with recursive i(n) as (select 1 union all select n + 1 from i where n < length(o.search_text) - 1)
          select coalesce(group_concat(hex(substr(o.search_text, n, 2)), ' '), '') from i where length(o.search_text) >= 2)
        from opinions o`.execute(db);
    }
  },

  async down(db: Kysely<unknown>, dialect) {
    if (dialect === 'postgres') {
      await sql`drop index if exists opinions_search_bigram_idx`.execute(db);
      await sql`drop function if exists opinion_bigrams(text)`.execute(db);
    } else {
      for (const t of ['opinions_bigram_ai', 'opinions_bigram_ad', 'opinions_bigram_au'])
        await sql`drop trigger if exists ${sql.id(t)}`.execute(db);
      await sql`drop table if exists opinions_bigram`.execute(db);
    }
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
