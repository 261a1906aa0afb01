import type { Db } from '../../db/database.ts';
import { graphemeLength } from '../../shared/text.ts';
import type { MessageKey } from '../../web/i18n/messages.ts';
import { type Action, can } from '../accounts/accounts.policy.ts';
import type { StaffUser } from '../accounts/accounts.types.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import { ANSWER_STATES, type AnswerState, REFLECTIONS, type Reflection } from './consultation.types.ts';

/**
 * The answer (市の考え方) of an opinion group: the owning department drafts it with its 反映区分 and, where the
 * draft changes, the change; the planning division approves it or returns it with a remark. Every transition
 * is one command ({@link runAnswerCommand}) that loads the group, checks the state and the actor's right,
 * writes and audits in one transaction, and refuses a wrong state or a stale form with a reason.
 */

export const ANSWER_COMMANDS = ['saveDraft', 'submit', 'approve', 'return', 'reopen'] as const;
export type AnswerCommand = (typeof ANSWER_COMMANDS)[number];

/**
 * The allowed transitions: the states a command starts from, the state it ends in, and the right it needs
 * (policy resource `answer`: edit = planners or editors of the group's department; approve = planners).
 * A returned answer is revised and sent again directly (submit carries the form's text); an approved one is
 * reopened by the planning division only (before publication, or to prepare a correction).
 */
export const ANSWER_TRANSITIONS: Record<
  AnswerCommand,
  { from: readonly AnswerState[]; to: AnswerState; right: Extract<Action, 'edit' | 'approve'> }
> = {
  saveDraft: { from: ['unanswered', 'drafted', 'returned'], to: 'drafted', right: 'edit' },
  submit: { from: ['drafted', 'returned'], to: 'submitted', right: 'edit' },
  approve: { from: ['submitted'], to: 'approved', right: 'approve' },
  return: { from: ['submitted'], to: 'returned', right: 'approve' },
  reopen: { from: ['approved'], to: 'drafted', right: 'approve' },
};

/** The state the command leads to from `state`, or null when the command is not allowed there. */
export function nextAnswerState(state: AnswerState, command: AnswerCommand): AnswerState | null {
  const t = ANSWER_TRANSITIONS[command];
  return t.from.includes(state) ? t.to : null;
}

export function isAnswerState(s: string): s is AnswerState {
  return (ANSWER_STATES as readonly string[]).includes(s);
}

/** The group's answer as the answer pages show it. */
export interface GroupAnswer {
  id: number;
  consultationId: number;
  nodeId: number | null;
  departmentId: number | null;
  summary: string;
  answer: string;
  reflection: Reflection | null;
  draftChange: string;
  state: AnswerState;
  returnRemark: string;
  lockVersion: number;
  approvedBy: number | null;
  approvedAt: string | null;
  updatedAt: string;
}

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));

type GroupRow = {
  id: number;
  consultation_id: number;
  node_id: number | null;
  department_id: number | null;
  summary: string;
  answer: string;
  reflection: string | null;
  draft_change: string;
  answer_state: string;
  return_remark: string;
  lock_version: number;
  approved_by: number | null;
  approved_at: unknown;
  updated_at: unknown;
};

function toGroupAnswer(r: GroupRow): GroupAnswer {
  return {
    id: r.id,
    consultationId: r.consultation_id,
    nodeId: r.node_id,
    departmentId: r.department_id,
    summary: r.summary,
    answer: r.answer,
    reflection: (REFLECTIONS as readonly string[]).includes(r.reflection ?? '')
      ? (r.reflection as Reflection)
      : null,
    draftChange: r.draft_change,
    state: isAnswerState(r.answer_state) ? r.answer_state : 'unanswered',
    returnRemark: r.return_remark,
    lockVersion: Number(r.lock_version),
    approvedBy: r.approved_by,
    approvedAt: r.approved_at == null ? null : iso(r.approved_at),
    updatedAt: iso(r.updated_at),
  };
}

