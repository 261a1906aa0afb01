import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { sql } from 'kysely';
import { ROOT_DIR } from '../../src/config.ts';
import { openDatabase } from '../../src/db/connection.ts';
import { buildConsultation } from '../../test/support/consultation.ts';

/**
 * What bench/intake.ts, bench/intake-kill.ts and test/intake-kill.test.ts share: a real `kyoso serve`
 * process on an SQLite file, an open consultation written directly to its database, the public form's
 * CSRF cookie and token, unique submissions posted to POST /consultations/:id/submit, and the check that
 * every acknowledged submission (303 to its receipt page) is in the database.
 */

export const BIN = path.join(ROOT_DIR, 'bin', 'kyoso.js');

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Server {
  proc: ChildProcess;
  pid: number;
  baseUrl: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM and wait for the exit (graceful: requests in flight finish, the writer drains). */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<void>;
}

/** The environment that lifts the per-address limits, which would otherwise refuse a load test (429). */
export const UNLIMITED_ENV: Record<string, string> = {
  KYOSO_RATE_LIMIT_PER_MINUTE: '1000000000',
  KYOSO_SUBMISSIONS_PER_HOUR: '1000000000',
};

/**
 * Starts `node bin/kyoso.js serve` on the SQLite file and waits until it answers /healthz. `cpu`: pin it
 * to that CPU with taskset (when taskset exists); `nodeArgs`: options for node (e.g. --cpu-prof).
 */
export async function startServer(
  dbFile: string,
  options: { env?: Record<string, string>; cpu?: number; logLevel?: string; nodeArgs?: string[] } = {},
): Promise<Server> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    DATABASE_URL: dbFile,
    PORT: String(port),
    HOST: '127.0.0.1',
    KYOSO_BASE_URL: baseUrl,
    LOG_LEVEL: options.logLevel ?? 'warn',
    ...UNLIMITED_ENV,
    ...options.env,
  };
  const pin = options.cpu !== undefined && fs.existsSync('/usr/bin/taskset');
  const cmd = pin ? '/usr/bin/taskset' : process.execPath;
  const node = [...(options.nodeArgs ?? []), BIN, 'serve'];
  const args = pin ? ['-c', String(options.cpu), process.execPath, ...node] : node;
  const proc = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  proc.stderr?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (gone) throw new Error(`kyoso serve exited before it answered:\n${out}`);
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`kyoso serve did not answer /healthz within 60 s:\n${out}`);
    }
    try {
      const r = await request(`${baseUrl}/healthz`, { method: 'GET' });
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    proc,
    pid: proc.pid as number,
    baseUrl,
    output: () => out,
    async stop() {
      if (!gone) proc.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (!gone) proc.kill('SIGKILL');
      await exited;
    },
  };
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with node:http (through `agent` when given); resolves with the whole answer. */
export function request(
  url: string,
  options: { method: string; headers?: Record<string, string>; body?: string; agent?: http.Agent },
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method, headers: options.headers, agent: options.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface Target {
  consultationId: number;
  /** Node ids an opinion can be about (the measures of the consultation's version). */
  sectionIds: number[];
}

/**
 * An open consultation (open since yesterday, for 30 days) on the current plan version, written directly
 * to the database (the server may be running: SQLite in WAL mode takes a second writer).
 */
export async function createOpenConsultation(dbFile: string): Promise<Target> {
  const db = openDatabase(dbFile);
  try {
    const now = Date.now();
    const consultationId = await buildConsultation(db, {
      opensAt: new Date(now - 86_400_000).toISOString(),
      closesAt: new Date(now + 30 * 86_400_000).toISOString(),
      title: `負荷試験用の意見募集 ${new Date(now).toISOString()}`,
    });
    const c = await db.kysely
      .selectFrom('consultations')
      .select('version_id')
      .where('id', '=', consultationId)
      .executeTakeFirstOrThrow();
    const nodes = await db.kysely
      .selectFrom('plan_nodes')
      .select('id')
      .where('version_id', '=', c.version_id)
      .where('kind', '=', 'measure')
      .orderBy('id')
      .execute();
    return { consultationId, sectionIds: nodes.map((n) => n.id) };
  } finally {
    await db.close();
  }
}

export interface FormSession {
  /** The Cookie header to send (the CSRF secret). */
  cookie: string;
  /** The form's `_csrf` token. */
  csrf: string;
}

/** GET /consultations/:id/form: the CSRF cookie and the token of the form (reusable for many posts). */
export async function formSession(baseUrl: string, consultationId: number): Promise<FormSession> {
  const r = await request(`${baseUrl}/consultations/${consultationId}/form`, { method: 'GET' });
  if (r.status !== 200) throw new Error(`GET /consultations/${consultationId}/form answered ${r.status}`);
  const setCookie = r.headers['set-cookie'] ?? [];
  const cookie = setCookie.map((c) => c.split(';')[0]).join('; ');
  const m =
    /name="_csrf"[^>]*value="([^"]+)"/.exec(r.body) ?? /value="([^"]+)"[^>]*name="_csrf"/.exec(r.body);
  if (!cookie || !m?.[1]) throw new Error('the form carries no CSRF cookie or _csrf field');
  return { cookie, csrf: m[1] };
}

const BODIES = [
  '子育て世代が住みやすいよう、公園や遊び場の整備を進めてほしい。',
  '公共交通の本数が少なく、高齢者が通院に困っている。デマンド交通を検討してほしい。',
  '計画全体として、市民との協創をもっと具体的に書いてほしい。数値目標も示すべきだと思う。',
  '商店街の空き店舗を活用し、若い人が起業しやすい支援策を盛り込んでほしい。',
];

/**
 * The urlencoded body of the `n`th submission of run `runId`: unique (the opinion carries the run and the
 * number, so the duplicate check never refuses it), one or two opinions, an e-mail on every fifth (which
 * also queues a receipt mail), field names as read by intake.schema.ts.
 */
export function submissionBody(target: Target, session: FormSession, runId: string, n: number): string {
  const s = target.sectionIds;
  const f = new URLSearchParams();
  f.set('_csrf', session.csrf);
  f.set('name', `負荷 太郎${n}`);
  f.set('address', `山陽小野田市日の出一丁目${n}番`);
  f.set('category', 'resident');
  f.set('categoryNote', '');
  f.set('email', n % 5 === 0 ? `load${n}@example.jp` : '');
  f.set('phone', '');
  f.set('website', '');
  f.set('section-1', String(s.length ? s[n % s.length] : 'whole'));
  f.set('opinion-1', `${BODIES[n % BODIES.length]}（試験 ${runId}-${n}）`);
  if (n % 2 === 0) {
    f.set('section-2', 'whole');
    f.set('opinion-2', `${BODIES[(n + 1) % BODIES.length]}（${runId}-${n} の二つ目）`);
  }
  return f.toString();
}

/** The receipt page's token from the Location of a 303, or null. */
export function receiptToken(location: string | undefined): string | null {
  return /\/receipt\/([A-Za-z0-9_-]{43})(?:[?#]|$)/.exec(location ?? '')?.[1] ?? null;
}

/** POSTs one submission; `token` is the receipt token when the answer is a 303 to a receipt page. */
export async function postSubmission(
  baseUrl: string,
  target: Target,
  session: FormSession,
  body: string,
  agent: http.Agent,
): Promise<{ status: number; token: string | null }> {
  const r = await request(`${baseUrl}/consultations/${target.consultationId}/submit`, {
    method: 'POST',
    agent,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body)),
      cookie: session.cookie,
    },
    body,
  });
  return { status: r.status, token: r.status === 303 ? receiptToken(r.headers.location) : null };
}

