/**
 * The grouping pages of public comment in a real browser (Debian's Chromium): the suggested groups of
 * similar opinions, the list of groups and one group, for a planner (who decides) and an editor (who
 * reads), each in its empty, filled and error states, with axe (WCAG 2.1 AA), structure, no console
 * errors and no sideways scrolling at 320px. Run: node --import tsx --test e2e/consultation-grouping.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext } from 'playwright-core';
import { buildTestApp } from '../test/support/app.ts';
import { buildConsultation, buildGroup, buildSubmission, nodeIdAt } from '../test/support/consultation.ts';
import { createTestDb, type TestDb } from '../test/support/db.ts';
import { buildDepartment, buildStaff, type TestStaff } from '../test/support/staff.ts';
import {
  checkCurrentPage,
  checkPage,
  hasHorizontalPageScroll,
  launchBrowser,
  newContext,
  openPage,
  textOf,
  type WatchedPage,
} from './support/browser.ts';
import { assertErrorState, signInThroughBrowser, submit, TestClock } from './support/staff.ts';

const OPINIONS = [
  '子育て世代が住みやすいよう、公園の整備と遊具の更新を進めてほしい。',
  '子育て世代が住みやすいように、公園の整備と遊具の更新をすすめてほしいです！',
  '子育て世代が住みやすいよう公園の整備と遊具の更新を進めて欲しい',
  '防災無線が聞こえにくい地区があるので、戸別受信機を配ってください。',
  '防災無線が聞こえにくい地区があるため、戸別受信機を配布してください。',
  '図書館の開館時間を夜九時まで延ばしてほしい。',
];

describe('grouping pages of public comment in Chromium', () => {
  let db: TestDb;
  let app: FastifyInstance;
  let browser: Browser;
  let baseURL = '';
  const clock = new TestClock();
  const contexts: BrowserContext[] = [];
  let planner: TestStaff;
  let editor: TestStaff;
  let p: WatchedPage;
  let consultationId = 0;
  let emptyId = 0;
  let ids: number[] = [];

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
    browser = await launchBrowser();
    const dep = await buildDepartment(db, '子育て支援課');
    planner = await buildStaff(db, 'planner', [dep]);
    editor = await buildStaff(db, 'editor', [dep]);
    consultationId = await buildConsultation(db, { title: '重点プロジェクト（案）への意見募集' });
    emptyId = await buildConsultation(db, { title: 'まだ意見のない意見募集' });
    const node = await nodeIdAt(db, consultationId, '1/1');
    ids = [];
    for (const [i, body] of OPINIONS.entries()) {
      const s = await buildSubmission(db, consultationId, {
        opinions: [{ nodeId: i % 2 ? null : node, body }],
      });
      ids.push(s.opinionIds[0]!);
    }
    p = await signedIn(planner);
  });
  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
    await db?.drop();
  });

  test('empty states: no suggestion, no group', async () => {
    await checkPage(p, `/staff/consultations/${emptyId}/suggestions`);
    assert.ok(
      (await textOf(p.page.locator('main'))).includes('確認を待っているグループ案はありません。'),
      'empty',
    );
    await checkPage(p, `/staff/consultations/${emptyId}/groups`);
    const main = await textOf(p.page.locator('main'));
    assert.ok(main.includes('グループはまだありません。'), 'no group');
    assert.ok(main.includes('グループに入っていない対象の意見はありません。'), 'no ungrouped opinion');
  });

  test('suggestions: run, accept a part, then the error state of a suggestion grouped meanwhile', async () => {
    const url = `/staff/consultations/${consultationId}/suggestions`;
    await checkPage(p, url);
    assert.equal(
      await submit(p.page, p.page.getByRole('button', { name: 'グループ案を今すぐ作成する' })),
      200,
      'ran',
    );
    await checkCurrentPage(p);
    const main = await textOf(p.page.locator('main'));
    assert.ok(main.includes('グループ案を作成しました：2件'), 'the notice');
    assert.equal(await p.page.locator('section.grouping-suggestion').count(), 2, 'two suggestions shown');

    // the first suggestion, without its third opinion
    const first = p.page.locator('section.grouping-suggestion').first();
    await first.getByLabel(`意見${ids[2]}を選ぶ`).uncheck();
    assert.equal(
      await submit(p.page, first.getByRole('button', { name: '選んだ意見で採用する' })),
      200,
      'accepted',
    );
    await checkCurrentPage(p);
    assert.ok((await textOf(p.page.locator('.notice'))).includes('グループ案を採用し'), 'accepted notice');
    const grouped = await db.kysely
      .selectFrom('opinions')
      .select('group_id')
      .where('id', '=', ids[2]!)
      .executeTakeFirstOrThrow();
    assert.equal(grouped.group_id, null, 'the unticked opinion stayed out');

    // meanwhile someone groups an opinion of the other suggestion
    await buildGroup(db, consultationId, [ids[4]!]);
    const second = p.page.locator('section.grouping-suggestion').first();
    assert.equal(
      await submit(p.page, second.getByRole('button', { name: '選んだ意見で採用する' })),
      409,
      'refused',
    );
    const summary = await assertErrorState(p.page, []);
    assert.ok(summary.includes(`意見${ids[4]}は、すでにグループ`), `says which opinion: ${summary}`);
    await checkCurrentPage(p, { status: 409 });
    await p.page.setViewportSize({ width: 320, height: 800 });
    const scroll = await hasHorizontalPageScroll(p.page);
    assert.ok(
      !scroll.overflow,
      `no sideways scrolling at 320px (${scroll.scrollWidth} > ${scroll.clientWidth})`,
    );
    await p.page.setViewportSize({ width: 1280, height: 800 });
  });

  test('groups: filled list, answer alone, the group form with its error and saved states', async () => {
    await db.kysely.updateTable('opinions').set({ state: 'accepted' }).where('id', '=', ids[5]!).execute();
    await checkPage(p, `/staff/consultations/${consultationId}/groups`);
    const main = await textOf(p.page.locator('main'));
    assert.ok(main.includes('未回答'), 'answer state label');
    assert.equal(
      await submit(p.page, p.page.getByRole('button', { name: `意見${ids[5]}を単独で回答する` })),
      200,
      'alone',
    );
    await checkCurrentPage(p);
    assert.ok((await textOf(p.page.locator('.notice'))).includes('を作りました。'), 'created');

    await p.page.getByLabel('意見の概要').fill('あ'.repeat(1001));
    assert.equal(await submit(p.page, p.page.getByRole('button', { name: '保存する' })), 400, 'too long');
    const errors = await assertErrorState(p.page, ['summary']);
    assert.ok(errors.includes('1000文字以内'), errors);
    await checkCurrentPage(p, { status: 400 });

    await p.page.getByLabel('意見の概要').fill('図書館の開館時間の延長を求める意見');
    await p.page.getByLabel('対象の項目').selectOption({ label: '計画全体' });
    await p.page.getByLabel('担当課').selectOption({ label: '子育て支援課' });
    assert.equal(await submit(p.page, p.page.getByRole('button', { name: '保存する' })), 200, 'saved');
    await checkCurrentPage(p);
    assert.ok((await textOf(p.page.locator('.notice'))).includes('を保存しました。'), 'saved notice');
    assert.equal(
      await p.page.getByLabel('意見の概要').inputValue(),
      '図書館の開館時間の延長を求める意見',
      'kept',
    );
  });

  test('an editor reads the pages without forms', async () => {
    const e = await signedIn(editor);
    await checkPage(e, `/staff/consultations/${consultationId}/suggestions`);
    assert.equal(
      await e.page.getByRole('button', { name: 'グループ案を今すぐ作成する' }).count(),
      0,
      'no run',
    );
    await checkPage(e, `/staff/consultations/${consultationId}/groups`);
    const first = e.page.locator('table').first().locator('tbody tr th a, tbody tr td a').first();
    assert.ok((await first.count()) === 1, 'a link to a group');
    const href = (await first.getAttribute('href')) ?? '';
    await checkPage(e, href);
    assert.equal(await e.page.locator('textarea').count(), 0, 'read only');
  });
});
