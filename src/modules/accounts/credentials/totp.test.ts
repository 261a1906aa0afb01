import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HOTP, Secret, URI } from 'otpauth';
import {
  formatSecretForManualEntry,
  generateTotpSecret,
  normalizeTotpCode,
  TOTP_DIGITS,
  TOTP_PERIOD_SECONDS,
  TOTP_QR_DEFAULT_TITLE,
  totpQrSvg,
  totpUri,
  verifyTotp,
} from './totp.ts';

/** RFC 6238 appendix B: the ASCII secret "12345678901234567890" in base32. */
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

/** RFC 6238 appendix B, SHA1 column, last six of the eight digits. */
const RFC_VECTORS: Array<[seconds: number, code: string]> = [
  [59, '287082'],
  [1111111109, '081804'],
  [1111111111, '050471'],
  [1234567890, '005924'],
  [2000000000, '279037'],
  [20000000000, '353130'],
];

const at = (seconds: number) => new Date(seconds * 1000);
const stepOf = (seconds: number) => Math.floor(seconds / TOTP_PERIOD_SECONDS);
const codeAt = (step: number, secret = RFC_SECRET) =>
  HOTP.generate({ secret: Secret.fromBase32(secret), counter: step, digits: TOTP_DIGITS });

describe('generateTotpSecret', () => {
  test('is 160 bits in base32 (32 characters, no padding)', () => {
    const secret = generateTotpSecret();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.equal(Secret.fromBase32(secret).bytes.length, 20);
  });
  test('is different every time', () => {
    const secrets = new Set(Array.from({ length: 200 }, generateTotpSecret));
    assert.equal(secrets.size, 200);
  });
});

