import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildTestApp } from '../../../test/support/app.ts';
import type { TestBrowser } from '../../../test/support/browser-session.ts';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';
import { seedText } from '../../../test/support/factories.ts';
import { buildDepartment, buildStaff, signInAs } from '../../../test/support/staff.ts';
import { BUNDLED_PLAN } from '../../bootstrap.ts';
import { openDatabase } from '../../db/connection.ts';
import { importPlanBytes } from './import/import-file.ts';
import { exportCurrentPlan, importPlan } from './plan.service.ts';

/** Text of a page with tags removed and entities decoded, for content assertions. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The matrix row of a measure on /plan/cross-cutting, as its three cells' text. */
function matrixRow(html: string, title: string): string[] {
  const row = html.split('<tr>').find((r) => r.includes(title));
  assert.ok(row, `matrix row of ${title}`);
  return [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => textOf(m[1]!));
}

/**
 * Posts a form as the browser would, with repeated names (checkboxes): urlencoded, the page's CSRF token,
 * a same-origin Origin header and the browser's cookies.
 */
async function postForm(
  app: FastifyInstance,
  b: TestBrowser,
  url: string,
  pairs: Array<[string, string]>,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url,
    payload: new URLSearchParams([['_csrf', b.csrf], ...pairs]).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:3000' },
    cookies: Object.fromEntries(b.cookies),
  });
}

const versionOf = (html: string) => /name="version" value="(\d+)"/.exec(html)?.[1] ?? '';

const SEED_OPTIONS = {
  municipality: BUNDLED_PLAN.municipality,
  municipalityName: BUNDLED_PLAN.municipalityName,
  planTitle: BUNDLED_PLAN.planTitle,
  periodStartFy: BUNDLED_PLAN.periodStartFy,
  periodEndFy: BUNDLED_PLAN.periodEndFy,
};
const SCHOOL = '学校教育の推進・小中高大の教育連携';
const FORM_22 = '/staff/plan/measures/2/2';
const FORBIDDEN = 'このページを表示する権限がありません';

