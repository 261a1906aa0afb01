/**
 * Issue 10, "safe to put in front of a city": each defect found by trying Kyoso as an attacker would, as a
 * regression test that fails without its fix. Database faults are in test/db-faults.test.ts, the walk of
 * every route with malformed input in test/fuzz-walk.test.ts, the throttle in
 * src/modules/accounts/throttle.test.ts.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { build } from '../src/app.ts';
import { seedIfEmpty } from '../src/bootstrap.ts';
import type { Config } from '../src/config.ts';
import { buildTestApp, testConfig } from './support/app.ts';
import { TestBrowser } from './support/browser-session.ts';
import { buildConsultation } from './support/consultation.ts';
import { createTestDb, DIALECTS, type TestDb } from './support/db.ts';
import { buildDepartment, buildStaff, signInAs, TEST_PASSWORD } from './support/staff.ts';

/** Rejections and exceptions nobody handled while `fn` ran (and a moment after: they surface late). */
async function unhandledDuring(fn: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const onReject = (reason: unknown) => seen.push(reason);
  const onException = (err: unknown) => seen.push(err);
  process.on('unhandledRejection', onReject);
  process.on('uncaughtException', onException);
  try {
    await fn();
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    process.off('unhandledRejection', onReject);
    process.off('uncaughtException', onException);
  }
  return seen;
}

/** A urlencoded body of the given fields. */
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

