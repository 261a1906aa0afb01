import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  jaccard,
  jaccardAtLeast,
  normalizeForSimilarity,
  type OpinionText,
  shingles,
  suggestSimilarGroups,
} from './similarity.ts';

const BASE = '子育て世代が住みやすいよう、公園の整備と遊具の更新を進めてほしい。';
const sim = (a: string, b: string) =>
  jaccard(shingles(normalizeForSimilarity(a)), shingles(normalizeForSimilarity(b)));

/** The groups as sorted id lists, for comparison. */
const idsOf = (groups: ReturnType<typeof suggestSimilarGroups>) => groups.map((g) => g.ids);

const UNRELATED = [
  '防災無線が聞こえにくい地区があるので、戸別受信機を配ってください。',
  '市役所の窓口の待ち時間が長いので、オンライン申請を増やしてほしい。',
  '商店街の空き店舗を活用して、若い人が起業できる場をつくってください。',
  '高齢者の買い物支援として、移動販売車の運行を検討してほしい。',
  '小野田駅周辺の駐輪場が足りません。',
  'きらら浜の自然観察公園をもっと宣伝して観光客を呼ぶべきだ。',
  '下水道の整備が遅れている地域の計画を示してください。',
  '図書館の開館時間を夜九時まで延ばしてほしい。',
];

