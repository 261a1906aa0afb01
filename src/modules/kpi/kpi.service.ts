import type { Transaction } from 'kysely';
import type { Database, Db } from '../../db/database.ts';
import {
  achievementOf,
  gradeRuleProblems,
  projectionOf,
  type Standing,
  standingOf,
  trendOf,
  yearlyTargets,
} from './kpi.math.ts';
import * as repo from './kpi.repository.ts';
import {
  type Actual,
  type ActualStatus,
  DEFAULT_GRADE_RULES,
  type GradeRule,
  type Indicator,
  type IndicatorStatus,
} from './kpi.types.ts';

/** Reads and the one write path of actuals. Computations are kpi.math.ts; SQL is kpi.repository.ts. */

export type KpiStatus = IndicatorStatus & { standing: Standing };

/** The city's grading rules, or the usual A/B/C/D when it has set none. */
export async function getGradeRules(kx: Db['kysely'] | Transaction<Database>, municipalityCode: string) {
  const json = await repo.selectGradeRulesJson(kx, municipalityCode);
  if (!json) return [...DEFAULT_GRADE_RULES];
  try {
    const rules = JSON.parse(json) as GradeRule[];
    return gradeRuleProblems(rules).length === 0 ? rules : [...DEFAULT_GRADE_RULES];
  } catch {
    return [...DEFAULT_GRADE_RULES];
  }
}

/** Everything shown about one indicator, from its rows. */
export function statusOf(
  indicator: Indicator,
  actuals: Actual[],
  explicitTargets: ReadonlyArray<{ fiscalYear: number; value: number }>,
  rules: readonly GradeRule[],
): KpiStatus {
  const targets = yearlyTargets(indicator, explicitTargets);
  const latest = actuals.length ? (actuals[actuals.length - 1] as Actual) : null;
  const achievement = latest ? achievementOf(indicator, targets, latest, rules) : null;
  const projection = projectionOf(indicator, actuals);
  return {
    indicator,
    actuals,
    targets,
    latest,
    achievement,
    trend: trendOf(indicator, actuals),
    projection,
    standing: standingOf(achievement, projection),
  };
}

export interface KpiBoard {
  rules: GradeRule[];
  statuses: KpiStatus[];
}

/**
 * The indicators matching the filter with their targets, actuals and computed status: four queries
 * whatever the number of indicators (a test counts them).
 */
export async function loadKpiBoard(db: Db, filter: repo.IndicatorFilter): Promise<KpiBoard> {
  const rules = await getGradeRules(db.kysely, filter.municipalityCode);
  const indicators = await repo.selectIndicators(db.kysely, filter);
  const ids = indicators.map((i) => i.id);
  const targets = await repo.selectTargets(db.kysely, filter.municipalityCode, ids);
  const actuals = await repo.selectActuals(db.kysely, filter.municipalityCode, ids);
  return {
    rules,
    statuses: indicators.map((i) => statusOf(i, actuals.get(i.id) ?? [], targets.get(i.id) ?? [], rules)),
  };
}

export async function getIndicator(db: Db, municipalityCode: string, id: number) {
  return repo.selectIndicator(db.kysely, municipalityCode, id);
}

export interface ActualWrite {
  municipalityCode: string;
  indicatorId: number;
  fiscalYear: number;
  value: number;
  status: ActualStatus;
  note: string;
  /**
   * The version the writer saw: null = it saw no value (creating); 'any' = overwrite whatever is there
   * (only for loading sample data). A mismatch is a conflict and nothing is written.
   */
  expectedVersion: number | null | 'any';
  actor: { userId: number | null; name: string };
  via: 'form' | 'upload' | 'sample' | 'import';
  importId?: number | null;
  isSample?: boolean;
  at: Date;
}

export type ActualWriteResult =
  | { ok: true; actual: Actual; changed: boolean }
  | { ok: false; conflict: true; current: Actual | null };

/**
 * Creates or changes the actual of one indicator and year, inside the caller's transaction, and appends
 * the change to the history. Optimistic locking: the UPDATE names the version the writer saw, an INSERT
 * yields to a row created meanwhile (ON CONFLICT DO NOTHING); either way the loser gets the current value
 * and writes nothing. Saving the same value, status and note again changes nothing and adds no history.
 */
