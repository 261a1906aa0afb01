/**
 * The sample data (サンプル値) in a real browser (Debian's Chromium): the banner on the top page while
 * sample data exists, the planner's /staff/kpi/sample page with data, its confirmation error, the removal
 * and the page after it, and the top page without the banner — each with axe (WCAG 2.1 AA), structure and
 * no console errors. Run: node --import tsx --test e2e/kpi-sample.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext } from 'playwright-core';
import { loadSampleKpi, sampleCounts } from '../src/modules/kpi/kpi.sample.ts';
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

const MUNI = '352161';

describe('sample data in Chromium', () => {
  let db: TestDb;
  let app: FastifyInstance;
  let browser: Browser;
  let baseURL = '';
  const clock = new TestClock();
  const contexts: BrowserContext[] = [];
  let planner: TestStaff;
  let visitor: WatchedPage;
  let p: WatchedPage;

  async function browserPage(): Promise<WatchedPage> {
    const context = await newContext(browser, baseURL);
    contexts.push(context);
    return openPage(context);
  }

  before(async () => {
    db = await createTestDb('sqlite');
    app = await buildTestApp(db, { clock: clock.now });
    await loadSampleKpi(db, { municipalityCode: MUNI, at: clock.now() });
    await app.site.refreshSample();
    baseURL = await app.listen({ port: 0, host: '127.0.0.1' });
    planner = await buildStaff(db, 'planner');
    browser = await launchBrowser();
    visitor = await browserPage();
    p = await browserPage();
    await signInThroughBrowser(p.page, planner, clock);
  });

  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
    await db?.drop();
  });

  test('the top page carries the banner while sample data exists', async () => {
    await checkPage(visitor, '/');
    const banner = visitor.page.getByRole('complementary', { name: 'サンプルデータのお知らせ' });
    assert.equal(await banner.count(), 1, 'the banner, as a labelled landmark');
    assert.match(await textOf(banner), /架空の値/);
  });

  test('the page with data, its confirmation error, the removal, and the page after', async () => {
    const counts = await sampleCounts(db, MUNI);
    await checkPage(p, '/staff/kpi/sample');
    assert.equal(await textOf(p.page.locator('#sample-indicators')), `${counts.indicators}件`);
    assert.equal(await textOf(p.page.locator('#sample-actuals')), `${counts.actuals}件`);

    const remove = p.page.getByRole('button', { name: 'サンプルデータをすべて削除する' });
    assert.equal(await submit(p.page, remove), 400, 'not confirmed');
    await checkCurrentPage(p, { status: 400 });
    assert.match(await assertErrorState(p.page, ['confirm']), /チェックを入れてください/);
    assert.equal(await p.page.locator('#confirm').getAttribute('aria-invalid'), 'true');
    assert.deepEqual(await sampleCounts(db, MUNI), counts, 'nothing removed');

    await p.page.getByLabel('サンプルデータをすべて削除することを確認しました').check();
    assert.equal(
      await submit(p.page, p.page.getByRole('button', { name: 'サンプルデータをすべて削除する' })),
      200,
    );
    assert.match(p.page.url(), /\/staff\/kpi\/sample\?done=removed&i=\d+&a=\d+$/);
    await checkCurrentPage(p);
    assert.match(await textOf(p.page.locator('.notice')), /サンプルデータを削除しました/);
    assert.equal(await p.page.locator('#sample-none').count(), 1, 'says there is none');
    assert.equal(await p.page.locator('.sample-banner').count(), 0, 'the banner is gone at once');
    assert.deepEqual(await sampleCounts(db, MUNI), { indicators: 0, actuals: 0 }, 'all removed');
  });

  test('the top page without the banner after removal', async () => {
    await checkPage(visitor, '/');
    assert.equal(await visitor.page.locator('.sample-banner').count(), 0, 'no banner');
  });
});