const GROUP_COLUMNS = [
  'id',
  'consultation_id',
  'node_id',
  'department_id',
  'summary',
  'answer',
  'reflection',
  'draft_change',
  'answer_state',
  'return_remark',
  'lock_version',
  'approved_by',
  'approved_at',
  'updated_at',
] as const;

/** One group of the consultation with its answer, or null. */
export async function getGroupAnswer(
  db: Db,
  municipalityCode: string,
  consultationId: number,
  groupId: number,
): Promise<GroupAnswer | null> {
  const r = await db.kysely
    .selectFrom('opinion_groups')
    .select(GROUP_COLUMNS)
    .where('municipality_code', '=', municipalityCode)
    .where('consultation_id', '=', consultationId)
    .where('id', '=', groupId)
    .executeTakeFirst();
  return r ? toGroupAnswer(r) : null;
}

/** The commands the user may run on the answer now (for the buttons of the answer page). */
export function allowedCommands(user: StaffUser, group: GroupAnswer): AnswerCommand[] {
  return ANSWER_COMMANDS.filter(
    (c) =>
      nextAnswerState(group.state, c) !== null &&
      can(user, ANSWER_TRANSITIONS[c].right, { type: 'answer', departmentId: group.departmentId }),
  );
}

/** The opinions of a group, text only (never who wrote them), in order of arrival. */
export async function groupOpinions(
  db: Db,
  groupId: number,
): Promise<Array<{ id: number; body: string; state: string }>> {
  return db.kysely
    .selectFrom('opinions')
    .select(['id', 'body', 'state'])
    .where('group_id', '=', groupId)
    .where('state', '!=', 'split')
    .orderBy('id')
    .execute();
}

/** The longest 市の考え方 and 案の修正内容, in characters as Japanese readers count them. */
export const ANSWER_MAX_CHARS = 4000;
export const REMARK_MAX_CHARS = 2000;

/** What the answer form sends, cleaned. */
export interface AnswerInput {
  answer: string;
  reflection: Reflection | null;
  draftChange: string;
}

export interface AnswerProblem {
  field: 'answer' | 'reflection' | 'draftChange' | 'remark' | 'answer-form';
  key: MessageKey;
  params?: Record<string, string | number>;
}

// Control characters other than TAB, LF and CR (U+0000 among them) are refused, not silently dropped.
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** A text field: a single string, line ends as LF, trimmed at the ends. Null when it is not text at all. */
function text(v: unknown): string | null {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') return null;
  return v.replace(/\r\n?/g, '\n').trim();
}

function checkText(
  field: AnswerProblem['field'],
  raw: unknown,
  max: number,
  problems: AnswerProblem[],
): string {
  const s = text(raw);
  if (s === null) {
    problems.push({ field, key: 'pc.answers.error.notText' });
    return '';
  }
  if (CONTROL.test(s)) {
    problems.push({ field, key: 'pc.answers.error.control' });
    return s;
  }
  if (graphemeLength(s) > max) problems.push({ field, key: 'pc.answers.error.tooLong', params: { max } });
  return s;
}

/**
 * Checks the answer form. For a draft everything may be empty; to submit, 市の考え方 and 反映区分 are
 * required, and 案の修正内容 too when the 反映区分 is 反映する.
 */
export function validateAnswerInput(
  body: unknown,
  mode: 'draft' | 'submit',
): { ok: true; value: AnswerInput } | { ok: false; problems: AnswerProblem[]; value: AnswerInput } {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const problems: AnswerProblem[] = [];
  const answer = checkText('answer', b.answer, ANSWER_MAX_CHARS, problems);
  let reflection: Reflection | null = null;
  const r = b.reflection;
  if (r !== undefined && r !== '') {
    if (typeof r === 'string' && (REFLECTIONS as readonly string[]).includes(r)) reflection = r as Reflection;
    else problems.push({ field: 'reflection', key: 'pc.answers.error.reflectionUnknown' });
  }
  const draftChange = checkText('draftChange', b.draftChange, ANSWER_MAX_CHARS, problems);
  if (mode === 'submit') {
    if (answer === '' && !problems.some((p) => p.field === 'answer'))
      problems.unshift({ field: 'answer', key: 'pc.answers.error.answerRequired' });
    if (reflection === null && !problems.some((p) => p.field === 'reflection'))
      problems.push({ field: 'reflection', key: 'pc.answers.error.reflectionRequired' });
    if (reflection === 'reflect' && draftChange === '' && !problems.some((p) => p.field === 'draftChange'))
      problems.push({ field: 'draftChange', key: 'pc.answers.error.draftChangeRequired' });
  }
  const order = ['answer', 'reflection', 'draftChange'];
  problems.sort((x, y) => order.indexOf(x.field) - order.indexOf(y.field));
  const value = { answer, reflection, draftChange };
  return problems.length > 0 ? { ok: false, problems, value } : { ok: true, value };
}

