/**
 * Issue 10, defect 7: when the database is down or hangs, people get a clear 503 (with Retry-After)
 * instead of a 500 or a request that never ends; a public-comment submission says that the opinion was NOT
 * saved and keeps what was typed; /healthz says "down" within 2 s; static files do not need the database.
 *
 * PostgreSQL is reached through a TCP proxy of the test's own, which can pass traffic, refuse it (the
 * server stopped: connections reset, new ones closed at once) or swallow it (the server hung: connections
 * stay open and nothing ever comes back). SQLite's fault is a lock held by another connection.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { build } from '../src/app.ts';
import { seedIfEmpty } from '../src/bootstrap.ts';
import { openDatabase } from '../src/db/connection.ts';
import type { Db } from '../src/db/database.ts';
import { testConfig } from './support/app.ts';
import { TestBrowser } from './support/browser-session.ts';
import { buildConsultation } from './support/consultation.ts';
import { createTestDb, type TestDb } from './support/db.ts';
import { FaultyProxy } from './support/faulty-proxy.ts';

/** The status, the time taken, and the response. */
async function timed(fn: () => Promise<{ statusCode: number }>) {
  const t = performance.now();
  const res = await fn();
  return { res, ms: performance.now() - t };
}

function validSubmission(nodeId: string): Record<string, string> {
  return {
    name: '山陽 花子',
    address: '山陽小野田市日の出一丁目1番1号',
    category: 'resident',
    'section-1': nodeId,
    'opinion-1': '竜王山の桜並木を守る活動に、市も加わってほしい。',
  };
}