describe('verifyTotp', () => {
  test('the secret is the RFC 6238 one', () => {
    assert.equal(Secret.fromBase32(RFC_SECRET).utf8, '12345678901234567890');
  });

  for (const [seconds, code] of RFC_VECTORS) {
    test(`RFC 6238 vector T=${seconds} → ${code}`, () => {
      assert.deepEqual(verifyTotp({ secret: RFC_SECRET, code, now: at(seconds), lastStep: null }), {
        ok: true,
        step: stepOf(seconds),
      });
    });
  }

  test('accepts the code of the previous and of the next step (clock drift)', () => {
    const seconds = 1111111109;
    const step = stepOf(seconds);
    const code = '081804';
    assert.deepEqual(verifyTotp({ secret: RFC_SECRET, code, now: at(seconds + 30), lastStep: null }), {
      ok: true,
      step,
    });
    assert.deepEqual(verifyTotp({ secret: RFC_SECRET, code, now: at(seconds - 30), lastStep: null }), {
      ok: true,
      step,
    });
  });

  test('refuses codes two steps away', () => {
    const seconds = 1111111109;
    for (const shift of [60, -60, 90, -90]) {
      assert.deepEqual(
        verifyTotp({ secret: RFC_SECRET, code: '081804', now: at(seconds + shift), lastStep: null }),
        { ok: false },
        `shift ${shift}`,
      );
    }
    const step = stepOf(seconds);
    assert.deepEqual(
      verifyTotp({ secret: RFC_SECRET, code: codeAt(step + 2), now: at(seconds), lastStep: null }),
      { ok: false },
    );
    assert.deepEqual(
      verifyTotp({ secret: RFC_SECRET, code: codeAt(step - 2), now: at(seconds), lastStep: null }),
      { ok: false },
    );
  });

  test('the window follows step boundaries, not seconds since the code was shown', () => {
    // T=59 is the last second of step 1; T=60 starts step 2; T=90 starts step 3.
    assert.equal(verifyTotp({ secret: RFC_SECRET, code: '287082', now: at(89), lastStep: null }).ok, true);
    assert.equal(verifyTotp({ secret: RFC_SECRET, code: '287082', now: at(90), lastStep: null }).ok, false);
    assert.equal(verifyTotp({ secret: RFC_SECRET, code: '287082', now: at(0), lastStep: null }).ok, true);
  });

  test('refuses a replay: the same step once it has been used', () => {
    const first = verifyTotp({ secret: RFC_SECRET, code: '081804', now: at(1111111109), lastStep: null });
    assert.ok(first.ok);
    assert.deepEqual(
      verifyTotp({ secret: RFC_SECRET, code: '081804', now: at(1111111110), lastStep: first.step }),
      { ok: false },
    );
  });

  test('refuses an older step after a newer one, accepts a newer step', () => {
    const step = stepOf(1111111109);
    const now = at(1111111109);
    // The previous step's code is inside the window but older than the last accepted step.
    assert.deepEqual(verifyTotp({ secret: RFC_SECRET, code: codeAt(step - 1), now, lastStep: step }), {
      ok: false,
    });
    // The next step's code is newer than the last accepted step.
    assert.deepEqual(verifyTotp({ secret: RFC_SECRET, code: codeAt(step + 1), now, lastStep: step }), {
      ok: true,
      step: step + 1,
    });
    // A last step in the future (clock moved back) refuses everything up to it.
    assert.deepEqual(verifyTotp({ secret: RFC_SECRET, code: '081804', now, lastStep: step + 1 }), {
      ok: false,
    });
    // lastStep just before the current one does not block the current code.
    assert.deepEqual(verifyTotp({ secret: RFC_SECRET, code: '081804', now, lastStep: step - 1 }), {
      ok: true,
      step,
    });
  });

  test('accepts codes typed with spaces or full-width digits', () => {
    for (const code of ['287 082', ' 287082 ', '２８７０８２', '２８７　０８２', '28 70 82', '287082\n']) {
      assert.deepEqual(
        verifyTotp({ secret: RFC_SECRET, code, now: at(59), lastStep: null }),
        { ok: true, step: 1 },
        JSON.stringify(code),
      );
    }
  });

  test('refuses garbage and anything but six digits', () => {
    const garbage = [
      '',
      '      ',
      '28708',
      '2870820',
      '0287082',
      'abcdef',
      '28708a',
      '287-082',
      '287082;',
      '+287082',
      '٢٨٧٠٨٢', // Arabic-Indic digits: not folded by NFKC
      '287082'.repeat(1000),
    ];
    for (const code of garbage) {
      assert.deepEqual(
        verifyTotp({ secret: RFC_SECRET, code, now: at(59), lastStep: null }),
        { ok: false },
        JSON.stringify(code.slice(0, 20)),
      );
    }
  });

  test('a wrong six-digit code is refused', () => {
    assert.deepEqual(verifyTotp({ secret: RFC_SECRET, code: '287083', now: at(59), lastStep: null }), {
      ok: false,
    });
  });

  test('works with a generated secret', () => {
    const secret = generateTotpSecret();
    const now = new Date('2026-11-26T09:00:15Z');
    const step = stepOf(now.getTime() / 1000);
    assert.deepEqual(verifyTotp({ secret, code: codeAt(step, secret), now, lastStep: null }), {
      ok: true,
      step,
    });
    assert.deepEqual(verifyTotp({ secret, code: codeAt(step, RFC_SECRET), now, lastStep: null }).ok, false);
  });

  test('a corrupt secret or an invalid date throws (a fault, not a wrong code)', () => {
    assert.throws(() => verifyTotp({ secret: 'not base32!', code: '287082', now: at(59), lastStep: null }));
    assert.throws(
      () => verifyTotp({ secret: RFC_SECRET, code: '287082', now: new Date(Number.NaN), lastStep: null }),
      RangeError,
    );
  });
});

describe('normalizeTotpCode', () => {
  test('folds full-width digits and removes spaces', () => {
    assert.equal(normalizeTotpCode('１２３ ４５６'), '123456');
    assert.equal(normalizeTotpCode('12345'), null);
  });
});

