import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { dialectOf, sqliteFile } from './connection.ts';
import type { Dialect } from './database.ts';
import { MIGRATION_NAMES } from './migrate.ts';

/**
 * `kyoso backup FILE` and `kyoso restore FILE` (ADR 0007).
 *
 * Copying the live SQLite file with `cp` while the server writes loses acknowledged submissions: the newest
 * transactions are in the `-wal` file, and a copy taken mid-write can be torn. A backup must be one
 * consistent snapshot that holds every transaction committed before it began, taken without stopping
 * the intake:
 *
 * - SQLite: `VACUUM INTO` runs in one read transaction of a read-only connection, so it sees exactly the
 *   commits made before it started (WAL included) and never blocks the server's writers. It writes a
 *   temp file beside FILE, which is checked (integrity_check, a Kyoso schema) and fsynced before it is
 *   renamed into place: FILE is either the old file or a whole, checked backup, never half of one.
 * - PostgreSQL: `pg_dump -Fc` dumps in one repeatable-read snapshot (it takes only ACCESS SHARE locks, so
 *   submissions go on); `pg_restore --list` reads the archive back before it is renamed into place.
 *
 * Restore replaces a database and must run with the server stopped (it checks: SQLite needs the only
 * connection to switch the journal mode; PostgreSQL must have no other client connected). It verifies
 * the backup first and refuses one made by a newer Kyoso (migrations this code does not know); an older
 * one is fine, the next start applies the missing migrations. A target that already holds tables is
 * replaced only with `force` (SQLite keeps the replaced file beside it): nothing saved is lost silently.
 *
 * Every refusal is a BackupError with a one-line message (Japanese, like every CLI message) and an exit
 * code: 2 for a usage error, 1 otherwise. Messages never contain a database password.
 */

/** A refusal or failure with a message meant for the operator (one line, no stack trace). */
export class BackupError extends Error {
  constructor(
    message: string,
    /** The CLI's exit code: 2 for usage errors, 1 for everything else. */
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'BackupError';
  }
}

/** What a backup wrote. */
export interface BackupResult {
  dialect: Dialect;
  /** The absolute path of the backup file. */
  file: string;
  bytes: number;
  /**
   * A moment just before the snapshot began (ISO 8601): every transaction committed before it, such as
   * every submission whose receipt was sent before it, is in the backup.
   */
  snapshotAt: string;
  /** The migrations applied in the backed-up database, in order; the last is its level. */
  migrations: string[];
  /** Rows of `submissions` in the backup (public-comment submissions, all channels). */
  submissions: number;
}

/** What a restore did. */
export interface RestoreResult {
  dialect: Dialect;
  /** The restored database: the SQLite file, or the PostgreSQL URL without its password. */
  target: string;
  migrations: string[];
  /** Migrations this code knows that the backup lacks: the next start (or `kyoso migrate`) applies them. */
  pendingMigrations: string[];
  submissions: number;
  /** Whether the target held tables that the restore replaced (allowed only with `force`). */
  replacedData: boolean;
  /** SQLite: where the replaced database file was kept (a second name of it), or null. */
  keptAs: string | null;
}

export interface BackupOptions {
  /** Overwrite FILE when it exists. */
  force?: boolean;
}

export interface RestoreOptions {
  /** Replace a target database that already holds tables. */
  force?: boolean;
}

/**
 * Writes a consistent backup of the database at `url` to `file`, safe while the server runs and writes.
 * Refuses to overwrite an existing `file` unless `force`; refuses to write over the database itself.
 */
