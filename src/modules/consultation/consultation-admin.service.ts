import type { Db } from '../../db/database.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import type { ConsultationInput } from './consultation.schema.ts';
import { getConsultation, toConsultation } from './consultation.service.ts';
import type { Consultation, OpinionState } from './consultation.types.ts';

/**
 * Planners create and change consultations. Each write is audited in its own transaction; a change made
 * from an outdated form (someone saved in between) is refused and writes nothing.
 */

/** A plan version a consultation may be about, newest first. */
export interface VersionOption {
  id: number;
  label: string;
  state: string;
  planTitle: string;
}

/** The municipality's plan versions, newest first (the form's default is the first). */
export async function listVersionOptions(db: Db, municipalityCode: string): Promise<VersionOption[]> {
  const rows = await db.kysely
    .selectFrom('plan_versions as v')
    .innerJoin('plans as p', 'p.id', 'v.plan_id')
    .select(['v.id', 'v.label', 'v.state', 'p.title as plan_title'])
    .where('v.municipality_code', '=', municipalityCode)
    .orderBy('v.id', 'desc')
    .execute();
  return rows.map((r) => ({ id: r.id, label: r.label, state: r.state, planTitle: r.plan_title }));
}

/** The consultation's settings as the audit log records them. */
function auditView(c: ConsultationInput | Consultation) {
  return {
    title: c.title,
    summary: c.summary,
    versionId: c.versionId,
    eligibility: c.eligibility,
    opensAt: c.opensAt,
    closesAt: c.closesAt,
    shortPeriodReason: c.shortPeriodReason,
    postalAddress: c.postalAddress,
    faxNumber: c.faxNumber,
    emailAddress: c.emailAddress,
    inPersonPlace: c.inPersonPlace,
    readingPlaces: c.readingPlaces,
    contact: c.contact,
  };
}

function columns(input: ConsultationInput) {
  return {
    version_id: input.versionId,
    title: input.title,
    summary: input.summary,
    eligibility: input.eligibility,
    opens_at: input.opensAt,
    closes_at: input.closesAt,
    short_period_reason: input.shortPeriodReason,
    postal_address: input.postalAddress,
    fax_number: input.faxNumber,
    email_address: input.emailAddress,
    in_person_place: input.inPersonPlace,
    reading_places: input.readingPlaces,
    contact: input.contact,
  };
}

/** Creates a consultation with its audit entry; returns it. */
export async function createConsultation(
  db: Db,
  input: { municipalityCode: string; value: ConsultationInput; actor: AuditActor; now: Date },
): Promise<Consultation> {
  const at = input.now.toISOString();
  return db.kysely.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('consultations')
      .values({
        municipality_code: input.municipalityCode,
        ...columns(input.value),
        created_by: input.actor.userId,
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const c = toConsultation(row);
    await recordAudit(trx, {
      municipalityCode: input.municipalityCode,
      actor: input.actor,
      action: 'consultation.create',
      resourceType: 'consultation',
      resourceId: c.id,
      before: null,
      after: auditView(c),
      at,
    });
    return c;
  });
}

export type UpdateConsultationResult =
  | { status: 'saved' | 'unchanged'; consultation: Consultation }
  /** Someone saved since the form was shown: nothing was written. */
  | { status: 'conflict'; current: Consultation }
  | { status: 'not_found' };

/** Saves the consultation's settings if `lockVersion` is still its version; audited. */
export async function updateConsultation(
  db: Db,
  input: {
    municipalityCode: string;
    id: number;
    lockVersion: number;
    value: ConsultationInput;
    actor: AuditActor;
    now: Date;
  },
): Promise<UpdateConsultationResult> {
  const at = input.now.toISOString();
  return db.kysely.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('consultations')
      .selectAll()
      .where('municipality_code', '=', input.municipalityCode)
      .where('id', '=', input.id)
      .executeTakeFirst();
    if (!before) return { status: 'not_found' } as const;
    const current = toConsultation(before);
    if (current.lockVersion !== input.lockVersion) return { status: 'conflict', current } as const;
    const b = auditView(current);
    const a = auditView(input.value);
    if (JSON.stringify(b) === JSON.stringify(a))
      return { status: 'unchanged', consultation: current } as const;
    const row = await trx
      .updateTable('consultations')
      .set({ ...columns(input.value), lock_version: input.lockVersion + 1, updated_at: at })
      .where('id', '=', input.id)
      .where('lock_version', '=', input.lockVersion)
      .returningAll()
      .executeTakeFirst();
    if (!row) {
      const again = await getConsultation(db, input.municipalityCode, input.id);
      return again ? ({ status: 'conflict', current: again } as const) : ({ status: 'not_found' } as const);
    }
    await recordAudit(trx, {
      municipalityCode: input.municipalityCode,
      actor: input.actor,
      action: 'consultation.update',
      resourceType: 'consultation',
      resourceId: input.id,
      before: b,
      after: a,
      at,
    });
    return { status: 'saved', consultation: toConsultation(row) } as const;
  });
}

/** How many opinions of the consultation are in each triage state, and how many are grouped. */
export async function opinionStateCounts(
  db: Db,
  consultationId: number,
): Promise<{ byState: Record<OpinionState, number>; grouped: number; submissions: number }> {
  const rows = await db.kysely
    .selectFrom('opinions')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('consultation_id', '=', consultationId)
    .groupBy('state')
    .execute();
  const byState: Record<OpinionState, number> = { new: 0, accepted: 0, excluded: 0, split: 0 };
  for (const r of rows) if (r.state in byState) byState[r.state as OpinionState] = Number(r.n);
  const [g, s] = await Promise.all([
    db.kysely
      .selectFrom('opinions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('consultation_id', '=', consultationId)
      .where('group_id', 'is not', null)
      .executeTakeFirstOrThrow(),
    db.kysely
      .selectFrom('submissions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('consultation_id', '=', consultationId)
      .executeTakeFirstOrThrow(),
  ]);
  return { byState, grouped: Number(g.n), submissions: Number(s.n) };
}