export const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

export interface Verification {
  /** Acknowledged receipts looked for. */
  acknowledged: number;
  /** Of those, found in submissions (by the receipt token's hash). */
  present: number;
  /** Tokens acknowledged but absent (must be empty). */
  missing: string[];
  /** Rows in submissions of the consultation (acknowledged, plus any written whose answer was lost). */
  rows: number;
  /** Opinions of the consultation. */
  opinions: number;
  /** PRAGMA integrity_check's answer ('ok'). */
  integrity: string;
}

/** Opens the database (the server stopped or killed) and checks every acknowledged receipt is there. */
export async function verifyReceipts(
  dbFile: string,
  consultationId: number,
  tokens: Iterable<string>,
): Promise<Verification> {
  const db = openDatabase(dbFile);
  try {
    const integrity = (await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db.kysely)).rows
      .map((r) => r.integrity_check)
      .join('; ');
    const stored = new Set(
      (
        await db.kysely
          .selectFrom('submissions')
          .select('receipt_token_hash')
          .where('consultation_id', '=', consultationId)
          .execute()
      ).map((r) => r.receipt_token_hash),
    );
    const opinions = await db.kysely
      .selectFrom('opinions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('consultation_id', '=', consultationId)
      .executeTakeFirstOrThrow();
    const list = [...tokens];
    const missing = list.filter((t) => !stored.has(sha256(t)));
    return {
      acknowledged: list.length,
      present: list.length - missing.length,
      missing,
      rows: stored.size,
      opinions: Number(opinions.n),
      integrity,
    };
  } finally {
    await db.close();
  }
}
