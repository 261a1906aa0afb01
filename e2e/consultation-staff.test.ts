/**
 * The staff pages of public comment in a real browser (Debian's Chromium): the consultation list, the
 * create and edit forms, the hub, staff entry of a paper opinion, the triage list with filters and search,
 * one opinion with its triage forms, and the audited submission page — each in its empty, error and filled
 * states, with axe (WCAG 2.1 AA), structure and no console errors.
 * Run: node --import tsx --test e2e/consultation-staff.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext } from 'playwright-core';
import { buildTestApp } from '../test/support/app.ts';
import { createTestDb, type TestDb } from '../test/support/db.ts';
import { buildStaff, type TestStaff } from '../test/support/staff.ts';
import {
  checkCurrentPage,
  checkPage,
  launchBrowser,
  newContext,
  openPage,
  textOf,
  type WatchedPage,
} from './support/browser.ts';
import { assertErrorState, signInThroughBrowser, submit, TestClock } from './support/staff.ts';

const TITLE = '中期基本計画（案）への意見募集';
const NAME = '厚狭 花子';

describe('staff pages of public comment in Chromium', () => {
  let db: TestDb;
  let app: FastifyInstance;
  let browser: Browser;
  let baseURL = '';
  const clock = new TestClock(new Date('2026-11-20T03:00:00.000Z'));
  const contexts: BrowserContext[] = [];
  let planner: TestStaff;
  let editor: TestStaff;
  let p: WatchedPage;
  let hub = '';

  async function signedIn(staff: TestStaff): Promise<WatchedPage> {
    const context = await newContext(browser, baseURL);
    contexts.push(context);
    const w = await openPage(context);
    await signInThroughBrowser(w.page, staff, clock);
    return w;
  }

  before(async () => {
    db = await createTestDb('sqlite');
    app = await buildTestApp(db, { clock: clock.now });
    baseURL = await app.listen({ port: 0, host: '127.0.0.1' });
    planner = await buildStaff(db, 'planner');
    editor = await buildStaff(db, 'editor');
    browser = await launchBrowser();
    p = await signedIn(planner);
  });
  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
    await db?.drop();
  });

  test('the list, empty; the create form, its errors, then created', async () => {
    await checkPage(p, '/staff/consultations');
    assert.ok((await textOf(p.page.locator('main'))).includes('まだ意見公募はありません'));
    await checkPage(p, '/staff/consultations/new');
    const { page } = p;
    await page.locator('#title').fill('');
    await page.locator('#opensDate').fill('2026-11-01');
    await page.locator('#closesDate').fill('2026-11-10');
    assert.equal(await submit(page, page.getByRole('button', { name: '作成する' })), 400);
    await checkCurrentPage(p, { status: 400 });
    const summary = await assertErrorState(page, ['title', 'shortPeriodReason']);
    assert.match(summary, /件名を入力してください/);
    assert.match(summary, /30日未満/);
    await page.locator('#title').fill(TITLE);
    await page.locator('#closesDate').fill('2026-12-25');
    await page.locator('#emailAddress').fill('kikaku@city.example.jp');
    assert.equal(await submit(page, page.getByRole('button', { name: '作成する' })), 200);
    hub = new URL(page.url()).pathname;
    assert.match(hub, /^\/staff\/consultations\/\d+$/);
    await checkCurrentPage(p);
    assert.ok((await textOf(page.locator('main'))).includes('作成しました'));
    await checkPage(p, '/staff/consultations');
    assert.ok((await textOf(p.page.locator('main'))).includes(TITLE));
  });

  test('the edit form: error state, then saved', async () => {
    await checkPage(p, `${hub}/edit`);
    const { page } = p;
    await page.locator('#emailAddress').fill('not an address');
    assert.equal(await submit(page, page.getByRole('button', { name: '保存する' })), 400);
    await checkCurrentPage(p, { status: 400 });
    assert.match(await assertErrorState(page, ['emailAddress']), /電子メールの宛先は正しい形式/);
    await page.locator('#emailAddress').fill('kikaku@city.example.jp');
    await page.locator('#readingPlaces').fill('市役所企画課、中央図書館');
    assert.equal(await submit(page, page.getByRole('button', { name: '保存する' })), 200);
    assert.ok((await textOf(page.locator('main'))).includes('設定を保存しました'));
  });

  test('triage list empty, then staff entry (error, then entered), then the list filled and searched', async () => {
    await checkPage(p, `${hub}/opinions`);
    assert.ok((await textOf(p.page.locator('main'))).includes('条件に合う意見はありません'));
    await checkPage(p, `${hub}/opinions?state=bogus`);
    assert.ok((await textOf(p.page.locator('.error-summary'))).includes('「状態」の値が正しくない'));

    await checkPage(p, `${hub}/entry`);
    const { page } = p;
    assert.equal(await submit(page, page.getByRole('button', { name: '入力する' })), 400);
    await checkCurrentPage(p, { status: 400 });
    await assertErrorState(page, ['channel', 'receivedOn', 'name', 'address', 'category', 'opinion-1']);
    await page.locator('#channel').selectOption('post');
    await page.locator('#receivedOn').fill('2026-11-18');
    await page.locator('#name').fill(NAME);
    await page.locator('#address').fill('山陽小野田市日の出一丁目1番1号');
    await page.locator('#category').selectOption('resident');
    await page
      .locator('#opinion-1')
      .fill('公園の遊具を増やしてほしい。子育て世代が集まれる場所にしてほしい。');
    await page.locator('#opinion-2').fill('計画全体として、数値目標をもっと明確にしてほしい。');
    assert.equal(await submit(page, page.getByRole('button', { name: '入力する' })), 200);
    await checkCurrentPage(p);
    assert.match(await textOf(page.locator('.notice')), /受付番号 PC\d+-\d+ で入力しました/);

    await checkPage(p, `${hub}/opinions`);
    const main = await textOf(p.page.locator('main'));
    assert.ok(main.includes('2件'), 'two opinions');
    assert.ok(!main.includes(NAME), 'no personal data in the list');
    await checkPage(p, `${hub}/opinions?q=${encodeURIComponent('子育て')}`);
    assert.equal(await p.page.locator('mark').first().textContent(), '子育て');
  });

  test('one opinion: filled, an error state, accepted; the submission page (audited)', async () => {
    await p.page.goto(`${hub}/opinions`);
    const href = await p.page.locator('tbody th a').first().getAttribute('href');
    assert.ok(href, 'a link to the opinion');
    await checkPage(p, href);
    const { page } = p;
    await page.locator('#reason').selectOption('other');
    assert.equal(await submit(page, page.getByRole('button', { name: '対象外にする' }).last()), 400);
    await checkCurrentPage(p, { status: 400 });
    assert.match(await assertErrorState(page, ['note']), /補足を入力してください/);
    assert.equal(await submit(page, page.getByRole('button', { name: '対象にする' })), 200);
    await checkCurrentPage(p);
    assert.ok((await textOf(page.locator('.notice'))).includes('意見を対象にしました'));
    const sub = await page.locator('a[href*="/submissions/"]').first().getAttribute('href');
    assert.ok(sub, 'planners get the submission link');
    await checkPage(p, sub);
    assert.ok((await textOf(page.locator('main'))).includes(NAME));
    await checkPage(p, hub);
  });

  test('an editor reads the list and the opinion without personal data or actions', async () => {
    const e = await signedIn(editor);
    await checkPage(e, `${hub}/opinions`);
    assert.equal(await e.page.locator('a[href*="/submissions/"]').count(), 0);
    const href = await e.page.locator('tbody th a').first().getAttribute('href');
    assert.ok(href, 'a link to the opinion');
    await checkPage(e, href);
    assert.ok((await textOf(e.page.locator('main'))).includes('仕分けは企画担当の職員が行います'));
    await checkPage(e, hub);
  });
});
