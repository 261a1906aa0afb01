/**
 * The public pages of public comment in a real browser (Debian's Chromium), in Japanese and in English:
 * the list, a consultation with its draft, the form (empty, with errors, filled), the confirmation, the
 * receipt (and its print layout), a closed consultation — each with axe (WCAG 2.1 AA), structure and no
 * console errors. The same flow without JavaScript reaches a receipt too.
 * Run: node --import tsx --test e2e/consultation-public.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext } from 'playwright-core';
import { buildTestApp } from '../test/support/app.ts';
import { buildConsultation, nodeIdAt } from '../test/support/consultation.ts';
import { createTestDb, type TestDb } from '../test/support/db.ts';
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
import { submit, TestClock } from './support/staff.ts';

const BUTTONS: Record<Lang, { next: string; send: string; add: string }> = {
  ja: { next: '入力内容を確認する', send: '送信する', add: '意見欄を増やす' },
  en: { next: 'Check what you wrote', send: 'Send', add: 'Add another opinion box' },
};

describe('public comment: the public pages in Chromium', () => {
  let db: TestDb;
  let app: FastifyInstance;
  let browser: Browser;
  let baseURL = '';
  const clock = new TestClock(new Date('2026-11-26T03:00:00.000Z'));
  const contexts: BrowserContext[] = [];
  let openId = 0;
  let closedId = 0;
  let node11 = 0;

  async function browserPage(lang: Lang, javaScriptEnabled = true): Promise<WatchedPage> {
    const context = await newContext(browser, baseURL, { javaScriptEnabled });
    if (lang === 'en') await context.addCookies([{ name: 'lang', value: 'en', url: baseURL }]);
    contexts.push(context);
    return openPage(context);
  }

  before(async () => {
    db = await createTestDb('sqlite');
    app = await buildTestApp(db, { clock: clock.now });
    openId = await buildConsultation(db, { title: '中期基本計画 重点プロジェクト（案）への意見募集' });
    closedId = await buildConsultation(db, {
      title: '前期基本計画（案）への意見募集',
      opensAt: '2026-01-05T00:00:00.000Z',
      closesAt: '2026-02-04T15:00:00.000Z',
    });
    await buildConsultation(db, {
      title: '後期基本計画（案）への意見募集',
      opensAt: '2027-04-01T00:00:00.000Z',
      closesAt: '2027-05-01T15:00:00.000Z',
    });
    node11 = await nodeIdAt(db, openId, '1/1');
    baseURL = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  });

  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
    await db?.drop();
  });

  for (const lang of ['ja', 'en'] as const) {
    test(`list, consultation, form, errors, confirmation and receipt (${lang})`, async () => {
      const w = await browserPage(lang);
      const { page } = w;
      await checkPage(w, '/consultations', { lang });
      assert.equal(
        await page.locator(`a[href="/consultations/${openId}"]`).count(),
        1,
        'the open one is listed',
      );
      assert.equal(
        await page.locator(`a[href="/consultations/${closedId}"]`).count(),
        1,
        'the closed one too',
      );

      await checkPage(w, `/consultations/${openId}`, { lang });
      const links = page.locator(`a[href="/consultations/${openId}/form?section=${node11}"]`);
      assert.equal(await links.count(), 1, 'a comment link on measure 1/1');

      await checkPage(w, `/consultations/${closedId}`, { lang });
      assert.equal(await page.locator('textarea, a[href*="/form"]').count(), 0, 'no form when closed');

      // the form, reached from the node's link, with its section chosen
      await page.goto(`/consultations/${openId}`);
      await submit(page, page.locator(`a[href="/consultations/${openId}/form?section=${node11}"]`));
      await checkCurrentPage(w, { lang });
      assert.equal(await page.locator('#section-1').inputValue(), String(node11), 'section preselected');

      // empty: the error summary, the title, the fields
      assert.equal(
        await submit(page, page.getByRole('button', { name: BUTTONS[lang].next })),
        400,
        'refused',
      );
      await checkCurrentPage(w, { lang, status: 400 });
      const summary = page.locator('.error-summary');
      for (const f of ['name', 'address', 'category', 'opinion-1'])
        assert.equal(await summary.locator(`a[href="#${f}"]`).count(), 1, `the summary links to #${f}`);

      // one more slot keeps what was typed
      await page.locator('#name').fill(lang === 'ja' ? '山陽 花子' : 'Hanako Sanyo');
      await page.locator('#opinion-1').fill('子育て世代のために公園を増やしてほしい。');
      assert.equal(await submit(page, page.getByRole('button', { name: BUTTONS[lang].add })), 200, 'add');
      await checkCurrentPage(w, { lang });
      assert.equal(await page.locator('textarea').count(), 4, 'four slots');
      assert.equal(
        await page.locator('#opinion-1').inputValue(),
        '子育て世代のために公園を増やしてほしい。',
        'kept',
      );

      // filled
      await page.locator('#address').fill('山陽小野田市日の出一丁目1番1号');
      await page.locator('#category').check();
      await page.locator('#email').fill(`hanako.${lang}@example.jp`);
      await page.locator('#opinion-2').fill('計画全体として、協創をもっと具体的に。');
      assert.equal(
        await submit(page, page.getByRole('button', { name: BUTTONS[lang].next })),
        200,
        'confirm',
      );
      await checkCurrentPage(w, { lang });
      assert.ok(
        (await textOf(page.locator('main'))).includes('計画全体として、協創をもっと具体的に。'),
        'shown',
      );

      assert.equal(
        await submit(page, page.getByRole('button', { name: BUTTONS[lang].send })),
        200,
        'receipt',
      );
      assert.match(
        page.url(),
        new RegExp(`/consultations/${openId}/receipt/[A-Za-z0-9_-]{43}$`),
        'receipt address',
      );
      await checkCurrentPage(w, { lang });
      assert.match(
        await textOf(page.locator('.pc-receipt-number')),
        new RegExp(`^PC${openId}-\\d{6,}$`),
        'number',
      );
      const main = await textOf(page.locator('main'));
      for (const secret of ['山陽 花子', 'Hanako Sanyo', '日の出一丁目', `hanako.${lang}@example.jp`])
        assert.ok(!main.includes(secret), `the receipt holds no ${secret}`);

      // printable: navigation and the way back drop out
      await page.emulateMedia({ media: 'print' });
      for (const hidden of ['.main-nav', '.lang-switch', '.pc-no-print'])
        assert.equal(await page.locator(hidden).first().isVisible(), false, `${hidden} hidden in print`);
      await page.emulateMedia({ media: 'screen' });
    });
  }

  test('without JavaScript the form reaches a receipt', async () => {
    const w = await browserPage('ja', false);
    const { page } = w;
    await checkPage(w, `/consultations/${openId}/form`, { lang: 'ja', axe: false });
    await page.locator('#name').fill('小野田 太郎');
    await page.locator('#address').fill('山陽小野田市中央一丁目1番1号');
    await page.locator('#category-other').check();
    await page.locator('#categoryNote').fill('市内の団体で活動している');
    await page.locator('#opinion-1').fill('JavaScript なしでも送れること。');
    assert.equal(await submit(page, page.getByRole('button', { name: BUTTONS.ja.next })), 200, 'confirm');
    assert.equal(await submit(page, page.getByRole('button', { name: BUTTONS.ja.send })), 200, 'receipt');
    await checkCurrentPage(w, { lang: 'ja', axe: false });
    assert.match(await textOf(page.locator('.pc-receipt-number')), /^PC\d+-\d{6,}$/, 'a receipt number');
  });
});
