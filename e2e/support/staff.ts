import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { totpCode } from '../../test/support/browser-session.ts';
import { TEST_PASSWORD, type TestStaff } from '../../test/support/staff.ts';

/**
 * Helpers for the staff pages in a real browser: the app's controllable clock, signing in through the
 * forms (password, then TOTP), and submitting a form and waiting for the page it leads to.
 */

/** The app's clock, moved by the test. Pass `clock.now` to buildTestApp({ clock }). */
export class TestClock {
  private at: Date;

  constructor(start = new Date()) {
    this.at = start;
  }

  readonly now = (): Date => this.at;

  advance(ms: number): Date {
    this.at = new Date(this.at.getTime() + ms);
    return this.at;
  }

  /** Each TOTP code is accepted once: move to a fresh 30-second step before using one. */
  nextTotpStep(): Date {
    return this.advance(31_000);
  }
}

/**
 * Clicks a submit button and waits for the page the form leads to (after any 303), returning its HTTP
 * status. Works for a form that answers on its own address (400), where waiting for the URL would not.
 */
export async function submit(page: Page, button: Locator): Promise<number> {
  const navigation = page.waitForNavigation({ waitUntil: 'load' });
  await button.click();
  const response = await navigation;
  assert.ok(response, `${page.url()}: the form led to no page`);
  return response.status();
}

/**
 * Signs the member of staff in through the browser: the sign-in form with the password, then the
 * second-factor form with the TOTP code of a fresh step of the app's clock. Ends on /staff.
 */
export async function signInThroughBrowser(page: Page, staff: TestStaff, clock: TestClock): Promise<void> {
  await page.goto('/staff/sign-in');
  await page.getByLabel('メールアドレス').fill(staff.email);
  await page.locator('#password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'サインイン' }).click();
  await page.waitForURL(/\/staff\/two-factor\?/);
  clock.nextTotpStep();
  await page.getByLabel('確認コード').fill(totpCode(staff.totpSecret, clock.now()));
  await page.getByRole('button', { name: '確認する' }).click();
  await page.waitForURL(/\/staff$/);
}

/** The text of the page's error summary, and that the title says 「エラー：」 and the summary links `#field`s. */
export async function assertErrorState(page: Page, fields: string[]): Promise<string> {
  const title = await page.title();
  assert.ok(title.startsWith('エラー：'), `title 「${title}」 should start with 「エラー：」`);
  const summary = page.locator('.error-summary');
  assert.equal(await summary.count(), 1, 'an error summary');
  for (const f of fields) {
    assert.equal(await summary.locator(`a[href="#${f}"]`).count(), 1, `the summary links to #${f}`);
    assert.equal(await page.locator(`#${f}`).count(), 1, `the field #${f} the summary links to exists`);
  }
  return ((await summary.textContent()) ?? '').trim();
}
