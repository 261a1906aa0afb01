import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import {
  BIN,
  createOpenConsultation,
  formSession,
  postSubmission,
  type Server,
  sha256,
  startServer,
  submissionBody,
} from '../bench/intake/client.ts';
import { seedIfEmpty } from '../src/bootstrap.ts';
import { BackupError, backupDatabase, restoreDatabase } from '../src/db/backup.ts';
import { openDatabase } from '../src/db/connection.ts';
import type { Db, Dialect } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { buildConsultation } from './support/consultation.ts';
import { createTestDb, DIALECTS, pgAdminUrl } from './support/db.ts';

// Issue 10, "Operations a city needs": `cp` of the live SQLite file lost 25 of 2,752 acknowledged
// submissions. `kyoso backup FILE` runs while a real server takes submissions from several clients; the
// backup, restored with `kyoso restore` into a new empty database, must hold every submission whose
// receipt (303 to its receipt page) reached a client before the backup command started.

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `kyoso …` as a child process, without blocking the event loop (the clients keep submitting). */
function kyoso(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A BackupError whose message matches, with the exit code the CLI would use. */
function refusal(pattern: RegExp, exitCode: 1 | 2 = 1) {
  return (e: unknown) => {
    assert.ok(e instanceof BackupError, `a BackupError, not ${String(e)}`);
    assert.match(e.message, pattern);
    assert.equal(e.exitCode, exitCode, e.message);
    assert.doesNotMatch(e.message, /\n/, 'one line');
    return true;
  };
}

/** A refusal: exit code 1, one line on stderr, no stack trace. */
function assertRefused(r: Run, pattern: RegExp, what: string): void {
  assert.equal(r.code, 1, `${what}: exit code (stderr: ${r.stderr})`);
  assert.match(r.stderr, pattern, what);
  assert.equal(r.stderr.trim().split('\n').length, 1, `${what}: one line: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at |Error:/, `${what}: no stack trace`);
}

/**
 * A new, empty database that no connection holds open (restore insists on that): an SQLite path whose
 * file does not exist yet, or a PostgreSQL database just created.
 */
async function emptyDatabase(dialect: Dialect, dir: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `kyoso_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  if (dialect === 'sqlite') return { url: path.join(dir, `${name}.sqlite`), drop: async () => {} };
  const admin = pgAdminUrl();
  const exec = async (q: string) => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(q);
    } finally {
      await c.end();
    }
  };
  await exec(`create database ${name} template template0 encoding 'UTF8'`);
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => exec(`drop database if exists ${name} with (force)`) };
}

async function withDb<T>(url: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = openDatabase(url);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

function integrity(file: string): string {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma('integrity_check') as Array<{ integrity_check: string }>)
      .map((r) => r.integrity_check)
      .join('; ');
  } finally {
    db.close();
  }
}

async function migrationNames(db: Db): Promise<string[]> {
  const r = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db.kysely);
  return r.rows.map((row) => row.name);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fileHash = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

