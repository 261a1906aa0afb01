/**
 * Grouping suggestions for public comment (bench/README.md, "Public comment grouping"):
 *
 *   node --import tsx bench/grouping.ts
 *
 * Generates realistic opinions (Japanese sentences about the plan's subjects: organised campaigns whose
 * members send a template with a few characters changed, punctuation or full-width/half-width digits
 * changed and a personal line added, among unique opinions) at 1k, 10k and 100k, and measures in a fresh
 * child process per size and step (so that the memory peak is that of the step):
 *   - the similarity step alone (suggestSimilarGroups over the texts), median of BENCH_GROUPING_RUNS runs;
 *   - the full suggestGroups() on SQLite (read the candidate opinions, compare, replace the open
 *     suggestions in one transaction), median of the runs, after loading the opinions into the database;
 *   - the peak resident set size (maxRSS) of the process;
 *   - how well the campaigns were found (share of campaign opinions put with their campaign, purity).
 * Prints the growth ratios t(10k)/t(1k) and t(100k)/t(10k) next to n·log n (13.3, 12.5) and n² (100) and
 * exits 1 when the full suggestGroups over 10,000 opinions takes 10 s or more.
 *
 * Environment: BENCH_GROUPING_SIZES (1000,10000,100000), BENCH_GROUPING_RUNS (5; 3 at 100k),
 * BENCH_GROUPING_OUT (bench/results/grouping.json).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedIfEmpty } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import { suggestGroups } from '../src/modules/consultation/grouping.service.ts';
import { type OpinionText, suggestSimilarGroups } from '../src/modules/consultation/similarity.ts';
import { normalizeForSearch } from '../src/shared/text.ts';
import { buildConsultation } from '../test/support/consultation.ts';
import { createTestDb } from '../test/support/db.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);
const OUT = process.env.BENCH_GROUPING_OUT || path.join(ROOT, 'bench', 'results', 'grouping.json');
const SIZES = (process.env.BENCH_GROUPING_SIZES || '1000,10000,100000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_GROUPING_RUNS || 5);
const TARGET_10K_MS = 10_000;

// ------------------------------------------------------------------------------------------------
// The opinions
// ------------------------------------------------------------------------------------------------

/** A small deterministic PRNG (mulberry32): the same opinions on every run. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SUBJECTS = [
  ['子育て支援', '保育園の待機児童', '放課後児童クラブ', '子ども医療費の助成'],
  ['公園の整備', '遊具の更新', '公園のトイレ', '芝生広場'],
  ['防災', '防災無線', '避難所の環境', 'ハザードマップ', '土砂災害の対策'],
  ['公共交通', 'コミュニティバス', 'JRの駅', '駅前の駐輪場', '高齢者の移動手段'],
  ['図書館', '公民館', '市民活動の拠点', '文化会館'],
  ['商店街の活性化', '空き店舗', '起業支援', '企業誘致'],
  ['高齢者福祉', '介護人材', '地域包括ケア', '見守り活動'],
  ['観光', 'きらら浜', '竜王山', '江汐公園', '焼野海岸の夕日'],
  ['学校教育', '小中学校の統合', 'ICT教育', '給食費', '通学路の安全'],
  ['医療', '救急医療', '山陽小野田市民病院', '健康診断'],
  ['下水道', '道路の補修', '空き家対策', '住宅地の整備'],
  ['移住定住', '若者の定着', '結婚支援', 'テレワークの拠点'],
  ['環境', 'ごみの減量', '再生可能エネルギー', '海岸の清掃'],
  ['農業', '担い手不足', '耕作放棄地', '地産地消'],
];
const PLACES = [
  '厚狭',
  '埴生',
  '小野田',
  '高千帆',
  '有帆',
  '須恵',
  '本山',
  '赤崎',
  '津布田',
  '出合',
  '高泊',
  '日の出',
];
const OPENERS = [
  '',
  '市の計画案について意見を述べます。',
  '子どもが二人いる家庭として、',
  '長年この地域に住んでいる者として、',
  '計画案を読みました。',
  '高齢の親と暮らしていますが、',
  '市外から移住してきた立場から、',
  '毎日通勤で市内を移動していて、',
];
const REASONS = [
  'が不足していると感じるため',
  'の状況が年々悪くなっているので',
  'について市民の関心が高いことから',
  'は近隣の市と比べて遅れているため',
  'の利用者が増えているので',
  'が十分に周知されていないと思うので',
  'に関する相談を周りからよく聞くので',
];
const DEMANDS = [
  'をもっと具体的に計画に書いてほしい。',
  'の予算を増やしてください。',
  'について数値目標を示すべきだと思います。',
  'の取り組みを早く進めてほしい。',
  'を見直してほしいです。',
  'の担当課を明記してください。',
  'に市民が参加できる仕組みをつくってほしい。',
  'の現状と課題を丁寧に説明してほしい。',
];
const CLOSERS = ['', 'よろしくお願いします。', '検討をお願いします。', '期待しています。', '以上です。'];

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function sentence(r: () => number): string {
  const subject = pick(r, pick(r, SUBJECTS));
  const place = pick(r, PLACES);
  const n = 1 + Math.floor(r() * 9);
  const variants = [
    `${pick(r, OPENERS)}${place}地区の${subject}${pick(r, REASONS)}、${subject}${pick(r, DEMANDS)}`,
    `${place}${n}丁目の近くでは${subject}${pick(r, REASONS)}、${pick(r, pick(r, SUBJECTS))}${pick(r, DEMANDS)}`,
    `${pick(r, OPENERS)}${subject}${pick(r, DEMANDS)}${pick(r, CLOSERS)}`,
  ];
  return pick(r, variants);
}

const FACILITIES = [
  '小学校',
  '中学校',
  '公民館',
  '支所',
  '駅',
  '交差点',
  'バス停',
  '病院',
  'スーパー',
  '保育園',
  '郵便局',
  '公園',
];
const EVENTS = [
  '事故が起きそうになりました',
  '子どもが転んでけがをしました',
  '雨の日に水があふれていました',
  'バスに乗れない人がいました',
  '夜は暗くて歩くのが怖いです',
  '駐車する場所がなくて困りました',
  '案内が分かりにくいと聞きました',
];

/** A line about the writer or a concrete case: what makes a real opinion its own. */
function personal(r: () => number): string {
  const place = pick(r, PLACES);
  const n = 1 + Math.floor(r() * 9);
  const cases = [
    () => `私は${20 + Math.floor(r() * 65)}歳で、${place}に${1 + Math.floor(r() * 50)}年住んでいます。`,
    () =>
      `${place}${n}丁目の${pick(r, FACILITIES)}の近くで、${1 + Math.floor(r() * 12)}月ごろ${pick(r, EVENTS)}。`,
    () => `${pick(r, FACILITIES)}まで歩いて${5 + Math.floor(r() * 40)}分かかり、${pick(r, EVENTS)}。`,
    () =>
      `家族は${2 + Math.floor(r() * 5)}人で、${pick(r, FACILITIES)}を週に${1 + Math.floor(r() * 6)}回使います。`,
  ];
  return pick(r, cases)();
}

