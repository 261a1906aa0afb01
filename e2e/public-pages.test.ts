/**
 * The public pages in a real browser (Debian's Chromium): accessibility (axe, WCAG 2.1 AA), structure,
 * the language switch, pages without JavaScript, small screens and zoom, keyboard use, print, and the
 * plan's content. Run: node --import tsx --test e2e/public-pages.test.ts
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { buildTestApp } from '../test/support/app.ts';
import { createTestDb, type TestDb } from '../test/support/db.ts';
import {
  type CheckOptions,
  checkCurrentPage,
  checkPage,
  hasHorizontalPageScroll,
  launchBrowser,
  newContext,
  openPage,
  overflowingElements,
  textOf,
  type WatchedPage,
} from './support/browser.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

const MEASURE_PAGES = ['1/1', '1/2', '2/1', '2/2', '2/3', '3/1', '3/2', '3/3', '3/4'].map(
  (p) => `/plan/${p}`,
);

/** Checks of a page's own content, after the common ones. */
type Extra = (page: Page) => Promise<void>;

async function resultCount(page: Page): Promise<number> {
  return page.locator('ol.results > li').count();
}

const searchResults =
  (word: string): Extra =>
  async (page) => {
    await assert.doesNotReject(page.locator('#results-h').waitFor(), 'a results heading');
    assert.match(await textOf(page.locator('#results-h')), new RegExp(`「${word}」の検索結果`));
    assert.ok((await resultCount(page)) > 0, `results for 「${word}」`);
    assert.ok((await page.locator('ol.results mark').count()) > 0, `the matches of 「${word}」 are marked`);
  };

const searchError: Extra = async (page) => {
  assert.ok(
    (await page.title()).startsWith('エラー：'),
    `title 「${await page.title()}」 starts with 「エラー：」`,
  );
  const summary = page.locator('.error-summary');
  assert.equal(await summary.count(), 1, 'an error summary');
  assert.equal(await summary.locator('a[href="#q"]').count(), 1, 'the summary links to the field');
  assert.equal(await page.locator('#q').getAttribute('aria-invalid'), 'true', 'the field is marked invalid');
  assert.match(await textOf(page.locator('#q-error')), /入力してください/);
};

const PAGES: Array<{ url: string; status?: number; extra?: Extra }> = [
  { url: '/' },
  { url: '/plan' },
  { url: '/plan/1' },
  { url: '/plan/2' },
  { url: '/plan/3' },
  ...MEASURE_PAGES.map((url) => ({ url })),
  { url: '/plan/cross-cutting' },
  { url: '/plan/cross-cutting/1' },
  { url: '/plan/cross-cutting/2' },
  { url: '/plan/cross-cutting/3' },
  { url: '/plan/versions' },
  { url: '/plan/versions/1/source' },
  {
    url: '/search',
    extra: async (page) => {
      assert.equal(await page.locator('search form input#q').count(), 1, 'the search form');
      assert.equal(await page.locator('.error-summary').count(), 0, 'no error before searching');
    },
  },
  { url: `/search?q=${encodeURIComponent('防災')}`, extra: searchResults('防災') },
  { url: '/search?q=', status: 400, extra: searchError },
  { url: `/search?q=${encodeURIComponent('子育')}`, extra: searchResults('子育') },
  { url: '/accessibility' },
  {
    url: '/no-such-page',
    status: 404,
    extra: async (page) => assert.equal(await textOf(page.locator('h1')), 'ページが見つかりません'),
  },
];

