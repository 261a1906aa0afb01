import { type Kysely, type SelectQueryBuilder, sql, type Transaction } from 'kysely';
import type { Database, Db, Dialect } from '../../db/database.ts';
import { isId } from '../../shared/ids.ts';
import { escapeLike, graphemeLength, normalizeForSearch, searchTerms } from '../../shared/text.ts';
import { listDepartments } from '../accounts/accounts.service.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import type { FormProblem } from './consultation.schema.ts';
import {
  CATEGORIES,
  type Category,
  CHANNELS,
  type Channel,
  EXCLUSION_REASONS,
  type ExclusionReason,
  OPINION_MAX_CHARS,
  OPINION_STATES,
  type OpinionState,
} from './consultation.types.ts';

/**
 * Triage (仕分け): staff see every opinion of a consultation with filters and full-text search, and accept,
 * exclude (with a reason that is kept), reinstate, re-tie to a section, assign to a department or split
 * each one. Every change is audited in its transaction and refused when the opinion changed in between
 * (lock_version) or is in a state the action does not apply to. Nothing here reads personal data, except
 * {@link viewSubmission}, which records each view.
 */

type Q = Kysely<Database> | Transaction<Database>;

export const TRIAGE_PAGE_SIZE = 50;
/** Totals above this are shown as 「10,000件以上」: counting every match of a common term costs too much. */
export const TRIAGE_COUNT_CAP = 10_000;
/** With a text search, the total is counted up to 1,000 (「1,000件以上」): matching costs more per row. */
export const TRIAGE_SEARCH_COUNT_CAP = 1_000;
const MAX_QUERY_CHARS = 200;
const MAX_TERMS = 10;

/** A section (plan node) of the consultation's version, as the filters and forms offer it. */
export interface SectionOption {
  id: number;
  path: string;
  kind: string;
  label: string;
}

/** What the triage pages offer to choose from. */
export interface TriageContext {
  planId: number;
  sections: SectionOption[];
  departments: Array<{ id: number; name: string; disabled: boolean }>;
}

/** The version's nodes in document order, and the municipality's departments. */
export async function getTriageContext(
  db: Db,
  municipalityCode: string,
  versionId: number,
): Promise<TriageContext> {
  const [version, nodes, departments] = await Promise.all([
    db.kysely
      .selectFrom('plan_versions')
      .select('plan_id')
      .where('id', '=', versionId)
      .executeTakeFirstOrThrow(),
    db.kysely
      .selectFrom('plan_nodes')
      .select(['id', 'path', 'kind', 'label', 'number', 'title'])
      .where('version_id', '=', versionId)
      .orderBy('id')
      .execute(),
    listDepartments(db, municipalityCode),
  ]);
  return contextOf(version.plan_id, nodes, departments);
}

function contextOf(
  planId: number,
  nodes: Array<{ id: number; path: string; kind: string; label: string; number: string; title: string }>,
  departments: TriageContext['departments'],
): TriageContext {
  return {
    planId,
    sections: nodes.map((n) => ({
      id: n.id,
      path: n.path,
      kind: n.kind,
      label: [n.label, n.number, n.title].filter((s) => s !== '').join(' '),
    })),
    departments,
  };
}

/**
 * getTriageContext by the consultation's id, so that a page can read it together with the consultation (one
 * round trip fewer); null when the municipality has no such consultation.
 */
export async function getTriageContextOfConsultation(
  db: Db,
  municipalityCode: string,
  consultationId: number,
): Promise<TriageContext | null> {
  const versionOf = db.kysely
    .selectFrom('consultations')
    .select('version_id')
    .where('municipality_code', '=', municipalityCode)
    .where('id', '=', consultationId);
  const [version, nodes, departments] = await Promise.all([
    db.kysely.selectFrom('plan_versions').select('plan_id').where('id', '=', versionOf).executeTakeFirst(),
    db.kysely
      .selectFrom('plan_nodes')
      .select(['id', 'path', 'kind', 'label', 'number', 'title'])
      .where('version_id', '=', versionOf)
      .orderBy('id')
      .execute(),
    listDepartments(db, municipalityCode),
  ]);
  return version ? contextOf(version.plan_id, nodes, departments) : null;
}

/** The list's filters, cleaned. null = no filter on that field. */
export interface TriageFilters {
  /** A node id, or 'whole' for opinions on the plan as a whole. */
  section: number | 'whole' | null;
  /** null lists every state except 'split' (the parts are listed instead). */
  state: OpinionState | null;
  channel: Channel | null;
  category: Category | null;
  department: number | 'none' | null;
  group: 'grouped' | 'ungrouped' | null;
  /** The search as typed, and its normalised terms. */
  q: string;
  terms: string[];
  /** Keyset cursor: opinions with an id below this one. */
  before: number | null;
}

