/**
 * The staff pages after sign-in, in a real browser (Debian's Chromium): administration (start page,
 * departments, staff accounts, invitations, sessions, audit log), the invitation acceptance page, the
 * plan settings of a planner with their effect on the public pages, and the 403 page — each in its
 * empty, error and filled states, with axe (WCAG 2.1 AA), structure and no console errors; the 320px
 * width of the wide tables; screenshots at 1280px. The sign-in pages themselves are covered by
 * e2e/staff-pages.test.ts. Run: node --import tsx --test e2e/staff-admin-pages.test.ts
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildTestApp } from '../test/support/app.ts';
import { createTestDb, type TestDb } from '../test/support/db.ts';
import { buildStaff, type TestStaff } from '../test/support/staff.ts';
import {
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
import { assertErrorState, signInThroughBrowser, submit, TestClock } from './support/staff.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

/** The departments the administrator creates through the form, in this order. */
const DEPARTMENTS = ['総合政策部 企画課', '市民生活部 市民活動推進課', '健康福祉部 子育て支援課'] as const;
/** A department created and then disabled (so that the lists show 停止中). */
const OLD_DEPARTMENT = '旧 まちづくり推進室';

const INVITEE = {
  email: 'shokuin.hanako@city.example.jp',
  displayName: '職員 花子',
  password: '厚狭川の鉄橋を渡る列車を見送る朝',
};
const PENDING_INVITEE = 'mikaito.jiro@city.example.jp';

/** No sideways scrolling of the page itself at the width (tables scroll inside their region). */
async function assertNoPageScrollAt(page: Page, width: number): Promise<void> {
  await page.setViewportSize({ width, height: 800 });
  const scroll = await hasHorizontalPageScroll(page);
  const label = new URL(page.url()).pathname;
  assert.ok(
    !scroll.overflow,
    `${label} at ${width}px: the page scrolls sideways (${scroll.scrollWidth} > ${scroll.clientWidth}): ${(
      await overflowingElements(page)
    ).join(', ')}`,
  );
}

/** Each element matching `selector` is at least `min` px wide and high (WCAG 2.5.8's 24px targets). */
async function assertBoxesAtLeast(page: Page, selector: string, min: number): Promise<void> {
  const boxes = await page
    .locator(selector)
    .evaluateAll((els) =>
      els.map((el) => [el.getBoundingClientRect().width, el.getBoundingClientRect().height]),
    );
  assert.ok(boxes.length > 0, `${selector}: none on the page`);
  for (const [w, h] of boxes)
    assert.ok(w! >= min && h! >= min, `${selector}: ${w}×${h}px, smaller than ${min}px`);
}

/** The narrowest cell of the page's scrolling tables: a word per line, not a letter per line. */
async function narrowestCell(page: Page): Promise<number> {
  return page
    .locator('.table-scroll :is(th, td)')
    .evaluateAll((els) => Math.min(...els.map((el) => el.getBoundingClientRect().width)));
}

async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
}