function uniqueOpinion(r: () => number): string {
  const k = 1 + Math.floor(r() * 3);
  let s = r() < 0.7 ? personal(r) : '';
  for (let i = 0; i < k; i++) {
    s += sentence(r);
    if (r() < 0.5) s += personal(r);
  }
  return s;
}

const HALF_TO_FULL = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));

/** A campaign member: the template with a few changes, as people who copy a text make them. */
function campaignMember(r: () => number, template: string): string {
  let chars = [...template];
  const edits = Math.floor(r() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(r() * chars.length);
    const op = r();
    if (op < 0.4) chars[at] = pick(r, [...'のをにがはでとも']);
    else if (op < 0.7) chars.splice(at, 1);
    else chars.splice(at, 0, pick(r, [...'、。とてもぜひ']));
  }
  let s = chars.join('');
  if (r() < 0.3) s = s.replace(/。/g, '．');
  if (r() < 0.3) s = s.replace(/、/g, ',');
  if (r() < 0.3) s = HALF_TO_FULL(s);
  if (r() < 0.5) s += `（${pick(r, PLACES)}在住）`;
  chars = [...s];
  return chars.join('');
}

export interface Generated {
  opinions: OpinionText[];
  /** Campaign number per opinion id (0 = a unique opinion). */
  campaign: Map<number, number>;
}

