import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseOrdinal } from '../../../shared/text.ts';
import type { PlanContent, PlanNodeDoc } from '../plan.schema.ts';
import { PlanContentSchema } from '../plan.schema.ts';
import {
  coverageKey,
  crossCuttingKeywords,
  decodePlanBytes,
  linesMissingFromStructure,
  type ParsedPlanText,
  PlanParseError,
  parsePlanText,
  structureLines,
} from './plan-text-parser.ts';

const root = new URL('../../../../', import.meta.url);
const readBytes = (path: string) => new Uint8Array(readFileSync(new URL(path, root)));

const seedBytes = readBytes('data/sanyo-onoda-chuki-juten-an.txt');
const seedText = new TextDecoder().decode(seedBytes);
const seedLines = seedText.split('\n');
/** The seed's line `n` (1-based) as written. */
const seedLine = (n: number) => seedLines[n - 1]!;
/** The description of a seed line written `number title<TAB>description`. */
const afterTab = (n: number) => seedLine(n).split('\t')[1]!;

const midoriBytes = readBytes('test/fixtures/plans/midori-kouki.txt');
const midoriText = new TextDecoder().decode(midoriBytes);
const midoriSjisBytes = readBytes('test/fixtures/plans/midori-kouki.sjis.txt');

const enc = new TextEncoder();
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

/** Parses, checks the result against the interchange schema, and checks that no source line was lost. */
function parse(text: string): ParsedPlanText {
  const parsed = parsePlanText(text);
  PlanContentSchema.parse(parsed.content);
  assert.deepEqual(linesMissingFromStructure(parsed.content), [], 'every source line is in the structure');
  return parsed;
}

/** The content without its sourceText, for comparing imports of the same plan saved differently. */
function withoutSource(content: PlanContent): Omit<PlanContent, 'sourceText'> {
  const { sourceText: _sourceText, ...rest } = content;
  return rest;
}

function policiesOf(content: PlanContent): PlanNodeDoc[] {
  const project = content.nodes.find((n) => n.kind === 'project');
  return project ? project.children : content.nodes.filter((n) => n.kind === 'policy');
}

/** Asserts that `fn` refuses the input with a PlanParseError naming `line`, in Japanese. */
function assertRefused(fn: () => unknown, line: number, includes?: string): PlanParseError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof PlanParseError, `expected a PlanParseError, got ${String(caught)}`);
  assert.equal(caught.line, line, caught.message);
  assert.equal(caught.code, 'PLAN_PARSE_ERROR');
  assert.equal(caught.name, 'PlanParseError');
  assert.ok(caught.message.startsWith(`${line}行目:`), caught.message);
  assert.match(caught.expected, JAPANESE);
  assert.match(caught.message, JAPANESE);
  if (includes !== undefined) assert.ok(caught.message.includes(includes), caught.message);
  return caught;
}

