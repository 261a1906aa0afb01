import { createHash } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { normalizeForSearch, searchTerms, snippetAround } from '../../shared/text.ts';
import * as repo from './plan.repository.ts';
import {
  type PlanContent,
  type PlanExport,
  PlanExportSchema,
  type PlanNodeDoc,
  type PlanState,
} from './plan.schema.ts';
import type {
  CrossCuttingMeasure,
  MatrixCell,
  MatrixRow,
  NodeKind,
  PlanNode,
  PlanTree,
  PlanVersionSummary,
  SearchHit,
} from './plan.types.ts';

/** The rules of the plan domain: importing versions, reading the current plan, the matrix, search. */

export class PlanNotFoundError extends Error {
  readonly code = 'PLAN_NOT_FOUND';
}

const nowIso = () => new Date().toISOString();

function parseJsonArray(s: string): string[] {
  const v: unknown = JSON.parse(s);
  return Array.isArray(v) ? v.map(String) : [];
}

/** JSON with keys sorted at every level, so that equal content always hashes equally. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The hash that decides whether an import is new: the structured content including the verbatim source. */
export function contentHash(content: PlanContent): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

export interface ImportResult {
  status: 'created' | 'unchanged';
  versionId: number;
  seq: number;
  label: string;
  planId: number;
  planTitle: string;
}

function versionSummary(row: NonNullable<repo.VersionSummaryRow>): PlanVersionSummary {
  return {
    id: row.id,
    seq: row.seq,
    label: row.label,
    state: row.state as PlanState,
    documentTitle: row.document_title,
    createdAt: row.created_at,
    sourceFormat: row.source_format,
    plan: {
      id: row.plan_id,
      title: row.plan_title,
      periodStartFy: row.period_start_fy,
      periodEndFy: row.period_end_fy,
    },
    municipality: { code: row.municipality_code, name: row.municipality_name },
  };
}

/**
 * Stores a plan version in one transaction. The same content as the plan's latest version changes nothing
 * and reports 'unchanged'; different content becomes the next version. When that content carries no
 * links, the links of the plan's newest non-withdrawn version are carried forward by address. Measure
 * ownership needs no copy: it is kept per plan and address.
 */
