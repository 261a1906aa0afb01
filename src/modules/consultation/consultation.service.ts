import type { Db } from '../../db/database.ts';
import type { ConsultationTable } from './consultation.table.ts';
import type { Consultation, ConsultationOverview, ConsultationPhase } from './consultation.types.ts';

/**
 * Reading consultations: the parts every side of public comment shares (the public pages, the staff
 * pages, the published result). Writes live with the side that makes them.
 */

type ConsultationRow = {
  [K in keyof ConsultationTable]: ConsultationTable[K] extends import('kysely').Generated<infer U>
    ? U
    : ConsultationTable[K];
};

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));

export function toConsultation(r: ConsultationRow): Consultation {
  return {
    id: r.id,
    municipalityCode: r.municipality_code,
    versionId: r.version_id,
    title: r.title,
    summary: r.summary,
    eligibility: r.eligibility,
    opensAt: iso(r.opens_at),
    closesAt: iso(r.closes_at),
    shortPeriodReason: r.short_period_reason,
    postalAddress: r.postal_address,
    faxNumber: r.fax_number,
    emailAddress: r.email_address,
    inPersonPlace: r.in_person_place,
    readingPlaces: r.reading_places,
    contact: r.contact,
    lockVersion: r.lock_version,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

/** Where the consultation stands at `now`: it opens and closes by itself at its times. */
export function phaseAt(
  c: Pick<Consultation, 'opensAt' | 'closesAt'>,
  now: Date,
  published: boolean,
): ConsultationPhase {
  if (published) return 'published';
  const t = now.getTime();
  if (t < Date.parse(c.opensAt)) return 'scheduled';
  if (t < Date.parse(c.closesAt)) return 'open';
  return 'closed';
}

/** Whether web submissions are accepted at `now`. */
export function isOpenAt(c: Pick<Consultation, 'opensAt' | 'closesAt'>, now: Date): boolean {
  const t = now.getTime();
  return t >= Date.parse(c.opensAt) && t < Date.parse(c.closesAt);
}

/** One consultation of the municipality, or null. */
export async function getConsultation(
  db: Db,
  municipalityCode: string,
  id: number,
): Promise<Consultation | null> {
  const r = await db.kysely
    .selectFrom('consultations')
    .selectAll()
    .where('municipality_code', '=', municipalityCode)
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? toConsultation(r) : null;
}

/** Every consultation of the municipality with its phase and counts, newest first (one query). */
export async function listConsultations(
  db: Db,
  municipalityCode: string,
  now: Date,
): Promise<ConsultationOverview[]> {
  const rows = await db.kysely
    .selectFrom('consultations as c')
    .selectAll('c')
    .select([
      (eb) =>
        eb
          .selectFrom('submissions as s')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('s.consultation_id', '=', 'c.id')
          .as('submission_count'),
      (eb) =>
        eb
          .selectFrom('opinions as o')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('o.consultation_id', '=', 'c.id')
          .where('o.split_from', 'is', null)
          .as('opinion_count'),
      (eb) =>
        eb
          .selectFrom('consultation_publications as p')
          .select((e) => e.fn.max('p.seq').as('m'))
          .whereRef('p.consultation_id', '=', 'c.id')
          .as('published_seq'),
      (eb) =>
        eb
          .selectFrom('consultation_publications as p')
          .select((e) => e.fn.max('p.published_at').as('m'))
          .whereRef('p.consultation_id', '=', 'c.id')
          .as('published_at'),
    ])
    .where('c.municipality_code', '=', municipalityCode)
    .orderBy('c.opens_at', 'desc')
    .orderBy('c.id', 'desc')
    .execute();
  return rows.map((r) => {
    const c = toConsultation(r);
    const publishedSeq = r.published_seq == null ? null : Number(r.published_seq);
    return {
      ...c,
      phase: phaseAt(c, now, publishedSeq !== null),
      submissionCount: Number(r.submission_count ?? 0),
      opinionCount: Number(r.opinion_count ?? 0),
      publishedSeq,
      publishedAt: r.published_at == null ? null : iso(r.published_at),
    };
  });
}

/** One consultation with its phase and counts, or null. */
export async function getConsultationOverview(
  db: Db,
  municipalityCode: string,
  id: number,
  now: Date,
): Promise<ConsultationOverview | null> {
  // The list is small (a city runs a handful a year); filter it rather than duplicate the query.
  const all = await listConsultations(db, municipalityCode, now);
  return all.find((c) => c.id === id) ?? null;
}