/** A Shift_JIS (Windows-31J) encoder built from the platform's decoder: Node has no Shift_JIS encoder. */
function makeShiftJisEncoder(): (s: string) => Uint8Array {
  const decoder = new TextDecoder('shift_jis');
  const table = new Map<string, number[]>();
  const leads = [...range(0x81, 0x9f), ...range(0xe0, 0xfc)];
  const trails = [...range(0x40, 0x7e), ...range(0x80, 0xfc)];
  for (const lead of leads) {
    for (const trail of trails) {
      const ch = decoder.decode(Uint8Array.of(lead, trail));
      if ([...ch].length === 1 && ch !== '\uFFFD' && !table.has(ch)) table.set(ch, [lead, trail]);
    }
  }
  for (const b of range(0xa1, 0xdf)) table.set(decoder.decode(Uint8Array.of(b)), [b]);
  return (s) => {
    const out: number[] = [];
    for (const ch of s) {
      const cp = ch.codePointAt(0)!;
      if (cp < 0x80) out.push(cp);
      else {
        const bytes = table.get(ch);
        if (!bytes) throw new Error(`not in Shift_JIS: ${ch}`);
        out.push(...bytes);
      }
    }
    return Uint8Array.from(out);
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

const toShiftJis = makeShiftJisEncoder();
const crlf = (s: string) => s.replace(/\n/g, '\r\n');

describe('the seed plan (Sanyo-Onoda, 中期基本計画 重点プロジェクト（案）)', () => {
  const { content, detectedState } = parse(decodePlanBytes(seedBytes));

  const measure = (number: string, title: string, line: number): PlanNodeDoc => ({
    kind: 'measure',
    label: '',
    number,
    title,
    body: [afterTab(line)],
    sourceLine: line,
    children: [],
  });
  const policy = (number: string, title: string, line: number, children: PlanNodeDoc[]): PlanNodeDoc => ({
    kind: 'policy',
    label: '重点施策',
    number,
    title,
    body: [seedLine(line + 2)],
    sourceLine: line,
    children,
  });

  test('has the exact tree: vision, project 3つの創る, 3 policies with 2, 3 and 4 measures', () => {
    assert.deepEqual(content.nodes, [
      {
        kind: 'vision',
        label: '',
        number: '',
        title: '活力と笑顔あふれるまち',
        body: [],
        sourceLine: 7,
        children: [],
      },
      {
        kind: 'project',
        label: '',
        number: '',
        title: '3つの創る',
        body: [seedLine(7), seedLine(9)],
        sourceLine: 5,
        children: [
          policy('1', '地域を創る', 11, [
            measure('1', '新たな地域づくり', 15),
            measure('2', '災害に強いまちづくり', 16),
          ]),
          policy('2', 'ひとを創る', 18, [
            measure('1', '子育て支援の充実', 22),
            measure('2', '学校教育の推進・小中高大の教育連携', 23),
            measure('3', '「協創によるまちづくり」の担い手づくり', 24),
          ]),
          policy('3', 'まちの価値を創る', 26, [
            measure('1', '移住・定住・交流の促進', 30),
            measure('2', '文化・スポーツの振興', 31),
            measure('3', '官民連携（PPP）の推進', 32),
            measure('4', '地域経済の活力増進', 33),
          ]),
        ],
      },
    ]);
    assert.ok(seedLine(7).startsWith('第二次山陽小野田市総合計画の策定後'));
    assert.ok(afterTab(15).startsWith('持続可能な地域づくりの実現に向け'));
  });

  test('takes the title, the state and the empty preamble', () => {
    assert.equal(content.documentTitle, '中期基本計画 重点プロジェクト（案）');
    assert.equal(detectedState, 'draft');
    assert.deepEqual(content.preamble, []);
    assert.deepEqual(content.links, []);
    assert.equal(content.sourceFormat, 'text');
    assert.equal(content.sourceText, seedText);
  });

  test('reads the heading `●重点施策 3` (with a space) as number 3', () => {
    assert.equal(seedLine(26), '●重点施策 3 まちの価値を創る');
    const third = policiesOf(content)[2]!;
    assert.equal(third.number, '3');
    assert.equal(third.title, 'まちの価値を創る');
    assert.deepEqual(
      policiesOf(content).map((p) => parseOrdinal(p.number)),
      [1, 2, 3],
    );
  });

  test('has the 3 cross-cutting measures with their keywords', () => {
    assert.deepEqual(content.crossCutting, {
      heading: '3つの横断的施策',
      intro: [seedLine(37)],
      measures: [
        { title: 'デジタル化の推進', body: [afterTab(39)], keywords: ['デジタル'], sourceLine: 39 },
        {
          title: '山口東京理科大学との連携',
          body: [afterTab(40)],
          keywords: ['山口東京理科大学'],
          sourceLine: 40,
        },
        {
          title: 'スマイルエイジングの推進',
          body: [afterTab(41)],
          keywords: ['スマイルエイジング'],
          sourceLine: 41,
        },
      ],
    });
  });

  test('has the ※ note with its term', () => {
    assert.deepEqual(content.notes, [{ text: seedLine(43), term: 'スマイルエイジング', sourceLine: 43 }]);
    assert.ok(seedLine(43).startsWith('※スマイルエイジング：'));
  });
});

describe('a second city in another shape (test/fixtures/plans/midori-kouki.txt)', () => {
  const parsed = parse(decodePlanBytes(midoriBytes));
  const { content } = parsed;

  const m = (number: string, title: string, sourceLine: number, body: string[]): PlanNodeDoc => ({
    kind: 'measure',
    label: '',
    number,
    title,
    body,
    sourceLine,
    children: [],
  });
  const expectedNodes: PlanNodeDoc[] = [
    {
      kind: 'vision',
      label: '',
      number: '',
      title: '森と水がはぐくむ　笑顔つながるまち',
      body: [],
      sourceLine: 3,
      children: [],
    },
    {
      kind: 'policy',
      label: '基本目標',
      number: '１',
      title: '子どもが健やかに育つまち',
      body: ['安心して子どもを産み育てることができ、子どもたちが夢を持って成長できるまちをめざします。'],
      sourceLine: 6,
      children: [
        m('（１）', '妊娠期から子育て期までの切れ目のない支援', 10, [
          '妊娠・出産・子育ての相談窓口を「こども家庭センター」に一本化し、保健師や保育士が一人ひとりに寄り添った支援を行います。',
          'また、産後ケア事業の利用対象を拡大し、育児の不安や負担の軽減を図ります。',
        ]),
        m('（２）', '確かな学力と豊かな心を育む教育の推進', 13, [
          '一人１台端末を活用した個別最適な学びと、地域の人材を生かした体験活動を充実させます。',
        ]),
        m('（３）', '放課後の居場所づくり', 16, [
          '放課後児童クラブの受入れ枠を拡大するとともに、地域の方が見守る「みどりっ子広場」を全小学校区に広げます。',
        ]),
      ],
    },
    {
      kind: 'policy',
      label: '基本目標',
      number: '２',
      title: '安全で快適に暮らせるまち',
      body: [],
      sourceLine: 19,
      children: [
        m('（１）', '災害に強い地域づくり', 21, [
          'ハザードマップの更新と、自主防災組織による避難訓練の支援を通じて、地域の防災力を高めます。',
          '・主な取組：要配慮者の個別避難計画の作成、指定避難所の環境改善',
        ]),
        m('（２）', '公共交通の維持と充実', 24, [
          'デマンド型乗合タクシーの運行区域を見直し、通院や買い物に使いやすい移動手段を確保します。',
        ]),
        m('（３）', '部局横断による危機管理体制の強化', 26, [
          '大規模な災害や感染症に備え、全庁が連携して対応できる危機管理の体制を整えます。',
        ]),
      ],
    },
    {
      kind: 'policy',
      label: '基本目標',
      number: '３',
      title: 'にぎわいと活力のあるまち',
      body: ['地域の資源を生かした産業の振興と、人の交流によって、にぎわいのあるまちをめざします。'],
      sourceLine: 29,
      children: [
        m('（１）', '農林業の担い手の確保', 33, [
          '新規就農者への研修と機械導入の支援を行い、みどり市産の米や茶のブランド力を高めます。',
        ]),
        m('（２）', '観光交流の推進', 35, ['緑川渓谷や温泉などの観光資源を結び、滞在型の観光を推進します。']),
        m('（３）', '中心市街地のにぎわいづくり', 37, [
          '空き店舗を活用した創業支援や、駅前広場でのイベントの開催により、まちなかのにぎわいを創出します。',
        ]),
        m('（４）', '移住・定住の促進', 39, [
          '移住相談から住まい探し、仕事探しまでを一貫して支援する体制を整えます。',
        ]),
      ],
    },
  ];

  test('has the exact structure: title, preamble, vision, 基本目標 with （n） measures', () => {
    assert.equal(content.documentTitle, 'みどり市第２次総合計画　後期基本計画（素案）');
    assert.deepEqual(content.preamble, [
      '本市は、平成３０年度に策定した第２次総合計画の基本構想において、将来像「森と水がはぐくむ　笑顔つながるまち」を掲げ、市民の皆さんとともにまちづくりを進めてきました。',
      '後期基本計画は、令和８年度から令和１１年度までの４年間に重点的に取り組む施策を、３つの基本目標ごとに示すものです。',
    ]);
    assert.deepEqual(content.nodes, expectedNodes);
  });

  test('detects （素案） as early_draft', () => {
    assert.equal(parsed.detectedState, 'early_draft');
  });

  test('keeps numbers as written and reads their ordinals', () => {
    const policies = policiesOf(content);
    assert.deepEqual(
      policies.map((p) => p.number),
      ['１', '２', '３'],
    );
    assert.deepEqual(
      policies.map((p) => parseOrdinal(p.number)),
      [1, 2, 3],
    );
    assert.deepEqual(
      policies.map((p) => p.children.map((c) => parseOrdinal(c.number))),
      [
        [1, 2, 3],
        [1, 2, 3],
        [1, 2, 3, 4],
      ],
    );
  });

  test('keeps a measure whose title says 横断 a measure', () => {
    assert.equal(policiesOf(content)[1]!.children[2]!.title, '部局横断による危機管理体制の強化');
    assert.equal(content.crossCutting.heading, '分野横断的な視点');
  });

  test('reads the 【分野横断的な視点】 section of `・名前：説明` items', () => {
    assert.deepEqual(content.crossCutting, {
      heading: '分野横断的な視点',
      intro: ['全ての基本目標の推進に当たっては、次の３つの視点を持って取り組みます。'],
      measures: [
        {
          title: 'ＤＸの推進',
          body: ['行政手続のオンライン化やデータの活用により、市民サービスの向上と業務の効率化を図ります。'],
          keywords: ['ＤＸ'],
          sourceLine: 46,
        },
        {
          title: '脱炭素社会の実現',
          body: ['再生可能エネルギーの導入と省エネルギーの取組を、市民・事業者と一体となって進めます。'],
          keywords: ['脱炭素社会'],
          sourceLine: 47,
        },
        {
          title: '多様な主体との協働',
          body: ['市民活動団体、企業、大学などとの協働により、地域の課題の解決に取り組みます。'],
          keywords: ['多様な主体'],
          sourceLine: 48,
        },
      ],
    });
  });

  test('has the ※ note with its term', () => {
    assert.deepEqual(content.notes, [
      {
        text: '※ＤＸ：デジタル・トランスフォーメーションの略。デジタル技術を活用して、サービスや仕事の進め方を変革すること。',
        term: 'ＤＸ',
        sourceLine: 50,
      },
    ]);
  });

  test('the Shift_JIS + CRLF copy of the fixture parses to the same content', () => {
    assert.ok(midoriSjisBytes.includes(0x0d), 'the fixture has CRLF line endings');
    assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(midoriSjisBytes));
    const fromSjis = parse(decodePlanBytes(midoriSjisBytes));
    assert.deepEqual(withoutSource(fromSjis.content), withoutSource(content));
    assert.equal(fromSjis.content.sourceText, crlf(midoriText));
    assert.equal(fromSjis.detectedState, 'early_draft');
  });
});

describe('no text is lost', () => {
  const seed = parsePlanText(seedText).content;
  const midori = parsePlanText(midoriText).content;

  test('every non-blank line of the seed is in the structure', () => {
    assert.deepEqual(linesMissingFromStructure(seed), []);
    const held = structureLines(seed);
    const nonBlank = seedLines.filter((l) => l.trim() !== '');
    assert.equal(nonBlank.length, 25);
    for (const l of nonBlank) assert.ok(held.has(coverageKey(l)), l);
  });

  test('every non-blank line of the second plan is in the structure', () => {
    assert.deepEqual(linesMissingFromStructure(midori), []);
    const held = structureLines(midori);
    const nonBlank = midoriText.split('\n').filter((l) => l.replace(/[\s\u3000]/g, '') !== '');
    assert.equal(nonBlank.length, 36);
    for (const l of nonBlank) assert.ok(held.has(coverageKey(l)), l);
  });

  test('normalises lines and structure the same way', () => {
    assert.equal(coverageKey('●重点施策 3 まちの価値を創る'), '重点施策3まちの価値を創る');
    assert.equal(coverageKey('■基本目標１　子どもが健やかに育つまち'), '基本目標１子どもが健やかに育つまち');
    assert.equal(coverageKey('【基本目標２】安全なまち'), '基本目標２安全なまち');
    assert.equal(coverageKey('【分野横断的な視点】'), '分野横断的な視点');
    assert.equal(coverageKey('・ＤＸの推進：説明です。'), 'ＤＸの推進説明です。');
    assert.equal(coverageKey('1\t新たな地域づくり\t説明。'), '1新たな地域づくり説明。');
    assert.equal(coverageKey('1．新たな地域づくり'), '1新たな地域づくり');
    assert.equal(coverageKey('　本市は、\t将来像'), '本市は、将来像');
    assert.ok(structureLines(seed).has('1新たな地域づくり'));
    assert.ok(structureLines(seed).has('重点施策3まちの価値を創る'));
  });

  test('reports a paragraph dropped from a measure', () => {
    const mutated = structuredClone(midori);
    policiesOf(mutated)[0]!.children[0]!.body.splice(1, 1);
    assert.deepEqual(linesMissingFromStructure(mutated), [
      { line: 12, text: 'また、産後ケア事業の利用対象を拡大し、育児の不安や負担の軽減を図ります。' },
    ]);
  });

  test('reports a dropped measure, the description of a tab line, a title cut short', () => {
    const noMeasure = structuredClone(seed);
    policiesOf(noMeasure)[0]!.children.pop();
    assert.deepEqual(
      linesMissingFromStructure(noMeasure).map((x) => x.line),
      [16],
    );

    const noBody = structuredClone(seed);
    policiesOf(noBody)[2]!.children[3]!.body = [];
    assert.deepEqual(linesMissingFromStructure(noBody), [{ line: 33, text: seedLine(33) }]);

    const shortTitle = structuredClone(seed);
    policiesOf(shortTitle)[1]!.title = 'ひと';
    assert.deepEqual(
      linesMissingFromStructure(shortTitle).map((x) => x.line),
      [18],
    );
  });

  test('reports lost cross-cutting items, intro, notes, preamble and title', () => {
    const mutated = structuredClone(midori);
    mutated.crossCutting.measures.splice(1, 1);
    mutated.crossCutting.intro = [];
    mutated.notes = [];
    mutated.preamble.pop();
    mutated.documentTitle = 'みどり市';
    assert.deepEqual(
      linesMissingFromStructure(mutated).map((x) => x.line),
      [1, 4, 44, 47, 50],
    );

    const noBody = structuredClone(seed);
    noBody.crossCutting.measures[0]!.body = [];
    noBody.crossCutting.heading = null;
    assert.deepEqual(
      linesMissingFromStructure(noBody).map((x) => x.line),
      [35, 39],
    );
  });
});

describe('one plan, saved in different ways', () => {
  const reference = parsePlanText(seedText);

  test('UTF-8 with BOM parses like UTF-8', () => {
    const bytes = Uint8Array.from([0xef, 0xbb, 0xbf, ...seedBytes]);
    const text = decodePlanBytes(bytes);
    assert.equal(text, seedText, 'the BOM is dropped');
    assert.deepEqual(parse(text).content, reference.content);
    assert.deepEqual(parse(`\uFEFF${seedText}`).content.nodes, reference.content.nodes);
  });

  test('CRLF and CR line endings parse like LF', () => {
    for (const eol of ['\r\n', '\r']) {
      const text = decodePlanBytes(enc.encode(seedText.replace(/\n/g, eol)));
      const parsed = parse(text);
      assert.deepEqual(withoutSource(parsed.content), withoutSource(reference.content));
      assert.equal(parsed.detectedState, 'draft');
    }
  });

  test('Shift_JIS bytes (LF and CRLF) parse like UTF-8', () => {
    for (const text of [seedText, crlf(seedText)]) {
      const bytes = toShiftJis(text);
      assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes));
      const parsed = parse(decodePlanBytes(bytes));
      assert.deepEqual(withoutSource(parsed.content), withoutSource(reference.content));
      assert.equal(parsed.content.sourceText, text);
    }
  });
});

