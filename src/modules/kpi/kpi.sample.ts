import { sql, type Transaction } from 'kysely';
import type { Database, Db } from '../../db/database.ts';
import { mulberry32 } from '../../shared/random.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import { getCurrentPlan } from '../plan/plan.service.ts';
import { yearlyTargets } from './kpi.math.ts';
import { deleteActual, writeActual } from './kpi.service.ts';
import type { Direction } from './kpi.types.ts';

/**
 * The sample indicators (サンプル値) for the bundled Sanyo-Onoda plan: 3–5 indicators on every measure and
 * 1–2 on every 重点施策, with several years of actuals, all invented and marked is_sample = 1 so that pages
 * and exports label them and a planner can remove them all at once. The actuals are drawn from a seeded
 * generator (no Math.random): the same set every time, and one that shows every grade, on-track and
 * behind, improving and worsening, and indicators with too few actuals for a projection.
 */

/** How an indicator's actuals move against its yearly targets. */
type Curve =
  | 'ahead' // beyond the year's target, more each year (grade A, improving)
  | 'onTrack' // at the year's target (A)
  | 'close' // a little short (B)
  | 'lagging' // well short but moving the right way (C, improving)
  | 'stalled' // moved a little, then back (D, worsening)
  | 'worsening' // away from the target (D, worsening)
  | 'recovering' // fell (e.g. in 2021), then back beyond the target (A)
  | 'inRange' // range indicator settling inside its range (A)
  | 'drifting'; // range indicator leaving its range (C/D, worsening)

interface SampleSpec {
  name: string;
  definition: string;
  /** The office that counts it; shown with 「（サンプル）」 so that nobody takes it for a real source. */
  source: string;
  unit: string;
  direction: Direction;
  decimals: number;
  baseline: number;
  target: number;
  targetFy?: number;
  range?: [number, number];
  /** Yearly targets set explicitly (the others are interpolated). */
  targets?: Record<number, number>;
  /** Fiscal years with an actual (default FY2021–FY2025). */
  years?: number[];
  curve: Curve;
  /** The latest actual is a preliminary figure (速報). */
  preliminary?: boolean;
  /** Values may be negative (net migration and the like). */
  signed?: boolean;
}

export const SAMPLE_BASELINE_FY = 2020;
const DEFAULT_TARGET_FY = 2025;
const ALL_YEARS = [2021, 2022, 2023, 2024, 2025];
const SURVEY_YEARS = [2022, 2024];