/** The remark of a return: required, text. */
export function validateRemark(
  raw: unknown,
): { ok: true; value: string } | { ok: false; problems: AnswerProblem[] } {
  const problems: AnswerProblem[] = [];
  const s = checkText('remark', raw, REMARK_MAX_CHARS, problems);
  if (problems.length === 0 && s === '')
    problems.push({ field: 'remark', key: 'pc.answers.error.remarkRequired' });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: s };
}

export type AnswerCommandResult =
  | { status: 'ok'; group: GroupAnswer }
  | { status: 'notFound' }
  | { status: 'forbidden' }
  /** The command is not allowed in the group's current state. */
  | { status: 'wrongState'; group: GroupAnswer }
  /** Someone changed the answer since the form was shown: nothing was written. */
  | { status: 'conflict'; group: GroupAnswer }
  /** The group has no 意見の概要 yet (written on the grouping pages). */
  | { status: 'noSummary'; group: GroupAnswer }
  | { status: 'invalid'; group: GroupAnswer; problems: AnswerProblem[]; value: AnswerInput };

export interface AnswerCommandInput {
  municipalityCode: string;
  consultationId: number;
  groupId: number;
  command: AnswerCommand;
  /** The lock_version the form was made from. */
  lockVersion: number;
  /** The form: the answer fields (saveDraft, submit) or the remark (return). */
  body: unknown;
  user: StaffUser;
  actor: AuditActor;
  now: Date;
}

/** The answer as the audit log records it. */
function auditView(g: GroupAnswer) {
  return {
    state: g.state,
    answer: g.answer,
    reflection: g.reflection,
    draftChange: g.draftChange,
    returnRemark: g.returnRemark,
    lockVersion: g.lockVersion,
  };
}

/**
 * Runs one command on a group's answer in one transaction: load, check the right, the form's version and
 * the state, validate, write (the version goes up by one), and audit. Nothing is written unless the result
 * is `ok`.
 */
