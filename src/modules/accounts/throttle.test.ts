import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { totpCode } from '../../../test/support/browser-session.ts';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';
import { buildStaff, TEST_PASSWORD, type TestStaff } from '../../../test/support/staff.ts';
import { findThrottle } from './accounts.repository.ts';
import { signInWithPassword, trustBrowser, verifySecondFactor } from './auth.service.ts';
import { admit, DEVICE_TRUST_MS, RULES, succeeded, trustedDevice } from './throttle.ts';

const MIN = 60_000;
const rule = RULES.account; // 5 per 15 minutes, then 15 minutes locked

/** A six-digit code that is not valid for the secret at `at` (nor one step either side). */
function wrongCode(secret: string, at: Date): string {
  const valid = new Set([-30_000, 0, 30_000].map((d) => totpCode(secret, new Date(at.getTime() + d))));
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}

for (const dialect of DIALECTS) {
  describe(`sign-in throttle (${dialect})`, () => {
    let db: TestDb;
    let now = new Date('2026-12-01T00:00:00.000Z');
    const advance = (ms: number) => {
      now = new Date(now.getTime() + ms);
    };
    let n = 0;
    const freshKey = () => `test:${++n}`;
    const failuresOf = async (key: string) => (await findThrottle(db.kysely, key))?.failures;

    before(async () => {
      db = await createTestDb(dialect);
    });
    after(async () => {
      await db?.drop();
    });

    test('two concurrent first attempts of one key both count: no unique-key error, count 2', async () => {
      const key = freshKey();
      const [a, b] = await Promise.all([admit(db, [{ key, rule }], now), admit(db, [{ key, rule }], now)]);
      assert.ok(a.ok && b.ok);
      assert.equal(await failuresOf(key), 2);
    });

    test('50 parallel attempts: exactly max are admitted, the rest refused with the lock time', async () => {
      const key = freshKey();
      const all = await Promise.all(Array.from({ length: 50 }, () => admit(db, [{ key, rule }], now)));
      assert.equal(all.filter((a) => a.ok).length, rule.max);
      for (const a of all.filter((x) => !x.ok)) {
        assert.ok(!a.ok);
        assert.equal(a.retryAfterSeconds, rule.lockMs / 1000);
      }
      assert.equal(await failuresOf(key), rule.max + 1, 'refused attempts do not grow the count');
    });

    test('the lock runs from the attempt that reached the maximum, and then the key starts afresh', async () => {
      const key = freshKey();
      for (let i = 0; i < rule.max; i++) assert.ok((await admit(db, [{ key, rule }], now)).ok);
      advance(5 * MIN);
      const refused = await admit(db, [{ key, rule }], now);
      assert.deepEqual(refused, { ok: false, retryAfterSeconds: 10 * 60 });
      advance(10 * MIN - 1);
      assert.equal((await admit(db, [{ key, rule }], now)).ok, false, 'one millisecond before the end');
      advance(1);
      assert.ok((await admit(db, [{ key, rule }], now)).ok);
      assert.equal(await failuresOf(key), 1);
    });

    test('failures older than the window are forgotten', async () => {
      const key = freshKey();
      for (let i = 0; i < rule.max - 1; i++) await admit(db, [{ key, rule }], now);
      advance(rule.windowMs - 1);
      await admit(db, [{ key, rule }], now);
      assert.equal(await failuresOf(key), rule.max, 'still within the window');
      const key2 = freshKey();
      for (let i = 0; i < rule.max - 1; i++) await admit(db, [{ key: key2, rule }], now);
      advance(rule.windowMs);
      assert.ok((await admit(db, [{ key: key2, rule }], now)).ok);
      assert.equal(await failuresOf(key2), 1);
    });

    test('success clears the client key and gives the shared key its count back', async () => {
      const own = freshKey();
      const shared = freshKey();
      const checks = [
        { key: own, rule },
        { key: shared, rule: RULES.address, shared: true },
      ];
      await admit(db, checks, now);
      const a = await admit(db, checks, now);
      assert.ok(a.ok);
      await succeeded(db, a);
      assert.equal(await failuresOf(own), undefined);
      assert.equal(await failuresOf(shared), 1, 'the earlier failure stays');
    });

    test('a refused later key gives back the count of the earlier ones', async () => {
      const own = freshKey();
      const shared = freshKey();
      for (let i = 0; i < RULES.address.max; i++)
        await admit(db, [{ key: shared, rule: RULES.address }], now);
      const a = await admit(
        db,
        [
          { key: own, rule },
          { key: shared, rule: RULES.address, shared: true },
        ],
        now,
      );
      assert.equal(a.ok, false);
      assert.equal(await failuresOf(own), 0);
    });

    describe('password and second factor', () => {
      let staff: TestStaff;
      let other: TestStaff;
      before(async () => {
        staff = await buildStaff(db, 'editor');
        other = await buildStaff(db, 'editor');
      });

      test('two concurrent first wrong passwords: both answered, both counted', async () => {
        advance(60 * MIN);
        const attempt = () =>
          signInWithPassword(db, { email: staff.email, password: 'not the password', ip: '192.0.2.1', now });
        const [a, b] = await Promise.all([attempt(), attempt()]);
        assert.deepEqual(
          [a, b],
          [
            { ok: false, reason: 'invalid' },
            { ok: false, reason: 'invalid' },
          ],
        );
        assert.equal(await failuresOf(`account:${staff.email}`), 2);
        assert.equal(await failuresOf('ip:192.0.2.1'), 2);
      });

      test('two concurrent first wrong codes: both answered, both counted', async () => {
        advance(60 * MIN);
        const code = wrongCode(staff.totpSecret, now);
        const r = await Promise.all([
          verifySecondFactor(db, staff.id, code, now),
          verifySecondFactor(db, staff.id, code, now),
        ]);
        assert.deepEqual(r, [
          { ok: false, reason: 'invalid' },
          { ok: false, reason: 'invalid' },
        ]);
        assert.equal(await failuresOf(`mfa:${staff.id}`), 2);
      });

      test('50 parallel wrong codes: at most 5 are checked, the rest throttled; then the right code waits', async () => {
        advance(60 * MIN);
        const code = wrongCode(staff.totpSecret, now);
        const results = await Promise.all(
          Array.from({ length: 50 }, () => verifySecondFactor(db, staff.id, code, now)),
        );
        const checked = results.filter((r) => !r.ok && r.reason === 'invalid').length;
        const throttled = results.filter((r) => !r.ok && r.reason === 'throttled').length;
        assert.equal(checked, RULES.secondFactor.max);
        assert.equal(throttled, 50 - RULES.secondFactor.max);
        const right = await verifySecondFactor(db, staff.id, totpCode(staff.totpSecret, now), now);
        assert.equal(right.ok, false);
        assert.ok(!right.ok && right.reason === 'throttled');
        advance(RULES.secondFactor.lockMs);
        const later = await verifySecondFactor(db, staff.id, totpCode(staff.totpSecret, now), now);
        assert.equal(later.ok, true, 'the lock ends');
      });

      test('a password lock stops untrusted browsers, not the owner on a trusted one', async () => {
        advance(60 * MIN);
        const device = await trustBrowser(db, staff.id, now);
        const attacker = (password: string) =>
          signInWithPassword(db, { email: staff.email, password, ip: '198.51.100.7', now });
        for (let i = 0; i < RULES.account.max; i++) {
          assert.deepEqual(await attacker(`guess ${i}`), { ok: false, reason: 'invalid' });
        }
        const locked = await attacker(TEST_PASSWORD);
        assert.equal(locked.ok, false, 'the attacker is stopped, even with the right password');
        assert.ok(!locked.ok && locked.reason === 'throttled' && !locked.trustedDevice);
        // The owner, on the browser they signed in with before, from the same address too.
        const owner = await signInWithPassword(db, {
          email: staff.email,
          password: TEST_PASSWORD,
          ip: '198.51.100.7',
          now,
          deviceTokens: [device],
        });
        assert.equal(owner.ok, true);
        assert.equal((await attacker(TEST_PASSWORD)).ok, false, 'the owner getting in lifts no lock');
        // A device cookie of another account, or an altered one, makes nobody trusted.
        const others = await trustBrowser(db, other.id, now);
        const tampered = `${device.slice(0, -2)}${device.endsWith('AA') ? 'BB' : 'AA'}`;
        for (const tokens of [[others], [tampered], [`${staff.id}.1.x.y`]]) {
          const r = await signInWithPassword(db, {
            email: staff.email,
            password: TEST_PASSWORD,
            ip: '203.0.113.9',
            now,
            deviceTokens: tokens,
          });
          assert.ok(!r.ok && r.reason === 'throttled' && !r.trustedDevice);
        }
        // Wrong passwords from the trusted browser lock that browser only.
        for (let i = 0; i < RULES.device.max; i++) {
          const r = await signInWithPassword(db, {
            email: staff.email,
            password: `owner typo ${i}`,
            ip: '198.51.100.7',
            now,
            deviceTokens: [device],
          });
          assert.deepEqual(r, { ok: false, reason: 'invalid' });
        }
        const own = await signInWithPassword(db, {
          email: staff.email,
          password: TEST_PASSWORD,
          ip: '198.51.100.7',
          now,
          deviceTokens: [device],
        });
        assert.ok(!own.ok && own.reason === 'throttled' && own.trustedDevice);
        const second = await trustBrowser(db, staff.id, now);
        assert.equal(
          (
            await signInWithPassword(db, {
              email: staff.email,
              password: TEST_PASSWORD,
              ip: '198.51.100.7',
              now,
              deviceTokens: [second],
            })
          ).ok,
          true,
          "another trusted browser is not stopped by the first one's lock",
        );
      });

      test('a second-factor lock stops untrusted browsers, not the owner on a trusted one', async () => {
        advance(60 * MIN);
        const device = await trustBrowser(db, staff.id, now);
        const code = wrongCode(staff.totpSecret, now);
        for (let i = 0; i < RULES.secondFactor.max; i++) await verifySecondFactor(db, staff.id, code, now);
        const attacker = await verifySecondFactor(db, staff.id, totpCode(staff.totpSecret, now), now);
        assert.ok(!attacker.ok && attacker.reason === 'throttled');
        const owner = await verifySecondFactor(db, staff.id, totpCode(staff.totpSecret, now), now, [device]);
        assert.equal(owner.ok, true);
        advance(31_000);
        const again = await verifySecondFactor(db, staff.id, totpCode(staff.totpSecret, now), now);
        assert.ok(!again.ok && again.reason === 'throttled', 'the untrusted lock stays');
      });

      test('device tokens expire, and belong to one user', async () => {
        const token = await trustBrowser(db, staff.id, now);
        assert.equal(typeof (await trustedDevice(db, staff.id, [token], now)), 'string');
        assert.equal(await trustedDevice(db, other.id, [token], now), null);
        assert.equal(await trustedDevice(db, staff.id, ['', 'garbage', token.toUpperCase()], now), null);
        const later = new Date(now.getTime() + DEVICE_TRUST_MS + 1000);
        assert.equal(await trustedDevice(db, staff.id, [token], later), null);
      });
    });
  });
}
