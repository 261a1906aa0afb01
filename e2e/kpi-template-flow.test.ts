/**
 * The acceptance test of the upload (issue #5): a department editor signs in through the browser, downloads
 * the .xlsx template through the page, fills two values in it programmatically (ExcelJS), uploads it
 * through the page, waits for the import to finish, and sees the two new values on the public dashboard
 * (and on the staff page of each indicator's actuals).
 * Run: node --import tsx --test e2e/kpi-template-flow.test.ts
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext } from 'playwright-core';
import { DATA_SHEET, TEMPLATE_COLUMNS } from '../src/modules/kpi/spreadsheet.ts';
import { buildTestApp } from '../test/support/app.ts';
import { createTestDb, type TestDb } from '../test/support/db.ts';
import { buildIndicator, buildKpiFixture, type KpiFixture } from '../test/support/kpi.ts';
import { buildDepartment, buildStaff, type TestStaff } from '../test/support/staff.ts';
import { launchBrowser, newContext, openPage, textOf, type WatchedPage } from './support/browser.ts';
import { signInThroughBrowser, TestClock } from './support/staff.ts';

const col = (key: string) => TEMPLATE_COLUMNS.findIndex((c) => c.key === key) + 1;

describe('template → fill in → upload → dashboard (Chromium)', () => {
  const clock = new TestClock(new Date('2026-11-26T01:00:00.000Z'));
  let db: TestDb;
  let app: FastifyInstance;
  let browser: Browser;
  let baseURL: string;
  let editor: TestStaff;
  let kpi: KpiFixture;
  let second: number;
  let e: WatchedPage;
  const contexts: BrowserContext[] = [];

  before(async () => {
    db = await createTestDb('sqlite');
    app = await buildTestApp(db, { clock: clock.now });
    const dept = await buildDepartment(db, '市民活動推進課');
    const plan = await db.kysely.selectFrom('plans').select('id').executeTakeFirstOrThrow();
    await db.kysely
      .insertInto('measure_departments')
      .values({
        municipality_code: '352161',
        plan_id: plan.id,
        node_path: '1/1',
        department_id: dept,
        role: 'lead',
      })
      .execute();
    editor = await buildStaff(db, 'editor', [dept]);
    kpi = await buildKpiFixture(db);
    second = await buildIndicator(db, {
      nodePath: '1/1',
      name: '地域の担い手養成講座の受講者数',
      unit: '人',
      baselineValue: 100,
      targetValue: 400,
    });
    baseURL = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
    const context = await newContext(browser, baseURL, { acceptDownloads: true });
    contexts.push(context);
    e = await openPage(context);
  });

  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
    await db?.drop();
  });

  test('the editor’s two new values reach the dashboard', async () => {
    const { page } = e;
    await signInThroughBrowser(page, editor, clock);
    await page.goto('/staff/kpi/upload');

    // download the template through the page
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Excel 形式（.xlsx）をダウンロード' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /\.xlsx$/, 'an .xlsx');
    const path = await download.path();
    assert.ok(path, 'downloaded');

    // fill two values programmatically
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(fs.readFileSync(path) as never);
    const ws = wb.getWorksheet(DATA_SHEET);
    assert.ok(ws, 'the data sheet');
    const rowOf = (id: number) => {
      for (let r = 2; r <= ws.rowCount; r++) if (ws.getCell(r, col('id')).value === id) return r;
      throw new Error(`no row for indicator ${id}`);
    };
    assert.equal(ws.getCell(rowOf(kpi.indicatorId), col('fy')).value, 2025, 'the previous fiscal year');
    ws.getCell(rowOf(kpi.indicatorId), col('value')).value = 4321;
    ws.getCell(rowOf(kpi.indicatorId), col('status')).value = '確定';
    ws.getCell(rowOf(second), col('value')).value = 8765;
    ws.getCell(rowOf(second), col('status')).value = '速報';
    const filled = Buffer.from(await wb.xlsx.writeBuffer());

    // upload it through the page
    await page.locator('#file').setInputFiles({
      name: '実績値_令和7年度.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: filled,
    });
    await page.getByRole('button', { name: 'アップロードして確認する' }).click();
    await page.waitForURL(/\/staff\/kpi\/imports\/\d+$/);
    await page.waitForSelector('[data-state="done"]', { timeout: 15_000 });
    await page.reload();
    assert.match(await textOf(page.locator('main')), /2件の実績値を登録しました/, 'two values written');

    // the staff page of each indicator's actuals
    for (const [id, shown] of [
      [kpi.indicatorId, '4,321'],
      [second, '8,765'],
    ] as const) {
      const res = await page.goto(`/staff/kpi/indicators/${id}/actuals`);
      assert.equal(res?.status(), 200, `the actuals page of ${id}`);
      assert.ok(
        (await textOf(page.locator('main'))).includes(shown),
        `${shown} on the actuals page of ${id}`,
      );
    }

    // the public dashboard
    const dash = await page.goto('/dashboard');
    assert.equal(dash?.status(), 200, 'the dashboard');
    const main = await textOf(page.locator('main'));
    assert.ok(main.includes('4,321'), 'the first new value is on the dashboard');
    assert.ok(main.includes('8,765'), 'the second new value is on the dashboard');
  });
});
