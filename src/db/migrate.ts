import { type Kysely, type Migration, type MigrationResultSet, Migrator } from 'kysely';
import type { Db, Dialect } from './database.ts';
import { migration as m0001 } from './migrations/0001_plan.ts';
import { migration as m0002 } from './migrations/0002_accounts.ts';
import { migration as m0003 } from './migrations/0003_consultation.ts';
import { migration as m0004 } from './migrations/0004_triage_indexes.ts';
import { migration as m0005 } from './migrations/0005_mail_delivery.ts';
import { migration as m0006 } from './migrations/0006_kpi.ts';
import type { DualMigration } from './migrations/schema-helpers.ts';

/** Every migration, in order. Names are permanent: never rename one that has shipped. */
const MIGRATIONS: Record<string, DualMigration> = {
  '0001_plan': m0001,
  '0002_accounts': m0002,
  '0003_consultation': m0003,
  '0004_triage_indexes': m0004,
  '0005_mail_delivery': m0005,
  '0006_kpi': m0006,
};

/** The names of every migration this code knows, in order (a backup from a newer Kyoso has more). */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS);

function bind(m: DualMigration, dialect: Dialect): Migration {
  return {
    up: (db: Kysely<unknown>) => m.up(db, dialect),
    down: (db: Kysely<unknown>) => m.down(db, dialect),
  };
}

function migrator(db: Db): Migrator {
  return new Migrator({
    db: db.kysely,
    provider: {
      getMigrations: async () =>
        Object.fromEntries(Object.entries(MIGRATIONS).map(([name, m]) => [name, bind(m, db.dialect)])),
    },
  });
}

/** Applies all pending migrations; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<MigrationResultSet['results']> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return results;
}

/** Reverts every migration (tests use it to prove that down() works on both dialects). */
export async function migrateDownAll(db: Db): Promise<void> {
  const m = migrator(db);
  for (;;) {
    const { error, results } = await m.migrateDown();
    if (error) throw error;
    if (!results || results.length === 0) return;
  }
}
