import type { Db } from '../../db/database.ts';
import { listDepartments } from '../accounts/accounts.service.ts';
import type { PlanNode, PlanTree } from '../plan/plan.types.ts';
import { rollUp } from './kpi.math.ts';
import { type KpiStatus, loadKpiBoard } from './kpi.service.ts';
import type { GradeRule } from './kpi.types.ts';

/**
 * What the public pages of indicators show, shaped from the plan tree and the indicators' statuses: the
 * dashboard grouped by 重点施策 and measure with roll-ups, the indicators of one node (measure and policy
 * pages), the summary of the top page. Loading takes a fixed number of queries whatever the number of
 * indicators (loadKpiBoard: 4; the department names: 1).
 */

export interface RollUp {
  rate: number | null;
  grade: string | null;
  counted: number;
  missing: number;
}

export interface StandingCounts {
  onTrack: number;
  behind: number;
  noData: number;
  total: number;
}

export interface MeasureGroup {
  measure: PlanNode;
  statuses: KpiStatus[];
  rollUp: RollUp;
}

export interface PolicyGroup {
  policy: PlanNode;
  /** Indicators set on the 重点施策 itself. */
  own: KpiStatus[];
  measures: MeasureGroup[];
  /** Own indicators plus all its measures' indicators. */
  rollUp: RollUp;
  counts: StandingCounts;
}

export interface DashboardFilter {
  /** Ordinal of a cross-cutting measure: only the nodes linked to it. */
  cc?: number;
  /** Effective department id. */
  dept?: number;
}

export interface Dashboard {
  rules: GradeRule[];
  groups: PolicyGroup[];
  counts: StandingCounts;
  /** Every indicator of the plan, before filtering (0 = the plan has none). */
  totalIndicators: number;
}

/** The grade's label under the rules (GradeBadge shows letter and words). */
export function gradeLabel(rules: readonly GradeRule[], grade: string | null): string {
  return rules.find((r) => r.grade === grade)?.label ?? '';
}

export function countStandings(statuses: readonly KpiStatus[]): StandingCounts {
  const c: StandingCounts = { onTrack: 0, behind: 0, noData: 0, total: statuses.length };
  for (const s of statuses) {
    if (s.standing === 'on_track') c.onTrack++;
    else if (s.standing === 'behind') c.behind++;
    else c.noData++;
  }
  return c;
}

export function rollUpOf(statuses: readonly KpiStatus[], rules: readonly GradeRule[]): RollUp {
  return rollUp(
    statuses.map((s) => s.achievement?.rate ?? null),
    rules,
  );
}

/** The addresses of the nodes linked to a cross-cutting measure (planners' links in the plan). */
export function nodePathsLinkedTo(tree: PlanTree, ccOrdinal: number): Set<string> | null {
  const x = tree.crossCutting.measures.find((m) => m.ordinal === ccOrdinal);
  if (!x) return null;
  const ids = new Set(tree.links.filter((l) => l.crossCuttingId === x.id).map((l) => l.nodeId));
  const out = new Set<string>();
  for (const p of tree.policies) {
    if (ids.has(p.id)) out.add(p.path);
    for (const m of p.children) if (ids.has(m.id)) out.add(m.path);
  }
  return out;
}

/** Groups statuses by 重点施策 and measure in the plan's order; indicators on unknown nodes are left out. */
export function groupStatuses(
  tree: PlanTree,
  statuses: readonly KpiStatus[],
  rules: readonly GradeRule[],
  keepEmpty = false,
): PolicyGroup[] {
  const byPath = new Map<string, KpiStatus[]>();
  for (const s of statuses) {
    const list = byPath.get(s.indicator.nodePath) ?? [];
    list.push(s);
    byPath.set(s.indicator.nodePath, list);
  }
  const groups: PolicyGroup[] = [];
  for (const policy of tree.policies) {
    const own = byPath.get(policy.path) ?? [];
    const measures: MeasureGroup[] = [];
    for (const m of policy.children) {
      const list = byPath.get(m.path) ?? [];
      if (list.length === 0 && !keepEmpty) continue;
      measures.push({ measure: m, statuses: list, rollUp: rollUpOf(list, rules) });
    }
    const every = [...own, ...measures.flatMap((m) => m.statuses)];
    if (every.length === 0 && !keepEmpty) continue;
    groups.push({
      policy,
      own,
      measures,
      rollUp: rollUpOf(every, rules),
      counts: countStandings(every),
    });
  }
  return groups;
}

