/**
 * Public comment from end to end, in Debian's Chromium, the way the city runs it: a planner opens a
 * consultation on the Sanyo-Onoda draft; citizens comment on the web (one with a canary name and address);
 * the planner enters a paper opinion; triage; Kyoso suggests a group and the planner accepts it; the
 * department drafts answers, the planning division returns one and approves both; after the closing time
 * the result is published as HTML, a print page, CSV and .xlsx (read back). Every page of the flow passes
 * axe (WCAG 2.1 AA), and the canary never appears in a public page, an export, the API or a log line.
 * Run: node --import tsx --test e2e/consultation-flow.test.ts
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build } from '../src/app.ts';
import { seedIfEmpty } from '../src/bootstrap.ts';
import { testConfig } from '../test/support/app.ts';
import { nodeIdAt } from '../test/support/consultation.ts';
import { createTestDb, type TestDb } from '../test/support/db.ts';
import { buildDepartment, buildStaff, type TestStaff } from '../test/support/staff.ts';
import {
  checkCurrentPage,
  checkPage,
  launchBrowser,
  newContext,
  openPage,
  textOf,
  type WatchedPage,
} from './support/browser.ts';
import { signInThroughBrowser, submit, TestClock } from './support/staff.ts';

const TITLE = '中期基本計画 重点プロジェクト（案）への意見募集';
/** Personal data that must never be published: the web submitter's and the paper submitter's. */
const CANARY = {
  name: '鳥籠 カナリアQZW',
  address: '山陽小野田市架空町QZW九番地',
  email: 'canary.qzw@example.jp',
  phone: '090-9999-0042',
};
const PAPER_CANARY = { name: '郵便 カナリアPXV', address: '山陽小野田市紙町PXV一番地' };
const CANARIES = ['カナリアQZW', '架空町QZW', 'canary.qzw', '090-9999-0042', 'カナリアPXV', '紙町PXV'];

const PARK = '子育て世代が安心して遊べるよう、市内の公園の遊具と日陰を増やしてほしい。';
const PARK_2 = '子育て世代が安心して遊べるように、市内の公園の遊具と日陰を増やしてください。';
const PARK_PAPER = '子育て世代が安心して遊べるよう、市内の公園の遊具と日陰をもっと増やしてほしい。';
const WHOLE = '計画全体について、協創の進め方を市民にわかりやすく示してほしい。';