/** The bundled plan's measures and 重点施策 by address, with the title the sample set was written for. */
export const SAMPLE_SET: ReadonlyArray<{ path: string; title: string; indicators: SampleSpec[] }> = [
  {
    path: '1',
    title: '地域を創る',
    indicators: [
      {
        name: '「住んでいる地域に愛着がある」と答えた市民の割合',
        definition:
          '市民意識調査（2年ごと、無作為抽出の18歳以上の市民2,000人）で「愛着がある」「やや愛着がある」と答えた人の割合。',
        source: '市民意識調査（企画課）',
        unit: '%',
        direction: 'up',
        decimals: 1,
        baseline: 68.2,
        target: 75,
        years: SURVEY_YEARS,
        curve: 'close',
      },
    ],
  },
  {
    path: '1/1',
    title: '新たな地域づくり',
    indicators: [
      {
        name: '地域運営組織（RMO）の設立数',
        definition: '規約を定め、市に設立を届け出た地域運営組織（RMO）の数（各年度末の累計）。',
        source: '市民活動推進課調べ',
        unit: '団体',
        direction: 'up',
        decimals: 0,
        baseline: 2,
        target: 12,
        targets: { 2023: 6 },
        curve: 'close',
        preliminary: true,
      },
      {
        name: '市民活動センターの登録団体数',
        definition: '市民活動センターに利用登録している市民活動団体・NPO法人の数（各年度末現在）。',
        source: '市民活動センター登録台帳',
        unit: '団体',
        direction: 'up',
        decimals: 0,
        baseline: 148,
        target: 180,
        curve: 'ahead',
      },
      {
        name: '地域の行事や活動に参加している市民の割合',
        definition: '市民意識調査で、過去1年間に自治会・地域の行事や活動に参加したと答えた人の割合。',
        source: '市民意識調査（企画課）',
        unit: '%',
        direction: 'up',
        decimals: 1,
        baseline: 38.4,
        target: 45,
        years: SURVEY_YEARS,
        curve: 'lagging',
      },
      {
        name: '自治会加入率',
        definition: '自治会に加入している世帯数 ÷ 住民基本台帳の世帯数（各年度4月1日現在）。',
        source: '市民活動推進課調べ',
        unit: '%',
        direction: 'up',
        decimals: 1,
        baseline: 72.3,
        target: 75,
        curve: 'worsening',
      },
    ],
  },
  {
    path: '1/2',
    title: '災害に強いまちづくり',
    indicators: [
      {
        name: '自主防災組織の組織率',
        definition: '自主防災組織が活動範囲としている地域の世帯数 ÷ 市内の全世帯数（各年度末現在）。',
        source: '防災危機管理課調べ',
        unit: '%',
        direction: 'up',
        decimals: 1,
        baseline: 88.2,
        target: 95,
        curve: 'onTrack',
      },
      {
        name: '防災メール登録者数',
        definition:
          '市の防災メール（気象・避難情報の配信サービス）に登録しているアドレスの数（各年度末現在）。',
        source: '防災危機管理課調べ',
        unit: '人',
        direction: 'up',
        decimals: 0,
        baseline: 8420,
        target: 12000,
        curve: 'ahead',
        preliminary: true,
      },
      {
        name: '防災出前講座の受講者数',
        definition: '市職員が地域・学校・事業所に出向いて行う防災出前講座の延べ受講者数（年度計）。',
        source: '防災危機管理課調べ',
        unit: '人',
        direction: 'up',
        decimals: 0,
        baseline: 1150,
        target: 2000,
        curve: 'recovering',
      },
      {
        name: '避難行動要支援者の個別避難計画の作成率',
        definition: '個別避難計画を作成した避難行動要支援者の数 ÷ 避難行動要支援者名簿の登載者数。',
        source: '防災危機管理課・高齢福祉課調べ',
        unit: '%',
        direction: 'up',
        decimals: 1,
        baseline: 12.5,
        target: 60,
        targetFy: 2027,
        curve: 'lagging',
      },
    ],
  },
  {
    path: '2',
    title: 'ひとを創る',
    indicators: [
      {
        name: '「子育てしやすいまちだと思う」と答えた市民の割合',
        definition: '市民意識調査で「そう思う」「どちらかといえばそう思う」と答えた人の割合。',
        source: '市民意識調査（企画課）',
        unit: '%',
        direction: 'up',
        decimals: 1,
        baseline: 52,
        target: 60,
        years: SURVEY_YEARS,
        curve: 'lagging',
      },
      {
        name: '年少人口（0〜14歳）の社会増減',
        definition: '0〜14歳の転入者数 − 転出者数（住民基本台帳、1月〜12月）。',
        source: '住民基本台帳（市民課）',
        unit: '人',
        direction: 'up',
        decimals: 0,
        baseline: -35,
        target: 0,
        curve: 'stalled',
        signed: true,
      },
    ],
  },
  {
    path: '2/1',
    title: '子育て支援の充実',
    indicators: [
      {
        name: '保育所等の待機児童数',
        definition: '国の定義による保育所等の待機児童の数（各年度4月1日現在）。',
        source: 'こども福祉課調べ',
        unit: '人',
        direction: 'down',
        decimals: 0,
        baseline: 12,
        target: 0,
        targets: { 2022: 6, 2024: 0 },
        curve: 'close',
      },
      {
        name: '放課後児童クラブの待機児童数',
        definition: '放課後児童クラブの利用を申し込み、利用できていない児童の数（各年度5月1日現在）。',
        source: 'こども福祉課調べ',
        unit: '人',
        direction: 'down',
        decimals: 0,
        baseline: 35,
        target: 0,
        curve: 'stalled',
      },
      {
        name: '合計特殊出生率',
        definition: '15〜49歳の女性の年齢別出生率の合計（人口動態統計から市が算出。公表は2年後）。',
        source: '人口動態統計（健康増進課算出）',
        unit: '',
        direction: 'up',
        decimals: 2,
        baseline: 1.55,
        target: 1.7,
        targetFy: 2027,
        years: [2021, 2022, 2023],
        curve: 'lagging',
      },
      {
        name: '保育所等の定員充足率',
        definition: '保育所・認定こども園の在籍児童数 ÷ 利用定員（各年度4月1日現在）。90〜100％に保つ。',
        source: 'こども福祉課調べ',
        unit: '%',
        direction: 'range',
        decimals: 1,
        baseline: 103.5,
        target: 95,
        range: [90, 100],
        curve: 'inRange',
      },
      {
        name: '乳幼児健康診査の受診率',
        definition: '1歳6か月児・3歳児健康診査の受診者数 ÷ 対象者数（年度計）。',
        source: '健康増進課調べ',
        unit: '%',
        direction: 'up',
        decimals: 1,
        baseline: 95.1,
        target: 98,
        curve: 'onTrack',
        preliminary: true,
      },
    ],
  },
  {
    path: '2/2',
    title: '学校教育の推進・小中高大の教育連携',
    indicators: [
      {
        name: '授業でICT機器をほぼ毎日活用している児童生徒の割合',
        definition: '全国学力・学習状況調査の児童生徒質問紙で「ほぼ毎日」と答えた小6・中3の割合。',
        source: '全国学力・学習状況調査（学校教育課集計）',
        unit: '%',
        direction: 'up',
        decimals: 1,
        baseline: 21.3,
        target: 80,
        curve: 'ahead',
      },
      {
        name: '全国学力・学習状況調査の平均正答率（全国平均＝100）',
        definition: '小6・中3の国語・算数（数学）の平均正答率を、全国平均を100とした指数にしたもの。',
        source: '全国学力・学習状況調査（学校教育課集計）',
        unit: '',
        direction: 'up',
        decimals: 1,
        baseline: 98.6,
        target: 102,
        curve: 'lagging',
      },
      {
        name: '「学校に行くのは楽しい」と答えた児童生徒の割合',
        definition:
          '市の学校生活アンケート（小4〜中3、毎年7月）で「楽しい」「どちらかといえば楽しい」の割合。',
        source: '学校生活アンケート（学校教育課）',
        unit: '%',
        direction: 'up',
        decimals: 1,
        baseline: 84.2,
        target: 90,
        curve: 'close',
      },
      {
        name: '山口東京理科大学と連携した出前授業の実施回数',
        definition: '山口東京理科大学の教員・学生が市内の小・中学校で行った出前授業の回数（年度計）。',
        source: '学校教育課調べ',
        unit: '回',
        direction: 'up',
        decimals: 0,
        baseline: 6,
        target: 20,
        curve: 'onTrack',
        preliminary: true,
      },
    ],
  },
  {
    path: '2/3',
    title: '「協創によるまちづくり」の担い手づくり',
    indicators: [
      {
        name: 'スマイルプランナーの登録者数',
        definition: 'スマイルプランナー制度（令和5年度開始）に登録している市民の数（各年度末の累計）。',
        source: '企画課調べ',
        unit: '人',
        direction: 'up',
        decimals: 0,
        baseline: 0,
        target: 60,
        years: [2024, 2025],
        curve: 'ahead',
      },
      {
        name: '生涯学習講座の延べ受講者数',
        definition: '公民館・中央図書館などで市が開く生涯学習講座の延べ受講者数（年度計）。',
        source: '社会教育課調べ',
        unit: '人',
        direction: 'up',
        decimals: 0,
        baseline: 9800,
        target: 15000,
        curve: 'recovering',
      },
      {
        name: '地域学校協働活動のボランティア延べ人数',
        definition:
          '学校支援・放課後子ども教室など地域学校協働活動に参加したボランティアの延べ人数（年度計）。',
        source: '社会教育課調べ',
        unit: '人',
        direction: 'up',
        decimals: 0,
        baseline: 2100,
        target: 3500,
        curve: 'close',
        preliminary: true,
      },
    ],
  },
  {
    path: '3',
    title: 'まちの価値を創る',
    indicators: [
      {
        name: '総人口',
        definition: '住民基本台帳による総人口（各年度末現在）。人口ビジョンに沿って59,500〜62,000人を保つ。',
        source: '住民基本台帳（市民課）',
        unit: '人',
        direction: 'range',
        decimals: 0,
        baseline: 61900,
        target: 60750,
        range: [59500, 62000],
        curve: 'inRange',
      },
      {
        name: '山陽小野田市を「人に勧めたい」と答えた市民の割合',
        definition: '市民意識調査で、市を住む場所として友人・知人に「勧めたい」と答えた人の割合。',
        source: '市民意識調査（企画課）',
        unit: '%',
        direction: 'up',
        decimals: 1,
        baseline: 31,
        target: 40,
        curve: 'ahead',
      },
    ],
  },
  {
    path: '3/1',
    title: '移住・定住・交流の促進',
    indicators: [
      {
        name: '転入超過数（日本人）',
        definition: '日本人の転入者数 − 転出者数（住民基本台帳人口移動報告、1月〜12月）。',
        source: '住民基本台帳人口移動報告（企画課集計）',
        unit: '人',
        direction: 'up',
        decimals: 0,
        baseline: -152,
        target: 50,
        curve: 'lagging',
        signed: true,
      },
      {
        name: '移住相談件数',
        definition: '移住相談窓口・オンライン相談・移住フェアで受けた相談の件数（年度計）。',
        source: 'シティセールス課調べ',
        unit: '件',
        direction: 'up',
        decimals: 0,
        baseline: 64,
        target: 150,
        curve: 'ahead',
      },
      {
        name: '移住支援制度を利用した移住者数（累計）',
        definition: '市の移住支援金・住宅取得補助を利用して市外から転入した人の数（令和3年度からの累計）。',
        source: 'シティセールス課調べ',
        unit: '人',
        direction: 'up',
        decimals: 0,
        baseline: 18,
        target: 120,
        targets: { 2023: 60 },
        curve: 'onTrack',
        preliminary: true,
      },
      {
        name: '観光客数',
        definition: '主な観光施設・イベントの入込客数の合計（山口県観光客動態調査の方法による。暦年）。',
        source: '観光客動態調査（商工労働課）',
        unit: '千人',
        direction: 'up',
        decimals: 0,
        baseline: 1020,
        target: 1400,
        curve: 'recovering',
      },
    ],
  },
  {
    path: '3/2',
    title: '文化・スポーツの振興',
    indicators: [
      {
        name: '現代ガラス展の来場者数',
        definition: '隔年で開く全国規模の現代ガラス展の会期中の来場者数。',
        source: '文化振興課調べ',
        unit: '人',
        direction: 'up',
        decimals: 0,
        baseline: 5200,
        target: 8000,
        years: [2021, 2023, 2025],
        curve: 'close',
        preliminary: true,
      },
      {
        name: '競技かるた大会の参加者数',
        definition: '市が主催・共催する競技かるた（小倉百人一首）大会の参加者数（年度計）。',
        source: '文化振興課調べ',
        unit: '人',
        direction: 'up',
        decimals: 0,
        baseline: 180,
        target: 300,
        curve: 'stalled',
      },
      {
        name: '市内スポーツ施設の利用者数',
        definition: '市の体育館・野球場・サッカー場など公共スポーツ施設の延べ利用者数（年度計）。',
        source: 'スポーツ推進課調べ',
        unit: '千人',
        direction: 'up',
        decimals: 1,
        baseline: 312.4,
        target: 420,
        curve: 'recovering',
      },
      {
        name: '週1回以上スポーツをする成人の割合',
        definition: '市民意識調査で、週1回以上運動・スポーツをすると答えた18歳以上の人の割合。',
        source: '市民意識調査（スポーツ推進課集計）',
        unit: '%',
        direction: 'up',
        decimals: 1,
        baseline: 45.2,
        target: 60,
        years: SURVEY_YEARS,
        curve: 'lagging',
      },
    ],
  },
  {
    path: '3/3',
    title: '官民連携（PPP）の推進',
    indicators: [
      {
        name: '官民連携（PPP/PFI）で実施した事業の数（累計）',
        definition: 'LABV・PFI・指定管理の提案型導入など、民間の提案や資金を活かして実施した事業の数。',
        source: '企画課調べ',
        unit: '件',
        direction: 'up',
        decimals: 0,
        baseline: 1,
        target: 6,
        targetFy: 2027,
        curve: 'onTrack',
      },
      {
        name: '中心市街地の歩行者通行量（休日）',
        definition: '中心市街地の定点5か所で、11月の休日1日（9時〜18時）に数えた歩行者・自転車の合計。',
        source: '歩行者通行量調査（商工労働課）',
        unit: '人',
        direction: 'up',
        decimals: 0,
        baseline: 3840,
        target: 5500,
        targetFy: 2027,
        curve: 'lagging',
      },
      {
        name: '中心市街地の空き店舗率',
        definition: '中心市街地の1階路面店舗のうち空き店舗の割合（各年度3月末の現地調査）。',
        source: '商工労働課調べ',
        unit: '%',
        direction: 'down',
        decimals: 1,
        baseline: 14.8,
        target: 10,
        curve: 'close',
      },
    ],
  },
  {
    path: '3/4',
    title: '地域経済の活力増進',
    indicators: [
      {
        name: '企業誘致件数（累計）',
        definition: '市の企業立地促進制度の指定を受けて新設・増設した事業所の数（令和3年度からの累計）。',
        source: '企業立地推進室調べ',
        unit: '件',
        direction: 'up',
        decimals: 0,
        baseline: 0,
        target: 15,
        targets: { 2022: 5, 2023: 8 },
        curve: 'ahead',
      },
      {
        name: '誘致企業による新規雇用者数（累計）',
        definition: '誘致企業が新設・増設に伴い新たに雇用した常用雇用者の数（令和3年度からの累計）。',
        source: '企業立地推進室調べ',
        unit: '人',
        direction: 'up',
        decimals: 0,
        baseline: 0,
        target: 500,
        curve: 'onTrack',
        preliminary: true,
      },
      {
        name: '創業支援による創業件数',
        definition: '市の創業支援事業（創業塾・相談・補助）を利用して創業した件数（年度計）。',
        source: '商工労働課調べ',
        unit: '件',
        direction: 'up',
        decimals: 0,
        baseline: 18,
        target: 30,
        curve: 'lagging',
      },
      {
        name: '有効求人倍率（管内）',
        definition: '公共職業安定所管内の有効求人数 ÷ 有効求職者数（年度平均）。1.00〜1.50倍に保つ。',
        source: '職業安定業務統計（商工労働課集計）',
        unit: '倍',
        direction: 'range',
        decimals: 2,
        baseline: 1.21,
        target: 1.25,
        range: [1, 1.5],
        curve: 'drifting',
      },
      {
        name: '製造品出荷額等',
        definition: '市内の製造業事業所の製造品出荷額等（経済構造実態調査。公表は2年後）。',
        source: '経済構造実態調査（商工労働課集計）',
        unit: '億円',
        direction: 'up',
        decimals: 0,
        baseline: 4520,
        target: 5000,
        years: [2021, 2022, 2023],
        curve: 'close',
      },
    ],
  },
];

