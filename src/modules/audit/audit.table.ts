import type { Generated } from 'kysely';

/** The audit log: one row per staff write, never updated or deleted (triggers refuse it). */
export interface AuditLogTable {
  id: Generated<number>;
  municipality_code: string;
  at: string;
  /** null for actions without a signed-in user (first-administrator setup, failed sign-in). */
  actor_user_id: number | null;
  /** The actor's e-mail at the time, kept even if the user is renamed. */
  actor_label: string;
  ip: string;
  request_id: string;
  /** e.g. user.create, department.update, measure.owners.set, session.end */
  action: string;
  resource_type: string;
  resource_id: string;
  /** JSON of the resource before the write (null for creation). */
  before_json: string | null;
  /** JSON after the write (null for deletion). */
  after_json: string | null;
}

export interface AuditTables {
  audit_log: AuditLogTable;
}
