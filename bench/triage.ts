/**
 * The triage list with 100,000 opinions (bench/README.md, "Public comment triage").
 *
 *   node --import tsx bench/triage.ts
 *
 * For each database (SQLite always; PostgreSQL too when KYOSO_TEST_PG_URL is set) it seeds a fresh
 * database with the bundled plan, loads BENCH_TRIAGE_OPINIONS opinions (100,000) of a consultation in
 * submissions of 1–5 opinions, with Japanese text built from phrases about the plan's subjects (so that
 * the trigram search meets realistic selectivity: a common subject in about a fifth of the opinions, a
 * rare place name in about one in a thousand), states, channels, categories, departments and groups
 * spread as a contested consultation would have them. Then, for each case, it times BENCH_TRIAGE_N calls
 * (60) of the service (listOpinions: the page and the capped count) and of the whole page through
 * app.inject() as a signed-in planner, and prints p50/p95 in ms. References in the same run:
 * `/healthz` through inject (framework and one query) and an exact, uncapped count(*) of the same
 * filter (what the cap saves). Exits 1 when a service p95 exceeds BENCH_TRIAGE_TARGET_MS (50).
 *
 * Environment: BENCH_TRIAGE_OPINIONS (100000), BENCH_TRIAGE_N (60), BENCH_TRIAGE_WARMUP (5),
 * BENCH_TRIAGE_CASES (a regular expression: only the matching cases),
 * BENCH_TRIAGE_TARGET_MS (50), BENCH_TRIAGE_OUT (bench/results/triage.json), KYOSO_TEST_PG_URL (optional).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { build } from '../src/app.ts';
import { seedIfEmpty } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import type { Dialect } from '../src/db/database.ts';
import {
  getTriageContext,
  listOpinions,
  parseTriageQuery,
} from '../src/modules/consultation/triage.service.ts';
import { mulberry32 } from '../src/shared/random.ts';
import { normalizeForSearch } from '../src/shared/text.ts';
import { createTestDb, type TestDb } from '../test/support/db.ts';
import { buildDepartment, buildStaff, signInAs } from '../test/support/staff.ts';

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
const OPINIONS = Math.round(numEnv('BENCH_TRIAGE_OPINIONS', 100_000, 100));
const N = Math.round(numEnv('BENCH_TRIAGE_N', 60, 50));
const WARMUP = Math.round(numEnv('BENCH_TRIAGE_WARMUP', 5, 0));
const TARGET = numEnv('BENCH_TRIAGE_TARGET_MS', 50, 1);
const OUT = process.env.BENCH_TRIAGE_OUT ?? path.join(ROOT, 'bench/results/triage.json');
/** Only the cases whose name matches (a regular expression), to look at a few. */
const ONLY = process.env.BENCH_TRIAGE_CASES ? new RegExp(process.env.BENCH_TRIAGE_CASES) : null;

// --- text ------------------------------------------------------------------------------------------

/** A small deterministic PRNG, so every run loads the same text. */
const rng = mulberry32;

// Subjects of the plan (weights: 子育て is common; the rest spread; 竜王山 is rare and added separately).
const SUBJECTS = [
  '子育て支援',
  '公園の整備',
  '駅前の駐輪場',
  '公共交通の便',
  '防災訓練',
  '避難所の運営',
  '図書館の開館時間',
  '商店街のにぎわい',
  '高齢者の見守り',
  '地域医療の体制',
  '小中学校の教育',
  '観光の振興',
  '移住・定住の促進',
  '農業の担い手',
  '港の活用',
  'デジタル化の推進',
  '脱炭素の取組',
  'スポーツ施設',
  '文化財の保存',
  '道路の維持管理',
  '上下水道の更新',
  '市民活動への支援',
  '男女共同参画',
  '多文化共生',
];
const OPENERS = [
  '',
  '',
  '計画案を読みました。',
  '市民として意見を述べます。',
  '第3次総合計画について、',
  '以前から感じていることですが、',
];
const PREDICATES = [
  'をもっと充実させてほしい。',
  'について具体的な目標を示してほしい。',
  'の予算を増やすべきだと思う。',
  'は現状のままで十分だと考えます。',
  'について、市民の声を聞く場を設けてください。',
  'の取組が分かりにくいので説明を加えてほしい。',
  'は若い世代にとって大切です。',
  'に関する指標の根拠を教えてください。',
  'の進め方について、近隣の市の例を参考にしてほしい。',
];
const DETAILS = [
  '特に休日の利用がしにくいと感じます。',
  '子どもが安心して過ごせる場所が足りません。',
  '高齢の親の通院にも関わることです。',
  '財源の見通しも併せて示してください。',
  '地域ごとの差が大きいと思います。',
  '',
  '',
];

