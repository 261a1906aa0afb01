import type { Transaction } from 'kysely';
import type { Database, Db } from '../../db/database.ts';
import { isId } from '../../shared/ids.ts';
import { graphemeLength } from '../../shared/text.ts';
import type { MessageKey } from '../../web/i18n/messages.ts';
import { listDepartments } from '../accounts/accounts.service.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import { type SimilarityOptions, suggestSimilarGroups } from './similarity.ts';

/**
 * Grouping similar opinions: Kyoso suggests groups (similarity.ts), staff accept (all or a chosen part,
 * into a new group or an existing one) or refuse each suggestion; staff also make groups by hand, answer
 * an opinion alone (a group of one), write a group's 意見の概要 and set its section and department, and
 * move opinions in and out. Every write is one transaction with its audit entry, and refuses a wrong state
 * with a reason. The answer columns of opinion_groups belong to the answers side and are never written here.
 */

type Trx = Transaction<Database>;

/** The longest 意見の概要, in characters as Japanese readers count them. */
export const SUMMARY_MAX_CHARS = 1000;
/** The most opinions one request may name (a form never has more). */
export const MAX_CHOSEN = 5000;

/** Why a command was refused: the message (in the catalogue), its parameters, the field it is about. */
export interface Refusal {
  ok: false;
  status: 400 | 404 | 409;
  key: MessageKey;
  params?: Record<string, string | number>;
  field: string;
}

class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.key);
  }
}

const refuse = (
  status: Refusal['status'],
  key: MessageKey,
  field: string,
  params?: Record<string, string | number>,
): never => {
  throw new Refused({ ok: false, status, key, field, ...(params ? { params } : {}) });
};

/** Runs the transaction; a Refused thrown inside rolls it back and comes out as the refusal. */
async function command<T>(db: Db, fn: (trx: Trx) => Promise<T>): Promise<T | Refusal> {
  try {
    return await db.kysely.transaction().execute(fn);
  } catch (e) {
    if (e instanceof Refused) return e.refusal;
    throw e;
  }
}

export const isRefusal = (r: unknown): r is Refusal =>
  typeof r === 'object' && r !== null && (r as { ok?: unknown }).ok === false;

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));

async function consultationRow(db: Db | Trx, consultationId: number) {
  const k = 'kysely' in db ? db.kysely : db;
  return k
    .selectFrom('consultations')
    .select(['id', 'municipality_code', 'version_id'])
    .where('id', '=', consultationId)
    .executeTakeFirst();
}

// ---------------------------------------------------------------------------------------------------
// Suggestions
// ---------------------------------------------------------------------------------------------------

export interface SuggestionRun {
  /** Opinions compared. */
  opinions: number;
  suggestions: number;
  /** Milliseconds, reading and writing included. */
  ms: number;
  at: string;
}

/**
 * Compares the consultation's candidate opinions (new or accepted, in no group) and replaces its open
 * suggestions with new ones; accepted and refused suggestions stay as history, and a suggestion with exactly
 * the opinions of a refused one is not made again. Audited when an actor is given (a staff request).
 */