describe('public comment from end to end in Chromium', () => {
  let db: TestDb;
  let app: FastifyInstance;
  let browser: Browser;
  let baseURL = '';
  const clock = new TestClock(new Date('2026-11-20T01:00:00.000Z'));
  const contexts: BrowserContext[] = [];
  const logLines: string[] = [];
  /** Everything the public can read: page HTML, exports, API answers. */
  const publicTexts: Array<{ where: string; text: string }> = [];
  let planner: TestStaff;
  let editor: TestStaff;
  let p: WatchedPage;
  let hub = '';
  let consultationId = 0;
  let node11 = 0;

  async function fresh(): Promise<WatchedPage> {
    const context = await newContext(browser, baseURL);
    contexts.push(context);
    return openPage(context);
  }
  async function signedIn(staff: TestStaff): Promise<WatchedPage> {
    const w = await fresh();
    await signInThroughBrowser(w.page, staff, clock);
    return w;
  }
  /** Checks a public page and keeps its HTML for the canary search. */
  async function publicPage(w: WatchedPage, url: string, status = 200): Promise<void> {
    await checkPage(w, url, { status });
    publicTexts.push({ where: url, text: await w.page.content() });
  }
  /** Clicks the button and returns the status; an error summary, if any, goes into the failure message. */
  const click = async (page: Page, name: string | RegExp): Promise<number> => {
    const status = await submit(page, page.getByRole('button', { name }));
    if (status >= 400) {
      const summary = page.locator('.error-summary');
      const why = (await summary.count())
        ? await textOf(summary)
        : (await textOf(page.locator('main'))).slice(0, 300);
      return Promise.reject(new Error(`${String(name)} answered ${status}: ${why}`));
    }
    return status;
  };

  before(async () => {
    db = await createTestDb('sqlite');
    const config = testConfig({ logLevel: 'debug' });
    await seedIfEmpty(db, { ...config, seed: true });
    // The app logs at debug level into memory: the canary must not be in any line.
    const stream = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    app = await build({
      config,
      db,
      logger: { level: 'debug', stream },
      rateLimitMax: 100_000,
      clock: clock.now,
    });
    await app.ready();
    const parks = await buildDepartment(db, '都市計画課');
    const plan = await db.kysely.selectFrom('plans').select('id').executeTakeFirstOrThrow();
    await db.kysely
      .insertInto('measure_departments')
      .values({
        municipality_code: '352161',
        plan_id: plan.id,
        node_path: '1/1',
        department_id: parks,
        role: 'lead',
      })
      .execute();
    planner = await buildStaff(db, 'planner', [await buildDepartment(db, '企画課')]);
    editor = await buildStaff(db, 'editor', [parks]);
    baseURL = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
    p = await signedIn(planner);
  });
  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
    await db?.drop();
  });

  test('the planner opens a consultation on the draft', async () => {
    await checkPage(p, '/staff/consultations/new');
    const { page } = p;
    await page.locator('#title').fill(TITLE);
    await page.locator('#opensDate').fill('2026-11-20');
    await page.locator('#opensTime').fill('09:00');
    await page.locator('#closesDate').fill('2026-12-21');
    await page.locator('#closesTime').fill('00:00');
    await page.locator('#postalAddress').fill('〒756-8601 山陽小野田市日の出一丁目1番1号 企画課');
    await page.locator('#emailAddress').fill('kikaku@city.example.jp');
    assert.equal(await click(page, '作成する'), 200, 'created');
    await checkCurrentPage(p);
    hub = new URL(page.url()).pathname;
    consultationId = Number(/\/(\d+)$/.exec(hub)?.[1]);
    assert.ok(consultationId > 0, `the hub address ${hub}`);
    node11 = await nodeIdAt(db, consultationId, '1/1');
  });

  test('citizens find it from the top page and comment section by section', async () => {
    const c = await fresh();
    const { page } = c;
    await publicPage(c, '/');
    await submit(page, page.getByRole('link', { name: TITLE }));
    await checkCurrentPage(c);
    publicTexts.push({ where: 'consultation page', text: await page.content() });
    await submit(page, page.locator(`a[href="/consultations/${consultationId}/form?section=${node11}"]`));
    await checkCurrentPage(c);
    await page.locator('#name').fill(CANARY.name);
    await page.locator('#address').fill(CANARY.address);
    await page.locator('#category').check();
    await page.locator('#email').fill(CANARY.email);
    await page.locator('#phone').fill(CANARY.phone);
    await page.locator('#opinion-1').fill(PARK);
    await page.locator('#section-2').selectOption('whole');
    await page.locator('#opinion-2').fill(WHOLE);
    assert.equal(await click(page, '入力内容を確認する'), 200, 'confirmation');
    await checkCurrentPage(c);
    assert.equal(await click(page, '送信する'), 200, 'receipt');
    await checkCurrentPage(c);
    assert.match(
      await textOf(page.locator('.pc-receipt-number')),
      new RegExp(`^PC${consultationId}-\\d{6}$`),
    );
    publicTexts.push({ where: 'receipt', text: await page.content() });

    // a second citizen with a near-identical opinion, and a third who only says they agree
    for (const [name, body] of [
      ['厚狭 一郎', PARK_2],
      ['埴生 二郎', '賛成です。'],
    ] as const) {
      await page.goto(`/consultations/${consultationId}/form?section=${node11}`);
      await page.locator('#name').fill(name);
      await page.locator('#address').fill('山陽小野田市厚狭一丁目1番');
      await page.locator('#category').check();
      await page.locator('#opinion-1').fill(body);
      assert.equal(await click(page, '入力内容を確認する'), 200);
      assert.equal(await click(page, '送信する'), 200);
    }
    await publicPage(c, '/consultations');
    assert.match(await textOf(page.locator('main')), /意見数 4件/, 'the count of opinions so far');
  });

  test('the planner enters a paper opinion, then triages', async () => {
    const { page } = p;
    // the receipt mail waits in the outbox (no SMTP in tests): staff see it there
    await checkPage(p, '/staff/outbox');
    assert.ok((await textOf(page.locator('main'))).includes(CANARY.email), 'the receipt mail is queued');

    await checkPage(p, `${hub}/entry`);
    await page.locator('#channel').selectOption('post');
    await page.locator('#receivedOn').fill('2026-11-20');
    await page.locator('#name').fill(PAPER_CANARY.name);
    await page.locator('#address').fill(PAPER_CANARY.address);
    await page.locator('#category').selectOption('resident');
    await page.locator('#section-1').selectOption(String(node11));
    await page.locator('#opinion-1').fill(PARK_PAPER);
    assert.equal(await click(page, '入力する'), 200, 'entered');
    await checkCurrentPage(p);

    await checkPage(p, `${hub}/opinions`);
    const ids = await page
      .locator('tbody input[name="ids"]')
      .evaluateAll((els) => els.map((e) => Number((e as HTMLInputElement).value)));
    assert.equal(ids.length, 5, 'five opinions: four on the web, one on paper');
    const stanceOnly = await page
      .locator('tbody tr', { hasText: '賛成です。' })
      .locator('input')
      .getAttribute('value');
    for (const id of ids) if (String(id) !== stanceOnly) await page.locator(`#sel-${id}`).check();
    assert.equal(await click(page, '対象にする'), 200, 'bulk accept');
    await checkCurrentPage(p);

    await checkPage(p, `${hub}/opinions/${stanceOnly}`);
    await page.locator('#reason').selectOption('stance_only');
    assert.equal(
      await submit(page, page.getByRole('button', { name: '対象外にする' }).last()),
      200,
      'excluded',
    );
    await checkCurrentPage(p);
  });

  test('Kyoso suggests grouping the three park opinions; the planner accepts and summarises', async () => {
    const { page } = p;
    await checkPage(p, `${hub}/suggestions`);
    assert.equal(await click(page, 'グループ案を今すぐ作成する'), 200, 'suggestions made');
    await checkCurrentPage(p);
    const first = page.locator('.pcg-suggestion, article, section').filter({ hasText: PARK_PAPER }).first();
    for (const text of [PARK, PARK_2, PARK_PAPER])
      assert.ok((await textOf(first)).includes(text), `the suggestion holds 「${text.slice(0, 12)}…」`);
    assert.equal(await submit(page, first.getByRole('button', { name: '選んだ意見で採用する' })), 200);
    await checkCurrentPage(p);

    await checkPage(p, `${hub}/groups`);
    assert.equal(await submit(page, page.getByRole('button', { name: /を単独で回答する$/ }).first()), 200);
    await checkCurrentPage(p);
    // the park group (three members, on measure 1/1) and the whole-plan group of one
    await checkPage(p, `${hub}/groups`);
    const groupRows = page.locator('table').first().locator('tbody tr');
    assert.equal(await groupRows.count(), 2, 'two groups');
    for (const [which, summary] of [
      [groupRows.filter({ hasNotText: '計画全体' }), '公園の遊具と日陰を増やしてほしい（同趣旨3件）'],
      [groupRows.filter({ hasText: '計画全体' }), '協創の進め方をわかりやすく示してほしい'],
    ] as const) {
      await page.goto(`${hub}/groups`);
      const href = await which
        .locator(`a[href^="${hub}/groups/"]:not([href$="/answer"])`)
        .getAttribute('href');
      assert.ok(href, 'a link to the group');
      await checkPage(p, href);
      await page.getByLabel('意見の概要').fill(summary);
      assert.equal(await click(page, '保存する'), 200, 'summary saved');
      await checkCurrentPage(p);
    }
  });

  test('the department drafts, the planning division returns, then approves', async () => {
    const e = await signedIn(editor);
    await checkPage(e, `${hub}/answers`);
    const parkAnswer = await e.page
      .locator('tbody tr', { hasText: '公園の遊具' })
      .locator('a[href$="/answer"]')
      .first()
      .getAttribute('href');
    assert.ok(parkAnswer, 'the editor reaches the park group’s answer');
    await checkPage(e, parkAnswer);
    await e.page.getByLabel('市の考え方').fill('ご意見を踏まえ、施策に公園の日陰づくりを加えます。');
    await e.page.getByLabel('反映する').check();
    await e.page.getByLabel('案の修正内容').fill('施策「1」の本文に「木陰のある公園づくり」を加えます。');
    assert.equal(await click(e.page, '下書きを保存する'), 200, 'draft saved');
    await checkCurrentPage(e);
    assert.equal(await click(e.page, '承認を依頼する'), 200, 'submitted');
    await checkCurrentPage(e);

    // the whole-plan group has no department: the planner answers it
    await checkPage(p, `${hub}/answers`);
    const wholeAnswer = await p.page
      .locator('tbody tr', { hasText: '協創の進め方' })
      .locator('a[href$="/answer"]')
      .first()
      .getAttribute('href');
    assert.ok(wholeAnswer, 'the whole-plan group’s answer');
    await checkPage(p, wholeAnswer);
    await p.page.getByLabel('市の考え方').fill('協創の進め方は、計画の推進の中でお示しします。');
    await p.page.getByLabel('今後の参考とする').check();
    assert.equal(await click(p.page, '下書きを保存する'), 200);
    assert.equal(await click(p.page, '承認を依頼する'), 200);

    await checkPage(p, parkAnswer);
    await p.page.getByLabel('差し戻しの理由').fill('修正箇所を具体的に書いてください。');
    assert.equal(await click(p.page, '差し戻す'), 200, 'returned');
    await checkCurrentPage(p);

    await checkPage(e, parkAnswer);
    assert.ok((await textOf(e.page.locator('main'))).includes('修正箇所を具体的に書いてください。'));
    await e.page
      .getByLabel('案の修正内容')
      .fill('施策「地域拠点の整備」の本文に「木陰のある公園づくり」を加えます。');
    assert.equal(await click(e.page, '承認を依頼する'), 200, 'submitted again');

    for (const url of [parkAnswer, wholeAnswer]) {
      await checkPage(p, url);
      assert.equal(await click(p.page, '承認する'), 200, `approved ${url}`);
      await checkCurrentPage(p);
    }
  });

  test('after the closing time the planner publishes; the result reads as HTML, print, CSV and xlsx', async () => {
    clock.advance(40 * 24 * 3600 * 1000); // well past 2026-12-21; the planner signs in again
    p = await signedIn(planner);
    await checkPage(p, `${hub}/publish`);
    assert.equal(await click(p.page, '結果を公表する'), 200, 'published');
    await checkCurrentPage(p);

    const c = await fresh();
    await publicPage(c, `/consultations/${consultationId}/result`);
    const main = await textOf(c.page.locator('main'));
    assert.match(main, /提出者数\s*4/, 'four submitters (three on the web, one on paper)');
    assert.match(main, /意見数\s*5/, 'five opinions');
    assert.match(main, /反映数\s*3/, 'three opinions reflected (the park group)');
    for (const s of ['公園の遊具と日陰を増やしてほしい（同趣旨3件）', 'ご意見を踏まえ', '今後の参考とする'])
      assert.ok(main.includes(s), `the table shows 「${s}」`);
    await publicPage(c, `/consultations/${consultationId}/result/print`);
    await publicPage(c, `/consultations/${consultationId}`);
    await publicPage(c, '/consultations');

    const csv = await c.page.request.get(`/consultations/${consultationId}/result.csv`);
    assert.equal(csv.status(), 200);
    const csvBytes = await csv.body();
    assert.deepEqual([...csvBytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'CSV starts with the UTF-8 BOM');
    const csvText = csvBytes.toString('utf8');
    assert.ok(csvText.includes('公園の遊具と日陰を増やしてほしい（同趣旨3件）'), 'CSV holds the summary');
    publicTexts.push({ where: 'result.csv', text: csvText });

    const xlsx = await c.page.request.get(`/consultations/${consultationId}/result.xlsx`);
    assert.equal(xlsx.status(), 200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await xlsx.body()) as unknown as ArrayBuffer);
    const cells: string[] = [];
    wb.eachSheet((sheet) =>
      sheet.eachRow((row) =>
        row.eachCell((cell) => {
          cells.push(String(cell.text ?? ''));
        }),
      ),
    );
    const xlsxText = cells.join('\n');
    assert.ok(
      xlsxText.includes('公園の遊具と日陰を増やしてほしい（同趣旨3件）'),
      'xlsx read back holds the summary',
    );
    assert.ok(xlsxText.includes('反映する'), 'and the 反映区分');
    publicTexts.push({ where: 'result.xlsx', text: xlsxText });

    for (const url of [
      '/api/consultations',
      `/api/consultations/${consultationId}`,
      `/api/consultations/${consultationId}/result`,
    ]) {
      const r = await c.page.request.get(url);
      assert.equal(r.status(), 200, url);
      publicTexts.push({ where: url, text: await r.text() });
    }
  });

  test('the canary name, address, e-mail and phone are nowhere public and in no log line', () => {
    assert.ok(publicTexts.length >= 10, `public texts collected: ${publicTexts.length}`);
    assert.ok(logLines.length > 50, `log lines captured: ${logLines.length}`);
    const leaks: string[] = [];
    for (const { where, text } of publicTexts)
      for (const c of CANARIES) if (text.includes(c)) leaks.push(`${c} in ${where}`);
    for (const [i, line] of logLines.entries())
      for (const c of CANARIES)
        if (line.includes(c)) leaks.push(`${c} in log line ${i}: ${line.slice(0, 200)}`);
    assert.deepEqual(leaks, []);
  });
});
