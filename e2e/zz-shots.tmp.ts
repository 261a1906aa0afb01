import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { buildTestApp } from '../test/support/app.ts';
import { createTestDb, type TestDb } from '../test/support/db.ts';
import { buildDepartment, buildStaff } from '../test/support/staff.ts';
import { loadSampleKpi } from '../src/modules/kpi/kpi.sample.ts';
import { launchBrowser, newContext, openPage } from './support/browser.ts';
import { signInThroughBrowser, TestClock } from './support/staff.ts';

let db: TestDb; let app: FastifyInstance; let browser: Browser;
const clock = new TestClock(new Date('2026-11-26T01:00:00.000Z'));
before(async () => {
  db = await createTestDb('sqlite');
  app = await buildTestApp(db, { clock: clock.now });
  await loadSampleKpi(db, { municipalityCode: '352161', at: new Date() });
  await app.site.refreshSample();
  browser = await launchBrowser();
});
after(async () => { await browser.close(); await app.close(); await db.drop(); });
test('shots', async () => {
  const baseURL = await app.listen({ port: 0, host: '127.0.0.1' });
  const a = await buildDepartment(db, '子育て支援課');
  const plan = await db.kysely.selectFrom('plans').select('id').executeTakeFirstOrThrow();
  await db.kysely.insertInto('measure_departments').values({ municipality_code: '352161', plan_id: plan.id, node_path: '2/1', department_id: a, role: 'lead' }).execute();
  const editor = await buildStaff(db, 'editor', [a]);
  const ctx = await newContext(browser, baseURL);
  const w = await openPage(ctx);
  await signInThroughBrowser(w.page, editor, clock);
  await w.page.setViewportSize({ width: 1280, height: 1400 });
  const id = (await db.kysely.selectFrom('indicators').select('id').where('node_path', '=', '2/1').orderBy('position').executeTakeFirstOrThrow()).id;
  for (const [u, f] of [['/staff/kpi', 'slist'], [`/staff/kpi/indicators/${id}/actuals`, 'sact'], [`/staff/kpi/indicators/${id}`, 'sedit'], ['/staff/kpi/upload', 'sup']] as const) {
    await w.page.goto(baseURL + u);
    await w.page.screenshot({ path: `/tmp/smoke/${f}.png`, fullPage: false });
  }
  await ctx.close();
});
