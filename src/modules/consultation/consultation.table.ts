import type { Generated } from 'kysely';

/** Kysely table types of public comment. Timestamps are ISO-8601 strings on both dialects. */

export interface ConsultationTable {
  id: Generated<number>;
  municipality_code: string;
  /** The plan version the consultation is about (usually a 案). */
  version_id: number;
  title: string;
  /** A short introduction shown at the top of the consultation page. */
  summary: Generated<string>;
  /** Who may submit, in the city's own wording. */
  eligibility: string;
  /** UTC instants; the consultation is open from opens_at (inclusive) to closes_at (exclusive). */
  opens_at: string;
  closes_at: string;
  /** Required when the period is shorter than 30 days; shown on the public page. */
  short_period_reason: string | null;
  postal_address: Generated<string>;
  fax_number: Generated<string>;
  email_address: Generated<string>;
  in_person_place: Generated<string>;
  /** Where the draft can be read on paper (窓口, libraries …). */
  reading_places: Generated<string>;
  /** The division to contact with questions. */
  contact: Generated<string>;
  lock_version: Generated<number>;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

/** One submission (提出): the person and how it arrived. Personal data lives only here. */
export interface SubmissionTable {
  id: Generated<number>;
  municipality_code: string;
  consultation_id: number;
  /** 受付番号, e.g. PC3-000123: shown to the submitter, never reveals anything else. */
  receipt_number: string;
  /** web | post | fax | email | in_person */
  channel: string;
  /** The date received (Asia/Tokyo calendar date YYYY-MM-DD); for post, the postmark date. */
  received_on: string;
  name: string;
  address: string;
  /** resident | worker | student | business | other */
  category: string;
  /** The reason given with category "other". */
  category_note: Generated<string>;
  email: Generated<string>;
  phone: Generated<string>;
  /** sha256 over the consultation, normalised name, address and opinions: exact duplicates are refused. */
  dedupe_hash: string;
  /** sha256 of the secret in the receipt page's address (web submissions). */
  receipt_token_hash: string | null;
  /** The member of staff who entered a paper, fax, e-mail or in-person submission. */
  entered_by: number | null;
  created_at: string;
}

/** One opinion (意見): a piece of a submission about one section of the draft, or the whole plan. */
export interface OpinionTable {
  id: Generated<number>;
  municipality_code: string;
  consultation_id: number;
  submission_id: number;
  /** Order within the submission. */
  position: number;
  /** The plan node the opinion is about; null = the plan as a whole. */
  node_id: number | null;
  body: string;
  /** NFKC-normalised, lower-cased body, for search. */
  search_text: string;
  /** new (未処理) | accepted (対象) | excluded (対象外, with a reason) | split (replaced by its parts) */
  state: Generated<string>;
  /** stance_only | off_topic | no_identity | other */
  exclusion_reason: string | null;
  exclusion_note: Generated<string>;
  /** The opinion this one was split from. */
  split_from: number | null;
  /** The department assigned to answer it. */
  department_id: number | null;
  group_id: number | null;
  /** Copied from the submission so the triage filters need no join. */
  channel: string;
  category: string;
  received_on: string;
  lock_version: Generated<number>;
  created_at: string;
  updated_at: string;
}

/** A group of similar opinions answered once; a single opinion is answered as a group of one. */
export interface OpinionGroupTable {
  id: Generated<number>;
  municipality_code: string;
  consultation_id: number;
  /** The section the group is about, for the published table; null = the plan as a whole. */
  node_id: number | null;
  /** The department drafting the answer. */
  department_id: number | null;
  /** 意見の概要, written by staff. */
  summary: Generated<string>;
  /** 市の考え方. */
  answer: Generated<string>;
  /** 反映区分: reflect | included | future | not_reflected | other */
  reflection: string | null;
  /** Where the draft changed: the change, shown next to the opinion. */
  draft_change: Generated<string>;
  /** unanswered | drafted | submitted | approved | returned */
  answer_state: Generated<string>;
  /** The planning division's remark when it returned the answer. */
  return_remark: Generated<string>;
  lock_version: Generated<number>;
  approved_by: number | null;
  approved_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A grouping suggested by Kyoso, for staff to accept, change or refuse. */
export interface GroupSuggestionTable {
  id: Generated<number>;
  municipality_code: string;
  consultation_id: number;
  /** JSON number[] of opinion ids. */
  opinion_ids: string;
  /** Mean similarity within the suggestion, 0..1. */
  score: number;
  /** open | accepted | refused */
  state: Generated<string>;
  group_id: number | null;
  decided_by: number | null;
  decided_at: string | null;
  created_at: string;
}

/** A published result (append-only): the snapshot is what the public sees; a correction is a new row. */
export interface ConsultationPublicationTable {
  id: Generated<number>;
  municipality_code: string;
  consultation_id: number;
  /** 1 for the first publication, 2… for corrections. */
  seq: number;
  published_at: string;
  published_by: number | null;
  /** Why a correction was published (empty for the first). */
  correction_note: Generated<string>;
  /** JSON of the published result (counts and table); never holds personal data. */
  snapshot: string;
}

/** Mail to send. Without SMTP configured it stays here, and staff read it at /staff/outbox. */
export interface MailOutboxTable {
  id: Generated<number>;
  municipality_code: string;
  to_address: string;
  subject: string;
  body: string;
  related_type: Generated<string>;
  related_id: Generated<string>;
  created_at: string;
  sent_at: string | null;
  last_error: string | null;
  /** 0005: the claim of the sender sending it (mail-sender.ts), and its retries. */
  claimed_at: string | null;
  claim_token: string | null;
  attempts: Generated<number>;
  next_attempt_at: string | null;
}

export interface ConsultationTables {
  consultations: ConsultationTable;
  submissions: SubmissionTable;
  opinions: OpinionTable;
  opinion_groups: OpinionGroupTable;
  group_suggestions: GroupSuggestionTable;
  consultation_publications: ConsultationPublicationTable;
  mail_outbox: MailOutboxTable;
}
