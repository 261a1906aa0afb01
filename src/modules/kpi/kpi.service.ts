import { sql, type Transaction } from 'kysely';
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
 * whatever the number of indicators (a test counts them), and one when there are none (the indicators are
 * read first; the plan's pages ask for every measure, and most have none yet).
 */
export async function loadKpiBoard(db: Db, filter: repo.IndicatorFilter): Promise<KpiBoard> {
  const indicators = await repo.selectIndicators(db.kysely, filter);
  if (indicators.length === 0) return { rules: [...DEFAULT_GRADE_RULES], statuses: [] };
  const rules = await getGradeRules(db.kysely, filter.municipalityCode);
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

/**
 * writeActual for many actuals at once (an upload of thousands of rows), inside the caller's transaction,
 * with the same rules: optimistic locking on each row (the version the writer saw; null = it saw none),
 * unchanged values written nowhere and given no history, every change appended to the history. Set-based
 * where it can be (one read of the current values, one INSERT of the new actuals, one INSERT of the history
 * per 500 rows; one UPDATE per changed row), so 5,000 rows take about a quarter of the round trips of
 * 5,000 writeActual calls. Stops at the first conflict and returns it: the caller rolls back.
 */
export async function writeActualsBatch(
  trx: Transaction<Database>,
  writes: readonly ActualWrite[],
): Promise<
  { ok: true; changed: number } | { ok: false; conflict: true; index: number; current: Actual | null }
> {
  let changed = 0;
  const CHUNK = 500;
  for (let start = 0; start < writes.length; start += CHUNK) {
    const chunk = writes.slice(start, start + CHUNK);
    const muni = chunk[0]?.municipalityCode as string;
    const currentMap = await repo.selectActuals(trx, muni, [...new Set(chunk.map((w) => w.indicatorId))]);
    const currentOf = (w: ActualWrite) =>
      currentMap.get(w.indicatorId)?.find((a) => a.fiscalYear === w.fiscalYear) ?? null;
    const creates: number[] = [];
    const updates: Array<{ i: number; current: Actual }> = [];
    for (let k = 0; k < chunk.length; k++) {
      const w = chunk[k] as ActualWrite;
      const current = currentOf(w);
      if (!current) {
        if (w.expectedVersion !== null && w.expectedVersion !== 'any')
          return { ok: false, conflict: true, index: start + k, current: null };
        creates.push(k);
        continue;
      }
      if (w.expectedVersion !== 'any' && w.expectedVersion !== current.lockVersion)
        return { ok: false, conflict: true, index: start + k, current };
      if (
        current.value === w.value &&
        current.status === w.status &&
        current.note === w.note &&
        current.isSample === Boolean(w.isSample)
      )
        continue;
      updates.push({ i: k, current });
    }
    const row = (w: ActualWrite) => ({
      municipality_code: w.municipalityCode,
      indicator_id: w.indicatorId,
      fiscal_year: w.fiscalYear,
      value: w.value,
      status: w.status,
      note: w.note,
      entered_by: w.actor.userId,
      entered_by_name: w.actor.name,
      entered_at: w.at.toISOString(),
      is_sample: w.isSample ? 1 : 0,
    });
    if (creates.length > 0) {
      const inserted = await trx
        .insertInto('indicator_actuals')
        .values(creates.map((k) => ({ ...row(chunk[k] as ActualWrite), lock_version: 1 })))
        .onConflict((oc) => oc.columns(['indicator_id', 'fiscal_year']).doNothing())
        .returning(['indicator_id', 'fiscal_year'])
        .execute();
      if (inserted.length !== creates.length) {
        const got = new Set(inserted.map((r) => `${Number(r.indicator_id)}:${Number(r.fiscal_year)}`));
        const lost = creates.find((k) => {
          const w = chunk[k] as ActualWrite;
          return !got.has(`${w.indicatorId}:${w.fiscalYear}`);
        }) as number;
        const w = chunk[lost] as ActualWrite;
        return {
          ok: false,
          conflict: true,
          index: start + lost,
          current: await repo.selectActual(trx, w.municipalityCode, w.indicatorId, w.fiscalYear),
        };
      }
    }
    const first = chunk[0] as ActualWrite;
    const sameActor = chunk.every(
      (w) =>
        w.actor.userId === first.actor.userId &&
        w.actor.name === first.actor.name &&
        w.at.getTime() === first.at.getTime(),
    );
    if (updates.length > 0 && sameActor) {
      // One UPDATE … FROM (VALUES …) for the chunk (SQLite ≥ 3.33 and PostgreSQL), each row still guarded
      // by the version it was read with.
      const values = sql.join(
        updates.map((u) => {
          const w = chunk[u.i] as ActualWrite;
          return sql`(cast(${u.current.id} as integer), cast(${u.current.lockVersion} as integer), cast(${w.value} as double precision), cast(${w.status} as text), cast(${w.note} as text), cast(${w.isSample ? 1 : 0} as integer))`;
        }),
      );
      const res = await sql<{
        id: number;
      }>`update indicator_actuals as a set value = v.column3, status = v.column4, note = v.column5, is_sample = v.column6, entered_by = ${first.actor.userId}, entered_by_name = ${first.actor.name}, entered_at = ${first.at.toISOString()}, lock_version = a.lock_version + 1 from (values ${values}) as v where a.id = v.column1 and a.lock_version = v.column2 returning id`.execute(
        trx,
      );
      if (res.rows.length !== updates.length) {
        const got = new Set(res.rows.map((r) => Number(r.id)));
        const lost = updates.find((u) => !got.has(u.current.id)) as (typeof updates)[number];
        const w = chunk[lost.i] as ActualWrite;
        return {
          ok: false,
          conflict: true,
          index: start + lost.i,
          current: await repo.selectActual(trx, w.municipalityCode, w.indicatorId, w.fiscalYear),
        };
      }
    } else
      for (const u of updates) {
        const w = chunk[u.i] as ActualWrite;
        const { municipality_code: _m, indicator_id: _i, fiscal_year: _f, ...set } = row(w);
        const res = await trx
          .updateTable('indicator_actuals')
          .set({ ...set, lock_version: u.current.lockVersion + 1 })
          .where('id', '=', u.current.id)
          .where('lock_version', '=', u.current.lockVersion)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) {
          return {
            ok: false,
            conflict: true,
            index: start + u.i,
            current: await repo.selectActual(trx, w.municipalityCode, w.indicatorId, w.fiscalYear),
          };
        }
      }
    const history = [
      ...creates.map((k) => ({ k, change: 'create' as const, version: 1 })),
      ...updates.map((u) => ({ k: u.i, change: 'update' as const, version: u.current.lockVersion + 1 })),
    ].sort((a, b) => a.k - b.k);
    if (history.length > 0) {
      await trx
        .insertInto('indicator_actual_history')
        .values(
          history.map((h) => {
            const w = chunk[h.k] as ActualWrite;
            return {
              municipality_code: w.municipalityCode,
              indicator_id: w.indicatorId,
              fiscal_year: w.fiscalYear,
              change: h.change,
              value: w.value,
              status: w.status,
              note: w.note,
              version: h.version,
              via: w.via,
              import_id: w.importId ?? null,
              entered_by: w.actor.userId,
              entered_by_name: w.actor.name,
              entered_at: w.at.toISOString(),
              is_sample: w.isSample ? 1 : 0,
            };
          }),
        )
        .execute();
    }
    changed += history.length;
  }
  return { ok: true, changed };
}