export const NO_FILTERS: TriageFilters = {
  section: null,
  state: null,
  channel: null,
  category: null,
  department: null,
  group: null,
  q: '',
  terms: [],
  before: null,
};

const one = (v: unknown): string => {
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : '';
  return typeof v === 'string' ? v.trim() : '';
};

/**
 * The filters from the list's query string. Unknown values are problems naming the filter (the page
 * shows them and lists without that filter) rather than errors.
 */
export function parseTriageQuery(
  query: unknown,
  context: Pick<TriageContext, 'sections' | 'departments'>,
): { filters: TriageFilters; problems: FormProblem[] } {
  const q = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
  const problems: FormProblem[] = [];
  const f: TriageFilters = { ...NO_FILTERS, terms: [] };
  const section = one(q.section);
  if (section === 'whole') f.section = 'whole';
  else if (section !== '') {
    const id = isId(section) ? Number(section) : 0;
    if (context.sections.some((s) => s.id === id)) f.section = id;
    else problems.push({ field: 'section', key: 'pc.staff.filter.bad.section' });
  }
  const state = one(q.state);
  if (state !== '') {
    if ((OPINION_STATES as readonly string[]).includes(state)) f.state = state as OpinionState;
    else problems.push({ field: 'state', key: 'pc.staff.filter.bad.state' });
  }
  const channel = one(q.channel);
  if (channel !== '') {
    if ((CHANNELS as readonly string[]).includes(channel)) f.channel = channel as Channel;
    else problems.push({ field: 'channel', key: 'pc.staff.filter.bad.channel' });
  }
  const category = one(q.category);
  if (category !== '') {
    if ((CATEGORIES as readonly string[]).includes(category)) f.category = category as Category;
    else problems.push({ field: 'category', key: 'pc.staff.filter.bad.category' });
  }
  const department = one(q.department);
  if (department === 'none') f.department = 'none';
  else if (department !== '') {
    const id = isId(department) ? Number(department) : 0;
    if (context.departments.some((d) => d.id === id)) f.department = id;
    else problems.push({ field: 'department', key: 'pc.staff.filter.bad.department' });
  }
  const group = one(q.group);
  if (group === 'grouped' || group === 'ungrouped') f.group = group;
  else if (group !== '') problems.push({ field: 'group', key: 'pc.staff.filter.bad.group' });
  const text = one(q.q);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are refused
  if (/[\u0000-\u001F\u007F]/.test(text)) problems.push({ field: 'q', key: 'pc.staff.filter.bad.qControl' });
  else if ([...text].length > MAX_QUERY_CHARS)
    problems.push({ field: 'q', key: 'pc.staff.filter.bad.qLong', params: { max: MAX_QUERY_CHARS } });
  else {
    const terms = searchTerms(text);
    if (terms.length > MAX_TERMS)
      problems.push({ field: 'q', key: 'pc.staff.filter.bad.qTerms', params: { max: MAX_TERMS } });
    else {
      f.q = text;
      f.terms = terms;
    }
  }
  const before = one(q.before);
  if (before !== '') {
    if (isId(before)) f.before = Number(before);
    else problems.push({ field: 'results-h', key: 'pc.staff.filter.bad.before' });
  }
  return { filters: f, problems };
}

/** One row of the triage list (no personal data). */
export interface TriageRow {
  id: number;
  submissionId: number;
  nodeId: number | null;
  body: string;
  state: OpinionState;
  exclusionReason: ExclusionReason | null;
  channel: Channel;
  category: Category;
  receivedOn: string;
  departmentId: number | null;
  groupId: number | null;
  splitFrom: number | null;
}

export interface TriagePage {
  rows: TriageRow[];
  /** Matches of the filters, up to {@link TRIAGE_COUNT_CAP}. */
  total: number;
  /** True when there are more than `total` (the cap was reached). */
  capped: boolean;
  /** The cursor of the next page, or null on the last. */
  nextBefore: number | null;
}

type OpinionQuery = SelectQueryBuilder<Database, 'opinions', object>;

/** Characters (code points) of a term, as the indexes count them. */
const charCount = (t: string) => [...t].length;

/**
 * How a search is answered. Every term is checked on search_text (normalised like the terms: LIKE, or
 * strpos for 1–2 characters on PostgreSQL), so the results are exactly those of a plain scan; an index
 * only narrows the rows checked:
 * - SQLite: terms of 3+ characters from the FTS5 trigram table `opinions_fts`; else terms of 2 characters
 *   from the bigram table `opinions_bigram` (migration 0004). That table drives the query (unless another
 *   filter and too many matches: FTS_DRIVE_MAX).
 * - PostgreSQL: pg_trgm serves the LIKE of 3+ characters; terms of 2 characters take their candidates from
 *   the GIN index over `opinion_bigrams(search_text)` (migration 0004) when few: bigramCandidates.
 * Terms of 1 character are a scan.
 */
