/**
 * In-process server render time of the largest measure page and of the top page (bench/README.md).
 *
 *   node --import tsx bench/render.ts     (`npm run bench` runs this first, then bench/run.sh)
 *
 * For each database (SQLite always; PostgreSQL too when KYOSO_TEST_PG_URL is set) it seeds a fresh
 * database with the bundled plan, builds the app as `kyoso serve` does and times, one call after another
 * (the cases interleaved in blocks so that noise from elsewhere on the machine hits them alike):
 *   - app.inject() of the largest measure page and of /   (the whole server path without the socket)
 *   - app.inject() of /healthz                             (framework + plugins + one `select 1`)
 *   - getCurrentPlan()                                     (the queries and the tree every plan page loads)
 *   - renderToString() of MeasurePage and of TopPage       (the view alone, from an already loaded tree)
 * and prints median, p95 and p99 in ms. Exits 1 when the median inject of the measure page exceeds the
 * target (issue: "Server render of the largest measure page: median ≤ 5 ms") on any database.
 *
 * Environment: BENCH_RENDER_N (2000 timed calls), BENCH_RENDER_WARMUP (200), BENCH_RENDER_TARGET_MS (5),
 * BENCH_RENDER_OUT (bench/results/render.json), KYOSO_TEST_PG_URL (PostgreSQL admin URL, optional).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { build } from '../src/app.ts';
import { seedIfEmpty } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import type { Dialect } from '../src/db/database.ts';
import { findNodeByPath, getCurrentPlan } from '../src/modules/plan/plan.service.ts';
import type { PlanTree } from '../src/modules/plan/plan.types.ts';
import { MeasurePage } from '../src/modules/plan/views/nodes.tsx';
import { TopPage } from '../src/modules/plan/views/top.tsx';
import type { PageContext } from '../src/web/context.ts';
import { translator } from '../src/web/i18n/messages.ts';
import { createTestDb, type TestDb } from '../test/support/db.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MUNICIPALITY = '352161';

function numEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min)
    throw new Error(`${name} must be a number ≥ ${min}, got ${JSON.stringify(raw)}`);
  return n;
}
const N = Math.round(numEnv('BENCH_RENDER_N', 2000, 1));
const WARMUP = Math.round(numEnv('BENCH_RENDER_WARMUP', 200, 0));
const TARGET_MS = numEnv('BENCH_RENDER_TARGET_MS', 5, 0);
const BLOCK = 50;
/** As bench/run.sh: the per-address rate limit must not answer 429 under the benchmark's load. */
const RATE_LIMIT = 1_000_000_000;
const OUT = process.env.BENCH_RENDER_OUT || path.join(ROOT, 'bench', 'results', 'render.json');

interface Stat {
  what: string;
  n: number;
  medianMs: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
  minMs: number;
}

/** Nearest-rank percentile of sorted values. */
function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
const r3 = (x: number) => Math.round(x * 1000) / 1000;

interface Case {
  what: string;
  fn: () => unknown;
}

/**
 * Warms every case up (WARMUP calls), then times N calls of each, one call after another, the cases
 * interleaved in blocks of BLOCK calls: a burst of load from elsewhere on the machine then hits every
 * case alike instead of spoiling one of them.
 */
async function measureInterleaved(cases: Case[]): Promise<Stat[]> {
  for (const c of cases) for (let i = 0; i < WARMUP; i++) await c.fn();
  const times = cases.map(() => [] as number[]);
  for (let done = 0; done < N; done += BLOCK) {
    const n = Math.min(BLOCK, N - done);
    for (const [k, c] of cases.entries()) {
      const ms = times[k]!;
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await c.fn();
        ms.push(performance.now() - t0);
      }
    }
  }
  return cases.map((c, k) => {
    const ms = times[k]!.sort((a, b) => a - b);
    const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
    return {
      what: c.what,
      n: ms.length,
      medianMs: r3(pct(ms, 50)),
      p95Ms: r3(pct(ms, 95)),
      p99Ms: r3(pct(ms, 99)),
      meanMs: r3(mean),
      minMs: r3(ms[0]!),
    };
  });
}

