/**
 * The staff pages of indicators in a real browser (Debian's Chromium), with axe (WCAG 2.1 AA), structure
 * and no console errors, in every state: the list, the definition form (empty, with errors, created, in
 * conflict), the actuals page (empty, with errors, with values and history, after a conflict), the grade
 * rules (ok and with errors), the delete confirmation, and the measure workspace and start page that link
 * to them. Run: node --import tsx --test e2e/kpi-staff.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext } from 'playwright-core';
import { buildTestApp } from '../test/support/app.ts';
import { createTestDb, type TestDb } from '../test/support/db.ts';
import { buildIndicator, buildKpiFixture, type KpiFixture } from '../test/support/kpi.ts';
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
import { assertErrorState, signInThroughBrowser, submit, TestClock } from './support/staff.ts';

describe('staff pages of indicators in Chromium', () => {
  let db: TestDb;
  let app: FastifyInstance;
  let browser: Browser;
  let baseURL = '';
  const clock = new TestClock(new Date('2026-11-26T01:00:00.000Z'));
  const contexts: BrowserContext[] = [];
  let planner: TestStaff;
  let editor: TestStaff;
  let kpi: KpiFixture;
  let emptyId = 0;
  let e: WatchedPage;
  let p: WatchedPage;

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
    const a = await buildDepartment(db, '市民活動推進課');
    const b = await buildDepartment(db, '防災危機管理課');
    const plan = await db.kysely.selectFrom('plans').select('id').orderBy('id').executeTakeFirstOrThrow();
    await db.kysely
      .insertInto('measure_departments')
      .values([
        { municipality_code: '352161', plan_id: plan.id, node_path: '1/1', department_id: a, role: 'lead' },
        { municipality_code: '352161', plan_id: plan.id, node_path: '1/2', department_id: b, role: 'lead' },
      ])
      .execute();
    planner = await buildStaff(db, 'planner');
    editor = await buildStaff(db, 'editor', [a]);
    kpi = await buildKpiFixture(db);
    emptyId = await buildIndicator(db, { nodePath: '1/1', name: '実績のない指標' });
    browser = await launchBrowser();
    e = await signedIn(editor);
    p = await signedIn(planner);
  });

  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
    await db?.drop();
  });

  test('the start page, the measure workspace and the list', async () => {
    await checkPage(e, '/staff');
    assert.equal(
      await e.page.locator('a[href="/staff/kpi"]').count(),
      1,
      'the start page links to the indicators',
    );
    await checkPage(e, '/staff/measures/1/1');
    assert.match(await textOf(e.page.locator('main')), /地域運営組織の数/);
    assert.equal(
      await e.page.locator('a[href="/staff/kpi/indicators/new?node=1%2F1"]').count(),
      1,
      'add link',
    );
    await checkPage(e, '/staff/kpi');
    assert.match(await textOf(e.page.locator('main')), /地域運営組織の数/);
    await checkPage(e, '/staff/kpi?dept=all');
    assert.match(await textOf(e.page.locator('main')), /閲覧のみ/);
    await checkPage(p, '/staff/kpi');
  });

  test('the definition form: empty, with errors, created, read-only, in conflict', async () => {
    await checkPage(e, '/staff/kpi/indicators/new?node=1/1');
    const create = () => e.page.getByRole('button', { name: '追加する' });
    assert.equal(await submit(e.page, create()), 400);
    await checkCurrentPage(e, { status: 400 });
    const summary = await assertErrorState(e.page, [
      'name',
      'definition',
      'source',
      'direction',
      'baselineValue',
    ]);
    assert.match(summary, /指標名を入力してください/);

    await e.page.locator('#name').fill('地域の見守り活動の参加者数');
    await e.page.locator('#definition').fill('見守り活動に参加した住民の延べ人数');
    await e.page.locator('#source').fill('市民活動推進課調べ');
    await e.page.locator('#unit').fill('人');
    await e.page.getByLabel('高いほどよい').check();
    await e.page.locator('#baselineValue').fill('１，２００');
    await e.page.locator('#baselineFy').fill('2020');
    await e.page.locator('#targetValue').fill('1,000');
    await e.page.locator('#targetFy').fill('２０２５');
    assert.equal(await submit(e.page, create()), 400, 'target below the baseline for "higher is better"');
    await checkCurrentPage(e, { status: 400 });
    assert.match(await assertErrorState(e.page, ['targetValue']), /目標値は基準値以上/);
    // now the yearly targets are offered with their interpolated values
    assert.ok(
      (await e.page.locator('#yt-2022').count()) === 1,
      'an input per year between baseline and target',
    );
    await e.page.locator('#targetValue').fill('1,700');
    assert.equal(await submit(e.page, create()), 200);
    assert.match(e.page.url(), /\/staff\/kpi\/indicators\/\d+\?done=created$/);
    await checkCurrentPage(e);
    assert.match(await textOf(e.page.locator('.notice')), /追加しました/);
    assert.match(await textOf(e.page.locator('main')), /均等に割り振った値/);

    // the other department's indicator is read-only for the editor
    await checkPage(e, `/staff/kpi/indicators/${kpi.otherIndicatorId}`);
    assert.equal(await e.page.locator('#indicator-form').count(), 0);

    // conflict: the editor's form is stale after the planner saves
    await checkPage(e, `/staff/kpi/indicators/${kpi.indicatorId}`);
    await p.page.goto(`/staff/kpi/indicators/${kpi.indicatorId}`);
    await p.page.locator('#name').fill('地域運営組織の数（企画課の修正）');
    assert.equal(await submit(p.page, p.page.getByRole('button', { name: '保存する' })), 200);
    await e.page.locator('#name').fill('地域運営組織の数（担当課の修正）');
    assert.equal(await submit(e.page, e.page.getByRole('button', { name: '保存する' })), 409);
    await checkCurrentPage(e, { status: 409 });
    assert.match(await textOf(e.page.locator('.kpi-staff__conflict')), /企画課の修正/);
    assert.equal(await e.page.locator('#name').inputValue(), '地域運営組織の数（担当課の修正）');
  });

  test('the actuals page: empty, with errors, with values and history, after a conflict', async () => {
    await checkPage(e, `/staff/kpi/indicators/${emptyId}/actuals`);
    assert.match(await textOf(e.page.locator('main')), /まだ実績値の入力はありません/);
    const save = () => e.page.getByRole('button', { name: '実績値を保存する' });
    await e.page.locator('#value').fill('');
    assert.equal(await submit(e.page, save()), 400);
    await checkCurrentPage(e, { status: 400 });
    assert.match(await assertErrorState(e.page, ['value']), /実績値を入力してください/);
    await e.page.locator('#fiscalYear').selectOption('2024');
    await e.page.locator('#value').fill('１２');
    await e.page.getByLabel('確定').check();
    assert.equal(await submit(e.page, save()), 200);
    await checkCurrentPage(e);
    assert.match(await textOf(e.page.locator('.notice')), /令和6年度（2024年度）の実績値を保存しました/);
    assert.match(await textOf(e.page.locator('.kpi-staff__history')), /新規入力/);

    // conflict on the fixture's FY2023
    const url = `/staff/kpi/indicators/${kpi.indicatorId}/actuals?fy=2023`;
    await checkPage(e, url);
    await p.page.goto(url);
    await p.page.locator('#value').fill('8');
    assert.equal(await submit(p.page, p.page.getByRole('button', { name: '実績値を保存する' })), 200);
    await e.page.locator('#value').fill('９');
    assert.equal(await submit(e.page, save()), 409);
    await checkCurrentPage(e, { status: 409 });
    assert.match(await textOf(e.page.locator('.kpi-staff__conflict')), /8団体/);
    assert.equal(await e.page.locator('#value').inputValue(), '９', "the editor's own value is kept");
  });

  test('grade rules (ok and with errors) and the delete confirmation', async () => {
    await checkPage(p, '/staff/kpi/settings');
    const save = () => p.page.getByRole('button', { name: '評価の基準を保存する' });
    await p.page.locator('#grade-min-2').fill('120');
    assert.equal(await submit(p.page, save()), 400);
    await checkCurrentPage(p, { status: 400 });
    assert.match(await assertErrorState(p.page, ['grades']), /上の段階ほど大きく/);
    await p.page.locator('#grade-min-2').fill('75');
    assert.equal(await submit(p.page, save()), 200);
    await checkCurrentPage(p);
    assert.match(await textOf(p.page.locator('.notice')), /評価の基準を保存しました/);

    await checkPage(p, `/staff/kpi/indicators/${kpi.indicatorId}/delete`);
    assert.match(await textOf(p.page.locator('main')), /実績値\d+件とその変更履歴\d+件も一緒に削除/);
  });
});
