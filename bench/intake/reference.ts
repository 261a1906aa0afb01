import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import type { Transaction } from 'kysely';
import { seedIfEmpty } from '../../src/bootstrap.ts';
import type { Database, Db, Dialect } from '../../src/db/database.ts';
import { getConsultation } from '../../src/modules/consultation/consultation.service.ts';
import type { IntakeValue } from '../../src/modules/consultation/intake.schema.ts';
import { submitWebSubmission } from '../../src/modules/consultation/intake.service.ts';
import { IntakeWriter } from '../../src/modules/consultation/intake-writer.ts';
import { createTestDb } from '../../test/support/db.ts';
import { createOpenConsultation } from './client.ts';

/**
 * In-process references for bench/intake.ts, on the same machine in the same run:
 * - the disk's rate of durable commits (better-sqlite3, WAL, synchronous=FULL, one tiny insert per
 *   transaction, one after another): what "an fsync per submission" allows at best;
 * - the real web-submission job (intake.service.ts's submitWebSubmission) with `clients` concurrent
 *   callers, written (1) one transaction per job, as the placeholder writer did, and (2) through the
 *   group-commit IntakeWriter. No HTTP: the difference is what group commit buys.
 */

export interface WriterRate {
  dialect: Dialect;
  writer: 'transaction per job' | 'group commit';
  submissionsPerSec: number;
  /** Submissions per COMMIT (group commit only). */
  perCommit: number | null;
}

/** Durable commits per second of one tiny insert each (better-sqlite3, WAL, synchronous=FULL). */
export function diskCommitRate(seconds: number): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kyoso-fsync-'));
  try {
    const db = new SQLite(path.join(dir, 'fsync.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('create table t (id integer primary key, body text not null)');
    const insert = db.prepare('insert into t (body) values (?)');
    const body = 'あ'.repeat(200);
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      db.exec('begin');
      insert.run(body);
      db.exec('commit');
      n++;
    }
    const rate = n / ((performance.now() - t0) / 1000);
    db.close();
    return rate;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The placeholder writer: one transaction (one COMMIT, one fsync on SQLite) per job. */
class TransactionPerJob {
  constructor(private readonly db: Db) {}
  run<T>(job: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.kysely.transaction().execute(job);
  }
  async close() {}
}

async function submitFor(
  db: Db,
  consultationId: number,
  sectionIds: number[],
  writer: IntakeWriter | TransactionPerJob,
  clients: number,
  seconds: number,
  tag: string,
): Promise<number> {
  const consultation = await getConsultation(db, '352161', consultationId);
  if (!consultation) throw new Error('the consultation is missing');
  const sections = sectionIds.map((nodeId) => ({ nodeId, label: '', leadDepartmentId: null }));
  let done = 0;
  let n = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const client = async () => {
    while (performance.now() < end) {
      const i = n++;
      const value: IntakeValue = {
        name: `参照 花子${i}`,
        address: `山陽小野田市日の出一丁目${i}番`,
        category: 'resident',
        categoryNote: '',
        email: i % 5 === 0 ? `ref${i}@example.jp` : '',
        phone: '',
        opinions: [
          {
            nodeId: sectionIds[i % sectionIds.length] ?? null,
            body: `公園の整備を進めてほしい。（${tag}-${i}）`,
          },
          ...(i % 2 === 0 ? [{ nodeId: null, body: `計画全体への意見です。（${tag}-${i}）` }] : []),
        ],
      };
      const r = await submitWebSubmission({
        db,
        intake: writer as IntakeWriter,
        consultation,
        sections,
        value,
        now: new Date(),
        receiptMail: (number) => ({ subject: `受付番号 ${number}`, body: `受付番号は ${number} です。` }),
      });
      if (r.status !== 'accepted') throw new Error(`reference submission not accepted: ${r.status}`);
      done++;
    }
  };
  await Promise.all(Array.from({ length: clients }, () => client()));
  return done / ((performance.now() - t0) / 1000);
}

/** The submission job written one transaction per job, then with group commit, on one dialect. */
export async function writerRates(dialect: Dialect, clients: number, seconds: number): Promise<WriterRate[]> {
  const db = await createTestDb(dialect);
  try {
    await seedIfEmpty(db, { municipality: '352161', seed: true });
    // Written through a connection of its own (the same helper bench/intake.ts uses on the server's file).
    const target = await createOpenConsultation(db.url);
    const out: WriterRate[] = [];
    const perJob = new TransactionPerJob(db);
    out.push({
      dialect,
      writer: 'transaction per job',
      submissionsPerSec: await submitFor(
        db,
        target.consultationId,
        target.sectionIds,
        perJob,
        clients,
        seconds,
        'tx',
      ),
      perCommit: null,
    });
    const group = new IntakeWriter(db);
    const rate = await submitFor(db, target.consultationId, target.sectionIds, group, clients, seconds, 'gc');
    await group.close();
    out.push({
      dialect,
      writer: 'group commit',
      submissionsPerSec: rate,
      perCommit: group.stats.jobs / Math.max(1, group.stats.batches),
    });
    return out;
  } finally {
    await db.drop();
  }
}