async function get(app: FastifyInstance, url: string): Promise<string> {
  const res = await app.inject({ url });
  if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}`);
  return res.body;
}

/** The measure page with the most bytes among those linked from / (as bench/run.sh picks it). */
async function largestMeasurePage(
  app: FastifyInstance,
): Promise<{ url: string; bytes: number; count: number }> {
  const top = await get(app, '/');
  const urls = [...new Set([...top.matchAll(/href="(\/plan\/\d+\/\d+)"/g)].map((m) => m[1]!))];
  if (urls.length === 0) throw new Error('the top page links no measure page (/plan/N/M)');
  let best = { url: '', bytes: -1 };
  for (const url of urls) {
    const bytes = Buffer.byteLength(await get(app, url));
    if (bytes > best.bytes) best = { url, bytes };
  }
  return { ...best, count: urls.length };
}

function ctxFor(tree: PlanTree, urlPath: string): PageContext {
  return {
    locale: 'ja',
    t: translator('ja'),
    path: urlPath,
    municipalityName: tree.version.municipality.name,
    requestId: 'bench',
    staff: null,
    csrfToken: null,
  };
}

/**
 * The app as `kyoso serve` builds it (Fastify logger on at level warn, as bench/run.sh runs the server;
 * the rate limit lifted the same way), on a fresh database seeded with the bundled plan.
 */
async function serverLikeApp(db: TestDb): Promise<FastifyInstance> {
  const config = { ...loadConfig({}), databaseUrl: db.url, logLevel: 'warn' };
  await seedIfEmpty(db, { ...config, seed: true });
  const app = await build({ config, db, logger: { level: 'warn' }, rateLimitMax: RATE_LIMIT });
  await app.ready();
  return app;
}

/** Queries per request, counted on a database of its own (Kysely's query log slows every query down a little). */
async function countQueries(dialect: Dialect, urls: string[]): Promise<Record<string, number>> {
  let queries = 0;
  const db = await createTestDb(dialect, { onQuery: () => void queries++ });
  try {
    const app = await serverLikeApp(db);
    const counts: Record<string, number> = {};
    try {
      for (const url of urls) {
        await get(app, url);
        queries = 0;
        await get(app, url);
        counts[url] = queries;
      }
    } finally {
      await app.close();
    }
    return counts;
  } finally {
    await db.drop();
  }
}

async function benchDialect(dialect: Dialect) {
  const db = await createTestDb(dialect);
  try {
    const app = await serverLikeApp(db);
    try {
      const page = await largestMeasurePage(app);
      const tree = await getCurrentPlan(db, MUNICIPALITY);
      if (!tree) throw new Error('no plan after seeding');
      const found = findNodeByPath(tree, page.url.replace(/^\/plan\//, ''));
      if (!found) throw new Error(`${page.url} is not a node of the tree`);

      const measureView = () =>
        `<!DOCTYPE html>${renderToString(
          h(MeasurePage, { ctx: ctxFor(tree, page.url), tree, policy: found.policy, measure: found.node }),
        )}`;
      const topView = () => `<!DOCTYPE html>${renderToString(h(TopPage, { ctx: ctxFor(tree, '/'), tree }))}`;
      // The pure render must produce what the server sends, or it is not measuring the same thing.
      const viewMatches = {
        measure: measureView() === (await get(app, page.url)),
        top: topView() === (await get(app, '/')),
      };

      const stats = await measureInterleaved([
        { what: `inject GET ${page.url} (largest measure page)`, fn: () => get(app, page.url) },
        { what: 'inject GET /', fn: () => get(app, '/') },
        { what: 'inject GET /healthz (framework + 1 query)', fn: () => app.inject({ url: '/healthz' }) },
        { what: 'getCurrentPlan() (queries + tree)', fn: () => getCurrentPlan(db, MUNICIPALITY) },
        { what: `renderToString(MeasurePage ${page.url})`, fn: measureView },
        { what: 'renderToString(TopPage)', fn: topView },
      ]);
      const queriesPerRequest = await countQueries(dialect, [page.url, '/']);
      return { dialect, page, queriesPerRequest, viewMatches, stats };
    } finally {
      await app.close();
    }
  } finally {
    await db.drop();
  }
}

function table(stats: Stat[]): string {
  const rows = [
    ['what', 'n', 'median ms', 'p95 ms', 'p99 ms', 'mean ms'],
    ...stats.map((s) => [
      s.what,
      String(s.n),
      s.medianMs.toFixed(3),
      s.p95Ms.toFixed(3),
      s.p99Ms.toFixed(3),
      s.meanMs.toFixed(3),
    ]),
  ];
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    `| ${r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join(' | ')} |`;
  return [line(rows[0]!), `| ${w.map((x) => '-'.repeat(x)).join(' | ')} |`, ...rows.slice(1).map(line)].join(
    '\n',
  );
}

const dialects: Dialect[] = ['sqlite'];
if (process.env.KYOSO_TEST_PG_URL) dialects.push('postgres');
else console.log('(PostgreSQL skipped: set KYOSO_TEST_PG_URL to an admin URL to measure it too)');

const [load1] = os.loadavg();
if (load1 !== undefined && load1 > os.cpus().length)
  console.log(
    `warning: load average ${load1.toFixed(2)} on ${os.cpus().length} CPUs: other work is running, timings will be noisy`,
  );

const results = [];
let failed = false;
for (const dialect of dialects) {
  const r = await benchDialect(dialect);
  results.push(r);
  const inject = r.stats[0]!;
  const ok = inject.medianMs <= TARGET_MS;
  if (!ok) failed = true;
  console.log(
    `\n== ${dialect}: largest measure page ${r.page.url} (${r.page.bytes} bytes, of ${r.page.count} linked from /); ` +
      `queries per request: ${Object.entries(r.queriesPerRequest)
        .map(([u, n]) => `${u} ${n}`)
        .join(', ')}; ` +
      `${WARMUP} warm-up + ${N} timed calls each`,
  );
  console.log(table(r.stats));
  if (!r.viewMatches.measure || !r.viewMatches.top)
    console.log(`warning: the pure render differs from the served page: ${JSON.stringify(r.viewMatches)}`);
  console.log(
    `target: median inject of ${r.page.url} ≤ ${TARGET_MS} ms → ${inject.medianMs.toFixed(3)} ms: ${ok ? 'PASS' : 'FAIL'}`,
  );
}

const cpus = os.cpus();
const summary = {
  generatedAt: new Date().toISOString(),
  command: 'tsx bench/render.ts',
  machine: {
    nproc: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageAtEnd: os.loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
  },
  settings: { n: N, warmup: WARMUP, targetMedianMs: TARGET_MS },
  results,
  pass: !failed,
};
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, `${JSON.stringify(summary, null, 2)}\n`);
console.log(`\nsummary written to ${path.relative(process.cwd(), OUT)}`);
process.exit(failed ? 1 : 0);
