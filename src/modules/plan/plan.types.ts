import type { PlanState } from './plan.schema.ts';

/** Domain types of the plan, as services return them (never rows). */

export interface PlanVersionSummary {
  id: number;
  seq: number;
  label: string;
  state: PlanState;
  documentTitle: string;
  createdAt: string;
  sourceFormat: string;
  plan: { id: number; title: string; periodStartFy: number | null; periodEndFy: number | null };
  municipality: { code: string; name: string };
}

export type NodeKind = 'vision' | 'project' | 'policy' | 'measure';

export interface PlanNode {
  id: number;
  parentId: number | null;
  kind: NodeKind;
  label: string;
  number: string;
  ordinal: number | null;
  title: string;
  body: string[];
  /** Address below /plan/, e.g. "1" or "1/2"; '' for vision and project. */
  path: string;
  children: PlanNode[];
}

export interface CrossCuttingMeasure {
  id: number;
  /** 1-based position, used in its address /plan/cross-cutting/N. */
  ordinal: number;
  title: string;
  body: string[];
  keywords: string[];
}

export interface PlanNote {
  text: string;
  term: string | null;
}

/** A whole version, loaded in a fixed number of queries whatever its size. */
export interface PlanTree {
  version: PlanVersionSummary;
  preamble: string[];
  vision: PlanNode | null;
  project: PlanNode | null;
  /** The 重点施策 (or 基本目標) with their measures. */
  policies: PlanNode[];
  crossCutting: { heading: string | null; intro: string[]; measures: CrossCuttingMeasure[] };
  /** Staff-set links between nodes and cross-cutting measures. */
  links: Array<{ nodeId: number; crossCuttingId: number }>;
  /** Staff-set departments of the plan's measures (names are the accounts module's: see MeasureOwners). */
  owners: MeasureOwnerRef[];
  notes: PlanNote[];
}

/** A department's part in a measure (担当課): the lead (主担当課) or a supporting one (関係課). */
export type OwnerRole = 'lead' | 'support';

/**
 * One department of one measure. Kept by plan and measure address, not by node id, so that it holds for
 * every version of the plan as long as the city keeps its numbering.
 */
export interface MeasureOwnerRef {
  path: string;
  departmentId: number;
  role: OwnerRole;
}

export interface DepartmentRef {
  id: number;
  name: string;
}

/** The departments of a measure, named, as pages show them. */
export interface MeasureOwners {
  lead: DepartmentRef | null;
  supporting: DepartmentRef[];
}

/** How a node relates to a cross-cutting measure in the matrix. */
export interface MatrixCell {
  /** A planner linked them. */
  linked: boolean;
  /** The node's own text names the cross-cutting theme (one of its keywords). */
  mentioned: boolean;
  /** The keywords found, for the explanation beside the mark. */
  mentionedKeywords: string[];
}

export interface MatrixRow {
  node: PlanNode;
  policy: PlanNode;
  cells: MatrixCell[];
}

export interface SearchHit {
  kind: 'node' | 'cross_cutting' | 'note';
  title: string;
  /** Where the hit lives, e.g. 重点施策1 地域を創る › 1 新たな地域づくり. */
  context: string;
  href: string;
  /** Text around the first match (title or body). */
  snippet: string;
}
