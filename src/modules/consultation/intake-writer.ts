import { sql, type Transaction } from 'kysely';
import type { Database, Db } from '../../db/database.ts';

export interface IntakeWriterOptions {
  /** The most jobs committed by one transaction (default 200). */
  maxBatch?: number;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Pending {
  job: (trx: Transaction<Database>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The write path of public-comment intake. Every submission (web or staff-entered) is written through
 * `run`, which resolves only after the job's transaction has committed durably: a receipt is never shown
 * for a submission that is not on disk.
 *
 * **Why group commit.** On SQLite (WAL, `synchronous=FULL`) every COMMIT is an fsync, and better-sqlite3
 * does it on the event loop, which stands still meanwhile. One transaction per submission therefore caps
 * intake at the disk's fsync rate and spends most of the loop waiting on it. Here the jobs that arrive
 * while a transaction is running (or committing) wait in a queue and the next transaction runs them all,
 * one after another, then commits once: one fsync for up to `maxBatch` submissions. Nothing waits on a
 * timer: when the queue is empty a job starts a transaction at once (after the current turn of the event
 * loop, so that requests already read from the sockets join it), and a busy queue batches by itself.
 * PostgreSQL gets the same treatment: one connection, one commit for many jobs (fewer round trips and
 * WAL flushes than a transaction each; measured in bench/README.md, "Public comment intake").
 *
 * **What is guaranteed.**
 * - A job's promise resolves (with the job's own result) only after the COMMIT that contains it returned.
 * - Each job runs inside a SAVEPOINT: a job that throws (a duplicate's unique-constraint violation, a
 *   validation error) is rolled back alone and only its own promise rejects, with its own error; the
 *   other jobs of the batch commit.
 * - If the transaction itself fails (COMMIT refused, a savepoint that cannot be rolled back), the whole
 *   batch is rolled back and every job in it rejects: nothing of it was written.
 * - Jobs run in the order `run` was called (FIFO), one at a time, and their promises settle in that order.
 * - `close()` lets every job already accepted finish; later calls to `run` are refused.
 *
 * **What a job must do.** Only database work through the `trx` it is given: no other I/O, no query
 * through `db.kysely` (on SQLite the single connection is held by the batch, so that would wait forever),
 * no nested transaction, and let errors propagate (on PostgreSQL an error caught inside the job leaves
 * the savepoint aborted; the writer then rolls the job back and rejects it).
 */
export class IntakeWriter {
  private readonly maxBatch: number;
  private readonly queue: Pending[] = [];
  private draining: Promise<void> | null = null;
  private closed = false;
  /** Counters since start: transactions committed, jobs in them (succeeded or rolled back alone), the largest batch. */
  readonly stats = { batches: 0, jobs: 0, largestBatch: 0 };

  constructor(
    private readonly db: Db,
    options: IntakeWriterOptions = {},
  ) {
    this.maxBatch = Math.max(1, options.maxBatch ?? 200);
  }

  /** Runs the job in a transaction and resolves with its result once committed; a job that throws is rolled back alone. */
  run<T>(job: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the intake writer is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ job, resolve: resolve as (value: unknown) => void, reject });
      this.draining ??= this.drain();
    });
  }

  /** Waits for every accepted job to finish; later jobs are refused. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.draining) await this.draining;
  }

  /** Commits batches until the queue is empty. Only one runs at a time. */
  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        // Yield one turn of the event loop (setImmediate: no delay when idle) so that requests whose
        // bytes already arrived reach `run` and join this batch.
        await new Promise<void>((resolve) => setImmediate(resolve));
        await this.commitBatch(this.queue.splice(0, this.maxBatch));
      }
    } finally {
      this.draining = null;
    }
  }

  private async commitBatch(batch: Pending[]): Promise<void> {
    const outcomes: Outcome[] = [];
    try {
      await this.db.kysely.transaction().execute(async (trx) => {
        for (const p of batch) {
          await sql`savepoint intake_job`.execute(trx);
          try {
            const value = await p.job(trx);
            await sql`release savepoint intake_job`.execute(trx);
            outcomes.push({ ok: true, value });
          } catch (error) {
            // If this fails too, the transaction is beyond repair: the whole batch rolls back below.
            await sql`rollback to savepoint intake_job`.execute(trx);
            await sql`release savepoint intake_job`.execute(trx);
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // Nothing of the batch was written. A job that had failed by itself keeps its own error.
      for (const [i, p] of batch.entries()) {
        const o = outcomes[i];
        p.reject(o && !o.ok ? o.error : error);
      }
      return;
    }
    this.stats.batches++;
    this.stats.jobs += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    for (const [i, p] of batch.entries()) {
      const o = outcomes[i] as Outcome;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    }
  }
}
