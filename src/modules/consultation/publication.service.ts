import type { Db } from '../../db/database.ts';
import { graphemeLength } from '../../shared/text.ts';
import { type Action, can } from '../accounts/accounts.policy.ts';
import type { StaffUser } from '../accounts/accounts.types.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import { consultationMessages } from './consultation.messages.ts';
import { getConsultation } from './consultation.service.ts';
import {
  type AnswerState,
  EXCLUSION_REASONS,
  type ExclusionReason,
  REFLECTIONS,
  type Reflection,
} from './consultation.types.ts';

/**
 * The published result of a consultation (意見募集の結果): readiness (every accepted opinion is in a group
 * whose answer is approved, no opinion is left untriaged, the period is over), and publication, which
 * writes an append-only row holding a JSON snapshot. Every public view of the result (HTML, print, CSV,
 * xlsx, API) is served from that snapshot, never recomputed: later changes to answers publish nothing
 * until a correction (a new, dated publication with its note) is made. The snapshot holds no personal data
 * and no raw opinion text: the group's 意見の概要 is what is published.
 */

const ja = consultationMessages.ja;

/** A section of the draft as the result names it and the order it comes in. */
export interface Section {
  /** 「重点施策1 施策2 災害に強いまちづくり」, or 「計画全体」 for null. */
  label: string;
  /** Plan order (the whole plan first). */
  order: number[];
}

type NodeRow = {
  id: number;
  parent_id: number | null;
  kind: string;
  label: string;
  number: string;
  title: string;
  position: number;
};

/** Every node of the version as a section, by node id. */
export async function sectionsOfVersion(db: Db, versionId: number): Promise<Map<number, Section>> {
  const rows: NodeRow[] = await db.kysely
    .selectFrom('plan_nodes')
    .select(['id', 'parent_id', 'kind', 'label', 'number', 'title', 'position'])
    .where('version_id', '=', versionId)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out = new Map<number, Section>();
  for (const r of rows) {
    const chain: NodeRow[] = [];
    for (
      let n: NodeRow | undefined = r;
      n && chain.length < 20;
      n = n.parent_id ? byId.get(n.parent_id) : undefined
    )
      chain.unshift(n);
    const order = chain.map((n) => Number(n.position) + 1);
    const named = (n: NodeRow) => {
      if (n.kind === 'policy') return `${n.label}${n.number}`;
      if (n.kind === 'measure') return `${n.label || '施策'}${n.number}`;
      return '';
    };
    const prefix = chain
      .filter((n) => n !== r)
      .map(named)
      .filter((s) => s !== '');
    const own = named(r);
    const label = [...prefix, own ? `${own} ${r.title}` : r.title].join(' ');
    out.set(r.id, { label, order });
  }
  return out;
}

export const WHOLE_PLAN: Section = { label: ja['consultation.wholePlan'], order: [0] };

export function sectionOf(sections: ReadonlyMap<number, Section>, nodeId: number | null): Section {
  return nodeId === null ? WHOLE_PLAN : (sections.get(nodeId) ?? { label: '', order: [9999] });
}