export async function backupDatabase(
  url: string,
  file: string,
  options: BackupOptions = {},
): Promise<BackupResult> {
  const target = path.resolve(file);
  if (fs.existsSync(target)) {
    if (fs.statSync(target).isDirectory())
      throw new BackupError(`バックアップ先がフォルダです。ファイル名を指定してください：${file}`, 2);
    if (!options.force)
      throw new BackupError(
        `バックアップ先のファイルがすでにあります：${file}（上書きするには --force を付けてください。何も書き込んでいません）`,
      );
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  return dialectOf(url) === 'postgres'
    ? backupPostgres(url, target, options)
    : backupSqlite(sqlitePath(url), target, options);
}

/**
 * Replaces the database at `url` with the backup `file`. The server must be stopped. The backup is
 * verified before anything is touched; on any refusal the target is left as it was.
 */
export async function restoreDatabase(
  url: string,
  file: string,
  options: RestoreOptions = {},
): Promise<RestoreResult> {
  const source = path.resolve(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(source);
  } catch {
    throw new BackupError(`バックアップファイルが見つかりません：${file}（何も変更していません）`);
  }
  if (stat.isDirectory())
    throw new BackupError(`バックアップファイルではなくフォルダです：${file}（何も変更していません）`, 2);
  const magic = readMagic(source);
  if (dialectOf(url) === 'postgres') {
    if (magic.startsWith(SQLITE_MAGIC))
      throw new BackupError(
        `${file} は SQLite のバックアップですが、DATABASE_URL は PostgreSQL を指しています（何も変更していません）`,
      );
    if (!magic.startsWith(PGDUMP_MAGIC))
      throw new BackupError(
        `${file} は pg_dump -Fc（kyoso backup）のバックアップではありません（何も変更していません）`,
      );
    return restorePostgres(url, source, file, options);
  }
  if (magic.startsWith(PGDUMP_MAGIC))
    throw new BackupError(
      `${file} は PostgreSQL のバックアップ（pg_dump）ですが、DATABASE_URL は SQLite のファイルを指しています（何も変更していません）`,
    );
  if (!magic.startsWith(SQLITE_MAGIC))
    throw new BackupError(`${file} は SQLite のデータベースではありません（何も変更していません）`);
  return restoreSqlite(sqlitePath(url), source, file, options);
}

/** The URL with its password replaced by ***, for messages and logs. */
export function redactUrl(url: string): string {
  if (dialectOf(url) !== 'postgres') return url;
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'PostgreSQL（URL を読み取れません）';
  }
}

// ---------------------------------------------------------------------------------------------------
// Shared helpers

const SQLITE_MAGIC = 'SQLite format 3\0';
const PGDUMP_MAGIC = 'PGDMP';

function readMagic(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = fs.readSync(fd, buf, 0, 16, 0);
    return buf.subarray(0, n).toString('latin1');
  } finally {
    fs.closeSync(fd);
  }
}

