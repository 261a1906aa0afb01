import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../../test/support/app.ts';
import { TestBrowser, totpCode } from '../../../test/support/browser-session.ts';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';
import { createSetupToken } from './accounts.service.ts';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from './sessions.service.ts';

const ADMIN = {
  email: 'admin@city.example.jp',
  displayName: '山陽 花子',
  password: '瀬戸内の海を眺めて歩く朝',
};
const MIN = 60_000;

/** A six-digit code that is not valid for the secret at `at` (nor one step either side). */
function wrongCode(secret: string, at: Date): string {
  const valid = new Set([-30_000, 0, 30_000].map((d) => totpCode(secret, new Date(at.getTime() + d))));
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}

for (const dialect of DIALECTS) {
  describe(`staff sign-in, two-factor and sessions (${dialect})`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    let now = new Date('2026-11-26T00:00:00.000Z');
    const advance = (ms: number) => {
      now = new Date(now.getTime() + ms);
    };
    let recoveryCodes: string[] = [];

    const secretOf = async (email: string, pending = false) => {
      const u = await db.kysely
        .selectFrom('users')
        .selectAll()
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
      return (pending ? u.totp_pending_secret : u.totp_secret)!;
    };

    const userIdOf = async (email: string) =>
      (await db.kysely.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow())
        .id;

    /** Password step, then TOTP: returns the browser, signed in. */
    const signIn = async (b = new TestBrowser(app)) => {
      await b.get('/staff/sign-in');
      const r = await b.post('/staff/sign-in', { email: ADMIN.email, password: ADMIN.password });
      assert.equal(r.statusCode, 303, r.body.slice(0, 300));
      assert.match(String(r.headers.location), /^\/staff\/two-factor\?/);
      await b.get('/staff/two-factor');
      advance(31_000); // a new TOTP step: each code is accepted once
      const r2 = await b.post('/staff/two-factor', { code: totpCode(await secretOf(ADMIN.email), now) });
      assert.equal(r2.statusCode, 303, r2.body.slice(0, 500));
      return b;
    };

    before(async () => {
      db = await createTestDb(dialect);
      app = await buildTestApp(db, { clock: () => now });
    });
    after(async () => {
      await app?.close();
      await db?.drop();
    });

    test('anonymous visitors of /staff are sent to sign-in', async () => {
      const r = await app.inject('/staff');
      assert.equal(r.statusCode, 303);
      assert.equal(r.headers.location, '/staff/sign-in?next=%2Fstaff');
    });

    test('the first administrator is created with a one-time setup link', async () => {
      const token = (await createSetupToken(db, '352161', now))!;
      assert.ok(token);
      const b = new TestBrowser(app);
      const page = await b.get(`/staff/setup?token=${token}`);
      assert.equal(page.statusCode, 200);
      // a short password is refused with a message naming the field and the count
      const short = await b.post('/staff/setup', {
        token,
        email: ADMIN.email,
        displayName: ADMIN.displayName,
        password: 'short',
        confirm: 'short',
      });
      assert.equal(short.statusCode, 400);
      assert.match(short.body, /<title>エラー：/);
      assert.ok(short.body.includes('パスワードは12文字以上にしてください（現在5文字）'));
      assert.ok(short.body.includes('href="#password"'));
      // a common one too
      const common = await b.post('/staff/setup', {
        token,
        email: ADMIN.email,
        displayName: ADMIN.displayName,
        password: 'password1234',
        confirm: 'password1234',
      });
      assert.equal(common.statusCode, 400);
      assert.ok(common.body.includes('よく使われていて推測されやすい'));
      const ok = await b.post('/staff/setup', { token, ...ADMIN, confirm: ADMIN.password });
      assert.equal(ok.statusCode, 303);
      assert.equal(ok.headers.location, '/staff/sign-in?done=setup');
      // the link works once
      assert.equal((await b.get(`/staff/setup?token=${token}`)).statusCode, 410);
      assert.equal(
        await createSetupToken(db, '352161', now),
        null,
        'no setup link once an administrator exists',
      );
      const audit = await db.kysely
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'user.create')
        .execute();
      assert.equal(audit.length, 1);
      assert.ok(!audit[0]!.after_json!.includes(ADMIN.password));
    });

    test('a wrong password and an unknown account get the same answer', async () => {
      const b = new TestBrowser(app);
      await b.get('/staff/sign-in');
      const wrong = await b.post('/staff/sign-in', {
        email: ADMIN.email,
        password: 'not the password at all',
      });
      const unknown = await b.post('/staff/sign-in', {
        email: 'nobody@city.example.jp',
        password: 'not the password at all',
      });
      assert.equal(wrong.statusCode, 400);
      assert.equal(unknown.statusCode, 400);
      const msg = (s: string) => /<div class="error-summary"[\s\S]*?<\/div>/.exec(s)?.[0];
      assert.equal(msg(wrong.body), msg(unknown.body));
      assert.ok(wrong.body.includes('メールアドレスまたはパスワードが正しくありません'));
    });

    test('enrolment: the second factor is required before anything, with a QR code and ten recovery codes', async () => {
      const b = new TestBrowser(app);
      await b.get('/staff/sign-in');
      const r = await b.post('/staff/sign-in', { email: ADMIN.email, password: ADMIN.password });
      assert.equal(r.statusCode, 303);
      assert.match(String(r.headers.location), /^\/staff\/two-factor\/setup/);
      // 2FA cannot be skipped: staff pages send the half-signed-in user back to enrolment
      const skip = await b.get('/staff');
      assert.equal(skip.statusCode, 303);
      assert.match(String(skip.headers.location), /^\/staff\/two-factor\/setup/);
      const setup = await b.get('/staff/two-factor/setup');
      assert.equal(setup.statusCode, 200);
      const skipPost = await b.post('/staff/sessions/end-others', {});
      assert.equal(skipPost.statusCode, 303, 'a valid token does not get past the missing second factor');
      assert.match(String(skipPost.headers.location), /^\/staff\/two-factor\/setup/);
      assert.match(setup.body, /<svg[^>]*>[\s\S]*<title>/);
      const wrong = await b.post('/staff/two-factor/setup', { code: '000000' });
      assert.equal(wrong.statusCode, 400);
      assert.ok(wrong.body.includes('確認コードが正しくありません'));
      const pendingCookie = b.cookies.get('kyoso_session');
      const done = await b.post('/staff/two-factor/setup', {
        code: totpCode(await secretOf(ADMIN.email, true), now),
      });
      assert.equal(done.statusCode, 200);
      assert.equal(done.headers['cache-control'], 'no-store');
      recoveryCodes = [...done.body.matchAll(/<li>([0-9a-z]{4}(?:-[0-9a-z]{4}){5})<\/li>/g)].map(
        (m) => m[1]!,
      );
      assert.equal(recoveryCodes.length, 10);
      assert.notEqual(
        b.cookies.get('kyoso_session'),
        pendingCookie,
        'a new session id after the second factor',
      );
      assert.equal((await b.get('/staff')).statusCode, 200);
      // the half-signed-in session is over
      const old = await app.inject({ url: '/staff', cookies: { kyoso_session: pendingCookie! } });
      assert.equal(old.statusCode, 303);
    });

    test('sign-in rotates the session id at each step and ends the earlier session', async () => {
      const b = new TestBrowser(app);
      await b.get('/staff/sign-in');
      await b.post('/staff/sign-in', { email: ADMIN.email, password: ADMIN.password });
      const pending = b.cookies.get('kyoso_session')!;
      await signIn(b);
      const full = b.cookies.get('kyoso_session')!;
      assert.notEqual(full, pending);
      const rows = await db.kysely.selectFrom('sessions').select(['mfa_passed', 'ended_at']).execute();
      assert.ok(
        rows.filter((r) => r.ended_at === null && r.mfa_passed === 0).length === 0,
        'no half-signed-in session left open',
      );
    });

    test('idle sessions end after 30 minutes', async () => {
      const b = await signIn();
      advance(SESSION_IDLE_MS - MIN);
      assert.equal((await b.get('/staff')).statusCode, 200, 'still alive after 29 minutes');
      advance(SESSION_IDLE_MS - MIN);
      assert.equal((await b.get('/staff')).statusCode, 200, 'activity keeps it alive');
      advance(SESSION_IDLE_MS + MIN);
      const r = await b.get('/staff');
      assert.equal(r.statusCode, 303);
      assert.match(String(r.headers.location), /^\/staff\/sign-in/);
    });

    test('sessions end 12 hours after sign-in, however active', async () => {
      const b = await signIn();
      for (let t = 0; t < SESSION_ABSOLUTE_MS - 20 * MIN; t += 20 * MIN) {
        advance(20 * MIN);
        assert.equal((await b.get('/staff')).statusCode, 200);
      }
      advance(20 * MIN);
      assert.equal((await b.get('/staff')).statusCode, 303);
    });

    test('sign-out ends the session on the server', async () => {
      const b = await signIn();
      const cookie = b.cookies.get('kyoso_session')!;
      await b.get('/staff');
      const r = await b.post('/staff/sign-out', {});
      assert.equal(r.statusCode, 303);
      const replay = await app.inject({ url: '/staff', cookies: { kyoso_session: cookie } });
      assert.equal(replay.statusCode, 303, 'the old cookie no longer works');
    });

    test('a user sees their other sessions and can end them', async () => {
      const a = await signIn();
      const other = await signIn();
      const page = await a.get('/staff/sessions');
      assert.equal(page.statusCode, 200);
      const ids = [...page.body.matchAll(/action="\/staff\/sessions\/([0-9a-f]{64})\/end"/g)].map(
        (m) => m[1]!,
      );
      assert.ok(ids.length >= 1);
      for (const id of ids) {
        await a.get('/staff/sessions');
        assert.equal((await a.post(`/staff/sessions/${id}/end`, {})).statusCode, 303);
      }
      assert.equal((await other.get('/staff')).statusCode, 303, 'the other device is signed out');
      assert.equal((await a.get('/staff')).statusCode, 200, 'this one is not');
    });

    test('disabling a user ends all of their sessions', async () => {
      const b = await signIn();
      await db.kysely
        .updateTable('users')
        .set({ disabled_at: now.toISOString() })
        .where('email', '=', ADMIN.email)
        .execute();
      assert.equal((await b.get('/staff')).statusCode, 303);
      await db.kysely
        .updateTable('users')
        .set({ disabled_at: null })
        .where('email', '=', ADMIN.email)
        .execute();
      assert.equal((await b.get('/staff')).statusCode, 303, 'and the ended session does not come back');
    });

    test('recovery codes work once each', async () => {
      const use = async (code: string) => {
        const b = new TestBrowser(app);
        await b.get('/staff/sign-in');
        await b.post('/staff/sign-in', { email: ADMIN.email, password: ADMIN.password });
        await b.get('/staff/two-factor');
        return b.post('/staff/two-factor', { code });
      };
      const first = await use(recoveryCodes[0]!.toUpperCase());
      assert.equal(first.statusCode, 303, 'upper case is accepted');
      const again = await use(recoveryCodes[0]!);
      assert.equal(again.statusCode, 400);
      assert.equal((await use(recoveryCodes[1]!)).statusCode, 303);
    });

    test('a TOTP code is accepted once (no replay)', async () => {
      const b = new TestBrowser(app);
      await b.get('/staff/sign-in');
      await b.post('/staff/sign-in', { email: ADMIN.email, password: ADMIN.password });
      await b.get('/staff/two-factor');
      advance(31_000);
      const code = totpCode(await secretOf(ADMIN.email), now);
      assert.equal((await b.post('/staff/two-factor', { code })).statusCode, 303);
      const c = new TestBrowser(app);
      await c.get('/staff/sign-in');
      await c.post('/staff/sign-in', { email: ADMIN.email, password: ADMIN.password });
      await c.get('/staff/two-factor');
      assert.equal((await c.post('/staff/two-factor', { code })).statusCode, 400);
    });

    test('brute force is throttled per account, without telling whether it exists', async () => {
      advance(60 * MIN); // a fresh window
      const b = new TestBrowser(app);
      await b.get('/staff/sign-in');
      for (let i = 0; i < 5; i++) {
        assert.equal(
          (await b.post('/staff/sign-in', { email: ADMIN.email, password: `wrong guess number ${i}` }))
            .statusCode,
          400,
        );
      }
      const locked = await b.post('/staff/sign-in', { email: ADMIN.email, password: ADMIN.password });
      assert.equal(locked.statusCode, 429, 'even the right password waits');
      assert.ok(locked.body.includes('一時的に受け付けを止めています'));
      for (let i = 0; i < 5; i++)
        await b.post('/staff/sign-in', { email: 'ghost@city.example.jp', password: `guess ${i} 123456` });
      const ghost = await b.post('/staff/sign-in', {
        email: 'ghost@city.example.jp',
        password: 'guess 9 123456',
      });
      assert.equal(ghost.statusCode, 429, 'unknown accounts are throttled the same way');
      advance(16 * MIN);
      assert.equal(
        (await b.post('/staff/sign-in', { email: ADMIN.email, password: ADMIN.password })).statusCode,
        303,
      );
    });

    test('wrong second-factor codes are throttled too', async () => {
      advance(60 * MIN);
      const b = new TestBrowser(app);
      await b.get('/staff/sign-in');
      await b.post('/staff/sign-in', { email: ADMIN.email, password: ADMIN.password });
      await b.get('/staff/two-factor');
      for (let i = 0; i < 5; i++) await b.post('/staff/two-factor', { code: `00000${i}` });
      advance(31_000);
      const r = await b.post('/staff/two-factor', { code: totpCode(await secretOf(ADMIN.email), now) });
      assert.equal(r.statusCode, 429);
    });

    test('two concurrent first wrong passwords (and codes): both answered, both counted, no 500', async () => {
      advance(60 * MIN);
      const b = new TestBrowser(app);
      await b.get('/staff/sign-in');
      const [x, y] = await Promise.all([
        b.post('/staff/sign-in', { email: ADMIN.email, password: 'concurrent guess one' }),
        b.post('/staff/sign-in', { email: ADMIN.email, password: 'concurrent guess two' }),
      ]);
      assert.deepEqual([x.statusCode, y.statusCode], [400, 400]);
      const row = await db.kysely
        .selectFrom('sign_in_throttle')
        .select('failures')
        .where('key', '=', `account:${ADMIN.email}`)
        .executeTakeFirstOrThrow();
      assert.equal(row.failures, 2);
      // The same for the second step (no password hashing there to space the two requests apart).
      await b.post('/staff/sign-in', { email: ADMIN.email, password: ADMIN.password });
      await b.get('/staff/two-factor');
      const code = wrongCode(await secretOf(ADMIN.email), now);
      const codes = await Promise.all([
        b.post('/staff/two-factor', { code }),
        b.post('/staff/two-factor', { code }),
      ]);
      assert.deepEqual(
        codes.map((r) => r.statusCode),
        [400, 400],
      );
      const mfa = await db.kysely
        .selectFrom('sign_in_throttle')
        .select('failures')
        .where('key', '=', `mfa:${await userIdOf(ADMIN.email)}`)
        .executeTakeFirstOrThrow();
      assert.equal(mfa.failures, 2);
    });

    test('50 parallel wrong second-factor codes: at most 5 are checked, the rest 429, never 500', async () => {
      advance(60 * MIN);
      const b = new TestBrowser(app);
      await b.get('/staff/sign-in');
      await b.post('/staff/sign-in', { email: ADMIN.email, password: ADMIN.password });
      await b.get('/staff/two-factor');
      const secret = await secretOf(ADMIN.email);
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => b.post('/staff/two-factor', { code: wrongCode(secret, now) })),
      );
      const statuses = answers.map((r) => r.statusCode);
      assert.ok(!statuses.includes(500), statuses.join(' '));
      assert.equal(statuses.filter((s) => s === 400).length, 5, statuses.join(' '));
      assert.equal(statuses.filter((s) => s === 429).length, 45);
      for (const r of answers.filter((a) => a.statusCode === 429)) {
        assert.ok(Number(r.headers['retry-after']) > 0);
        assert.ok(r.body.includes('確認コードの誤りが続いたため'));
      }
      advance(31_000);
      const right = await b.post('/staff/two-factor', { code: totpCode(secret, now) });
      assert.equal(right.statusCode, 429, 'the right code waits for the lock too');
    });

    test('a wrong-password lock stops the attacker, not the owner on a browser they signed in with', async () => {
      advance(60 * MIN);
      const owner = await signIn();
      const deviceCookie = `kyoso_device_${await userIdOf(ADMIN.email)}`;
      assert.ok(owner.cookies.get(deviceCookie), 'a full sign-in leaves a device cookie');
      await owner.get('/staff'); // a page of the signed-in session, for its CSRF token
      assert.equal((await owner.post('/staff/sign-out', {})).statusCode, 303);
      assert.ok(owner.cookies.get(deviceCookie), 'signing out keeps it');

      const attacker = new TestBrowser(app);
      await attacker.get('/staff/sign-in');
      const answers = [];
      for (let i = 0; i < 8; i++) {
        answers.push(
          (await attacker.post('/staff/sign-in', { email: ADMIN.email, password: `attacker guess ${i}` }))
            .statusCode,
        );
      }
      assert.deepEqual(answers, [400, 400, 400, 400, 400, 429, 429, 429]);
      const locked = await attacker.post('/staff/sign-in', { email: ADMIN.email, password: ADMIN.password });
      assert.equal(locked.statusCode, 429, 'the attacker is stopped even with the right password');
      assert.ok(Number(locked.headers['retry-after']) > 0);
      assert.ok(locked.body.includes('以前にこのアカウントでサインインしたことのあるブラウザー'));
      // A made-up device cookie does not help.
      attacker.cookies.set(deviceCookie, `${owner.cookies.get(deviceCookie)!.slice(0, -4)}AAAA`);
      const forged = await attacker.post('/staff/sign-in', { email: ADMIN.email, password: ADMIN.password });
      assert.equal(forged.statusCode, 429);

      // The owner, from the same address, on the browser they used before: password, code, in.
      await signIn(owner);
      assert.equal((await owner.get('/staff')).statusCode, 200);
      const still = await attacker.post('/staff/sign-in', { email: ADMIN.email, password: ADMIN.password });
      assert.equal(still.statusCode, 429, 'the owner signing in does not lift the lock');
    });

    test('a second-factor lock stops the holder of the password, not the owner on their browser', async () => {
      advance(60 * MIN);
      const owner = await signIn();
      await owner.get('/staff');
      assert.equal((await owner.post('/staff/sign-out', {})).statusCode, 303);
      const secret = await secretOf(ADMIN.email);
      const attacker = new TestBrowser(app);
      await attacker.get('/staff/sign-in');
      await attacker.post('/staff/sign-in', { email: ADMIN.email, password: ADMIN.password });
      await attacker.get('/staff/two-factor');
      for (let i = 0; i < 5; i++) {
        assert.equal(
          (await attacker.post('/staff/two-factor', { code: wrongCode(secret, now) })).statusCode,
          400,
        );
      }
      advance(31_000);
      assert.equal(
        (await attacker.post('/staff/two-factor', { code: totpCode(secret, now) })).statusCode,
        429,
      );
      await signIn(owner);
      assert.equal((await owner.get('/staff')).statusCode, 200);
      advance(31_000);
      assert.equal(
        (await attacker.post('/staff/two-factor', { code: totpCode(secret, now) })).statusCode,
        429,
      );
    });

    test('posts without a CSRF token, or from another origin, are refused and change nothing', async () => {
      advance(60 * MIN);
      const before = await db.kysely.selectFrom('sessions').select('id').execute();
      const b = new TestBrowser(app);
      await b.get('/staff/sign-in');
      const noToken = await b.post(
        '/staff/sign-in',
        { email: ADMIN.email, password: ADMIN.password },
        { csrf: null },
      );
      assert.equal(noToken.statusCode, 403);
      assert.ok(noToken.body.includes('もう一度お試しください'));
      const foreign = await b.post(
        '/staff/sign-in',
        { email: ADMIN.email, password: ADMIN.password },
        { origin: 'https://evil.example' },
      );
      assert.equal(foreign.statusCode, 403);
      const forged = await b.post(
        '/staff/sign-in',
        { email: ADMIN.email, password: ADMIN.password },
        { csrf: 'forged-token' },
      );
      assert.equal(forged.statusCode, 403);
      const after = await db.kysely.selectFrom('sessions').select('id').execute();
      assert.equal(after.length, before.length, 'no session was created');
    });
  });
}
