import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  escapeLike,
  graphemeLength,
  highlightSegments,
  isBlank,
  normalizeForSearch,
  normalizeWithMap,
  parseOrdinal,
  searchTerms,
  snippetAround,
  toAsciiDigits,
  trimAll,
} from './text.ts';

/** The segments joined back together: must always give the input. */
const joined = (segments: Array<{ text: string }>) => segments.map((s) => s.text).join('');
/** The matched parts only. */
const marked = (segments: Array<{ text: string; match: boolean }>) =>
  segments.filter((s) => s.match).map((s) => s.text);

describe('toAsciiDigits', () => {
  test('converts full-width digits and leaves everything else', () => {
    assert.equal(toAsciiDigits('基本目標１２'), '基本目標12');
    assert.equal(toAsciiDigits('０１２３４５６７８９'), '0123456789');
    assert.equal(toAsciiDigits('（３）ＲＭＯ 7'), '（3）ＲＭＯ 7');
    assert.equal(toAsciiDigits('①一'), '①一');
    assert.equal(toAsciiDigits(''), '');
  });
});

describe('parseOrdinal', () => {
  test('reads ASCII and full-width digits, ignoring brackets and words around them', () => {
    assert.equal(parseOrdinal('1'), 1);
    assert.equal(parseOrdinal('３'), 3);
    assert.equal(parseOrdinal('（１）'), 1);
    assert.equal(parseOrdinal('(12)'), 12);
    assert.equal(parseOrdinal('１０'), 10);
    assert.equal(parseOrdinal('基本目標２'), 2);
    assert.equal(parseOrdinal('007'), 7);
  });

  test('is null without digits', () => {
    assert.equal(parseOrdinal(''), null);
    assert.equal(parseOrdinal('（）'), null);
    assert.equal(parseOrdinal('一'), null);
    assert.equal(parseOrdinal('①'), null);
  });
});

describe('trimAll and isBlank', () => {
  test('trims ASCII white space, tabs and U+3000 at both ends only', () => {
    assert.equal(trimAll('\u3000\t 地域を創る\u3000 \r'), '地域を創る');
    assert.equal(trimAll('地域\u3000を 創る'), '地域\u3000を 創る');
    assert.equal(trimAll('\u3000\u3000'), '');
    assert.equal(trimAll(''), '');
  });

  test('isBlank is true only for white space', () => {
    assert.equal(isBlank(''), true);
    assert.equal(isBlank(' \t\u3000\r'), true);
    assert.equal(isBlank('\u3000あ'), false);
  });
});

describe('normalizeForSearch', () => {
  test('folds full-width ASCII to half-width and lower case', () => {
    assert.equal(normalizeForSearch('ＲＭＯ'), 'rmo');
    assert.equal(normalizeForSearch('（ＰＰＰ）'), '(ppp)');
    assert.equal(normalizeForSearch('LABV'), 'labv');
    assert.equal(normalizeForSearch('１２'), '12');
  });

  test('folds half-width kana to full-width, and U+3000 to a space', () => {
    assert.equal(normalizeForSearch('ｺﾄﾞﾓ'), 'コドモ');
    assert.equal(normalizeForSearch('ﾃﾞｼﾞﾀﾙ'), 'デジタル');
    assert.equal(normalizeForSearch('地域\u3000交流'), '地域 交流');
  });

  test('leaves kana, kanji and full-width Japanese punctuation as they are', () => {
    assert.equal(normalizeForSearch('子育て支援の充実。'), '子育て支援の充実。');
    assert.equal(normalizeForSearch('「住みよさ」'), '「住みよさ」');
  });
});

describe('normalizeWithMap', () => {
  test('gives the normalised text and, per UTF-16 unit, the index in the input it came from', () => {
    const { text, map } = normalizeWithMap('ＲＭＯの形成');
    assert.equal(text, 'rmoの形成');
    assert.deepEqual(map, [0, 1, 2, 3, 4, 5, 6]);
  });

  test('maps every unit of an expansion to the same source index', () => {
    const { text, map } = normalizeWithMap('令和元年㍻');
    assert.equal(text, '令和元年平成');
    assert.deepEqual(map, [0, 1, 2, 3, 4, 4, 5]);
  });

  test('steps over surrogate pairs', () => {
    const s = '𠮷野家Ａ';
    const { text, map } = normalizeWithMap(s);
    assert.equal(text, '𠮷野家a');
    assert.deepEqual(map, [0, 0, 2, 3, 4, 5]);
    assert.equal(map[text.length], s.length);
  });

  test('the last entry is the input length, also for an empty input', () => {
    assert.deepEqual(normalizeWithMap(''), { text: '', map: [0] });
  });

  test('agrees with normalizeForSearch when no characters combine', () => {
    for (const s of ['ＲＭＯ', '地域\u3000交流', '（PPP）', 'LABV㍻', '子育て']) {
      assert.equal(normalizeWithMap(s).text, normalizeForSearch(s), s);
    }
  });
});

