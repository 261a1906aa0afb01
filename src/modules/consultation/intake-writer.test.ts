import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql, type Transaction } from 'kysely';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';
import type { Database } from '../../db/database.ts';
import { IntakeWriter } from './intake-writer.ts';

// The writer is tested on a table of its own, so that these tests say what the writer guarantees whatever
// the submissions schema becomes: `k` is unique (a duplicate fails its job), `ref` is a foreign key
// checked only at COMMIT (a dangling one makes the COMMIT itself fail), on both dialects.
const CREATE_PROBE = sql`create table intake_probe (
  id integer primary key,
  k text not null unique,
  ref integer references intake_probe (id) deferrable initially deferred
)`;

let nextId = 1;

/** A job that inserts one probe row with key `k` and returns its id. */
function insert(k: string, ref: number | null = null) {
  const id = nextId++;
  return async (trx: Transaction<Database>) => {
    await sql`insert into intake_probe (id, k, ref) values (${id}, ${k}, ${ref})`.execute(trx);
    return { id, k };
  };
}

async function keys(db: TestDb, prefix: string): Promise<string[]> {
  const r = await sql<{
    k: string;
  }>`select k from intake_probe where k like ${`${prefix}%`} order by id`.execute(db.kysely);
  return r.rows.map((row) => row.k);
}

function settle<T>(promises: Promise<T>[]) {
  return Promise.allSettled(promises);
}

