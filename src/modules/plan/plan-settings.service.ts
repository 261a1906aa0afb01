import type { Db } from '../../db/database.ts';
import { isId } from '../../shared/ids.ts';
import type { MessageKey } from '../../web/i18n/messages.ts';
import { listDepartments } from '../accounts/accounts.service.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import * as repo from './plan.repository.ts';
import { findNodeByPath, getCurrentPlan, matrixCell } from './plan.service.ts';
import type {
  CrossCuttingMeasure,
  DepartmentRef,
  MatrixCell,
  MeasureOwners,
  PlanNode,
  PlanTree,
} from './plan.types.ts';

/**
 * What planners set on the plan's measures: the departments that own each measure (one lead, 主担当課, and
 * any supporting ones, 関係課), kept per plan and address so that they hold across versions; and the links
 * of each measure to the cross-cutting measures, kept per version (planners edit the current one).
 */

/** A department as the settings pages offer it. */
export interface DepartmentOption extends DepartmentRef {
  disabled: boolean;
}

export const NO_OWNERS: MeasureOwners = { lead: null, supporting: [] };

/** The ownership of every measure of the tree's plan, by address, named with the departments given. */
function ownersByPath(tree: PlanTree, departments: readonly DepartmentOption[], withDisabled: boolean) {
  const byId = new Map(departments.map((d) => [d.id, d]));
  const out = new Map<string, { lead: DepartmentOption | null; supporting: DepartmentOption[] }>();
  for (const o of tree.owners) {
    const d = byId.get(o.departmentId);
    if (!d || (d.disabled && !withDisabled)) continue;
    let entry = out.get(o.path);
    if (!entry) {
      entry = { lead: null, supporting: [] };
      out.set(o.path, entry);
    }
    if (o.role === 'lead') entry.lead = d;
    else entry.supporting.push(d);
  }
  const order = new Map(departments.map((d, i) => [d.id, i]));
  for (const e of out.values()) e.supporting.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  return out;
}

const ref = (d: DepartmentRef): DepartmentRef => ({ id: d.id, name: d.name });

/**
 * The departments of the tree's measures as the public sees them, by address: disabled departments (a
 * reorganised city) are left out. One query for the department names, none when nothing is set.
 */
export async function publicOwners(db: Db, tree: PlanTree): Promise<ReadonlyMap<string, MeasureOwners>> {
  if (tree.owners.length === 0) return new Map();
  const departments = await listDepartments(db, tree.version.municipality.code);
  const out = new Map<string, MeasureOwners>();
  for (const [path, o] of ownersByPath(tree, departments, false)) {
    out.set(path, { lead: o.lead ? ref(o.lead) : null, supporting: o.supporting.map(ref) });
  }
  return out;
}

/** One row of the settings list: a measure with its departments and linked cross-cutting measures. */
export interface MeasureSettingsRow {
  policy: PlanNode;
  measure: PlanNode;
  lead: DepartmentOption | null;
  supporting: DepartmentOption[];
  links: CrossCuttingMeasure[];
}

export interface PlanSettingsOverview {
  tree: PlanTree;
  rows: MeasureSettingsRow[];
}

function linkedMeasures(tree: PlanTree, node: PlanNode): CrossCuttingMeasure[] {
  return tree.crossCutting.measures.filter((x) =>
    tree.links.some((l) => l.nodeId === node.id && l.crossCuttingId === x.id),
  );
}

/** Every measure of the current version with its settings; null when no plan is imported. */
export async function getPlanSettingsOverview(
  db: Db,
  municipalityCode: string,
): Promise<PlanSettingsOverview | null> {
  const [tree, departments] = await Promise.all([
    getCurrentPlan(db, municipalityCode),
    listDepartments(db, municipalityCode),
  ]);
  if (!tree) return null;
  const owners = ownersByPath(tree, departments, true);
  const rows: MeasureSettingsRow[] = [];
  for (const policy of tree.policies) {
    for (const measure of policy.children) {
      const o = owners.get(measure.path);
      rows.push({
        policy,
        measure,
        lead: o?.lead ?? null,
        supporting: o?.supporting ?? [],
        links: linkedMeasures(tree, measure),
      });
    }
  }
  return { tree, rows };
}

