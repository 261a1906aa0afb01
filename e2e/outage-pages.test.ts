/**
 * The pages people see when something is wrong on our side or theirs (issue 10), in Chromium with axe,
 * in Japanese and English: the database unreachable (a page, 503) and a public-comment submission that
 * could not be saved (503: it says so and keeps the text in a form that sends it again, which works once
 * the database is back), and a request in a form the site does not take (415).
 * PostgreSQL is reached through test/support/faulty-proxy.ts, so the test can stop it under the app.
 * Run: node --import tsx --test e2e/outage-pages.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext } from 'playwright-core';
import { build } from '../src/app.ts';
import { seedIfEmpty } from '../src/bootstrap.ts';
import { openDatabase } from '../src/db/connection.ts';
import type { Db } from '../src/db/database.ts';
import { testConfig } from '../test/support/app.ts';
import { buildConsultation } from '../test/support/consultation.ts';
import { createTestDb, type TestDb } from '../test/support/db.ts';
import { FaultyProxy } from '../test/support/faulty-proxy.ts';
import {
  checkCurrentPage,
  checkPage,
  type Lang,
  launchBrowser,
  newContext,
  openPage,
  textOf,
  type WatchedPage,
} from './support/browser.ts';
import { submit } from './support/staff.ts';

const TEXT: Record<Lang, { next: string; send: string; again: string; notSaved: string; down: string }> = {
  ja: {
    next: '入力内容を確認する',
    send: '送信する',
    again: 'もう一度送信する',
    notSaved: 'ご意見はまだ保存されていません',
    down: 'ただいま一時的にご利用いただけません',
  },
  en: {
    next: 'Check what you wrote',
    send: 'Send',
    again: 'Send again',
    notSaved: 'It has not been saved',
    down: 'Temporarily unavailable',
  },
};

describe('outage pages in Chromium', () => {
  let testDb: TestDb;
  let proxy: FaultyProxy;
  let db: Db;
  let app: FastifyInstance;
  let browser: Browser;
  let baseURL = '';
  let cid = 0;
  const contexts: BrowserContext[] = [];

  async function browserPage(lang: Lang): Promise<WatchedPage> {
    const context = await newContext(browser, baseURL);
    if (lang === 'en') await context.addCookies([{ name: 'lang', value: 'en', url: baseURL }]);
    contexts.push(context);
    return openPage(context);
  }

  before(async () => {
    testDb = await createTestDb('postgres');
    await seedIfEmpty(testDb, { municipality: '352161', seed: true });
    cid = await buildConsultation(testDb, { title: '中期基本計画 重点プロジェクト（案）への意見募集' });
    const url = new URL(testDb.url);
    proxy = new FaultyProxy({ host: url.hostname, port: Number(url.port) });
    await proxy.start();
    url.port = String(proxy.port);
    db = openDatabase(url.toString(), { statementTimeoutMs: 3000 });
    app = await build({ config: testConfig({ databaseUrl: url.toString() }), db, logger: false });
    baseURL = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  });
  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
    await db?.close().catch(() => {});
    await proxy?.close();
    await testDb?.drop();
  });

  for (const lang of ['ja', 'en'] as const) {
    test(`a submission while the database is down: not saved, kept, sent again (${lang})`, async () => {
      proxy.mode = 'pass';
      const w = await browserPage(lang);
      const { page } = w;
      const t = TEXT[lang];
      await checkPage(w, `/consultations/${cid}/form`, { lang });
      const opinion = `公民館の夜間利用を増やしてほしい（${lang}）`;
      await page.fill('#name', '山陽 花子');
      await page.fill('#address', '山陽小野田市日の出一丁目1番1号');
      await page.check('input[name="category"][value="resident"]');
      await page.fill('#opinion-1', opinion);
      assert.equal(await submit(page, page.getByRole('button', { name: t.next })), 200);

      proxy.mode = 'refuse';
      proxy.cutAll();
      assert.equal(await submit(page, page.getByRole('button', { name: t.send, exact: true })), 503);
      await checkCurrentPage(w, { lang, status: 503 });
      assert.ok((await textOf(page.locator('[role="alert"]'))).includes(t.notSaved), 'says: not saved');
      assert.ok((await textOf(page.locator('main'))).includes(opinion), 'the opinion is on the page');

      // a page meanwhile, in another tab: the site's 503 page
      const other = await openPage(page.context());
      await checkPage(other, '/plan/1/1', { lang, status: 503 });
      assert.ok((await textOf(other.page.locator('h1'))).includes(t.down));
      await other.page.close();

      proxy.mode = 'pass';
      for (let i = 0; i < 50 && (await app.inject('/healthz')).statusCode !== 200; i++)
        await new Promise((r) => setTimeout(r, 100));
      assert.equal(await submit(page, page.getByRole('button', { name: t.again })), 200, 'the receipt');
      assert.match(page.url(), /\/receipt\//);
    });
  }

  test('a form body of a kind the site does not take: the 415 page', async () => {
    proxy.mode = 'pass';
    const res = await app.inject({
      method: 'POST',
      url: `/consultations/${cid}/confirm`,
      payload: '{"opinion-1":"x"}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.statusCode, 415);
    // the very bytes the server sent, shown in the browser (a browser's own forms cannot send JSON)
    const w = await browserPage('ja');
    await w.page.route('**/unsupported', (route) =>
      route.fulfill({ status: 415, contentType: 'text/html; charset=utf-8', body: res.body }),
    );
    await checkPage(w, '/unsupported', { status: 415 });
    assert.ok((await textOf(w.page.locator('h1'))).includes('この形式の送信は受け付けていません'));
  });
});