describe('public pages in Chromium', () => {
  let db: TestDb;
  let app: FastifyInstance;
  let browser: Browser;
  let baseURL: string;

  before(async () => {
    db = await createTestDb('sqlite');
    app = await buildTestApp(db);
    baseURL = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    await db?.drop();
  });

  /** A fresh page in a fresh context (own cookies), closed after `fn`. */
  async function withPage(
    options: Parameters<typeof newContext>[2],
    fn: (watched: WatchedPage) => Promise<void>,
  ): Promise<void> {
    const context = await newContext(browser, baseURL, options);
    try {
      await fn(await openPage(context));
    } finally {
      await context.close();
    }
  }

  /** Follows a link that navigates (possibly through a redirect to the same address) and waits for the new page. */
  async function follow(page: Page, name: string): Promise<void> {
    const link = page.getByRole('link', { name, exact: true });
    assert.equal(await link.count(), 1, `one visible 「${name}」 link`);
    await Promise.all([page.waitForEvent('load'), link.click()]);
  }

  describe('every page: axe, structure, skip link, lang, title, no console errors', () => {
    for (const p of PAGES) {
      test(p.url, async () => {
        await withPage({}, async (watched) => {
          const options: CheckOptions = { lang: 'ja' };
          if (p.status) options.status = p.status;
          await checkPage(watched, p.url, options);
          await p.extra?.(watched.page);
          assert.deepEqual(watched.errors, [], `${p.url}: console or page errors`);
        });
      });
    }

    test('English UI of / and /plan/1/1, switched with the visible link, and back', async () => {
      await withPage({}, async (watched) => {
        const { page } = watched;
        await checkPage(watched, '/', { lang: 'ja', axe: false });

        await follow(page, 'English');
        assert.equal(new URL(page.url()).pathname, '/', 'the switch returns to the same page');
        await checkCurrentPage(watched, { lang: 'en' });
        assert.equal(await textOf(page.locator('.skip-link')), 'Skip to main content');

        await checkPage(watched, '/plan/1/1', { lang: 'en' });
        assert.equal(
          await textOf(page.locator('h1')),
          '1 新たな地域づくり',
          "the city's text stays as written",
        );

        await follow(page, '日本語');
        assert.equal(new URL(page.url()).pathname, '/plan/1/1', 'the switch returns to the same page');
        await checkCurrentPage(watched, { lang: 'ja' });
        assert.equal(await textOf(page.locator('.skip-link')), '本文へスキップ');
      });
    });
  });

  // Structure, skip link, lang and title only: axe cannot run without script (see CheckOptions.axe).
  describe('without JavaScript', () => {
    const noScript = { javaScriptEnabled: false };

    test('the top page, and the language switch', async () => {
      await withPage(noScript, async (watched) => {
        await checkPage(watched, '/', { lang: 'ja', axe: false });
        await follow(watched.page, 'English');
        await checkCurrentPage(watched, { lang: 'en', axe: false });
        await follow(watched.page, '日本語');
        await checkCurrentPage(watched, { lang: 'ja', axe: false });
      });
    });

    test('the search form: type, press Enter, read the results; an empty search shows the error', async () => {
      await withPage(noScript, async (watched) => {
        const { page } = watched;
        await checkPage(watched, '/search', { lang: 'ja', axe: false });

        await page.locator('#q').fill('防災');
        await Promise.all([page.waitForEvent('load'), page.locator('#q').press('Enter')]);
        const url = new URL(page.url());
        assert.equal(url.pathname, '/search');
        assert.equal(url.searchParams.get('q'), '防災');
        await checkCurrentPage(watched, { lang: 'ja', axe: false });
        await searchResults('防災')(page);

        await page.locator('#q').fill('');
        await Promise.all([
          page.waitForEvent('load'),
          page.getByRole('button', { name: '検索', exact: true }).click(),
        ]);
        await checkCurrentPage(watched, { lang: 'ja', axe: false, status: 400 });
        await searchError(page);
      });
    });
  });

  describe('small screens and zoom', () => {
    for (const url of ['/', '/plan/1/1', '/plan/cross-cutting']) {
      test(`320px wide: no horizontal page scroll on ${url}`, async () => {
        await withPage({ viewport: { width: 320, height: 800 } }, async ({ page, errors }) => {
          await page.goto(url);
          const s = await hasHorizontalPageScroll(page);
          assert.ok(
            !s.overflow,
            `${url} at 320px: scrollWidth ${s.scrollWidth} > clientWidth ${s.clientWidth}\n${(await overflowingElements(page)).join('\n')}`,
          );
          if (url === '/plan/cross-cutting') {
            // The matrix scrolls inside its own keyboard-reachable region instead.
            const region = page.locator('.table-scroll');
            assert.equal(await region.getAttribute('tabindex'), '0');
            const box = await region.evaluate((el) => ({ right: el.getBoundingClientRect().right }));
            assert.ok(box.right <= s.clientWidth + 1, 'the scroll region fits the screen');
          }
          assert.deepEqual(errors, []);
        });
      });
    }

    for (const url of ['/', '/plan/1/1', '/plan/cross-cutting']) {
      test(`200% text (640px wide, root font 200%): no horizontal page scroll on ${url}`, async () => {
        await withPage({ viewport: { width: 640, height: 900 } }, async ({ page, errors }) => {
          await page.goto(url);
          await page.evaluate(() => {
            document.documentElement.style.fontSize = '200%';
          });
          const s = await hasHorizontalPageScroll(page);
          assert.ok(
            !s.overflow,
            `${url} at 200%: scrollWidth ${s.scrollWidth} > clientWidth ${s.clientWidth}\n${(await overflowingElements(page)).join('\n')}`,
          );
          assert.deepEqual(errors, []);
        });
      });
    }
  });

  test('keyboard: Tab from the top of the top page to the first measure, Enter opens it', async () => {
    await withPage({}, async ({ page, errors }) => {
      await page.goto('/');
      const target = await page.locator('.measure-links a').first().getAttribute('href');
      assert.equal(target, '/plan/1/1');
      let reached = false;
      for (let i = 0; i < 50 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(
          (href) =>
            document.activeElement?.getAttribute('href') === href &&
            !!document.activeElement.closest('.measure-links'),
          target,
        );
      }
      assert.ok(reached, 'the first measure link is reachable with Tab');
      const outline = await page.evaluate(
        () => getComputedStyle(document.activeElement as Element).outlineStyle,
      );
      assert.notEqual(outline, 'none', 'the focused link shows a focus indicator');
      await Promise.all([page.waitForURL('**/plan/1/1'), page.keyboard.press('Enter')]);
      assert.equal(await textOf(page.locator('h1')), '1 新たな地域づくり');
      assert.deepEqual(errors, []);
    });
  });

  test('content: the vision, the three 重点施策, the nine measures and the three cross-cutting measures', async () => {
    await withPage({}, async ({ page, errors }) => {
      await page.goto('/');
      const main = page.locator('main');
      const text = await textOf(main);
      assert.match(text, /活力と笑顔あふれるまち/);
      for (const policy of ['地域を創る', 'ひとを創る', 'まちの価値を創る']) {
        assert.equal(await main.locator('.card h3', { hasText: policy }).count(), 1, `重点施策 ${policy}`);
      }
      const measures = [
        '新たな地域づくり',
        '災害に強いまちづくり',
        '子育て支援の充実',
        '学校教育の推進・小中高大の教育連携',
        '「協創によるまちづくり」の担い手づくり',
        '移住・定住・交流の促進',
        '文化・スポーツの振興',
        '官民連携（PPP）の推進',
        '地域経済の活力増進',
      ];
      const links = await main.locator('.measure-links a').allInnerTexts();
      assert.equal(links.length, 9, 'nine measure links');
      for (const m of measures) {
        assert.ok(
          links.some((l) => l.endsWith(m)),
          `measure 「${m}」 on the top page`,
        );
      }
      const cross = await main.locator('.cross-list a').allInnerTexts();
      assert.deepEqual(cross, ['デジタル化の推進', '山口東京理科大学との連携', 'スマイルエイジングの推進']);
      assert.deepEqual(errors, []);
    });
  });

  test('print: a measure page hides the navigation and makes an A4 PDF', async () => {
    await withPage({}, async ({ page, errors }) => {
      await page.goto('/plan/1/1');
      await page.emulateMedia({ media: 'print' });
      const display = (selector: string) =>
        page
          .locator(selector)
          .first()
          .evaluate((el) => getComputedStyle(el).display);
      for (const hidden of ['.main-nav', '.lang-switch', '.breadcrumbs', '.pager', '.skip-link']) {
        assert.equal(await display(hidden), 'none', `${hidden} is hidden in print`);
      }
      const navs = await page.locator('nav').evaluateAll((ns) => ns.map((n) => getComputedStyle(n).display));
      assert.ok(navs.length >= 4 && navs.every((d) => d === 'none'), `every nav is hidden in print: ${navs}`);
      assert.notEqual(await display('main'), 'none', 'the content is printed');
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
      assert.ok(pdf.length > 10 * 1024, `PDF of ${pdf.length} bytes`);
      fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
      fs.writeFileSync(path.join(ROOT, 'test-results', 'measure-1-1.pdf'), pdf);
      assert.deepEqual(errors, []);
    });
  });

  test('screenshots of the top page at 1280px and 375px', async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    for (const width of [1280, 375]) {
      await withPage({ viewport: { width, height: 900 } }, async ({ page, errors }) => {
        await page.goto('/');
        const file = path.join(SCREENSHOTS, `top-${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        assert.ok(fs.statSync(file).size > 10 * 1024, `${file} was written`);
        assert.deepEqual(errors, []);
      });
    }
  });
});