function opinionText(r: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const parts: string[] = [pick(OPENERS)];
  const sentences = 1 + Math.floor(r() * 3);
  for (let i = 0; i < sentences; i++) {
    // 子育て in about one opinion in five
    const subject = r() < 0.08 ? '子育て支援' : pick(SUBJECTS);
    parts.push(`${subject}${pick(PREDICATES)}${pick(DETAILS)}`);
  }
  if (r() < 0.001) parts.push('竜王山の自然を守る取組も計画に書いてほしい。');
  return parts.join('');
}

// --- load ------------------------------------------------------------------------------------------

export async function load(
  db: TestDb,
  consultationId: number,
  departments: number[],
  groups: number[],
  nodes: number[],
) {
  const r = rng(20261126);
  const at = '2026-11-20T00:00:00.000Z';
  const channels = [
    'web',
    'web',
    'web',
    'web',
    'web',
    'web',
    'web',
    'web',
    'post',
    'fax',
    'email',
    'in_person',
  ];
  const categories = ['resident', 'resident', 'resident', 'worker', 'student', 'business', 'other'];
  const states = ['new', 'new', 'new', 'new', 'new', 'new', 'accepted', 'accepted', 'accepted', 'excluded'];
  let made = 0;
  let sub = 0;
  const BATCH = 400;
  while (made < OPINIONS) {
    await db.kysely.transaction().execute(async (trx) => {
      for (let b = 0; b < 10 && made < OPINIONS; b++) {
        const subs = [];
        const counts: number[] = [];
        for (let i = 0; i < BATCH / 2 && made + counts.reduce((a, x) => a + x, 0) < OPINIONS; i++) {
          const n = Math.min(
            1 + Math.floor(r() * r() * 5),
            OPINIONS - made - counts.reduce((a, x) => a + x, 0),
          );
          counts.push(n);
          sub++;
          const channel = channels[Math.floor(r() * channels.length)]!;
          subs.push({
            municipality_code: MUNICIPALITY,
            consultation_id: consultationId,
            receipt_number: `B${consultationId}-${sub}`,
            channel,
            received_on: `2026-11-${String(1 + Math.floor(r() * 19)).padStart(2, '0')}`,
            name: `山陽 太郎${sub}`,
            address: `山陽小野田市日の出${sub}`,
            category: categories[Math.floor(r() * categories.length)]!,
            dedupe_hash: `bench-${sub}`,
            receipt_token_hash: null,
            entered_by: null,
            created_at: at,
          });
        }
        const ids = await trx
          .insertInto('submissions')
          .values(subs)
          .returning(['id', 'channel', 'category', 'received_on'])
          .execute();
        const ops = [];
        for (const [k, s] of ids.entries()) {
          for (let p = 0; p < counts[k]!; p++) {
            const body = opinionText(r);
            const state = states[Math.floor(r() * states.length)]!;
            const grouped = state === 'accepted' && r() < 0.6;
            ops.push({
              municipality_code: MUNICIPALITY,
              consultation_id: consultationId,
              submission_id: s.id,
              position: p + 1,
              node_id: r() < 0.12 ? null : nodes[Math.floor(r() * nodes.length)]!,
              body,
              search_text: normalizeForSearch(body),
              state,
              exclusion_reason: state === 'excluded' ? 'stance_only' : null,
              split_from: null,
              department_id: r() < 0.3 ? null : departments[Math.floor(r() * departments.length)]!,
              group_id: grouped ? groups[Math.floor(r() * groups.length)]! : null,
              channel: s.channel,
              category: s.category,
              received_on: s.received_on,
              created_at: at,
              updated_at: at,
            });
          }
        }
        made += ops.length;
        for (let i = 0; i < ops.length; i += 500)
          await trx
            .insertInto('opinions')
            .values(ops.slice(i, i + 500))
            .execute();
      }
    });
  }
  // as after a day of intake: statistics known (and on PostgreSQL the visibility map set, which
  // index-only scans need; autovacuum does this on a live server)
  if (db.dialect === 'postgres') await sql`vacuum analyze`.execute(db.kysely);
  else await sql`analyze`.execute(db.kysely);
  return { submissions: sub, opinions: made };
}

