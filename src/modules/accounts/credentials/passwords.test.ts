import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { type Algorithm, hash, parseOptions } from '@node-rs/argon2';
import {
  ARGON2_PARAMS,
  checkPasswordPolicy,
  DUMMY_PASSWORD_HASH,
  dummyVerifyPassword,
  hashPassword,
  needsRehash,
  normalizePassword,
  PASSWORD_CONTEXT_WORDS,
  PASSWORD_MAX,
  PASSWORD_MIN,
  verifyPassword,
} from './passwords.ts';

/** A random-looking, non-repeating ASCII string of `n` characters, the same on every run. */
function pseudoRandom(n: number): string {
  let out = '';
  for (let i = 0; out.length < n; i++) out += createHash('sha256').update(`kyoso-${i}`).digest('base64url');
  return out.slice(0, n);
}

const STRONG = 'k9#vQ2m!xL4p'; // 12 code points, not common

describe('password constants', () => {
  test('limits are 12 and 256 code points', () => {
    assert.equal(PASSWORD_MIN, 12);
    assert.equal(PASSWORD_MAX, 256);
  });
});

describe('normalizePassword', () => {
  test('full-width input from a Japanese IME equals half-width input', () => {
    assert.equal(normalizePassword('Ｔｓｕｋｉｍｉ－Ｄａｎｇｏ７！'), 'Tsukimi-Dango7!');
  });
  test('does not trim, and keeps case', () => {
    assert.equal(normalizePassword('  Pass word  '), '  Pass word  ');
  });
  test('the ideographic space becomes an ASCII space (NFKC), it is not removed', () => {
    assert.equal(normalizePassword('mizu\u3000oto'), 'mizu oto');
  });
  test('composes a letter and a combining mark', () => {
    assert.equal(normalizePassword('cafe\u0301'), 'café');
  });
});

describe('checkPasswordPolicy: length', () => {
  test('11 code points is too short, 12 is enough', () => {
    assert.deepEqual(checkPasswordPolicy(STRONG.slice(0, 11)), {
      ok: false,
      reason: 'too_short',
      length: 11,
    });
    assert.deepEqual(checkPasswordPolicy(STRONG), { ok: true });
  });
  test('the empty password is too short, with length 0', () => {
    assert.deepEqual(checkPasswordPolicy(''), { ok: false, reason: 'too_short', length: 0 });
  });
  test('an emoji counts as one code point, not as two UTF-16 units', () => {
    const eleven = `${STRONG.slice(0, 10)}🍣`;
    assert.equal(eleven.length, 12); // UTF-16 units
    assert.deepEqual(checkPasswordPolicy(eleven), { ok: false, reason: 'too_short', length: 11 });
    assert.deepEqual(checkPasswordPolicy(`${eleven}🍵`), { ok: true });
  });
  test('a combining mark without a precomposed form counts as its own code point', () => {
    // q + U+0301 has no precomposed character: two code points after NFKC.
    assert.deepEqual(checkPasswordPolicy(`${STRONG.slice(0, 10)}q\u0301`), { ok: true });
  });
  test('a letter and a combining mark that NFKC composes count once', () => {
    // e + U+0301 becomes é: 11 code points after normalisation although 12 were typed.
    assert.deepEqual(checkPasswordPolicy(`${STRONG.slice(0, 10)}e\u0301`), {
      ok: false,
      reason: 'too_short',
      length: 11,
    });
  });
  test('Japanese passwords are counted in characters', () => {
    assert.deepEqual(checkPasswordPolicy('古池や蛙飛び込む水の音'), {
      ok: false,
      reason: 'too_short',
      length: 11,
    });
    assert.deepEqual(checkPasswordPolicy('古池や蛙飛び込む水の音だ'), { ok: true });
  });
  test('256 code points are accepted, 257 are too long', () => {
    assert.deepEqual(checkPasswordPolicy(pseudoRandom(256)), { ok: true });
    assert.deepEqual(checkPasswordPolicy(pseudoRandom(257)), { ok: false, reason: 'too_long', length: 257 });
  });
  test('the upper limit counts code points too', () => {
    const mixed = `${'🍣'.repeat(100)}${pseudoRandom(156)}`; // 356 UTF-16 units, 256 code points
    assert.equal(mixed.length, 356);
    assert.deepEqual(checkPasswordPolicy(mixed), { ok: true });
    assert.deepEqual(checkPasswordPolicy(`${mixed}🍵`), { ok: false, reason: 'too_long', length: 257 });
  });
  test('length is checked before the blocklist', () => {
    assert.deepEqual(checkPasswordPolicy('password'), { ok: false, reason: 'too_short', length: 8 });
  });
  test('full-width input is measured after NFKC', () => {
    assert.deepEqual(checkPasswordPolicy('ｋ９＃ｖＱ２ｍ！ｘＬ４ｐ'), { ok: true });
  });
});