interface FtsDriver {
  table: 'opinions_fts' | 'opinions_bigram';
  expr: string;
}

function ftsDriver(dialect: Dialect, terms: readonly string[]): FtsDriver | null {
  if (dialect !== 'sqlite') return null;
  const tri = terms.filter((t) => charCount(t) >= 3);
  if (tri.length > 0)
    return { table: 'opinions_fts', expr: tri.map((t) => `"${t.replace(/"/g, '""')}"`).join(' AND ') };
  const bi = terms.filter((t) => charCount(t) === 2);
  if (bi.length > 0)
    // the bigram's token: the hex of its UTF-8, as the triggers write it (SQLite's hex())
    return {
      table: 'opinions_bigram',
      expr: bi.map((t) => `"${Buffer.from(t, 'utf8').toString('hex').toUpperCase()}"`).join(' AND '),
    };
  return null;
}

/**
 * SQLite, a search with another filter: which drives, the FTS table (each match looked up by primary key
 * until the page and the capped count are found) or the filter's index (each row checked with LIKE)? With
 * M matches of the text among N opinions, the first reads at most M rows, the second about 1,000 × N / M
 * before the count reaches its cap: both stay under √(1,000 × N), 10,000 at 100,000 opinions, when the FTS
 * table drives up to 10,000 matches and the filter's index beyond. (Without another filter the FTS table
 * always drives: its first 1,000 matches are the count.)
 */
const FTS_DRIVE_MAX = 10_000;

const hasFilter = (f: TriageFilters) =>
  f.state !== null ||
  f.section !== null ||
  f.channel !== null ||
  f.category !== null ||
  f.department !== null ||
  f.group !== null;

/**
 * PostgreSQL, terms of 2 characters: the ids of the consultation's opinions holding all of them, from the
 * GIN index over opinion_bigrams(search_text), when they are at most PG_BIGRAM_MAX; null when there are more
 * (or no such term), and the list scans with strpos, which then finds its page and capped count soon. The
 * number of matches is the planner's estimate (EXPLAIN: the index's statistics of its most common
 * bigrams; a fraction of a millisecond), so a common bigram costs no index read. The ids are collected in
 * one bitmap scan: a condition on opinion_bigrams() in the list's own queries would let the planner walk the
 * list and compute it row by row.
 */
/**
 * The balance of FTS_DRIVE_MAX for PostgreSQL, where each candidate from the GIN index costs a visit to the
 * table (about twice a row of the scan, measured): √(1,000 × N / 2), 5,000 at 100,000 opinions.
 */
const PG_BIGRAM_MAX = 5_000;

async function bigramCandidates(
  db: Db,
  consultationId: number,
  terms: readonly string[],
): Promise<number[] | null> {
  if (db.dialect !== 'postgres') return null;
  const bigrams = terms.filter((t) => charCount(t) === 2);
  if (bigrams.length === 0) return null;
  const cond = sql<boolean>`opinion_bigrams(search_text) @> array[${sql.join(bigrams)}]::text[]`;
  const plan = await sql<{
    'QUERY PLAN': unknown;
  }>`explain (format json) select 1 from opinions where ${cond}`.execute(db.kysely);
  const raw = plan.rows[0]?.['QUERY PLAN'];
  const parsed = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{
    Plan?: { 'Plan Rows'?: number };
  }>;
  const estimate = Number(parsed?.[0]?.Plan?.['Plan Rows'] ?? Number.POSITIVE_INFINITY);
  if (!(estimate <= PG_BIGRAM_MAX)) return null;
  const rows = await sql<{
    id: number;
  }>`select id from opinions where consultation_id = ${consultationId} and ${cond}`.execute(db.kysely);
  return rows.rows.map((r) => r.id);
}

