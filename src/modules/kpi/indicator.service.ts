import type { Transaction } from 'kysely';
import type { Database, Db } from '../../db/database.ts';
import { listDepartments } from '../accounts/accounts.service.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import { findNodeByPath, getCurrentPlan } from '../plan/plan.service.ts';
import type { PlanNode, PlanTree } from '../plan/plan.types.ts';
import { publicOwners } from '../plan/plan-settings.service.ts';
import * as repo from './kpi.repository.ts';
import { deleteActual, getGradeRules, type KpiStatus, loadKpiBoard, writeActual } from './kpi.service.ts';
import {
  type Actual,
  type ActualStatus,
  DEFAULT_GRADE_RULES,
  type GradeRule,
  type HistoryEntry,
  type Indicator,
} from './kpi.types.ts';
import type { IndicatorInput } from './kpi-staff.schema.ts';

/**
 * What the staff pages of indicators do: the list by 重点施策 and measure, creating, changing and
 * deleting a definition (with its yearly targets), entering actuals through the one write path
 * (kpi.service.ts writeActual / deleteActual), and the city's grade rules. Every write runs in one
 * transaction with its audit entry; definitions and settings use optimistic locking (lock_version).
 */

type Trx = Transaction<Database>;

export interface DepartmentChoice {
  id: number;
  name: string;
  disabled: boolean;
}

/** One measure or 重点施策 with its indicators, as the staff list shows it. */
export interface StaffNodeGroup {
  policy: PlanNode;
  /** The 重点施策 itself or one of its measures. */
  node: PlanNode;
  leadDepartmentId: number | null;
  /** The departments owning the node (lead and supporting): who may add indicators to it. */
  ownerDepartmentIds: number[];
  statuses: KpiStatus[];
}

export interface StaffIndicatorList {
  tree: PlanTree;
  rules: GradeRule[];
  departments: DepartmentChoice[];
  groups: StaffNodeGroup[];
  /** Indicators of the plan before the department filter. */
  total: number;
}

/**
 * The current plan's indicators grouped by 重点施策 and measure, in plan order. Without a department
 * filter every 重点施策 and measure is listed (those without indicators too, to add one); with it, only the nodes
 * holding that department's indicators. A fixed number of queries whatever the plan's size.
 */
export async function staffIndicatorList(
  db: Db,
  municipalityCode: string,
  filter: { departmentIds?: readonly number[] | undefined } = {},
): Promise<StaffIndicatorList | null> {
  const tree = await getCurrentPlan(db, municipalityCode);
  if (!tree) return null;
  const board = await loadKpiBoard(db, { municipalityCode, planId: tree.version.plan.id });
  const departments = await listDepartments(db, municipalityCode);
  const byNode = new Map<string, KpiStatus[]>();
  for (const s of board.statuses) {
    if (
      filter.departmentIds !== undefined &&
      !filter.departmentIds.includes(s.indicator.effectiveDepartmentId ?? -1)
    )
      continue;
    const list = byNode.get(s.indicator.nodePath) ?? [];
    list.push(s);
    byNode.set(s.indicator.nodePath, list);
  }
  const groups: StaffNodeGroup[] = [];
  const add = (policy: PlanNode, node: PlanNode) => {
    const statuses = byNode.get(node.path) ?? [];
    if (statuses.length === 0 && filter.departmentIds !== undefined) return;
    const owners = tree.owners.filter((o) => o.path === node.path);
    groups.push({
      policy,
      node,
      leadDepartmentId: owners.find((o) => o.role === 'lead')?.departmentId ?? null,
      ownerDepartmentIds: owners.map((o) => o.departmentId),
      statuses,
    });
  };
  for (const p of tree.policies) {
    add(p, p);
    for (const m of p.children) add(p, m);
  }
  return { tree, rules: board.rules, departments, groups, total: board.statuses.length };
}

/** A measure or 重点施策 of the current plan that indicators may hang on. */
export interface IndicatorNode {
  tree: PlanTree;
  policy: PlanNode;
  node: PlanNode;
  /** The node's departments (lead and supporting): what the `measure` policy checks. */
  ownerDepartmentIds: number[];
  /** The node's lead department and its name (the default owner of its indicators). */
  lead: { id: number; name: string } | null;
}