describe('checkPasswordPolicy: common passwords', () => {
  const refused = [
    'password123456', // list entry + digits
    'PASSWORD123456', // case-insensitive
    'Password!!2024', // digits and symbols at the end
    'qwertyuiopas', // keyboard row
    'QWERTYUIOPASDF',
    'lkjhgfdsapoiuytrewq', // keyboard row backwards
    'abcdefghijklm', // alphabet
    '123456789012', // digits
    '1qaz2wsx3edc4rfv', // keyboard columns
    'iloveyou2024!', // list entry + digits + symbol
    '!!sunshine2024!!', // symbols at both ends
    'aaaaaaaaaaaa', // repetition of one character
    'abcabcabcabc', // repetition of a short unit
    '1212121212121212',
    'dragondragon', // repetition of a list entry
    'monkey1monkey1', // repetition of a list entry with a digit
    'ｐａｓｓｗｏｒｄ１２３４５６', // full-width
    'qwerty123456', // list entry as such
  ];
  for (const pw of refused) {
    test(`refuses ${JSON.stringify(pw)}`, () => {
      const result = checkPasswordPolicy(pw);
      assert.equal(result.ok, false);
      assert.equal((result as { reason: string }).reason, 'common');
      assert.equal((result as { length: number }).length, [...pw.normalize('NFKC')].length);
    });
  }

  const accepted = [
    'correct horse battery staple',
    'mizuumi no hotori de kaeru ga naku 1686',
    'tsukimi-dango-7-hakone-yuzu',
    '古池や蛙飛び込む水の音だ',
    STRONG,
    'sunshine and rain over ube', // a list entry inside a longer passphrase is fine
    'password manager generated: Xy7$kq2!Lm9#',
  ];
  for (const pw of accepted) {
    test(`accepts ${JSON.stringify(pw)}`, () => {
      assert.deepEqual(checkPasswordPolicy(pw), { ok: true });
    });
  }
});

describe('checkPasswordPolicy: identity and context words', () => {
  const context = { email: 'Taro.Yamada@city.sanyo-onoda.example.jp', displayName: 'Hanako Suzuki' };
  test('refuses the e-mail local part, case-insensitively', () => {
    assert.deepEqual(checkPasswordPolicy('my TARO.YAMADA secret', context), {
      ok: false,
      reason: 'contains_identity',
      length: 21,
    });
  });
  test('refuses a piece of the local part of at least 4 characters', () => {
    assert.equal(
      (checkPasswordPolicy('kaeru-Yamada-1686', context) as { reason?: string }).reason,
      'contains_identity',
    );
    assert.equal(
      (checkPasswordPolicy('kaeru-taro-1686!', context) as { reason?: string }).reason,
      'contains_identity',
    );
    // "li" and "wei" are too short to refuse on their own; "li.wei" is refused.
    assert.deepEqual(checkPasswordPolicy('kaeru-wei-li-1686', { email: 'li.wei@example.jp' }), { ok: true });
    assert.equal(
      (checkPasswordPolicy('kaeru-li.wei-1686', { email: 'li.wei@example.jp' }) as { reason?: string })
        .reason,
      'contains_identity',
    );
  });
  test('refuses the local part typed full-width', () => {
    assert.equal(
      (checkPasswordPolicy('ｔａｒｏ．ｙａｍａｄａ-kaeru', context) as { reason?: string }).reason,
      'contains_identity',
    );
  });
  test('ignores a local part shorter than 4 characters', () => {
    assert.deepEqual(checkPasswordPolicy('kaeru-ume-1686!', { email: 'ume@example.jp' }), { ok: true });
    assert.equal(
      (checkPasswordPolicy('kaeru-sato-1686!', { email: 'sato@example.jp' }) as { reason?: string }).reason,
      'contains_identity',
    );
  });
  test('refuses the display name or one of its words', () => {
    assert.equal(
      (checkPasswordPolicy('kaeru-SUZUKI-1686', context) as { reason?: string }).reason,
      'contains_identity',
    );
    assert.equal(
      (checkPasswordPolicy('山田太郎の大切な合言葉です', { displayName: '山田 太郎' }) as { reason?: string })
        .reason,
      'contains_identity',
    );
  });
  test('refuses the product name and the caller’s context words', () => {
    assert.ok(PASSWORD_CONTEXT_WORDS.includes('kyoso'));
    assert.equal(
      (checkPasswordPolicy('welcome-to-KYOSO-2026') as { reason?: string }).reason,
      'contains_identity',
    );
    assert.equal(
      (checkPasswordPolicy('協創のためのとても長い合言葉') as { reason?: string }).reason,
      'contains_identity',
    );
    assert.equal(
      (
        checkPasswordPolicy('i love Sanyo-Onoda city', { contextWords: ['sanyo-onoda', '山陽小野田'] }) as {
          reason?: string;
        }
      ).reason,
      'contains_identity',
    );
    assert.equal(
      (
        checkPasswordPolicy('山陽小野田の春は桜がきれい', {
          contextWords: ['sanyo-onoda', '山陽小野田'],
        }) as {
          reason?: string;
        }
      ).reason,
      'contains_identity',
    );
  });
  test('common is reported before identity', () => {
    assert.equal(
      (checkPasswordPolicy('password123456', { email: 'password@example.jp' }) as { reason?: string }).reason,
      'common',
    );
  });
  test('without context, only the built-in context words apply', () => {
    assert.deepEqual(checkPasswordPolicy('taro.yamada-kaeru'), { ok: true });
  });
});

