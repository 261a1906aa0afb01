/**
 * The staff pages in a real browser: the whole sign-in story (first administrator, password, TOTP
 * enrolment, recovery codes, second factor, sessions, sign-out), each page in its empty, error and filled
 * states, with axe (WCAG 2.1 AA), structure and no console errors. Run:
 * node --import tsx --test e2e/staff-pages.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext } from 'playwright-core';
import { createSetupToken } from '../src/modules/accounts/accounts.service.ts';
import { buildTestApp } from '../test/support/app.ts';
import { totpCode } from '../test/support/browser-session.ts';
import { createTestDb, type TestDb } from '../test/support/db.ts';
import {
  checkCurrentPage,
  checkPage,
  launchBrowser,
  newContext,
  openPage,
  type WatchedPage,
} from './support/browser.ts';

const ADMIN = {
  email: 'kanri@city.example.jp',
  displayName: '管理 太郎',
  password: '焼野海岸に沈む夕日を見に行こう',
};

describe('staff pages in Chromium', () => {
  let db: TestDb;
  let app: FastifyInstance;
  let browser: Browser;
  let context: BrowserContext;
  let w: WatchedPage;
  let base = '';
  let now = new Date();
  /** Each TOTP code is accepted once: move the app's clock to a fresh 30-second step before using one. */
  const nextStep = () => {
    now = new Date(now.getTime() + 31_000);
  };
  const secret = async (pending: boolean) => {
    const u = await db.kysely
      .selectFrom('users')
      .selectAll()
      .where('email', '=', ADMIN.email)
      .executeTakeFirstOrThrow();
    return (pending ? u.totp_pending_secret : u.totp_secret)!;
  };

  before(async () => {
    db = await createTestDb('sqlite');
    app = await buildTestApp(db, { clock: () => now });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    base = typeof addr === 'object' && addr ? `http://127.0.0.1:${addr.port}` : '';
    browser = await launchBrowser();
    context = await newContext(browser, base);
    w = await openPage(context);
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await app?.close();
    await db?.drop();
  });

  test('first administrator: the setup form empty, with errors, then done', async () => {
    const token = (await createSetupToken(db, '352161', now))!;
    await checkPage(w, `/staff/setup?token=${token}`);
    await w.page.getByRole('button', { name: '管理者を登録する' }).click();
    await w.page.waitForLoadState('load');
    assert.ok((await w.page.title()).startsWith('エラー：'));
    await checkCurrentPage(w, { status: 400 });
    assert.equal(await w.page.locator('.error-summary a[href="#email"]').count(), 1);
    await w.page.getByLabel('メールアドレス').fill(ADMIN.email);
    await w.page.getByLabel('氏名').fill(ADMIN.displayName);
    await w.page.getByLabel('パスワード', { exact: false }).first().fill(ADMIN.password);
    await w.page.getByLabel('パスワード（確認）').fill(ADMIN.password);
    await w.page.getByRole('button', { name: '管理者を登録する' }).click();
    await w.page.waitForURL(/\/staff\/sign-in\?done=setup/);
    await checkCurrentPage(w);
    assert.match((await w.page.locator('.notice').textContent()) ?? '', /管理者のアカウントを作成しました/);
  });

  test('sign-in: a wrong password shows the error state; the right one leads to enrolment', async () => {
    await w.page.getByLabel('メールアドレス').fill(ADMIN.email);
    await w.page.locator('#password').fill('まちがったパスワードです');
    await w.page.getByRole('button', { name: 'サインイン' }).click();
    await w.page.waitForLoadState('load');
    await checkCurrentPage(w, { status: 400 });
    assert.match(
      (await w.page.locator('.error-summary').textContent()) ?? '',
      /メールアドレスまたはパスワードが正しくありません/,
    );
    await w.page.locator('#password').fill(ADMIN.password);
    await w.page.getByRole('button', { name: 'サインイン' }).click();
    await w.page.waitForURL(/\/staff\/two-factor\/setup/);
    await checkCurrentPage(w);
    assert.equal(await w.page.locator('.qr svg').count(), 1, 'a QR code');
  });

  test('enrolment: a wrong code, then the right one, then ten recovery codes', async () => {
    await w.page.getByLabel('確認コード').fill('123456');
    await w.page.getByRole('button', { name: '設定を完了する' }).click();
    await w.page.waitForLoadState('load');
    await checkCurrentPage(w, { status: 400 });
    nextStep();
    await w.page.getByLabel('確認コード').fill(totpCode(await secret(true), now));
    await w.page.getByRole('button', { name: '設定を完了する' }).click();
    await w.page.waitForLoadState('load');
    await checkCurrentPage(w);
    assert.equal(await w.page.locator('ul.codes li').count(), 10);
  });

  test('the staff start page and the sessions page', async () => {
    await checkPage(w, '/staff');
    assert.match((await w.page.locator('header').textContent()) ?? '', /管理 太郎 さん/);
    await checkPage(w, '/staff/sessions');
  });

  test('sign-out, and the second factor page on the next sign-in (error, then success)', async () => {
    await w.page.goto('/staff');
    await w.page.getByRole('button', { name: 'サインアウト' }).click();
    await w.page.waitForURL(/done=signed-out/);
    await checkCurrentPage(w);
    await w.page.getByLabel('メールアドレス').fill(ADMIN.email);
    await w.page.locator('#password').fill(ADMIN.password);
    await w.page.getByRole('button', { name: 'サインイン' }).click();
    await w.page.waitForURL(/\/staff\/two-factor\?/);
    await checkCurrentPage(w);
    await w.page.getByLabel('確認コード').fill('000000');
    await w.page.getByRole('button', { name: '確認する' }).click();
    await w.page.waitForLoadState('load');
    await checkCurrentPage(w, { status: 400 });
    nextStep();
    await w.page.getByLabel('確認コード').fill(totpCode(await secret(false), now));
    await w.page.getByRole('button', { name: '確認する' }).click();
    await w.page.waitForURL(/\/staff$/);
  });

  test('a used setup link shows its explanation page', async () => {
    const page = await openPage(context);
    const r = await page.page.goto('/staff/setup?token=used-or-unknown-token-000000000000000');
    assert.equal(r?.status(), 410);
    await checkCurrentPage(page, { status: 410 });
    await page.page.close();
  });
});