export function compareOrder(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/** One row of the published table. */
export interface ResultRow {
  section: string;
  summary: string;
  answer: string;
  reflection: Reflection;
  /** The Japanese label of the 反映区分, as published. */
  reflectionLabel: string;
  draftChange: string;
  opinionCount: number;
}

/** What is published, as stored in consultation_publications.snapshot. */
export interface ResultSnapshot {
  format: 1;
  consultation: {
    id: number;
    title: string;
    versionLabel: string;
    documentTitle: string;
    opensAt: string;
    closesAt: string;
  };
  seq: number;
  publishedAt: string;
  correctionNote: string;
  counts: {
    /** 提出者数. */
    submissions: number;
    /** 意見数: every opinion received (parts of split ones, not the split originals). */
    opinions: number;
    /** Opinions answered in the table. */
    accepted: number;
    /** 反映数: accepted opinions in groups whose 反映区分 is 反映する. */
    reflected: number;
    excluded: number;
  };
  bySection: Array<{ section: string; opinions: number }>;
  byReflection: Array<{ reflection: Reflection; label: string; opinions: number; rows: number }>;
  excludedByReason: Array<{ reason: ExclusionReason; label: string; opinions: number }>;
  rows: ResultRow[];
}

/** Why the result cannot be published yet. */
export interface Readiness {
  ready: boolean;
  /** The period is not over. */
  stillOpen: boolean;
  /** Opinions still 未処理 (to accept or exclude first). */
  newOpinions: number;
  /** Accepted opinions in no group. */
  ungrouped: Array<{ id: number; section: string }>;
  /** Groups of accepted opinions whose answer is not approved. */
  unapproved: Array<{ id: number; section: string; summary: string; state: AnswerState }>;
  /** Groups of accepted opinions without a 意見の概要 (what the table publishes instead of the opinions). */
  noSummary: Array<{ id: number; section: string }>;
  /** Accepted opinions at all (nothing to publish when none, unless everything was excluded). */
  accepted: number;
}

/** Whether the consultation's result can be published now, and what blocks it. */
export async function getReadiness(
  db: Db,
  municipalityCode: string,
  consultationId: number,
  now: Date,
): Promise<Readiness | null> {
  const c = await getConsultation(db, municipalityCode, consultationId);
  if (!c) return null;
  const sections = await sectionsOfVersion(db, c.versionId);
  const states = await db.kysely
    .selectFrom('opinions')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('consultation_id', '=', consultationId)
    .groupBy('state')
    .execute();
  const count = (s: string) => Number(states.find((r) => r.state === s)?.n ?? 0);
  const ungroupedRows = await db.kysely
    .selectFrom('opinions')
    .select(['id', 'node_id'])
    .where('consultation_id', '=', consultationId)
    .where('state', '=', 'accepted')
    .where('group_id', 'is', null)
    .orderBy('id')
    .limit(200)
    .execute();
  const unapprovedRows = await db.kysely
    .selectFrom('opinion_groups as g')
    .select(['g.id', 'g.node_id', 'g.summary', 'g.answer_state'])
    .where('g.consultation_id', '=', consultationId)
    .where('g.answer_state', '!=', 'approved')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('opinions as o')
          .select('o.id')
          .whereRef('o.group_id', '=', 'g.id')
          .where('o.state', '=', 'accepted'),
      ),
    )
    .orderBy('g.id')
    .execute();
  const noSummaryRows = await db.kysely
    .selectFrom('opinion_groups as g')
    .select(['g.id', 'g.node_id', 'g.summary'])
    .where('g.consultation_id', '=', consultationId)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('opinions as o')
          .select('o.id')
          .whereRef('o.group_id', '=', 'g.id')
          .where('o.state', '=', 'accepted'),
      ),
    )
    .orderBy('g.id')
    .execute();
  const noSummary = noSummaryRows
    .filter((r) => r.summary.trim() === '')
    .map((r) => ({ id: r.id, section: sectionOf(sections, r.node_id).label }));
  const stillOpen = now.getTime() < Date.parse(c.closesAt);
  const newOpinions = count('new');
  const ungrouped = ungroupedRows.map((r) => ({ id: r.id, section: sectionOf(sections, r.node_id).label }));
  const unapproved = unapprovedRows.map((r) => ({
    id: r.id,
    section: sectionOf(sections, r.node_id).label,
    summary: r.summary,
    state: r.answer_state as AnswerState,
  }));
  return {
    ready:
      !stillOpen &&
      newOpinions === 0 &&
      ungrouped.length === 0 &&
      unapproved.length === 0 &&
      noSummary.length === 0,
    stillOpen,
    newOpinions,
    ungrouped,
    unapproved,
    noSummary,
    accepted: count('accepted'),
  };
}