export async function runAnswerCommand(db: Db, input: AnswerCommandInput): Promise<AnswerCommandResult> {
  const { command } = input;
  const t = ANSWER_TRANSITIONS[command];
  const at = input.now.toISOString();
  return db.kysely.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom('opinion_groups')
      .select(GROUP_COLUMNS)
      .where('municipality_code', '=', input.municipalityCode)
      .where('consultation_id', '=', input.consultationId)
      .where('id', '=', input.groupId);
    if (db.dialect === 'postgres') q = q.forUpdate();
    const row = await q.executeTakeFirst();
    if (!row) return { status: 'notFound' } as const;
    const group = toGroupAnswer(row);
    if (!can(input.user, t.right, { type: 'answer', departmentId: group.departmentId }))
      return { status: 'forbidden' } as const;
    if (group.lockVersion !== input.lockVersion) return { status: 'conflict', group } as const;
    const to = nextAnswerState(group.state, command);
    if (to === null) return { status: 'wrongState', group } as const;

    const set: Record<string, unknown> = { answer_state: to };
    if (command === 'saveDraft' || command === 'submit') {
      if (group.summary.trim() === '') return { status: 'noSummary', group } as const;
      const v = validateAnswerInput(input.body, command === 'submit' ? 'submit' : 'draft');
      if (!v.ok) return { status: 'invalid', group, problems: v.problems, value: v.value } as const;
      set.answer = v.value.answer;
      set.reflection = v.value.reflection;
      set.draft_change = v.value.draftChange;
    } else if (command === 'return') {
      const b = (input.body && typeof input.body === 'object' ? input.body : {}) as Record<string, unknown>;
      const v = validateRemark(b.remark);
      if (!v.ok)
        return {
          status: 'invalid',
          group,
          problems: v.problems,
          value: { answer: group.answer, reflection: group.reflection, draftChange: group.draftChange },
        } as const;
      set.return_remark = v.value;
    } else if (command === 'approve') {
      // The remark of an earlier return stays in the audit log; the approved answer no longer shows it.
      set.approved_by = input.user.id;
      set.approved_at = at;
      set.return_remark = '';
    } else if (command === 'reopen') {
      set.approved_by = null;
      set.approved_at = null;
    }
    const updated = await trx
      .updateTable('opinion_groups')
      .set({ ...set, lock_version: group.lockVersion + 1, updated_at: at })
      .where('id', '=', group.id)
      .where('lock_version', '=', group.lockVersion)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return { status: 'conflict', group } as const;
    const after = await trx
      .selectFrom('opinion_groups')
      .select(GROUP_COLUMNS)
      .where('id', '=', group.id)
      .executeTakeFirstOrThrow();
    const result = toGroupAnswer(after);
    await recordAudit(trx, {
      municipalityCode: input.municipalityCode,
      actor: input.actor,
      action: `answer.${command}`,
      resourceType: 'opinion_group',
      resourceId: group.id,
      before: auditView(group),
      after: auditView(result),
      at,
    });
    return { status: 'ok', group: result } as const;
  });
}

/** One row of the answers list. */
export interface AnswerListRow {
  id: number;
  nodeId: number | null;
  departmentId: number | null;
  departmentName: string | null;
  summary: string;
  state: AnswerState;
  reflection: Reflection | null;
  opinionCount: number;
}

/** The groups of the consultation that hold accepted opinions (the ones to answer), with counts per state. */
export async function listAnswers(
  db: Db,
  municipalityCode: string,
  consultationId: number,
  filters: { state?: AnswerState | undefined; departmentIds?: readonly number[] | undefined } = {},
): Promise<{ rows: AnswerListRow[]; counts: Record<AnswerState, number> }> {
  const rows = await db.kysely
    .selectFrom('opinion_groups as g')
    .leftJoin('departments as d', 'd.id', 'g.department_id')
    .select([
      'g.id',
      'g.node_id',
      'g.department_id',
      'd.name as department_name',
      'g.summary',
      'g.answer_state',
      'g.reflection',
      (eb) =>
        eb
          .selectFrom('opinions as o')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('o.group_id', '=', 'g.id')
          .where('o.state', '=', 'accepted')
          .as('opinion_count'),
    ])
    .where('g.municipality_code', '=', municipalityCode)
    .where('g.consultation_id', '=', consultationId)
    .orderBy('g.id')
    .execute();
  const counts = Object.fromEntries(ANSWER_STATES.map((s) => [s, 0])) as Record<AnswerState, number>;
  const out: AnswerListRow[] = [];
  for (const r of rows) {
    const n = Number(r.opinion_count ?? 0);
    if (n === 0) continue;
    const state = isAnswerState(r.answer_state) ? r.answer_state : 'unanswered';
    const inDepartments =
      filters.departmentIds === undefined ||
      (r.department_id !== null && filters.departmentIds.includes(r.department_id));
    if (!inDepartments) continue;
    counts[state]++;
    if (filters.state && state !== filters.state) continue;
    out.push({
      id: r.id,
      nodeId: r.node_id,
      departmentId: r.department_id,
      departmentName: r.department_name ?? null,
      summary: r.summary,
      state,
      reflection: (REFLECTIONS as readonly string[]).includes(r.reflection ?? '')
        ? (r.reflection as Reflection)
        : null,
      opinionCount: n,
    });
  }
  return { rows: out, counts };
}
