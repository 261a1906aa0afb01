/**
 * The public indicator pages in a real browser (Debian's Chromium): axe (WCAG 2.1 AA) with no violations,
 * structure, no console errors (so no CSP violation from the inline chart SVGs), in every state of the
 * dashboard (with data, filtered, filtered to nothing, a bad filter, no indicators at all), one indicator
 * (with a projection, with fewer than 3 actuals, a range indicator), the measure and policy pages with
 * their indicators, the about page, and the top page's summary; Japanese and English.
 * Run: node --import tsx --test e2e/kpi-public.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { buildTestApp } from '../test/support/app.ts';
import { createTestDb, type TestDb } from '../test/support/db.ts';
import { buildActual, buildIndicator, buildKpiFixture, type KpiFixture } from '../test/support/kpi.ts';
import { buildDepartment } from '../test/support/staff.ts';
import {
  type CheckOptions,
  checkPage,
  hasHorizontalPageScroll,
  launchBrowser,
  newContext,
  openPage,
  overflowingElements,
  type WatchedPage,
} from './support/browser.ts';

describe('public indicator pages in Chromium', () => {
  let db: TestDb;
  let emptyDb: TestDb;
  let app: FastifyInstance;
  let emptyApp: FastifyInstance;
  let browser: Browser;
  let baseURL: string;
  let emptyURL: string;
  let f: KpiFixture;
  let rangeId: number;
  let deptId: number;

  before(async () => {
    db = await createTestDb('sqlite');
    app = await buildTestApp(db);
    f = await buildKpiFixture(db);
    deptId = await buildDepartment(db, '文化スポーツ課');
    rangeId = await buildIndicator(db, {
      planId: f.planId,
      nodePath: '3/2',
      name: '体育館の稼働率',
      unit: '%',
      direction: 'range',
      rangeMin: 60,
      rangeMax: 80,
      baselineValue: 55,
      targetValue: 70,
      departmentId: deptId,
      isSample: true,
    });
    await buildActual(db, rangeId, 2022, 58, { isSample: true });
    await buildActual(db, rangeId, 2023, 65, { status: 'preliminary', isSample: true });
    const own = await buildIndicator(db, { planId: f.planId, nodePath: '1', name: '地域活動への参加率' });
    await buildActual(db, own, 2021, 12);
    await buildIndicator(db, {
      planId: f.planId,
      nodePath: '1/1',
      name: '待機児童数',
      direction: 'down',
      baselineValue: 10,
      targetValue: 0,
    });
    // Measure 1/2 is linked to the first cross-cutting measure.
    const v = await db.kysely
      .selectFrom('plan_versions')
      .select('id')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const node = await db.kysely
      .selectFrom('plan_nodes')
      .select('id')
      .where('version_id', '=', v.id)
      .where('path', '=', '1/2')
      .executeTakeFirstOrThrow();
    const cc = await db.kysely
      .selectFrom('cross_cutting_measures')
      .select('id')
      .where('version_id', '=', v.id)
      .orderBy('position')
      .executeTakeFirstOrThrow();
    await db.kysely
      .insertInto('cross_cutting_links')
      .values({
        municipality_code: '352161',
        version_id: v.id,
        node_id: node.id,
        cross_cutting_id: cc.id,
        created_at: new Date().toISOString(),
      })
      .execute();
    await app.site.refreshSample();
    baseURL = await app.listen({ port: 0, host: '127.0.0.1' });

    emptyDb = await createTestDb('sqlite');
    emptyApp = await buildTestApp(emptyDb);
    emptyURL = await emptyApp.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    await emptyApp?.close();
    await db?.drop();
    await emptyDb?.drop();
  });

  async function withPage(base: string, lang: 'ja' | 'en', fn: (w: WatchedPage) => Promise<void>) {
    const context = await newContext(browser, base);
    if (lang === 'en') await context.addCookies([{ name: 'lang', value: 'en', url: base }]);
    try {
      await fn(await openPage(context));
    } finally {
      await context.close();
    }
  }

  const cases: Array<{
    url: () => string;
    lang: 'ja' | 'en';
    status?: number;
    check?: (w: WatchedPage) => Promise<void>;
  }> = [
    {
      url: () => '/dashboard',
      lang: 'ja',
      check: async ({ page }) => {
        assert.ok((await page.locator('table.kpi-board').count()) >= 3, 'tables per measure');
        assert.match(
          (await page.locator('.kpi-summary').first().textContent()) ?? '',
          /順調 \d+件 ／ 遅れ \d+件 ／ 実績なし \d+件/,
        );
      },
    },
    { url: () => '/dashboard', lang: 'en' },
    {
      url: () => '/dashboard?cc=1',
      lang: 'ja',
    },
    {
      url: () => `/dashboard?dept=${deptId}`,
      lang: 'en',
      check: async ({ page }) => {
        assert.equal(
          await page.locator('table.kpi-board tbody tr').count(),
          1,
          'one indicator of the department',
        );
      },
    },
    {
      url: () => `/dashboard?cc=1&dept=${deptId}`,
      lang: 'ja',
      check: async ({ page }) => {
        assert.match((await page.locator('.kpi-empty').textContent()) ?? '', /条件に合う指標はありません/);
      },
    },
    {
      url: () => '/dashboard?cc=abc',
      lang: 'ja',
      status: 400,
      check: async ({ page }) => {
        assert.ok((await page.title()).startsWith('エラー：'), 'error title');
        assert.equal(
          await page.locator('.error-summary a[href="#cc"]').count(),
          1,
          'the summary links to the field',
        );
        assert.equal(await page.locator('#cc').getAttribute('aria-invalid'), 'true', 'field marked invalid');
      },
    },
    {
      url: () => `/dashboard/indicators/${f.indicatorId}`,
      lang: 'ja',
      check: async ({ page }) => {
        const svg = page.locator('svg.kpi-chart__svg[role="img"]');
        assert.equal(await svg.count(), 1, 'an inline chart');
        assert.ok((await svg.boundingBox())!.width > 200, 'the chart is drawn');
        assert.match((await svg.locator('title').textContent()) ?? '', /地域運営組織の数/);
        assert.ok(
          (await page.locator('svg.kpi-chart__svg path[stroke-dasharray]').count()) > 0,
          'a dashed projection',
        );
      },
    },
    { url: () => `/dashboard/indicators/${f.indicatorId}`, lang: 'en' },
    { url: () => `/dashboard/indicators/${rangeId}`, lang: 'ja' },
    { url: () => `/dashboard/indicators/${f.otherIndicatorId}`, lang: 'ja' },
    {
      url: () => '/plan/1/1',
      lang: 'ja',
      check: async ({ page }) => {
        assert.ok((await page.locator('section.kpi-card').count()) >= 2, 'indicator cards');
        await page.locator('.kpi-card__table summary').first().click();
        assert.ok(await page.locator('.kpi-card__table table').first().isVisible(), 'the table opens');
      },
    },
    { url: () => '/plan/1/1', lang: 'en' },
    { url: () => '/plan/1', lang: 'ja' },
    { url: () => '/plan/3/2', lang: 'ja' },
    { url: () => '/dashboard/about', lang: 'ja' },
    { url: () => '/dashboard/about', lang: 'en' },
    {
      url: () => '/',
      lang: 'ja',
      check: async ({ page }) => {
        assert.equal(
          await page.locator('table.kpi-top__table tbody tr').count(),
          2,
          'a row per 重点施策 with indicators (1 and 3)',
        );
      },
    },
  ];

  for (const c of cases) {
    test(`${c.lang}: a page with indicators (${c.status ?? 200})`, async (t) => {
      const url = c.url();
      t.diagnostic(url);
      await withPage(baseURL, c.lang, async (w) => {
        const options: CheckOptions = { lang: c.lang };
        if (c.status) options.status = c.status;
        await checkPage(w, url, options);
        await c.check?.(w);
      });
    });
  }

  test('the dashboard with no indicators at all, in both languages', async () => {
    for (const lang of ['ja', 'en'] as const)
      await withPage(emptyURL, lang, async (w) => {
        await checkPage(w, '/dashboard', { lang });
        assert.equal(await w.page.locator('.kpi-empty').count(), 1, 'the empty state');
        await checkPage(w, '/plan/1/1', { lang });
      });
  });

  test('the filter form works without JavaScript', async () => {
    const context = await newContext(browser, baseURL, { javaScriptEnabled: false });
    try {
      const w = await openPage(context);
      await checkPage(w, '/dashboard', { axe: false });
      await w.page.selectOption('#cc', '1');
      await Promise.all([
        w.page.waitForURL(/cc=1/),
        w.page.getByRole('button', { name: 'この条件で表示' }).click(),
      ]);
      assert.ok((await w.page.locator('table.kpi-board').count()) === 1, 'only the linked measure');
    } finally {
      await context.close();
    }
  });

  test('320 px wide: the dashboard, an indicator and a measure page reflow without sideways scrolling', async () => {
    const context = await newContext(browser, baseURL, { viewport: { width: 320, height: 800 } });
    try {
      const w = await openPage(context);
      for (const url of ['/dashboard', `/dashboard/indicators/${f.indicatorId}`, '/plan/1/1']) {
        await checkPage(w, url);
        const s = await hasHorizontalPageScroll(w.page);
        assert.ok(
          !s.overflow,
          `${url} at 320px: scrollWidth ${s.scrollWidth} > clientWidth ${s.clientWidth}\n${(await overflowingElements(w.page)).join('\n')}`,
        );
      }
      // On a phone each indicator of the dashboard is a card: its values under their column names.
      await w.page.goto('/dashboard');
      const row = w.page.locator('table.kpi-board tbody tr').first();
      const box = await row.boundingBox();
      assert.ok(box && box.width <= 320, `a row fits the screen (${box?.width}px)`);
      const label = await row
        .locator('td')
        .first()
        .evaluate((el) => getComputedStyle(el, '::before').content);
      assert.match(label, /最新の実績値/, 'each value is labelled with its column');
    } finally {
      await context.close();
    }
  });
});