describe('shapes of headings, measures and cross-cutting items', () => {
  test('policy headings: ■, 【】, full-width spaces and digits, ： and ． separators', () => {
    const text = [
      '計画（案）',
      '■基本目標１：安心のまち',
      '1 施策A\t説明A。',
      '【基本目標２】　活力のまち',
      '1 施策B\t説明B。',
      '●重点施策　３　ひとのまち',
      '1 施策C\t説明C。',
      '基本目標４．緑のまち',
      '1．施策D\t説明D。',
    ].join('\n');
    const policies = policiesOf(parse(text).content);
    assert.deepEqual(
      policies.map((p) => [p.label, p.number, p.title, p.sourceLine]),
      [
        ['基本目標', '１', '安心のまち', 2],
        ['基本目標', '２', '活力のまち', 4],
        ['重点施策', '３', 'ひとのまち', 6],
        ['基本目標', '４', '緑のまち', 8],
      ],
    );
    assert.deepEqual(
      policies.map((p) => [p.children[0]!.number, p.children[0]!.title, p.children[0]!.body]),
      [
        ['1', '施策A', ['説明A。']],
        ['1', '施策B', ['説明B。']],
        ['1', '施策C', ['説明C。']],
        ['1', '施策D', ['説明D。']],
      ],
    );
  });

  test('measure lines: number<TAB>title<TAB>description, and a title line followed by paragraphs', () => {
    const text = [
      '計画',
      '●重点施策1 まち',
      '方針の説明。',
      '1\t施策A\t説明A。',
      '2 施策B',
      '説明Bの一。',
      '',
      '説明Bの二。',
      '（３）施策C',
    ].join('\n');
    const { content, detectedState } = parse(text);
    assert.equal(detectedState, null);
    const [policy] = policiesOf(content);
    assert.deepEqual(policy!.body, ['方針の説明。']);
    assert.deepEqual(
      policy!.children.map((c) => [c.number, c.title, c.body, c.sourceLine]),
      [
        ['1', '施策A', ['説明A。'], 4],
        ['2', '施策B', ['説明Bの一。', '説明Bの二。'], 5],
        ['（３）', '施策C', [], 9],
      ],
    );
  });

  test('a project under 【】 or a ● 重点プロジェクト heading, and a vision phrase', () => {
    const bracket = parse(
      [
        '計画（原案）',
        '【3つの創る】',
        'めざすまちの姿は「みどりのまち」です。',
        '●重点施策1 A',
        '1 B\tC',
      ].join('\n'),
    );
    assert.equal(bracket.detectedState, 'draft');
    assert.deepEqual(
      bracket.content.nodes.map((n) => [n.kind, n.title, n.sourceLine]),
      [
        ['vision', 'みどりのまち', 3],
        ['project', '3つの創る', 2],
      ],
    );
    const marked = parse(['計画(案)', '■重点プロジェクト 未来', '●重点施策1 A', '1 B\tC'].join('\n'));
    assert.equal(marked.detectedState, 'draft');
    assert.equal(marked.content.nodes[0]!.title, '重点プロジェクト 未来');
    assert.equal(marked.content.nodes[0]!.children.length, 1);
  });

  test('cross-cutting items as tab lines, `・名前：説明` lines, or ● headings followed by paragraphs', () => {
    const head = ['計画', '●重点施策1 A', '1 B\tC'];
    const tabs = parse([...head, '横断的施策', 'デジタル化の推進\t説明。'].join('\n')).content.crossCutting;
    assert.deepEqual(tabs.measures, [
      { title: 'デジタル化の推進', body: ['説明。'], keywords: ['デジタル'], sourceLine: 5 },
    ]);
    const bullets = parse([...head, '■横断的な視点', '・ＳＤＧｓの視点：説明。'].join('\n')).content
      .crossCutting;
    assert.equal(bullets.heading, '横断的な視点');
    assert.deepEqual(bullets.measures, [
      { title: 'ＳＤＧｓの視点', body: ['説明。'], keywords: ['ＳＤＧｓ'], sourceLine: 5 },
    ]);
    const marked = parse(
      [
        ...head,
        '【横断的施策】',
        '全体の説明。',
        '●協働の推進',
        '説明一。',
        '説明二。',
        '◆人づくり',
        '説明三。',
      ].join('\n'),
    ).content.crossCutting;
    assert.deepEqual(marked, {
      heading: '横断的施策',
      intro: ['全体の説明。'],
      measures: [
        { title: '協働の推進', body: ['説明一。', '説明二。'], keywords: ['協働'], sourceLine: 6 },
        { title: '人づくり', body: ['説明三。'], keywords: ['人づくり'], sourceLine: 9 },
      ],
    });
  });

  test('a numbered cross-cutting item keeps its title and description, not its number', () => {
    const text = [
      '計画',
      '●重点施策1 A',
      '1 B\tC',
      '横断的施策',
      '1\tデジタル化の推進\t説明。',
      '（２）協働の推進',
    ];
    const { content } = parsePlanText(text.join('\n'));
    assert.deepEqual(
      content.crossCutting.measures.map((x) => [x.title, x.body, x.sourceLine]),
      [
        ['デジタル化の推進', ['説明。'], 5],
        ['協働の推進', [], 6],
      ],
    );
    // CrossCuttingDoc has no number: the coverage check shows that these numbers are not kept.
    assert.deepEqual(
      linesMissingFromStructure(content).map((x) => x.line),
      [5, 6],
    );
  });

  test('notes anywhere after the title, with or without a term', () => {
    const { content } = parse(
      ['計画', '※印は新規の取組です。', '●重点施策1 A', '1 B\tC', '※ＲＭＯ：地域運営組織'].join('\n'),
    );
    assert.deepEqual(content.notes, [
      { text: '※印は新規の取組です。', term: null, sourceLine: 2 },
      { text: '※ＲＭＯ：地域運営組織', term: 'ＲＭＯ', sourceLine: 5 },
    ]);
  });

  test('white space: U+3000 indents, trailing spaces and blank lines of spaces are dropped', () => {
    const { content } = parse(['\u3000', '　計画　', ' \t', '●重点施策1　A　', '　1　B\t　C。　'].join('\n'));
    assert.equal(content.documentTitle, '計画');
    const [policy] = policiesOf(content);
    assert.equal(policy!.title, 'A');
    assert.deepEqual(
      [policy!.children[0]!.number, policy!.children[0]!.title, policy!.children[0]!.body],
      ['1', 'B', ['C。']],
    );
  });
});

