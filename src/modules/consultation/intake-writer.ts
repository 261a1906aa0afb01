import type { Transaction } from 'kysely';
import type { Database, Db } from '../../db/database.ts';

/**
 * The write path of public-comment intake. Every submission (web or staff-entered) is written through
 * `run`, which resolves only after the job's transaction has committed durably: a receipt is never shown
 * for a submission that is not on disk.
 *
 * (Placeholder implementation: one transaction per job. The group-commit version replaces the inside of
 * this class without changing its interface.)
 */
export class IntakeWriter {
  constructor(private readonly db: Db) {}

  /** Runs the job in a transaction and resolves with its result once committed; a job that throws is rolled back alone. */
  run<T>(job: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.kysely.transaction().execute(job);
  }

  /** Waits for every accepted job to finish; later jobs are refused. */
  async close(): Promise<void> {}
}
