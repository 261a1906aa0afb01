/** Domain vocabulary of public comment (パブリックコメント). Labels live in consultation.messages.ts. */

/** 市内在住 / 市内在勤 / 市内在学 / 市内に事業所等 / その他 (with a reason). */
export const CATEGORIES = ['resident', 'worker', 'student', 'business', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

/** How a submission arrived. Oral and telephone opinions are not accepted (domain.md). */
export const CHANNELS = ['web', 'post', 'fax', 'email', 'in_person'] as const;
export type Channel = (typeof CHANNELS)[number];
/** The channels staff enter on the submitter's behalf. */
export const STAFF_CHANNELS = ['post', 'fax', 'email', 'in_person'] as const satisfies readonly Channel[];

/** An opinion's triage state. */
export const OPINION_STATES = ['new', 'accepted', 'excluded', 'split'] as const;
export type OpinionState = (typeof OPINION_STATES)[number];

/** Why an opinion is not published: 賛否のみ / 案と関係がない / 氏名・住所の記載がない / その他. */
export const EXCLUSION_REASONS = ['stance_only', 'off_topic', 'no_identity', 'other'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/** 反映区分: 反映する / 既に盛り込み済み / 今後の参考とする / 反映しない / その他. */
export const REFLECTIONS = ['reflect', 'included', 'future', 'not_reflected', 'other'] as const;
export type Reflection = (typeof REFLECTIONS)[number];

/** The answer workflow of a group: drafted by the department, approved or returned by the planning division. */
export const ANSWER_STATES = ['unanswered', 'drafted', 'submitted', 'approved', 'returned'] as const;
export type AnswerState = (typeof ANSWER_STATES)[number];

/** Where a consultation stands, from its times and publications. */
export type ConsultationPhase = 'scheduled' | 'open' | 'closed' | 'published';

/** The longest opinion, in characters as Japanese readers count them (grapheme clusters). */
export const OPINION_MAX_CHARS = 2000;
/** The most opinions in one submission. */
export const MAX_OPINIONS_PER_SUBMISSION = 20;
/** A period shorter than this needs an explicit reason. */
export const STANDARD_PERIOD_DAYS = 30;

export interface Consultation {
  id: number;
  municipalityCode: string;
  versionId: number;
  title: string;
  summary: string;
  eligibility: string;
  /** UTC ISO instants. */
  opensAt: string;
  closesAt: string;
  shortPeriodReason: string | null;
  postalAddress: string;
  faxNumber: string;
  emailAddress: string;
  inPersonPlace: string;
  readingPlaces: string;
  contact: string;
  lockVersion: number;
  createdAt: string;
  updatedAt: string;
}

/** A consultation with where it stands and the public counts. */
export interface ConsultationOverview extends Consultation {
  phase: ConsultationPhase;
  submissionCount: number;
  opinionCount: number;
  /** The latest publication's number (1 = first), or null. */
  publishedSeq: number | null;
  publishedAt: string | null;
}