export async function importPlan(
  db: Db,
  input: PlanExport,
  now: () => string = nowIso,
): Promise<ImportResult> {
  const doc = PlanExportSchema.parse(input);
  const hash = contentHash(doc.content);
  return db.kysely.transaction().execute(async (trx) => {
    const at = now();
    const code = doc.municipality.code;
    await repo.upsertMunicipality(trx, code, doc.municipality.name, at);
    const plan = await repo.findPlanByTitle(trx, code, doc.plan.title);
    let planId: number;
    if (plan) {
      planId = plan.id;
      if (plan.period_start_fy !== doc.plan.periodStartFy || plan.period_end_fy !== doc.plan.periodEndFy) {
        await repo.updatePlanPeriod(trx, planId, doc.plan.periodStartFy, doc.plan.periodEndFy);
      }
    } else {
      planId = await repo.insertPlan(trx, {
        municipality_code: code,
        title: doc.plan.title,
        period_start_fy: doc.plan.periodStartFy,
        period_end_fy: doc.plan.periodEndFy,
        created_at: at,
      });
    }
    const latest = await repo.findLatestVersionOfPlan(trx, planId);
    if (latest && latest.content_hash === hash) {
      return {
        status: 'unchanged',
        versionId: latest.id,
        seq: latest.seq,
        label: latest.label,
        planId,
        planTitle: doc.plan.title,
      };
    }
    const seq = (latest?.seq ?? 0) + 1;
    const c = doc.content;
    // A new text of the same plan carries no links: the planners' links go on, by node address and
    // cross-cutting position (read before the new version exists). Those whose measure or cross-cutting
    // measure is gone are dropped. Content that carries links (kyoso-plan JSON) keeps its own.
    const source = c.links.length === 0 && latest ? await repo.findLinkSourceVersion(trx, planId) : undefined;
    const carried = source ? await repo.findLinkAddresses(trx, source.id) : [];
    const versionId = await repo.insertVersion(trx, {
      municipality_code: code,
      plan_id: planId,
      seq,
      label: doc.version.label,
      state: doc.version.state,
      document_title: c.documentTitle,
      preamble: JSON.stringify(c.preamble),
      cross_cutting_heading: c.crossCutting.heading,
      cross_cutting_intro: JSON.stringify(c.crossCutting.intro),
      source_format: c.sourceFormat,
      source_text: c.sourceText,
      content_hash: hash,
      created_at: at,
    });

    const nodeIdByPath = new Map<string, number>();
    const search = async (kind: string, id: number, text: string) =>
      repo.insertSearchEntry(trx, db.dialect, {
        municipality_code: code,
        version_id: versionId,
        target_kind: kind,
        target_id: id,
        search_text: normalizeForSearch(text),
      });

    const insertTree = async (nodes: PlanNodeDoc[], parentId: number | null, parentPath: string) => {
      for (const [position, n] of nodes.entries()) {
        const ordinal = n.kind === 'policy' || n.kind === 'measure' ? ordinalOf(n.number, position) : null;
        const path = ordinal === null ? '' : parentPath === '' ? String(ordinal) : `${parentPath}/${ordinal}`;
        const id = await repo.insertNode(trx, {
          municipality_code: code,
          version_id: versionId,
          parent_id: parentId,
          kind: n.kind,
          label: n.label,
          number: n.number,
          ordinal,
          title: n.title,
          body: JSON.stringify(n.body),
          position,
          path,
          source_line: n.sourceLine,
        });
        if (path !== '') nodeIdByPath.set(path, id);
        await search('node', id, [n.label + n.number, n.title, ...n.body].join('\n'));
        await insertTree(n.children, id, path);
      }
    };
    await insertTree(c.nodes, null, '');

    const crossIds: number[] = [];
    for (const [position, x] of c.crossCutting.measures.entries()) {
      const id = await repo.insertCrossCutting(trx, {
        municipality_code: code,
        version_id: versionId,
        position,
        title: x.title,
        body: JSON.stringify(x.body),
        keywords: JSON.stringify(x.keywords),
        source_line: x.sourceLine,
      });
      crossIds.push(id);
      await search('cross_cutting', id, [x.title, ...x.body].join('\n'));
    }
    for (const link of c.links) {
      const nodeId = nodeIdByPath.get(link.node);
      const crossId = crossIds[link.crossCutting];
      if (nodeId === undefined || crossId === undefined) {
        throw new Error(
          `link refers to unknown node ${link.node} or cross-cutting measure ${link.crossCutting}`,
        );
      }
      await repo.insertLink(trx, {
        municipality_code: code,
        version_id: versionId,
        node_id: nodeId,
        cross_cutting_id: crossId,
        created_at: at,
      });
    }
    await repo.insertLinks(
      trx,
      carried.flatMap((l) => {
        const nodeId = nodeIdByPath.get(l.path);
        const crossId = crossIds[l.position];
        if (nodeId === undefined || crossId === undefined) return [];
        return [
          {
            municipality_code: code,
            version_id: versionId,
            node_id: nodeId,
            cross_cutting_id: crossId,
            created_at: at,
          },
        ];
      }),
    );
    for (const [position, n] of c.notes.entries()) {
      await repo.insertNote(trx, {
        municipality_code: code,
        version_id: versionId,
        position,
        text: n.text,
        term: n.term,
        source_line: n.sourceLine,
      });
      await search('note', position, n.text);
    }
    return { status: 'created', versionId, seq, label: doc.version.label, planId, planTitle: doc.plan.title };
  });
}

function ordinalOf(number: string, position: number): number {
  const m = /[0-9０-９]+/.exec(number);
  if (!m) return position + 1;
  return Number.parseInt(
    m[0].replace(/[０-９]/g, (d) => String(d.charCodeAt(0) - 0xff10)),
    10,
  );
}

/** Registers the municipality if it is not yet known (its name is set by the first plan import). */
export async function ensureMunicipality(db: Db, code: string, now: Date): Promise<void> {
  if (!(await repo.findMunicipality(db.kysely, code))) {
    await repo.upsertMunicipality(db.kysely, code, code, now.toISOString());
  }
}

