/**
 * The answers and the published result in a real browser (Debian's Chromium), with axe (WCAG 2.1 AA),
 * structure and no console errors on every page: the answers list, the answer page in each state
 * (unanswered, drafted, submitted, returned, approved) and its error states, the publish page before and
 * after it is ready, and the public result, its printable page and its 404. Run:
 * node --import tsx --test e2e/consultation-answers.test.ts
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import {
  AFTER,
  type AnswersScenario,
  buildAnswersScenario,
  CANARY,
  CANARY_OPINION,
  command,
} from '../test/support/consultation-answers.ts';
import type { TestStaff } from '../test/support/staff.ts';
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

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

describe('answers and the published result in Chromium', () => {
  let sc: AnswersScenario;
  let browser: Browser;
  let baseURL = '';
  const clock = new TestClock(new Date(AFTER));
  const contexts: BrowserContext[] = [];
  let e: WatchedPage;
  let p: WatchedPage;
  let base = '';
  let answerUrl = '';

  async function signedIn(staff: TestStaff): Promise<WatchedPage> {
    const context = await newContext(browser, baseURL);
    contexts.push(context);
    const w = await openPage(context);
    await signInThroughBrowser(w.page, staff, clock);
    return w;
  }

  before(async () => {
    sc = await buildAnswersScenario('sqlite', { clock: clock.now });
    baseURL = await sc.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
    e = await signedIn(sc.editor);
    p = await signedIn(sc.planner);
    base = `/staff/consultations/${sc.consultationId}`;
    answerUrl = `${base}/groups/${sc.groups.disaster}/answer`;
  });

  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await sc?.close();
  });

  test('the answers list', async () => {
    await checkPage(e, `${base}/answers`);
    assert.match(await textOf(e.page.locator('caption')), /回答するグループ（3件）/);
    await e.page.locator('#mine').check();
    assert.equal(await submit(e.page, e.page.getByRole('button', { name: '絞り込む' })), 200);
    await checkCurrentPage(e);
    assert.match(await textOf(e.page.locator('caption')), /（2件）/);
  });

  test('the answer page: unanswered, drafted, the submit error, submitted', async () => {
    await checkPage(e, answerUrl);
    const main = await textOf(e.page.locator('main'));
    assert.match(main, /未回答/);
    assert.ok(main.includes(CANARY_OPINION), 'the opinion’s text is shown to staff');
    assert.ok(!main.includes(CANARY.name) && !main.includes(CANARY.address), 'never who wrote it');
    await e.page.getByLabel('市の考え方').fill('防災メールでも届けます。');
    await e.page.getByLabel('反映する').check();
    assert.equal(await submit(e.page, e.page.getByRole('button', { name: '下書きを保存する' })), 200);
    await checkCurrentPage(e);
    assert.match(await textOf(e.page.locator('.notice')), /下書きを保存しました。/);

    assert.equal(await submit(e.page, e.page.getByRole('button', { name: '承認を依頼する' })), 400);
    await checkCurrentPage(e, { status: 400 });
    assert.match(await assertErrorState(e.page, ['draftChange']), /案の修正内容を入力してください/);
    assert.equal(await e.page.locator('#draftChange').getAttribute('aria-invalid'), 'true');
    assert.equal(await e.page.getByLabel('市の考え方').inputValue(), '防災メールでも届けます。', 'kept');
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await e.page.screenshot({
      path: path.join(SCREENSHOTS, 'consultation-answer-error.png'),
      fullPage: true,
    });

    await e.page.getByLabel('案の修正内容').fill('施策2に「多様な手段による防災情報の伝達」を加えます。');
    assert.equal(await submit(e.page, e.page.getByRole('button', { name: '承認を依頼する' })), 200);
    await checkCurrentPage(e);
    assert.match(await textOf(e.page.locator('main')), /承認待ち/);
  });

  test('the planner: the return error, returned, resubmitted, approved', async () => {
    await checkPage(p, answerUrl);
    assert.equal(await submit(p.page, p.page.getByRole('button', { name: '差し戻す' })), 400);
    await checkCurrentPage(p, { status: 400 });
    assert.match(await assertErrorState(p.page, ['remark']), /差し戻しの理由を入力してください/);
    await p.page.getByLabel('差し戻しの理由').fill('防災アプリのことも書いてください。');
    assert.equal(await submit(p.page, p.page.getByRole('button', { name: '差し戻す' })), 200);
    await checkCurrentPage(p);

    await checkPage(e, answerUrl);
    assert.match(await textOf(e.page.locator('main')), /防災アプリのことも書いてください。/);
    await e.page
      .getByLabel('市の考え方')
      .fill('防災行政無線に加え、防災メールとアプリで同じ情報を届けます。');
    assert.equal(await submit(e.page, e.page.getByRole('button', { name: '承認を依頼する' })), 200);

    // a stale page: the planner's form was made before the resubmission
    await checkPage(p, answerUrl);
    // meanwhile, another planner returns it and the department sends it again
    const returned = await command(sc, sc.planner, sc.groups.disaster, 'return', { remark: '確認します。' });
    assert.equal(returned.status, 'ok', 'returned in the meantime');
    const resent = await command(sc, sc.editor, sc.groups.disaster, 'submit', {
      answer: '別の画面で送った文章',
      reflection: 'reflect',
      draftChange: '施策2に追記します。',
    });
    assert.equal(resent.status, 'ok', 'sent again in the meantime');
    assert.equal(await submit(p.page, p.page.getByRole('button', { name: '承認する' })), 409);
    await checkCurrentPage(p, { status: 409 });
    assert.match(await assertErrorState(p.page, ['answer-h']), /ほかの人がこの回答を先に更新しました/);
    await command(sc, sc.editor, sc.groups.disaster, 'submit', {
      answer: '防災行政無線に加え、防災メールとアプリで同じ情報を届けます。',
      reflection: 'reflect',
      draftChange: '施策2に「多様な手段による防災情報の伝達」を加えます。',
    });
    await checkPage(p, answerUrl);
    assert.equal(await submit(p.page, p.page.getByRole('button', { name: '承認する' })), 200);
    await checkCurrentPage(p);
    assert.match(await textOf(p.page.locator('main')), /承認済み/);
  });

  test('the publish page: not ready, ready with its preview, published', async () => {
    await checkPage(p, `${base}/publish`);
    assert.match(await textOf(p.page.locator('#readiness')), /回答が承認されていないグループが2件あります/);
    for (const [g, who] of [
      [sc.groups.area, sc.editorOther],
      [sc.groups.whole, sc.editor],
    ] as const) {
      const body = { answer: `グループ${g}への市の考え方です。`, reflection: 'future' };
      for (const [cmd, by] of [
        ['saveDraft', who],
        ['submit', who],
        ['approve', sc.planner],
      ] as const)
        assert.equal((await command(sc, by, g, cmd, body)).status, 'ok', `${cmd} ${g}`);
    }
    await checkPage(p, `${base}/publish`);
    assert.match(await textOf(p.page.locator('#readiness-h')), /公表できます。/);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await p.page.screenshot({ path: path.join(SCREENSHOTS, 'consultation-publish.png'), fullPage: true });
    assert.equal(await submit(p.page, p.page.getByRole('button', { name: '結果を公表する' })), 200);
    await checkCurrentPage(p);
    assert.match(await textOf(p.page.locator('.notice')), /第1版として公表しました。/);
    // the correction form: its error state
    assert.equal(await submit(p.page, p.page.getByRole('button', { name: /訂正した結果を公表する/ })), 400);
    await checkCurrentPage(p, { status: 400 });
    assert.match(await assertErrorState(p.page, ['correctionNote']), /訂正の理由を入力してください。/);
  });

  test('the public result, its printable page, and the 404 of an unpublished one', async () => {
    const context = await newContext(browser, baseURL);
    contexts.push(context);
    const v = await openPage(context);
    await checkPage(v, `/consultations/${sc.consultationId}/result`);
    const table = v.page.locator('table.pc-result__table');
    assert.match(await textOf(table.locator('caption')), /意見の概要と市の考え方（3項目）/);
    assert.equal(await table.locator('th[scope="col"]').count(), 7, 'column headers');
    assert.equal(await table.locator('tbody th[scope="row"]').count(), 3, 'row headers');
    const main = await textOf(v.page.locator('main'));
    for (const s of [...Object.values(CANARY), CANARY_OPINION])
      assert.ok(!main.includes(s), `no ${s} on the public page`);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await v.page.screenshot({ path: path.join(SCREENSHOTS, 'consultation-result.png'), fullPage: true });

    await checkPage(v, `/consultations/${sc.consultationId}/result/print`);
    await v.page.emulateMedia({ media: 'print' });
    assert.equal(await v.page.locator('.main-nav').isVisible(), false, 'no menu when printed');
    const pdf = await v.page.pdf({ format: 'A4' });
    assert.ok(pdf.length > 1000, 'prints to A4');
    await v.page.emulateMedia({ media: 'screen' });

    const other = (
      await sc.db.kysely
        .insertInto('consultations')
        .values({
          municipality_code: '352161',
          version_id: (
            await sc.db.kysely.selectFrom('consultations').select('version_id').executeTakeFirstOrThrow()
          ).version_id,
          title: '未公表の意見募集',
          eligibility: '市民',
          opens_at: '2026-10-01T00:00:00.000Z',
          closes_at: '2026-10-31T00:00:00.000Z',
          short_period_reason: null,
          created_by: null,
          created_at: AFTER,
          updated_at: AFTER,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    await checkPage(v, `/consultations/${other}/result`, { status: 404 });
    assert.match(await textOf(v.page.locator('h1')), /結果はまだ公表されていません/);
  });
});