export async function suggestGroups(
  db: Db,
  consultationId: number,
  now: Date,
  options: { actor?: AuditActor; similarity?: SimilarityOptions } = {},
): Promise<SuggestionRun> {
  const started = performance.now();
  const c = await consultationRow(db, consultationId);
  if (!c) throw new Error(`no consultation ${consultationId}`);
  const opinions = await db.kysely
    .selectFrom('opinions')
    .select(['id', 'body as text'])
    .where('consultation_id', '=', consultationId)
    .where('state', 'in', ['new', 'accepted'])
    .where('group_id', 'is', null)
    .orderBy('id')
    .execute();
  const groups = suggestSimilarGroups(opinions, options.similarity);
  const at = now.toISOString();
  return db.kysely.transaction().execute(async (trx) => {
    const refused = await trx
      .selectFrom('group_suggestions')
      .select('opinion_ids')
      .where('consultation_id', '=', consultationId)
      .where('state', '=', 'refused')
      .execute();
    const refusedKeys = new Set(refused.map((r) => idsKey(parseIds(r.opinion_ids))));
    const rows = groups
      .filter((g) => !refusedKeys.has(idsKey(g.ids)))
      .map((g) => ({
        municipality_code: c.municipality_code,
        consultation_id: consultationId,
        opinion_ids: JSON.stringify(g.ids),
        score: g.score,
        state: 'open',
        group_id: null,
        decided_by: null,
        decided_at: null,
        created_at: at,
      }));
    await trx
      .deleteFrom('group_suggestions')
      .where('consultation_id', '=', consultationId)
      .where('state', '=', 'open')
      .execute();
    for (let i = 0; i < rows.length; i += 500) {
      await trx
        .insertInto('group_suggestions')
        .values(rows.slice(i, i + 500))
        .execute();
    }
    const run: SuggestionRun = {
      opinions: opinions.length,
      suggestions: rows.length,
      ms: Math.round(performance.now() - started),
      at,
    };
    if (options.actor) {
      await recordAudit(trx, {
        municipalityCode: c.municipality_code,
        actor: options.actor,
        action: 'group_suggestions.run',
        resourceType: 'consultation',
        resourceId: consultationId,
        before: null,
        after: { opinions: run.opinions, suggestions: run.suggestions, ms: run.ms },
        at,
      });
    }
    return run;
  });
}

const idsKey = (ids: readonly number[]) => [...ids].sort((a, b) => a - b).join(',');

function parseIds(json: string): number[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is number => Number.isInteger(x)) : [];
  } catch {
    return [];
  }
}

/** The last run of the suggestions for a consultation by a member of staff (from the audit log), or null. */
export async function lastSuggestionRun(db: Db, consultationId: number): Promise<SuggestionRun | null> {
  const r = await db.kysely
    .selectFrom('audit_log')
    .select(['at', 'after_json'])
    .where('action', '=', 'group_suggestions.run')
    .where('resource_type', '=', 'consultation')
    .where('resource_id', '=', String(consultationId))
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!r) return null;
  let after: { opinions?: number; suggestions?: number; ms?: number } = {};
  try {
    after = JSON.parse(String(r.after_json ?? '{}')) ?? {};
  } catch {}
  return {
    at: iso(r.at),
    opinions: Number(after.opinions ?? 0),
    suggestions: Number(after.suggestions ?? 0),
    ms: Number(after.ms ?? 0),
  };
}

/** An opinion as the grouping pages show it. */
export interface GroupingOpinion {
  id: number;
  body: string;
  nodeId: number | null;
  state: string;
  groupId: number | null;
  departmentId: number | null;
}

export interface OpenSuggestion {
  id: number;
  score: number;
  createdAt: string;
  opinions: GroupingOpinion[];
}

export interface SuggestionCounts {
  open: number;
  accepted: number;
  refused: number;
}

async function opinionsByIds(db: Db | Trx, ids: readonly number[]): Promise<Map<number, GroupingOpinion>> {
  const k = 'kysely' in db ? db.kysely : db;
  const out = new Map<number, GroupingOpinion>();
  for (let i = 0; i < ids.length; i += 900) {
    const chunk = ids.slice(i, i + 900);
    if (chunk.length === 0) continue;
    const rows = await k
      .selectFrom('opinions')
      .select(['id', 'body', 'node_id', 'state', 'group_id', 'department_id', 'consultation_id'])
      .where('id', 'in', chunk)
      .execute();
    for (const r of rows)
      out.set(r.id, {
        id: r.id,
        body: r.body,
        nodeId: r.node_id,
        state: r.state,
        groupId: r.group_id,
        departmentId: r.department_id,
      });
  }
  return out;
}

