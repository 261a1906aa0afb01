import { type Kysely, sql } from 'kysely';
import { type DualMigration, timestampType, withId } from './schema-helpers.ts';

/** Staff accounts, departments, sessions, one-time tokens, sign-in throttling, measure ownership, audit log. */
export const migration: DualMigration = {
  async up(db: Kysely<unknown>, dialect) {
    const ts = timestampType(dialect);

    await withId(db.schema.createTable('departments'), dialect)
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull().references('municipalities.code'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('disabled_at', ts)
      .addUniqueConstraint('departments_municipality_name_uq', ['municipality_code', 'name'])
      .execute();

    await withId(db.schema.createTable('users'), dialect)
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull().references('municipalities.code'))
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) =>
        c.notNull().check(sql`role in ('admin', 'planner', 'editor', 'committee')`),
      )
      .addColumn('password_hash', 'text')
      .addColumn('totp_secret', 'text')
      .addColumn('totp_pending_secret', 'text')
      .addColumn('totp_enabled_at', ts)
      .addColumn('totp_last_step', 'integer')
      .addColumn('disabled_at', ts)
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('updated_at', ts, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('user_departments')
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('department_id', 'integer', (c) =>
        c.notNull().references('departments.id').onDelete('cascade'),
      )
      .addPrimaryKeyConstraint('user_departments_pk', ['user_id', 'department_id'])
      .execute();

    await withId(db.schema.createTable('recovery_codes'), dialect)
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('used_at', ts)
      .execute();
    await db.schema.createIndex('recovery_codes_user_idx').on('recovery_codes').column('user_id').execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull().references('municipalities.code'))
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('last_seen_at', ts, (c) => c.notNull())
      .addColumn('expires_at', ts, (c) => c.notNull())
      .addColumn('mfa_passed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('user_agent', 'text', (c) => c.notNull())
      .addColumn('ended_at', ts)
      .execute();
    await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

    await db.schema
      .createTable('one_time_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull().references('municipalities.code'))
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('setup', 'invite')`))
      .addColumn('email', 'text')
      .addColumn('role', 'text')
      .addColumn('department_ids', 'text', (c) => c.notNull())
      .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('expires_at', ts, (c) => c.notNull())
      .addColumn('used_at', ts)
      .execute();

    await db.schema
      .createTable('sign_in_throttle')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('window_started_at', ts, (c) => c.notNull())
      .addColumn('locked_until', ts)
      .execute();

    await db.schema
      .createTable('measure_departments')
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull().references('municipalities.code'))
      .addColumn('plan_id', 'integer', (c) => c.notNull().references('plans.id').onDelete('cascade'))
      .addColumn('node_path', 'text', (c) => c.notNull())
      .addColumn('department_id', 'integer', (c) =>
        c.notNull().references('departments.id').onDelete('cascade'),
      )
      .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('lead', 'support')`))
      .addPrimaryKeyConstraint('measure_departments_pk', ['plan_id', 'node_path', 'department_id'])
      .execute();

    await db.schema
      .createTable('app_secrets')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('created_at', ts, (c) => c.notNull())
      .execute();

    await withId(db.schema.createTable('audit_log'), dialect)
      .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull())
      .addColumn('at', ts, (c) => c.notNull())
      .addColumn('actor_user_id', 'integer')
      .addColumn('actor_label', 'text', (c) => c.notNull())
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('resource_type', 'text', (c) => c.notNull())
      .addColumn('resource_id', 'text', (c) => c.notNull())
      .addColumn('before_json', 'text')
      .addColumn('after_json', 'text')
      .execute();
    await db.schema
      .createIndex('audit_log_municipality_at_idx')
      .on('audit_log')
      .columns(['municipality_code', 'at'])
      .execute();

    // Append-only: the database itself refuses to change or remove audit rows.
    if (dialect === 'postgres') {
      await sql`create function audit_log_append_only() returns trigger language plpgsql as $$
        begin raise exception 'audit_log is append-only'; end $$`.execute(db);
      await sql`create trigger audit_log_no_update before update or delete on audit_log
        for each row execute function audit_log_append_only()`.execute(db);
      // TRUNCATE fires no row triggers: refuse it with a statement trigger.
      await sql`create trigger audit_log_no_truncate before truncate on audit_log
        for each statement execute function audit_log_append_only()`.execute(db);
    } else {
      await sql`create trigger audit_log_no_update before update on audit_log
        begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
      await sql`create trigger audit_log_no_delete before delete on audit_log
        begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
    }
  },

  async down(db: Kysely<unknown>, dialect) {
    if (dialect === 'postgres') {
      await sql`drop trigger if exists audit_log_no_update on audit_log`.execute(db);
      await sql`drop trigger if exists audit_log_no_truncate on audit_log`.execute(db);
      await sql`drop function if exists audit_log_append_only()`.execute(db);
    }
    for (const t of [
      'audit_log',
      'app_secrets',
      'measure_departments',
      'sign_in_throttle',
      'one_time_tokens',
      'sessions',
      'recovery_codes',
      'user_departments',
      'users',
      'departments',
    ]) {
      await db.schema.dropTable(t).execute();
    }
  },
};
