/**
 * National-scale indicators on PostgreSQL (issue #5, bench/README.md "Indicators at national scale"):
 * 1,741 municipalities × 300 indicators × 12 fiscal years ≈ 6.3 million actuals, then one city's
 * dashboard timed.
 *
 *   node --import tsx bench/kpi-national.ts [generate|measure|all|drop] [postgres://admin-url]
 *
 * The admin URL is the argument or KYOSO_TEST_PG_URL (a server on which we may CREATE DATABASE). The data
 * set goes into its own database, BENCH_KPI_DB (default kpi_national), created and migrated with
 * migrateToLatest; `generate` builds it once (skipped when it is already complete), `measure` times it
 * (rerun as often as needed), `all` (the default) does both, `drop` removes the database.
 *
 * Generation is set-based SQL, in one session: INSERT … SELECT over generate_series for municipalities,
 * plans, departments, measure owners, indicators, yearly targets and actuals; foreign-key triggers are
 * off for the load (session_replication_role = replica; the rows are consistent by construction) and the
 * actuals' primary key and unique constraint are dropped during the load and rebuilt after it (one sorted
 * build instead of 6.3 million index insertions). Actuals are inserted fiscal year by fiscal year, as
 * cities enter them, so one city's rows lie in 12 separate stretches of the table, not in one. The
 * history table (indicator_actual_history) is left empty: no dashboard query reads it (the staff
 * history page reads one indicator's history by its own index).
 *
 * The city under test is 352161 (Sanyo-Onoda) with the real bundled plan imported (as the first start
 * does) and its 300 indicators spread over its 9 measures and 3 重点施策, each measure led by a
 * department. Then, after ANALYZE:
 *   - loadKpiBoard() (the four queries and the computation of every indicator's status), p50/p95;
 *   - when the public dashboard exists (GET /dashboard), the whole page through app.inject(), p50/p95;
 *   - EXPLAIN (ANALYZE, BUFFERS) of every query of one loadKpiBoard() and one dashboard request, and the
 *     indexes of the indicator tables with their sizes, written to bench/results/kpi-national-plans.txt;
 *   - figures in bench/results/kpi-national.json. Exits 1 when a p95 exceeds BENCH_KPI_TARGET_MS (100).
 *
 * Environment: BENCH_KPI_DB, BENCH_KPI_N (200 timed calls), BENCH_KPI_WARMUP (20),
 * BENCH_KPI_MUNICIPALITIES (1741), BENCH_KPI_INDICATORS (300), BENCH_KPI_TARGET_MS (100).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CompiledQuery, sql } from 'kysely';
import pg from 'pg';
import { build } from '../src/app.ts';
import { seedIfEmpty } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/connection.ts';
import type { Db } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { loadKpiBoard } from '../src/modules/kpi/kpi.service.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CITY = '352161';
const FIRST_FY = 2014;
const YEARS = 12; // FY2014–FY2025
const NODE_PATHS = ['1', '1/1', '1/2', '2', '2/1', '2/2', '2/3', '3', '3/1', '3/2', '3/3', '3/4'];
const MEASURES = NODE_PATHS.filter((p) => p.includes('/'));

function numEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number ≥ ${min}, got ${raw}`);
  return n;
}
const MUNICIPALITIES = Math.round(numEnv('BENCH_KPI_MUNICIPALITIES', 1741, 1));
const INDICATORS = Math.round(numEnv('BENCH_KPI_INDICATORS', 300, 1));
const N = Math.round(numEnv('BENCH_KPI_N', 200, 1));
const WARMUP = Math.round(numEnv('BENCH_KPI_WARMUP', 20, 0));
const TARGET_MS = numEnv('BENCH_KPI_TARGET_MS', 100, 0);
const DB_NAME = process.env.BENCH_KPI_DB || 'kpi_national';
if (!/^[a-z_][a-z0-9_]*$/.test(DB_NAME)) throw new Error('BENCH_KPI_DB must be a plain lower-case name');
const OUT_JSON = path.join(ROOT, 'bench', 'results', 'kpi-national.json');
const OUT_PLANS = path.join(ROOT, 'bench', 'results', 'kpi-national-plans.txt');

const args = process.argv.slice(2);
const mode = args.find((a) => ['generate', 'measure', 'all', 'drop'].includes(a)) ?? 'all';
const adminUrl = args.find((a) => /^postgres(ql)?:\/\//.test(a)) ?? process.env.KYOSO_TEST_PG_URL;
if (!adminUrl) {
  process.stderr.write('Give a PostgreSQL admin URL as an argument or in KYOSO_TEST_PG_URL.\n');
  process.exit(2);
}
const benchUrl = (() => {
  const u = new URL(adminUrl);
  u.pathname = `/${DB_NAME}`;
  return u.toString();
})();

function log(msg: string) {
  process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function databaseExists(): Promise<boolean> {
  return admin(
    async (c) => (await c.query('select 1 from pg_database where datname = $1', [DB_NAME])).rowCount === 1,
  );
}

async function timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const r = await fn();
  log(`${what}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return r;
}

/** Whether the data set is complete (the last step of generate writes a marker comment). */
async function generated(db: Db): Promise<boolean> {
  const r = await sql<{
    c: string | null;
  }>`select obj_description('indicator_actuals'::regclass) as c`.execute(db.kysely);
  return r.rows[0]?.c === `kpi-national ${MUNICIPALITIES}x${INDICATORS}x${YEARS}`;
}