describe('searchTerms', () => {
  test('splits on ASCII and full-width spaces and drops empty terms', () => {
    assert.deepEqual(searchTerms('子育て　支援  学校'), ['子育て', '支援', '学校']);
    assert.deepEqual(searchTerms('\u3000 子育て \t'), ['子育て']);
    assert.deepEqual(searchTerms('   '), []);
    assert.deepEqual(searchTerms(''), []);
  });

  test('normalises and removes duplicates, keeping the first order', () => {
    assert.deepEqual(searchTerms('ＲＭＯ rmo RMO 地域'), ['rmo', '地域']);
    assert.deepEqual(searchTerms('ｺﾄﾞﾓ　コドモ'), ['コドモ']);
  });
});

describe('highlightSegments', () => {
  const text = '地域運営組織（RMO）の形成を推進するとともに、地域の活性化を図ります。';

  test('marks every occurrence and concatenates back to the input exactly', () => {
    const segs = highlightSegments(text, ['地域']);
    assert.equal(joined(segs), text);
    assert.deepEqual(marked(segs), ['地域', '地域']);
    assert.deepEqual(segs[0], { text: '地域', match: true });
  });

  test('a full-width query matches half-width text, and the text keeps its own form', () => {
    const segs = highlightSegments(text, searchTerms('ＲＭＯ'));
    assert.equal(joined(segs), text);
    assert.deepEqual(marked(segs), ['RMO']);
  });

  test('a half-width query matches full-width text', () => {
    const written = '官民連携（ＰＰＰ）の推進';
    const segs = highlightSegments(written, searchTerms('ppp'));
    assert.equal(joined(segs), written);
    assert.deepEqual(marked(segs), ['ＰＰＰ']);
  });

  test('overlapping and touching terms merge into one segment', () => {
    const segs = highlightSegments('地域運営組織の形成', ['地域運営', '運営組織']);
    assert.deepEqual(segs, [
      { text: '地域運営組織', match: true },
      { text: 'の形成', match: false },
    ]);
    const touching = highlightSegments('地域運営組織', ['地域', '運営']);
    assert.deepEqual(touching, [
      { text: '地域運営', match: true },
      { text: '組織', match: false },
    ]);
  });

  test('overlapping occurrences of one term merge', () => {
    const segs = highlightSegments('ああああい', ['ああ']);
    assert.deepEqual(segs, [
      { text: 'ああああ', match: true },
      { text: 'い', match: false },
    ]);
  });

  test('no terms, no match or empty input give one plain segment', () => {
    assert.deepEqual(highlightSegments(text, []), [{ text, match: false }]);
    assert.deepEqual(highlightSegments(text, ['山口']), [{ text, match: false }]);
    assert.deepEqual(highlightSegments('', ['地域']), [{ text: '', match: false }]);
  });

  test('keeps surrogate pairs whole and concatenates back exactly', () => {
    const s = '𠮷野家と𠮷田';
    const segs = highlightSegments(s, ['𠮷']);
    assert.equal(joined(segs), s);
    assert.deepEqual(marked(segs), ['𠮷', '𠮷']);
  });

  test('segments concatenate back to the input for many inputs and queries', () => {
    const inputs = [text, 'ＲＭＯ（ｱｲｳ）', '令和元年㍻、ﬁle', '　全角スペース　', '𠮷𠮷'];
    const queries = ['地域', 'rmo', 'ｱ', '平成', 'fi', ' ', '𠮷', 'の', 'a'];
    for (const s of inputs) {
      for (const q of queries) {
        assert.equal(joined(highlightSegments(s, searchTerms(q))), s, `${s} / ${q}`);
        assert.equal(joined(highlightSegments(s, [normalizeForSearch(q), '地域'])), s, `${s} / ${q}`);
      }
    }
  });
});

describe('snippetAround', () => {
  const long = `${'あ'.repeat(100)}山口東京理科大学${'い'.repeat(100)}`;

  test('returns a short text whole', () => {
    assert.equal(snippetAround('短い文です。', ['文']), '短い文です。');
    assert.equal(snippetAround('あ'.repeat(120), ['x'], 60), 'あ'.repeat(120));
  });

  test('cuts a window around the first match with ellipses on both sides', () => {
    const s = snippetAround(long, ['山口'], 10);
    assert.equal(s, `…${'あ'.repeat(10)}山口東京理科大学${'い'.repeat(2)}…`);
  });

  test('has no leading ellipsis when the match is near the start', () => {
    const s = snippetAround(`理科大学${'う'.repeat(200)}`, ['理科'], 10);
    assert.equal(s, `理科大学${'う'.repeat(6)}…`);
  });

  test('finds a match in normalised form', () => {
    const s = snippetAround(`${'あ'.repeat(100)}ＲＭＯ${'い'.repeat(100)}`, searchTerms('rmo'), 5);
    assert.equal(s, `…${'あ'.repeat(5)}ＲＭＯ${'い'.repeat(2)}…`);
  });

  test('takes the earliest match of all the terms', () => {
    const s = snippetAround(long, ['い', '山口'], 3);
    assert.equal(s, '…あああ山口東…');
  });

  test('without a match, the beginning', () => {
    assert.equal(snippetAround(long, ['なし'], 5), `${'あ'.repeat(10)}…`);
  });

  test('counts surrogate pairs as one character and never splits them', () => {
    const s = snippetAround(`${'𠮷'.repeat(50)}山${'𠮷'.repeat(50)}`, ['山'], 3);
    assert.equal(s, '…𠮷𠮷𠮷山𠮷𠮷…');
  });
});