describe('totpUri', () => {
  const issuer = '山陽小野田市 Kyoso';
  const accountName = 'taro.yamada@city.sanyo-onoda.example.jp';
  const uri = totpUri({ issuer, accountName, secret: RFC_SECRET });

  test('is an otpauth TOTP URI with the parameters every app supports', () => {
    assert.ok(uri.startsWith('otpauth://totp/'));
    const query = new URLSearchParams(uri.slice(uri.indexOf('?') + 1));
    assert.equal(query.get('secret'), RFC_SECRET);
    assert.equal(query.get('algorithm'), 'SHA1');
    assert.equal(query.get('digits'), '6');
    assert.equal(query.get('period'), '30');
    assert.equal(query.get('issuer'), issuer);
  });

  test('percent-encodes Japanese as UTF-8 and spaces as %20', () => {
    const encodedIssuer = '%E5%B1%B1%E9%99%BD%E5%B0%8F%E9%87%8E%E7%94%B0%E5%B8%82%20Kyoso';
    assert.ok(uri.includes(`/totp/${encodedIssuer}:`), uri);
    assert.ok(uri.includes(`issuer=${encodedIssuer}&`), uri);
    assert.ok(!/[^\x21-\x7e]/.test(uri), 'only printable ASCII');
    assert.ok(!uri.includes('+'), 'no "+" for spaces');
  });

  test('parses back to the same issuer, label and secret', () => {
    const parsed = URI.parse(uri);
    assert.equal(parsed.issuer, issuer);
    assert.equal(parsed.label, accountName);
    assert.equal(parsed.secret.base32, RFC_SECRET);
  });

  test('refuses a colon in issuer or account name, and a secret that is not base32', () => {
    assert.throws(() => totpUri({ issuer: 'A:B', accountName, secret: RFC_SECRET }), TypeError);
    assert.throws(() => totpUri({ issuer, accountName: 'a:b', secret: RFC_SECRET }), TypeError);
    assert.throws(() => totpUri({ issuer, accountName, secret: 'not base32!' }), TypeError);
  });
});

describe('totpQrSvg', () => {
  const uri = totpUri({ issuer: '山陽小野田市 Kyoso', accountName: 'taro@example.jp', secret: RFC_SECRET });

  test('is one accessible, inert SVG element', async () => {
    const svg = await totpQrSvg(uri);
    assert.ok(svg.startsWith('<svg '));
    assert.ok(svg.endsWith('</svg>'));
    assert.equal(svg.match(/<svg\b/g)?.length, 1);
    assert.ok(svg.includes('role="img"'));
    assert.ok(svg.includes(`aria-label="${TOTP_QR_DEFAULT_TITLE}"`));
    assert.ok(svg.includes(`<title>${TOTP_QR_DEFAULT_TITLE}</title>`));
    assert.ok(/viewBox="0 0 \d+ \d+"/.test(svg));
    assert.ok(!/<script/i.test(svg));
    assert.ok(!/href|url\(|javascript:|<foreignObject|\son\w+=/i.test(svg));
    assert.ok(!svg.includes(RFC_SECRET), 'the secret is only in the modules, not in text');
  });

  test('the title comes right after the opening tag (first child, as SVG expects)', async () => {
    const svg = await totpQrSvg(uri);
    assert.match(svg, /^<svg [^>]*><title>/);
  });

  test('a custom title is escaped', async () => {
    const svg = await totpQrSvg(uri, { title: 'QR "code" <for> Taro & Hanako' });
    assert.ok(svg.includes('<title>QR &quot;code&quot; &lt;for&gt; Taro &amp; Hanako</title>'));
    assert.ok(svg.includes('aria-label="QR &quot;code&quot; &lt;for&gt; Taro &amp; Hanako"'));
    assert.ok(!svg.includes('<for>'));
  });

  test('the QR code has the margin of 2 modules around its dark modules', async () => {
    const svg = await totpQrSvg(uri);
    const size = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)?.[1]);
    // Version n has 17 + 4n modules; plus 2 on each side.
    assert.equal((size - 4 - 17) % 4, 0);
    assert.match(svg, /d="M2 2\.5h7/); // the finder pattern starts at (2, 2)
  });
});

describe('formatSecretForManualEntry', () => {
  test('groups of four characters, upper case', () => {
    assert.equal(formatSecretForManualEntry(RFC_SECRET), 'GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ');
    assert.equal(
      formatSecretForManualEntry(RFC_SECRET.toLowerCase()),
      'GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ',
    );
  });
  test('is idempotent and leaves a shorter last group', () => {
    const once = formatSecretForManualEntry(RFC_SECRET);
    assert.equal(formatSecretForManualEntry(once), once);
    assert.equal(formatSecretForManualEntry('ABCDEFGHIJ'), 'ABCD EFGH IJ');
    assert.equal(formatSecretForManualEntry(''), '');
  });
  test('the formatted secret still decodes to the same key', () => {
    const secret = generateTotpSecret();
    assert.equal(Secret.fromBase32(formatSecretForManualEntry(secret)).base32, secret);
  });
});