/** The filters as conditions on `opinions` (without the cursor). */
function filtered(
  q: OpinionQuery,
  dialect: Dialect,
  consultationId: number,
  f: TriageFilters,
  candidates: number[] | null,
): OpinionQuery {
  let r = q.where('opinions.consultation_id', '=', consultationId);
  // PostgreSQL: the opinions holding every 2-character term, from the bigram index (see bigramCandidates)
  if (candidates !== null) r = r.where(sql<boolean>`opinions.id = any(${candidates}::integer[])`);
  r = f.state === null ? r.where('opinions.state', '!=', 'split') : r.where('opinions.state', '=', f.state);
  if (f.section === 'whole') r = r.where('opinions.node_id', 'is', null);
  else if (f.section !== null) r = r.where('opinions.node_id', '=', f.section);
  if (f.channel !== null) r = r.where('opinions.channel', '=', f.channel);
  if (f.category !== null) r = r.where('opinions.category', '=', f.category);
  if (f.department === 'none') r = r.where('opinions.department_id', 'is', null);
  else if (f.department !== null) r = r.where('opinions.department_id', '=', f.department);
  if (f.group === 'grouped') r = r.where('opinions.group_id', 'is not', null);
  else if (f.group === 'ungrouped') r = r.where('opinions.group_id', 'is', null);
  // search_text is already normalised (NFKC, lower case) like the terms
  for (const term of f.terms) {
    const n = charCount(term);
    if (dialect === 'postgres' && n < 3)
      // strpos, not LIKE: pg_trgm has no trigram of 1–2 characters, and a LIKE would tempt the planner to
      // read its whole index
      r = r.where(sql<boolean>`strpos(opinions.search_text, ${term}) > 0`);
    else r = r.where(sql<boolean>`opinions.search_text like ${`%${escapeLike(term)}%`} escape '\\'`);
  }
  return r;
}

/**
 * The query the page and the count start from. With an FTS table (SQLite), it drives: its matches are
 * walked newest first (FTS5 answers ORDER BY rowid DESC itself) and each is looked up by primary key, so a
 * page of a common term stops after 50 hits instead of collecting every match first.
 */
function baseQuery(
  db: Db,
  consultationId: number,
  f: TriageFilters,
  fts: FtsDriver | null,
  candidates: number[] | null,
): { q: OpinionQuery; byFts: boolean } {
  if (fts === null)
    return {
      q: filtered(
        db.kysely.selectFrom('opinions') as OpinionQuery,
        db.dialect,
        consultationId,
        f,
        candidates,
      ),
      byFts: false,
    };
  const q = db.kysely
    .selectFrom(sql<{ rowid: number }>`${sql.table(fts.table)}`.as('f'))
    // CROSS JOIN: SQLite keeps the FTS table as the outer loop
    .crossJoin('opinions')
    .where(sql<boolean>`f.${sql.ref(fts.table)} match ${fts.expr}`)
    .where(sql<boolean>`opinions.id = f.rowid`) as unknown as OpinionQuery;
  return { q: filtered(q, db.dialect, consultationId, f, candidates), byFts: true };
}

/** One page of the list (id descending) with the total, counted up to the cap. */
export async function listOpinions(
  db: Db,
  consultationId: number,
  f: TriageFilters,
  options: { pageSize?: number; countCap?: number } = {},
): Promise<TriagePage> {
  const pageSize = options.pageSize ?? TRIAGE_PAGE_SIZE;
  const cap = options.countCap ?? (f.terms.length > 0 ? TRIAGE_SEARCH_COUNT_CAP : TRIAGE_COUNT_CAP);
  let fts = ftsDriver(db.dialect, f.terms);
  if (fts !== null && hasFilter(f)) {
    // With another filter, an FTS table drives only when its matches are few enough (see FTS_DRIVE_MAX);
    // counting them, up to that, reads the FTS index alone (well under a millisecond).
    const m = await sql<{ n: number }>`select count(*) as n from (select rowid from ${sql.table(fts.table)}
      where ${sql.table(fts.table)} match ${fts.expr} limit ${FTS_DRIVE_MAX + 1})`.execute(db.kysely);
    if (Number(m.rows[0]?.n ?? 0) > FTS_DRIVE_MAX) fts = null;
  }
  const candidates = await bigramCandidates(db, consultationId, f.terms);
  const { q: base, byFts } = baseQuery(db, consultationId, f, fts, candidates);
  const page = (
    f.before === null ? base : base.where(byFts ? sql.ref('f.rowid') : 'opinions.id', '<', f.before)
  )
    .select([
      'opinions.id',
      'opinions.submission_id',
      'opinions.node_id',
      'opinions.body',
      'opinions.state',
      'opinions.exclusion_reason',
      'opinions.channel',
      'opinions.category',
      'opinions.received_on',
      'opinions.department_id',
      'opinions.group_id',
      'opinions.split_from',
    ])
    .orderBy(byFts ? sql`f.rowid` : sql.ref('opinions.id'), 'desc')
    .limit(pageSize + 1);
  const counted = db.kysely
    .selectFrom(
      base
        .select(sql<number>`1`.as('one'))
        .limit(cap + 1)
        .as('t'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'));
  const [rows, count] = await Promise.all([page.execute(), counted.executeTakeFirstOrThrow()]);
  const n = Number(count.n);
  const more = rows.length > pageSize;
  const shown = more ? rows.slice(0, pageSize) : rows;
  return {
    rows: shown.map((r) => ({
      id: r.id,
      submissionId: r.submission_id,
      nodeId: r.node_id,
      body: r.body,
      state: r.state as OpinionState,
      exclusionReason: r.exclusion_reason as ExclusionReason | null,
      channel: r.channel as Channel,
      category: r.category as Category,
      receivedOn: r.received_on,
      departmentId: r.department_id,
      groupId: r.group_id,
      splitFrom: r.split_from,
    })),
    total: Math.min(n, cap),
    capped: n > cap,
    nextBefore: more ? shown[shown.length - 1]!.id : null,
  };
}

/** One opinion with what triage needs around it (no personal data). */
export interface OpinionDetail extends TriageRow {
  exclusionNote: string;
  lockVersion: number;
  position: number;
  createdAt: string;
  updatedAt: string;
  /** The submission's other opinions, text only. */
  siblings: Array<{ id: number; body: string; state: OpinionState; nodeId: number | null }>;
  /** The parts it was split into (state 'split'). */
  parts: Array<{ id: number; body: string; state: OpinionState; nodeId: number | null }>;
}

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));