for (const dialect of DIALECTS) {
  describe(`kyoso backup / restore (${dialect})`, () => {
    test('a backup taken while submissions pour in restores every submission acknowledged before it began', {
      timeout: 180_000,
    }, async (t) => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kyoso-backup-'));
      const live = await emptyDatabase(dialect, tmp);
      const restored = await emptyDatabase(dialect, tmp);
      const file = path.join(tmp, dialect === 'sqlite' ? 'kyoso.backup.sqlite' : 'kyoso.dump');
      let server: Server | null = null;
      let stop = false;
      let pouring: Promise<unknown> = Promise.resolve();
      const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
      try {
        server = await startServer(live.url, { logLevel: 'silent', env: { KYOSO_SAMPLE_KPI: 'off' } });
        const s = server;
        const target = await createOpenConsultation(live.url);
        const session = await formSession(s.baseUrl, target.consultationId);

        // Six clients submit without pause; each receipt is recorded with the moment it arrived.
        const acked: Array<{ token: string; at: number }> = [];
        const other: Record<string, number> = {};
        let n = 0;
        const client = async () => {
          while (!stop) {
            const r = await postSubmission(
              s.baseUrl,
              target,
              session,
              submissionBody(target, session, 'b', n++),
              agent,
            );
            if (r.status === 303 && r.token) acked.push({ token: r.token, at: Date.now() });
            else other[r.status] = (other[r.status] ?? 0) + 1;
          }
        };
        pouring = Promise.all(Array.from({ length: 6 }, () => client()));
        const waitFor = async (count: number, what: string) => {
          const deadline = Date.now() + 30_000;
          while (acked.length < count) {
            if (Date.now() > deadline)
              throw new Error(`${what}: only ${acked.length} receipts (${JSON.stringify(other)})`);
            await sleep(20);
          }
        };
        await waitFor(60, 'before the backup');

        const before = acked.slice().map((a) => a.token);
        const started = Date.now();
        const backup = await kyoso(['backup', file], { DATABASE_URL: live.url });
        const ended = Date.now();
        assert.equal(backup.code, 0, backup.stderr);
        assert.match(backup.stdout, /バックアップを作成しました/);
        assert.match(backup.stdout, /0006_kpi/, 'the migration level is printed');
        const during = acked.filter((a) => a.at > started && a.at < ended).length;
        assert.ok(
          during > 0,
          'submissions were acknowledged while the backup ran (else the test proves nothing)',
        );
        // The command prints the moment just before its snapshot began: a tighter bound than its start
        // (which precedes the process's start-up), close enough to the copy that a plain `cp` of the
        // file fails it (the receipts just before it are still in the WAL).
        const snapshotAt = Date.parse(
          /（(\d{4}-\d\d-\d\dT[\d:.]+Z) 時点の内容/.exec(backup.stdout)?.[1] ?? '',
        );
        assert.ok(snapshotAt >= started && snapshotAt <= ended, `snapshot time printed: ${backup.stdout}`);
        const beforeSnapshot = acked.filter((a) => a.at < snapshotAt).map((a) => a.token);

        // Restoring over the live database while the server runs is refused, even with force.
        await assert.rejects(restoreDatabase(live.url, file, { force: true }), refusal(/サーバー.*止めて/));

        const afterBackup = acked.length;
        await waitFor(afterBackup + 30, 'after the backup');
        stop = true;
        await pouring;
        assert.equal(await server.stop(), 0, 'the server stops cleanly');
        server = null;
        assert.deepEqual(other, {}, 'every answer is a receipt (303)');

        const restore = await kyoso(['restore', file], { DATABASE_URL: restored.url });
        assert.equal(restore.code, 0, restore.stderr);
        assert.match(restore.stdout, /復元しました/);

        const liveRows = await withDb(live.url, async (db) =>
          Number(
            (
              await db.kysely
                .selectFrom('submissions')
                .select((e) => e.fn.countAll().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          ),
        );
        const liveMigrations = await withDb(live.url, migrationNames);
        await withDb(restored.url, async (db) => {
          const stored = new Set(
            (
              await db.kysely
                .selectFrom('submissions')
                .select('receipt_token_hash')
                .where('consultation_id', '=', target.consultationId)
                .execute()
            ).map((r) => r.receipt_token_hash),
          );
          const missing = before.filter((token) => !stored.has(sha256(token)));
          assert.equal(
            missing.length,
            0,
            `every submission acknowledged before the backup began is restored: ${missing.length} of ${before.length} missing`,
          );
          const lost = beforeSnapshot.filter((token) => !stored.has(sha256(token)));
          assert.equal(
            lost.length,
            0,
            `every submission acknowledged before the snapshot began is restored: ${lost.length} of ${beforeSnapshot.length} missing`,
          );
          t.diagnostic(
            `${before.length} acknowledged before the backup, ${beforeSnapshot.length} before its snapshot, ` +
              `${during} during the command, ${acked.length} in all; ` +
              `${stored.size} in the backup, ${liveRows} in the live database`,
          );
          assert.ok(stored.size < liveRows, 'submissions written after the backup are not in it: a snapshot');
          const orphans = await db.kysely
            .selectFrom('submissions as s')
            .select('s.id')
            .where(({ not, exists, selectFrom }) =>
              not(
                exists(selectFrom('opinions as o').select('o.id').whereRef('o.submission_id', '=', 's.id')),
              ),
            )
            .execute();
          assert.deepEqual(orphans, [], 'no submission without its opinions: whole transactions only');
          assert.deepEqual(
            await migrationNames(db),
            liveMigrations,
            'the restored database is at the live migration level',
          );
        });
        if (dialect === 'sqlite') {
          assert.equal(integrity(restored.url), 'ok', 'the restored file passes integrity_check');
          assert.equal(integrity(file), 'ok', 'the backup file passes integrity_check');
        }
        assert.deepEqual(
          fs.readdirSync(tmp).filter((f) => f.includes('kyoso-tmp')),
          [],
          'no temp file is left behind',
        );
      } finally {
        stop = true;
        await pouring.catch(() => {});
        agent.destroy();
        if (server) await server.kill();
        await live.drop();
        await restored.drop();
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });

    test('backup refuses to overwrite a file without --force', { timeout: 60_000 }, async () => {
      const db = await createTestDb(dialect);
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kyoso-backup-'));
      try {
        const file = path.join(tmp, 'existing.backup');
        fs.writeFileSync(file, 'a file that must survive');
        await assert.rejects(backupDatabase(db.url, file), refusal(/すでにあります.*--force/));
        assert.equal(fs.readFileSync(file, 'utf8'), 'a file that must survive', 'the file is untouched');
        await assert.rejects(backupDatabase(db.url, tmp), refusal(/フォルダ/, 2));

        const r = await backupDatabase(db.url, file, { force: true });
        assert.equal(r.file, file);
        assert.equal(r.migrations.at(-1), '0006_kpi');
        const magic = fs.readFileSync(file).subarray(0, 5).toString('latin1');
        assert.equal(magic, dialect === 'sqlite' ? 'SQLit' : 'PGDMP', 'the file is now a backup');
        assert.deepEqual(fs.readdirSync(tmp), ['existing.backup'], 'no temp file is left behind');
      } finally {
        await db.drop();
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });

    test('restore refuses a missing file, garbage, the other dialect and (without --force) a database with data', {
      timeout: 60_000,
    }, async () => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kyoso-restore-'));
      const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kyoso-restore-db-'));
      const target = await emptyDatabase(dialect, dbDir);
      try {
        // The target holds a plan and a consultation; the backup is taken of it, then one more is added.
        await withDb(target.url, async (db) => {
          await migrateToLatest(db);
          await seedIfEmpty(db, { municipality: '352161', seed: true });
          await buildConsultation(db, { title: 'バックアップに入る意見募集' });
        });
        const good = path.join(tmp, 'good.backup');
        await backupDatabase(target.url, good);
        await withDb(target.url, (db) => buildConsultation(db, { title: 'バックアップの後の意見募集' }));
        const titles = () =>
          withDb(target.url, async (db) =>
            (await db.kysely.selectFrom('consultations').select('title').orderBy('id').execute()).map(
              (r) => r.title,
            ),
          );
        const state = async () => ({
          titles: await titles(),
          files: fs.readdirSync(dbDir).sort(),
          hash: dialect === 'sqlite' ? fileHash(target.url) : null,
        });
        const initial = await state();
        assert.equal(initial.titles.length, 2);

        const garbage = path.join(tmp, 'garbage.backup');
        fs.writeFileSync(garbage, randomBytes(8192));
        const otherDialect = path.join(tmp, 'other.backup');
        fs.writeFileSync(
          otherDialect,
          Buffer.concat([
            Buffer.from(dialect === 'sqlite' ? 'PGDMP' : 'SQLite format 3\0', 'latin1'),
            randomBytes(4096),
          ]),
        );
        // A file with the right magic but broken inside.
        const truncated = path.join(tmp, 'truncated.backup');
        fs.writeFileSync(truncated, fs.readFileSync(good).subarray(0, 2048));
        const nothingChanged = /何も変更していません/;
        await assert.rejects(
          restoreDatabase(target.url, path.join(tmp, 'no-such.backup')),
          refusal(/見つかりません/),
        );
        await assert.rejects(
          restoreDatabase(target.url, garbage),
          refusal(dialect === 'sqlite' ? /SQLite のデータベースではありません/ : /pg_dump/),
        );
        await assert.rejects(
          restoreDatabase(target.url, otherDialect),
          refusal(dialect === 'sqlite' ? /PostgreSQL のバックアップ/ : /SQLite のバックアップ/),
        );
        await assert.rejects(restoreDatabase(target.url, truncated), refusal(nothingChanged));
        await assert.rejects(restoreDatabase(target.url, good), refusal(/すでにデータがあります.*--force/));
        assert.deepEqual(await state(), initial, 'the target is untouched');

        // The command line: one line on stderr, exit code 1, no stack trace.
        const cli = await kyoso(['restore', garbage], { DATABASE_URL: target.url });
        assertRefused(cli, nothingChanged, 'kyoso restore of garbage');
        assert.deepEqual(await state(), initial, 'the target is untouched');

        const r = await restoreDatabase(target.url, good, { force: true });
        assert.equal(r.replacedData, true);
        assert.deepEqual(r.pendingMigrations, []);
        assert.deepEqual(await titles(), ['バックアップに入る意見募集'], 'the database is the backup');
        if (dialect === 'sqlite') {
          const kept = fs.readdirSync(dbDir).filter((f) => f.includes('.before-restore-'));
          assert.equal(kept.length, 1, 'the replaced file is kept');
          assert.equal(r.keptAs, path.join(dbDir, kept[0]!));
          const old = new SQLite(r.keptAs, { readonly: true });
          try {
            assert.equal(
              (old.prepare('select count(*) as n from consultations').get() as { n: number }).n,
              2,
            );
          } finally {
            old.close();
          }
        }
      } finally {
        await target.drop();
        fs.rmSync(tmp, { recursive: true, force: true });
        fs.rmSync(dbDir, { recursive: true, force: true });
      }
    });
  });
}