async function generate(): Promise<void> {
  if (!(await databaseExists())) {
    await admin((c) => c.query(`create database ${DB_NAME}`));
    log(`created database ${DB_NAME}`);
  }
  const db = openDatabase(benchUrl, { poolSize: 1 });
  try {
    await migrateToLatest(db);
    if (await generated(db)) {
      log('data set already generated: kept (drop it with `drop`)');
      return;
    }
    const n = await db.kysely
      .selectFrom('indicators')
      .select((e) => e.fn.countAll().as('n'))
      .executeTakeFirst();
    if (Number(n?.n) > 0) throw new Error(`${DB_NAME} holds a partial data set: run \`drop\` first`);
    const t0 = performance.now();
    // The real city first, exactly as the first start does.
    await timed('import the bundled plan of 352161', () =>
      seedIfEmpty(db, { municipality: CITY, seed: true }),
    );
    const k = db.kysely;
    await k.connection().execute(async (c) => {
      const run = (what: string, q: ReturnType<typeof sql>) => timed(what, () => q.execute(c));
      await sql`set session_replication_role = replica`.execute(c);
      await sql`set synchronous_commit = off`.execute(c);
      await sql`set maintenance_work_mem = '512MB'`.execute(c);
      await sql`set work_mem = '64MB'`.execute(c);
      await sql`select setseed(0.352161)`.execute(c);
      const at = '2026-04-01T00:00:00.000Z';
      await run(
        'municipalities',
        sql`insert into municipalities (code, name, created_at)
            select lpad((100000 + g * 97)::text, 6, '0'), '市町村' || g, ${at}::timestamptz
            from generate_series(1, ${MUNICIPALITIES - 1}::int) g
            where lpad((100000 + g * 97)::text, 6, '0') <> ${CITY}`,
      );
      await run(
        'plans',
        sql`insert into plans (municipality_code, title, period_start_fy, period_end_fy, created_at)
            select code, '総合計画 基本計画', 2022, 2027, ${at}::timestamptz from municipalities
            where code <> ${CITY}`,
      );
      await run(
        'departments (9 per municipality)',
        sql`insert into departments (municipality_code, name, position, created_at)
            select m.code, '第' || d || '課', d, ${at}::timestamptz
            from municipalities m cross join generate_series(1, ${MEASURES.length}::int) d
            order by m.code, d`,
      );
      await run(
        'measure owners (a lead department per measure)',
        sql`insert into measure_departments (municipality_code, plan_id, node_path, department_id, role)
            select p.municipality_code, p.id, (${MEASURES}::text[])[d.position], d.id, 'lead'
            from plans p join departments d on d.municipality_code = p.municipality_code`,
      );
      await run(
        `indicators (${INDICATORS} per municipality)`,
        sql`insert into indicators (municipality_code, plan_id, node_path, position, name, definition, source,
              unit, direction, range_min, range_max, decimals, baseline_value, baseline_fy, target_value,
              target_fy, department_id, is_sample, lock_version, created_at, updated_at)
            select p.municipality_code, p.id,
              (${NODE_PATHS}::text[])[(g - 1) % ${NODE_PATHS.length}::int + 1],
              (g - 1) / ${NODE_PATHS.length}::int + 1,
              '指標' || g, '指標' || g || 'の定義（ベンチマーク用）', 'ベンチマーク用の架空の出典', '件',
              case when g % 10 = 0 then 'range' when g % 4 = 0 then 'down' else 'up' end,
              case when g % 10 = 0 then 90 end, case when g % 10 = 0 then 110 end,
              g % 3, 100, ${FIRST_FY - 1}::int,
              case when g % 10 = 0 then 100 when g % 4 = 0 then 60 else 160 end,
              2027, null, 0, 1, ${at}::timestamptz, ${at}::timestamptz
            from plans p cross join generate_series(1, ${INDICATORS}::int) g
            order by p.municipality_code, g`,
      );
      await run(
        'yearly targets (2 for every 5th indicator)',
        sql`insert into indicator_targets (municipality_code, indicator_id, fiscal_year, value)
            select i.municipality_code, i.id, fy, i.baseline_value + (i.target_value - i.baseline_value) * (fy - i.baseline_fy) / 14.0
            from indicators i cross join (values (2018), (2022)) v(fy)
            where i.id % 5 = 0 and i.direction <> 'range'`,
      );
      // The actuals' key and unique constraint: dropped for the load, rebuilt after it.
      const cons = await sql<{ name: string; def: string }>`
        select conname as name, pg_get_constraintdef(oid) as def from pg_constraint
        where conrelid = 'indicator_actuals'::regclass and contype in ('p', 'u')`.execute(c);
      for (const r of cons.rows)
        await sql.raw(`alter table indicator_actuals drop constraint ${r.name}`).execute(c);
      for (let fy = FIRST_FY; fy < FIRST_FY + YEARS; fy++) {
        await run(
          `actuals FY${fy}`,
          sql`insert into indicator_actuals (municipality_code, indicator_id, fiscal_year, value, status, note,
                entered_by, entered_by_name, entered_at, is_sample, lock_version)
              select i.municipality_code, i.id, ${fy}::int,
                round((i.baseline_value + (i.target_value - i.baseline_value) * (${fy}::int - i.baseline_fy) / 14.0
                  * (0.4 + random() * 0.9))::numeric, 1)::double precision,
                case when ${fy}::int = ${FIRST_FY + YEARS - 1}::int and i.id % 3 = 0 then 'preliminary' else 'final' end,
                '', null, 'ベンチマーク', ${`${fy + 1}-06-30T00:00:00.000Z`}::timestamptz, 0, 1
              from indicators i order by i.municipality_code, i.id`,
        );
      }
      for (const r of cons.rows)
        await run(
          `rebuild ${r.name}`,
          sql.raw(`alter table indicator_actuals add constraint ${r.name} ${r.def}`),
        );
      await sql`set session_replication_role = origin`.execute(c);
      await sql`select setval(pg_get_serial_sequence('indicator_actuals', 'id'), (select max(id) from indicator_actuals))`.execute(
        c,
      );
      await run('vacuum analyze', sql`vacuum analyze`);
      await sql
        .raw(`comment on table indicator_actuals is 'kpi-national ${MUNICIPALITIES}x${INDICATORS}x${YEARS}'`)
        .execute(c);
    });
    log(`generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await db.close();
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

interface Stat {
  what: string;
  n: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

async function time(what: string, fn: () => Promise<unknown>): Promise<Stat> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  const s = {
    what,
    n: N,
    p50Ms: r(percentile(ms, 50)),
    p95Ms: r(percentile(ms, 95)),
    p99Ms: r(percentile(ms, 99)),
    maxMs: r(ms[ms.length - 1] as number),
  };
  log(`${what}: p50 ${s.p50Ms} ms, p95 ${s.p95Ms} ms, p99 ${s.p99Ms} ms (n=${N})`);
  return s;
}

/** EXPLAIN (ANALYZE, BUFFERS) of captured queries, with their parameters. */
async function explain(db: Db, title: string, queries: CompiledQuery[]): Promise<string> {
  const out: string[] = [`==== ${title}`];
  for (const q of queries) {
    const r = await db.kysely.executeQuery({
      ...q,
      sql: `explain (analyze, buffers, costs off) ${q.sql}`,
    } as CompiledQuery);
    const shown =
      q.parameters.length > 8
        ? `[${q.parameters.slice(0, 8).join(', ')}, … ${q.parameters.length} in all]`
        : JSON.stringify(q.parameters);
    out.push(`-- ${q.sql}\n-- parameters: ${shown}`);
    for (const row of r.rows as Array<Record<string, string>>) out.push(Object.values(row)[0] as string);
    out.push('');
  }
  return out.join('\n');
}

async function measure(): Promise<void> {
  if (!(await databaseExists())) throw new Error(`no database ${DB_NAME}: run \`generate\` first`);
  let capture: CompiledQuery[] | null = null;
  const db = openDatabase(benchUrl, {
    onQuery: (e) => {
      if (capture && e.level === 'query') capture.push(e.query);
    },
  });
  try {
    if (!(await generated(db))) throw new Error(`${DB_NAME} is not a complete data set: run \`generate\``);
    await sql`analyze`.execute(db.kysely);
    const counts = await sql<{ t: string; n: number }>`
      select 'municipalities' as t, count(*)::int as n from municipalities
      union all select 'indicators', count(*)::int from indicators
      union all select 'indicator_targets', count(*)::int from indicator_targets
      union all select 'indicator_actuals', count(*)::int from indicator_actuals
      union all select 'indicator_actual_history', count(*)::int from indicator_actual_history`.execute(
      db.kysely,
    );
    const rows = Object.fromEntries(counts.rows.map((r) => [r.t, Number(r.n)]));
    log(`rows: ${JSON.stringify(rows)}`);
    const plan = await db.kysely
      .selectFrom('plans')
      .select('id')
      .where('municipality_code', '=', CITY)
      .executeTakeFirstOrThrow();
    const filter = { municipalityCode: CITY, planId: Number(plan.id) };
    const board = await loadKpiBoard(db, filter);
    if (board.statuses.length !== INDICATORS)
      throw new Error(`expected ${INDICATORS} indicators, got ${board.statuses.length}`);
    const actualsSeen = board.statuses.reduce((s, x) => s + x.actuals.length, 0);
    log(`the city's board: ${board.statuses.length} indicators, ${actualsSeen} actuals`);

    const loadBefore = os.loadavg()[0] as number;
    log(`load average before timing: ${loadBefore.toFixed(2)} (${os.cpus().length} cores)`);
    const stats: Stat[] = [];
    stats.push(await time('loadKpiBoard (352161, 300 indicators)', () => loadKpiBoard(db, filter)));
    capture = [];
    await loadKpiBoard(db, filter);
    const boardQueries = capture;
    capture = null;
    let plans = await explain(db, 'loadKpiBoard(352161): every query', boardQueries);

    const app = await build({
      config: { ...loadConfig({}), databaseUrl: benchUrl, municipality: CITY, logLevel: 'silent' },
      db,
      logger: false,
      rateLimitMax: 1_000_000_000,
    });
    await app.ready();
    let dashboard: { status: number; queries: number } | null = null;
    try {
      const probe = await app.inject({ method: 'GET', url: '/dashboard' });
      if (probe.statusCode === 404) {
        log('GET /dashboard is not built yet (404): the page is not timed');
      } else {
        if (probe.statusCode !== 200) throw new Error(`GET /dashboard answered ${probe.statusCode}`);
        stats.push(
          await time('GET /dashboard via app.inject (352161)', async () => {
            const r = await app.inject({ method: 'GET', url: '/dashboard' });
            if (r.statusCode !== 200) throw new Error(`GET /dashboard answered ${r.statusCode}`);
          }),
        );
        capture = [];
        await app.inject({ method: 'GET', url: '/dashboard' });
        const pageQueries = capture;
        capture = null;
        dashboard = { status: 200, queries: pageQueries.length };
        log(`GET /dashboard runs ${pageQueries.length} queries`);
        plans += `\n${await explain(db, 'GET /dashboard: every query', pageQueries)}`;
      }
    } finally {
      await app.close();
    }

    const indexes = await sql<{ table: string; index: string; size: string; def: string }>`
      select t.relname as table, c.relname as index, pg_size_pretty(pg_relation_size(c.oid)) as size,
             pg_get_indexdef(c.oid) as def
      from pg_index x join pg_class c on c.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
      where t.relname in ('indicators', 'indicator_targets', 'indicator_actuals', 'measure_departments')
      order by t.relname, c.relname`.execute(db.kysely);
    const sizes = await sql<{ table: string; size: string }>`
      select c.relname as table, pg_size_pretty(pg_total_relation_size(c.oid)) as size from pg_class c
      where c.oid in ('indicators'::regclass, 'indicator_targets'::regclass, 'indicator_actuals'::regclass)
      order by c.relname`.execute(db.kysely);
    const indexText = [
      '==== indexes of the tables the dashboard reads',
      ...indexes.rows.map((r) => `${r.table}\t${r.index}\t${r.size}\t${r.def}`),
      '',
      '==== table sizes (with indexes)',
      ...sizes.rows.map((r) => `${r.table}\t${r.size}`),
      '',
    ].join('\n');
    const pgVersion = (
      await sql<{ v: string }>`select current_setting('server_version') as v`.execute(db.kysely)
    ).rows[0]?.v;
    fs.mkdirSync(path.dirname(OUT_PLANS), { recursive: true });
    fs.writeFileSync(
      OUT_PLANS,
      `kpi-national: ${new Date().toISOString()}, PostgreSQL ${pgVersion}, rows ${JSON.stringify(rows)}\n\n${indexText}\n${plans}`,
    );
    const result = {
      date: new Date().toISOString(),
      postgres: pgVersion,
      rows,
      cityIndicators: board.statuses.length,
      cityActuals: actualsSeen,
      dashboard,
      targetP95Ms: TARGET_MS,
      cores: os.cpus().length,
      loadAverage: { before: loadBefore, after: os.loadavg()[0] },
      stats,
    };
    fs.writeFileSync(OUT_JSON, `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${path.relative(ROOT, OUT_JSON)} and ${path.relative(ROOT, OUT_PLANS)}`);
    const over = stats.filter((s) => s.p95Ms > TARGET_MS);
    if (over.length) {
      log(`p95 over ${TARGET_MS} ms: ${over.map((s) => s.what).join(', ')}`);
      process.exitCode = 1;
    }
  } finally {
    await db.close();
  }
}

async function drop(): Promise<void> {
  await admin((c) => c.query(`drop database if exists ${DB_NAME} with (force)`));
  log(`dropped database ${DB_NAME}`);
}

if (mode === 'drop') await drop();
else {
  if (mode === 'generate' || mode === 'all') await generate();
  if (mode === 'measure' || mode === 'all') await measure();
}