/** The result as it would be published now (the preview; publication stores exactly this). */
export async function buildSnapshot(
  db: Db,
  municipalityCode: string,
  consultationId: number,
  meta: { seq: number; publishedAt: string; correctionNote: string },
): Promise<ResultSnapshot | null> {
  const c = await getConsultation(db, municipalityCode, consultationId);
  if (!c) return null;
  const version = await db.kysely
    .selectFrom('plan_versions')
    .select(['label', 'document_title'])
    .where('id', '=', c.versionId)
    .executeTakeFirst();
  const sections = await sectionsOfVersion(db, c.versionId);
  const submissions = await db.kysely
    .selectFrom('submissions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('consultation_id', '=', consultationId)
    .executeTakeFirstOrThrow();
  const opinionStates = await db.kysely
    .selectFrom('opinions')
    .select(['state', 'exclusion_reason', (eb) => eb.fn.countAll<number>().as('n')])
    .where('consultation_id', '=', consultationId)
    .where('state', '!=', 'split')
    .groupBy(['state', 'exclusion_reason'])
    .execute();
  const groups = await db.kysely
    .selectFrom('opinion_groups as g')
    .innerJoin('opinions as o', 'o.group_id', 'g.id')
    .select([
      'g.id',
      'g.node_id',
      'g.summary',
      'g.answer',
      'g.reflection',
      'g.draft_change',
      (eb) => eb.fn.countAll<number>().as('n'),
    ])
    .where('g.consultation_id', '=', consultationId)
    .where('o.state', '=', 'accepted')
    .groupBy(['g.id', 'g.node_id', 'g.summary', 'g.answer', 'g.reflection', 'g.draft_change'])
    .execute();

  const reflectionOf = (r: string | null): Reflection =>
    (REFLECTIONS as readonly string[]).includes(r ?? '') ? (r as Reflection) : 'other';
  const sorted = groups
    .map((g) => ({ g, s: sectionOf(sections, g.node_id), n: Number(g.n) }))
    .sort((a, b) => compareOrder(a.s.order, b.s.order) || a.g.id - b.g.id);
  const rows: ResultRow[] = sorted.map(({ g, s, n }) => {
    const reflection = reflectionOf(g.reflection);
    return {
      section: s.label,
      summary: g.summary,
      answer: g.answer,
      reflection,
      reflectionLabel: ja[`consultation.reflection.${reflection}`],
      draftChange: g.draft_change,
      opinionCount: n,
    };
  });
  const bySection: ResultSnapshot['bySection'] = [];
  for (const { s, n } of sorted) {
    const last = bySection.at(-1);
    if (last && last.section === s.label) last.opinions += n;
    else bySection.push({ section: s.label, opinions: n });
  }
  const byReflection = REFLECTIONS.map((reflection) => ({
    reflection,
    label: ja[`consultation.reflection.${reflection}`],
    opinions: rows.filter((r) => r.reflection === reflection).reduce((a, r) => a + r.opinionCount, 0),
    rows: rows.filter((r) => r.reflection === reflection).length,
  }));
  const excludedByReason = EXCLUSION_REASONS.map((reason) => ({
    reason,
    label: ja[`consultation.exclusion.${reason}`],
    opinions: opinionStates
      .filter((r) => r.state === 'excluded' && (r.exclusion_reason ?? 'other') === reason)
      .reduce((a, r) => a + Number(r.n), 0),
  }));
  const sum = (state: string) =>
    opinionStates.filter((r) => r.state === state).reduce((a, r) => a + Number(r.n), 0);
  return {
    format: 1,
    consultation: {
      id: c.id,
      title: c.title,
      versionLabel: version?.label ?? '',
      documentTitle: version?.document_title ?? '',
      opensAt: c.opensAt,
      closesAt: c.closesAt,
    },
    seq: meta.seq,
    publishedAt: meta.publishedAt,
    correctionNote: meta.correctionNote,
    counts: {
      submissions: Number(submissions.n),
      opinions: opinionStates.reduce((a, r) => a + Number(r.n), 0),
      accepted: rows.reduce((a, r) => a + r.opinionCount, 0),
      reflected: byReflection.find((r) => r.reflection === 'reflect')?.opinions ?? 0,
      excluded: sum('excluded'),
    },
    bySection,
    byReflection,
    excludedByReason,
    rows,
  };
}

/** A publication as listed: its number, date and correction note. */
export interface PublicationRef {
  seq: number;
  publishedAt: string;
  correctionNote: string;
}

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));

/** Every publication of the consultation, oldest first. */
export async function listPublications(
  db: Db,
  municipalityCode: string,
  consultationId: number,
): Promise<PublicationRef[]> {
  const rows = await db.kysely
    .selectFrom('consultation_publications')
    .select(['seq', 'published_at', 'correction_note'])
    .where('municipality_code', '=', municipalityCode)
    .where('consultation_id', '=', consultationId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    publishedAt: iso(r.published_at),
    correctionNote: r.correction_note,
  }));
}

/** The snapshot of a publication (the latest when `seq` is omitted), or null when there is none. */
export async function getPublishedResult(
  db: Db,
  municipalityCode: string,
  consultationId: number,
  seq?: number,
): Promise<ResultSnapshot | null> {
  let q = db.kysely
    .selectFrom('consultation_publications')
    .select(['snapshot'])
    .where('municipality_code', '=', municipalityCode)
    .where('consultation_id', '=', consultationId);
  q = seq === undefined ? q.orderBy('seq', 'desc').limit(1) : q.where('seq', '=', seq);
  const r = await q.executeTakeFirst();
  return r ? (JSON.parse(r.snapshot) as ResultSnapshot) : null;
}