/** The opinion of the consultation, or null. */
export async function getOpinionDetail(
  db: Db,
  consultationId: number,
  opinionId: number,
): Promise<OpinionDetail | null> {
  const o = await db.kysely
    .selectFrom('opinions')
    .selectAll()
    .where('consultation_id', '=', consultationId)
    .where('id', '=', opinionId)
    .executeTakeFirst();
  if (!o) return null;
  const [siblings, parts] = await Promise.all([
    db.kysely
      .selectFrom('opinions')
      .select(['id', 'body', 'state', 'node_id'])
      .where('submission_id', '=', o.submission_id)
      .where('id', '!=', o.id)
      .orderBy('position')
      .orderBy('id')
      .execute(),
    db.kysely
      .selectFrom('opinions')
      .select(['id', 'body', 'state', 'node_id'])
      .where('split_from', '=', o.id)
      .orderBy('id')
      .execute(),
  ]);
  const small = (r: { id: number; body: string; state: string; node_id: number | null }) => ({
    id: r.id,
    body: r.body,
    state: r.state as OpinionState,
    nodeId: r.node_id,
  });
  return {
    id: o.id,
    submissionId: o.submission_id,
    nodeId: o.node_id,
    body: o.body,
    state: o.state as OpinionState,
    exclusionReason: o.exclusion_reason as ExclusionReason | null,
    exclusionNote: o.exclusion_note,
    channel: o.channel as Channel,
    category: o.category as Category,
    receivedOn: o.received_on,
    departmentId: o.department_id,
    groupId: o.group_id,
    splitFrom: o.split_from,
    lockVersion: o.lock_version,
    position: o.position,
    createdAt: iso(o.created_at),
    updatedAt: iso(o.updated_at),
    siblings: siblings.map(small),
    parts: parts.map(small),
  };
}

/** A triage action, cleaned. */
export type TriageAction =
  | { kind: 'accept' }
  | { kind: 'exclude'; reason: ExclusionReason; note: string }
  | { kind: 'reinstate' }
  | { kind: 'section'; nodeId: number | null }
  | { kind: 'department'; departmentId: number | null }
  | { kind: 'split'; parts: Array<{ body: string; nodeId: number | null }> };

export const MAX_SPLIT_PARTS = 20;
const NOTE_MAX = 1000;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are refused
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** The part values of a split form: part1, part2 … with section1, section2 … */
export function splitFormParts(body: Record<string, unknown>): Array<{ body: string; section: string }> {
  const out: Array<{ body: string; section: string }> = [];
  for (let i = 1; i <= MAX_SPLIT_PARTS; i++) {
    if (!(`part${i}` in body) && !(`section${i}` in body)) continue;
    out.push({
      body: one(body[`part${i}`]).replace(/\r\n?/g, '\n'),
      section: one(body[`section${i}`]),
    });
  }
  return out;
}

/** The section of a form: '' = the plan as a whole, else a node of the version. */
function sectionOf(raw: string, context: Pick<TriageContext, 'sections'>): number | null | undefined {
  if (raw === '' || raw === 'whole') return null;
  const id = isId(raw) ? Number(raw) : 0;
  return context.sections.some((s) => s.id === id) ? id : undefined;
}