/** The municipality's name as registered, or null before any import. */
export async function municipalityName(db: Db, code: string): Promise<string | null> {
  return (await repo.findMunicipality(db.kysely, code))?.name ?? null;
}

/** The municipality's latest plan, used when an import names no plan. */
export async function latestPlanTitle(db: Db, municipalityCode: string): Promise<string | null> {
  const p = await repo.findLatestPlan(db.kysely, municipalityCode);
  return p?.title ?? null;
}

/** The immutable part of a version: its nodes, cross-cutting measures and notes. */
type VersionContent = Omit<PlanTree, 'version' | 'links' | 'owners'>;

const CONTENT_CACHE_SIZE = 16;

/**
 * Version content never changes once imported (ADR 0002), so it is cached per database and version id.
 * What can change (the version's state and label, staff links) is read on every request. The cached
 * objects are shared between requests: callers must treat a PlanTree as read-only.
 */
const contentCache = new WeakMap<Db, Map<number, Promise<VersionContent>>>();

async function loadContent(db: Db, row: NonNullable<repo.VersionSummaryRow>): Promise<VersionContent> {
  const versionId = row.id;
  const [nodeRows, crossRows, noteRows] = await Promise.all([
    repo.findNodes(db.kysely, versionId),
    repo.findCrossCutting(db.kysely, versionId),
    repo.findNotes(db.kysely, versionId),
  ]);
  const byId = new Map<number, PlanNode>();
  const roots: PlanNode[] = [];
  const sorted = [...nodeRows].sort((a, b) => a.position - b.position || a.id - b.id);
  for (const r of sorted) {
    byId.set(r.id, {
      id: r.id,
      parentId: r.parent_id,
      kind: r.kind as NodeKind,
      label: r.label,
      number: r.number,
      ordinal: r.ordinal,
      title: r.title,
      body: parseJsonArray(r.body),
      path: r.path,
      children: [],
    });
  }
  for (const r of sorted) {
    const n = byId.get(r.id)!;
    const parent = r.parent_id === null ? undefined : byId.get(r.parent_id);
    if (parent) parent.children.push(n);
    else roots.push(n);
  }
  const vision = roots.find((n) => n.kind === 'vision') ?? null;
  const project = roots.find((n) => n.kind === 'project') ?? null;
  const policies = project
    ? project.children.filter((n) => n.kind === 'policy')
    : roots.filter((n) => n.kind === 'policy');
  const measures: CrossCuttingMeasure[] = crossRows.map((r) => ({
    id: r.id,
    ordinal: r.position + 1,
    title: r.title,
    body: parseJsonArray(r.body),
    keywords: parseJsonArray(r.keywords),
  }));
  return {
    preamble: parseJsonArray(row.preamble),
    vision,
    project,
    policies,
    crossCutting: {
      heading: row.cross_cutting_heading,
      intro: parseJsonArray(row.cross_cutting_intro),
      measures,
    },
    notes: noteRows.map((n) => ({ text: n.text, term: n.term })),
  };
}