export const CORRECTION_NOTE_MAX_CHARS = 2000;

export type PublishResult =
  | { status: 'published'; seq: number }
  | { status: 'notFound' }
  | { status: 'forbidden' }
  | { status: 'notReady'; readiness: Readiness }
  /** A correction (seq > 1) needs its note; or the note is not acceptable text. */
  | { status: 'noteRequired' }
  | { status: 'noteInvalid' }
  /** Someone published in the meantime (the form showed an older publication number). */
  | { status: 'conflict'; seq: number };

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are refused
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * Publishes the result: checks the right and readiness, writes publication `expectedSeq` (1, or n+1 for a
 * correction, which needs a note) with its snapshot, and audits, in one transaction.
 */
export async function publishResult(
  db: Db,
  input: {
    municipalityCode: string;
    consultationId: number;
    /** The publication number the form offered (the latest + 1 when it was shown). */
    expectedSeq: number;
    correctionNote: unknown;
    user: StaffUser;
    actor: AuditActor;
    now: Date;
  },
): Promise<PublishResult> {
  const publish: Action = 'publish';
  if (!can(input.user, publish, { type: 'consultation' })) return { status: 'forbidden' };
  const c = await getConsultation(db, input.municipalityCode, input.consultationId);
  if (!c) return { status: 'notFound' };
  const note =
    typeof input.correctionNote === 'string' ? input.correctionNote.replace(/\r\n?/g, '\n').trim() : '';
  if (input.correctionNote !== undefined && typeof input.correctionNote !== 'string')
    return { status: 'noteInvalid' };
  if (CONTROL.test(note) || graphemeLength(note) > CORRECTION_NOTE_MAX_CHARS)
    return { status: 'noteInvalid' };
  const at = input.now.toISOString();
  try {
    return await db.kysely.transaction().execute(async (trx) => {
      if (db.dialect === 'postgres') {
        await trx.selectFrom('consultations').select('id').where('id', '=', c.id).forUpdate().execute();
      }
      const last = await trx
        .selectFrom('consultation_publications')
        .select((eb) => eb.fn.max('seq').as('m'))
        .where('consultation_id', '=', c.id)
        .executeTakeFirst();
      const seq = Number(last?.m ?? 0) + 1;
      if (seq !== input.expectedSeq) return { status: 'conflict', seq: seq - 1 } as const;
      if (seq > 1 && note === '') return { status: 'noteRequired' } as const;
      // Readiness and snapshot read through the transaction's connection on PostgreSQL (row lock above);
      // on SQLite the write transaction serialises everything.
      const tdb: Db = { ...db, kysely: trx };
      const readiness = await getReadiness(tdb, input.municipalityCode, c.id, input.now);
      if (!readiness?.ready) return { status: 'notReady', readiness: readiness! } as const;
      const snapshot = await buildSnapshot(tdb, input.municipalityCode, c.id, {
        seq,
        publishedAt: at,
        correctionNote: seq > 1 ? note : '',
      });
      await trx
        .insertInto('consultation_publications')
        .values({
          municipality_code: input.municipalityCode,
          consultation_id: c.id,
          seq,
          published_at: at,
          published_by: input.user.id,
          correction_note: seq > 1 ? note : '',
          snapshot: JSON.stringify(snapshot),
        })
        .execute();
      await recordAudit(trx, {
        municipalityCode: input.municipalityCode,
        actor: input.actor,
        action: seq > 1 ? 'consultation.result.correct' : 'consultation.result.publish',
        resourceType: 'consultation',
        resourceId: c.id,
        before: null,
        after: {
          seq,
          correctionNote: seq > 1 ? note : '',
          rows: snapshot!.rows.length,
          counts: snapshot!.counts,
        },
        at,
      });
      return { status: 'published', seq } as const;
    });
  } catch (e) {
    // Two planners publishing the same number at once: the unique (consultation, seq) refuses the second.
    const m = String((e as Error)?.message ?? '');
    if (/unique|duplicate/i.test(m)) return { status: 'conflict', seq: input.expectedSeq };
    throw e;
  }
}