export interface DepartmentOption {
  id: number;
  name: string;
}

/** The dashboard: every indicator of the plan, filtered, grouped, rolled up. 5 queries. */
export async function loadDashboard(
  db: Db,
  tree: PlanTree,
  filter: DashboardFilter,
): Promise<{ dashboard: Dashboard; departments: DepartmentOption[]; ccValid: boolean; deptValid: boolean }> {
  const code = tree.version.municipality.code;
  const board = await loadKpiBoard(db, { municipalityCode: code, planId: tree.version.plan.id });
  const depts = await listDepartments(db, code);
  const usedDepts = new Set(board.statuses.map((s) => s.indicator.effectiveDepartmentId));
  const departments = depts
    .filter((d) => !d.disabled || usedDepts.has(d.id))
    .map((d) => ({ id: d.id, name: d.name }));
  const linked = filter.cc === undefined ? null : nodePathsLinkedTo(tree, filter.cc);
  const ccValid = filter.cc === undefined || linked !== null;
  const deptValid = filter.dept === undefined || departments.some((d) => d.id === filter.dept);
  let statuses = board.statuses;
  if (linked) statuses = statuses.filter((s) => linked.has(s.indicator.nodePath));
  if (deptValid && filter.dept !== undefined)
    statuses = statuses.filter((s) => s.indicator.effectiveDepartmentId === filter.dept);
  const groups = groupStatuses(tree, statuses, board.rules);
  return {
    dashboard: {
      rules: board.rules,
      groups,
      counts: countStandings(groups.flatMap((g) => [...g.own, ...g.measures.flatMap((m) => m.statuses)])),
      totalIndicators: board.statuses.length,
    },
    departments,
    ccValid,
    deptValid,
  };
}

/** The indicators of one measure, or of one 重点施策 with its measures (plan pages). 4 queries. */
export interface NodeKpi {
  rules: GradeRule[];
  /** The measure's (or the policy's own) indicators. */
  statuses: KpiStatus[];
  /** Policy page only: each measure's indicators and roll-up. */
  measures: MeasureGroup[];
  /** Roll-up of the node (for a policy: its own and all its measures' indicators). */
  rollUp: RollUp;
}

export async function loadNodeKpi(db: Db, tree: PlanTree, node: PlanNode): Promise<NodeKpi> {
  const paths = node.kind === 'policy' ? [node.path, ...node.children.map((m) => m.path)] : [node.path];
  const board = await loadKpiBoard(db, {
    municipalityCode: tree.version.municipality.code,
    planId: tree.version.plan.id,
    nodePaths: paths,
  });
  const own = board.statuses.filter((s) => s.indicator.nodePath === node.path);
  const measures: MeasureGroup[] =
    node.kind === 'policy'
      ? node.children.map((m) => {
          const list = board.statuses.filter((s) => s.indicator.nodePath === m.path);
          return { measure: m, statuses: list, rollUp: rollUpOf(list, board.rules) };
        })
      : [];
  return { rules: board.rules, statuses: own, measures, rollUp: rollUpOf(board.statuses, board.rules) };
}

/** The top page's summary: standings per 重点施策 (own and measures' indicators). 4 queries. */
export interface TopSummaryRow {
  policy: PlanNode;
  counts: StandingCounts;
}

export async function loadTopSummary(db: Db, tree: PlanTree): Promise<TopSummaryRow[]> {
  const board = await loadKpiBoard(db, {
    municipalityCode: tree.version.municipality.code,
    planId: tree.version.plan.id,
  });
  return groupStatuses(tree, board.statuses, board.rules).map((g) => ({
    policy: g.policy,
    counts: g.counts,
  }));
}

/** Where an indicator hangs in the plan: its 重点施策 and (for a measure's indicator) its measure. */
export function nodeOf(
  tree: PlanTree,
  nodePath: string,
): { policy: PlanNode; measure: PlanNode | null } | null {
  for (const p of tree.policies) {
    if (p.path === nodePath) return { policy: p, measure: null };
    for (const m of p.children) if (m.path === nodePath) return { policy: p, measure: m };
  }
  return null;
}