/** The action of a posted form, or its problems (naming the field). */
export function parseTriageAction(
  body: unknown,
  context: Pick<TriageContext, 'sections' | 'departments'>,
): { ok: true; action: TriageAction } | { ok: false; problems: FormProblem[] } {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const kind = one(b.action);
  switch (kind) {
    case 'accept':
    case 'reinstate':
      return { ok: true, action: { kind } };
    case 'exclude': {
      const reason = one(b.reason);
      const note = one(b.note).replace(/\r\n?/g, '\n');
      const problems: FormProblem[] = [];
      if (!(EXCLUSION_REASONS as readonly string[]).includes(reason))
        problems.push({ field: 'reason', key: 'pc.staff.triage.error.reason' });
      if (CONTROL.test(note)) problems.push({ field: 'note', key: 'pc.staff.error.control' });
      else if ([...note].length > NOTE_MAX)
        problems.push({ field: 'note', key: 'pc.staff.error.tooLong', params: { max: NOTE_MAX } });
      else if (reason === 'other' && note === '')
        problems.push({ field: 'note', key: 'pc.staff.triage.error.noteRequired' });
      if (problems.length) return { ok: false, problems };
      return { ok: true, action: { kind, reason: reason as ExclusionReason, note } };
    }
    case 'section': {
      const nodeId = sectionOf(one(b.section), context);
      if (nodeId === undefined)
        return { ok: false, problems: [{ field: 'section', key: 'pc.staff.triage.error.section' }] };
      return { ok: true, action: { kind, nodeId } };
    }
    case 'department': {
      const raw = one(b.department);
      if (raw === '') return { ok: true, action: { kind, departmentId: null } };
      const id = isId(raw) ? Number(raw) : 0;
      const d = context.departments.find((x) => x.id === id);
      if (!d || d.disabled)
        return { ok: false, problems: [{ field: 'department', key: 'pc.staff.triage.error.department' }] };
      return { ok: true, action: { kind, departmentId: id } };
    }
    case 'split': {
      const raw = splitFormParts(b);
      const problems: FormProblem[] = [];
      const parts: Array<{ body: string; nodeId: number | null }> = [];
      raw.forEach((p, i) => {
        const n = i + 1;
        const text = p.body.trim();
        if (text === '')
          problems.push({ field: `part${n}`, key: 'pc.staff.triage.error.partEmpty', params: { n } });
        else if (CONTROL.test(text)) problems.push({ field: `part${n}`, key: 'pc.staff.error.control' });
        else if (graphemeLength(text) > OPINION_MAX_CHARS)
          problems.push({
            field: `part${n}`,
            key: 'pc.staff.triage.error.partLong',
            params: { n, max: OPINION_MAX_CHARS },
          });
        const nodeId = sectionOf(p.section, context);
        if (nodeId === undefined)
          problems.push({ field: `section${n}`, key: 'pc.staff.triage.error.section' });
        parts.push({ body: text, nodeId: nodeId ?? null });
      });
      if (raw.length < 2) problems.unshift({ field: 'part1', key: 'pc.staff.triage.error.partsFew' });
      if (problems.length) return { ok: false, problems };
      return { ok: true, action: { kind, parts } };
    }
    default:
      return { ok: false, problems: [{ field: 'actions-h', key: 'pc.staff.triage.error.action' }] };
  }
}

export type TriageResult =
  | { status: 'done'; createdIds: number[] }
  | { status: 'not_found' }
  /** Someone changed the opinion since the page was shown: nothing written. */
  | { status: 'conflict' }
  /** The action does not apply to the opinion's state. */
  | { status: 'wrong_state'; state: OpinionState; grouped: boolean };

/** Which states each action applies to (and whether a grouped opinion may take it). */
const ALLOWED: Record<TriageAction['kind'], { from: readonly OpinionState[]; grouped: boolean }> = {
  accept: { from: ['new'], grouped: true },
  exclude: { from: ['new', 'accepted'], grouped: false },
  reinstate: { from: ['excluded'], grouped: true },
  section: { from: ['new', 'accepted', 'excluded'], grouped: true },
  department: { from: ['new', 'accepted', 'excluded'], grouped: true },
  split: { from: ['new', 'accepted'], grouped: false },
};

/** The lead department (主担当課) of a section: by the plan and the node's address; null if none. */
async function leadDepartmentOf(trx: Q, planId: number, nodeId: number | null): Promise<number | null> {
  if (nodeId === null) return null;
  const r = await trx
    .selectFrom('plan_nodes as n')
    .innerJoin('measure_departments as m', (j) =>
      j.onRef('m.node_path', '=', 'n.path').on('m.plan_id', '=', planId).on('m.role', '=', 'lead'),
    )
    .innerJoin('departments as d', 'd.id', 'm.department_id')
    .select('m.department_id')
    .where('n.id', '=', nodeId)
    .where('n.path', '!=', '')
    .where('d.disabled_at', 'is', null)
    .executeTakeFirst();
  return r?.department_id ?? null;
}