/** The node at `path` of the current plan, or null when it is not a measure or 重点施策 there. */
export async function indicatorNode(
  db: Db,
  municipalityCode: string,
  path: string,
): Promise<IndicatorNode | null> {
  const tree = await getCurrentPlan(db, municipalityCode);
  if (!tree) return null;
  const found = findNodeByPath(tree, path);
  if (!found || (found.node.kind !== 'measure' && found.node.kind !== 'policy')) return null;
  const owners = await publicOwners(db, tree);
  const lead = owners.get(path)?.lead ?? null;
  return {
    tree,
    policy: found.policy,
    node: found.node,
    ownerDepartmentIds: tree.owners.filter((o) => o.path === path).map((o) => o.departmentId),
    lead: lead ? { id: lead.id, name: lead.name } : null,
  };
}

/** An indicator with its explicit yearly targets. */
export interface IndicatorDetail {
  indicator: Indicator;
  yearTargets: Array<{ fiscalYear: number; value: number }>;
}

export async function indicatorDetail(
  db: Db | { kysely: Trx },
  municipalityCode: string,
  id: number,
): Promise<IndicatorDetail | null> {
  const indicator = await repo.selectIndicator(db.kysely, municipalityCode, id);
  if (!indicator) return null;
  const targets = await repo.selectTargets(db.kysely, municipalityCode, [id]);
  return { indicator, yearTargets: targets.get(id) ?? [] };
}

export async function departmentChoices(db: Db, municipalityCode: string): Promise<DepartmentChoice[]> {
  return listDepartments(db, municipalityCode);
}

/** The definition as the audit log keeps it. */
function auditShape(d: {
  name: string;
  definition: string;
  source: string;
  unit: string;
  direction: string;
  rangeMin: number | null;
  rangeMax: number | null;
  decimals: number;
  baselineValue: number;
  baselineFy: number;
  targetValue: number;
  targetFy: number;
  departmentId: number | null;
  position: number | null;
  yearTargets: Array<{ fiscalYear: number; value: number }>;
  nodePath?: string;
}) {
  return {
    nodePath: d.nodePath,
    name: d.name,
    definition: d.definition,
    source: d.source,
    unit: d.unit,
    direction: d.direction,
    rangeMin: d.rangeMin,
    rangeMax: d.rangeMax,
    decimals: d.decimals,
    baselineValue: d.baselineValue,
    baselineFy: d.baselineFy,
    targetValue: d.targetValue,
    targetFy: d.targetFy,
    departmentId: d.departmentId,
    position: d.position,
    yearTargets: d.yearTargets.map((t) => ({ fiscalYear: t.fiscalYear, value: t.value })),
  };
}

function definitionColumns(input: IndicatorInput) {
  return {
    name: input.name,
    definition: input.definition,
    source: input.source,
    unit: input.unit,
    direction: input.direction,
    range_min: input.rangeMin,
    range_max: input.rangeMax,
    decimals: input.decimals,
    baseline_value: input.baselineValue,
    baseline_fy: input.baselineFy,
    target_value: input.targetValue,
    target_fy: input.targetFy,
    department_id: input.departmentId,
  };
}

async function replaceTargets(
  trx: Trx,
  municipalityCode: string,
  indicatorId: number,
  targets: IndicatorInput['yearTargets'],
) {
  await trx
    .deleteFrom('indicator_targets')
    .where('municipality_code', '=', municipalityCode)
    .where('indicator_id', '=', indicatorId)
    .execute();
  if (targets.length)
    await trx
      .insertInto('indicator_targets')
      .values(
        targets.map((t) => ({
          municipality_code: municipalityCode,
          indicator_id: indicatorId,
          fiscal_year: t.fiscalYear,
          value: t.value,
        })),
      )
      .execute();
}