/** `n` opinions: about 40 % from campaigns of 2 to ~n/50 members, the rest unique. Deterministic. */
export function generate(n: number, seed = 20261126): Generated {
  const r = prng(seed ^ n);
  const opinions: OpinionText[] = [];
  const campaign = new Map<number, number>();
  const campaignTotal = Math.round(n * 0.4);
  let c = 0;
  let placed = 0;
  while (placed < campaignTotal) {
    c++;
    // sizes: many small campaigns, a few large ones (a Pareto-like tail up to n/50)
    const size = Math.min(
      campaignTotal - placed,
      Math.max(2, Math.floor(2 / (r() ** 1.2 + 0.02))),
      Math.max(2, n / 50),
    );
    const template = uniqueOpinion(r) + sentence(r);
    for (let i = 0; i < size; i++) {
      opinions.push({ id: 0, text: campaignMember(r, template) });
      campaign.set(opinions.length - 1, c);
    }
    placed += size;
  }
  while (opinions.length < n) opinions.push({ id: 0, text: uniqueOpinion(r) });
  // shuffle so that campaign members are not adjacent, then number them
  for (let i = opinions.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [opinions[i], opinions[j]] = [opinions[j]!, opinions[i]!];
    const ci = campaign.get(i);
    const cj = campaign.get(j);
    campaign.delete(i);
    campaign.delete(j);
    if (cj !== undefined) campaign.set(i, cj);
    if (ci !== undefined) campaign.set(j, ci);
  }
  const byId = new Map<number, number>();
  opinions.forEach((o, i) => {
    o.id = i + 1;
    byId.set(o.id, campaign.get(i) ?? 0);
  });
  return { opinions, campaign: byId };
}

// ------------------------------------------------------------------------------------------------
// Child: one measurement
// ------------------------------------------------------------------------------------------------

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Quality {
  groups: number;
  grouped: number;
  /** Campaign opinions placed in a group whose majority is their own campaign, / all campaign opinions. */
  campaignRecall: number;
  /** Opinions in groups that belong to the group's majority campaign, / all grouped opinions. */
  purity: number;
}