/** The name actuals of the sample set are entered under. */
export const SAMPLE_ACTOR_NAME = 'サンプルデータ';
const PRELIMINARY_NOTE = '速報値です。確定値は翌年度に公表する予定です。';

/** A small seeded generator (mulberry32), seeded from the indicator's name: the same numbers every time. */
function seededRandom(seedText: string): () => number {
  let h = 2166136261;
  for (let i = 0; i < seedText.length; i++) {
    h ^= seedText.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return mulberry32(h);
}

function roundTo(x: number, decimals: number): number {
  const f = 10 ** decimals;
  const r = Math.round(x * f) / f;
  return Object.is(r, -0) ? 0 : r;
}

/** The share of the year's target progress reached in the k-th of n years with an actual. */
function ratioOf(curve: Curve, k: number, n: number): number {
  const last = k === n - 1;
  switch (curve) {
    case 'ahead':
      return 1.06 + 0.05 * k;
    case 'onTrack':
      return 1.02 + 0.005 * k;
    case 'close':
      return 0.84 + 0.02 * k;
    case 'lagging':
      return 0.58 + 0.03 * k;
    case 'stalled':
      return last ? 0.12 : 0.45 - 0.05 * k;
    case 'worsening':
      return -0.08 * (k + 1);
    case 'recovering':
      return k === 0 ? -0.3 : Math.min(1.08, 0.6 + 0.17 * k);
    default:
      return 1;
  }
}

export interface GeneratedActual {
  fiscalYear: number;
  value: number;
  status: 'preliminary' | 'final';
  note: string;
}

/** The actuals of one sample indicator: a pure function of its specification. */
export function sampleActualsOf(spec: SampleSpec): GeneratedActual[] {
  const rand = seededRandom(spec.name);
  const years = spec.years ?? ALL_YEARS;
  const targetFy = spec.targetFy ?? DEFAULT_TARGET_FY;
  const targets = yearlyTargets(
    {
      direction: spec.direction,
      baselineValue: spec.baseline,
      baselineFy: SAMPLE_BASELINE_FY,
      targetValue: spec.target,
      targetFy,
    },
    Object.entries(spec.targets ?? {}).map(([fy, value]) => ({ fiscalYear: Number(fy), value })),
  );
  const n = years.length;
  return years.map((fy, k) => {
    const noise = rand() - 0.5;
    let value: number;
    if (spec.direction === 'range') {
      const [min, max] = spec.range as [number, number];
      const width = max - min;
      const mid = (min + max) / 2;
      const share = (k + 1) / n;
      value =
        spec.curve === 'drifting'
          ? spec.baseline + (min - 0.3 * width - spec.baseline) * share ** 1.5 + noise * 0.04 * width
          : spec.baseline + (mid - spec.baseline) * Math.min(1, share * 1.6) + noise * 0.15 * width;
    } else {
      const yearTarget =
        fy >= targetFy ? spec.target : (targets.find((t) => t.fiscalYear === fy)?.value ?? spec.target);
      const span = yearTarget - spec.baseline;
      const whole = Math.abs(spec.target - spec.baseline);
      value = spec.baseline + span * ratioOf(spec.curve, k, n) + noise * 0.02 * whole * Math.sign(span || 1);
    }
    if (!spec.signed) value = Math.max(0, value);
    if (spec.unit === '%' && spec.direction !== 'range') value = Math.min(100, value);
    const latest = k === n - 1;
    const preliminary = latest && spec.preliminary === true;
    return {
      fiscalYear: fy,
      value: roundTo(value, spec.decimals),
      status: preliminary ? 'preliminary' : 'final',
      note: preliminary ? PRELIMINARY_NOTE : '',
    };
  });
}

export interface SampleCounts {
  indicators: number;
  actuals: number;
}

type Kx = Db['kysely'] | Transaction<Database>;

async function countsIn(kx: Kx, municipalityCode: string): Promise<SampleCounts> {
  const i = await kx
    .selectFrom('indicators')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('municipality_code', '=', municipalityCode)
    .where('is_sample', '=', 1)
    .executeTakeFirstOrThrow();
  // Every actual that removal deletes: the sample ones, and any entered on a sample indicator.
  const a = await kx
    .selectFrom('indicator_actuals as a')
    .innerJoin('indicators as i', 'i.id', 'a.indicator_id')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('a.municipality_code', '=', municipalityCode)
    .where((eb) => eb.or([eb('a.is_sample', '=', 1), eb('i.is_sample', '=', 1)]))
    .executeTakeFirstOrThrow();
  return { indicators: Number(i.n), actuals: Number(a.n) };
}

/**
 * How many sample indicators and actuals the municipality has: the actuals marked sample (on any indicator)
 * and any actual on a sample indicator (it goes with its indicator).
 */
export async function sampleCounts(db: Db, municipalityCode: string): Promise<SampleCounts> {
  return countsIn(db.kysely, municipalityCode);
}

export interface SampleLoadOptions {
  municipalityCode: string;
  at: Date;
  /** Who loaded it, for the audit log (default: the system, at first start). */
  actor?: AuditActor;
}

const SYSTEM_ACTOR: AuditActor = { userId: null, label: 'kyoso', ip: '', requestId: '' };

/**
 * Loads the sample set onto the current version of the bundled plan, in one transaction: indicators,
 * explicit yearly targets, and actuals written through writeActual (via 'sample', so the history marks
 * them). Nothing happens when sample data already exists (idempotent), or on a plan that is not the one
 * the set was written for (no measure matches: zero counts).
 */
export async function loadSampleKpi(db: Db, opts: SampleLoadOptions): Promise<SampleCounts> {
  const tree = await getCurrentPlan(db, opts.municipalityCode);
  if (!tree) return { indicators: 0, actuals: 0 };
  const titles = new Map<string, string>();
  for (const p of tree.policies) {
    titles.set(p.path, p.title);
    for (const m of p.children) titles.set(m.path, m.title);
  }
  const at = opts.at.toISOString();
  return db.kysely.transaction().execute(async (trx) => {
    if (db.dialect === 'postgres') {
      // Two first starts at once (two processes): the second waits here, then sees the first one's rows.
      await sql`lock table indicators in share row exclusive mode`.execute(trx);
    }
    const existing = await countsIn(trx, opts.municipalityCode);
    if (existing.indicators > 0 || existing.actuals > 0) return { indicators: 0, actuals: 0 };
    let indicators = 0;
    let actuals = 0;
    for (const node of SAMPLE_SET) {
      if (titles.get(node.path) !== node.title) continue;
      let position = 0;
      for (const spec of node.indicators) {
        position += 1;
        const row = await trx
          .insertInto('indicators')
          .values({
            municipality_code: opts.municipalityCode,
            plan_id: tree.version.plan.id,
            node_path: node.path,
            position,
            name: spec.name,
            definition: spec.definition,
            source: `${spec.source}（サンプル）`,
            unit: spec.unit,
            direction: spec.direction,
            range_min: spec.range ? spec.range[0] : null,
            range_max: spec.range ? spec.range[1] : null,
            decimals: spec.decimals,
            baseline_value: spec.baseline,
            baseline_fy: SAMPLE_BASELINE_FY,
            target_value: spec.target,
            target_fy: spec.targetFy ?? DEFAULT_TARGET_FY,
            department_id: null,
            is_sample: 1,
            lock_version: 1,
            created_at: at,
            updated_at: at,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const indicatorId = Number(row.id);
        indicators += 1;
        const explicit = Object.entries(spec.targets ?? {});
        if (explicit.length > 0) {
          await trx
            .insertInto('indicator_targets')
            .values(
              explicit.map(([fy, value]) => ({
                municipality_code: opts.municipalityCode,
                indicator_id: indicatorId,
                fiscal_year: Number(fy),
                value,
              })),
            )
            .execute();
        }
        for (const a of sampleActualsOf(spec)) {
          const r = await writeActual(trx, {
            municipalityCode: opts.municipalityCode,
            indicatorId,
            fiscalYear: a.fiscalYear,
            value: a.value,
            status: a.status,
            note: a.note,
            expectedVersion: 'any',
            actor: { userId: null, name: SAMPLE_ACTOR_NAME },
            via: 'sample',
            isSample: true,
            at: opts.at,
          });
          if (!r.ok) throw new Error(`sample actual not written: ${spec.name} ${a.fiscalYear}`);
          actuals += 1;
        }
      }
    }
    if (indicators > 0) {
      await recordAudit(trx, {
        municipalityCode: opts.municipalityCode,
        actor: opts.actor ?? SYSTEM_ACTOR,
        action: 'kpi.sample.load',
        resourceType: 'kpi_sample',
        resourceId: opts.municipalityCode,
        before: { indicators: 0, actuals: 0 },
        after: { indicators, actuals },
        at: opts.at,
      });
    }
    return { indicators, actuals };
  });
}

export interface SampleRemoveOptions {
  municipalityCode: string;
  actor: AuditActor;
  at: Date;
}

/**
 * Removes all sample data at once, in one transaction: every sample indicator (its targets, actuals and
 * their history go with it) and every sample actual of the city's own indicators (through deleteActual, so
 * their history keeps a delete entry). Audited; returns what was removed.
 */
export async function removeSampleData(db: Db, opts: SampleRemoveOptions): Promise<SampleCounts> {
  return db.kysely.transaction().execute(async (trx) => {
    const before = await countsIn(trx, opts.municipalityCode);
    if (before.indicators === 0 && before.actuals === 0) return { indicators: 0, actuals: 0 };
    const strays = await trx
      .selectFrom('indicator_actuals as a')
      .innerJoin('indicators as i', 'i.id', 'a.indicator_id')
      .select(['a.indicator_id', 'a.fiscal_year', 'a.lock_version'])
      .where('a.municipality_code', '=', opts.municipalityCode)
      .where('a.is_sample', '=', 1)
      .where('i.is_sample', '=', 0)
      .orderBy('a.id')
      .execute();
    for (const s of strays) {
      const r = await deleteActual(trx, {
        municipalityCode: opts.municipalityCode,
        indicatorId: Number(s.indicator_id),
        fiscalYear: Number(s.fiscal_year),
        expectedVersion: Number(s.lock_version),
        actor: { userId: opts.actor.userId, name: opts.actor.label },
        via: 'sample',
        at: opts.at,
      });
      if (!r.ok) throw new Error('a sample actual changed while it was being removed');
    }
    await trx
      .deleteFrom('indicators')
      .where('municipality_code', '=', opts.municipalityCode)
      .where('is_sample', '=', 1)
      .execute();
    const after = await countsIn(trx, opts.municipalityCode);
    if (after.indicators !== 0 || after.actuals !== 0) throw new Error('sample data left after removal');
    await recordAudit(trx, {
      municipalityCode: opts.municipalityCode,
      actor: opts.actor,
      action: 'kpi.sample.remove',
      resourceType: 'kpi_sample',
      resourceId: opts.municipalityCode,
      before,
      after: { indicators: 0, actuals: 0 },
      at: opts.at,
    });
    return before;
  });
}