/** Creates an indicator on a measure or 重点施策 with its yearly targets; audited. Returns its id. */
export async function createIndicator(
  db: Db,
  c: {
    municipalityCode: string;
    planId: number;
    nodePath: string;
    input: IndicatorInput;
    actor: AuditActor;
    now: Date;
  },
): Promise<number> {
  const at = c.now.toISOString();
  return db.kysely.transaction().execute(async (trx) => {
    let position = c.input.position;
    if (position === null) {
      const row = await trx
        .selectFrom('indicators')
        .select((eb) => eb.fn.max('position').as('p'))
        .where('municipality_code', '=', c.municipalityCode)
        .where('plan_id', '=', c.planId)
        .where('node_path', '=', c.nodePath)
        .executeTakeFirst();
      position = row?.p === null || row?.p === undefined ? 1 : Number(row.p) + 1;
    }
    const inserted = await trx
      .insertInto('indicators')
      .values({
        municipality_code: c.municipalityCode,
        plan_id: c.planId,
        node_path: c.nodePath,
        position,
        ...definitionColumns(c.input),
        is_sample: 0,
        lock_version: 1,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(inserted.id);
    await replaceTargets(trx, c.municipalityCode, id, c.input.yearTargets);
    await recordAudit(trx, {
      municipalityCode: c.municipalityCode,
      actor: c.actor,
      action: 'indicator.create',
      resourceType: 'indicator',
      resourceId: id,
      before: null,
      after: auditShape({ ...c.input, position, nodePath: c.nodePath }),
      at: c.now,
    });
    return id;
  });
}

export type UpdateResult =
  | { status: 'saved' | 'unchanged' }
  | { status: 'conflict'; current: IndicatorDetail | null };

/**
 * Changes a definition and its yearly targets if it is still at `expectedVersion`; otherwise nothing is
 * written and the current definition comes back (the conflict page shows it). Audited.
 */
export async function updateIndicator(
  db: Db,
  c: {
    municipalityCode: string;
    id: number;
    expectedVersion: number | null;
    input: IndicatorInput;
    actor: AuditActor;
    now: Date;
  },
): Promise<UpdateResult> {
  return db.kysely.transaction().execute(async (trx): Promise<UpdateResult> => {
    const before = await indicatorDetail({ kysely: trx }, c.municipalityCode, c.id);
    if (!before || c.expectedVersion !== before.indicator.lockVersion)
      return { status: 'conflict', current: before };
    const b = before.indicator;
    const position = c.input.position ?? b.position;
    const beforeShape = auditShape({ ...b, yearTargets: before.yearTargets });
    const afterShape = auditShape({ ...c.input, position, nodePath: b.nodePath });
    if (JSON.stringify({ ...beforeShape, nodePath: b.nodePath }) === JSON.stringify(afterShape))
      return { status: 'unchanged' };
    const res = await trx
      .updateTable('indicators')
      .set({
        ...definitionColumns(c.input),
        position,
        lock_version: b.lockVersion + 1,
        updated_at: c.now.toISOString(),
      })
      .where('municipality_code', '=', c.municipalityCode)
      .where('id', '=', c.id)
      .where('lock_version', '=', b.lockVersion)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      return {
        status: 'conflict',
        current: await indicatorDetail({ kysely: trx }, c.municipalityCode, c.id),
      };
    await replaceTargets(trx, c.municipalityCode, c.id, c.input.yearTargets);
    await recordAudit(trx, {
      municipalityCode: c.municipalityCode,
      actor: c.actor,
      action: 'indicator.update',
      resourceType: 'indicator',
      resourceId: c.id,
      before: { ...beforeShape, nodePath: b.nodePath },
      after: afterShape,
      at: c.now,
    });
    return { status: 'saved' };
  });
}

class Stale extends Error {}

/** How much goes with an indicator when it is deleted (shown on the confirmation page). */
export async function indicatorFootprint(
  db: Db,
  municipalityCode: string,
  id: number,
): Promise<{ actuals: number; history: number }> {
  const a = await db.kysely
    .selectFrom('indicator_actuals')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('municipality_code', '=', municipalityCode)
    .where('indicator_id', '=', id)
    .executeTakeFirst();
  const h = await db.kysely
    .selectFrom('indicator_actual_history')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('municipality_code', '=', municipalityCode)
    .where('indicator_id', '=', id)
    .executeTakeFirst();
  return { actuals: Number(a?.n ?? 0), history: Number(h?.n ?? 0) };
}

/**
 * Deletes an indicator with its yearly targets, actuals and their history, if it is still at
 * `expectedVersion`. Audited (the definition and the actuals are kept in the audit entry).
 */
export async function deleteIndicator(
  db: Db,
  c: { municipalityCode: string; id: number; expectedVersion: number | null; actor: AuditActor; now: Date },
): Promise<'deleted' | 'conflict'> {
  try {
    return await db.kysely.transaction().execute(async (trx) => {
      const before = await indicatorDetail({ kysely: trx }, c.municipalityCode, c.id);
      if (!before || before.indicator.lockVersion !== c.expectedVersion) throw new Stale();
      const actuals = (await repo.selectActuals(trx, c.municipalityCode, [c.id])).get(c.id) ?? [];
      for (const table of ['indicator_actual_history', 'indicator_actuals', 'indicator_targets'] as const)
        await trx
          .deleteFrom(table)
          .where('municipality_code', '=', c.municipalityCode)
          .where('indicator_id', '=', c.id)
          .execute();
      const res = await trx
        .deleteFrom('indicators')
        .where('municipality_code', '=', c.municipalityCode)
        .where('id', '=', c.id)
        .where('lock_version', '=', before.indicator.lockVersion)
        .executeTakeFirst();
      if (Number(res.numDeletedRows) !== 1) throw new Stale();
      await recordAudit(trx, {
        municipalityCode: c.municipalityCode,
        actor: c.actor,
        action: 'indicator.delete',
        resourceType: 'indicator',
        resourceId: c.id,
        before: {
          ...auditShape({ ...before.indicator, yearTargets: before.yearTargets }),
          nodePath: before.indicator.nodePath,
          actuals: actuals.map((a) => ({ fiscalYear: a.fiscalYear, value: a.value, status: a.status })),
        },
        after: null,
        at: c.now,
      });
      return 'deleted' as const;
    });
  } catch (e) {
    if (e instanceof Stale) return 'conflict';
    throw e;
  }
}

/** The fiscal years an indicator takes actuals for: the baseline year + 1 to the later of the target year and now. */
export function actualYears(indicator: Indicator, currentFy: number): { from: number; to: number } {
  return { from: indicator.baselineFy + 1, to: Math.max(indicator.targetFy, currentFy) };
}

/** The actuals page: the indicator, its current actuals by year, and every change. */
export async function actualsOf(
  db: Db,
  municipalityCode: string,
  id: number,
): Promise<{ detail: IndicatorDetail; actuals: Actual[]; history: HistoryEntry[] } | null> {
  const detail = await indicatorDetail(db, municipalityCode, id);
  if (!detail) return null;
  const actuals = (await repo.selectActuals(db.kysely, municipalityCode, [id])).get(id) ?? [];
  const history = await repo.selectHistory(db.kysely, municipalityCode, id);
  return { detail, actuals, history };
}

export type SaveActualResult =
  | { status: 'saved' | 'unchanged'; actual: Actual }
  | { status: 'conflict'; current: Actual | null };

/**
 * Enters or changes one actual from the staff form: writeActual with the version the form was made from,
 * and the audit entry, in one transaction. On a conflict nothing is written.
 */
export async function saveActual(
  db: Db,
  c: {
    municipalityCode: string;
    indicatorId: number;
    fiscalYear: number;
    value: number;
    status: ActualStatus;
    note: string;
    expectedVersion: number | null;
    actor: AuditActor & { name: string };
    now: Date;
  },
): Promise<SaveActualResult> {
  return db.kysely.transaction().execute(async (trx): Promise<SaveActualResult> => {
    const before = await repo.selectActual(trx, c.municipalityCode, c.indicatorId, c.fiscalYear);
    const r = await writeActual(trx, {
      municipalityCode: c.municipalityCode,
      indicatorId: c.indicatorId,
      fiscalYear: c.fiscalYear,
      value: c.value,
      status: c.status,
      note: c.note,
      expectedVersion: c.expectedVersion,
      actor: { userId: c.actor.userId, name: c.actor.name },
      via: 'form',
      at: c.now,
    });
    if (!r.ok) return { status: 'conflict', current: r.current };
    if (!r.changed) return { status: 'unchanged', actual: r.actual };
    await recordAudit(trx, {
      municipalityCode: c.municipalityCode,
      actor: c.actor,
      action: before ? 'indicator.actual.update' : 'indicator.actual.create',
      resourceType: 'indicator',
      resourceId: `${c.indicatorId}:${c.fiscalYear}`,
      before: before ? actualShape(before) : null,
      after: actualShape(r.actual),
      at: c.now,
    });
    return { status: 'saved', actual: r.actual };
  });
}

function actualShape(a: Actual) {
  return { fiscalYear: a.fiscalYear, value: a.value, status: a.status, note: a.note, version: a.lockVersion };
}

/** Removes an actual entered by mistake (deleteActual, audited); conflict when it changed meanwhile. */
export async function removeActual(
  db: Db,
  c: {
    municipalityCode: string;
    indicatorId: number;
    fiscalYear: number;
    expectedVersion: number;
    actor: AuditActor & { name: string };
    now: Date;
  },
): Promise<{ status: 'deleted' } | { status: 'conflict'; current: Actual | null }> {
  return db.kysely.transaction().execute(async (trx) => {
    const before = await repo.selectActual(trx, c.municipalityCode, c.indicatorId, c.fiscalYear);
    const r = await deleteActual(trx, {
      municipalityCode: c.municipalityCode,
      indicatorId: c.indicatorId,
      fiscalYear: c.fiscalYear,
      expectedVersion: c.expectedVersion,
      actor: { userId: c.actor.userId, name: c.actor.name },
      via: 'form',
      at: c.now,
    });
    if (!r.ok) return { status: 'conflict' as const, current: r.current };
    await recordAudit(trx, {
      municipalityCode: c.municipalityCode,
      actor: c.actor,
      action: 'indicator.actual.delete',
      resourceType: 'indicator',
      resourceId: `${c.indicatorId}:${c.fiscalYear}`,
      before: before ? actualShape(before) : null,
      after: null,
      at: c.now,
    });
    return { status: 'deleted' as const };
  });
}

/** The grade rules in force and the version of the settings row (0 = none saved yet: the usual scale). */
export async function gradeSettings(
  db: Db,
  municipalityCode: string,
): Promise<{ rules: GradeRule[]; lockVersion: number; isDefault: boolean }> {
  const row = await db.kysely
    .selectFrom('kpi_settings')
    .select(['lock_version'])
    .where('municipality_code', '=', municipalityCode)
    .executeTakeFirst();
  const rules = await getGradeRules(db.kysely, municipalityCode);
  return { rules, lockVersion: row ? Number(row.lock_version) : 0, isDefault: !row };
}

/**
 * Saves the grade rules (already validated) if the settings are still at `expectedVersion` (0 = none
 * saved yet). Audited.
 */
export async function saveGradeRules(
  db: Db,
  c: {
    municipalityCode: string;
    rules: GradeRule[];
    expectedVersion: number | null;
    actor: AuditActor;
    now: Date;
  },
): Promise<'saved' | 'unchanged' | 'conflict'> {
  const at = c.now.toISOString();
  const json = JSON.stringify(c.rules.map((r) => ({ grade: r.grade, min: r.min, label: r.label })));
  try {
    return await db.kysely.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('kpi_settings')
        .select(['grade_rules', 'lock_version'])
        .where('municipality_code', '=', c.municipalityCode)
        .executeTakeFirst();
      const version = row ? Number(row.lock_version) : 0;
      if (c.expectedVersion !== version) throw new Stale();
      const before = await getGradeRules(trx, c.municipalityCode);
      if (JSON.stringify(before) === json && row) return 'unchanged' as const;
      if (!row) {
        const ins = await trx
          .insertInto('kpi_settings')
          .values({
            municipality_code: c.municipalityCode,
            grade_rules: json,
            lock_version: 1,
            updated_at: at,
          })
          .onConflict((oc) => oc.column('municipality_code').doNothing())
          .returning('municipality_code')
          .executeTakeFirst();
        if (!ins) throw new Stale();
      } else {
        const res = await trx
          .updateTable('kpi_settings')
          .set({ grade_rules: json, lock_version: version + 1, updated_at: at })
          .where('municipality_code', '=', c.municipalityCode)
          .where('lock_version', '=', version)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) throw new Stale();
      }
      await recordAudit(trx, {
        municipalityCode: c.municipalityCode,
        actor: c.actor,
        action: 'kpi_settings.update',
        resourceType: 'kpi_settings',
        resourceId: c.municipalityCode,
        before: { gradeRules: row ? before : null },
        after: { gradeRules: JSON.parse(json) },
        at: c.now,
      });
      return 'saved' as const;
    });
  } catch (e) {
    if (e instanceof Stale) return 'conflict';
    throw e;
  }
}

export { DEFAULT_GRADE_RULES };

/** The indicators of one measure of the current plan with their latest actual (the staff workspace). */
export async function measureIndicators(
  db: Db,
  municipalityCode: string,
  path: string,
): Promise<KpiStatus[]> {
  const tree = await getCurrentPlan(db, municipalityCode);
  if (!tree) return [];
  const board = await loadKpiBoard(db, { municipalityCode, planId: tree.version.plan.id, nodePaths: [path] });
  return board.statuses;
}