/** One page of the open suggestions, in the order they were made (largest first), with their opinions. */
export async function listOpenSuggestions(
  db: Db,
  consultationId: number,
  page: { offset: number; limit: number },
): Promise<{ counts: SuggestionCounts; items: OpenSuggestion[] }> {
  const countRows = await db.kysely
    .selectFrom('group_suggestions')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('consultation_id', '=', consultationId)
    .groupBy('state')
    .execute();
  const counts: SuggestionCounts = { open: 0, accepted: 0, refused: 0 };
  for (const r of countRows) if (r.state in counts) counts[r.state as keyof SuggestionCounts] = Number(r.n);
  const rows = await db.kysely
    .selectFrom('group_suggestions')
    .select(['id', 'score', 'created_at', 'opinion_ids'])
    .where('consultation_id', '=', consultationId)
    .where('state', '=', 'open')
    .orderBy('id')
    .offset(page.offset)
    .limit(page.limit)
    .execute();
  const idLists = rows.map((r) => parseIds(r.opinion_ids));
  const byId = await opinionsByIds(db, [...new Set(idLists.flat())]);
  return {
    counts,
    items: rows.map((r, i) => ({
      id: r.id,
      score: Number(r.score),
      createdAt: iso(r.created_at),
      opinions: idLists[i]!.map((id) => byId.get(id)).filter((o): o is GroupingOpinion => o !== undefined),
    })),
  };
}

/** Whether an opinion may join a group now: new or accepted, and in no group. */
export const groupable = (o: Pick<GroupingOpinion, 'state' | 'groupId'>) =>
  (o.state === 'new' || o.state === 'accepted') && o.groupId === null;

// ---------------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------------

interface CommandBase {
  consultationId: number;
  actor: AuditActor;
  now: Date;
}

/** The most common value (ties: the one met first); the values come in opinion-id order. */
function mostCommon<T>(values: readonly T[]): T | undefined {
  const counts = new Map<T, number>();
  let best: T | undefined;
  let bestN = 0;
  for (const v of values) {
    const n = (counts.get(v) ?? 0) + 1;
    counts.set(v, n);
    if (n > bestN) {
      best = v;
      bestN = n;
    }
  }
  return best;
}

/** Loads the opinions and refuses (naming the first bad one) unless every one may join a group. */
async function loadGroupable(
  trx: Trx,
  consultationId: number,
  ids: readonly number[],
  field: string,
  requireAccepted = false,
): Promise<GroupingOpinion[]> {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  if (sorted.length === 0) refuse(400, 'pc.grouping.error.noneChosen', field);
  if (sorted.length > MAX_CHOSEN) refuse(400, 'pc.grouping.error.tooMany', field, { max: MAX_CHOSEN });
  const rows = await trx
    .selectFrom('opinions')
    .select(['id', 'body', 'node_id', 'state', 'group_id', 'department_id', 'consultation_id'])
    .where('consultation_id', '=', consultationId)
    .where('id', 'in', sorted)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: GroupingOpinion[] = [];
  for (const id of sorted) {
    const r = byId.get(id);
    if (!r) return refuse(409, 'pc.grouping.error.unknownOpinion', field, { opinion: id });
    if (r.group_id !== null)
      refuse(409, 'pc.grouping.error.alreadyGrouped', field, { opinion: id, group: r.group_id });
    if (r.state === 'excluded') refuse(409, 'pc.grouping.error.excluded', field, { opinion: id });
    if (r.state === 'split') refuse(409, 'pc.grouping.error.split', field, { opinion: id });
    if (requireAccepted && r.state !== 'accepted')
      refuse(409, 'pc.grouping.error.notAccepted', field, { opinion: id });
    out.push({
      id,
      body: r.body,
      nodeId: r.node_id,
      state: r.state,
      groupId: r.group_id,
      departmentId: r.department_id,
    });
  }
  return out;
}

/** Puts the opinions in the group (accepted); refuses if any of them changed meanwhile (another request). */
async function joinGroup(trx: Trx, groupId: number, ids: readonly number[], at: string, field: string) {
  for (let i = 0; i < ids.length; i += 900) {
    const chunk = ids.slice(i, i + 900);
    const r = await trx
      .updateTable('opinions')
      .set((eb) => ({
        group_id: groupId,
        state: 'accepted',
        lock_version: eb('lock_version', '+', 1),
        updated_at: at,
      }))
      .where('id', 'in', chunk)
      .where('group_id', 'is', null)
      .where('state', 'in', ['new', 'accepted'])
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== chunk.length) refuse(409, 'pc.grouping.error.stale', field);
  }
}