function quality(groups: Array<{ ids: number[] }>, campaign: Map<number, number>): Quality {
  let found = 0;
  let majoritySum = 0;
  let grouped = 0;
  for (const g of groups) {
    const counts = new Map<number, number>();
    for (const id of g.ids) {
      const c = campaign.get(id) ?? 0;
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    let best = 0;
    let bestN = 0;
    for (const [c, k] of counts) if (k > bestN) [best, bestN] = [c, k];
    grouped += g.ids.length;
    majoritySum += bestN;
    if (best !== 0) found += bestN;
  }
  const campaignTotal = [...campaign.values()].filter((c) => c !== 0).length;
  return {
    groups: groups.length,
    grouped,
    campaignRecall: campaignTotal ? found / campaignTotal : 1,
    purity: grouped ? majoritySum / grouped : 1,
  };
}

async function child(step: 'similarity' | 'full', n: number, runs: number) {
  const { opinions, campaign } = generate(n);
  const times: number[] = [];
  const cpu: number[] = [];
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let q: Quality | null = null;
  let suggestions = 0;
  if (step === 'similarity') {
    for (let i = 0; i < runs; i++) {
      const c0 = cpuMs();
      const t0 = performance.now();
      const groups = suggestSimilarGroups(opinions);
      times.push(performance.now() - t0);
      cpu.push(cpuMs() - c0);
      q ??= quality(groups, campaign);
      suggestions = groups.length;
    }
  } else {
    const db = await createTestDb('sqlite');
    try {
      await seedIfEmpty(db, { ...loadConfig({}), seed: true });
      const consultationId = await buildConsultation(db);
      const at = new Date().toISOString();
      const load0 = performance.now();
      await db.kysely.transaction().execute(async (trx) => {
        for (let i = 0; i < opinions.length; i += 500) {
          const chunk = opinions.slice(i, i + 500);
          const subs = await trx
            .insertInto('submissions')
            .values(
              chunk.map((o) => ({
                municipality_code: '352161',
                consultation_id: consultationId,
                receipt_number: `B-${o.id}`,
                channel: 'web',
                received_on: at.slice(0, 10),
                name: `利用者${o.id}`,
                address: '山陽小野田市',
                category: 'resident',
                dedupe_hash: `h${o.id}`,
                receipt_token_hash: null,
                entered_by: null,
                created_at: at,
              })),
            )
            .returning('id')
            .execute();
          await trx
            .insertInto('opinions')
            .values(
              chunk.map((o, k) => ({
                municipality_code: '352161',
                consultation_id: consultationId,
                submission_id: subs[k]!.id,
                position: 1,
                node_id: null,
                body: o.text,
                search_text: normalizeForSearch(o.text),
                exclusion_reason: null,
                split_from: null,
                department_id: null,
                group_id: null,
                channel: 'web',
                category: 'resident',
                received_on: at.slice(0, 10),
                created_at: at,
                updated_at: at,
              })),
            )
            .execute();
        }
      });
      const loadMs = performance.now() - load0;
      process.stderr.write(`  loaded ${n} opinions in ${(loadMs / 1000).toFixed(1)} s\n`);
      for (let i = 0; i < runs; i++) {
        const c0 = cpuMs();
        const t0 = performance.now();
        const run = await suggestGroups(db, consultationId, new Date());
        times.push(performance.now() - t0);
        cpu.push(cpuMs() - c0);
        suggestions = run.suggestions;
      }
    } finally {
      await db.drop();
    }
  }
  const out = {
    step,
    n,
    runs,
    times,
    medianMs: median(times),
    cpu,
    cpuMedianMs: median(cpu),
    loadAverage: os.loadavg()[0],
    suggestions,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    quality: q,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

// ------------------------------------------------------------------------------------------------
// Parent
// ------------------------------------------------------------------------------------------------

type Result = {
  step: string;
  n: number;
  runs: number;
  times: number[];
  medianMs: number;
  cpu: number[];
  cpuMedianMs: number;
  loadAverage: number;
  suggestions: number;
  maxRssMB: number;
  quality: Quality | null;
};

function measure(step: string, n: number): Result {
  const runs = n >= 100_000 ? Math.min(3, RUNS) : RUNS;
  process.stderr.write(`${step} n=${n} (${runs} runs)…\n`);
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', SELF, '--child', step, String(n), String(runs)],
    {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 24,
    },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as Result;
}

function parent() {
  const results: Result[] = [];
  for (const step of ['similarity', 'full']) for (const n of SIZES) results.push(measure(step, n));
  const lines: string[] = [];
  const fmt = (ms: number) => (ms / 1000).toFixed(3);
  lines.push(
    '| step | n | runs | median s (wall) | runs s | median s (CPU) | load avg | suggestions | peak RSS MB | campaign recall | purity |',
  );
  lines.push('| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    lines.push(
      `| ${r.step} | ${r.n.toLocaleString('en')} | ${r.runs} | ${fmt(r.medianMs)} | ${r.times.map(fmt).join(' / ')} | ${fmt(r.cpuMedianMs)} | ${r.loadAverage.toFixed(1)} | ${r.suggestions.toLocaleString('en')} | ${r.maxRssMB.toFixed(0)} | ${r.quality ? r.quality.campaignRecall.toFixed(3) : ''} | ${r.quality ? r.quality.purity.toFixed(3) : ''} |`,
    );
  }
  lines.push('');
  lines.push('| step | ratio | measured (wall) | measured (CPU) | n·log n | n² |');
  lines.push('| --- | --- | ---: | ---: | ---: | ---: |');
  for (const step of ['similarity', 'full']) {
    const rs = results.filter((r) => r.step === step).sort((a, b) => a.n - b.n);
    for (let i = 1; i < rs.length; i++) {
      const a = rs[i - 1]!;
      const b = rs[i]!;
      const k = b.n / a.n;
      const nlogn = (b.n * Math.log2(b.n)) / (a.n * Math.log2(a.n));
      lines.push(
        `| ${step} | t(${b.n / 1000}k)/t(${a.n / 1000}k) | ${(b.medianMs / a.medianMs).toFixed(1)} | ${(b.cpuMedianMs / a.cpuMedianMs).toFixed(1)} | ${nlogn.toFixed(1)} | ${(k * k).toFixed(0)} |`,
      );
    }
  }
  const text = lines.join('\n');
  process.stdout.write(`${text}\n`);
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(
    OUT,
    `${JSON.stringify({ at: new Date().toISOString(), cpus: os.cpus().length, node: process.version, results }, null, 2)}\n`,
  );
  const full10k = results.find((r) => r.step === 'full' && r.n === 10_000);
  if (full10k && full10k.medianMs >= TARGET_10K_MS) {
    process.stderr.write(
      `FAIL: suggestGroups over 10,000 opinions took ${fmt(full10k.medianMs)} s (target < 10 s)\n`,
    );
    process.exit(1);
  }
}

const argv = process.argv.slice(2);
const isMain = process.argv[1] === fileURLToPath(import.meta.url);
if (isMain && argv[0] === '--child') {
  await child(argv[1] as 'similarity' | 'full', Number(argv[2]), Number(argv[3]));
} else if (isMain && argv[0] === '--sample') {
  for (const o of generate(Number(argv[1] ?? 20)).opinions) process.stdout.write(`${o.id}\t${o.text}\n`);
} else if (isMain) {
  parent();
}
