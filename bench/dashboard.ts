/**
 * In-process render time of the public indicator pages with the sample data (bench/README.md, section
 * "dashboard.ts").
 *
 *   node --import tsx bench/dashboard.ts
 *
 * On SQLite (and PostgreSQL too when KYOSO_TEST_PG_URL is set) it seeds a fresh database with the bundled
 * plan and the sample indicators (loadSampleKpi, as `npm start` does), builds the app as `kyoso serve`
 * does, and times app.inject() one call after another, the cases interleaved in blocks:
 *   - /dashboard                              (every indicator of the plan, grouped and rolled up)
 *   - the measure page with the most indicators (one chart per indicator, from the chart cache)
 *   - /plan                                   (reference: the whole plan's text, no indicators)
 *   - /healthz                                (reference: framework + plugins + one `select 1`)
 * It prints median and p95 in ms and the number of SQL queries per page, and exits 1 when a median
 * exceeds the target (issue: "The dashboard and the largest measure page render in ≤ 10 ms median").
 * It also times one cold chart render (what the cache saves).
 *
 * Environment: BENCH_DASH_N (500 timed calls per case), BENCH_DASH_WARMUP (50), BENCH_DASH_TARGET_MS (10),
 * BENCH_DASH_OUT (bench/results/dashboard.json), KYOSO_TEST_PG_URL (optional).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { build } from '../src/app.ts';
import { seedIfEmpty } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import type { Dialect } from '../src/db/database.ts';
import { clearChartCache, indicatorChartSvg } from '../src/modules/kpi/kpi.chart.ts';
import { loadSampleKpi } from '../src/modules/kpi/kpi.sample.ts';
import { loadKpiBoard } from '../src/modules/kpi/kpi.service.ts';
import { getCurrentPlan } from '../src/modules/plan/plan.service.ts';
import { createTestDb } from '../test/support/db.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MUNICIPALITY = '352161';

function numEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`${name} must be a number ≥ 0, got ${JSON.stringify(raw)}`);
  return n;
}
const N = Math.max(1, Math.round(numEnv('BENCH_DASH_N', 500)));
const WARMUP = Math.round(numEnv('BENCH_DASH_WARMUP', 50));
const TARGET_MS = numEnv('BENCH_DASH_TARGET_MS', 10);
const BLOCK = 25;
const OUT = process.env.BENCH_DASH_OUT || path.join(ROOT, 'bench', 'results', 'dashboard.json');

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
const r2 = (x: number) => Math.round(x * 100) / 100;

interface Stat {
  url: string;
  medianMs: number;
  p95Ms: number;
  queries: number;
  bytes: number;
}

async function run(dialect: Dialect) {
  let queries = 0;
  const db = await createTestDb(dialect, { onQuery: () => void queries++ });
  try {
    const config = { ...loadConfig({}), databaseUrl: db.url, logLevel: 'warn' };
    await seedIfEmpty(db, { ...config, seed: true });
    const loaded = await loadSampleKpi(db, { municipalityCode: MUNICIPALITY, at: new Date() });
    const app: FastifyInstance = await build({ config, db, logger: { level: 'warn' }, rateLimitMax: 1e9 });
    await app.ready();
    try {
      const tree = (await getCurrentPlan(db, MUNICIPALITY))!;
      const board = await loadKpiBoard(db, { municipalityCode: MUNICIPALITY, planId: tree.version.plan.id });
      const perNode = new Map<string, number>();
      for (const s of board.statuses)
        if (s.indicator.nodePath.includes('/'))
          perNode.set(s.indicator.nodePath, (perNode.get(s.indicator.nodePath) ?? 0) + 1);
      const [largest, count] = [...perNode.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['1/1', 0];
      const urls = ['/dashboard', `/plan/${largest}`, '/plan', '/healthz'];

      // One cold chart render (what the cache saves on every later request).
      clearChartCache();
      const cold: number[] = [];
      for (const s of board.statuses.slice(0, 20)) {
        const t0 = performance.now();
        indicatorChartSvg(s, 'ja');
        cold.push(performance.now() - t0);
      }
      cold.sort((a, b) => a - b);

      const times = new Map<string, number[]>(urls.map((u) => [u, []]));
      const q = new Map<string, number>();
      const bytes = new Map<string, number>();
      for (const u of urls) {
        for (let i = 0; i < WARMUP; i++) await app.inject(u);
        queries = 0;
        const res = await app.inject(u);
        if (res.statusCode !== 200) throw new Error(`${u}: ${res.statusCode}`);
        q.set(u, queries);
        bytes.set(u, res.rawPayload.length);
      }
      for (let done = 0; done < N; done += BLOCK)
        for (const u of urls)
          for (let i = 0; i < Math.min(BLOCK, N - done); i++) {
            const t0 = performance.now();
            await app.inject(u);
            times.get(u)!.push(performance.now() - t0);
          }
      const stats: Stat[] = urls.map((u) => {
        const s = times.get(u)!.sort((a, b) => a - b);
        return {
          url: u,
          medianMs: r2(pct(s, 50)),
          p95Ms: r2(pct(s, 95)),
          queries: q.get(u)!,
          bytes: bytes.get(u)!,
        };
      });
      return {
        dialect,
        sample: loaded,
        indicatorsOnLargestMeasure: count,
        coldChartMedianMs: r2(pct(cold, 50)),
        stats,
      };
    } finally {
      await app.close();
    }
  } finally {
    await db.drop();
  }
}

const dialects: Dialect[] = process.env.KYOSO_TEST_PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
const results = [];
let failed = false;
for (const d of dialects) {
  const r = await run(d);
  results.push(r);
  console.log(
    `\n${d}: sample ${r.sample.indicators} indicators, ${r.sample.actuals} actuals; largest measure ${r.stats[1]!.url} (${r.indicatorsOnLargestMeasure} indicators); one chart rendered cold: median ${r.coldChartMedianMs} ms`,
  );
  console.log('page                     median ms   p95 ms   queries   bytes');
  for (const s of r.stats) {
    console.log(
      `${s.url.padEnd(24)} ${String(s.medianMs).padStart(9)} ${String(s.p95Ms).padStart(8)} ${String(s.queries).padStart(9)} ${String(s.bytes).padStart(7)}`,
    );
    if (s.url !== '/healthz' && s.url !== '/plan' && s.medianMs > TARGET_MS) {
      failed = true;
      console.log(`  ✗ ${s.url}: median ${s.medianMs} ms > target ${TARGET_MS} ms`);
    }
  }
}
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(
  OUT,
  `${JSON.stringify({ at: new Date().toISOString(), cpus: os.cpus().length, n: N, targetMs: TARGET_MS, results }, null, 2)}\n`,
);
console.log(`\nwritten ${path.relative(ROOT, OUT)}`);
process.exit(failed ? 1 : 0);
