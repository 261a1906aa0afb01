import { type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.ts';

/** A migration written once for both dialects; `dialect` selects the few places where they differ. */
export interface DualMigration {
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
  down(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}

/**
 * Adds an integer surrogate key. SQLite: INTEGER PRIMARY KEY AUTOINCREMENT; PostgreSQL: an identity
 * column (Kysely's autoIncrement() emits SERIAL-less SQL that PostgreSQL rejects).
 */
export function withId<T extends string>(
  table: CreateTableBuilder<T, never>,
  dialect: Dialect,
): CreateTableBuilder<T, 'id'> {
  return table.addColumn('id', 'integer', (c: ColumnDefinitionBuilder) =>
    dialect === 'postgres' ? c.generatedByDefaultAsIdentity().primaryKey() : c.primaryKey().autoIncrement(),
  );
}

/** Timestamp column type: ISO text on SQLite, timestamptz on PostgreSQL. */
export function timestampType(dialect: Dialect) {
  return dialect === 'postgres' ? sql`timestamptz` : sql`text`;
}
