import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../../test/support/app.ts';
import type { TestBrowser } from '../../../test/support/browser-session.ts';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';
import { buildKpiFixture, type KpiFixture } from '../../../test/support/kpi.ts';
import { buildDepartment, buildStaff, signInAs, type TestStaff } from '../../../test/support/staff.ts';
import { loadSampleKpi, sampleCounts } from './kpi.sample.ts';

const MUNI = '352161';
const NOW = new Date('2026-06-01T03:00:00Z');
const BANNER = 'class="sample-banner"';

for (const dialect of DIALECTS) {
  describe(`/staff/kpi/sample on ${dialect}`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    let planner: TestStaff;
    let editor: TestStaff;
    /** Signed in once each (a fixed clock gives one TOTP step: a second sign-in would reuse the code). */
    let b: TestBrowser;
    let e: TestBrowser;
    let fixture: KpiFixture;
    before(async () => {
      db = await createTestDb(dialect);
      app = await buildTestApp(db, { clock: () => NOW });
      fixture = await buildKpiFixture(db);
      planner = await buildStaff(db, 'planner');
      editor = await buildStaff(db, 'editor', [await buildDepartment(db)]);
      b = await signInAs(app, planner, () => NOW);
      e = await signInAs(app, editor, () => NOW);
    });
    after(async () => {
      await app?.close();
      await db?.drop();
    });

    const publicPage = async (url: string) => {
      const r = await app.inject({ method: 'GET', url });
      assert.equal(r.statusCode, 200, `${url} answers`);
      return r.body;
    };

    test('the banner: absent without sample data, on every public page once it is loaded', async () => {
      await app.site.refreshSample();
      for (const url of ['/', '/plan'])
        assert.ok(!(await publicPage(url)).includes(BANNER), `${url}: no banner yet`);
      const loaded = await loadSampleKpi(db, { municipalityCode: MUNI, at: NOW });
      assert.ok(loaded.indicators > 0, 'loaded');
      await app.site.refreshSample();
      for (const url of ['/', '/plan']) {
        const html = await publicPage(url);
        assert.ok(html.includes(BANNER), `${url}: the banner`);
        assert.ok(html.includes('サンプルデータを表示中'), `${url}: the banner's words`);
      }
    });

    test('the page shows the counts and what sample data is, to planners only', async () => {
      const counts = await sampleCounts(db, MUNI);
      const r = await b.get('/staff/kpi/sample');
      assert.equal(r.statusCode, 200, 'planner reads');
      assert.match(r.body, new RegExp(`id="sample-indicators">${counts.indicators}件<`), 'indicator count');
      assert.match(r.body, new RegExp(`id="sample-actuals">${counts.actuals}件<`), 'actual count');
      assert.ok(r.body.includes('架空の値'), 'says the values are invented');
      assert.ok(r.body.includes('サンプルデータをすべて削除することを確認しました'), 'the confirmation box');
      assert.ok(r.body.includes('<caption>'), 'the table has a caption');

      assert.equal((await e.get('/staff/kpi/sample')).statusCode, 403, 'an editor may not read it');
      await e.get('/staff');
      const post = await e.post('/staff/kpi/sample', { confirm: 'yes' });
      assert.equal(post.statusCode, 403, 'an editor may not remove');
      assert.deepEqual(await sampleCounts(db, MUNI), counts, 'nothing removed by a refused request');
    });

    test('without the confirmation: the form again with the error, nothing removed', async () => {
      const counts = await sampleCounts(db, MUNI);
      await b.get('/staff/kpi/sample');
      const r = await b.post('/staff/kpi/sample', {});
      assert.equal(r.statusCode, 400, 'refused');
      assert.ok(r.body.includes('class="error-summary"'), 'error summary');
      assert.ok(r.body.includes('href="#confirm"'), 'the summary links to the box');
      assert.ok(r.body.includes('にチェックを入れてください'), 'the message says what to do');
      assert.match(r.body, /aria-describedby="confirm-error"/, 'the box is described by the error');
      assert.match(r.body, /<title>エラー：/, 'エラー in the title');
      const wrong = await b.post('/staff/kpi/sample', { confirm: 'on please' });
      assert.equal(wrong.statusCode, 400, 'only the box’s own value confirms');
      assert.deepEqual(await sampleCounts(db, MUNI), counts, 'nothing removed');
    });

    test('removal: everything sample at once, audited, a notice, the banner gone; the city’s own data kept', async () => {
      const counts = await sampleCounts(db, MUNI);
      assert.ok(counts.indicators > 0, 'sample data before');
      await b.get('/staff/kpi/sample');
      const r = await b.post('/staff/kpi/sample', { confirm: 'yes' });
      assert.equal(r.statusCode, 303, 'redirect after POST');
      const location = String(r.headers.location);
      assert.equal(location, `/staff/kpi/sample?done=removed&i=${counts.indicators}&a=${counts.actuals}`);
      const page = await b.get(location);
      assert.equal(page.statusCode, 200, 'the page after');
      assert.ok(
        page.body.includes(
          `サンプルデータを削除しました（目標指標 ${counts.indicators}件、実績値 ${counts.actuals}件）`,
        ),
        'the notice with the counts',
      );
      assert.ok(page.body.includes('id="sample-none"'), 'says there is none now');
      assert.ok(!page.body.includes('name="confirm"'), 'no removal form when there is nothing to remove');
      assert.deepEqual(await sampleCounts(db, MUNI), { indicators: 0, actuals: 0 }, 'all removed');

      const left = await db.kysely.selectFrom('indicators').select('id').orderBy('id').execute();
      assert.deepEqual(
        left.map((x) => Number(x.id)),
        [fixture.indicatorId, fixture.otherIndicatorId],
        'the city’s indicators kept',
      );
      const actuals = await db.kysely.selectFrom('indicator_actuals').select('id').execute();
      assert.equal(actuals.length, 6, 'the city’s actuals kept');

      const audit = await db.kysely
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'kpi.sample.remove')
        .execute();
      assert.equal(audit.length, 1, 'audited');
      assert.equal(Number(audit[0]?.actor_user_id), planner.id, 'by the planner');
      assert.deepEqual(JSON.parse(String(audit[0]?.before_json)), counts, 'with what was removed');

      for (const url of ['/', '/plan'])
        assert.ok(!(await publicPage(url)).includes(BANNER), `${url}: the banner is gone at once`);

      const again = await b.post('/staff/kpi/sample', { confirm: 'yes' });
      assert.equal(again.statusCode, 303, 'a second removal');
      assert.equal(String(again.headers.location), '/staff/kpi/sample?done=nothing', 'removes nothing');
      assert.ok(
        (await b.get('/staff/kpi/sample?done=nothing')).body.includes(
          '削除するサンプルデータはありませんでした',
        ),
      );
    });
  });
}