export async function writeActual(trx: Transaction<Database>, w: ActualWrite): Promise<ActualWriteResult> {
  const at = w.at.toISOString();
  const sample = w.isSample ? 1 : 0;
  const current = await repo.selectActual(trx, w.municipalityCode, w.indicatorId, w.fiscalYear);
  const history = (change: 'create' | 'update', version: number) =>
    trx
      .insertInto('indicator_actual_history')
      .values({
        municipality_code: w.municipalityCode,
        indicator_id: w.indicatorId,
        fiscal_year: w.fiscalYear,
        change,
        value: w.value,
        status: w.status,
        note: w.note,
        version,
        via: w.via,
        import_id: w.importId ?? null,
        entered_by: w.actor.userId,
        entered_by_name: w.actor.name,
        entered_at: at,
        is_sample: sample,
      })
      .execute();

  if (!current) {
    if (w.expectedVersion !== null && w.expectedVersion !== 'any')
      return { ok: false, conflict: true, current };
    const inserted = await trx
      .insertInto('indicator_actuals')
      .values({
        municipality_code: w.municipalityCode,
        indicator_id: w.indicatorId,
        fiscal_year: w.fiscalYear,
        value: w.value,
        status: w.status,
        note: w.note,
        entered_by: w.actor.userId,
        entered_by_name: w.actor.name,
        entered_at: at,
        is_sample: sample,
        lock_version: 1,
      })
      .onConflict((oc) => oc.columns(['indicator_id', 'fiscal_year']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) {
      return {
        ok: false,
        conflict: true,
        current: await repo.selectActual(trx, w.municipalityCode, w.indicatorId, w.fiscalYear),
      };
    }
    await history('create', 1);
    const actual = await repo.selectActual(trx, w.municipalityCode, w.indicatorId, w.fiscalYear);
    return { ok: true, actual: actual as Actual, changed: true };
  }

  if (w.expectedVersion !== 'any' && w.expectedVersion !== current.lockVersion) {
    return { ok: false, conflict: true, current };
  }
  if (
    current.value === w.value &&
    current.status === w.status &&
    current.note === w.note &&
    current.isSample === Boolean(w.isSample)
  ) {
    return { ok: true, actual: current, changed: false };
  }
  const res = await trx
    .updateTable('indicator_actuals')
    .set({
      value: w.value,
      status: w.status,
      note: w.note,
      entered_by: w.actor.userId,
      entered_by_name: w.actor.name,
      entered_at: at,
      is_sample: sample,
      lock_version: current.lockVersion + 1,
    })
    .where('id', '=', current.id)
    .where('lock_version', '=', current.lockVersion)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) {
    return {
      ok: false,
      conflict: true,
      current: await repo.selectActual(trx, w.municipalityCode, w.indicatorId, w.fiscalYear),
    };
  }
  await history('update', current.lockVersion + 1);
  const actual = await repo.selectActual(trx, w.municipalityCode, w.indicatorId, w.fiscalYear);
  return { ok: true, actual: actual as Actual, changed: true };
}

/** Removes an actual entered by mistake (history keeps it, with a delete entry). Same locking. */
export async function deleteActual(
  trx: Transaction<Database>,
  w: Pick<ActualWrite, 'municipalityCode' | 'indicatorId' | 'fiscalYear' | 'actor' | 'via' | 'at'> & {
    expectedVersion: number;
  },
): Promise<{ ok: true } | { ok: false; conflict: true; current: Actual | null }> {
  const current = await repo.selectActual(trx, w.municipalityCode, w.indicatorId, w.fiscalYear);
  if (!current || current.lockVersion !== w.expectedVersion) return { ok: false, conflict: true, current };
  const res = await trx
    .deleteFrom('indicator_actuals')
    .where('id', '=', current.id)
    .where('lock_version', '=', current.lockVersion)
    .executeTakeFirst();
  if (Number(res.numDeletedRows) !== 1) {
    return {
      ok: false,
      conflict: true,
      current: await repo.selectActual(trx, w.municipalityCode, w.indicatorId, w.fiscalYear),
    };
  }
  await trx
    .insertInto('indicator_actual_history')
    .values({
      municipality_code: w.municipalityCode,
      indicator_id: w.indicatorId,
      fiscal_year: w.fiscalYear,
      change: 'delete',
      value: null,
      status: null,
      note: '',
      version: current.lockVersion,
      via: w.via,
      import_id: null,
      entered_by: w.actor.userId,
      entered_by_name: w.actor.name,
      entered_at: w.at.toISOString(),
      is_sample: current.isSample ? 1 : 0,
    })
    .execute();
  return { ok: true };
}
