import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, Dialect } from '../../db/database.ts';
import { escapeLike } from '../../shared/text.ts';

/** The only place with SQL for the plan domain. Every function takes the Kysely instance (or a transaction) first. */

type Q = Kysely<Database> | Transaction<Database>;

export async function findMunicipality(db: Q, code: string) {
  return db.selectFrom('municipalities').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function upsertMunicipality(db: Q, code: string, name: string, now: string) {
  const existing = await findMunicipality(db, code);
  if (!existing) {
    await db.insertInto('municipalities').values({ code, name, created_at: now }).execute();
  } else if (existing.name !== name) {
    await db.updateTable('municipalities').set({ name }).where('code', '=', code).execute();
  }
}

export async function findPlanByTitle(db: Q, municipalityCode: string, title: string) {
  return db
    .selectFrom('plans')
    .selectAll()
    .where('municipality_code', '=', municipalityCode)
    .where('title', '=', title)
    .executeTakeFirst();
}

/** The municipality's most recently created plan. */
export async function findLatestPlan(db: Q, municipalityCode: string) {
  return db
    .selectFrom('plans')
    .selectAll()
    .where('municipality_code', '=', municipalityCode)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function insertPlan(
  db: Q,
  row: {
    municipality_code: string;
    title: string;
    period_start_fy: number | null;
    period_end_fy: number | null;
    created_at: string;
  },
) {
  const r = await db.insertInto('plans').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function updatePlanPeriod(db: Q, planId: number, start: number | null, end: number | null) {
  await db
    .updateTable('plans')
    .set({ period_start_fy: start, period_end_fy: end })
    .where('id', '=', planId)
    .execute();
}

export async function findLatestVersionOfPlan(db: Q, planId: number) {
  return db
    .selectFrom('plan_versions')
    .select(['id', 'seq', 'label', 'state', 'content_hash'])
    .where('plan_id', '=', planId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

const versionSummaryColumns = [
  'v.id',
  'v.seq',
  'v.label',
  'v.state',
  'v.document_title',
  'v.preamble',
  'v.cross_cutting_heading',
  'v.cross_cutting_intro',
  'v.source_format',
  'v.created_at',
  'p.id as plan_id',
  'p.title as plan_title',
  'p.period_start_fy',
  'p.period_end_fy',
  'm.code as municipality_code',
  'm.name as municipality_name',
] as const;

function versionQuery(db: Q) {
  return db
    .selectFrom('plan_versions as v')
    .innerJoin('plans as p', 'p.id', 'v.plan_id')
    .innerJoin('municipalities as m', 'm.code', 'v.municipality_code');
}

export type VersionSummaryRow = Awaited<ReturnType<typeof findVersionById>>;

/** The version shown to the public: the newest one of the municipality that is not withdrawn. */
export async function findCurrentVersion(db: Q, municipalityCode: string) {
  return versionQuery(db)
    .select(versionSummaryColumns)
    .where('v.municipality_code', '=', municipalityCode)
    .where('v.state', '!=', 'withdrawn')
    .orderBy('v.id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function findVersionById(db: Q, versionId: number) {
  return versionQuery(db).select(versionSummaryColumns).where('v.id', '=', versionId).executeTakeFirst();
}

export async function listVersions(db: Q, municipalityCode: string) {
  return versionQuery(db)
    .select(versionSummaryColumns)
    .where('v.municipality_code', '=', municipalityCode)
    .orderBy('v.id', 'desc')
    .execute();
}

export async function findSourceText(db: Q, versionId: number) {
  const r = await db
    .selectFrom('plan_versions')
    .select('source_text')
    .where('id', '=', versionId)
    .executeTakeFirst();
  return r?.source_text;
}

export async function insertVersion(
  db: Q,
  row: Omit<Database['plan_versions'], 'id'> & { id?: never },
): Promise<number> {
  const r = await db.insertInto('plan_versions').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function insertNode(db: Q, row: Omit<Database['plan_nodes'], 'id'>): Promise<number> {
  const r = await db.insertInto('plan_nodes').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function insertCrossCutting(
  db: Q,
  row: Omit<Database['cross_cutting_measures'], 'id'>,
): Promise<number> {
  const r = await db
    .insertInto('cross_cutting_measures')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function insertLink(db: Q, row: Database['cross_cutting_links']) {
  await db.insertInto('cross_cutting_links').values(row).execute();
}

export async function insertNote(db: Q, row: Omit<Database['plan_notes'], 'id'>) {
  await db.insertInto('plan_notes').values(row).execute();
}

export async function insertSearchEntry(
  db: Q,
  dialect: Dialect,
  row: Omit<Database['plan_search_entries'], 'id'>,
) {
  const r = await db.insertInto('plan_search_entries').values(row).returning('id').executeTakeFirstOrThrow();
  if (dialect === 'sqlite') {
    await sql`insert into plan_search_fts (rowid, search_text) values (${r.id}, ${row.search_text})`.execute(
      db,
    );
  }
}

/** All nodes of a version, ordered so that parents come before children and siblings by position. */
export async function findNodes(db: Q, versionId: number) {
  return db.selectFrom('plan_nodes').selectAll().where('version_id', '=', versionId).orderBy('id').execute();
}

export async function findCrossCutting(db: Q, versionId: number) {
  return db
    .selectFrom('cross_cutting_measures')
    .selectAll()
    .where('version_id', '=', versionId)
    .orderBy('position')
    .execute();
}

export async function findNotes(db: Q, versionId: number) {
  return db
    .selectFrom('plan_notes')
    .selectAll()
    .where('version_id', '=', versionId)
    .orderBy('position')
    .execute();
}

/**
 * Entries of the version whose text contains every term (terms already normalised). SQLite answers terms
 * of 3+ characters from the FTS5 trigram index and shorter ones with LIKE (the trigram tokenizer cannot
 * match fewer than 3 characters); PostgreSQL uses LIKE throughout, served by the pg_trgm GIN index.
 */
export async function searchEntries(
  db: Q,
  dialect: Dialect,
  versionId: number,
  terms: readonly string[],
  limit: number,
) {
  let q = db
    .selectFrom('plan_search_entries as e')
    .select(['e.target_kind', 'e.target_id'])
    .where('e.version_id', '=', versionId);
  for (const term of terms) {
    if (dialect === 'sqlite' && [...term].length >= 3) {
      const phrase = `"${term.replace(/"/g, '""')}"`;
      q = q.where(
        sql<boolean>`e.id in (select rowid from plan_search_fts where plan_search_fts match ${phrase})`,
      );
    } else {
      q = q.where(sql<boolean>`e.search_text like ${`%${escapeLike(term)}%`} escape '\\'`);
    }
  }
  return q.orderBy('e.id').limit(limit).execute();
}

// --- staff data: cross-cutting links (per version) and measure ownership (per plan and address) -------

/**
 * Two columns of JSON text read with the version row, so that a page costs one query for the version and
 * everything staff may change about it: links as [node_id, cross_cutting_id] pairs, and the plan's
 * measure ownership as [node_path, department_id, role] triples. Text on both dialects.
 */
function staffDataColumns(dialect: Dialect) {
  if (dialect === 'sqlite') {
    return [
      sql<string>`(select coalesce(json_group_array(json_array(l.node_id, l.cross_cutting_id)), '[]') from cross_cutting_links as l where l.version_id = v.id)`.as(
        'links_json',
      ),
      sql<string>`(select coalesce(json_group_array(json_array(o.node_path, o.department_id, o.role)), '[]') from measure_departments as o where o.plan_id = v.plan_id)`.as(
        'owners_json',
      ),
    ];
  }
  return [
    sql<string>`(select coalesce(json_agg(json_build_array(l.node_id, l.cross_cutting_id)), '[]'::json)::text from cross_cutting_links as l where l.version_id = v.id)`.as(
      'links_json',
    ),
    sql<string>`(select coalesce(json_agg(json_build_array(o.node_path, o.department_id, o.role)), '[]'::json)::text from measure_departments as o where o.plan_id = v.plan_id)`.as(
      'owners_json',
    ),
  ];
}

export type VersionWithStaffDataRow = NonNullable<Awaited<ReturnType<typeof findVersionByIdWithStaffData>>>;

/** {@link findCurrentVersion} with the version's links and its plan's ownership (still one query). */
export async function findCurrentVersionWithStaffData(db: Q, dialect: Dialect, municipalityCode: string) {
  return versionQuery(db)
    .select(versionSummaryColumns)
    .select(staffDataColumns(dialect))
    .where('v.municipality_code', '=', municipalityCode)
    .where('v.state', '!=', 'withdrawn')
    .orderBy('v.id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** {@link findVersionById} with the version's links and its plan's ownership (still one query). */
export async function findVersionByIdWithStaffData(db: Q, dialect: Dialect, versionId: number) {
  return versionQuery(db)
    .select(versionSummaryColumns)
    .select(staffDataColumns(dialect))
    .where('v.id', '=', versionId)
    .executeTakeFirst();
}

/** The newest version of the plan that is not withdrawn, else the newest of all; undefined if none. */
export async function findLinkSourceVersion(db: Q, planId: number) {
  return db
    .selectFrom('plan_versions')
    .select(['id', 'seq'])
    .where('plan_id', '=', planId)
    .orderBy(sql`case when state = 'withdrawn' then 1 else 0 end`)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** A version's links by address: the node's path and the cross-cutting measure's position. */
export async function findLinkAddresses(db: Q, versionId: number) {
  return db
    .selectFrom('cross_cutting_links as l')
    .innerJoin('plan_nodes as n', 'n.id', 'l.node_id')
    .innerJoin('cross_cutting_measures as x', 'x.id', 'l.cross_cutting_id')
    .select(['n.path', 'x.position'])
    .where('l.version_id', '=', versionId)
    .orderBy('n.path')
    .orderBy('x.position')
    .execute();
}

export async function findLinksOfNode(db: Q, versionId: number, nodeId: number) {
  const rows = await db
    .selectFrom('cross_cutting_links')
    .select('cross_cutting_id')
    .where('version_id', '=', versionId)
    .where('node_id', '=', nodeId)
    .execute();
  return rows.map((r) => r.cross_cutting_id);
}

export async function deleteLinksOfNode(db: Q, versionId: number, nodeId: number, crossCuttingIds: number[]) {
  if (crossCuttingIds.length === 0) return;
  await db
    .deleteFrom('cross_cutting_links')
    .where('version_id', '=', versionId)
    .where('node_id', '=', nodeId)
    .where('cross_cutting_id', 'in', crossCuttingIds)
    .execute();
}

export async function insertLinks(db: Q, rows: Array<Database['cross_cutting_links']>) {
  if (rows.length === 0) return;
  await db.insertInto('cross_cutting_links').values(rows).execute();
}

export async function findOwnersOfMeasure(db: Q, planId: number, nodePath: string) {
  return db
    .selectFrom('measure_departments')
    .select(['department_id', 'role'])
    .where('plan_id', '=', planId)
    .where('node_path', '=', nodePath)
    .execute();
}

/** Replaces the departments of one measure of the plan. */
export async function replaceOwnersOfMeasure(
  db: Q,
  key: { municipalityCode: string; planId: number; nodePath: string },
  owners: Array<{ departmentId: number; role: 'lead' | 'support' }>,
) {
  await db
    .deleteFrom('measure_departments')
    .where('plan_id', '=', key.planId)
    .where('node_path', '=', key.nodePath)
    .execute();
  if (owners.length === 0) return;
  await db
    .insertInto('measure_departments')
    .values(
      owners.map((o) => ({
        municipality_code: key.municipalityCode,
        plan_id: key.planId,
        node_path: key.nodePath,
        department_id: o.departmentId,
        role: o.role,
      })),
    )
    .execute();
}

/**
 * Serialises staff writes to one plan's settings on PostgreSQL (a row lock on the plan until the
 * transaction ends), so that two planners saving at once cannot collide on the delete-then-insert.
 * SQLite runs one write transaction at a time already.
 */
export async function lockPlanForSettings(db: Q, dialect: Dialect, planId: number) {
  if (dialect !== 'postgres') return;
  await sql`select id from plans where id = ${planId} for update`.execute(db);
}
