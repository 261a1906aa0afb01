import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  generateRecoveryCodes,
  hashRecoveryCode,
  isWellFormedRecoveryCode,
  normalizeRecoveryCode,
  RECOVERY_CODE_ALPHABET,
  RECOVERY_CODE_BITS,
} from './recovery-codes.ts';

const FORMAT = /^[23456789abcdefghjkmnpqrstuvwxyz]{4}(-[23456789abcdefghjkmnpqrstuvwxyz]{4}){5}$/;

describe('recovery code alphabet', () => {
  test('31 lower-case symbols without 0, o, 1, l, i', () => {
    assert.equal(RECOVERY_CODE_ALPHABET.length, 31);
    assert.equal(new Set(RECOVERY_CODE_ALPHABET).size, 31);
    for (const ambiguous of '0o1li') assert.ok(!RECOVERY_CODE_ALPHABET.includes(ambiguous), ambiguous);
    assert.equal(RECOVERY_CODE_ALPHABET, RECOVERY_CODE_ALPHABET.toLowerCase());
  });
  test('a code carries at least 112 bits (ASVS 5.0 6.5.2 standard-hash threshold)', () => {
    assert.ok(RECOVERY_CODE_BITS >= 112, String(RECOVERY_CODE_BITS));
    assert.ok(RECOVERY_CODE_BITS > 118 && RECOVERY_CODE_BITS < 119);
  });
});

describe('generateRecoveryCodes', () => {
  test('ten codes by default, all distinct, in the documented format', () => {
    const codes = generateRecoveryCodes();
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const code of codes) assert.match(code, FORMAT);
  });
  test('n codes when asked', () => {
    assert.equal(generateRecoveryCodes(1).length, 1);
    assert.equal(generateRecoveryCodes(16).length, 16);
  });
  test('refuses a nonsensical count', () => {
    for (const n of [0, -1, 1.5, Number.NaN, 101]) assert.throws(() => generateRecoveryCodes(n), RangeError);
  });
  test('codes differ between calls, and every symbol of the alphabet occurs', () => {
    const codes = Array.from({ length: 100 }, () => generateRecoveryCodes()).flat();
    assert.equal(new Set(codes).size, 1000);
    const seen = new Set(codes.join('').replaceAll('-', ''));
    assert.deepEqual([...seen].sort().join(''), RECOVERY_CODE_ALPHABET);
  });
  test('generated codes are well-formed and normalise to themselves without hyphens', () => {
    for (const code of generateRecoveryCodes()) {
      assert.ok(isWellFormedRecoveryCode(code));
      assert.equal(normalizeRecoveryCode(code), code.replaceAll('-', ''));
    }
  });
});

describe('normalizeRecoveryCode', () => {
  const code = 'k7p2-9xqm-4hd3-r8vw-z6ty-3bnf';
  const plain = 'k7p29xqm4hd3r8vwz6ty3bnf';
  const variants = [
    code,
    plain,
    'K7P2-9XQM-4HD3-R8VW-Z6TY-3BNF', // upper case
    '  k7p2 9xqm 4hd3 r8vw z6ty 3bnf  ', // spaces instead of hyphens, untrimmed
    'k7p2 - 9xqm - 4hd3 - r8vw - z6ty - 3bnf',
    'Ｋ７Ｐ２－９ＸＱＭ－４ＨＤ３－Ｒ８ＶＷ－Ｚ６ＴＹ－３ＢＮＦ', // full-width, full-width hyphen-minus
    'ｋ７ｐ２　９ｘｑｍ　４ｈｄ３　ｒ８ｖｗ　ｚ６ｔｙ　３ｂｎｆ', // full-width, ideographic spaces
    'k7p2ー9xqmー4hd3ーr8vwーz6tyー3bnf', // katakana prolonged sound mark typed for "-"
    'k7p2‐9xqm–4hd3—r8vw−z6ty―3bnf', // Unicode hyphen, dashes, minus sign
    '\tk7p2-9xqm-4hd3-r8vw-z6ty-3bnf\n',
  ];
  for (const variant of variants) {
    test(`${JSON.stringify(variant)} normalises and hashes like the printed code`, () => {
      assert.equal(normalizeRecoveryCode(variant), plain);
      assert.equal(hashRecoveryCode(variant), hashRecoveryCode(code));
      assert.ok(isWellFormedRecoveryCode(variant));
    });
  }
  test('does not map look-alikes: a code with o or 0 stays different', () => {
    assert.notEqual(
      hashRecoveryCode('k7p2-9xqm-4hd3-r8vw-z6ty-3bnf'),
      hashRecoveryCode('k7p2-9xqm-4hd3-r8vw-z6ty-3bno'),
    );
    assert.equal(isWellFormedRecoveryCode('k7p2-9xqm-4hd3-r8vw-z6ty-3bn0'), false);
  });
});

describe('isWellFormedRecoveryCode', () => {
  test('refuses garbage, short, long and ambiguous input', () => {
    for (const input of [
      '',
      'k7p2-9xqm-4hd3',
      'k7p2-9xqm-4hd3-r8vw-z6ty-3bnf-a',
      'k7p2-9xqm-4hd3-r8vw-z6ty-3bnl',
      'k7p2-9xqm-4hd3-r8vw-z6ty-3bn!',
      '<script>alert(1)</script>',
    ]) {
      assert.equal(isWellFormedRecoveryCode(input), false, input);
    }
  });
});

describe('hashRecoveryCode', () => {
  test('is the SHA-256 hex of the normalised code', () => {
    const code = 'k7p2-9xqm-4hd3-r8vw-z6ty-3bnf';
    const expected = createHash('sha256').update('k7p29xqm4hd3r8vwz6ty3bnf').digest('hex');
    assert.equal(hashRecoveryCode(code), expected);
    assert.match(hashRecoveryCode(code), /^[0-9a-f]{64}$/);
  });
  test('different codes hash differently', () => {
    const codes = generateRecoveryCodes(50);
    assert.equal(new Set(codes.map(hashRecoveryCode)).size, 50);
  });
});
