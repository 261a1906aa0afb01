/**
 * The upload pages of actuals in a real browser (Debian's Chromium) with axe (WCAG 2.1 AA), structure and
 * no console errors: the upload page (and its error state), the import progress page while running (its
 * script updates it and shows the result when done, without a click), done, and the error list.
 * Run: node --import tsx --test e2e/kpi-upload.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext } from 'playwright-core';
import { buildTestApp } from '../test/support/app.ts';
import { createTestDb, type TestDb } from '../test/support/db.ts';
import { buildKpiFixture, type KpiFixture } from '../test/support/kpi.ts';
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

const HEADER = '指標ID,重点施策・施策,指標名,単位,目標値,実績値,速報・確定,備考,年度,年度（西暦）,版';

describe('upload pages of actuals in Chromium', () => {
  const clock = new TestClock(new Date('2026-11-26T01:00:00.000Z'));
  let db: TestDb;
  let app: FastifyInstance;
  let browser: Browser;
  let baseURL: string;
  let editor: TestStaff;
  let kpi: KpiFixture;
  let deptA: number;
  let e: WatchedPage;
  const contexts: BrowserContext[] = [];

  before(async () => {
    db = await createTestDb('sqlite');
    app = await buildTestApp(db, { clock: clock.now });
    deptA = await buildDepartment(db, '市民活動推進課');
    const plan = await db.kysely.selectFrom('plans').select('id').executeTakeFirstOrThrow();
    await db.kysely
      .insertInto('measure_departments')
      .values({
        municipality_code: '352161',
        plan_id: plan.id,
        node_path: '1/1',
        department_id: deptA,
        role: 'lead',
      })
      .execute();
    editor = await buildStaff(db, 'editor', [deptA]);
    kpi = await buildKpiFixture(db);
    baseURL = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
    const context = await newContext(browser, baseURL);
    contexts.push(context);
    e = await openPage(context);
    await signInThroughBrowser(e.page, editor, clock);
  });

  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
    await db?.drop();
  });

  test('the upload page, and its error state without a file', async () => {
    await checkPage(e, '/staff/kpi/upload');
    assert.match(
      await textOf(e.page.locator('#scope-now')),
      /令和7年度（2025年度）・市民活動推進課（指標 1件）/,
    );
    assert.equal(await submit(e.page, e.page.getByRole('button', { name: 'アップロードして確認する' })), 400);
    await checkCurrentPage(e, { status: 400 });
    assert.match(await textOf(e.page.locator('.error-summary')), /アップロードするファイルを選んでください/);
    assert.equal(await e.page.locator('#file').getAttribute('aria-invalid'), 'true');
  });

  test('a file with errors: the error list with sheet, row and column', async () => {
    await e.page.goto('/staff/kpi/upload');
    const csv = `\uFEFF${HEADER}\r\n${kpi.indicatorId},,,,,約30,確定,,,2025,0\r\n99999,,,,,5,速報,,,2025,0\r\n`;
    await e.page
      .locator('#file')
      .setInputFiles({ name: '実績.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await e.page.getByRole('button', { name: 'アップロードして確認する' }).click();
    await e.page.waitForURL(/\/staff\/kpi\/imports\/\d+$/);
    await e.page.waitForSelector('[data-state="failed"]', { timeout: 10_000 });
    await e.page.reload();
    await checkCurrentPage(e);
    const table = await textOf(e.page.locator('.kpi-upload-problems'));
    assert.match(table, /2行目 F列（実績値）\s*数値ではありません（"約30"）/);
    assert.match(table, /3行目 A列（指標ID）\s*指標ID 99999 の指標はありません/);
    assert.match(await e.page.title(), /^エラー：/);
  });

  test('the progress page while running (its script shows the result when done), and done', async () => {
    const row = await db.kysely
      .insertInto('kpi_imports')
      .values({
        municipality_code: '352161',
        user_id: editor.id,
        department_id: deptA,
        file_name: '実績値_令和7年度.xlsx',
        format: 'xlsx',
        state: 'applying',
        total_rows: 5000,
        processed_rows: 1750,
        created_at: clock.now().toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await checkPage(e, `/staff/kpi/imports/${row.id}`);
    assert.equal(await e.page.locator('progress#import-progress').getAttribute('value'), '1750');
    assert.match(await textOf(e.page.locator('#import-count')), /5000行のうち1750行を処理しました/);
    assert.equal(await e.page.getByRole('link', { name: '最新の状態を表示' }).count(), 1, 'works without JS');
    // the import moves on: the script follows it, then shows the result
    await db.kysely
      .updateTable('kpi_imports')
      .set({ processed_rows: 4000 })
      .where('id', '=', row.id)
      .execute();
    await e.page.waitForFunction(
      () => (document.getElementById('import-progress') as HTMLProgressElement | null)?.value === 4000,
      undefined,
      { timeout: 10_000 },
    );
    await db.kysely
      .updateTable('kpi_imports')
      .set({
        state: 'done',
        processed_rows: 5000,
        applied_count: 4998,
        finished_at: clock.now().toISOString(),
      })
      .where('id', '=', row.id)
      .execute();
    await e.page.waitForSelector('.kpi-upload-status--done', { timeout: 10_000 });
    await e.page.reload();
    await checkCurrentPage(e);
    assert.match(await textOf(e.page.locator('main')), /4998件の実績値を登録しました/);
  });
});