interface GroupRow {
  id: number;
  municipality_code: string;
  consultation_id: number;
  node_id: number | null;
  department_id: number | null;
  summary: string;
  answer: string;
  answer_state: string;
  lock_version: number;
}

async function groupRow(
  trx: Trx | Db,
  consultationId: number,
  groupId: number,
): Promise<GroupRow | undefined> {
  const k = 'kysely' in trx ? trx.kysely : trx;
  return k
    .selectFrom('opinion_groups')
    .select([
      'id',
      'municipality_code',
      'consultation_id',
      'node_id',
      'department_id',
      'summary',
      'answer',
      'answer_state',
      'lock_version',
    ])
    .where('id', '=', groupId)
    .where('consultation_id', '=', consultationId)
    .executeTakeFirst();
}

/**
 * A group that may change membership or summary: in the consultation, its answer not approved, and (when
 * given) at the lock version the form showed. Bumps the lock version so that other open forms go stale.
 */
async function lockGroupForChange(
  trx: Trx,
  consultationId: number,
  groupId: number,
  lockVersion: number | null,
  field: string,
  at: string,
): Promise<GroupRow> {
  const g = await groupRow(trx, consultationId, groupId);
  if (!g) return refuse(404, 'pc.grouping.error.unknownGroup', field, { group: groupId });
  if (g.answer_state === 'approved') refuse(409, 'pc.grouping.error.approved', field, { group: groupId });
  let q = trx
    .updateTable('opinion_groups')
    .set((eb) => ({ lock_version: eb('lock_version', '+', 1), updated_at: at }))
    .where('id', '=', groupId)
    .where('answer_state', '!=', 'approved');
  if (lockVersion !== null) q = q.where('lock_version', '=', lockVersion);
  const r = await q.executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) refuse(409, 'pc.grouping.error.stale', field);
  return { ...g, lock_version: g.lock_version + 1 };
}

