import type { Kysely } from 'kysely';
import type { AccountTables } from '../modules/accounts/accounts.table.ts';
import type { AuditTables } from '../modules/audit/audit.table.ts';
import type { ConsultationTables } from '../modules/consultation/consultation.table.ts';
import type { KpiTables } from '../modules/kpi/kpi.table.ts';
import type { PlanTables } from '../modules/plan/plan.table.ts';

/** The whole schema: the union of every module's tables. */
export interface Database extends PlanTables, AccountTables, AuditTables, ConsultationTables, KpiTables {}

export type Dialect = 'sqlite' | 'postgres';

/** An open database: the Kysely instance and which dialect is behind it. */
export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** Closes the pool / file handle. */
  close(): Promise<void>;
}
