import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import type { Result as AxeResult } from 'axe-core';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type LaunchOptions,
  type Locator,
  type Page,
} from 'playwright-core';

/** Debian's Chromium, headless, with nothing that reaches out to the network on its own. */
export const LAUNCH_OPTIONS: LaunchOptions = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

/** An element's text, trimmed ('' when there is none). */
export async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').trim();
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch(LAUNCH_OPTIONS);
}

/** The WCAG levels the city must meet (JIS X 8341-3:2016 AA), tested at WCAG 2.1 AA. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export type Lang = 'ja' | 'en';

/** What every <title> ends with: 「ページ名 | 山陽小野田市 総合計画ポータル」. */
export const TITLE_SUFFIX: Record<Lang, string> = {
  ja: '| 山陽小野田市 総合計画ポータル',
  en: '| 山陽小野田市 Comprehensive Plan Portal',
};

/**
 * A page that records every console error and uncaught page error. The tests assert the list is empty
 * after each check, so a CSP violation, a missing stylesheet or a script error fails the page it happened on.
 */
export interface WatchedPage {
  page: Page;
  errors: string[];
}

export async function openPage(context: BrowserContext): Promise<WatchedPage> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      errors.push(`console.error: ${msg.text()}${loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return { page, errors };
}

export function newContext(browser: Browser, baseURL: string, options: BrowserContextOptions = {}) {
  return browser.newContext({ baseURL, locale: 'ja-JP', viewport: { width: 1280, height: 900 }, ...options });
}

/** axe's violations, one readable block each: rule, impact, help, and the offending elements. */
export function formatViolations(violations: AxeResult[]): string {
  return violations
    .map((v) => {
      const targets = v.nodes.map(
        (n) =>
          `    - ${n.target.join(' ')}${n.failureSummary ? `\n      ${n.failureSummary.replace(/\n/g, '\n      ')}` : ''}`,
      );
      return `[${v.impact ?? 'n/a'}] ${v.id}: ${v.help} (${v.helpUrl})\n${targets.join('\n')}`;
    })
    .join('\n');
}

export async function assertNoAxeViolations(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  assert.equal(
    results.violations.length,
    0,
    `${label}: ${results.violations.length} axe violation(s)\n${formatViolations(results.violations)}`,
  );
}

export interface CheckOptions {
  lang?: Lang;
  /** The HTTP status the page answered with (404 page, failed search form: 400); default 200. */
  status?: number;
  /**
   * Run axe (default). axe needs the page's timers, which do not run with JavaScript disabled, so contexts
   * without script pass false; the same server-rendered pages are checked with axe in the scripted context.
   */
  axe?: boolean;
}

/** Goes to `url` and runs the structure and axe checks of {@link checkCurrentPage}. */
export async function checkPage(
  watched: WatchedPage,
  url: string,
  options: CheckOptions = {},
): Promise<void> {
  const response = await watched.page.goto(url, { waitUntil: 'load' });
  assert.ok(response, `${url}: no response`);
  assert.equal(response.status(), options.status ?? 200, `${url}: HTTP status`);
  await checkCurrentPage(watched, options);
}

/**
 * The checks every public page must pass, on the page as it is now:
 * axe (WCAG 2.1 AA) with no violations, no console or page errors, exactly one h1, headings without
 * skipped levels, the landmarks header/nav/main/footer, the skip link as the first focusable element
 * pointing at #main (and moving focus there), <html lang>, and the 「… | site」 title.
 */
export async function checkCurrentPage(watched: WatchedPage, options: CheckOptions = {}): Promise<void> {
  const { page, errors } = watched;
  const lang = options.lang ?? 'ja';
  const label = new URL(page.url()).pathname + new URL(page.url()).search;

  const status = options.status ?? 200;
  if (status >= 400) {
    // Chromium reports an error status of the document itself on the console: here, the status the page must have.
    const i = errors.findIndex((e) => e.includes(`status of ${status} `) && e.includes(`(${page.url()}:`));
    assert.ok(i >= 0, `${label}: the document should have answered ${status}`);
    errors.splice(i, 1);
  }

  // First, while nothing has been focused since the page loaded.
  await assertSkipLink(page, label);

  assert.equal(await page.locator('html').getAttribute('lang'), lang, `${label}: <html lang>`);

  const title = await page.title();
  assert.ok(
    title.endsWith(TITLE_SUFFIX[lang]),
    `${label}: title 「${title}」 should end with 「${TITLE_SUFFIX[lang]}」`,
  );
  assert.ok(title.length > TITLE_SUFFIX[lang].length + 1, `${label}: title 「${title}」 has no page name`);

  assert.equal(await page.locator('h1').count(), 1, `${label}: exactly one h1`);
  assert.ok((await textOf(page.locator('h1'))).length > 0, `${label}: the h1 is empty`);
  const levels = await page
    .locator('h1, h2, h3, h4, h5, h6')
    .evaluateAll((hs) => hs.map((h) => Number(h.tagName[1])));
  // An error summary (h2) may come before the h1, as GOV.UK and the Digital Agency place it.
  let previous = 1;
  for (const level of levels) {
    assert.ok(
      level <= previous + 1,
      `${label}: heading levels skip from h${previous} to h${level} (${levels.join(',')})`,
    );
    previous = level;
  }

  assert.equal(await page.getByRole('banner').count(), 1, `${label}: one header landmark (banner)`);
  assert.ok((await page.getByRole('navigation').count()) >= 1, `${label}: a nav landmark`);
  assert.equal(await page.getByRole('main').count(), 1, `${label}: one main landmark`);
  assert.equal(await page.getByRole('contentinfo').count(), 1, `${label}: one footer landmark (contentinfo)`);
  assert.equal(await page.locator('main#main').count(), 1, `${label}: <main id="main">`);

  if (options.axe !== false) await assertNoAxeViolations(page, label);

  assert.deepEqual(errors, [], `${label}: console or page errors`);
}

/** From the top of the page, the first Tab lands on the skip link, which targets #main; Enter moves focus there. */
async function assertSkipLink(page: Page, label: string): Promise<void> {
  const before = await page.evaluate(() => document.activeElement?.tagName.toLowerCase() ?? '');
  assert.equal(before, 'body', `${label}: nothing should have focus right after loading`);
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => {
    const el = document.activeElement;
    return {
      tag: el?.tagName.toLowerCase() ?? '',
      className: el?.getAttribute('class') ?? '',
      href: el?.getAttribute('href') ?? '',
      text: el?.textContent?.trim() ?? '',
      visible: el ? el.getBoundingClientRect().top >= 0 : false,
    };
  });
  assert.equal(focused.tag, 'a', `${label}: the first Tab should focus the skip link, got <${focused.tag}>`);
  assert.match(focused.className, /\bskip-link\b/, `${label}: the first focusable element is the skip link`);
  assert.equal(focused.href, '#main', `${label}: the skip link targets #main`);
  assert.ok(focused.text.length > 0, `${label}: the skip link has a name`);
  assert.ok(focused.visible, `${label}: the focused skip link is on screen`);
  await page.keyboard.press('Enter');
  const afterSkip = await page.evaluate(() => document.activeElement?.id ?? '');
  assert.equal(afterSkip, 'main', `${label}: following the skip link moves focus to <main id="main">`);
}

/** True when the page itself scrolls sideways (a region that scrolls inside itself does not count). */
export function hasHorizontalPageScroll(
  page: Page,
): Promise<{ scrollWidth: number; clientWidth: number; overflow: boolean }> {
  return page.evaluate(() => {
    const { scrollWidth, clientWidth } = document.documentElement;
    return { scrollWidth, clientWidth, overflow: scrollWidth > clientWidth + 1 };
  });
}

/** The elements that stick out past the right edge of the viewport, for a readable failure message. */
export function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    for (const el of document.body.querySelectorAll('*')) {
      // What a scroll region clips is fine; an absolutely positioned element may escape the clipping.
      const clipped =
        el.parentElement?.closest('.table-scroll') && getComputedStyle(el).position !== 'absolute';
      if (clipped) continue;
      const r = el.getBoundingClientRect();
      if (r.right > width + 1) {
        const cls = el.getAttribute('class');
        out.push(`<${el.tagName.toLowerCase()}${cls ? ` class="${cls}"` : ''}> right=${Math.round(r.right)}`);
      }
    }
    return out.slice(0, 15);
  });
}