/** Creates a group for the opinions: section and department are the most common among them. */
async function newGroup(
  trx: Trx,
  municipalityCode: string,
  consultationId: number,
  members: readonly GroupingOpinion[],
  at: string,
): Promise<number> {
  const nodeId = mostCommon(members.map((m) => m.nodeId)) ?? null;
  const departmentId =
    mostCommon(members.map((m) => m.departmentId).filter((d): d is number => d !== null)) ?? null;
  const g = await trx
    .insertInto('opinion_groups')
    .values({
      municipality_code: municipalityCode,
      consultation_id: consultationId,
      node_id: nodeId,
      department_id: departmentId,
      reflection: null,
      approved_by: null,
      approved_at: null,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return g.id;
}

export type AcceptResult = { ok: true; groupId: number; created: boolean } | Refusal;

/**
 * Accepts a suggestion: its opinions (or the chosen part of them, "change") go into a new group, or into an
 * existing one; the suggestion records the group, who decided and when.
 */
export async function acceptSuggestion(
  db: Db,
  input: CommandBase & { suggestionId: number; opinionIds?: number[] | null; intoGroupId?: number | null },
): Promise<AcceptResult> {
  const at = input.now.toISOString();
  return command(db, async (trx) => {
    const s = await trx
      .selectFrom('group_suggestions')
      .select(['id', 'municipality_code', 'opinion_ids', 'state'])
      .where('id', '=', input.suggestionId)
      .where('consultation_id', '=', input.consultationId)
      .executeTakeFirst();
    if (!s) return refuse(404, 'pc.grouping.error.notFound', `suggestion-${input.suggestionId}`);
    if (s.state !== 'open')
      refuse(409, 'pc.grouping.error.suggestionDecided', `suggestion-${input.suggestionId}`);
    const field = `suggestion-${s.id}`;
    const all = parseIds(s.opinion_ids);
    const chosen = input.opinionIds ?? all;
    for (const id of chosen)
      if (!all.includes(id)) refuse(400, 'pc.grouping.error.notInSuggestion', field, { opinion: id });
    const members = await loadGroupable(trx, input.consultationId, chosen, field);
    const ids = members.map((m) => m.id);
    let groupId: number;
    let created = false;
    let before: unknown = null;
    if (input.intoGroupId != null) {
      const g = await lockGroupForChange(
        trx,
        input.consultationId,
        input.intoGroupId,
        null,
        `${field}-into`,
        at,
      );
      groupId = g.id;
      before = { members: await memberIds(trx, groupId) };
    } else {
      groupId = await newGroup(trx, s.municipality_code, input.consultationId, members, at);
      created = true;
    }
    await joinGroup(trx, groupId, ids, at, field);
    const r = await trx
      .updateTable('group_suggestions')
      .set({ state: 'accepted', group_id: groupId, decided_by: input.actor.userId, decided_at: at })
      .where('id', '=', s.id)
      .where('state', '=', 'open')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1)
      refuse(409, 'pc.grouping.error.suggestionDecided', `suggestion-${input.suggestionId}`);
    await recordAudit(trx, {
      municipalityCode: s.municipality_code,
      actor: input.actor,
      action: 'group_suggestion.accept',
      resourceType: 'group_suggestion',
      resourceId: s.id,
      before: { state: 'open', opinions: all, group: before },
      after: { state: 'accepted', opinions: ids, groupId, createdGroup: created },
      at,
    });
    return { ok: true as const, groupId, created };
  });
}

/** Refuses a suggestion (kept, so that the same grouping is not suggested again). */
export async function refuseSuggestion(
  db: Db,
  input: CommandBase & { suggestionId: number },
): Promise<{ ok: true } | Refusal> {
  const at = input.now.toISOString();
  return command(db, async (trx) => {
    const s = await trx
      .selectFrom('group_suggestions')
      .select(['id', 'municipality_code', 'opinion_ids', 'state'])
      .where('id', '=', input.suggestionId)
      .where('consultation_id', '=', input.consultationId)
      .executeTakeFirst();
    if (!s) return refuse(404, 'pc.grouping.error.notFound', `suggestion-${input.suggestionId}`);
    const r = await trx
      .updateTable('group_suggestions')
      .set({ state: 'refused', decided_by: input.actor.userId, decided_at: at })
      .where('id', '=', s.id)
      .where('state', '=', 'open')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1)
      refuse(409, 'pc.grouping.error.suggestionDecided', `suggestion-${input.suggestionId}`);
    await recordAudit(trx, {
      municipalityCode: s.municipality_code,
      actor: input.actor,
      action: 'group_suggestion.refuse',
      resourceType: 'group_suggestion',
      resourceId: s.id,
      before: { state: 'open', opinions: parseIds(s.opinion_ids) },
      after: { state: 'refused' },
      at,
    });
    return { ok: true as const };
  });
}

