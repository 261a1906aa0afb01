import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  jaccard,
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

  test('chaining is stopped: A≈B≈C≈D does not put A and D together when they differ', () => {
    // each step replaces a different part of the sentence; the ends share little
    const steps = [
      '公園の整備を進めて子育て世代が住みやすい街にしてほしい',
      '公園の整備を進めて子育て世代が暮らしやすい町にしてほしいです',
      '遊具の更新を進めて子育て世代が暮らしやすい町にしてほしいです',
      '遊具の更新を急いで高齢者も暮らしやすい町にしてほしいです',
      '遊具の更新を急いで高齢者も集える広場にしてください',
    ];
    const first = steps[0]!;
    const last = steps[steps.length - 1]!;
    assert.ok(sim(first, last) < 0.2, `the ends differ (${sim(first, last)})`);
    const groups = suggestSimilarGroups(
      steps.map((text, i) => ({ id: i + 1, text })),
      { threshold: 0.3, leaderThreshold: 0.3 },
    );
    for (const g of groups) {
      assert.ok(
        !(g.ids.includes(1) && g.ids.includes(5)),
        `no group holds both ends: ${JSON.stringify(g.ids)}`,
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