/** A fresh name beside `file` (same directory, hence same file system: rename is atomic). */
function tempBeside(file: string): string {
  return path.join(
    path.dirname(file),
    `.${path.basename(file)}.kyoso-tmp-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
}

function fsyncPath(p: string): void {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Makes a rename durable; some platforms cannot open a directory, where this is a no-op. */
function fsyncDir(dir: string): void {
  try {
    fsyncPath(dir);
  } catch {
    // not supported here (e.g. Windows)
  }
}

/**
 * Puts the checked temp file in place. Without `force` a hard link makes the "must not exist" check and
 * the creation one atomic step (EEXIST if FILE appeared meanwhile); with `force`, rename replaces FILE.
 */
function publish(temp: string, target: string, force: boolean): void {
  if (force) {
    fs.renameSync(temp, target);
  } else {
    try {
      fs.linkSync(temp, target);
      fs.unlinkSync(temp);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST')
        throw new BackupError(
          `バックアップ先のファイルがすでにあります：${target}（上書きするには --force を付けてください）`,
        );
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw e;
      // A file system without hard links: check, then rename (not atomic, but the best available).
      if (fs.existsSync(target))
        throw new BackupError(
          `バックアップ先のファイルがすでにあります：${target}（上書きするには --force を付けてください）`,
        );
      fs.renameSync(temp, target);
    }
  }
  fsyncDir(path.dirname(target));
}

/** Refuses a backup from a newer Kyoso; returns the migrations the next start will apply. */
async function checkMigrationLevel(found: string[], file: string): Promise<string[]> {
  const known = MIGRATION_NAMES;
  const unknown = found.filter((n) => !known.includes(n));
  if (unknown.length > 0)
    throw new BackupError(
      `${file} はこのプログラムより新しい版の Kyoso で作られています（知らないマイグレーション：${unknown.join(', ')}）。Kyoso を更新してから復元してください（何も変更していません）`,
    );
  return known.filter((n) => !found.includes(n));
}

// ---------------------------------------------------------------------------------------------------
// SQLite

/** The file a SQLite DATABASE_URL names (as openDatabase reads it). */
function sqlitePath(url: string): string {
  const file = sqliteFile(url);
  if (file === '' || file === ':memory:')
    throw new BackupError(
      'DATABASE_URL がファイルを指していません（:memory: はバックアップ・復元できません）',
      2,
    );
  return path.resolve(file);
}

function sqliteOpenError(e: unknown, what: string): BackupError | null {
  const code = (e as { code?: string }).code;
  if (code === 'SQLITE_NOTADB') return new BackupError(`${what} は SQLite のデータベースではありません`);
  if (code === 'SQLITE_CORRUPT') return new BackupError(`${what} は壊れています（SQLITE_CORRUPT）`);
  if (code === 'SQLITE_CANTOPEN')
    return new BackupError(`${what} を開けません（権限またはパスを確かめてください）`);
  if (code?.startsWith('SQLITE_'))
    return new BackupError(`${what} を読めません（${code}：${(e as Error).message}）`);
  return null;
}

function hasTable(db: SQLite.Database, name: string): boolean {
  return db.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(name) !== undefined;
}

/** Integrity, and that it is a Kyoso database: its migrations and number of submissions. */
function inspectSqlite(db: SQLite.Database, what: string): { migrations: string[]; submissions: number } {
  const integrity = (db.pragma('integrity_check') as Array<{ integrity_check: string }>)
    .map((r) => r.integrity_check)
    .join('; ');
  if (integrity !== 'ok')
    throw new BackupError(`${what} の整合性検査に失敗しました：${integrity.slice(0, 200)}`);
  if (!hasTable(db, 'kysely_migration'))
    throw new BackupError(`${what} は Kyoso のデータベースではありません（kysely_migration 表がありません）`);
  const migrations = (
    db.prepare('select name from kysely_migration order by name').all() as Array<{ name: string }>
  ).map((r) => r.name);
  const submissions = hasTable(db, 'submissions')
    ? Number((db.prepare('select count(*) as n from submissions').get() as { n: number }).n)
    : 0;
  return { migrations, submissions };
}

function openSqliteReadonly(file: string, what: string): SQLite.Database {
  try {
    const db = new SQLite(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (e) {
    throw sqliteOpenError(e, what) ?? e;
  }
}

/** Runs `fn`, turning SQLite's codes into operator messages about `what`. */
function withSqlite<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof BackupError) throw e;
    throw sqliteOpenError(e, what) ?? e;
  }
}

function sameFile(a: string, b: string): boolean {
  try {
    const sa = fs.statSync(a);
    const sb = fs.statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return path.resolve(a) === path.resolve(b);
  }
}

async function backupSqlite(source: string, target: string, options: BackupOptions): Promise<BackupResult> {
  if (!fs.existsSync(source)) throw new BackupError(`データベースのファイルが見つかりません：${source}`);
  for (const f of [source, `${source}-wal`, `${source}-shm`, `${source}-journal`])
    if (sameFile(f, target))
      throw new BackupError(
        `バックアップ先がデータベースそのものです。別のファイル名を指定してください：${target}`,
        2,
      );
  const temp = tempBeside(target);
  let snapshotAt = '';
  try {
    const live = openSqliteReadonly(source, `データベース（${source}）`);
    try {
      withSqlite(`データベース（${source}）`, () => {
        if (!hasTable(live, 'kysely_migration'))
          throw new BackupError(
            `${source} は Kyoso のデータベースではありません（kysely_migration 表がありません）`,
          );
        // One read transaction: a snapshot of every commit before it began, WAL included; writers go on.
        snapshotAt = new Date().toISOString();
        live.prepare('vacuum into ?').run(temp);
      });
    } finally {
      live.close();
    }
    const copy = openSqliteReadonly(temp, 'バックアップ');
    let facts: { migrations: string[]; submissions: number };
    try {
      facts = withSqlite('バックアップ', () => inspectSqlite(copy, 'バックアップ'));
    } finally {
      copy.close();
    }
    fsyncPath(temp);
    const bytes = fs.statSync(temp).size;
    publish(temp, target, options.force === true);
    return { dialect: 'sqlite', file: target, bytes, snapshotAt, ...facts };
  } finally {
    for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(`${temp}${suffix}`, { force: true });
  }
}

/**
 * What the SQLite file a restore would replace holds, read without changing it (a read-write connection
 * that only reads: the last one to close removes its empty WAL, unlike a read-only one). An unreadable
 * file counts as data: it is replaced only with --force.
 */
function sqliteTargetContents(target: string): { hasData: boolean; submissions: number | null } {
  if (!fs.existsSync(target)) return { hasData: false, submissions: null };
  let db: SQLite.Database | undefined;
  try {
    db = new SQLite(target, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    const tables = db
      .prepare("select count(*) as n from sqlite_master where type = 'table' and name not like 'sqlite_%'")
      .get() as { n: number };
    const submissions = hasTable(db, 'submissions')
      ? Number((db.prepare('select count(*) as n from submissions').get() as { n: number }).n)
      : null;
    return { hasData: tables.n > 0, submissions };
  } catch (e) {
    if (sqliteOpenError(e, target)) return { hasData: true, submissions: null };
    throw e;
  } finally {
    db?.close();
  }
}

/**
 * Makes sure nothing else has the target open, right before it is replaced: switching a WAL database to
 * DELETE needs the only connection, so a running server (even an idle one) is detected. The switch also
 * checkpoints the WAL into the main file, so a replaced file kept aside is whole.
 */
function claimSqliteTarget(target: string): void {
  if (!fs.existsSync(target)) return;
  let db: SQLite.Database;
  try {
    db = new SQLite(target, { fileMustExist: true });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') return; // not a database: nobody uses it as one
    throw e;
  }
  try {
    db.pragma('busy_timeout = 1000');
    db.pragma('journal_mode = DELETE');
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
      throw new BackupError(
        `データベース（${target}）をほかのプロセスが開いています。サーバー（kyoso serve）を止めてから復元してください（何も変更していません）`,
      );
    if (code !== 'SQLITE_NOTADB' && code !== 'SQLITE_CORRUPT') throw e;
  } finally {
    db.close();
  }
}

function timestamp(d = new Date()): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

async function restoreSqlite(
  target: string,
  source: string,
  shown: string,
  options: RestoreOptions,
): Promise<RestoreResult> {
  if (sameFile(source, target))
    throw new BackupError(
      `バックアップファイルがデータベースそのものです：${shown}（何も変更していません）`,
      2,
    );
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temp = tempBeside(target);
  let keptAs: string | null = null;
  try {
    // What is checked is the copy that will be put in place, not the file it came from.
    fs.copyFileSync(source, temp, fs.constants.COPYFILE_EXCL);
    let facts: { migrations: string[]; submissions: number };
    let copy: SQLite.Database | undefined;
    try {
      copy = new SQLite(temp, { fileMustExist: true });
      facts = inspectSqlite(copy, shown);
    } catch (e) {
      if (e instanceof BackupError) throw new BackupError(`${e.message}（何も変更していません）`);
      const known = sqliteOpenError(e, shown);
      if (known) throw new BackupError(`${known.message}（何も変更していません）`);
      throw e;
    } finally {
      copy?.close();
    }
    const pendingMigrations = await checkMigrationLevel(facts.migrations, shown);

    const current = sqliteTargetContents(target);
    if (current.hasData && !options.force)
      throw new BackupError(
        `復元先のデータベース（${target}）にはすでにデータがあります${current.submissions !== null ? `（意見の提出 ${current.submissions} 件）` : ''}。置き換えるには、サーバーを止めて --force を付けてください（何も変更していません）`,
      );
    fsyncPath(temp);
    claimSqliteTarget(target);
    if (current.hasData && fs.existsSync(target)) {
      // Keep the replaced database under a second name (a hard link: no moment without a database file).
      keptAs = `${target}.before-restore-${timestamp()}`;
      try {
        fs.linkSync(target, keptAs);
      } catch {
        fs.copyFileSync(target, keptAs, fs.constants.COPYFILE_EXCL);
        fsyncPath(keptAs);
      }
    }
    // Journals of the replaced file would be applied to the restored one: remove them first.
    for (const suffix of ['-wal', '-shm', '-journal']) fs.rmSync(`${target}${suffix}`, { force: true });
    fs.renameSync(temp, target);
    fsyncDir(path.dirname(target));
    return {
      dialect: 'sqlite',
      target,
      migrations: facts.migrations,
      pendingMigrations,
      submissions: facts.submissions,
      replacedData: current.hasData,
      keptAs,
    };
  } finally {
    for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(`${temp}${suffix}`, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// PostgreSQL

/**
 * The directory of PostgreSQL's client tools: $PG_BIN, else PATH, else the newest
 * /usr/lib/postgresql/N/bin (Debian installs them there; scripts/pg-test-cluster.sh looks the same way).
 */
function pgTool(name: 'pg_dump' | 'pg_restore'): string {
  const dirs: string[] = [];
  if (process.env.PG_BIN) dirs.push(process.env.PG_BIN);
  dirs.push(...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean));
  try {
    const versions = fs
      .readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    dirs.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  } catch {
    // not a Debian-style install
  }
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  throw new BackupError(
    `${name} が見つかりません。PostgreSQL のクライアント（Debian：apt-get install postgresql-client）を入れるか、PG_BIN にそのフォルダを指定してください`,
  );
}

/**
 * libpq's connection for the URL with the password moved to PGPASSWORD: a password on the command line
 * is visible to every local user (ps).
 */
function libpqConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv; password: string } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  const env: NodeJS.ProcessEnv = { ...process.env, PGAPPNAME: 'kyoso backup' };
  if (password) {
    env.PGPASSWORD = password;
    u.password = '';
  }
  return { dbname: u.toString(), env, password };
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a tool without a shell; `onStdout` receives stdout in chunks instead of collecting it. */
function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onStdout?: (chunk: Buffer) => void,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => (onStdout ? onStdout(b) : out.push(b)));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.once('error', reject);
    child.once('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/** The tool's complaint on one line, without the password (should libpq ever echo it). */
function toolMessage(stderr: string, password: string): string {
  let s = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 3)
    .join(' / ');
  if (password) s = s.split(password).join('***');
  return s.length > 400 ? `${s.slice(0, 400)}…` : s;
}

/** The tables an archive holds ("schema.name"), from `pg_restore --list`; null if it is not an archive. */
async function archiveTables(file: string): Promise<Set<string> | null> {
  const r = await run(pgTool('pg_restore'), ['--list', file], process.env);
  if (r.code !== 0) return null;
  const tables = new Set<string>();
  for (const line of r.stdout.split('\n')) {
    const m = /^\d+; \d+ \d+ TABLE (\S+) (\S+) /.exec(line);
    if (m) tables.add(`${m[1]}.${m[2]}`);
  }
  return tables;
}

/** The data of one table of an archive, streamed: calls `onRow` with each line of its COPY block. */
async function archiveRows(file: string, table: string, onRow: (line: string) => void): Promise<void> {
  let inCopy = false;
  let rest = '';
  const r = await run(
    pgTool('pg_restore'),
    ['--data-only', `--table=${table}`, '--file=-', file],
    process.env,
    (chunk) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (!inCopy) inCopy = line.startsWith('COPY ') && line.endsWith(' FROM stdin;');
        else if (line === '\\.') inCopy = false;
        else onRow(line);
      }
    },
  );
  if (r.code !== 0) throw new BackupError(`バックアップを読めません：${toolMessage(r.stderr, '')}`);
}

/** Checks an archive as Kyoso's: its tables, migrations and number of submissions. */
async function inspectArchive(
  file: string,
  shown: string,
): Promise<{ tables: Set<string>; migrations: string[]; submissions: number }> {
  const tables = await archiveTables(file);
  if (!tables) throw new BackupError(`${shown} は pg_dump -Fc のバックアップとして読めません`);
  if (!tables.has('public.kysely_migration'))
    throw new BackupError(
      `${shown} は Kyoso のデータベースのバックアップではありません（kysely_migration 表がありません）`,
    );
  const migrations: string[] = [];
  await archiveRows(file, 'kysely_migration', (line) => migrations.push(line.split('\t')[0] ?? ''));
  migrations.sort();
  let submissions = 0;
  if (tables.has('public.submissions'))
    await archiveRows(file, 'submissions', () => {
      submissions++;
    });
  return { tables, migrations, submissions };
}

async function connectPg(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'kyoso restore' });
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => {});
    throw new BackupError(
      `PostgreSQL に接続できません（${redactUrl(url)}）：${e instanceof Error ? e.message : String(e)}`,
    );
  }
  return client;
}

async function backupPostgres(url: string, target: string, options: BackupOptions): Promise<BackupResult> {
  const pgDump = pgTool('pg_dump');
  pgTool('pg_restore'); // needed to check the archive: fail before dumping
  const conn = libpqConnection(url);
  const temp = tempBeside(target);
  try {
    const snapshotAt = new Date().toISOString(); // pg_dump takes its snapshot after this
    const r = await run(
      pgDump,
      [
        '--format=custom',
        '--no-password',
        '--lock-wait-timeout=30s',
        `--file=${temp}`,
        `--dbname=${conn.dbname}`,
      ],
      conn.env,
    );
    if (r.code !== 0)
      throw new BackupError(
        `pg_dump が失敗しました（${redactUrl(url)}、何も書き込んでいません）：${toolMessage(r.stderr, conn.password)}`,
      );
    fsyncPath(temp);
    const facts = await inspectArchive(temp, 'バックアップ');
    const bytes = fs.statSync(temp).size;
    publish(temp, target, options.force === true);
    return {
      dialect: 'postgres',
      file: target,
      bytes,
      snapshotAt,
      migrations: facts.migrations,
      submissions: facts.submissions,
    };
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

async function restorePostgres(
  url: string,
  source: string,
  shown: string,
  options: RestoreOptions,
): Promise<RestoreResult> {
  const pgRestore = pgTool('pg_restore');
  const facts = await inspectArchive(source, shown).catch((e: unknown) => {
    throw e instanceof BackupError ? new BackupError(`${e.message}（何も変更していません）`) : e;
  });
  const pendingMigrations = await checkMigrationLevel(facts.migrations, shown);

  const client = await connectPg(url);
  let hasData: boolean;
  try {
    const others = await client.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`,
    );
    const n = others.rows[0]?.n ?? 0;
    if (n > 0)
      throw new BackupError(
        `復元先のデータベース（${redactUrl(url)}）にほかの接続が ${n} 本あります。サーバー（kyoso serve）を止めてから復元してください（何も変更していません）`,
      );
    const existing = (
      await client.query<{ t: string }>(
        `select n.nspname || '.' || c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
            and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'`,
      )
    ).rows.map((r) => r.t);
    hasData = existing.length > 0;
    if (hasData && !options.force) {
      const count = existing.includes('public.submissions')
        ? (await client.query<{ n: number }>('select count(*)::int as n from submissions')).rows[0]?.n
        : undefined;
      throw new BackupError(
        `復元先のデータベース（${redactUrl(url)}）にはすでにデータがあります${count !== undefined ? `（意見の提出 ${count} 件）` : ''}。置き換えるには --force を付けてください（何も変更していません）`,
      );
    }
    // --clean drops only what the archive holds: a table it does not know would survive the restore
    // and break the next migration. Refuse rather than leave a mixed database.
    const foreign = existing.filter((t) => !facts.tables.has(t));
    if (foreign.length > 0)
      throw new BackupError(
        `復元先のデータベースに、バックアップにない表があります（${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ' ほか' : ''}）。空のデータベース（createdb）に復元してください（何も変更していません）`,
      );
  } finally {
    await client.end();
  }

  const conn = libpqConnection(url);
  const r = await run(
    pgRestore,
    [
      '--clean',
      '--if-exists',
      '--no-owner',
      '--no-privileges',
      '--single-transaction',
      '--exit-on-error',
      '--no-password',
      `--dbname=${conn.dbname}`,
      source,
    ],
    conn.env,
  );
  if (r.code !== 0)
    throw new BackupError(
      `pg_restore が失敗しました（一つのトランザクションで実行したため、何も変更していません）：${toolMessage(r.stderr, conn.password)}`,
    );
  const after = await connectPg(url);
  let submissions = 0;
  try {
    if (facts.tables.has('public.submissions'))
      submissions =
        (await after.query<{ n: number }>('select count(*)::int as n from submissions')).rows[0]?.n ?? 0;
  } finally {
    await after.end();
  }
  return {
    dialect: 'postgres',
    target: redactUrl(url),
    migrations: facts.migrations,
    pendingMigrations,
    submissions,
    replacedData: hasData,
    keptAs: null,
  };
}