describe('hashPassword / verifyPassword', () => {
  test('a hash is argon2id v19 with the OWASP parameters and a 16-byte salt', async () => {
    const hashed = await hashPassword(STRONG);
    assert.match(hashed, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    const p = parseOptions(hashed);
    assert.equal(p.memoryCost, 19456);
    assert.equal(p.timeCost, 2);
    assert.equal(p.parallelism, 1);
    assert.equal(p.algorithm, ARGON2_PARAMS.algorithm);
    assert.equal(p.saltLen, 16);
    assert.equal(needsRehash(hashed), false);
  });
  test('round trip; the same password hashes differently each time (salt)', async () => {
    const a = await hashPassword(STRONG);
    const b = await hashPassword(STRONG);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword(a, STRONG), true);
    assert.equal(await verifyPassword(b, STRONG), true);
  });
  test('a wrong password is false, including case and whitespace differences', async () => {
    const hashed = await hashPassword(STRONG);
    assert.equal(await verifyPassword(hashed, 'k9#vQ2m!xL4P'), false);
    assert.equal(await verifyPassword(hashed, ` ${STRONG}`), false);
    assert.equal(await verifyPassword(hashed, ''), false);
  });
  test('full-width and half-width forms verify against each other', async () => {
    const hashed = await hashPassword('ｋ９＃ｖＱ２ｍ！ｘＬ４ｐ');
    assert.equal(await verifyPassword(hashed, STRONG), true);
  });
  test('malformed or foreign hashes are false, never an exception', async () => {
    const malformed = [
      '',
      'not a hash',
      '$argon2id$',
      '$argon2id$v=19$m=19456,t=2,p=1$abc$def',
      '$argon2id$v=19$m=19456,t=2,p=1$!!!!$!!!!',
      '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy', // bcrypt
      DUMMY_PASSWORD_HASH.slice(0, -10),
    ];
    for (const h of malformed) assert.equal(await verifyPassword(h, STRONG), false, h);
  });
});

describe('dummyVerifyPassword', () => {
  test('the dummy hash has the current parameters', () => {
    assert.equal(needsRehash(DUMMY_PASSWORD_HASH), false);
  });
  test('resolves to false', async () => {
    assert.equal(await dummyVerifyPassword(STRONG), false);
    assert.equal(await dummyVerifyPassword(''), false);
  });
  test('verifies against a hash of the current parameters, so it costs what a real verification costs', () => {
    // Not timed (timing belongs in benchmarks): the dummy hash must simply not be cheaper than a real one.
    assert.equal(needsRehash(DUMMY_PASSWORD_HASH), false);
    assert.match(DUMMY_PASSWORD_HASH, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});

describe('needsRehash', () => {
  const weaker = async (options: Parameters<typeof hash>[1]) => hash('x', options);
  test('false for the current parameters and for stronger ones', async () => {
    assert.equal(needsRehash(await hashPassword('x')), false);
    assert.equal(needsRehash(await weaker({ ...ARGON2_PARAMS, memoryCost: 32768, timeCost: 3 })), false);
  });
  test('true for less memory, fewer passes, another algorithm or a short salt', async () => {
    assert.equal(needsRehash(await weaker({ ...ARGON2_PARAMS, memoryCost: 4096 })), true);
    assert.equal(needsRehash(await weaker({ ...ARGON2_PARAMS, timeCost: 1 })), true);
    const argon2i: Algorithm = 1;
    assert.equal(needsRehash(await weaker({ ...ARGON2_PARAMS, algorithm: argon2i })), true);
    assert.equal(needsRehash(await weaker({ ...ARGON2_PARAMS, salt: new Uint8Array(8) })), true);
  });
  test('true for what cannot be parsed', () => {
    assert.equal(needsRehash(''), true);
    assert.equal(needsRehash('$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'), true);
  });
});
