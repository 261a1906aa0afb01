import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DIALECTS } from '../../../test/support/db.ts';
import { buildIndicator } from '../../../test/support/kpi.ts';
import {
  assertFieldError,
  type KpiStaffWorld,
  kpiStaffWorld,
  MUNI,
  textOf,
  validDefinition,
} from './kpi-staff.test-support.ts';

const lockOf = (html: string) => /name="lock_version" value="(\d+)"/.exec(html)?.[1] ?? '';

for (const dialect of DIALECTS) {
  describe(`staff pages of indicators (${dialect})`, () => {
    let w: KpiStaffWorld;
    before(async () => {
      w = await kpiStaffWorld(dialect);
    });
    after(async () => {
      await w?.close();
    });

    const audits = async (action: string) =>
      w.db.kysely
        .selectFrom('audit_log')
        .select(['resource_id', 'before_json', 'after_json'])
        .where('action', '=', action)
        .orderBy('id')
        .execute();

    test('the list: editors see their own department first, others read-only; planners get the settings', async () => {
      const editor = await w.signIn(w.people.editor);
      const mine = await editor.get('/staff/kpi');
      assert.equal(mine.statusCode, 200);
      const t = textOf(mine.body);
      assert.ok(t.includes('地域運営組織の数'), 'own indicator listed');
      assert.ok(
        !t.includes('自主防災組織の結成率'),
        "the other department's indicator is not in the default view",
      );
      assert.ok(
        mine.body.includes(`href="/staff/kpi/indicators/${w.kpi.indicatorId}/actuals"`),
        'actuals link',
      );
      assert.ok(t.includes('定義を編集'), 'edit link');
      assert.ok(t.includes('令和5年度（2023年度）'), 'latest actual year as people read it');
      assert.ok(!mine.body.includes('href="/staff/kpi/settings"'), 'no settings link for editors');
      assert.ok(mine.body.includes('href="/staff/kpi/upload"'), 'upload link');

      const all = await editor.get('/staff/kpi?dept=all');
      const ta = textOf(all.body);
      assert.ok(ta.includes('自主防災組織の結成率'), 'all departments on request');
      assert.ok(ta.includes('閲覧のみ'), "the other's indicator is read-only");
      assert.ok(ta.includes('防災危機管理課（施策の主担当課）'), 'effective department from the measure');

      const one = await editor.get(`/staff/kpi?dept=${w.deptB}`);
      assert.ok(textOf(one.body).includes('自主防災組織の結成率'), 'filter by one department');
      assert.ok(!textOf(one.body).includes('地域運営組織の数'), 'only that department');

      const planner = await w.signIn(w.people.planner);
      const p = await planner.get('/staff/kpi');
      assert.ok(p.body.includes('href="/staff/kpi/settings"'), 'settings link for planners');
      assert.ok(p.body.includes('href="/staff/kpi/sample"'), 'sample link for planners');
      assert.ok(p.body.includes('href="/staff/kpi/indicators/new?node=1%2F1"'), 'add link on measures');
      assert.ok(p.body.includes('href="/staff/kpi/indicators/new?node=1"'), 'add link on 重点施策');

      const committee = await w.signIn(w.people.committee);
      const c = await committee.get('/staff/kpi');
      assert.equal(c.statusCode, 200);
      assert.ok(!c.body.includes('定義を編集'), 'committee members edit nothing');
      assert.ok(!c.body.includes('indicators/new'), 'committee members add nothing');
    });

    test('the start page and the measure workspace lead to the indicators', async () => {
      const editor = await w.signIn(w.people.editor);
      const home = await editor.get('/staff');
      assert.ok(home.body.includes('href="/staff/kpi"'), 'the start page links to /staff/kpi');
      const ws = await editor.get('/staff/measures/1/1');
      assert.equal(ws.statusCode, 200);
      const t = textOf(ws.body);
      assert.ok(t.includes('地域運営組織の数'), "the measure's indicator is listed");
      assert.ok(t.includes('令和5年度（2023年度）'), 'with its latest actual');
      assert.ok(
        ws.body.includes(`href="/staff/kpi/indicators/${w.kpi.indicatorId}/actuals"`),
        'link to enter actuals',
      );
      assert.ok(ws.body.includes('href="/staff/kpi/indicators/new?node=1%2F1"'), 'link to add an indicator');
      editor.cookies.set('lang', 'en');
      const en = await editor.get(`/staff/kpi/indicators/${w.kpi.indicatorId}/actuals`);
      assert.equal(en.statusCode, 200);
      assert.ok(textOf(en.body).includes('Actuals of “地域運営組織の数”'), 'the English UI');
      assert.ok(textOf(en.body).includes('FY2023 (Reiwa 5)'), 'fiscal years in English');
      const enErr = await editor.post(`/staff/kpi/indicators/${w.kpi.indicatorId}/actuals`, {
        fiscalYear: '2024',
        value: 'x',
        status: 'final',
      });
      assert.ok(textOf(enErr.body).includes('Actual must be a number'), 'English messages name the field');
      editor.cookies.delete('lang');
    });

    test('a new indicator: full-width numbers, yearly targets, audit; only owners and planners', async () => {
      const editor = await w.signIn(w.people.editor);
      const form = await editor.get('/staff/kpi/indicators/new?node=1/1');
      assert.equal(form.statusCode, 200);
      assert.ok(textOf(form.body).includes('市民活動推進課'), 'the lead department is named as the default');
      assert.equal((await editor.get('/staff/kpi/indicators/new?node=9/9')).statusCode, 404);
      assert.equal((await editor.get('/staff/kpi/indicators/new?node=x')).statusCode, 404);
      assert.equal((await editor.get('/staff/kpi/indicators/new?node=1/2')).statusCode, 403);
      assert.equal((await editor.get('/staff/kpi/indicators/new?node=1')).statusCode, 403);
      const other = await w.signIn(w.people.editorOther);
      await other.get('/staff/kpi');
      assert.equal(
        (await other.post('/staff/kpi/indicators/new?node=1/1', validDefinition())).statusCode,
        403,
      );
      const committee = await w.signIn(w.people.committee);
      await committee.get('/staff/kpi');
      assert.equal((await committee.get('/staff/kpi/indicators/new?node=1/1')).statusCode, 403);

      await editor.get('/staff/kpi/indicators/new?node=1/1');
      const res = await editor.post(
        '/staff/kpi/indicators/new?node=1/1',
        validDefinition({
          baselineValue: '１，２００',
          targetValue: '１,５００．５',
          decimals: '１',
          'yt-2022': '１３００',
        }),
      );
      assert.equal(res.statusCode, 303, textOf(res.body).slice(0, 400));
      const id = Number(/indicators\/(\d+)/.exec(String(res.headers.location))?.[1]);
      const row = await w.db.kysely
        .selectFrom('indicators')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(Number(row.baseline_value), 1200, 'full-width digits and commas converted');
      assert.equal(Number(row.target_value), 1500.5, 'full-width decimal point converted');
      assert.equal(row.node_path, '1/1');
      assert.equal(row.department_id, null, 'empty = the measure lead');
      const targets = await w.db.kysely
        .selectFrom('indicator_targets')
        .selectAll()
        .where('indicator_id', '=', id)
        .execute();
      assert.deepEqual(
        targets.map((t) => [Number(t.fiscal_year), Number(t.value)]),
        [[2022, 1300]],
        'only the yearly target typed is stored',
      );
      const a = await audits('indicator.create');
      assert.ok(
        a.some((x) => x.resource_id === String(id)),
        'creation audited',
      );
      const page = await editor.get(String(res.headers.location));
      assert.ok(textOf(page.body).includes('を追加しました'), 'flash message after 303');
      assert.ok(textOf(page.body).includes('均等に割り振った値'), 'interpolated years say so');
      assert.ok(
        textOf(page.body).includes('空欄の場合：1,366.8団体'),
        'the interpolated value (1300 + 200.5 ÷ 3) is the hint of 2023',
      );

      const planner = await w.signIn(w.people.planner);
      await planner.get('/staff/kpi/indicators/new?node=1');
      const onPolicy = await planner.post(
        '/staff/kpi/indicators/new?node=1',
        validDefinition({ name: '重点施策の指標' }),
      );
      assert.equal(onPolicy.statusCode, 303, 'planners add indicators to a 重点施策');
    });

    test('every validation error of the definition names its field', async () => {
      const editor = await w.signIn(w.people.editor);
      await editor.get('/staff/kpi/indicators/new?node=1/1');
      const cases: Array<[Record<string, string>, string, string]> = [
        [{ name: '' }, 'name', '指標名を入力してください'],
        [{ definition: '' }, 'definition', '指標の定義を入力してください'],
        [{ definition: 'あ'.repeat(2001) }, 'definition', '指標の定義は2000文字以内'],
        [{ source: '' }, 'source', '出典（データの出所）を入力してください'],
        [{ unit: 'あ'.repeat(21) }, 'unit', '単位は20文字以内'],
        [{ direction: '' }, 'direction', '目指す方向を選んでください'],
        [{ direction: 'range', rangeMin: '', rangeMax: '5' }, 'rangeMin', '目標範囲の下限を入力してください'],
        [
          { direction: 'range', rangeMin: '9', rangeMax: '5' },
          'rangeMax',
          '目標範囲の上限は目標範囲の下限以上',
        ],
        [{ rangeMin: 'abc' }, 'rangeMin', '目標範囲の下限は数字で'],
        [{ decimals: '4' }, 'decimals', '小数点以下の桁数は0〜3の整数'],
        [{ baselineValue: '' }, 'baselineValue', '基準値を入力してください'],
        [{ baselineValue: '十' }, 'baselineValue', '基準値は数字で入力してください'],
        [{ baselineFy: '1800' }, 'baselineFy', '基準値の年度は1989〜2100'],
        [{ targetValue: '1..2' }, 'targetValue', '目標値は数字で'],
        [{ targetFy: '2020' }, 'targetFy', '目標年度は基準値の年度より後'],
        [{ targetFy: '2060' }, 'targetFy', '目標年度は基準値の年度から30年以内'],
        [{ targetValue: '5' }, 'targetValue', '目標値は基準値以上にしてください'],
        [{ direction: 'down' }, 'targetValue', '目標値は基準値以下にしてください'],
        [{ department: '99999' }, 'department', '担当課を選んでください'],
        [{ department: String(w.deptB) }, 'department', '担当課には、あなたが所属する課'],
        [{ position: '-1' }, 'position', '表示順は0〜9999の整数'],
        [{ 'yt-2023': 'たくさん' }, 'yt-2023', '令和5年度（2023年度）の目標値は数字で'],
      ];
      const before = await w.db.kysely
        .selectFrom('indicators')
        .select((e) => e.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      for (const [over, field, words] of cases) {
        const res = await editor.post('/staff/kpi/indicators/new?node=1/1', validDefinition(over));
        assertFieldError(res, 400, field, words);
      }
      const afterCount = await w.db.kysely
        .selectFrom('indicators')
        .select((e) => e.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(afterCount.n), Number(before.n), 'nothing saved from a failed form');
      // what was typed is shown again
      const res = await editor.post(
        '/staff/kpi/indicators/new?node=1/1',
        validDefinition({ name: '', source: '私の出典' }),
      );
      assert.ok(res.body.includes('value="私の出典"'), 'typed values kept');
    });

    test('editing a definition: owners edit, others read, optimistic locking shows the other’s values', async () => {
      const id = w.kpi.indicatorId;
      const editor = await w.signIn(w.people.editor);
      const page = await editor.get(`/staff/kpi/indicators/${id}`);
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes('id="indicator-form"'), 'the owner gets the form');
      const lock = lockOf(page.body);
      assert.ok(lock, 'lock_version in the form');

      const other = await w.signIn(w.people.editorOther);
      const ro = await other.get(`/staff/kpi/indicators/${id}`);
      assert.equal(ro.statusCode, 200);
      assert.ok(!ro.body.includes('id="indicator-form"'), 'read-only for another department');
      assert.ok(textOf(ro.body).includes('閲覧のみ'), 'says it is read-only');
      assert.equal(
        (await other.post(`/staff/kpi/indicators/${id}`, validDefinition({ lock_version: lock }))).statusCode,
        403,
      );
      const committee = await w.signIn(w.people.committee);
      await committee.get(`/staff/kpi/indicators/${id}`);
      assert.equal(
        (await committee.post(`/staff/kpi/indicators/${id}`, validDefinition({ lock_version: lock })))
          .statusCode,
        403,
      );
      assert.equal((await editor.get('/staff/kpi/indicators/99999')).statusCode, 404);
      assert.equal((await editor.get('/staff/kpi/indicators/abc')).statusCode, 404);

      const planner = await w.signIn(w.people.planner);
      await planner.get(`/staff/kpi/indicators/${id}`);
      const first = await planner.post(
        `/staff/kpi/indicators/${id}`,
        validDefinition({
          name: '地域運営組織の数（改）',
          baselineValue: '2',
          targetValue: '12',
          lock_version: lock,
        }),
      );
      assert.equal(first.statusCode, 303, textOf(first.body).slice(0, 300));
      assert.match(String(first.headers.location), /done=saved/);

      const stale = await editor.post(
        `/staff/kpi/indicators/${id}`,
        validDefinition({ name: '私の名前', baselineValue: '2', targetValue: '30', lock_version: lock }),
      );
      assert.equal(stale.statusCode, 409, 'conflict');
      const st = textOf(stale.body);
      assert.ok(st.includes('他の人が先に保存しました'), 'the conflict is explained');
      assert.ok(st.includes('地域運営組織の数（改）'), "the other's saved name is shown");
      assert.ok(stale.body.includes('value="私の名前"'), "the user's own value is kept in the form");
      assert.equal(lockOf(stale.body), String(Number(lock) + 1), 'the form now carries the current version');
      const row = await w.db.kysely
        .selectFrom('indicators')
        .select(['name', 'target_value'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(row.name, '地域運営組織の数（改）', 'nothing overwritten');
      assert.equal(Number(row.target_value), 12);
      const a = await audits('indicator.update');
      assert.equal(a.filter((x) => x.resource_id === String(id)).length, 1, 'one update audited');

      const validationWithLock = await editor.post(
        `/staff/kpi/indicators/${id}`,
        validDefinition({ name: '', lock_version: String(Number(lock) + 1) }),
      );
      assertFieldError(validationWithLock, 400, 'name', '指標名を入力してください');
      assert.equal(
        lockOf(validationWithLock.body),
        String(Number(lock) + 1),
        'the sent version is kept on errors',
      );
      // restore the fixture's name for the other tests
      const restore = await editor.post(
        `/staff/kpi/indicators/${id}`,
        validDefinition({
          name: '地域運営組織の数',
          baselineValue: '2',
          targetValue: '12',
          lock_version: String(Number(lock) + 1),
        }),
      );
      assert.equal(restore.statusCode, 303);
    });

    test('deleting an indicator: planners only, confirmation names what goes, actuals and history removed', async () => {
      const id = await buildIndicator(w.db, { nodePath: '1/1', name: '削除される指標' });
      const { buildActual } = await import('../../../test/support/kpi.ts');
      await buildActual(w.db, id, 2021, 1);
      await buildActual(w.db, id, 2022, 2);
      const editor = await w.signIn(w.people.editor);
      assert.equal((await editor.get(`/staff/kpi/indicators/${id}/delete`)).statusCode, 403);
      await editor.get('/staff/kpi');
      assert.equal(
        (await editor.post(`/staff/kpi/indicators/${id}/delete`, { lock_version: '1' })).statusCode,
        403,
      );
      const planner = await w.signIn(w.people.planner);
      const confirm = await planner.get(`/staff/kpi/indicators/${id}/delete`);
      assert.equal(confirm.statusCode, 200);
      const ct = textOf(confirm.body);
      assert.ok(
        ct.includes('実績値2件とその変更履歴2件も一緒に削除'),
        `says what goes with it: ${ct.slice(0, 200)}`,
      );
      const stale = await planner.post(`/staff/kpi/indicators/${id}/delete`, { lock_version: '7' });
      assert.equal(stale.statusCode, 409, 'a stale confirmation deletes nothing');
      assert.ok(
        await w.db.kysely.selectFrom('indicators').select('id').where('id', '=', id).executeTakeFirst(),
        'still there',
      );
      await planner.get(`/staff/kpi/indicators/${id}/delete`);
      const ok = await planner.post(`/staff/kpi/indicators/${id}/delete`, { lock_version: '1' });
      assert.equal(ok.statusCode, 303);
      for (const table of ['indicator_actuals', 'indicator_actual_history', 'indicator_targets'] as const) {
        const n = await w.db.kysely
          .selectFrom(table)
          .select((e) => e.fn.countAll().as('n'))
          .where('indicator_id', '=', id)
          .executeTakeFirstOrThrow();
        assert.equal(Number(n.n), 0, `${table} emptied`);
      }
      assert.equal(
        await w.db.kysely.selectFrom('indicators').select('id').where('id', '=', id).executeTakeFirst(),
        undefined,
      );
      const a = await audits('indicator.delete');
      assert.ok(
        a.some((x) => x.resource_id === String(id) && String(x.before_json).includes('削除される指標')),
        'audited with its definition',
      );
      const list = await planner.get(String(ok.headers.location));
      assert.ok(textOf(list.body).includes('目標指標を削除しました'), 'flash');
    });

    test('actuals: enter, change, conflict, delete, history; validation names the field', async () => {
      const id = w.kpi.indicatorId;
      const base = `/staff/kpi/indicators/${id}/actuals`;
      const editor = await w.signIn(w.people.editor);
      const page = await editor.get(base);
      assert.equal(page.statusCode, 200);
      const t = textOf(page.body);
      for (const y of [2021, 2022, 2023, 2024, 2025, 2026])
        assert.ok(page.body.includes(`id="fy-${y}"`), `a row for FY${y}`);
      assert.ok(!page.body.includes('id="fy-2020"'), 'not the baseline year');
      assert.ok(!page.body.includes('id="fy-2027"'), 'not beyond max(target, current FY)');
      assert.ok(t.includes('変更履歴'), 'history section');
      assert.ok(t.includes('画面'), 'history says through which way');

      // validation
      const cases: Array<[Record<string, string>, string, string]> = [
        [{ fiscalYear: '2024', value: '', status: 'final' }, 'value', '実績値を入力してください'],
        [{ fiscalYear: '2024', value: '12a', status: 'final' }, 'value', '実績値は数字で入力してください'],
        [{ fiscalYear: '2024', value: '1', status: 'maybe' }, 'status', '速報・確定を選んでください'],
        [{ fiscalYear: '2019', value: '1', status: 'final' }, 'fiscalYear', '年度は一覧から選んでください'],
        [{ fiscalYear: '2027', value: '1', status: 'final' }, 'fiscalYear', '年度は一覧から選んでください'],
        [
          { fiscalYear: '2024', value: '1', status: 'final', note: 'あ'.repeat(501) },
          'note',
          '備考は500文字以内',
        ],
      ];
      for (const [body, field, words] of cases) {
        const res = await editor.post(base, { intent: 'save', ...body });
        assertFieldError(res, 400, field, words);
        if (body.value) assert.ok(res.body.includes(`value="${body.value}"`), 'the typed value is kept');
      }

      // create 2024 with full-width digits and a separator
      const created = await editor.post(base, {
        intent: 'save',
        fiscalYear: '2024',
        'v-2024': '',
        value: '１，２３４',
        status: 'preliminary',
        note: '速報',
      });
      assert.equal(created.statusCode, 303, textOf(created.body).slice(0, 300));
      const after303 = await editor.get(String(created.headers.location));
      assert.ok(
        textOf(after303.body).includes('令和6年度（2024年度）の実績値を保存しました'),
        'flash after 303',
      );
      const a24 = await w.db.kysely
        .selectFrom('indicator_actuals')
        .selectAll()
        .where('indicator_id', '=', id)
        .where('fiscal_year', '=', 2024)
        .executeTakeFirstOrThrow();
      assert.equal(Number(a24.value), 1234);
      assert.equal(a24.status, 'preliminary');
      assert.equal(Number(a24.lock_version), 1);

      // change 2023 (version 1 in the fixture) to final
      const changed = await editor.post(base, {
        intent: 'save',
        fiscalYear: '2023',
        'v-2023': '1',
        value: '7',
        status: 'final',
        note: '',
      });
      assert.equal(changed.statusCode, 303);
      // a stale form for 2023: someone else's value is shown, the user's own is kept, nothing overwritten
      const other = await w.signIn(w.people.planner);
      await other.get(base);
      const stale = await other.post(base, {
        intent: 'save',
        fiscalYear: '2023',
        'v-2023': '1',
        value: '８',
        status: 'final',
        note: '私の値',
      });
      assert.equal(stale.statusCode, 409);
      const st = textOf(stale.body);
      assert.ok(st.includes('他の人が先に保存しました'), 'conflict explained');
      assert.ok(st.includes(`${w.people.editor.role}`), 'who');
      assert.ok(
        st.includes('令和5年度（2023年度）の実績値を 7団体（確定）にしました'),
        `the other's value and status: ${st.slice(0, 600)}`,
      );
      assert.ok(stale.body.includes('value="８"'), "the user's own value is kept");
      assert.ok(stale.body.includes('value="私の値"'), "the user's own note is kept");
      assert.ok(stale.body.includes('name="v-2023" value="2"'), 'the form now carries the current version');
      const a23 = await w.db.kysely
        .selectFrom('indicator_actuals')
        .selectAll()
        .where('indicator_id', '=', id)
        .where('fiscal_year', '=', 2023)
        .executeTakeFirstOrThrow();
      assert.equal(Number(a23.value), 7, 'nothing overwritten');

      // unauthorised writes
      const otherDept = await w.signIn(w.people.editorOther);
      const ro = await otherDept.get(base);
      assert.equal(ro.statusCode, 200);
      assert.ok(!ro.body.includes('id="entry-form"'), 'read-only for another department');
      assert.equal(
        (await otherDept.post(base, { intent: 'save', fiscalYear: '2025', value: '1', status: 'final' }))
          .statusCode,
        403,
      );
      const committee = await w.signIn(w.people.committee);
      const cro = await committee.get(base);
      assert.ok(!cro.body.includes('id="entry-form"'), 'read-only for the committee');
      assert.equal(
        (await committee.post(base, { intent: 'save', fiscalYear: '2025', value: '1', status: 'final' }))
          .statusCode,
        403,
      );

      // delete the 2024 value entered by mistake
      await editor.get(base);
      const del = await editor.post(base, { intent: 'delete', fiscalYear: '2024', 'v-2024': '1' });
      assert.equal(del.statusCode, 303);
      const gone = await w.db.kysely
        .selectFrom('indicator_actuals')
        .select('id')
        .where('indicator_id', '=', id)
        .where('fiscal_year', '=', 2024)
        .executeTakeFirst();
      assert.equal(gone, undefined, 'deleted');
      const staleDelete = await editor.post(base, { intent: 'delete', fiscalYear: '2023', 'v-2023': '1' });
      assert.equal(staleDelete.statusCode, 409, 'a stale delete deletes nothing');

      const hist = await w.db.kysely
        .selectFrom('indicator_actual_history')
        .selectAll()
        .where('indicator_id', '=', id)
        .orderBy('id')
        .execute();
      const changes = hist.map(
        (h) => `${h.fiscal_year}:${h.change}:${h.value === null ? '-' : Number(h.value)}:${h.version}`,
      );
      assert.deepEqual(
        changes.slice(-3),
        ['2024:create:1234:1', '2023:update:7:2', '2024:delete:-:1'],
        'history of every change',
      );
      const final = await editor.get(base);
      const ft = textOf(final.body);
      assert.ok(
        ft.includes('新規入力') && ft.includes('削除') && ft.includes('変更'),
        'history shown with its changes',
      );
      const actions =
        (await audits('indicator.actual.create')).length +
        (await audits('indicator.actual.update')).length +
        (await audits('indicator.actual.delete')).length;
      assert.ok(actions >= 3, 'each write audited');
    });

    test('grade rules: planners only, validated, locked, audited', async () => {
      for (const who of ['editor', 'admin', 'committee'] as const) {
        const b = await w.signIn(w.people[who]);
        assert.equal((await b.get('/staff/kpi/settings')).statusCode, 403, `${who} may not`);
      }
      const planner = await w.signIn(w.people.planner);
      const page = await planner.get('/staff/kpi/settings');
      assert.equal(page.statusCode, 200);
      assert.ok(textOf(page.body).includes('A：達成率 100% 以上（達成）'), 'the current scale');
      const lock = lockOf(page.body);
      assert.equal(lock, '0', 'no settings row yet');
      const rows = (r: Array<[string, string, string]>, extra: Record<string, string> = {}) => {
        const body: Record<string, string> = { lock_version: lock, ...extra };
        r.forEach(([g, m, l], i) => {
          body[`grade-grade-${i + 1}`] = g;
          body[`grade-min-${i + 1}`] = m;
          body[`grade-label-${i + 1}`] = l;
        });
        return body;
      };
      const cases: Array<[Record<string, string>, string, string]> = [
        [
          rows([
            ['S', '100', '達成'],
            ['B', 'abc', '順調'],
            ['C', '', 'それ以外'],
          ]),
          'grade-min-2',
          '2段目の下限の達成率（%）は数字で',
        ],
        [
          rows([
            ['', '100', '達成'],
            ['C', '', 'それ以外'],
          ]),
          'grade-grade-1',
          '1段目の評価の記号を入力',
        ],
        [
          rows([
            ['A', '50', '達成'],
            ['B', '80', '順調'],
            ['C', '', '遅れ'],
          ]),
          'grades',
          '上の段階ほど大きく',
        ],
        [
          rows([
            ['A', '100', '達成'],
            ['B', '80', '順調'],
          ]),
          'grades',
          '最後の段階は「それ以外」',
        ],
        [
          rows([
            ['A', '100', '達成'],
            ['A', '', '遅れ'],
          ]),
          'grades',
          '重複',
        ],
        [rows([['A', '', '全部']]), 'grades', '2〜10個'],
        [
          rows([
            ['A', '100', 'あ'.repeat(41)],
            ['B', '', '遅れ'],
          ]),
          'grade-label-1',
          '1段目の意味は40文字以内',
        ],
      ];
      for (const [body, field, words] of cases)
        assertFieldError(await planner.post('/staff/kpi/settings', body), 400, field, words);
      const ok = await planner.post(
        '/staff/kpi/settings',
        rows([
          ['Ａ', '９０', '達成'],
          ['B', '60', '概ね順調'],
          ['C', '', '遅れ'],
        ]),
      );
      assert.equal(ok.statusCode, 303, textOf(ok.body).slice(0, 300));
      const row = await w.db.kysely
        .selectFrom('kpi_settings')
        .selectAll()
        .where('municipality_code', '=', MUNI)
        .executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(row.grade_rules), [
        { grade: 'A', min: 90, label: '達成' },
        { grade: 'B', min: 60, label: '概ね順調' },
        { grade: 'C', min: null, label: '遅れ' },
      ]);
      assert.equal(Number(row.lock_version), 1);
      const shown = await planner.get(String(ok.headers.location));
      assert.ok(textOf(shown.body).includes('評価の基準を保存しました'), 'flash');
      assert.ok(textOf(shown.body).includes('A：達成率 90% 以上（達成）'), 'the new scale shown');
      const stale = await planner.post(
        '/staff/kpi/settings',
        rows([
          ['A', '100', '達成'],
          ['D', '', '遅れ'],
        ]),
      );
      assert.equal(stale.statusCode, 409, 'a form from version 0 conflicts');
      assert.ok(textOf(stale.body).includes('他の人が評価の基準を保存しました'));
      assert.ok(stale.body.includes('value="D"'), 'what was typed is kept');
      assert.equal((await audits('kpi_settings.update')).length, 1, 'audited once');
    });
  });
}