describe('similarity of opinions (character n-grams, MinHash + LSH)', () => {
  test('normalisation: NFKC, lower case, no punctuation, symbols or white space', () => {
    assert.equal(
      normalizeForSimilarity('ＡＢＣ　１２３、ｶﾅ！ abc?'),
      'abc123カナabc',
      'full-width and half-width unified',
    );
    assert.equal(normalizeForSimilarity('「賛成」です。\n'), '賛成です', 'brackets and full stop removed');
    assert.equal(normalizeForSimilarity('。、！？ 　'), '', 'only punctuation leaves nothing');
  });

  test('shingles: bigrams and trigrams of code points, unique', () => {
    assert.equal(shingles('賛成です').length, 5, '3 bigrams + 2 trigrams');
    assert.equal(shingles('ああああ').length, 2, 'repeats counted once: ああ and あああ');
    assert.equal(shingles('賛').length, 1, 'one character is its own unigram');
    assert.equal(shingles('').length, 0, 'empty text has no n-grams');
    assert.equal(shingles('𠮷野家').length, 3, 'a character outside the BMP counts once');
  });

  test('jaccardAtLeast agrees with jaccard, and says -1 below the bound', () => {
    const texts = [BASE, ...UNRELATED, BASE.replace('公園', '広場'), `${BASE}以上です`];
    const sets = texts.map((t) => shingles(normalizeForSimilarity(t)));
    let checked = 0;
    for (const a of sets)
      for (const b of sets)
        for (const t of [0.1, 0.5, 0.8]) {
          const j = jaccard(a, b);
          const got = jaccardAtLeast(a, b, t);
          if (j >= t) assert.ok(Math.abs(got - j) < 1e-12, `${got} = ${j} at ${t}`);
          else assert.equal(got, -1, `${j} < ${t} gives -1`);
          checked++;
        }
    assert.ok(checked > 100, 'many pairs checked');
  });

  test('near-duplicates are grouped: a few characters changed, punctuation, full-width vs half-width', () => {
    const opinions: OpinionText[] = [
      { id: 1, text: BASE },
      { id: 2, text: '子育て世代が住みやすいように、公園の整備と遊具の更新をすすめてほしいです！' },
      { id: 3, text: '子育て世代が住みやすいよう公園の整備と遊具の更新を進めて欲しい' },
      { id: 4, text: '子育て世代が住みやすいよう、公園の整備と遊具の更新を進めてほしい（ＡＢＣ地区）' },
      { id: 5, text: '子育て世代が住みやすいよう、公園の整備と遊具の更新を進めてほしい(ABC地区)' },
      ...UNRELATED.map((text, i) => ({ id: 100 + i, text })),
    ];
    const groups = suggestSimilarGroups(opinions);
    assert.deepEqual(idsOf(groups), [[1, 2, 3, 4, 5]], 'the five variants form one group, nothing else');
    assert.ok(groups[0]!.score > 0.6 && groups[0]!.score <= 1, `score ${groups[0]!.score} in (0.6, 1]`);
    assert.ok(sim(opinions[3]!.text, opinions[4]!.text) === 1, 'full-width and half-width are the same text');
  });

  test('unrelated opinions on the same plan are not grouped', () => {
    const opinions = UNRELATED.map((text, i) => ({ id: i + 1, text }));
    assert.deepEqual(suggestSimilarGroups(opinions), [], 'no group among different opinions');
  });

  test('the empty and the one-opinion cases', () => {
    assert.deepEqual(suggestSimilarGroups([]), [], 'no opinions, no groups');
    assert.deepEqual(suggestSimilarGroups([{ id: 7, text: BASE }]), [], 'one opinion is no group');
    assert.deepEqual(
      suggestSimilarGroups([
        { id: 1, text: '。。。' },
        { id: 2, text: '！！' },
      ]),
      [],
      'texts with nothing but punctuation are never grouped',
    );
  });

  test('very short opinions: the same words group, opposite stances do not', () => {
    const opinions: OpinionText[] = [
      { id: 1, text: '賛成です' },
      { id: 2, text: '賛成です。' },
      { id: 3, text: '　賛成です！' },
      { id: 4, text: '反対です' },
      { id: 5, text: '反対です。' },
      { id: 6, text: '賛成します' },
      { id: 7, text: '賛' },
    ];
    assert.deepEqual(
      idsOf(suggestSimilarGroups(opinions)),
      [
        [1, 2, 3],
        [4, 5],
      ],
      '賛成です and 反対です stay apart; 賛成します and a lone 賛 join nobody',
    );
    assert.ok(sim('賛成です', '反対です') < 0.2, 'sharing only です is not similarity');
  });

  test('deterministic: the same result on every run and whatever the input order', () => {
    const opinions: OpinionText[] = [];
    for (let i = 0; i < 60; i++) {
      const variant =
        i % 3 === 0 ? BASE : i % 3 === 1 ? BASE.replace('公園', 'こうえん') : BASE.replace('。', '！');
      opinions.push({ id: i * 2 + 1, text: i % 2 === 0 ? variant : UNRELATED[i % UNRELATED.length]! + i });
    }
    const a = suggestSimilarGroups(opinions);
    const b = suggestSimilarGroups([...opinions].reverse());
    const c = suggestSimilarGroups(opinions);
    assert.ok(a.length > 0, 'there is something to group');
    assert.deepEqual(b, a, 'input order does not matter');
    assert.deepEqual(c, a, 'the same on a second run');
  });

  test('chaining is stopped: each text a small step from the last does not make one group of all', () => {
    // a chain of texts, each changing the next sixth of the previous one: neighbours are alike, texts
    // three steps apart share little, so no single leader can be alike both ends
    const pool = [
      ...'公園整備遊具更新子育世代住環境防災無線避難所図書館開館時間延長商店街空店舗活用起業支援高齢者福祉介護人材交通駅前駐輪場観光海岸夕日学校教育給食費通学路安全医療救急病院健診下水道路補修空家対策移住定住若者結婚',
    ].filter((c, i, a) => a.indexOf(c) === i);
    const length = 36;
    const steps: string[] = [];
    let current = pool.slice(0, length);
    let next = length;
    for (let k = 0; k < 9; k++) {
      steps.push(current.join(''));
      current = [...current];
      const from = (k * 6) % length;
      for (let i = from; i < from + 6; i++) current[i] = pool[next++ % pool.length]!;
    }
    for (let i = 0; i + 1 < steps.length; i++)
      assert.ok(
        sim(steps[i]!, steps[i + 1]!) >= 0.5,
        `neighbours ${i} and ${i + 1} are alike (${sim(steps[i]!, steps[i + 1]!)})`,
      );
    for (let i = 0; i + 3 < steps.length; i++)
      assert.ok(
        sim(steps[i]!, steps[i + 3]!) < 0.4,
        `texts ${i} and ${i + 3} differ (${sim(steps[i]!, steps[i + 3]!)})`,
      );
    const groups = suggestSimilarGroups(steps.map((text, i) => ({ id: i + 1, text })));
    assert.ok(groups.length >= 2, `the chain is cut into several groups: ${JSON.stringify(idsOf(groups))}`);
    for (const g of groups) {
      assert.ok(
        g.ids.length <= 5,
        `no group spans more than the leader's neighbourhood: ${JSON.stringify(g.ids)}`,
      );
      for (const id of g.ids)
        assert.ok(
          sim(steps[id - 1]!, steps[g.leader - 1]!) >= 0.4,
          `member ${id} is alike the leader ${g.leader} of ${JSON.stringify(g.ids)}`,
        );
    }
  });

  test('a large campaign of near-duplicates among unique opinions is found without comparing every pair', () => {
    const opinions: OpinionText[] = [];
    let id = 0;
    for (let i = 0; i < 300; i++) {
      // the campaign: the template with a personal ending
      opinions.push({ id: ++id, text: `${BASE}私は${i % 17}丁目に住んでいます。` });
      opinions.push({
        id: ++id,
        text: `${UNRELATED[i % UNRELATED.length]}（${i}番目の意見、${'あいうえおかきくけこ'[i % 10]}）`,
      });
    }
    const t0 = performance.now();
    const groups = suggestSimilarGroups(opinions);
    const ms = performance.now() - t0;
    const campaign = groups.find((g) => g.ids.includes(1));
    assert.ok(campaign, 'the campaign is found');
    assert.ok(
      campaign.ids.length >= 290,
      `nearly all 300 campaign opinions in one group (${campaign.ids.length})`,
    );
    assert.ok(
      campaign.ids.every((x) => x % 2 === 1),
      'only campaign opinions in the campaign group',
    );
    assert.ok(ms < 5000, `600 opinions in ${ms.toFixed(0)} ms`);
  });
});