for (const dialect of DIALECTS) {
  describe(`robustness of the request path (${dialect})`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    let consultationId: number;
    let planner: TestBrowser;
    let editor: TestBrowser;

    before(async () => {
      db = await createTestDb(dialect);
      app = await buildTestApp(db);
      consultationId = await buildConsultation(db);
      const dept = await buildDepartment(db, '企画課');
      planner = await signInAs(app, await buildStaff(db, 'planner', [dept]));
      editor = await signInAs(app, await buildStaff(db, 'editor', [dept]));
    });
    after(async () => {
      await app?.close();
      await db?.drop();
    });

    // Defect 1: `idOf` threw inside Promise.all after the first query had started; its rejection was
    // unhandled and Node ended the process.
    test('a malformed consultation id on the triage list is a 404, with no unhandled rejection', async () => {
      const ids = ['abc', '-1', '1.5', '%00', '0', '9'.repeat(300), 'a'.repeat(300), '2147483648'];
      const statuses: number[] = [];
      const unhandled = await unhandledDuring(async () => {
        for (const id of ids)
          statuses.push((await planner.get(`/staff/consultations/${id}/opinions`)).statusCode);
      });
      assert.deepEqual(
        statuses,
        ids.map((id) => (id.length > 200 ? 414 : 404)),
      );
      assert.deepEqual(unhandled, []);
    });

    // Defect 4: ids past 2^31 − 1 passed the id pattern and overflowed PostgreSQL's integer (500).
    test('ids from 2^31 up are "not found", never a database error', async () => {
      const urls = [
        '/consultations/2147483648/form',
        '/consultations/2147483648',
        '/consultations/9999999999/result',
        '/dashboard/indicators/2147483648',
        '/plan/versions/2147483648/source',
      ];
      for (const url of urls) assert.equal((await app.inject(url)).statusCode, 404, url);
      for (const url of [
        '/staff/consultations/2147483648/opinions',
        '/staff/consultations/2147483648/groups',
        '/staff/kpi/indicators/2147483648',
        `/staff/consultations/${consultationId}/opinions/2147483648`,
        '/staff/departments/2147483648',
      ]) {
        const r = await planner.get(url);
        assert.ok(r.statusCode === 404 || r.statusCode === 403, `${url}: ${r.statusCode}`);
      }
      // in a form, an out-of-range id is a wrong choice, not a database error
      const r = await planner.post(`/staff/plan/measures/1/1`, { version: '2147483648' });
      assert.ok(r.statusCode < 500, `plan settings with version 2^31: ${r.statusCode}`);
      const audit = await planner.get('/staff/audit?actor=99999999999');
      assert.equal(audit.statusCode, 200, 'an actor number past 2^31 finds nobody');
    });

    // Defect 4: a repeated query key arrives as an array.
    test('GET /staff/setup with the token twice is a 4xx page', async () => {
      const r = await app.inject('/staff/setup?token=a&token=b');
      assert.ok(r.statusCode >= 400 && r.statusCode < 500, String(r.statusCode));
    });

    // Defect 4: a content type no form sends reached handlers (text/plain) or JSON.parse (1 MB).
    test('forms accept only what forms send: text/plain and JSON are a 415 page in Japanese', async () => {
      const cases: Array<{ url: string; b: TestBrowser | null }> = [
        { url: `/consultations/${consultationId}/confirm`, b: null },
        { url: `/consultations/${consultationId}/submit`, b: null },
        { url: `/staff/consultations/${consultationId}/opinions/1`, b: planner },
        { url: '/staff/kpi/indicators/new?node=1/1', b: planner },
      ];
      for (const { url, b } of cases) {
        for (const [type, payload] of [
          ['text/plain', 'opinion-1=x'],
          ['application/json', JSON.stringify({ 'opinion-1': 'x', _csrf: b?.csrf ?? '' })],
          ['application/xml', '<a/>'],
        ] as const) {
          const r = await app.inject({
            method: 'POST',
            url,
            payload,
            headers: { 'content-type': type, origin: 'http://localhost:3000' },
            cookies: Object.fromEntries(b?.cookies ?? []),
          });
          assert.equal(r.statusCode, 415, `${url} as ${type}`);
          assert.ok(
            r.body.includes('この形式の送信は受け付けていません'),
            `${url} as ${type}: the page says why`,
          );
        }
      }
    });

    // Defect 2: Intl.Segmenter's cost grows with the square of the length; 192,000 characters froze the
    // server for minutes. The answer (a "too long" message naming the field) must come at once.
    test('very long texts are refused with a message at once, whatever the form', async () => {
      const long = 'あ'.repeat(60_000); // 540 KB percent-encoded: under the public form's 600 KB cap
      const anon = new TestBrowser(app);
      await anon.get(`/consultations/${consultationId}/form`);
      let t = performance.now();
      const r = await anon.post(`/consultations/${consultationId}/confirm`, {
        name: '山陽 花子',
        address: '山陽小野田市',
        category: 'resident',
        'section-1': 'whole',
        'opinion-1': long,
      });
      const publicMs = performance.now() - t;
      assert.equal(r.statusCode, 400);
      assert.ok(
        r.body.includes('意見1は2,000文字以内で入力してください'),
        'the message names the field and the limit',
      );
      assert.ok(publicMs < 1000, `public confirm: ${publicMs.toFixed(0)} ms`);

      // the staff indicator form: 32,000 characters once took 4.3 s
      await planner.get('/staff/kpi/indicators/new?node=1/1');
      t = performance.now();
      const k = await planner.post('/staff/kpi/indicators/new?node=1/1', {
        name: 'a'.repeat(32_000),
        definition: 'b'.repeat(20_000),
      });
      const staffMs = performance.now() - t;
      assert.equal(k.statusCode, 400);
      assert.ok(k.body.includes('エラー'), 'the form again, with its errors');
      assert.ok(staffMs < 1000, `indicator form: ${staffMs.toFixed(0)} ms`);
    });

    test('every body is capped before it is parsed: 413 pages, per route', async () => {
      const big = (bytes: number) => form({ x: 'a'.repeat(bytes) });
      // the default cap (64 KB) on a form without long texts
      const signIn = await app.inject({
        method: 'POST',
        url: '/staff/sign-in',
        payload: big(100 * 1024),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(signIn.statusCode, 413);
      assert.ok(signIn.body.includes('送信された内容が大きすぎます'));
      // the public form: room for 20 opinions of 2,000 characters, not more
      const pub = await app.inject({
        method: 'POST',
        url: `/consultations/${consultationId}/confirm`,
        payload: big(700 * 1024),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(pub.statusCode, 413);
      // a long-text staff form (the city's answer) takes its longest valid answer, and no more than that
      const answerLimit = (4000 + 2000) * 12 + 32 * 1024;
      const ans = await planner.post(`/staff/consultations/${consultationId}/groups/1/answer`, {
        x: 'a'.repeat(answerLimit + 1000),
      });
      assert.equal(ans.statusCode, 413);
    });

    test('the largest valid form still fits: 20 opinions of 2,000 four-byte characters', async () => {
      const anon = new TestBrowser(app);
      await anon.get(`/consultations/${consultationId}/form`);
      const fields: Record<string, string> = {
        name: '山陽 花子',
        address: '山陽小野田市',
        category: 'resident',
      };
      for (let i = 1; i <= 20; i++) {
        fields[`section-${i}`] = 'whole';
        fields[`opinion-${i}`] = `${i}${'𠮷'.repeat(1990)}`;
      }
      const r = await anon.post(`/consultations/${consultationId}/confirm`, fields);
      assert.equal(r.statusCode, 200, 'the confirmation page');
    });

    // Defect 4: broken multipart reached the parser's internals (500).
    test('broken multipart on the upload is a 400 page, never a 500', async () => {
      await editor.get('/staff/kpi/upload');
      const boundary = '----kyosoBoundary';
      const head = `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${editor.csrf}\r\n`;
      const cases: Array<[string, string, string]> = [
        ['no boundary', 'multipart/form-data', head],
        [
          'truncated in the file',
          `multipart/form-data; boundary=${boundary}`,
          `${head}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\n指標ID,年度\r\n1,20`,
        ],
        ['garbage', `multipart/form-data; boundary=${boundary}`, 'garbage'],
        ['only the token', `multipart/form-data; boundary=${boundary}`, `${head}--${boundary}--\r\n`],
      ];
      for (const [what, type, payload] of cases) {
        const r = await app.inject({
          method: 'POST',
          url: '/staff/kpi/upload',
          payload,
          headers: { 'content-type': type, origin: 'http://localhost:3000' },
          cookies: Object.fromEntries(editor.cookies),
        });
        assert.ok(r.statusCode >= 400 && r.statusCode < 500, `${what}: ${r.statusCode}`);
      }
    });

    // Defect 5: 150 anonymous 10 MB uploads were buffered before the 403 (364 → 820 MB). The answer must
    // come while almost none of the body has been sent.
    test('an upload is refused before its body is read: anonymous, wrong role, missing CSRF token', async () => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const port = (app.server.address() as AddressInfo).port;
      const committee = await signInAs(app, await buildStaff(db, 'committee'));
      await committee.get('/staff/sessions');
      const boundary = '----kyosoBoundary';
      const cookieHeader = (b: TestBrowser | null) =>
        b ? [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ') : '';
      /** Sends the headers of a 10 MB upload and its first part only; resolves with the status. */
      const answerBeforeBody = (b: TestBrowser | null, firstField: string) =>
        new Promise<number>((resolve, reject) => {
          const req = http.request({
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/staff/kpi/upload',
            headers: {
              'content-type': `multipart/form-data; boundary=${boundary}`,
              'content-length': String(10 * 1024 * 1024),
              origin: `http://127.0.0.1:${port}`,
              cookie: cookieHeader(b),
            },
          });
          const timer = setTimeout(() => {
            req.destroy();
            reject(new Error('no answer while the body was held back: the server waits for the whole body'));
          }, 5000);
          req.on('response', (res) => {
            clearTimeout(timer);
            res.resume();
            req.destroy();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', () => {});
          req.write(
            `--${boundary}\r\nContent-Disposition: form-data; name="${firstField}"\r\n\r\nx\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n\r\n`,
          );
          req.write(Buffer.alloc(64 * 1024, 0x41));
        });
      assert.equal(await answerBeforeBody(null, '_csrf'), 303, 'anonymous: to sign-in');
      assert.equal(await answerBeforeBody(committee, '_csrf'), 403, 'committee: may not upload');
      await editor.get('/staff/kpi/upload');
      assert.equal(await answerBeforeBody(editor, '_csrf'), 403, 'editor with a wrong token');
      assert.equal(await answerBeforeBody(editor, 'fy'), 403, 'editor without the token first');
    });

    test('the router’s own errors (not UTF-8, a parameter too long) are the Japanese error page', async () => {
      for (const [url, status] of [
        ['/plan/%C3%28', 400],
        [`/plan/${'a'.repeat(300)}`, 414],
        [`/consultations/%FF/form`, 400],
      ] as const) {
        const r = await app.inject(url);
        assert.equal(r.statusCode, status, url);
        assert.match(String(r.headers['content-type']), /^text\/html/, url);
        assert.ok(r.body.includes('リクエストの内容を確認してください'), url);
        assert.doesNotMatch(r.body, /FST_|is not a valid url/, url);
      }
    });

    test('a redirect target goes into Location as it can be carried: encoded, never a 500', async () => {
      const cases: Array<[string, string]> = [
        ['/%00', '/'],
        ['/staff%0D%0ASet-Cookie:x=1', '/staffSet-Cookie:x=1'],
        [`/search?q=${encodeURIComponent('防災')}`, '/search?q=%E9%98%B2%E7%81%BD'],
        ['//evil.example/', '/'],
        ['/%5Cevil.example', '/'], // a backslash is a slash to browsers: //evil.example
      ];
      for (const [next, location] of cases) {
        const r = await app.inject(`/lang?to=en&next=${encodeURIComponent(decodeURIComponent(next))}`);
        assert.equal(r.statusCode, 303, next);
        assert.equal(r.headers.location, location, next);
      }
    });

    test('staff pages are not stored by any cache; public pages may be', async () => {
      for (const url of ['/staff', '/staff/kpi', `/staff/consultations/${consultationId}`]) {
        const r = await planner.get(url);
        assert.equal(r.statusCode, 200, url);
        assert.equal(r.headers['cache-control'], 'no-store', url);
      }
      const signIn = await app.inject('/staff/sign-in');
      assert.equal(signIn.headers['cache-control'], 'no-store', 'the sign-in page too');
      assert.notEqual((await app.inject('/plan')).headers['cache-control'], 'no-store');
    });
  });
}

describe('behind a reverse proxy (KYOSO_TRUST_PROXY)', () => {
  let db: TestDb;
  before(async () => {
    db = await createTestDb('sqlite');
    await seedIfEmpty(db, { municipality: '352161', seed: true });
  });
  after(async () => {
    await db?.drop();
  });

  async function appWith(config: Partial<Config>, rateLimitMax = 100_000) {
    const app = await build({ config: testConfig(config), db, logger: false, rateLimitMax });
    await app.ready();
    return app;
  }
  /** A request that reached the app from the proxy (127.0.0.1) on behalf of `client`. */
  const via = (app: FastifyInstance, client: string, url: string, headers: Record<string, string> = {}) =>
    app.inject({ url, remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': client, ...headers } });

  test('the request limit counts each client, not the proxy, when the proxy is trusted', async () => {
    const trusting = await appWith({ trustProxy: ['127.0.0.1'] }, 3);
    const naive = await appWith({ trustProxy: [] }, 3);
    try {
      for (let i = 0; i < 3; i++) assert.equal((await via(trusting, '203.0.113.1', '/plan')).statusCode, 200);
      assert.equal(
        (await via(trusting, '203.0.113.1', '/plan')).statusCode,
        429,
        'the busy client is limited',
      );
      assert.equal((await via(trusting, '203.0.113.2', '/plan')).statusCode, 200, 'another client is not');
      for (let i = 0; i < 3; i++) assert.equal((await via(naive, '203.0.113.1', '/plan')).statusCode, 200);
      assert.equal(
        (await via(naive, '203.0.113.2', '/plan')).statusCode,
        429,
        'without KYOSO_TRUST_PROXY everyone behind the proxy shares one limit',
      );
      // a client cannot pick its address by sending the header itself to a trusting app
      const direct = await trusting.inject({
        url: '/plan',
        remoteAddress: '198.51.100.9',
        headers: { 'x-forwarded-for': '203.0.113.2' },
      });
      assert.equal(direct.statusCode, 200);
    } finally {
      await trusting.close();
      await naive.close();
    }
  });

  test('public-comment submissions per hour count each client behind the proxy', async () => {
    const cid = await buildConsultation(db);
    const trusting = await appWith({ trustProxy: ['127.0.0.1'], submissionLimitPerHour: 2 });
    const naive = await appWith({ trustProxy: [], submissionLimitPerHour: 2 });
    try {
      const submit = (app: FastifyInstance, client: string) =>
        app.inject({
          method: 'POST',
          url: `/consultations/${cid}/submit`,
          remoteAddress: '127.0.0.1',
          headers: { 'x-forwarded-for': client, 'content-type': 'application/x-www-form-urlencoded' },
          payload: '',
        });
      // (no CSRF token: 403, but the limiter counts before the handler)
      for (let i = 0; i < 2; i++) await submit(trusting, '203.0.113.1');
      assert.equal((await submit(trusting, '203.0.113.1')).statusCode, 429);
      assert.notEqual((await submit(trusting, '203.0.113.2')).statusCode, 429);
      for (let i = 0; i < 2; i++) await submit(naive, '203.0.113.1');
      assert.equal((await submit(naive, '203.0.113.2')).statusCode, 429);
    } finally {
      await trusting.close();
      await naive.close();
    }
  });

  test('sign-in failures lock the address that failed, not every client of the proxy', async () => {
    const trusting = await appWith({ trustProxy: ['127.0.0.1'] });
    try {
      const attempt = async (client: string, email: string, password: string) => {
        const b = new TestBrowser(trusting);
        await b.get('/staff/sign-in');
        return b.post('/staff/sign-in', { email, password }, { headers: { 'x-forwarded-for': client } });
      };
      // 20 failures per address, spread over many (non-existent) accounts so that no account lock applies
      for (let i = 0; i < 20; i++) await attempt('203.0.113.66', `nobody${i}@example.jp`, 'wrong password');
      const locked = await attempt('203.0.113.66', 'nobody-else@example.jp', 'wrong password');
      assert.equal(locked.statusCode, 429, 'the attacking address is locked');
      const staff = await buildStaff(db, 'planner');
      const other = await attempt('203.0.113.7', staff.email, TEST_PASSWORD);
      assert.equal(other.statusCode, 303, 'a colleague behind the same proxy still signs in');
    } finally {
      await trusting.close();
    }
  });

  test('X-Request-Id is kept only from a trusted proxy', async () => {
    const trusting = await appWith({ trustProxy: ['127.0.0.1'] });
    const naive = await appWith({ trustProxy: [] });
    try {
      const id = 'proxy-request-0001';
      const fromProxy = await via(trusting, '203.0.113.1', '/healthz', { 'x-request-id': id });
      assert.equal(fromProxy.headers['x-request-id'], id);
      const fromClient = await trusting.inject({
        url: '/healthz',
        remoteAddress: '198.51.100.9',
        headers: { 'x-request-id': id },
      });
      assert.notEqual(fromClient.headers['x-request-id'], id, 'a client may not choose the id');
      const untrusted = await via(naive, '203.0.113.1', '/healthz', { 'x-request-id': id });
      assert.notEqual(untrusted.headers['x-request-id'], id, 'without KYOSO_TRUST_PROXY no one may');
    } finally {
      await trusting.close();
      await naive.close();
    }
  });

  test('the language cookie is Secure when the site is served over https', async () => {
    const https = await appWith({ baseUrl: 'https://plan.city.example.jp' });
    const plain = await appWith({ baseUrl: 'http://localhost:3000' });
    try {
      const cookieOf = async (app: FastifyInstance) =>
        String([(await app.inject('/lang?to=en&next=/')).headers['set-cookie']].flat()[0]);
      assert.match(await cookieOf(https), /; Secure/);
      assert.doesNotMatch(await cookieOf(plain), /; Secure/);
    } finally {
      await https.close();
      await plain.close();
    }
  });
});

describe('static files and /healthz need no per-request database work', () => {
  test('no sample-data check, no session lookup: static files 0 queries, /healthz only its select 1', async () => {
    const queries: string[] = [];
    let counting = false;
    const db = await createTestDb('sqlite', {
      onQuery: (e) => {
        if (counting) queries.push(e.query.sql);
      },
    });
    const app = await buildTestApp(db);
    try {
      // a fresh app: the sample flag has never been read, and the browser carries a session cookie
      const cookies = { kyoso_session: 'x'.repeat(43) };
      counting = true;
      for (const url of ['/static/kyoso.css', '/static/tokens.css', '/static/kpi.css']) {
        assert.equal((await app.inject({ url, cookies })).statusCode, 200, url);
      }
      assert.deepEqual(queries, [], 'static files');
      assert.equal((await app.inject({ url: '/healthz', cookies })).statusCode, 200);
      assert.deepEqual(queries, ['select 1'], '/healthz');
      queries.length = 0;
      assert.equal((await app.inject('/plan')).statusCode, 200);
      assert.ok(queries.length > 0, 'a page does read the database (else this test proves nothing)');
    } finally {
      await app.close();
      await db.drop();
    }
  });
});

describe('KYOSO_TRUST_PROXY configuration', () => {
  test('takes addresses, CIDRs and names; refuses anything else by name', async () => {
    const { loadConfig } = await import('../src/config.ts');
    assert.deepEqual(loadConfig({ KYOSO_TRUST_PROXY: '10.0.0.0/8, ::1 loopback' }).trustProxy, [
      '10.0.0.0/8',
      '::1',
      'loopback',
    ]);
    assert.deepEqual(loadConfig({}).trustProxy, []);
    assert.throws(() => loadConfig({ KYOSO_TRUST_PROXY: 'proxy.example.jp' }), /KYOSO_TRUST_PROXY/);
    assert.throws(() => loadConfig({ KYOSO_TRUST_PROXY: '10.0.0.0/99' }), /KYOSO_TRUST_PROXY/);
  });
});
