import { BUNDLED_PLAN_FILE, type Config } from './config.ts';
import { type OpenOptions, openDatabase } from './db/connection.ts';
import type { Db } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { loadSampleKpi, type SampleCounts } from './modules/kpi/kpi.sample.ts';
import { importPlanFile } from './modules/plan/import/import-file.ts';
import { latestPlanTitle } from './modules/plan/plan.service.ts';

/** The bundled plan's identity: Sanyo-Onoda City, 第二次総合計画 中期基本計画 (FY2022–2025). */
export const BUNDLED_PLAN = {
  municipality: '352161',
  municipalityName: '山陽小野田市',
  planTitle: '第二次山陽小野田市総合計画 中期基本計画',
  periodStartFy: 2022,
  periodEndFy: 2025,
} as const;

/**
 * Opens the database and applies pending migrations. With `statementTimeoutMs` (the web server), the
 * migrations run on a connection without it (building an index on a large table may take longer), and
 * the database returned has it.
 */
export async function openAndMigrate(
  config: Pick<Config, 'databaseUrl'>,
  options: Pick<OpenOptions, 'statementTimeoutMs'> = {},
): Promise<Db> {
  const db = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  if (!options.statementTimeoutMs || db.dialect !== 'postgres') return db;
  await db.close();
  return openDatabase(config.databaseUrl, options);
}

/**
 * On first start (no plan for the configured municipality) imports the bundled Sanyo-Onoda draft.
 * Returns true when it imported.
 */
export async function seedIfEmpty(db: Db, config: Pick<Config, 'municipality' | 'seed'>): Promise<boolean> {
  if (!config.seed || config.municipality !== BUNDLED_PLAN.municipality) return false;
  if ((await latestPlanTitle(db, config.municipality)) !== null) return false;
  await importPlanFile(db, BUNDLED_PLAN_FILE, {
    municipality: BUNDLED_PLAN.municipality,
    municipalityName: BUNDLED_PLAN.municipalityName,
    planTitle: BUNDLED_PLAN.planTitle,
    periodStartFy: BUNDLED_PLAN.periodStartFy,
    periodEndFy: BUNDLED_PLAN.periodEndFy,
  });
  return true;
}

/**
 * Right after the first-start import of the bundled plan (seedIfEmpty returned true): the labelled sample
 * indicators (サンプル値), unless KYOSO_SAMPLE_KPI=off. Only then: once a planner has removed them, a
 * restart does not bring them back. Returns what was loaded, or null when the setting is off.
 */
export async function loadSampleOnFirstStart(
  db: Db,
  config: Pick<Config, 'municipality' | 'sampleKpi'>,
  at: Date = new Date(),
): Promise<SampleCounts | null> {
  if (!config.sampleKpi) return null;
  return loadSampleKpi(db, { municipalityCode: config.municipality, at });
}