for (const dialect of DIALECTS) {
  describe(`IntakeWriter (${dialect})`, () => {
    let db: TestDb;
    before(async () => {
      db = await createTestDb(dialect);
      await CREATE_PROBE.execute(db.kysely);
    });
    after(async () => {
      await db?.drop();
    });

    test('many concurrent jobs all commit, each gets its own result, in few transactions', async () => {
      const writer = new IntakeWriter(db, { maxBatch: 200 });
      const n = 500;
      const results = await Promise.all(Array.from({ length: n }, (_, i) => writer.run(insert(`many-${i}`))));
      assert.deepEqual(
        results.map((r) => r.k),
        Array.from({ length: n }, (_, i) => `many-${i}`),
        'each job resolves with its own result',
      );
      assert.equal((await keys(db, 'many-')).length, n, 'every job is in the database');
      // All 500 were queued before the first transaction started: 200 + 200 + 100.
      assert.equal(writer.stats.batches, 3, 'group commit: 500 jobs in 3 transactions');
      assert.equal(writer.stats.largestBatch, 200, 'a batch holds at most maxBatch jobs');
      assert.equal(writer.stats.jobs, n, 'jobs counted');
      await writer.close();
    });

    test('a job that throws rolls back alone; the others of its batch commit', async () => {
      const writer = new IntakeWriter(db);
      const jobs = Array.from({ length: 10 }, (_, i) => {
        if (i === 5) {
          // Writes a row, then violates the unique key: both must disappear, nothing else.
          return writer.run(async (trx) => {
            await insert('dup-own-row')(trx);
            return insert('dup-2')(trx);
          });
        }
        if (i === 7) {
          return writer.run(() => {
            throw new Error('a synchronous throw');
          });
        }
        return writer.run(insert(`dup-${i}`));
      });
      const out = await settle(jobs);
      for (const [i, o] of out.entries()) {
        if (i === 5 || i === 7) assert.equal(o.status, 'rejected', `job ${i} rejects`);
        else
          assert.equal(
            o.status,
            'fulfilled',
            `job ${i} commits (${o.status === 'rejected' ? o.reason : ''})`,
          );
      }
      const five = out[5] as PromiseRejectedResult;
      assert.match(
        String(five.reason?.message ?? five.reason),
        /unique|duplicate/i,
        'job 5 rejects with its own error',
      );
      assert.match(
        String((out[7] as PromiseRejectedResult).reason),
        /synchronous throw/,
        'job 7 keeps its error',
      );
      assert.deepEqual(
        await keys(db, 'dup-'),
        ['dup-0', 'dup-1', 'dup-2', 'dup-3', 'dup-4', 'dup-6', 'dup-8', 'dup-9'],
        'the failing jobs left nothing, the others are all there',
      );
      assert.equal(writer.stats.batches, 1, 'all ten were in one transaction');
      await writer.close();
    });

    test('a failing COMMIT rejects every job of the batch and writes none; the writer goes on', async () => {
      const writer = new IntakeWriter(db);
      const jobs = Array.from({ length: 5 }, (_, i) =>
        // Job 2 leaves a dangling deferred foreign key: the statement passes, the COMMIT is refused.
        writer.run(insert(`commitfail-${i}`, i === 2 ? 999_999_999 : null)),
      );
      const out = await settle(jobs);
      for (const [i, o] of out.entries()) {
        assert.equal(o.status, 'rejected', `job ${i} rejects because the COMMIT failed`);
        assert.match(
          String((o as PromiseRejectedResult).reason?.message),
          /foreign key/i,
          `job ${i} rejects with the COMMIT's error`,
        );
      }
      assert.deepEqual(await keys(db, 'commitfail-'), [], 'nothing of the batch was written');
      assert.equal(writer.stats.batches, 0, 'no transaction committed');
      const after = await writer.run(insert('commitfail-later'));
      assert.equal(after.k, 'commitfail-later', 'the next batch commits');
      assert.deepEqual(await keys(db, 'commitfail-'), ['commitfail-later'], 'and is written');
      await writer.close();
    });

    test('a job resolves only after COMMIT: its row is visible to another reader when it resolves', async () => {
      // On PostgreSQL db.kysely reads through another connection of the pool, which sees only committed
      // rows; on SQLite the single connection is busy until the batch is over.
      const writer = new IntakeWriter(db);
      const seen = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          writer
            .run(insert(`visible-${i}`))
            .then(async (r) => (await keys(db, r.k)).filter((k) => k === r.k).length),
        ),
      );
      assert.deepEqual(seen, Array(20).fill(1), 'every row is committed when its job resolves');
      await writer.close();
    });

    test('jobs of a batch run, and settle, in the order they were queued (FIFO)', async () => {
      const writer = new IntakeWriter(db, { maxBatch: 50 });
      const started: number[] = [];
      const settled: number[] = [];
      const n = 120;
      const jobs = Array.from({ length: n }, (_, i) =>
        writer
          .run(async (trx) => {
            started.push(i);
            if (i % 17 === 3) throw new Error(`job ${i} refuses`);
            return insert(`fifo-${i}`)(trx);
          })
          .then(
            () => settled.push(i),
            () => settled.push(i),
          ),
      );
      await Promise.all(jobs);
      const order = Array.from({ length: n }, (_, i) => i);
      assert.deepEqual(started, order, 'jobs start in the order of run()');
      assert.deepEqual(settled, order, 'their promises settle in the same order');
      assert.deepEqual(
        await keys(db, 'fifo-'),
        order.filter((i) => i % 17 !== 3).map((i) => `fifo-${i}`),
        'rows are written in queue order',
      );
      assert.equal(writer.stats.batches, 3, '120 jobs, batches of at most 50');
      await writer.close();
    });

    test('an idle writer starts a transaction at once: awaited jobs each get their own', async () => {
      const writer = new IntakeWriter(db);
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await writer.run(insert(`idle-${i}`));
        assert.ok(performance.now() - t0 < 2000, 'no waiting for more jobs');
      }
      assert.equal(writer.stats.batches, 5, 'one transaction per job when they come one by one');
      await writer.close();
    });

    test('close() lets every accepted job commit, then refuses new ones', async () => {
      const writer = new IntakeWriter(db, { maxBatch: 40 });
      const n = 150;
      const done: number[] = [];
      const jobs = Array.from({ length: n }, (_, i) =>
        writer.run(insert(`close-${i}`)).then(() => done.push(i)),
      );
      await writer.close();
      assert.equal(done.length, n, 'every job accepted before close() has resolved when close() returns');
      assert.equal((await keys(db, 'close-')).length, n, 'and is in the database');
      await Promise.all(jobs);
      await assert.rejects(writer.run(insert('close-late')), /closed/, 'a job after close() is refused');
      assert.deepEqual(await keys(db, 'close-late'), [], 'and not written');
      await writer.close();
    });
  });
}