/** One measure's settings form: the current values and what may be chosen. */
export interface MeasureSettings {
  tree: PlanTree;
  policy: PlanNode;
  measure: PlanNode;
  /** Every department of the municipality (the form offers the enabled ones). */
  departments: DepartmentOption[];
  lead: DepartmentOption | null;
  supporting: DepartmentOption[];
  /** Each cross-cutting measure with whether it is linked and whether the measure's text mentions it. */
  crossCutting: Array<{ x: CrossCuttingMeasure; cell: MatrixCell }>;
}

/** A measure of the current version by its address ("1/2"), with its settings; null if there is none. */
export async function getMeasureSettings(
  db: Db,
  municipalityCode: string,
  path: string,
): Promise<MeasureSettings | null> {
  const [tree, departments] = await Promise.all([
    getCurrentPlan(db, municipalityCode),
    listDepartments(db, municipalityCode),
  ]);
  if (!tree) return null;
  const found = findNodeByPath(tree, path);
  if (found?.node.kind !== 'measure') return null;
  const o = ownersByPath(tree, departments, true).get(path);
  return {
    tree,
    policy: found.policy,
    measure: found.node,
    departments,
    lead: o?.lead ?? null,
    supporting: o?.supporting ?? [],
    crossCutting: tree.crossCutting.measures.map((x) => ({ x, cell: matrixCell(tree, found.node, x) })),
  };
}

/** What the form asks for, cleaned: department ids and cross-cutting ordinals (1-based). */
export interface MeasureSettingsInput {
  leadId: number | null;
  supportingIds: number[];
  linkOrdinals: number[];
}

/** A problem of the form: the field, and the message (in the catalogue) with its parameters. */
export interface SettingsProblem {
  field: 'lead' | 'supporting' | 'links';
  key: MessageKey;
  params?: Record<string, string>;
}

