import { type Kysely, sql } from 'kysely';
import { type DualMigration, timestampType, withId } from './schema-helpers.ts';

/**
 * Indicators (目標指標) and their actuals (実績値), ADR 0006.
 * - indicators hang on a measure or a 重点施策 by plan and address (node_path), like measure_departments,
 *   so they hold for every version of the plan. department_id null = the measure's lead department.
 * - indicator_actuals holds the current value per fiscal year (optimistic locking by lock_version);
 *   indicator_actual_history keeps every change, append-only.
 * - kpi_settings: the city's grading rules. kpi_imports: uploaded files and their progress.
 * - is_sample (1/0) marks the demonstration data that `npm start` loads until the city has its own.
 */
export const migration: DualMigration = {
  async up(db: Kysely<unknown>, dialect) {
    const ts = timestampType(dialect);
    const num = sql`double precision`;

    await withId(db.schema.createTable('indicators'), dialect)
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull().references('municipalities.code'))
      .addColumn('plan_id', 'integer', (c) => c.notNull().references('plans.id').onDelete('cascade'))
      .addColumn('node_path', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('unit', 'text', (c) => c.notNull())
      .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('up', 'down', 'range')`))
      .addColumn('range_min', num)
      .addColumn('range_max', num)
      .addColumn('decimals', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('baseline_value', num, (c) => c.notNull())
      .addColumn('baseline_fy', 'integer', (c) => c.notNull())
      .addColumn('target_value', num, (c) => c.notNull())
      .addColumn('target_fy', 'integer', (c) => c.notNull())
      .addColumn('department_id', 'integer', (c) => c.references('departments.id').onDelete('set null'))
      .addColumn('is_sample', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('lock_version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('updated_at', ts, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('indicators_plan_idx')
      .on('indicators')
      .columns(['municipality_code', 'plan_id', 'node_path', 'position'])
      .execute();
    await db.schema
      .createIndex('indicators_department_idx')
      .on('indicators')
      .column('department_id')
      .execute();

    await db.schema
      .createTable('indicator_targets')
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull().references('municipalities.code'))
      .addColumn('indicator_id', 'integer', (c) =>
        c.notNull().references('indicators.id').onDelete('cascade'),
      )
      .addColumn('fiscal_year', 'integer', (c) => c.notNull())
      .addColumn('value', num, (c) => c.notNull())
      .addPrimaryKeyConstraint('indicator_targets_pk', ['indicator_id', 'fiscal_year'])
      .execute();

    await withId(db.schema.createTable('indicator_actuals'), dialect)
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull().references('municipalities.code'))
      .addColumn('indicator_id', 'integer', (c) =>
        c.notNull().references('indicators.id').onDelete('cascade'),
      )
      .addColumn('fiscal_year', 'integer', (c) => c.notNull())
      .addColumn('value', num, (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('preliminary', 'final')`))
      .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('entered_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('entered_by_name', 'text', (c) => c.notNull())
      .addColumn('entered_at', ts, (c) => c.notNull())
      .addColumn('is_sample', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('lock_version', 'integer', (c) => c.notNull().defaultTo(1))
      .addUniqueConstraint('indicator_actuals_year_uq', ['indicator_id', 'fiscal_year'])
      .execute();

    await withId(db.schema.createTable('indicator_actual_history'), dialect)
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull().references('municipalities.code'))
      .addColumn('indicator_id', 'integer', (c) =>
        c.notNull().references('indicators.id').onDelete('cascade'),
      )
      .addColumn('fiscal_year', 'integer', (c) => c.notNull())
      .addColumn('change', 'text', (c) => c.notNull().check(sql`change in ('create', 'update', 'delete')`))
      .addColumn('value', num)
      .addColumn('status', 'text')
      .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('via', 'text', (c) => c.notNull().check(sql`via in ('form', 'upload', 'sample', 'import')`))
      .addColumn('import_id', 'integer')
      .addColumn('entered_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('entered_by_name', 'text', (c) => c.notNull())
      .addColumn('entered_at', ts, (c) => c.notNull())
      .addColumn('is_sample', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex('indicator_actual_history_idx')
      .on('indicator_actual_history')
      .columns(['indicator_id', 'fiscal_year', 'id'])
      .execute();

    await db.schema
      .createTable('kpi_settings')
      .addColumn('municipality_code', 'varchar(6)', (c) => c.primaryKey().references('municipalities.code'))
      .addColumn('grade_rules', 'text', (c) => c.notNull())
      .addColumn('lock_version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('updated_at', ts, (c) => c.notNull())
      .execute();

    await withId(db.schema.createTable('kpi_imports'), dialect)
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull().references('municipalities.code'))
      .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('department_id', 'integer', (c) => c.references('departments.id').onDelete('set null'))
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('fiscal_year', 'integer')
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) =>
        c.notNull().check(sql`state in ('queued', 'validating', 'applying', 'done', 'failed')`),
      )
      .addColumn('total_rows', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('processed_rows', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('applied_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('errors', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('finished_at', ts)
      .execute();
  },

  async down(db: Kysely<unknown>) {
    for (const t of [
      'kpi_imports',
      'kpi_settings',
      'indicator_actual_history',
      'indicator_actuals',
      'indicator_targets',
      'indicators',
    ]) {
      await db.schema.dropTable(t).execute();
    }
  },
};