for (const dialect of DIALECTS) {
  describe(`plan settings: departments and cross-cutting links of measures (${dialect})`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    let queries = 0;
    let planner: TestBrowser;
    const dep = { lead: 0, support: 0, script: 0, disabled: 0, other: 0 };
    const SCRIPT_NAME = '<script>alert(1)</script>課';

    const auditRows = () =>
      db.kysely
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'measure.settings.set')
        .orderBy('id')
        .execute();
    const ownerRows = () =>
      db.kysely
        .selectFrom('measure_departments')
        .select(['node_path', 'department_id', 'role'])
        .orderBy('node_path')
        .orderBy('department_id')
        .execute();

    before(async () => {
      db = await createTestDb(dialect, {
        onQuery: () => {
          queries++;
        },
      });
      app = await buildTestApp(db);
      dep.lead = await buildDepartment(db, '総合政策部 企画課');
      dep.support = await buildDepartment(db, '子育て支援課');
      dep.script = await buildDepartment(db, SCRIPT_NAME);
      dep.disabled = await buildDepartment(db, '旧 情報管理課');
      dep.other = await buildDepartment(db, '学校教育課');
      await db.kysely
        .updateTable('departments')
        .set({ disabled_at: new Date().toISOString() })
        .where('id', '=', dep.disabled)
        .execute();
      planner = await signInAs(app, await buildStaff(db, 'planner'));
    });
    after(async () => {
      await app?.close();
      await db?.drop();
    });

    test('anonymous visitors are sent to sign-in; editors and committee members get 403 on every route', async () => {
      const anon = await app.inject('/staff/plan');
      assert.equal(anon.statusCode, 303);
      assert.equal(anon.headers.location, '/staff/sign-in?next=%2Fstaff%2Fplan');
      for (const role of ['editor', 'committee'] as const) {
        const b = await signInAs(app, await buildStaff(db, role, [dep.lead]));
        for (const url of ['/staff/plan', FORM_22]) {
          const r = await b.get(url);
          assert.equal(r.statusCode, 403, `${role} GET ${url}`);
          assert.ok(r.body.includes(FORBIDDEN));
        }
        await b.get('/staff'); // a page with a valid CSRF token for this session
        const post = await postForm(app, b, FORM_22, [['lead', String(dep.lead)]]);
        assert.equal(post.statusCode, 403, `${role} POST`);
        assert.ok(post.body.includes(FORBIDDEN), 'refused by the policy, not by CSRF');
        // even for a measure that does not exist: the policy answers before anything is looked up
        assert.equal((await postForm(app, b, '/staff/plan/measures/9/9', [])).statusCode, 403);
      }
      assert.deepEqual(await ownerRows(), []);
      assert.equal((await auditRows()).length, 0);
    });

    test('administrators read the list but can neither open nor post the form', async () => {
      const b = await signInAs(app, await buildStaff(db, 'admin'));
      const list = await b.get('/staff/plan');
      assert.equal(list.statusCode, 200);
      assert.ok(textOf(list.body).includes('この一覧は閲覧のみできます'));
      assert.ok(!list.body.includes('/staff/plan/measures/'), 'no edit links');
      assert.equal((await b.get(FORM_22)).statusCode, 403);
      const post = await postForm(app, b, FORM_22, [['lead', String(dep.lead)]]);
      assert.equal(post.statusCode, 403);
    });

    test('the list shows every measure of the current version, with nothing set yet', async () => {
      const r = await planner.get('/staff/plan');
      assert.equal(r.statusCode, 200);
      assert.match(r.body, /<title>施策の担当課と連携 \| /);
      const rows = r.body.split('<tr').slice(2);
      assert.equal(rows.length, 9);
      assert.ok(rows.every((row) => textOf(row).includes('未設定')));
      assert.ok(r.body.includes(`href="${FORM_22}"`));
    });

    test('the form offers enabled departments and shows which cross-cutting measures the text mentions', async () => {
      const r = await planner.get(FORM_22);
      assert.equal(r.statusCode, 200);
      const text = textOf(r.body);
      assert.ok(text.includes(`2 ${SCHOOL}の担当課と連携`));
      assert.ok(text.includes('デジタル技術を活用しながら'), 'the measure text is shown');
      assert.ok(r.body.includes(`<option value="${dep.lead}">総合政策部 企画課</option>`));
      assert.ok(!text.includes('旧 情報管理課'), 'a disabled department is not offered');
      assert.ok(!r.body.includes('<script>'), 'names are escaped');
      assert.ok(text.includes('デジタル化の推進本文で言及（デジタル）'));
      assert.ok(text.includes('山口東京理科大学との連携本文で言及（山口東京理科大学）'));
      assert.ok(text.includes('スマイルエイジングの推進本文での言及なし'));
      assert.ok(versionOf(r.body) !== '');
    });

    test('a planner sets the lead, supporting departments and links; one audit entry has before and after', async () => {
      const form = await planner.get(FORM_22);
      const r = await postForm(app, planner, FORM_22, [
        ['version', versionOf(form.body)],
        ['lead', String(dep.lead)],
        ['supporting', String(dep.support)],
        ['supporting', String(dep.script)],
        ['links', '1'],
        ['links', '3'],
      ]);
      assert.equal(r.statusCode, 303, r.body.slice(0, 500));
      assert.equal(r.headers.location, '/staff/plan?done=saved&measure=2%2F2');
      const list = await planner.get(String(r.headers.location));
      assert.ok(textOf(list.body).includes(`「2 ${SCHOOL}」の担当課と連携を保存しました。`), 'the notice');
      const row = textOf(
        list.body
          .split('<tr')
          .slice(1)
          .find((x) => x.includes(SCHOOL))!,
      );
      assert.ok(row.includes('総合政策部 企画課'), row);
      assert.ok(row.includes(`子育て支援課、${SCRIPT_NAME}`), row);
      assert.ok(row.includes('デジタル化の推進、スマイルエイジングの推進'), row);

      assert.deepEqual(
        (await ownerRows()).map((o) => [o.node_path, o.department_id, o.role]),
        [
          ['2/2', dep.lead, 'lead'],
          ['2/2', dep.support, 'support'],
          ['2/2', dep.script, 'support'],
        ],
      );
      const audit = await auditRows();
      assert.equal(audit.length, 1);
      const plan = await db.kysely.selectFrom('plans').select('id').executeTakeFirstOrThrow();
      assert.equal(audit[0]!.resource_type, 'measure');
      assert.equal(audit[0]!.resource_id, `${plan.id}:2/2`);
      assert.match(audit[0]!.actor_label, /^planner\d+@/);
      const before = JSON.parse(audit[0]!.before_json!);
      const after = JSON.parse(audit[0]!.after_json!);
      assert.equal(before.lead, null);
      assert.deepEqual(before.supporting, []);
      assert.deepEqual(before.links, []);
      assert.deepEqual(after.lead, { id: dep.lead, name: '総合政策部 企画課' });
      assert.deepEqual(
        after.supporting.map((d: { name: string }) => d.name),
        ['子育て支援課', SCRIPT_NAME],
      );
      assert.deepEqual(after.links, [
        { ordinal: 1, title: 'デジタル化の推進' },
        { ordinal: 3, title: 'スマイルエイジングの推進' },
      ]);

      // the form shows what was saved
      const again = await planner.get(FORM_22);
      assert.ok(again.body.includes(`<option value="${dep.lead}" selected>`), 'the lead is selected');
      assert.match(again.body, new RegExp(`value="${dep.support}" checked`));
      assert.match(again.body, /name="links" value="1" checked/);
      assert.doesNotMatch(again.body, /name="links" value="2" checked/);
    });

    test('saving the same settings again writes nothing and says so', async () => {
      const form = await planner.get(FORM_22);
      const r = await postForm(app, planner, FORM_22, [
        ['version', versionOf(form.body)],
        ['lead', String(dep.lead)],
        ['supporting', String(dep.script)],
        ['supporting', String(dep.support)],
        ['links', '3'],
        ['links', '1'],
      ]);
      assert.equal(r.statusCode, 303);
      assert.equal(r.headers.location, '/staff/plan?done=unchanged&measure=2%2F2');
      assert.ok(
        textOf((await planner.get(String(r.headers.location))).body).includes('変更はありませんでした'),
      );
      assert.equal((await auditRows()).length, 1);
    });

    test('the public measure page shows its departments, escaped; the policy page shows each lead', async () => {
      const page = await app.inject('/plan/2/2');
      assert.equal(page.statusCode, 200);
      const text = textOf(page.body);
      assert.ok(text.includes('担当課'));
      assert.ok(text.includes('主担当課総合政策部 企画課'));
      assert.ok(text.includes(`関係課子育て支援課、${SCRIPT_NAME}`));
      assert.ok(!page.body.includes('<script>'), 'a department name is text, never markup');
      assert.ok(page.body.includes('&lt;script'));
      const other = await app.inject('/plan/1/1');
      assert.ok(textOf(other.body).includes('担当課はまだ設定されていません。'));
      const policy = await app.inject('/plan/2');
      assert.ok(textOf(policy.body).includes('主担当課：総合政策部 企画課'));
      assert.equal(textOf(policy.body).match(/主担当課：/g)?.length, 1, 'only the measure with a lead');
      const en = await app.inject({ url: '/plan/2/2', cookies: { lang: 'en' } });
      assert.ok(textOf(en.body).includes('Lead department'));
    });

    test('the matrix and the measure page show the staff link 「連携」 beside the text mentions', async () => {
      const matrix = await app.inject('/plan/cross-cutting');
      const cells = matrixRow(matrix.body, SCHOOL);
      assert.equal(cells.length, 3);
      assert.ok(cells[0]!.includes('連携') && cells[0]!.includes('本文で言及'), cells[0]);
      assert.ok(!cells[1]!.includes('連携') && cells[1]!.includes('本文で言及'), cells[1]);
      assert.ok(cells[2]!.includes('連携') && !cells[2]!.includes('本文で言及'), cells[2]);
      const measure = textOf((await app.inject('/plan/2/2')).body);
      assert.ok(measure.includes('スマイルエイジングの推進連携'));
      const x3 = textOf((await app.inject('/plan/cross-cutting/3')).body);
      assert.ok(x3.includes(SCHOOL), 'the cross-cutting page lists the linked measure');
    });

    test('public pages cost the same number of queries whichever measure, with ownership set', async () => {
      const counts: number[] = [];
      for (const url of ['/plan/2/2', '/plan/1/1', '/plan/3/4', '/plan/2', '/plan/1']) {
        await app.inject(url);
        queries = 0;
        assert.equal((await app.inject(url)).statusCode, 200);
        counts.push(queries);
      }
      assert.ok(
        counts.every((n) => n === counts[0]),
        `queries: ${counts.join(', ')}`,
      );
      assert.ok(counts[0]! <= 3, `${counts[0]} queries`);
      // and the first page a new process serves (the version's content not yet cached) stays in budget
      let cold = 0;
      const other = openDatabase(db.url, {
        onQuery: () => {
          cold++;
        },
      });
      try {
        const otherApp = await buildTestApp(other, { seed: false });
        try {
          await otherApp.site.name();
          cold = 0;
          assert.equal((await otherApp.inject('/plan/2/2')).statusCode, 200);
          // 5 for the plan and its owners, 1 for the sample-data banner's first check, 1 for the measure's
          // indicators (目標指標)
          assert.ok(cold <= 7, `${cold} queries for the first measure page`);
        } finally {
          await otherApp.close();
        }
      } finally {
        await other.close();
      }
    });

    test('invalid forms are refused with Japanese messages naming the field, and nothing is written', async () => {
      const form = await planner.get(FORM_22);
      const version = versionOf(form.body);
      const owners = await ownerRows();
      const cases: Array<{ pairs: Array<[string, string]>; message: string; field: string }> = [
        { pairs: [['lead', '99999']], message: '主担当課は一覧から選んでください', field: 'lead' },
        { pairs: [['lead', 'abc']], message: '主担当課は一覧から選んでください', field: 'lead' },
        {
          pairs: [['lead', String(dep.disabled)]],
          message: '旧 情報管理課は無効になっているため、主担当課に選べません',
          field: 'lead',
        },
        {
          pairs: [
            ['lead', String(dep.lead)],
            ['supporting', String(dep.lead)],
          ],
          message: '総合政策部 企画課は主担当課に選んでいるため、関係課には選べません',
          field: 'supporting',
        },
        {
          pairs: [['supporting', String(dep.disabled)]],
          message: '旧 情報管理課は無効になっているため、関係課に選べません',
          field: 'supporting',
        },
        { pairs: [['supporting', '0']], message: '関係課は一覧から選んでください', field: 'supporting' },
        { pairs: [['links', '4']], message: '連携する横断的施策は一覧から選んでください', field: 'links' },
        { pairs: [['links', '-1']], message: '連携する横断的施策は一覧から選んでください', field: 'links' },
      ];
      for (const c of cases) {
        const r = await postForm(app, planner, FORM_22, [['version', version], ...c.pairs]);
        assert.equal(r.statusCode, 400, JSON.stringify(c.pairs));
        assert.match(r.body, /<title>エラー：/);
        assert.ok(r.body.includes('error-summary'));
        assert.ok(textOf(r.body).includes(c.message), `${JSON.stringify(c.pairs)}: ${c.message}`);
        assert.ok(r.body.includes(`href="#${c.field}"`));
        assert.match(r.body, new RegExp(`id="${c.field}"`), 'the summary links to a field that exists');
      }
      // a department of another municipality is unknown here
      const foreign = await db.kysely
        .insertInto('municipalities')
        .values({ code: '999997', name: 'みどり市', created_at: new Date().toISOString() })
        .execute()
        .then(() =>
          db.kysely
            .insertInto('departments')
            .values({
              municipality_code: '999997',
              name: 'みどり市 企画課',
              position: 1,
              created_at: new Date().toISOString(),
              disabled_at: null,
            })
            .returning('id')
            .executeTakeFirstOrThrow(),
        );
      const r = await postForm(app, planner, FORM_22, [
        ['version', version],
        ['lead', String(foreign.id)],
      ]);
      assert.equal(r.statusCode, 400);
      assert.deepEqual(await ownerRows(), owners);
      assert.equal((await auditRows()).length, 1);
    });

    test('bad addresses and measures that do not exist are 404; odd input never gives a 500', async () => {
      for (const url of [
        '/staff/plan/measures/1/9',
        '/staff/plan/measures/9/1',
        '/staff/plan/measures/0/1',
        '/staff/plan/measures/01/1',
        '/staff/plan/measures/abc/1',
        `/staff/plan/measures/1/${'9'.repeat(150)}`,
      ]) {
        assert.equal((await planner.get(url)).statusCode, 404, `GET ${url}`);
      }
      const long = await planner.get(`/staff/plan/measures/1/${'9'.repeat(300)}`);
      assert.ok(long.statusCode < 500, `a 300-digit address: ${long.statusCode}`);
      await planner.get(FORM_22);
      assert.equal((await postForm(app, planner, '/staff/plan/measures/1/9', [])).statusCode, 404);
      assert.equal((await postForm(app, planner, '/staff/plan/measures/x/1', [])).statusCode, 404);
      for (const pairs of [
        [['lead', '\u0000']],
        [['lead', '1'.repeat(40)]],
        [['supporting', '1e3']],
        [['links', '1.5']],
        [['version', 'abc']],
        [
          ['lead', String(dep.lead)],
          ['lead', String(dep.support)],
        ],
        Array.from({ length: 600 }, () => ['links', '1']),
      ] as Array<Array<[string, string]>>) {
        const r = await postForm(app, planner, FORM_22, pairs);
        assert.ok(r.statusCode < 500, `${JSON.stringify(pairs).slice(0, 80)}: ${r.statusCode}`);
      }
      const list = await planner.get('/staff/plan?done=saved&measure=%3Cscript%3E');
      assert.equal(list.statusCode, 200);
      assert.ok(!list.body.includes('class="notice"'), 'no notice for an unknown measure');
    });

    test('a new version of the plan keeps the departments and carries the links forward', async () => {
      const oldForm = await planner.get(FORM_22);
      const oldVersion = versionOf(oldForm.body);
      // a third measure gets a link that the next version cannot carry (its measure goes away)
      await postForm(app, planner, '/staff/plan/measures/3/4', [
        ['version', oldVersion],
        ['lead', String(dep.other)],
        ['links', '2'],
      ]);
      const changed = seedText().replace('教育環境の整備を図ります。', '教育環境の一層の整備を図ります。');
      assert.notEqual(changed, seedText());
      const v2 = await importPlanBytes(db, new TextEncoder().encode(changed), false, SEED_OPTIONS);
      assert.equal(v2.status, 'created');

      const page = textOf((await app.inject('/plan/2/2')).body);
      assert.ok(page.includes('教育環境の一層の整備'), 'the new version is shown');
      assert.ok(page.includes('主担当課総合政策部 企画課'), 'the departments hold');
      const cells = matrixRow((await app.inject('/plan/cross-cutting')).body, SCHOOL);
      assert.ok(cells[0]!.includes('連携') && cells[0]!.includes('本文で言及'));
      assert.ok(cells[2]!.includes('連携'));
      const links = await db.kysely
        .selectFrom('cross_cutting_links')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('version_id', '=', v2.versionId)
        .executeTakeFirstOrThrow();
      assert.equal(Number(links.n), 3, '2/2 → 1 and 3, 3/4 → 2');

      // a form made from the old version is not applied to the new one
      const stale = await postForm(app, planner, FORM_22, [['version', oldVersion]]);
      assert.equal(stale.statusCode, 409);
      assert.ok(textOf(stale.body).includes('計画の新しい版が登録されたため、保存しませんでした'));
      assert.ok(stale.body.includes('href="#settings-form"'));
      assert.equal(versionOf(stale.body), String(v2.versionId), 'the form now shows the new version');
      assert.equal(
        (
          await db.kysely
            .selectFrom('measure_departments')
            .selectAll()
            .where('node_path', '=', '2/2')
            .execute()
        ).length,
        3,
      );

      // the next version drops measure 3/4: its link is dropped, the others go on
      const without = changed
        .split('\n')
        .filter((l) => !l.startsWith('4 地域経済の活力増進'))
        .join('\n');
      const v3 = await importPlanBytes(db, new TextEncoder().encode(without), false, SEED_OPTIONS);
      assert.equal(v3.status, 'created');
      assert.equal((await app.inject('/plan/3/4')).statusCode, 404);
      const v3links = await db.kysely
        .selectFrom('cross_cutting_links')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('version_id', '=', v3.versionId)
        .executeTakeFirstOrThrow();
      assert.equal(Number(v3links.n), 2);
      const rows = (await planner.get('/staff/plan')).body.split('<tr').slice(2);
      assert.equal(rows.length, 8);

      // content that carries its own links (kyoso-plan JSON) keeps exactly those
      const doc = await exportCurrentPlan(db, '352161');
      doc.content.documentTitle = `${doc.content.documentTitle}（再取込）`;
      doc.content.links = [{ node: '1/1', crossCutting: 1 }];
      const v4 = await importPlan(db, doc);
      assert.equal(v4.status, 'created');
      const v4links = await db.kysely
        .selectFrom('cross_cutting_links as l')
        .innerJoin('plan_nodes as n', 'n.id', 'l.node_id')
        .select('n.path')
        .where('l.version_id', '=', v4.versionId)
        .execute();
      assert.deepEqual(
        v4links.map((l) => l.path),
        ['1/1'],
      );
    });
  });
}