async function memberIds(trx: Trx | Db, groupId: number): Promise<number[]> {
  const k = 'kysely' in trx ? trx.kysely : trx;
  const rows = await k
    .selectFrom('opinions')
    .select('id')
    .where('group_id', '=', groupId)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Creates a group of the chosen opinions by hand; `alone` makes the group of one through which a single
 * accepted opinion is answered.
 */
export async function createGroup(
  db: Db,
  input: CommandBase & { opinionIds: number[]; alone?: boolean },
): Promise<{ ok: true; groupId: number } | Refusal> {
  const at = input.now.toISOString();
  return command(db, async (trx) => {
    const c = await consultationRow(trx, input.consultationId);
    if (!c) return refuse(404, 'pc.grouping.error.notFound', 'opinions');
    const field = 'opinions';
    if (input.alone && new Set(input.opinionIds).size !== 1) refuse(400, 'pc.grouping.error.action', field);
    const members = await loadGroupable(trx, input.consultationId, input.opinionIds, field, input.alone);
    const groupId = await newGroup(trx, c.municipality_code, input.consultationId, members, at);
    const ids = members.map((m) => m.id);
    await joinGroup(trx, groupId, ids, at, field);
    await recordAudit(trx, {
      municipalityCode: c.municipality_code,
      actor: input.actor,
      action: input.alone ? 'opinion_group.create_alone' : 'opinion_group.create',
      resourceType: 'opinion_group',
      resourceId: groupId,
      before: null,
      after: { consultationId: input.consultationId, members: ids },
      at,
    });
    return { ok: true as const, groupId };
  });
}

/** Adds opinions (new or accepted, in no group) to a group whose answer is not approved. */
export async function addToGroup(
  db: Db,
  input: CommandBase & {
    groupId: number;
    opinionIds: number[];
    lockVersion?: number | null;
    /** The form fields that refusals about the opinions and about the group point at. */
    field?: string;
    groupField?: string;
  },
): Promise<{ ok: true } | Refusal> {
  const at = input.now.toISOString();
  const field = input.field ?? 'opinion';
  const groupField = input.groupField ?? field;
  return command(db, async (trx) => {
    const g = await lockGroupForChange(
      trx,
      input.consultationId,
      input.groupId,
      input.lockVersion ?? null,
      groupField,
      at,
    );
    const members = await loadGroupable(trx, input.consultationId, input.opinionIds, field);
    const before = await memberIds(trx, g.id);
    const ids = members.map((m) => m.id);
    await joinGroup(trx, g.id, ids, at, field);
    await recordAudit(trx, {
      municipalityCode: g.municipality_code,
      actor: input.actor,
      action: 'opinion_group.members.add',
      resourceType: 'opinion_group',
      resourceId: g.id,
      before: { members: before },
      after: { members: [...before, ...ids].sort((a, b) => a - b) },
      at,
    });
    return { ok: true as const };
  });
}

/**
 * Takes an opinion out of a group (it stays accepted). Taking out the last one deletes the empty group
 * when it has no answer yet, and is refused otherwise.
 */
export async function removeFromGroup(
  db: Db,
  input: CommandBase & { groupId: number; opinionId: number; lockVersion?: number | null },
): Promise<{ ok: true; deleted: boolean } | Refusal> {
  const at = input.now.toISOString();
  const field = 'members';
  return command(db, async (trx) => {
    const g = await lockGroupForChange(
      trx,
      input.consultationId,
      input.groupId,
      input.lockVersion ?? null,
      field,
      at,
    );
    const before = await memberIds(trx, g.id);
    if (!before.includes(input.opinionId))
      refuse(409, 'pc.grouping.error.notMember', field, { opinion: input.opinionId, group: g.id });
    const last = before.length === 1;
    const answered = g.answer_state !== 'unanswered' || g.answer.trim() !== '';
    if (last && answered)
      refuse(409, 'pc.grouping.error.lastMemberAnswered', field, { opinion: input.opinionId, group: g.id });
    await trx
      .updateTable('opinions')
      .set((eb) => ({ group_id: null, lock_version: eb('lock_version', '+', 1), updated_at: at }))
      .where('id', '=', input.opinionId)
      .where('group_id', '=', g.id)
      .execute();
    if (last) {
      await trx
        .updateTable('group_suggestions')
        .set({ group_id: null })
        .where('group_id', '=', g.id)
        .execute();
      await trx.deleteFrom('opinion_groups').where('id', '=', g.id).execute();
    }
    await recordAudit(trx, {
      municipalityCode: g.municipality_code,
      actor: input.actor,
      action: last ? 'opinion_group.delete' : 'opinion_group.members.remove',
      resourceType: 'opinion_group',
      resourceId: g.id,
      before: { members: before, summary: g.summary, nodeId: g.node_id, departmentId: g.department_id },
      after: last ? null : { members: before.filter((id) => id !== input.opinionId) },
      at,
    });
    return { ok: true as const, deleted: last };
  });
}

// ---------------------------------------------------------------------------------------------------
// Editing a group
// ---------------------------------------------------------------------------------------------------

export interface GroupForm {
  summary: string;
  /** null = the plan as a whole. */
  nodeId: number | null;
  departmentId: number | null;
  lockVersion: number;
}

export interface GroupFormProblem {
  field: 'summary' | 'section' | 'department' | 'group-form';
  key: MessageKey;
  params?: Record<string, string | number>;
}

// Control characters other than tab, line feed and carriage return.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** The one value of a form field, or '' (a field sent several times counts as not sent). */
export function one(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Checks the group form against the consultation's sections and the municipality's departments. */
export function validateGroupForm(
  body: unknown,
  options: { nodeIds: ReadonlySet<number>; departments: ReadonlyArray<{ id: number; disabled: boolean }> },
): { ok: true; value: GroupForm } | { ok: false; problems: GroupFormProblem[]; value: GroupForm } {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const problems: GroupFormProblem[] = [];
  const summary = one(b.summary).replace(/\r\n?/g, '\n').trim();
  const n = graphemeLength(summary);
  if (CONTROL.test(summary)) problems.push({ field: 'summary', key: 'pc.grouping.error.summaryControl' });
  else if (n > SUMMARY_MAX_CHARS)
    problems.push({
      field: 'summary',
      key: 'pc.grouping.error.summaryTooLong',
      params: { max: SUMMARY_MAX_CHARS, n },
    });
  const section = one(b.section).trim();
  let nodeId: number | null = null;
  if (section === 'whole') nodeId = null;
  else if (isId(section) && options.nodeIds.has(Number(section))) nodeId = Number(section);
  else problems.push({ field: 'section', key: 'pc.grouping.error.section' });
  const dep = one(b.department).trim();
  let departmentId: number | null = null;
  if (dep !== '') {
    const d = isId(dep) ? options.departments.find((x) => x.id === Number(dep)) : undefined;
    if (!d || d.disabled) problems.push({ field: 'department', key: 'pc.grouping.error.department' });
    else departmentId = d.id;
  }
  const lock = one(b.lock_version).trim();
  const lockVersion = isId(lock) ? Number(lock) : 0;
  const value = { summary, nodeId, departmentId, lockVersion };
  return problems.length ? { ok: false, problems, value } : { ok: true, value };
}

/**
 * Saves a group's summary, section and department at the lock version the form showed. The summary may not
 * change once the answer is approved; the answer columns are left alone.
 */
export async function updateGroup(
  db: Db,
  input: CommandBase & { groupId: number; value: GroupForm },
): Promise<{ ok: true; changed: boolean } | Refusal> {
  const at = input.now.toISOString();
  const v = input.value;
  return command(db, async (trx) => {
    const g = await groupRow(trx, input.consultationId, input.groupId);
    if (!g) return refuse(404, 'pc.grouping.error.unknownGroup', 'group-form', { group: input.groupId });
    if (g.answer_state === 'approved')
      refuse(409, 'pc.grouping.error.approved', 'group-form', { group: g.id });
    if (g.lock_version !== v.lockVersion) refuse(409, 'pc.grouping.error.stale', 'group-form');
    const before = { summary: g.summary, nodeId: g.node_id, departmentId: g.department_id };
    const after = { summary: v.summary, nodeId: v.nodeId, departmentId: v.departmentId };
    if (JSON.stringify(before) === JSON.stringify(after)) return { ok: true as const, changed: false };
    const r = await trx
      .updateTable('opinion_groups')
      .set((eb) => ({
        summary: v.summary,
        node_id: v.nodeId,
        department_id: v.departmentId,
        lock_version: eb('lock_version', '+', 1),
        updated_at: at,
      }))
      .where('id', '=', g.id)
      .where('lock_version', '=', v.lockVersion)
      .where('answer_state', '!=', 'approved')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) refuse(409, 'pc.grouping.error.stale', 'group-form');
    await recordAudit(trx, {
      municipalityCode: g.municipality_code,
      actor: input.actor,
      action: 'opinion_group.update',
      resourceType: 'opinion_group',
      resourceId: g.id,
      before,
      after,
      at,
    });
    return { ok: true as const, changed: true };
  });
}

// ---------------------------------------------------------------------------------------------------
// Reading groups
// ---------------------------------------------------------------------------------------------------

export interface SectionOption {
  id: number;
  label: string;
}

/** The sections an opinion or a group may be about: the nodes of the consultation's version, in order. */
export async function sectionOptions(db: Db, consultationId: number): Promise<SectionOption[]> {
  const rows = await db.kysely
    .selectFrom('plan_nodes as n')
    .innerJoin('consultations as c', 'c.version_id', 'n.version_id')
    .select(['n.id', 'n.label', 'n.number', 'n.title', 'n.kind'])
    .where('c.id', '=', consultationId)
    .orderBy('n.id')
    .execute();
  return rows.map((r) => ({ id: r.id, label: `${r.label}${r.number} ${r.title}`.trim() }));
}

export interface GroupSummary {
  id: number;
  nodeId: number | null;
  departmentId: number | null;
  summary: string;
  answerState: string;
  lockVersion: number;
  memberCount: number;
}

/** One page of the consultation's groups (by number) with their member counts. */
export async function listGroups(
  db: Db,
  consultationId: number,
  page: { offset: number; limit: number },
): Promise<{ total: number; items: GroupSummary[] }> {
  const total = await db.kysely
    .selectFrom('opinion_groups')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('consultation_id', '=', consultationId)
    .executeTakeFirstOrThrow();
  const rows = await db.kysely
    .selectFrom('opinion_groups as g')
    .select([
      'g.id',
      'g.node_id',
      'g.department_id',
      'g.summary',
      'g.answer_state',
      'g.lock_version',
      (eb) =>
        eb
          .selectFrom('opinions as o')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('o.group_id', '=', 'g.id')
          .as('members'),
    ])
    .where('g.consultation_id', '=', consultationId)
    .orderBy('g.id')
    .offset(page.offset)
    .limit(page.limit)
    .execute();
  return {
    total: Number(total.n),
    items: rows.map((r) => ({
      id: r.id,
      nodeId: r.node_id,
      departmentId: r.department_id,
      summary: r.summary,
      answerState: r.answer_state,
      lockVersion: r.lock_version,
      memberCount: Number(r.members ?? 0),
    })),
  };
}

/** One page of the accepted opinions that are in no group (to answer alone or add to a group). */
export async function listUngrouped(
  db: Db,
  consultationId: number,
  page: { offset: number; limit: number },
): Promise<{ total: number; items: GroupingOpinion[] }> {
  const base = db.kysely
    .selectFrom('opinions')
    .where('consultation_id', '=', consultationId)
    .where('state', '=', 'accepted')
    .where('group_id', 'is', null);
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await base
    .select(['id', 'body', 'node_id', 'state', 'group_id', 'department_id'])
    .orderBy('id')
    .offset(page.offset)
    .limit(page.limit)
    .execute();
  return {
    total: Number(total.n),
    items: rows.map((r) => ({
      id: r.id,
      body: r.body,
      nodeId: r.node_id,
      state: r.state,
      groupId: r.group_id,
      departmentId: r.department_id,
    })),
  };
}

export interface GroupDetail extends GroupSummary {
  members: GroupingOpinion[];
}

/** One group of the consultation with its opinions, or null. */
export async function getGroup(db: Db, consultationId: number, groupId: number): Promise<GroupDetail | null> {
  const g = await groupRow(db, consultationId, groupId);
  if (!g) return null;
  const rows = await db.kysely
    .selectFrom('opinions')
    .select(['id', 'body', 'node_id', 'state', 'group_id', 'department_id'])
    .where('group_id', '=', g.id)
    .orderBy('id')
    .execute();
  return {
    id: g.id,
    nodeId: g.node_id,
    departmentId: g.department_id,
    summary: g.summary,
    answerState: g.answer_state,
    lockVersion: g.lock_version,
    memberCount: rows.length,
    members: rows.map((r) => ({
      id: r.id,
      body: r.body,
      nodeId: r.node_id,
      state: r.state,
      groupId: r.group_id,
      departmentId: r.department_id,
    })),
  };
}

/** The municipality's departments (disabled ones marked), for names and the department choice. */
export const departmentsOf = listDepartments;