/** The values of a form field that may be sent once or several times (checkboxes). */
function values(v: unknown): unknown[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** More values than any real form has: the request is refused rather than looped over. */
const MAX_VALUES = 500;

/**
 * Checks the form against the departments and cross-cutting measures: a lead is optional; ids must be of
 * enabled departments of the municipality; a supporting department cannot also be the lead; links must
 * name the version's cross-cutting measures. Problems come in field order.
 */
export function validateMeasureSettings(
  body: unknown,
  settings: MeasureSettings,
):
  | { ok: true; value: MeasureSettingsInput }
  | { ok: false; problems: SettingsProblem[]; value: MeasureSettingsInput } {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const problems: SettingsProblem[] = [];
  const byId = new Map(settings.departments.map((d) => [d.id, d]));
  const department = (raw: unknown) => {
    const s = typeof raw === 'string' ? raw.trim() : '';
    return isId(s) ? byId.get(Number(s)) : undefined;
  };

  let leadId: number | null = null;
  const leadRaw = values(b.lead);
  const leadValue = leadRaw.length === 1 ? leadRaw[0] : undefined;
  if (leadRaw.length > 1 || (leadValue !== undefined && typeof leadValue !== 'string')) {
    problems.push({ field: 'lead', key: 'planSettings.error.leadUnknown' });
  } else if (typeof leadValue === 'string' && leadValue.trim() !== '') {
    const d = department(leadValue);
    if (!d) problems.push({ field: 'lead', key: 'planSettings.error.leadUnknown' });
    else if (d.disabled)
      problems.push({ field: 'lead', key: 'planSettings.error.leadDisabled', params: { name: d.name } });
    else leadId = d.id;
  }

  const supportingIds: number[] = [];
  const supportingRaw = values(b.supporting);
  if (supportingRaw.length > MAX_VALUES) {
    problems.push({ field: 'supporting', key: 'planSettings.error.supportingUnknown' });
  } else {
    let problem: SettingsProblem | null = null;
    for (const raw of supportingRaw) {
      const d = department(raw);
      if (!d) problem ??= { field: 'supporting', key: 'planSettings.error.supportingUnknown' };
      else if (d.disabled)
        problem ??= {
          field: 'supporting',
          key: 'planSettings.error.supportingDisabled',
          params: { name: d.name },
        };
      else if (d.id === leadId)
        problem ??= {
          field: 'supporting',
          key: 'planSettings.error.supportingIsLead',
          params: { name: d.name },
        };
      else if (!supportingIds.includes(d.id)) supportingIds.push(d.id);
    }
    if (problem) problems.push(problem);
  }

  const linkOrdinals: number[] = [];
  const linksRaw = values(b.links);
  const count = settings.tree.crossCutting.measures.length;
  if (linksRaw.length > MAX_VALUES) {
    problems.push({ field: 'links', key: 'planSettings.error.linksUnknown' });
  } else {
    let unknown = false;
    for (const raw of linksRaw) {
      const s = typeof raw === 'string' ? raw.trim() : '';
      const n = isId(s) ? Number(s) : 0;
      if (n < 1 || n > count) unknown = true;
      else if (!linkOrdinals.includes(n)) linkOrdinals.push(n);
    }
    if (unknown) problems.push({ field: 'links', key: 'planSettings.error.linksUnknown' });
  }

  const order = new Map(settings.departments.map((d, i) => [d.id, i]));
  supportingIds.sort((x, y) => order.get(x)! - order.get(y)!);
  linkOrdinals.sort((x, y) => x - y);
  const value = { leadId, supportingIds, linkOrdinals };
  return problems.length > 0 ? { ok: false, problems, value } : { ok: true, value };
}

export type SaveSettingsResult =
  | { status: 'saved' | 'unchanged' }
  /** The current version changed since the form was shown (a new import): nothing was written. */
  | { status: 'stale' };

/** The settings of a measure as the audit log records them: names as they were, in a stable order. */
interface SettingsSnapshot {
  plan: number;
  version: number;
  measure: string;
  title: string;
  lead: DepartmentRef | null;
  supporting: DepartmentRef[];
  links: Array<{ ordinal: number; title: string }>;
}

/**
 * Saves one measure's departments and links in one transaction with its audit entry. Refuses (and writes
 * nothing) when the current version is no longer the one the form was made from. Nothing changed: no
 * write and no audit entry.
 */
export async function saveMeasureSettings(
  db: Db,
  input: {
    municipalityCode: string;
    path: string;
    /** The version the form showed. */
    versionId: number;
    settings: MeasureSettings;
    value: MeasureSettingsInput;
    actor: AuditActor;
    now: Date;
  },
): Promise<SaveSettingsResult> {
  const { settings, value, path } = input;
  const planId = settings.tree.version.plan.id;
  const names = new Map(settings.departments.map((d) => [d.id, d.name]));
  const byOrdinal = new Map(settings.tree.crossCutting.measures.map((x) => [x.ordinal, x]));
  const byId = new Map(settings.tree.crossCutting.measures.map((x) => [x.id, x]));
  const at = input.now.toISOString();
  return db.kysely.transaction().execute(async (trx) => {
    await repo.lockPlanForSettings(trx, db.dialect, planId);
    const current = await repo.findCurrentVersion(trx, input.municipalityCode);
    if (!current || current.id !== input.versionId || current.id !== settings.tree.version.id)
      return { status: 'stale' } as const;
    const measure = settings.measure;
    const ownerRows = await repo.findOwnersOfMeasure(trx, planId, path);
    const linkIds = await repo.findLinksOfNode(trx, current.id, measure.id);
    const snapshot = (
      leadId: number | null,
      supportingIds: number[],
      crossIds: number[],
    ): SettingsSnapshot => ({
      plan: planId,
      version: current.id,
      measure: path,
      title: measure.title,
      lead: leadId === null ? null : { id: leadId, name: names.get(leadId) ?? '' },
      supporting: [...supportingIds].sort((a, b) => a - b).map((id) => ({ id, name: names.get(id) ?? '' })),
      links: crossIds
        .map((id) => byId.get(id))
        .filter((x): x is CrossCuttingMeasure => x !== undefined)
        .sort((a, b) => a.ordinal - b.ordinal)
        .map((x) => ({ ordinal: x.ordinal, title: x.title })),
    });
    const before = snapshot(
      ownerRows.find((r) => r.role === 'lead')?.department_id ?? null,
      ownerRows.filter((r) => r.role !== 'lead').map((r) => r.department_id),
      linkIds,
    );
    const wantedLinks = value.linkOrdinals.map((n) => byOrdinal.get(n)!.id);
    const after = snapshot(value.leadId, value.supportingIds, wantedLinks);
    if (JSON.stringify(before) === JSON.stringify(after)) return { status: 'unchanged' } as const;

    await repo.replaceOwnersOfMeasure(
      trx,
      { municipalityCode: input.municipalityCode, planId, nodePath: path },
      [
        ...(value.leadId === null ? [] : [{ departmentId: value.leadId, role: 'lead' as const }]),
        ...value.supportingIds.map((departmentId) => ({ departmentId, role: 'support' as const })),
      ],
    );
    await repo.deleteLinksOfNode(
      trx,
      current.id,
      measure.id,
      linkIds.filter((id) => !wantedLinks.includes(id)),
    );
    await repo.insertLinks(
      trx,
      wantedLinks
        .filter((id) => !linkIds.includes(id))
        .map((id) => ({
          municipality_code: input.municipalityCode,
          version_id: current.id,
          node_id: measure.id,
          cross_cutting_id: id,
          created_at: at,
        })),
    );
    await recordAudit(trx, {
      municipalityCode: input.municipalityCode,
      actor: input.actor,
      action: 'measure.settings.set',
      resourceType: 'measure',
      resourceId: `${planId}:${path}`,
      before,
      after,
      at,
    });
    return { status: 'saved' } as const;
  });
}

/** A measure as a member of staff sees it in "my measures" and on its workspace. */
export interface StaffMeasure {
  policy: PlanNode;
  measure: PlanNode;
  owners: MeasureOwners;
  /** The department ids that own the measure (lead and supporting): what the policy checks. */
  ownerDepartmentIds: number[];
  links: CrossCuttingMeasure[];
}

function staffMeasure(
  tree: PlanTree,
  owners: ReadonlyMap<string, MeasureOwners>,
  policy: PlanNode,
  measure: PlanNode,
): StaffMeasure {
  return {
    policy,
    measure,
    owners: owners.get(measure.path) ?? NO_OWNERS,
    ownerDepartmentIds: tree.owners.filter((o) => o.path === measure.path).map((o) => o.departmentId),
    links: linkedMeasures(tree, measure),
  };
}

/** The measures of the current plan that any of the departments owns (lead or supporting), in plan order. */
export async function measuresOfDepartments(
  db: Db,
  municipalityCode: string,
  departmentIds: readonly number[],
): Promise<StaffMeasure[]> {
  if (departmentIds.length === 0) return [];
  const tree = await getCurrentPlan(db, municipalityCode);
  if (!tree) return [];
  const mine = new Set(tree.owners.filter((o) => departmentIds.includes(o.departmentId)).map((o) => o.path));
  if (mine.size === 0) return [];
  const owners = await publicOwners(db, tree);
  return tree.policies.flatMap((p) =>
    p.children.filter((m) => mine.has(m.path)).map((m) => staffMeasure(tree, owners, p, m)),
  );
}

/** One measure of the current plan for its staff workspace; null when the address has none. */
export async function staffMeasureAt(
  db: Db,
  municipalityCode: string,
  path: string,
): Promise<StaffMeasure | null> {
  const tree = await getCurrentPlan(db, municipalityCode);
  const found = tree ? findNodeByPath(tree, path) : null;
  if (!tree || !found || found.node.kind !== 'measure') return null;
  return staffMeasure(tree, await publicOwners(db, tree), found.policy, found.node);
}