// --- timing ----------------------------------------------------------------------------------------

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function time(fn: () => Promise<unknown>): Promise<{ p50: number; p95: number; max: number }> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const xs: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = process.hrtime.bigint();
    await fn();
    xs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { p50: pct(xs, 50), p95: pct(xs, 95), max: Math.max(...xs) };
}

interface Row {
  dialect: Dialect;
  case: string;
  query: string;
  total: string;
  service: { p50: number; p95: number; max: number };
  http: { p50: number; p95: number; max: number };
  exactCount?: { p50: number; p95: number; max: number };
}

async function runDialect(dialect: Dialect): Promise<{
  rows: Row[];
  reference: { p50: number; p95: number };
  loadSeconds: number;
  counts: { submissions: number; opinions: number };
}> {
  const db = await createTestDb(dialect);
  const config = { ...loadConfig({}), databaseUrl: db.url, logLevel: 'silent' as const };
  await seedIfEmpty(db, { ...config, seed: true });
  const app: FastifyInstance = await build({ config, db, logger: false, rateLimitMax: 1_000_000 });
  await app.ready();
  try {
    const v = await db.kysely
      .selectFrom('plan_versions')
      .select('id')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const c = await db.kysely
      .insertInto('consultations')
      .values({
        municipality_code: MUNICIPALITY,
        version_id: v.id,
        title: 'ベンチマーク用の意見募集',
        eligibility: '市内に住所を有する方',
        opens_at: '2026-11-01T00:00:00.000Z',
        closes_at: '2026-12-31T15:00:00.000Z',
        short_period_reason: null,
        created_by: null,
        created_at: '2026-10-01T00:00:00.000Z',
        updated_at: '2026-10-01T00:00:00.000Z',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const departments: number[] = [];
    for (let i = 0; i < 12; i++) departments.push(await buildDepartment(db, `ベンチ課${i + 1}`));
    const groups: number[] = [];
    for (let i = 0; i < 2000; i += 500) {
      const rows = await db.kysely
        .insertInto('opinion_groups')
        .values(
          Array.from({ length: 500 }, () => ({
            municipality_code: MUNICIPALITY,
            consultation_id: c.id,
            node_id: null,
            department_id: null,
            reflection: null,
            approved_by: null,
            approved_at: null,
            created_at: '2026-11-20T00:00:00.000Z',
            updated_at: '2026-11-20T00:00:00.000Z',
          })),
        )
        .returning('id')
        .execute();
      groups.push(...rows.map((x) => x.id));
    }
    const nodes = (
      await db.kysely
        .selectFrom('plan_nodes')
        .select('id')
        .where('version_id', '=', v.id)
        .where('path', '!=', '')
        .execute()
    ).map((n) => n.id);
    const t0 = Date.now();
    const counts = await load(db, c.id, departments, groups, nodes);
    const loadSeconds = (Date.now() - t0) / 1000;
    console.log(
      `[${dialect}] loaded ${counts.opinions} opinions in ${counts.submissions} submissions in ${loadSeconds.toFixed(1)} s`,
    );

    const planner = await signInAs(app, await buildStaff(db, 'planner'));
    const context = await getTriageContext(db, MUNICIPALITY, v.id);
    // a page in the middle of the list: the id below which half of the opinions lie
    const mid = await db.kysely
      .selectFrom('opinions')
      .select('id')
      .where('consultation_id', '=', c.id)
      .orderBy('id', 'desc')
      .offset(Math.floor(counts.opinions / 2))
      .limit(1)
      .executeTakeFirstOrThrow();
    const node = nodes[Math.floor(nodes.length / 2)]!;
    const cases: Array<[string, string]> = [
      ['list (no filter)', ''],
      ['state = new', 'state=new'],
      ['state = split (none)', 'state=split'],
      ['section', `section=${node}`],
      ['whole plan', 'section=whole'],
      ['channel = fax', 'channel=fax'],
      ['category = student', 'category=student'],
      ['department', `department=${departments[3]}`],
      ['no department', 'department=none'],
      ['grouped', 'group=grouped'],
      ['not grouped', 'group=ungrouped'],
      ['search, common term (子育て)', `q=${encodeURIComponent('子育て')}`],
      ['search, rare term (竜王山)', `q=${encodeURIComponent('竜王山')}`],
      ['search, 2 characters (公園)', `q=${encodeURIComponent('公園')}`],
      // a rare bigram: a LIKE scan reads the whole consultation; the bigram index finds its 91 at once
      ['search, rare 2 characters (竜王)', `q=${encodeURIComponent('竜王')}`],
      // a common bigram: the FTS/GIN candidates are many, the scan finds its page and count soon
      ['search, very common 2 characters (ほし)', `q=${encodeURIComponent('ほし')}`],
      ['section + common term (子育て)', `section=${node}&q=${encodeURIComponent('子育て')}`],
      ['search, two terms', `q=${encodeURIComponent('図書館 休日')}`],
      ['section + state + search', `section=${node}&state=new&q=${encodeURIComponent('目標')}`],
      ['deep page (middle of the list)', `before=${mid.id}`],
      ['deep page + channel', `channel=web&before=${mid.id}`],
    ];
    const rows: Row[] = [];
    const reference = await time(async () => {
      const r = await app.inject('/healthz');
      if (r.statusCode !== 200) throw new Error('healthz');
    });
    for (const [name, query] of cases) {
      if (ONLY && !ONLY.test(name)) continue;
      const params = Object.fromEntries(new URLSearchParams(query));
      const { filters, problems } = parseTriageQuery(params, context);
      if (problems.length) throw new Error(`${name}: ${JSON.stringify(problems)}`);
      const first = await listOpinions(db, c.id, filters);
      const service = await time(() => listOpinions(db, c.id, filters));
      const url = `/staff/consultations/${c.id}/opinions${query ? `?${query}` : ''}`;
      const http = await time(async () => {
        const r = await planner.get(url);
        if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode}`);
      });
      const row: Row = {
        dialect,
        case: name,
        query,
        total: `${first.total}${first.capped ? '+' : ''}`,
        service,
        http,
      };
      if (name.startsWith('list') || name.startsWith('search, common')) {
        // the reference: an exact count of the same filter, without the cap
        row.exactCount = await time(() =>
          listOpinions(db, c.id, filters, { countCap: 10_000_000, pageSize: 1 }),
        );
      }
      rows.push(row);
      const f = (x: { p50: number; p95: number }) => `${x.p50.toFixed(1)} / ${x.p95.toFixed(1)}`;
      console.log(
        `[${dialect}] ${name.padEnd(34)} total ${row.total.padStart(7)}  service p50/p95 ${f(service).padStart(13)} ms  page ${f(http).padStart(13)} ms${row.exactCount ? `  (exact count: ${f(row.exactCount)} ms)` : ''}`,
      );
    }
    return { rows, reference, loadSeconds, counts };
  } finally {
    await app.close();
    await db.drop();
  }
}

async function main() {
  const dialects: Dialect[] = process.env.KYOSO_TEST_PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
  const results = [];
  let failed = false;
  for (const d of dialects) {
    const r = await runDialect(d);
    console.log(
      `[${d}] reference: /healthz via inject p50/p95 ${r.reference.p50.toFixed(1)} / ${r.reference.p95.toFixed(1)} ms`,
    );
    for (const row of r.rows) {
      if (row.service.p95 > TARGET) {
        failed = true;
        console.log(
          `[${d}] MISSED: ${row.case}: service p95 ${row.service.p95.toFixed(1)} ms > ${TARGET} ms`,
        );
      }
    }
    results.push({ dialect: d, ...r });
  }
  const out = {
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '', node: process.version },
    opinions: OPINIONS,
    runsPerCase: N,
    targetMs: TARGET,
    results,
  };
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`wrote ${path.relative(ROOT, OUT)}`);
  if (failed) process.exit(1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
