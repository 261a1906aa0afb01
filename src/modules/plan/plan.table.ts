import type { Generated } from 'kysely';

/** Kysely table types of the plan domain. Timestamps are ISO-8601 strings on both dialects. */

export interface MunicipalityTable {
  /** 全国地方公共団体コード, 6 digits with the check digit, e.g. 352161. */
  code: string;
  name: string;
  created_at: string;
}

export interface PlanTable {
  id: Generated<number>;
  municipality_code: string;
  title: string;
  period_start_fy: number | null;
  period_end_fy: number | null;
  created_at: string;
}

export interface PlanVersionTable {
  id: Generated<number>;
  municipality_code: string;
  plan_id: number;
  /** 1, 2, … within the plan, in import order. */
  seq: number;
  label: string;
  /** early_draft (素案) | draft (案) | adopted (決定) | withdrawn (廃止). */
  state: string;
  document_title: string;
  /** Paragraphs before the first heading when the document has no project heading, JSON string[]. */
  preamble: string;
  cross_cutting_heading: string | null;
  /** JSON string[] of the paragraphs introducing the cross-cutting measures. */
  cross_cutting_intro: string;
  source_format: string;
  /** The imported file, verbatim. */
  source_text: string;
  /** sha256 of the canonical JSON of the structured content: equal hash, same plan. */
  content_hash: string;
  created_at: string;
}

export interface PlanNodeTable {
  id: Generated<number>;
  municipality_code: string;
  version_id: number;
  parent_id: number | null;
  /** vision | project | policy | measure. */
  kind: string;
  /** The heading word as written: 重点施策, 基本目標, … (empty for measures). */
  label: string;
  /** The number as written (3, ３, （１）); '' when unnumbered. */
  number: string;
  /** The number's value, used in addresses. */
  ordinal: number | null;
  title: string;
  /** JSON string[]: the paragraphs as written. */
  body: string;
  /** Order among siblings. */
  position: number;
  /** Address below /plan, e.g. "1" or "1/2"; '' for vision and project. */
  path: string;
  /** The line of the source where the node starts (text imports), for error messages and audits. */
  source_line: number | null;
}

export interface CrossCuttingMeasureTable {
  id: Generated<number>;
  municipality_code: string;
  version_id: number;
  position: number;
  title: string;
  /** JSON string[]. */
  body: string;
  /** JSON string[]: words whose presence in a measure's text marks a mention in the matrix. */
  keywords: string;
  source_line: number | null;
}

export interface CrossCuttingLinkTable {
  municipality_code: string;
  version_id: number;
  node_id: number;
  cross_cutting_id: number;
  created_at: string;
}

export interface PlanNoteTable {
  id: Generated<number>;
  municipality_code: string;
  version_id: number;
  position: number;
  /** The note as written, e.g. ※スマイルエイジング：… */
  text: string;
  /** The glossary term when the note has the form ※term：explanation. */
  term: string | null;
  source_line: number | null;
}

/** One row per searchable piece of a version (node, cross-cutting measure, note). */
export interface PlanSearchEntryTable {
  id: Generated<number>;
  municipality_code: string;
  version_id: number;
  /** node | cross_cutting | note */
  target_kind: string;
  target_id: number;
  /** NFKC-normalised, lower-cased title and body. */
  search_text: string;
}

export interface PlanTables {
  municipalities: MunicipalityTable;
  plans: PlanTable;
  plan_versions: PlanVersionTable;
  plan_nodes: PlanNodeTable;
  cross_cutting_measures: CrossCuttingMeasureTable;
  cross_cutting_links: CrossCuttingLinkTable;
  plan_notes: PlanNoteTable;
  plan_search_entries: PlanSearchEntryTable;
}