/**
 * Applies one action to one opinion, if it is still at `lockVersion` and in a state the action applies to;
 * audited in the same transaction. Changing the section sets the department to the new section's lead
 * department (kept as it was when the section has none).
 */
export async function applyTriageAction(
  db: Db,
  input: {
    municipalityCode: string;
    consultationId: number;
    planId: number;
    opinionId: number;
    lockVersion: number;
    action: TriageAction;
    actor: AuditActor;
    now: Date;
  },
): Promise<TriageResult> {
  const at = input.now.toISOString();
  const { action } = input;
  return db.kysely
    .transaction()
    .execute(async (trx) => {
      const o = await trx
        .selectFrom('opinions')
        .selectAll()
        .where('consultation_id', '=', input.consultationId)
        .where('id', '=', input.opinionId)
        .executeTakeFirst();
      if (!o) return { status: 'not_found' } as const;
      if (o.lock_version !== input.lockVersion) return { status: 'conflict' } as const;
      const rule = ALLOWED[action.kind];
      const state = o.state as OpinionState;
      const grouped = o.group_id !== null;
      if (!rule.from.includes(state) || (grouped && !rule.grouped))
        return { status: 'wrong_state', state, grouped } as const;
      const before = {
        state: o.state,
        nodeId: o.node_id,
        departmentId: o.department_id,
        exclusionReason: o.exclusion_reason,
        exclusionNote: o.exclusion_note,
      };
      let set: Partial<{
        state: string;
        node_id: number | null;
        department_id: number | null;
        exclusion_reason: string | null;
        exclusion_note: string;
      }>;
      const createdIds: number[] = [];
      switch (action.kind) {
        case 'accept':
          set = { state: 'accepted' };
          break;
        case 'exclude':
          set = { state: 'excluded', exclusion_reason: action.reason, exclusion_note: action.note };
          break;
        case 'reinstate':
          set = { state: 'new', exclusion_reason: null, exclusion_note: '' };
          break;
        case 'section': {
          const lead = await leadDepartmentOf(trx, input.planId, action.nodeId);
          set = { node_id: action.nodeId, department_id: lead ?? o.department_id };
          break;
        }
        case 'department':
          set = { department_id: action.departmentId };
          break;
        case 'split': {
          set = { state: 'split' };
          const last = await trx
            .selectFrom('opinions')
            .select((eb) => eb.fn.max('position').as('p'))
            .where('submission_id', '=', o.submission_id)
            .executeTakeFirstOrThrow();
          let position = Number(last.p ?? 0);
          for (const part of action.parts) {
            const lead = await leadDepartmentOf(trx, input.planId, part.nodeId);
            const r = await trx
              .insertInto('opinions')
              .values({
                municipality_code: o.municipality_code,
                consultation_id: o.consultation_id,
                submission_id: o.submission_id,
                position: ++position,
                node_id: part.nodeId,
                body: part.body,
                search_text: normalizeForSearch(part.body),
                state: 'new',
                exclusion_reason: null,
                split_from: o.id,
                department_id: lead ?? o.department_id,
                group_id: null,
                channel: o.channel,
                category: o.category,
                received_on: o.received_on,
                created_at: at,
                updated_at: at,
              })
              .returning('id')
              .executeTakeFirstOrThrow();
            createdIds.push(r.id);
          }
          break;
        }
      }
      const updated = await trx
        .updateTable('opinions')
        .set({ ...set, lock_version: o.lock_version + 1, updated_at: at })
        .where('id', '=', o.id)
        .where('lock_version', '=', input.lockVersion)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) throw new ConcurrentChange();
      const after = {
        state: set.state ?? o.state,
        nodeId: set.node_id !== undefined ? set.node_id : o.node_id,
        departmentId: set.department_id !== undefined ? set.department_id : o.department_id,
        exclusionReason: set.exclusion_reason !== undefined ? set.exclusion_reason : o.exclusion_reason,
        exclusionNote: set.exclusion_note ?? o.exclusion_note,
        ...(createdIds.length
          ? {
              parts:
                action.kind === 'split'
                  ? action.parts.map((p, i) => ({ id: createdIds[i]!, nodeId: p.nodeId }))
                  : [],
            }
          : {}),
      };
      await recordAudit(trx, {
        municipalityCode: input.municipalityCode,
        actor: input.actor,
        action: `opinion.${action.kind === 'section' || action.kind === 'department' ? `${action.kind}.set` : action.kind}`,
        resourceType: 'opinion',
        resourceId: o.id,
        before,
        after,
        at,
      });
      return { status: 'done', createdIds } as const;
    })
    .catch((e: unknown) => {
      if (e instanceof ConcurrentChange) return { status: 'conflict' } as const;
      throw e;
    });
}