describe('refusals name the line, in Japanese', () => {
  test('a measure line before any heading', () => {
    assertRefused(() => parsePlanText('計画（案）\n\n1\t施策\t説明'), 3, '見出し');
    assertRefused(() => parsePlanText('計画（案）\n【3つの創る】\n1 施策\t説明'), 3);
  });

  test('a first line that is a heading or a measure rather than a title', () => {
    assertRefused(() => parsePlanText('\n●重点施策1 地域を創る\n1 A\tB'), 2, '題名');
    assertRefused(() => parsePlanText('1\t施策\t説明'), 1);
  });

  test('a tab line without a number', () => {
    assertRefused(() => parsePlanText('計画\n●重点施策1 A\n1 B\tC\n施策名\t説明'), 4, '番号');
  });

  test('a measure number without a title', () => {
    assertRefused(() => parsePlanText('計画\n●重点施策1 A\n（１）B\n説明。\n（２）\n施策名'), 5, '施策名');
    assertRefused(() => parsePlanText('計画\n●重点施策1 A\n1 B\tC\n2．'), 4);
  });

  test('a duplicate measure number, also written in other digits', () => {
    assertRefused(() => parsePlanText('計画\n●重点施策1 A\n1 B\tC\n2 D\tE\n2 F\tG'), 5, '二度');
    assertRefused(() => parsePlanText('計画\n■基本目標１ A\n（１）B\n（1）C'), 4);
  });

  test('a duplicate policy number, also written in other digits', () => {
    assertRefused(() => parsePlanText('計画\n●重点施策1 A\n1 B\tC\n●重点施策1 D\n1 E\tF'), 4, '二度');
    assertRefused(() => parsePlanText('計画\n■基本目標１ A\n1 B\tC\n■基本目標1 D\n1 E\tF'), 4);
  });

  test('a policy heading without a title', () => {
    assertRefused(() => parsePlanText('計画\n●重点施策1 A\n1 B\tC\n\n●重点施策2\n1 D\tE'), 5, '名前');
    assertRefused(() => parsePlanText('計画\n■基本目標１　\n1 B\tC'), 2);
  });

  test('a policy with no measures, wherever it is', () => {
    assertRefused(() => parsePlanText('計画\n●重点施策1 A\n説明。\n●重点施策2 B\n1 C\tD'), 2, '施策の行');
    assertRefused(() => parsePlanText('計画\n●重点施策1 A\n1 B\tC\n●重点施策2 D\n説明。'), 4);
    assertRefused(() => parsePlanText('計画\n●重点施策1 A\n1 B\tC\n●重点施策2 D\n横断的施策\nE\tF'), 4);
  });

  test('a plan with no policy at all', () => {
    assertRefused(() => parsePlanText('計画\n\n前文です。\n\n後書きです。\n'), 5, '一つもありません');
  });

  test('a cross-cutting heading with no items', () => {
    assertRefused(
      () => parsePlanText('計画\n●重点施策1 A\n1 B\tC\n\n3つの横断的施策\n\n説明だけです。'),
      5,
      '横断的施策',
    );
  });

  test('a second cross-cutting heading', () => {
    const text = '計画\n●重点施策1 A\n1 B\tC\n横断的施策\nD\tE\n●重点施策2 F\n1 G\tH\n横断的な視点\nI\tJ';
    assertRefused(() => parsePlanText(text), 8, '一つだけ');
  });

  test('an unknown ●-heading', () => {
    assertRefused(() => parsePlanText('計画\n●はじめに\n●重点施策1 A\n1 B\tC'), 2, '見出し');
    assertRefused(() => parsePlanText('計画\n●重点施策1 A\n1 B\tC\n■参考資料'), 4, '見出し');
  });

  test('an empty file', () => {
    assertRefused(() => parsePlanText(''), 1, '空');
    assertRefused(() => parsePlanText('\n\u3000\n \t\r\n'), 1, '空');
    assertRefused(() => parsePlanText(decodePlanBytes(new Uint8Array())), 1, '空');
  });

  test('a file with NUL bytes', () => {
    assertRefused(() => decodePlanBytes(enc.encode('計画\n●重点施策1 A\n1 B\u0000\tC')), 3, 'NUL');
    assertRefused(() => decodePlanBytes(Uint8Array.of(0x41, 0x0d, 0x0a, 0x42, 0x0d, 0x00)), 3, 'NUL');
    assertRefused(() => parsePlanText('計画\n●重点施策1 A\u0000\n1 B\tC'), 2, 'NUL');
  });

  test('undecodable bytes, on the line of the first one', () => {
    const utf8 = Uint8Array.from([
      ...enc.encode('計画（案）\n●重点施策1 地域\n1 A'),
      0xff,
      ...enc.encode('\tB'),
    ]);
    assertRefused(() => decodePlanBytes(utf8), 3, '文字コード');
    const sjis = Uint8Array.from([
      ...toShiftJis('計画（案）\n●重点施策1 地域\n'),
      0x82,
      0xff,
      ...toShiftJis('1 A\tB'),
    ]);
    assertRefused(() => decodePlanBytes(sjis), 3, '文字コード');
    assertRefused(() => decodePlanBytes(Uint8Array.of(0xff, 0xfe, 0x08, 0x8a)), 1, 'UTF-16');
  });
});

describe('crossCuttingKeywords', () => {
  test('derives the word that marks a mention from the title', () => {
    assert.deepEqual(crossCuttingKeywords('デジタル化の推進'), ['デジタル']);
    assert.deepEqual(crossCuttingKeywords('山口東京理科大学との連携'), ['山口東京理科大学']);
    assert.deepEqual(crossCuttingKeywords('スマイルエイジングの推進'), ['スマイルエイジング']);
    assert.deepEqual(crossCuttingKeywords('「協創」の実現'), ['協創']);
    assert.deepEqual(crossCuttingKeywords('ＳＤＧｓの視点'), ['ＳＤＧｓ']);
    assert.deepEqual(crossCuttingKeywords('の推進'), ['の推進']);
    assert.deepEqual(crossCuttingKeywords('人づくり'), ['人づくり']);
  });
});