describe('escapeLike', () => {
  test('escapes %, _ and the escape character itself', () => {
    assert.equal(escapeLike('100%'), '100\\%');
    assert.equal(escapeLike('a_b'), 'a\\_b');
    assert.equal(escapeLike('c:\\dir'), 'c:\\\\dir');
    assert.equal(escapeLike('\\%_'), '\\\\\\%\\_');
  });

  test('leaves other text, including full-width ％ and ＿, as it is', () => {
    assert.equal(escapeLike('地域づくり'), '地域づくり');
    assert.equal(escapeLike('１００％＿'), '１００％＿');
    assert.equal(escapeLike(''), '');
  });
});

describe('highlighting text whose normal form joins characters', () => {
  test('half-width voiced kana (ﾄﾞ) match their full-width form', () => {
    assert.deepEqual(highlightSegments('ｺﾄﾞﾓ食堂', searchTerms('コドモ')), [
      { text: 'ｺﾄﾞﾓ', match: true },
      { text: '食堂', match: false },
    ]);
  });
  test('decomposed kana (か + U+3099) match the composed form', () => {
    assert.deepEqual(highlightSegments('か\u3099っこう', searchTerms('がっこう')), [
      { text: 'か\u3099っこう', match: true },
    ]);
  });
  test('normalizeWithMap gives the same text as normalizeForSearch on mixed input', () => {
    const s = 'ｺﾄﾞﾓＲＭＯ㍻か\u3099';
    assert.equal(normalizeWithMap(s).text, normalizeForSearch(s));
  });
  test('a term matching part of one character marks the whole character, never an empty mark', () => {
    assert.deepEqual(highlightSegments('㍻元年', ['平']), [
      { text: '㍻', match: true },
      { text: '元年', match: false },
    ]);
  });
  test('an empty term is ignored instead of looping', () => {
    assert.deepEqual(highlightSegments('abc', ['']), [{ text: 'abc', match: false }]);
  });
});

describe('graphemeLength', () => {
  const intl = new Intl.Segmenter('ja', { granularity: 'grapheme' });
  const byIntl = (s: string) => [...intl.segment(s)].length;

  test('counts as a reader does: combining marks, emoji sequences, flags, Hangul jamo, CRLF', () => {
    assert.equal(graphemeLength(''), 0);
    assert.equal(graphemeLength('山陽小野田'), 5);
    assert.equal(graphemeLength('か\u3099'), 1);
    assert.equal(graphemeLength('👨‍👩‍👧'), 1);
    assert.equal(graphemeLength('🇯🇵🇯🇵'), 2);
    assert.equal(graphemeLength('\u1100\u1161\u11A8'), 1);
    assert.equal(graphemeLength('a\r\nb'), 3);
  });

  test('agrees with Intl.Segmenter on any short text', () => {
    const pieces = [
      'a',
      'あ',
      '\u3099',
      '👨',
      '\u200d',
      '👩',
      '🇯',
      '🇵',
      '\r',
      '\n',
      '\u0301',
      '\u1100',
      '\u1161',
      '\uFE0F',
      '#',
      '\u20E3',
      '\u0915',
      '\u094D',
      '\ud800',
      '\u0600',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 16 }), (parts) => {
        const s = parts.join('');
        assert.equal(graphemeLength(s), byIntl(s), JSON.stringify(s));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => graphemeLength(s) === byIntl(s)),
    );
  });

  // Issue 10: Intl.Segmenter's iteration is quadratic (192,000 characters froze a request for minutes).
  // The time per character of a 400,000-character text must stay near that of a 20,000-character one;
  // quadratic growth would make it 20 times larger. Best of five, so that a busy machine does not decide.
  test('takes time linear in the length', () => {
    const perChar = (n: number) => {
      const s = 'あa👨‍👩‍👧か\u3099'.repeat(Math.ceil(n / 8)).slice(0, n);
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        graphemeLength(s);
        best = Math.min(best, performance.now() - t);
      }
      return best / n;
    };
    perChar(20_000); // warm up
    const small = perChar(20_000);
    const large = perChar(400_000);
    assert.ok(large < small * 5, `per character: ${large} ms at 400k vs ${small} ms at 20k`);
  });
});