class ConcurrentChange extends Error {}

/** The bulk actions of the list: accept, or assign a department, for several opinions at once. */
export type BulkAction = { kind: 'accept' } | { kind: 'department'; departmentId: number | null };

/**
 * Applies a bulk action to the chosen opinions that it applies to (others are skipped and counted);
 * one transaction, one audit entry per opinion changed.
 */
export async function applyBulkAction(
  db: Db,
  input: {
    municipalityCode: string;
    consultationId: number;
    opinionIds: number[];
    action: BulkAction;
    actor: AuditActor;
    now: Date;
  },
): Promise<{ changed: number; skipped: number }> {
  const at = input.now.toISOString();
  return db.kysely.transaction().execute(async (trx) => {
    const rows = input.opinionIds.length
      ? await trx
          .selectFrom('opinions')
          .select(['id', 'state', 'department_id', 'lock_version'])
          .where('consultation_id', '=', input.consultationId)
          .where('id', 'in', input.opinionIds)
          .execute()
      : [];
    let changed = 0;
    for (const o of rows) {
      const applies =
        input.action.kind === 'accept'
          ? o.state === 'new'
          : o.state !== 'split' && o.department_id !== input.action.departmentId;
      if (!applies) continue;
      const set =
        input.action.kind === 'accept' ? { state: 'accepted' } : { department_id: input.action.departmentId };
      await trx
        .updateTable('opinions')
        .set({ ...set, lock_version: o.lock_version + 1, updated_at: at })
        .where('id', '=', o.id)
        .execute();
      await recordAudit(trx, {
        municipalityCode: input.municipalityCode,
        actor: input.actor,
        action: input.action.kind === 'accept' ? 'opinion.accept' : 'opinion.department.set',
        resourceType: 'opinion',
        resourceId: o.id,
        before: input.action.kind === 'accept' ? { state: o.state } : { departmentId: o.department_id },
        after:
          input.action.kind === 'accept'
            ? { state: 'accepted' }
            : { departmentId: input.action.departmentId },
        at,
      });
      changed++;
    }
    return { changed, skipped: input.opinionIds.length - changed };
  });
}

/** A submission with its personal data, as planners see it. */
export interface SubmissionView {
  id: number;
  receiptNumber: string;
  channel: Channel;
  receivedOn: string;
  name: string;
  address: string;
  category: Category;
  categoryNote: string;
  email: string;
  phone: string;
  enteredBy: number | null;
  createdAt: string;
  opinions: Array<{
    id: number;
    body: string;
    state: OpinionState;
    nodeId: number | null;
    splitFrom: number | null;
  }>;
}

/**
 * Reads a submission with its personal data and records the view in the audit log (ids only: never a
 * personal value), in one transaction. null when the consultation has no such submission (not audited).
 */
export async function viewSubmission(
  db: Db,
  input: {
    municipalityCode: string;
    consultationId: number;
    submissionId: number;
    actor: AuditActor;
    now: Date;
  },
): Promise<SubmissionView | null> {
  return db.kysely.transaction().execute(async (trx) => {
    const s = await trx
      .selectFrom('submissions')
      .selectAll()
      .where('municipality_code', '=', input.municipalityCode)
      .where('consultation_id', '=', input.consultationId)
      .where('id', '=', input.submissionId)
      .executeTakeFirst();
    if (!s) return null;
    const opinions = await trx
      .selectFrom('opinions')
      .select(['id', 'body', 'state', 'node_id', 'split_from'])
      .where('submission_id', '=', s.id)
      .orderBy('position')
      .orderBy('id')
      .execute();
    await recordAudit(trx, {
      municipalityCode: input.municipalityCode,
      actor: input.actor,
      action: 'submission.personal_data.view',
      resourceType: 'submission',
      resourceId: s.id,
      before: null,
      after: { consultationId: input.consultationId, submissionId: s.id },
      at: input.now,
    });
    return {
      id: s.id,
      receiptNumber: s.receipt_number,
      channel: s.channel as Channel,
      receivedOn: s.received_on,
      name: s.name,
      address: s.address,
      category: s.category as Category,
      categoryNote: s.category_note,
      email: s.email,
      phone: s.phone,
      enteredBy: s.entered_by,
      createdAt: iso(s.created_at),
      opinions: opinions.map((o) => ({
        id: o.id,
        body: o.body,
        state: o.state as OpinionState,
        nodeId: o.node_id,
        splitFrom: o.split_from,
      })),
    };
  });
}