describe('staff administration pages in Chromium', () => {
  let db: TestDb;
  let app: FastifyInstance;
  let browser: Browser;
  let baseURL = '';
  const clock = new TestClock();
  const contexts: BrowserContext[] = [];

  let admin: TestStaff;
  let planner: TestStaff;
  let editor: TestStaff;
  /** The administrator's browser, signed in. */
  let a: WatchedPage;
  /** The planner's browser, signed in. */
  let p: WatchedPage;
  /** Department ids by name, as the list links to them. */
  const departmentIds = new Map<string, number>();
  /** The path of the invitation link the result page showed (the token is shown only there). */
  let invitationPath = '';

  async function browserPage(options: Parameters<typeof newContext>[2] = {}): Promise<WatchedPage> {
    const context = await newContext(browser, baseURL, options);
    contexts.push(context);
    return openPage(context);
  }

  async function signedIn(staff: TestStaff): Promise<WatchedPage> {
    const w = await browserPage();
    await signInThroughBrowser(w.page, staff, clock);
    return w;
  }

  before(async () => {
    db = await createTestDb('sqlite');
    app = await buildTestApp(db, { clock: clock.now });
    baseURL = await app.listen({ port: 0, host: '127.0.0.1' });
    // The departments are created through the form below: the staff start without any.
    admin = await buildStaff(db, 'admin');
    planner = await buildStaff(db, 'planner');
    editor = await buildStaff(db, 'editor');
    browser = await launchBrowser();
  });

  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
    await db?.drop();
  });

  describe('as an administrator', () => {
    before(async () => {
      a = await signedIn(admin);
    });

    test('the start page offers the 管理 links', async () => {
      await checkPage(a, '/staff');
      const manage = a.page.locator('section[aria-labelledby="manage-h"]');
      assert.equal(await textOf(manage.locator('h2')), '管理');
      const hrefs = await manage.locator('a').evaluateAll((as) => as.map((x) => x.getAttribute('href')));
      assert.deepEqual(hrefs, ['/staff/plan', '/staff/users', '/staff/departments', '/staff/audit']);
    });

    test('departments: the empty list, the empty form (400), then the filled list', async () => {
      await checkPage(a, '/staff/departments');
      assert.match(await textOf(a.page.locator('main')), /まだ部署が登録されていません。/);
      assert.equal(await a.page.locator('main table').count(), 0, 'no table without departments');

      const add = a.page.getByRole('button', { name: '部署を追加する' });
      assert.equal(await submit(a.page, add), 400);
      await checkCurrentPage(a, { status: 400 });
      assert.match(await assertErrorState(a.page, ['name']), /部署名を入力してください/);
      assert.equal(await a.page.locator('#name').getAttribute('aria-invalid'), 'true');

      for (const name of [...DEPARTMENTS, OLD_DEPARTMENT]) {
        await a.page.locator('#name').fill(name);
        assert.equal(await submit(a.page, a.page.getByRole('button', { name: '部署を追加する' })), 200);
        assert.match(a.page.url(), /\/staff\/departments\?done=created$/);
      }
      await checkCurrentPage(a);
      assert.match(await textOf(a.page.locator('.notice')), /部署を追加しました。/);
      const links = a.page.locator('main table tbody th a');
      assert.equal(await links.count(), 4);
      for (const link of await links.all()) {
        const id = Number(/\/staff\/departments\/(\d+)$/.exec((await link.getAttribute('href')) ?? '')?.[1]);
        departmentIds.set(await textOf(link), id);
      }

      // A name that is taken: the same form's error state with the list filled.
      await a.page.locator('#name').fill(DEPARTMENTS[0]);
      assert.equal(await submit(a.page, a.page.getByRole('button', { name: '部署を追加する' })), 400);
      await checkCurrentPage(a, { status: 400 });
      assert.match(await assertErrorState(a.page, ['name']), /すでにあります/);
    });

    test('a department: the edit form, its error state, saving, and disabling', async () => {
      const id = departmentIds.get(OLD_DEPARTMENT)!;
      await checkPage(a, `/staff/departments/${id}`);
      assert.equal(await a.page.locator('#name').inputValue(), OLD_DEPARTMENT);

      await a.page.locator('#name').fill('');
      await a.page.locator('#position').fill('一番');
      assert.equal(await submit(a.page, a.page.getByRole('button', { name: '変更を保存する' })), 400);
      await checkCurrentPage(a, { status: 400 });
      const summary = await assertErrorState(a.page, ['name', 'position']);
      assert.match(summary, /部署名を入力してください/);
      assert.match(summary, /表示順は0から9999までの数字で入力してください/);
      // The heading names the department as stored, not as typed.
      assert.match(await textOf(a.page.locator('h1')), new RegExp(OLD_DEPARTMENT));

      await a.page.locator('#name').fill(OLD_DEPARTMENT);
      await a.page.locator('#position').fill('99');
      assert.equal(await submit(a.page, a.page.getByRole('button', { name: '変更を保存する' })), 200);
      assert.match(a.page.url(), /\/staff\/departments\?done=updated$/);
      await checkCurrentPage(a);

      await a.page.goto(`/staff/departments/${id}`);
      const disable = a.page.getByRole('button', { name: 'この部署を停止する' });
      assert.equal(await submit(a.page, disable), 200);
      assert.match(a.page.url(), new RegExp(`/staff/departments/${id}\\?done=disabled$`));
      await checkCurrentPage(a);
      assert.match(await textOf(a.page.locator('.notice')), /部署を停止しました。/);
      assert.equal(await a.page.getByRole('button', { name: 'この部署を再開する' }).count(), 1);
    });

    test('inviting: the empty form, its error states, then the page with the one-time link', async () => {
      await checkPage(a, '/staff/users/invite');
      // Disabled departments are not offered.
      const boxes = a.page.locator('input[name="departmentIds"]');
      assert.equal(await boxes.count(), DEPARTMENTS.length);

      const send = () => submit(a.page, a.page.getByRole('button', { name: '招待のリンクを作成する' }));
      assert.equal(await send(), 400);
      await checkCurrentPage(a, { status: 400 });
      const summary = await assertErrorState(a.page, ['email', 'role']);
      assert.match(summary, /メールアドレスを入力してください/);
      assert.match(summary, /役割を選んでください/);

      // A department editor needs a department.
      await a.page.locator('#email').fill(INVITEE.email);
      await a.page.locator('input[name="role"][value="editor"]').check();
      assert.equal(await send(), 400);
      await checkCurrentPage(a, { status: 400 });
      assert.match(await assertErrorState(a.page, ['departmentIds']), /所属部署を1つ以上選んでください/);
      assert.equal(
        await a.page.locator('#email').inputValue(),
        INVITEE.email,
        'the form keeps what was sent',
      );

      const dept = departmentIds.get(DEPARTMENTS[2])!;
      await a.page.locator(`input[name="departmentIds"][value="${dept}"]`).check();
      assert.equal(await send(), 200);
      await checkCurrentPage(a);
      assert.equal(await textOf(a.page.locator('h1')), '招待のリンクを作成しました');
      const link = await textOf(a.page.locator('code.invitation-link'));
      assert.match(link, /\/staff\/invitations\/[\w-]{20,}$/);
      invitationPath = new URL(link).pathname;
      assert.match(await textOf(a.page.locator('dl.plan-meta')), new RegExp(DEPARTMENTS[2]));

      // A second invitation, left pending for the list.
      await a.page.goto('/staff/users/invite');
      await a.page.locator('#email').fill(PENDING_INVITEE);
      await a.page.locator('input[name="role"][value="committee"]').check();
      assert.equal(await send(), 200);
    });

    test('accepting the invitation (anonymous browser): empty, error, then the sign-in notice', async () => {
      const anon = await browserPage();
      await checkPage(anon, invitationPath);
      assert.match(await textOf(anon.page.locator('dl.plan-meta')), new RegExp(INVITEE.email));

      const register = () => submit(anon.page, anon.page.getByRole('button', { name: '登録する' }));
      assert.equal(await register(), 400);
      await checkCurrentPage(anon, { status: 400 });
      await assertErrorState(anon.page, ['displayName', 'password']);

      await anon.page.locator('#displayName').fill(INVITEE.displayName);
      await anon.page.locator('#password').fill(INVITEE.password);
      await anon.page.locator('#confirm').fill(`${INVITEE.password}。`);
      assert.equal(await register(), 400);
      await checkCurrentPage(anon, { status: 400 });
      assert.match(await assertErrorState(anon.page, ['confirm']), /同じパスワードをもう一度/);
      assert.equal(await anon.page.locator('#displayName').inputValue(), INVITEE.displayName);

      await anon.page.locator('#password').fill(INVITEE.password);
      await anon.page.locator('#confirm').fill(INVITEE.password);
      assert.equal(await register(), 200);
      assert.match(anon.page.url(), /\/staff\/sign-in\?done=invited$/);
      await checkCurrentPage(anon);
      assert.match(await textOf(anon.page.locator('.notice')), /アカウントを登録しました。/);

      // The link is used up.
      await checkPage(anon, invitationPath, { status: 410 });
    });

    test('staff accounts: the list with users and a pending invitation', async () => {
      await checkPage(a, '/staff/users');
      const users = a.page.locator('table').nth(0).locator('tbody tr');
      assert.equal(await users.count(), 4, 'admin, planner, editor and the invitee who registered');
      assert.match(await textOf(a.page.locator('table').nth(0)), /職員 花子/);
      assert.match(await textOf(a.page.locator('table').nth(0)), /2段階認証の設定前/);
      const invites = a.page.locator('section[aria-labelledby="invites-h"] table tbody tr');
      assert.equal(await invites.count(), 1);
      assert.match(await textOf(invites), new RegExp(PENDING_INVITEE));
      // The withdraw button looks like a link and reads like the text around it (not the 13px of a button).
      const size = await invites
        .getByRole('button', { name: /招待を取り消す/ })
        .evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));
      assert.ok(size >= 16, `the withdraw button's text is ${size}px`);
    });

    test('a staff account: the edit form, its error state, then saved', async () => {
      const href = `/staff/users/${editor.id}`;
      await checkPage(a, href);
      assert.equal(await a.page.locator('input[name="role"][value="editor"]').isChecked(), true);
      await assertBoxesAtLeast(a.page, 'input[name="role"], input[name="departmentIds"]', 24);

      // The factory's editor has no department: saving as it is asks for one.
      const save = () => submit(a.page, a.page.getByRole('button', { name: '変更を保存する' }));
      assert.equal(await save(), 400);
      await checkCurrentPage(a, { status: 400 });
      assert.match(await assertErrorState(a.page, ['departmentIds']), /所属部署を1つ以上選んでください/);

      await a.page
        .locator(`input[name="departmentIds"][value="${departmentIds.get(DEPARTMENTS[1])}"]`)
        .check();
      assert.equal(await save(), 200);
      assert.match(a.page.url(), new RegExp(`${href}\\?done=updated$`));
      await checkCurrentPage(a);
      assert.match(await textOf(a.page.locator('.notice')), /役割と所属部署を変更しました。/);

      // One's own account, which says so.
      await checkPage(a, `/staff/users/${admin.id}`);
      assert.match(await textOf(a.page.locator('main')), /これはあなた自身のアカウントです。/);
    });

    test('the sessions page, with a second session to end', async () => {
      await signedIn(admin);
      await checkPage(a, '/staff/sessions');
      assert.equal(await a.page.locator('.session-list > li').count(), 2);
      assert.equal(await a.page.getByRole('button', { name: 'この端末をサインアウトさせる' }).count(), 1);
    });

    test('the audit log: no filter, filtered, an invalid date (400), and the next page', async () => {
      await checkPage(a, '/staff/audit');
      const rows = a.page.locator('main table tbody tr');
      assert.ok((await rows.count()) >= 8, 'the administration above was recorded');

      const show = () => submit(a.page, a.page.getByRole('button', { name: 'この条件で表示する' }));
      await a.page.locator('#action').fill('department.');
      assert.equal(await show(), 200);
      await checkCurrentPage(a);
      assert.match(a.page.url(), /[?&]action=department\./);
      const actions = await a.page.locator('main table tbody tr > :nth-child(4) code').allTextContents();
      assert.ok(actions.length >= 5, `department actions: ${actions.join(', ')}`);
      assert.ok(
        actions.every((x) => x.startsWith('department.')),
        `only department actions: ${actions.join(', ')}`,
      );
      // The before/after of an entry, opened.
      await a.page.locator('main table tbody details summary').first().click();
      assert.equal(await a.page.locator('main table tbody details[open]').count(), 1);

      await a.page.locator('#from').fill('2026-02-30');
      assert.equal(await show(), 400);
      await checkCurrentPage(a, { status: 400 });
      assert.match(await assertErrorState(a.page, ['from']), /開始日には実在する日付を入力してください/);
      assert.equal(await a.page.locator('main table').count(), 0, 'no results with invalid filters');

      await checkPage(a, '/staff/audit?limit=2');
      const next = a.page.getByRole('link', { name: '次の2件' });
      assert.equal(await next.count(), 1);
      const entries = () => a.page.locator('main table tbody tr').allTextContents();
      const firstPage = await entries();
      assert.equal(firstPage.length, 2);
      await Promise.all([a.page.waitForNavigation({ waitUntil: 'load' }), next.click()]);
      assert.match(a.page.url(), /[?&]cursor=/);
      await checkCurrentPage(a);
      assert.equal(await a.page.getByRole('link', { name: '最初のページへ戻る' }).count(), 1);
      const secondPage = await entries();
      assert.equal(secondPage.length, 2);
      assert.ok(
        secondPage.every((id) => !firstPage.includes(id)),
        'the next page shows other entries than the first',
      );
    });
  });

  describe('as a planner', () => {
    before(async () => {
      p = await signedIn(planner);
    });

    test('the start page', async () => {
      await checkPage(p, '/staff');
      const hrefs = await p.page
        .locator('section[aria-labelledby="manage-h"] a')
        .evaluateAll((as) => as.map((x) => x.getAttribute('href')));
      assert.deepEqual(hrefs, ['/staff/plan', '/staff/departments', '/staff/audit']);
    });

    test('the plan settings list, also at 320px', async () => {
      await checkPage(p, '/staff/plan');
      assert.ok((await p.page.locator('main table tbody tr').count()) >= 9, 'a row per measure');
      assert.match(await textOf(p.page.locator('#m1-1')), /未設定/);
      await assertNoPageScrollAt(p.page, 320);
      await checkPage(p, '/staff/plan');
      const narrowest = await narrowestCell(p.page);
      assert.ok(narrowest >= 80, `at 320px a column of the table is ${narrowest}px wide`);
      await screenshot(p.page, 'staff-plan-320.png');
      await p.page.setViewportSize({ width: 1280, height: 900 });
    });

    test('a measure: the form, the same department as lead and supporting (400), then saved', async () => {
      const href = '/staff/plan/measures/1/1';
      await checkPage(p, href);
      assert.equal(await p.page.locator('input[name="supporting"]').count(), DEPARTMENTS.length);
      await assertBoxesAtLeast(p.page, 'input[type="checkbox"]', 24);
      const lead = departmentIds.get(DEPARTMENTS[0])!;
      const support = departmentIds.get(DEPARTMENTS[1])!;

      await p.page.locator('#lead').selectOption(String(lead));
      await p.page.locator(`input[name="supporting"][value="${lead}"]`).check();
      const save = () => submit(p.page, p.page.getByRole('button', { name: '保存する' }));
      assert.equal(await save(), 400);
      await checkCurrentPage(p, { status: 400 });
      assert.match(
        await assertErrorState(p.page, ['supporting']),
        new RegExp(`${DEPARTMENTS[0]}は主担当課に選んでいるため、関係課には選べません`),
      );
      assert.equal(await p.page.locator('#lead').inputValue(), String(lead), 'the form keeps what was sent');
      await screenshot(p.page, 'staff-measure-settings-error-1280.png');

      await p.page.locator(`input[name="supporting"][value="${lead}"]`).uncheck();
      await p.page.locator(`input[name="supporting"][value="${support}"]`).check();
      // A cross-cutting measure linked by staff (the first one not linked yet).
      const link = p.page.locator('input[name="links"]:not(:checked)').first();
      await link.check();
      assert.equal(await save(), 200);
      assert.match(p.page.url(), /\/staff\/plan\?done=saved&measure=1%2F1$/);
      await checkCurrentPage(p);
      assert.match(await textOf(p.page.locator('.notice')), /の担当課と連携を保存しました。/);
      assert.match(await textOf(p.page.locator('#m1-1')), new RegExp(DEPARTMENTS[0]));

      await checkPage(p, href);
      assert.equal(await p.page.locator('#lead').inputValue(), String(lead));
      await screenshot(p.page, 'staff-measure-settings-1280.png');
    });

    test('the audit log, also at 320px', async () => {
      await checkPage(p, '/staff/audit');
      assert.match(await textOf(p.page.locator('main table')), /plan/);
      await screenshot(p.page, 'staff-audit-1280.png');
      await assertNoPageScrollAt(p.page, 320);
      await checkPage(p, '/staff/audit');
      const narrowest = await narrowestCell(p.page);
      assert.ok(narrowest >= 80, `at 320px a column of the table is ${narrowest}px wide`);
      await screenshot(p.page, 'staff-audit-320.png');
      await p.page.setViewportSize({ width: 1280, height: 900 });
    });

    test('the public pages show the departments and the staff link', async () => {
      const anon = await browserPage();
      await checkPage(anon, '/plan/1/1');
      const owners = anon.page.locator('section[aria-labelledby="owners-h"]');
      assert.equal(await textOf(owners.locator('h2')), '担当課');
      assert.match(await textOf(owners), new RegExp(`主担当課\\s*${DEPARTMENTS[0]}`));
      assert.match(await textOf(owners), new RegExp(`関係課\\s*${DEPARTMENTS[1]}`));
      await screenshot(anon.page, 'public-measure-owners-1280.png');

      await checkPage(anon, '/plan/1');
      assert.match(await textOf(anon.page.locator('.measure-lead').first()), new RegExp(DEPARTMENTS[0]));

      await checkPage(anon, '/plan/cross-cutting');
      const row = anon.page
        .locator('table.matrix tbody tr')
        .filter({ has: anon.page.locator('a[href="/plan/1/1"]') });
      assert.equal(await row.locator('td.is-linked').count(), 1, 'the link set by staff');
      assert.match(await textOf(row.locator('td.is-linked')), /連携/);
    });
  });

  describe('as a department editor', () => {
    test('the staff accounts page is refused with a 403 page that passes the checks', async () => {
      const e = await signedIn(editor);
      await checkPage(e, '/staff/users', { status: 403 });
      assert.equal(await textOf(e.page.locator('h1')), 'このページを表示する権限がありません');
    });

    test("my measures, a measure's workspace, and 403 for another department's measure", async () => {
      // the editor joins the department that leads measure 1/1 (set by the planner above)
      await db.kysely
        .insertInto('user_departments')
        .values({ user_id: editor.id, department_id: departmentIds.get(DEPARTMENTS[0])! })
        .execute();
      const e = await signedIn(editor);
      await checkPage(e, '/staff');
      assert.equal(await e.page.locator('a[href="/staff/measures/1/1"]').count(), 1, 'the measure is listed');
      await checkPage(e, '/staff/measures/1/1');
      assert.match(await textOf(e.page.locator('main')), new RegExp(DEPARTMENTS[0]));
      await checkPage(e, '/staff/measures/2/1', { status: 403 });
    });
  });
});