function cachedContent(db: Db, row: NonNullable<repo.VersionSummaryRow>): Promise<VersionContent> {
  let cache = contentCache.get(db);
  if (!cache) {
    cache = new Map();
    contentCache.set(db, cache);
  }
  const hit = cache.get(row.id);
  if (hit) {
    // keep recently used versions at the end (LRU order)
    cache.delete(row.id);
    cache.set(row.id, hit);
    return hit;
  }
  const loading = loadContent(db, row);
  cache.set(row.id, loading);
  loading.catch(() => cache.delete(row.id));
  if (cache.size > CONTENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return loading;
}

/** The JSON text of an aggregate column, as an array of tuples (anything else gives no rows). */
function parseTuples(s: string | null | undefined): unknown[][] {
  const v: unknown = JSON.parse(s ?? '[]');
  return Array.isArray(v) ? v.filter((x): x is unknown[] => Array.isArray(x)) : [];
}

/**
 * A whole version: the version row with its links and its plan's measure ownership (already read by the
 * caller, in one query) and its content (three queries the first time, then from the cache). The number
 * of queries never depends on the size. Links and ownership can change at any time: never cached.
 */
async function loadTree(db: Db, row: repo.VersionWithStaffDataRow): Promise<PlanTree> {
  const content = await cachedContent(db, row);
  return {
    version: versionSummary(row),
    ...content,
    links: parseTuples(row.links_json).map(([nodeId, crossCuttingId]) => ({
      nodeId: Number(nodeId),
      crossCuttingId: Number(crossCuttingId),
    })),
    owners: parseTuples(row.owners_json).map(([path, departmentId, role]) => ({
      path: String(path),
      departmentId: Number(departmentId),
      role: role === 'lead' ? 'lead' : 'support',
    })),
  };
}

/** The version the public sees (the newest that is not withdrawn), or null when nothing is imported yet. */
export async function getCurrentPlan(db: Db, municipalityCode: string): Promise<PlanTree | null> {
  const row = await repo.findCurrentVersionWithStaffData(db.kysely, db.dialect, municipalityCode);
  return row ? loadTree(db, row) : null;
}

export async function getPlanVersion(db: Db, versionId: number): Promise<PlanTree | null> {
  const row = await repo.findVersionByIdWithStaffData(db.kysely, db.dialect, versionId);
  return row ? loadTree(db, row) : null;
}

export async function listPlanVersions(db: Db, municipalityCode: string): Promise<PlanVersionSummary[]> {
  const rows = await repo.listVersions(db.kysely, municipalityCode);
  return rows.map(versionSummary);
}

/** Finds a policy or measure by its address ("1" or "1/2"); null if there is none. */
export function findNodeByPath(tree: PlanTree, path: string): { node: PlanNode; policy: PlanNode } | null {
  for (const p of tree.policies) {
    if (p.path === path) return { node: p, policy: p };
    for (const m of p.children) if (m.path === path) return { node: m, policy: p };
  }
  return null;
}

/** The cross-cutting measures whose keywords the text names. */
function mentionsIn(texts: string[], x: CrossCuttingMeasure): string[] {
  const hay = normalizeForSearch(texts.join('\n'));
  return x.keywords.filter((k) => hay.includes(normalizeForSearch(k)));
}

/** One cell of the matrix for a node: staff link and text mention, kept apart. */
export function matrixCell(tree: PlanTree, node: PlanNode, x: CrossCuttingMeasure): MatrixCell {
  const linked = tree.links.some((l) => l.nodeId === node.id && l.crossCuttingId === x.id);
  const mentionedKeywords = mentionsIn([node.title, ...node.body], x);
  return { linked, mentioned: mentionedKeywords.length > 0, mentionedKeywords };
}

/** The measures × cross-cutting measures matrix, one row per measure in plan order. */
export function crossCuttingMatrix(tree: PlanTree): MatrixRow[] {
  const rows: MatrixRow[] = [];
  for (const policy of tree.policies) {
    for (const node of policy.children) {
      rows.push({ node, policy, cells: tree.crossCutting.measures.map((x) => matrixCell(tree, node, x)) });
    }
  }
  return rows;
}

/** Full-text search over the version. Terms are AND-ed; 1- and 2-character terms work too. */
export async function searchPlan(
  db: Db,
  tree: PlanTree,
  q: string,
  limit = 50,
): Promise<{ terms: string[]; hits: SearchHit[] }> {
  const terms = searchTerms(q).slice(0, 8);
  if (terms.length === 0) return { terms, hits: [] };
  const rows = await repo.searchEntries(db.kysely, db.dialect, tree.version.id, terms, limit);
  const nodes = new Map<number, { node: PlanNode; policy: PlanNode | null }>();
  const visit = (n: PlanNode, policy: PlanNode | null) => {
    nodes.set(n.id, { node: n, policy });
    for (const c of n.children) visit(c, n.kind === 'policy' ? n : policy);
  };
  if (tree.vision) visit(tree.vision, null);
  if (tree.project) visit(tree.project, null);
  else for (const p of tree.policies) visit(p, null);
  const hits: SearchHit[] = [];
  for (const r of rows) {
    if (r.target_kind === 'node') {
      const found = nodes.get(r.target_id);
      if (!found) continue;
      const { node, policy } = found;
      const body = node.body.join('');
      const heading = `${node.label}${node.number}${node.number ? ' ' : ''}${node.title}`;
      hits.push({
        kind: 'node',
        title: heading,
        context: policy && policy !== node ? `${policy.label}${policy.number} ${policy.title}` : '',
        href: node.path ? `/plan/${node.path}` : node.kind === 'project' ? '/plan' : '/',
        snippet: snippetAround(body || node.title, terms),
      });
    } else if (r.target_kind === 'cross_cutting') {
      const x = tree.crossCutting.measures.find((m) => m.id === r.target_id);
      if (!x) continue;
      hits.push({
        kind: 'cross_cutting',
        title: x.title,
        context: tree.crossCutting.heading ?? '',
        href: `/plan/cross-cutting/${x.ordinal}`,
        snippet: snippetAround(x.body.join('') || x.title, terms),
      });
    } else {
      const note = tree.notes[r.target_id];
      if (!note) continue;
      hits.push({
        kind: 'note',
        title: note.term ?? note.text,
        context: '',
        href: '/plan/cross-cutting#notes',
        snippet: snippetAround(note.text, terms),
      });
    }
  }
  return { terms, hits };
}

/** The interchange form of a version; importing it elsewhere and exporting again gives the same bytes. */
export async function exportPlanVersion(db: Db, versionId: number): Promise<PlanExport> {
  const tree = await getPlanVersion(db, versionId);
  if (!tree) throw new PlanNotFoundError(`version ${versionId} not found`);
  const sourceText = (await repo.findSourceText(db.kysely, versionId)) ?? '';
  const sourceLines = new Map<number, number | null>();
  const nodeRows = await repo.findNodes(db.kysely, versionId);
  for (const r of nodeRows) sourceLines.set(r.id, r.source_line);
  const crossRows = await repo.findCrossCutting(db.kysely, versionId);
  const noteRows = await repo.findNotes(db.kysely, versionId);
  const toDoc = (n: PlanNode): PlanNodeDoc => ({
    kind: n.kind,
    label: n.label,
    number: n.number,
    title: n.title,
    body: n.body,
    sourceLine: sourceLines.get(n.id) ?? null,
    children: n.children.map(toDoc),
  });
  const roots: PlanNode[] = [];
  if (tree.vision) roots.push(tree.vision);
  if (tree.project) roots.push(tree.project);
  else roots.push(...tree.policies);
  const pathById = new Map<number, string>();
  for (const p of tree.policies) {
    pathById.set(p.id, p.path);
    for (const m of p.children) pathById.set(m.id, m.path);
  }
  const positionById = new Map(crossRows.map((r) => [r.id, r.position]));
  const links = tree.links
    .map((l) => ({
      node: pathById.get(l.nodeId) ?? '',
      crossCutting: positionById.get(l.crossCuttingId) ?? -1,
    }))
    .sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : a.crossCutting - b.crossCutting));
  return {
    format: 'kyoso-plan',
    formatVersion: 1,
    municipality: tree.version.municipality,
    plan: {
      title: tree.version.plan.title,
      periodStartFy: tree.version.plan.periodStartFy,
      periodEndFy: tree.version.plan.periodEndFy,
    },
    version: { label: tree.version.label, state: tree.version.state },
    content: {
      documentTitle: tree.version.documentTitle,
      preamble: tree.preamble,
      nodes: roots.map(toDoc),
      crossCutting: {
        heading: tree.crossCutting.heading,
        intro: tree.crossCutting.intro,
        measures: crossRows.map((r) => ({
          title: r.title,
          body: parseJsonArray(r.body),
          keywords: parseJsonArray(r.keywords),
          sourceLine: r.source_line,
        })),
      },
      links,
      notes: noteRows.map((n) => ({ text: n.text, term: n.term, sourceLine: n.source_line })),
      sourceFormat: tree.version.sourceFormat as 'text' | 'json',
      sourceText,
    },
  };
}

/** The current version's interchange form for a municipality. */
export async function exportCurrentPlan(db: Db, municipalityCode: string): Promise<PlanExport> {
  const row = await repo.findCurrentVersion(db.kysely, municipalityCode);
  if (!row) throw new PlanNotFoundError(`no plan for municipality ${municipalityCode}`);
  return exportPlanVersion(db, row.id);
}