describe('database faults on PostgreSQL (through a proxy that can stop or hang)', () => {
  let testDb: TestDb;
  let proxy: FaultyProxy;
  let db: Db;
  let app: FastifyInstance;
  let cid: number;

  before(async () => {
    testDb = await createTestDb('postgres');
    await seedIfEmpty(testDb, { municipality: '352161', seed: true });
    cid = await buildConsultation(testDb);
    const url = new URL(testDb.url);
    proxy = new FaultyProxy({ host: url.hostname, port: Number(url.port) });
    await proxy.start();
    url.port = String(proxy.port);
    // statement timeout 3 s (the server's default is 10 s): the client gives up 2 s later, at 5 s
    db = openDatabase(url.toString(), { statementTimeoutMs: 3000 });
    app = await build({ config: testConfig({ databaseUrl: url.toString() }), db, logger: false });
    await app.ready();
  });
  after(async () => {
    await app?.close();
    await db?.close().catch(() => {});
    await proxy?.close();
    await testDb?.drop();
  });

  test('healthy: pages and /healthz answer 200', async () => {
    assert.equal((await app.inject('/plan/1/1')).statusCode, 200);
    const h = await app.inject('/healthz');
    assert.equal(h.statusCode, 200);
    assert.equal(h.json().database.status, 'ok');
  });

  test('stopped: 503 with Retry-After and a page that says so; /healthz down at once; static files still served', async () => {
    const anon = new TestBrowser(app);
    await anon.get(`/consultations/${cid}/form`); // the form's CSRF token, while the database answers
    proxy.mode = 'refuse';
    proxy.cutAll();
    const health = await timed(() => app.inject('/healthz'));
    assert.equal(health.res.statusCode, 503);
    assert.ok(health.ms < 2000, `/healthz took ${health.ms.toFixed(0)} ms`);
    const body = (health.res as unknown as { json(): { database: { status: string } } }).json();
    assert.equal(body.database.status, 'down');

    for (const url of ['/', '/plan/1/1', '/dashboard', `/consultations/${cid}`]) {
      const { res, ms } = await timed(() => app.inject(url));
      assert.equal(res.statusCode, 503, url);
      assert.equal((res as unknown as { headers: Record<string, string> }).headers['retry-after'], '30', url);
      const html = (res as unknown as { body: string }).body;
      assert.ok(html.includes('ただいま一時的にご利用いただけません'), `${url}: the page says why`);
      assert.doesNotMatch(html, /ECONN|select |postgres|at .*\.ts:\d+/i, url);
      assert.ok(ms < 3000, `${url} took ${ms.toFixed(0)} ms`);
    }
    for (const url of ['/static/kyoso.css', '/static/tokens.css', '/static/kpi.css']) {
      assert.equal((await app.inject(url)).statusCode, 200, url);
    }

    // a submission: NOT saved, in words, with what was typed kept in a form that sends it again
    const submit = await anon.post(`/consultations/${cid}/submit`, validSubmission('whole'));
    assert.equal(submit.statusCode, 503);
    assert.equal(submit.headers['retry-after'], '30');
    assert.ok(submit.body.includes('ご意見はまだ保存されていません'), 'says it was not saved');
    assert.ok(
      submit.body.includes('竜王山の桜並木を守る活動に、市も加わってほしい。'),
      'the opinion is on the page',
    );
    assert.match(submit.body, /<form method="post" action="\/consultations\/\d+\/submit">/);
    assert.ok(submit.body.includes('name="opinion-1"'), 'and in the form, to send again');
    assert.equal(submit.headers['cache-control'], 'no-store', 'personal data is not cached');

    // back up: everything works again, and sending the kept form again saves the opinion once
    proxy.mode = 'pass';
    let healthy = 0;
    for (let i = 0; i < 50 && healthy !== 200; i++) {
      healthy = (await app.inject('/healthz')).statusCode;
      if (healthy !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(healthy, 200, 'healthy again once the server is back');
    const form = /<form method="post" action="\/consultations\/\d+\/submit">([\s\S]*?)<\/form>/.exec(
      submit.body,
    )!;
    const fields = Object.fromEntries(
      [...form[1]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [
        m[1]!,
        m[2]!,
      ]),
    );
    anon.csrf = fields._csrf!;
    const again = await anon.post(`/consultations/${cid}/submit`, fields);
    assert.equal(again.statusCode, 303, 'sent again from the kept form');
    const n = await testDb.kysely
      .selectFrom('submissions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('consultation_id', '=', cid)
      .executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 1);
  });

  test('hung: /healthz says down within 2 s, pages end with 503 instead of waiting for ever', async () => {
    assert.equal((await app.inject('/plan/1/1')).statusCode, 200);
    proxy.mode = 'hang';
    const health = await timed(() => app.inject('/healthz'));
    assert.equal(health.res.statusCode, 503);
    assert.ok(health.ms < 2000, `/healthz took ${health.ms.toFixed(0)} ms`);
    assert.equal((await app.inject('/static/kyoso.css')).statusCode, 200, 'static files need no database');
    // a page: on a connection of the pool (the client's query timeout: 3 s + 2 s) or a new one (connect
    // timeout: 2 s); several at once, so that both kinds happen
    const pages = await Promise.all(
      ['/plan/1/1', '/plan/1/2', '/plan/2/1', '/dashboard'].map((url) => timed(() => app.inject(url))),
    );
    for (const { res, ms } of pages) {
      assert.equal(res.statusCode, 503);
      assert.ok(ms < 7000, `a page took ${ms.toFixed(0)} ms`);
    }
    // the partition ends (connections reset): the pool replaces its connections
    proxy.mode = 'pass';
    proxy.cutAll();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await app.inject('/plan/1/1')).statusCode;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(status, 200, 'pages answer again');
  });
});

describe('database faults on SQLite (a lock held by another connection)', () => {
  let testDb: TestDb;
  let app: FastifyInstance;
  let cid: number;

  before(async () => {
    testDb = await createTestDb('sqlite');
    await seedIfEmpty(testDb, { municipality: '352161', seed: true });
    cid = await buildConsultation(testDb);
    app = await build({ config: testConfig({ databaseUrl: testDb.url }), db: testDb, logger: false });
    await app.ready();
  });
  after(async () => {
    await app?.close();
    await testDb?.drop();
  });

  test('a submission that cannot write is a 503 that says it was not saved; reading goes on', async () => {
    const anon = new TestBrowser(app);
    await anon.get(`/consultations/${cid}/form`);
    const other = new SQLite(testDb.url);
    try {
      other.exec('BEGIN EXCLUSIVE');
      // WAL: readers are not blocked by a writer
      assert.equal((await app.inject('/plan/1/1')).statusCode, 200);
      const submit = await anon.post(`/consultations/${cid}/submit`, validSubmission('whole'));
      assert.equal(submit.statusCode, 503);
      assert.ok(submit.body.includes('ご意見はまだ保存されていません'));
      assert.ok(submit.body.includes('竜王山の桜並木'), 'what was typed is kept');
      other.exec('ROLLBACK');
      await anon.get(`/consultations/${cid}/form`);
      const again = await anon.post(`/consultations/${cid}/submit`, validSubmission('whole'));
      assert.equal(again.statusCode, 303, 'accepted once the lock is gone');
    } finally {
      other.close();
    }
  });
});
