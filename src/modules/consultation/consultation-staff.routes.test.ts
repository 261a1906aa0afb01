import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildTestApp } from '../../../test/support/app.ts';
import type { TestBrowser } from '../../../test/support/browser-session.ts';
import {
  buildConsultation,
  buildGroup,
  buildSubmission,
  nodeIdAt,
} from '../../../test/support/consultation.ts';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';
import { buildDepartment, buildStaff, signInAs } from '../../../test/support/staff.ts';

/** Text of a page with tags removed and entities decoded. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

const lockOf = (html: string) => /name="lockVersion" value="(\d+)"/.exec(html)?.[1] ?? '';

/** Posts urlencoded pairs (repeated names allowed) with the browser's cookies and CSRF token. */
async function postPairs(
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

const NOW = new Date('2026-11-20T03:00:00.000Z');
const FORBIDDEN = 'このページを表示する権限がありません';
const CANARY_NAME = 'カナリア検証太郎';
const CANARY_ADDRESS = '山陽小野田市カナリア町9-9-9';

const VALID = {
  title: '中期基本計画（案）への意見募集',
  summary: '案について、市民の皆さんのご意見を募集します。',
  eligibility: '市内に住所を有する方',
  opensDate: '2026-12-01',
  opensTime: '09:00',
  closesDate: '2026-12-31',
  closesTime: '23:59',
  shortPeriodReason: '',
  postalAddress: '〒756-8601 山陽小野田市日の出一丁目1番1号',
  faxNumber: '0836-83-2604',
  emailAddress: 'kikaku@city.example.jp',
  inPersonPlace: '市役所3階 企画課',
  readingPlaces: '市役所企画課、中央図書館',
  contact: '企画課 0836-82-1111',
};

for (const dialect of DIALECTS) {
  describe(`staff pages of public comment (${dialect})`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    let planner: TestBrowser;
    let planner2: TestBrowser;
    let editor: TestBrowser;
    let committee: TestBrowser;
    let versionId = 0;
    let leadDept = 0;
    let otherDept = 0;
    const clock = () => NOW;

    const audits = (action: string) =>
      db.kysely.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();

    before(async () => {
      db = await createTestDb(dialect);
      app = await buildTestApp(db, { clock });
      leadDept = await buildDepartment(db, '子育て支援課');
      otherDept = await buildDepartment(db, '都市計画課');
      const v = await db.kysely
        .selectFrom('plan_versions')
        .select(['id', 'plan_id'])
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      versionId = v.id;
      await db.kysely
        .insertInto('measure_departments')
        .values({
          municipality_code: '352161',
          plan_id: v.plan_id,
          node_path: '1/2',
          department_id: leadDept,
          role: 'lead',
        })
        .execute();
      planner = await signInAs(app, await buildStaff(db, 'planner'), clock);
      planner2 = await signInAs(app, await buildStaff(db, 'planner'), clock);
      editor = await signInAs(app, await buildStaff(db, 'editor', [leadDept]), clock);
      committee = await signInAs(app, await buildStaff(db, 'committee'), clock);
    });
    after(async () => {
      await app?.close();
      await db?.drop();
    });

    test('planners create a consultation: defaults, Tokyo times stored as UTC, audited', async () => {
      const form = await planner.get('/staff/consultations/new');
      assert.equal(form.statusCode, 200);
      assert.ok(
        textOf(form.body).includes('市内の事務所又は事業所に勤務する方、市内の学校に在学する方'),
        "the city's usual eligibility wording is the default",
      );
      assert.match(form.body, new RegExp(`<option value="${versionId}" selected`), 'latest version selected');
      assert.match(
        form.body,
        /type="date"[^>]*id="opensDate"|id="opensDate"[^>]*type="date"|type="date" id="opensDate"/,
      );
      const r = await planner.post('/staff/consultations/new', { ...VALID, version: String(versionId) });
      assert.equal(r.statusCode, 303, textOf(r.body).slice(0, 300));
      const id = Number(/\/staff\/consultations\/(\d+)/.exec(String(r.headers.location))?.[1]);
      const row = await db.kysely
        .selectFrom('consultations')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(String(row.opens_at).slice(0, 19), '2026-12-01T00:00:00', '09:00 JST is 00:00 UTC');
      assert.equal(String(new Date(row.closes_at).toISOString()), '2026-12-31T14:59:00.000Z');
      assert.equal(row.short_period_reason, null, 'a 30-day period needs no reason');
      const a = await audits('consultation.create');
      assert.equal(a.length, 1, 'one audit entry');
      assert.equal(String(a[0]!.resource_id), String(id));
      const hub = await planner.get(String(r.headers.location));
      assert.equal(hub.statusCode, 200);
      for (const href of ['/edit', '/entry', '/opinions', '/suggestions', '/groups', '/answers', '/publish'])
        assert.ok(hub.body.includes(`href="/staff/consultations/${id}${href}"`), `hub links to ${href}`);
      assert.ok(hub.body.includes(`href="/consultations/${id}"`), 'hub links to the public page');
      assert.ok(textOf(hub.body).includes('作成しました'), 'notice');
      const list = await editor.get('/staff/consultations');
      assert.equal(list.statusCode, 200);
      assert.ok(textOf(list.body).includes(VALID.title), 'editors read the list');
      assert.ok(!list.body.includes('href="/staff/consultations/new"'), 'editors get no create link');
    });

    test('each bad input is refused with 400 naming the field, and nothing is saved', async () => {
      const count = async () =>
        Number(
          (
            await db.kysely
              .selectFrom('consultations')
              .select((e) => e.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const before = await count();
      const cases: Array<[Record<string, string>, string]> = [
        [{ title: '' }, '件名を入力してください'],
        [{ title: `題\u0000名` }, '件名に使えない文字'],
        [{ title: 'あ'.repeat(201) }, '件名は200文字以内'],
        [{ version: '99999' }, '対象の計画の版を一覧から選んでください'],
        [{ eligibility: '' }, '意見を提出できる方を入力してください'],
        [{ opensDate: '2026-02-30' }, '募集開始日は正しい日付'],
        [{ opensTime: '25:00' }, '募集開始時刻は正しい時刻'],
        [{ closesDate: '2026-11-30' }, '募集終了日は募集開始より後'],
        [{ closesDate: '2026-12-20' }, '募集期間が30日未満です。募集期間が30日未満の理由を入力してください'],
        [{ emailAddress: 'not-an-address' }, '電子メールの宛先は正しい形式'],
        [{ faxNumber: '<script>' }, 'ファクス番号は数字とハイフン'],
      ];
      await planner.get('/staff/consultations/new');
      for (const [change, message] of cases) {
        const r = await planner.post('/staff/consultations/new', {
          ...VALID,
          version: String(versionId),
          ...change,
        });
        assert.equal(r.statusCode, 400, `${JSON.stringify(change)} → 400`);
        assert.ok(textOf(r.body).includes(message), `${JSON.stringify(change)}: ${message}`);
        assert.ok(r.body.includes('class="error-summary"'), 'error summary');
      }
      assert.equal(await count(), before, 'nothing saved');
      // a short period with its reason is accepted, and the reason kept
      const ok = await planner.post('/staff/consultations/new', {
        ...VALID,
        version: String(versionId),
        closesDate: '2026-12-20',
        shortPeriodReason: '年度内に計画を決定する必要があるため',
      });
      assert.equal(ok.statusCode, 303);
      const id = Number(/(\d+)/.exec(String(ok.headers.location))?.[1]);
      const row = await db.kysely
        .selectFrom('consultations')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(row.short_period_reason, '年度内に計画を決定する必要があるため');
    });

    test('a second save from an outdated form gets a conflict and overwrites nothing', async () => {
      const id = await buildConsultation(db, { title: '競合テスト' });
      const a = await planner.get(`/staff/consultations/${id}/edit`);
      const b = await planner2.get(`/staff/consultations/${id}/edit`);
      assert.equal(lockOf(a.body), '1');
      assert.equal(lockOf(b.body), '1');
      const base = {
        ...VALID,
        version: String(versionId),
        opensDate: '2026-11-01',
        closesDate: '2026-12-31',
      };
      const first = await planner.post(`/staff/consultations/${id}/edit`, {
        ...base,
        title: 'Aの件名',
        lockVersion: '1',
      });
      assert.equal(first.statusCode, 303);
      const second = await planner2.post(`/staff/consultations/${id}/edit`, {
        ...base,
        title: 'Bの件名',
        lockVersion: '1',
      });
      assert.equal(second.statusCode, 409);
      assert.ok(textOf(second.body).includes('他の職員が変更しました'), 'clear conflict message');
      const row = await db.kysely
        .selectFrom('consultations')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(row.title, 'Aの件名', 'the first save stands');
      assert.equal(row.lock_version, 2);
      const up = await audits('consultation.update');
      assert.equal(up.filter((x) => String(x.resource_id) === String(id)).length, 1, 'one update audited');
      // the editor may neither open nor post the form; the committee sees nothing
      assert.equal((await editor.get(`/staff/consultations/${id}/edit`)).statusCode, 403);
      await editor.get('/staff');
      const ep = await editor.post(`/staff/consultations/${id}/edit`, { ...base, lockVersion: '2' });
      assert.equal(ep.statusCode, 403);
      assert.ok(ep.body.includes(FORBIDDEN));
      assert.equal((await committee.get(`/staff/consultations/${id}`)).statusCode, 403);
      assert.equal((await committee.get(`/staff/consultations/${id}/opinions`)).statusCode, 403);
    });

    test('triage list: filters, search with highlight, bad filters, no personal data', async () => {
      const id = await buildConsultation(db, { title: '仕分けテスト' });
      const n11 = await nodeIdAt(db, id, '1/1');
      const n12 = await nodeIdAt(db, id, '1/2');
      await buildSubmission(db, id, {
        name: CANARY_NAME,
        address: CANARY_ADDRESS,
        opinions: [
          { nodeId: n11, body: '公園の遊具を増やしてほしい。子育て世代が集まれる場所にしてほしい。' },
          { nodeId: null, body: '計画全体として、数値目標をもっと明確にしてほしい。' },
        ],
      });
      await buildSubmission(db, id, {
        channel: 'post',
        category: 'worker',
        opinions: [{ nodeId: n12, body: '駅前の駐輪場を整備してほしい。' }],
      });
      const all = await planner.get(`/staff/consultations/${id}/opinions`);
      assert.equal(all.statusCode, 200);
      assert.ok(textOf(all.body).includes('3件'), 'the total');
      assert.ok(!textOf(all.body).includes(CANARY_NAME), 'no name in the list');
      assert.ok(all.body.includes('/submissions/'), 'planners get the link to the submission');
      const ed = await editor.get(`/staff/consultations/${id}/opinions`);
      assert.equal(ed.statusCode, 200);
      assert.ok(
        !textOf(ed.body).includes(CANARY_NAME) && !textOf(ed.body).includes(CANARY_ADDRESS),
        'none for editors',
      );
      assert.ok(!ed.body.includes('/submissions/'), 'no submission link for editors');
      assert.ok(!ed.body.includes('name="ids"'), 'no bulk actions for editors');

      const check = async (query: string, expected: string[], absent: string[]) => {
        const r = await planner.get(`/staff/consultations/${id}/opinions?${query}`);
        assert.equal(r.statusCode, 200, query);
        const text = textOf(r.body);
        for (const e of expected) assert.ok(text.includes(e), `${query}: shows ${e}`);
        for (const e of absent) assert.ok(!text.includes(e), `${query}: hides ${e}`);
        return r;
      };
      await check('channel=post', ['駐輪場', '1件'], ['遊具']);
      await check('category=worker', ['駐輪場'], ['遊具']);
      await check(`section=${n11}`, ['遊具'], ['駐輪場', '数値目標']);
      await check('section=whole', ['数値目標'], ['遊具']);
      await check(`department=${leadDept}`, ['条件に合う意見はありません'], ['遊具']);
      await check('department=none', ['遊具', '駐輪場'], []);
      await check('group=grouped', ['条件に合う意見はありません'], []);
      await check('state=accepted', ['条件に合う意見はありません'], []);
      const long = await check(`q=${encodeURIComponent('子育て世代')}`, ['遊具', '1件'], ['駐輪場']);
      assert.ok(long.body.includes('<mark>子育て世代</mark>'), 'match highlighted (trigram)');
      const short = await check(`q=${encodeURIComponent('公園')}`, ['遊具'], ['駐輪場']);
      assert.ok(short.body.includes('<mark>公園</mark>'), 'match highlighted (2 characters)');
      await check(`q=${encodeURIComponent('ＰＡＲＫ')}`, ['条件に合う意見はありません'], []);
      await check(`q=${encodeURIComponent('公園 駐輪場')}`, ['条件に合う意見はありません'], []);
      // bad filters: a clear message, the filter dropped, never a 500
      for (const [q, message] of [
        ['state=bogus', '「状態」の値が正しくない'],
        ['section=99999', '「対象の項目」の値が正しくない'],
        ['department=abc', '「担当課」の値が正しくない'],
        ['channel=phone', '「提出方法」の値が正しくない'],
        ['group=maybe', '「グループ」の値が正しくない'],
        ['before=-1', 'ページの指定が正しくない'],
        [`q=${encodeURIComponent('a\u0000b')}`, '使えない文字'],
        [`q=${'x'.repeat(300)}`, '200文字以内'],
      ] as const) {
        const r = await planner.get(`/staff/consultations/${id}/opinions?${q}`);
        assert.equal(r.statusCode, 200, q);
        assert.ok(textOf(r.body).includes(message), `${q}: ${message}`);
        assert.ok(textOf(r.body).includes('3件'), `${q}: listed without the bad filter`);
      }
    });

    test('opinion actions: accept, wrong state, exclude with a kept reason, reinstate, section, department', async () => {
      const id = await buildConsultation(db, { title: '操作テスト' });
      const n12 = await nodeIdAt(db, id, '1/2');
      const { opinionIds } = await buildSubmission(db, id, {
        opinions: [
          { nodeId: null, body: '賛成です。' },
          { nodeId: null, body: '図書館の開館時間を延ばしてほしい。' },
        ],
      });
      const [o1, o2] = opinionIds as [number, number];
      const url = (o: number) => `/staff/consultations/${id}/opinions/${o}`;
      const state = async (o: number) =>
        db.kysely.selectFrom('opinions').selectAll().where('id', '=', o).executeTakeFirstOrThrow();

      const page = await planner.get(url(o1));
      assert.equal(page.statusCode, 200);
      assert.ok(textOf(page.body).includes('図書館の開館時間'), 'the other opinions of the submission');
      const accept = await planner.post(url(o1), { action: 'accept', lockVersion: lockOf(page.body) });
      assert.equal(accept.statusCode, 303);
      assert.equal((await state(o1)).state, 'accepted');
      assert.equal(
        (await audits('opinion.accept')).filter((a) => String(a.resource_id) === String(o1)).length,
        1,
      );
      // accepting again: wrong state, with a message
      const p2 = await planner.get(url(o1));
      const again = await planner.post(url(o1), { action: 'accept', lockVersion: lockOf(p2.body) });
      assert.equal(again.statusCode, 409);
      assert.ok(textOf(again.body).includes('「対象」のため、この操作はできません'), 'wrong state explained');
      // an outdated lock version: conflict, nothing written
      const stale = await planner.post(url(o1), {
        action: 'exclude',
        reason: 'stance_only',
        note: '',
        lockVersion: '1',
      });
      assert.equal(stale.statusCode, 409);
      assert.ok(textOf(stale.body).includes('他の職員が変更しました'));
      assert.equal((await state(o1)).state, 'accepted');
      // exclude: reason required; note required for other
      const p3 = await planner.get(url(o1));
      const lock = lockOf(p3.body);
      const noReason = await planner.post(url(o1), {
        action: 'exclude',
        reason: '',
        note: '',
        lockVersion: lock,
      });
      assert.equal(noReason.statusCode, 400);
      assert.ok(textOf(noReason.body).includes('対象外の理由を選んでください'));
      const noNote = await planner.post(url(o1), {
        action: 'exclude',
        reason: 'other',
        note: '',
        lockVersion: lock,
      });
      assert.equal(noNote.statusCode, 400);
      assert.ok(textOf(noNote.body).includes('補足を入力してください'));
      const ex = await planner.post(url(o1), {
        action: 'exclude',
        reason: 'stance_only',
        note: '賛否のみ',
        lockVersion: lock,
      });
      assert.equal(ex.statusCode, 303);
      const excluded = await state(o1);
      assert.equal(excluded.state, 'excluded');
      assert.equal(excluded.exclusion_reason, 'stance_only', 'the reason is kept');
      const shown = await editor.get(url(o1));
      assert.ok(textOf(shown.body).includes('賛否のみ'), 'the reason is shown');
      assert.ok(textOf(shown.body).includes('仕分けは企画担当の職員が行います'), 'editors read only');
      assert.ok(!shown.body.includes('name="action"'), 'no action forms for editors');
      await editor.get('/staff');
      assert.equal(
        (
          await editor.post(url(o1), {
            action: 'reinstate',
            lockVersion: lockOf((await planner.get(url(o1))).body),
          })
        ).statusCode,
        403,
      );
      const p4 = await planner.get(url(o1));
      assert.equal(
        (await planner.post(url(o1), { action: 'reinstate', lockVersion: lockOf(p4.body) })).statusCode,
        303,
      );
      assert.equal((await state(o1)).state, 'new');
      // section change: the department becomes the section's lead department
      const p5 = await planner.get(url(o2));
      const sec = await planner.post(url(o2), {
        action: 'section',
        section: String(n12),
        lockVersion: lockOf(p5.body),
      });
      assert.equal(sec.statusCode, 303);
      const moved = await state(o2);
      assert.equal(moved.node_id, n12);
      assert.equal(moved.department_id, leadDept, 'lead department of 1/2');
      const badSection = await planner.post(url(o2), {
        action: 'section',
        section: '99999',
        lockVersion: String(moved.lock_version),
      });
      assert.equal(badSection.statusCode, 400);
      assert.ok(textOf(badSection.body).includes('対象の項目を一覧から選んでください'));
      const dep = await planner.post(url(o2), {
        action: 'department',
        department: String(otherDept),
        lockVersion: String(moved.lock_version),
      });
      assert.equal(dep.statusCode, 303);
      assert.equal((await state(o2)).department_id, otherDept);
      const badDep = await planner.post(url(o2), {
        action: 'department',
        department: '99999',
        lockVersion: '3',
      });
      assert.equal(badDep.statusCode, 400);
      assert.ok(textOf(badDep.body).includes('担当課を一覧から選んでください'));
      const bogus = await planner.post(url(o2), { action: 'delete', lockVersion: '3' });
      assert.equal(bogus.statusCode, 400);
      const secAudit = await audits('opinion.section.set');
      const last = secAudit.find((a) => String(a.resource_id) === String(o2));
      assert.ok(last, 'section change audited');
      assert.match(String(last.after_json), new RegExp(`"departmentId":${leadDept}`));
    });

    test('split keeps the original unchanged and creates the parts; empty parts refused', async () => {
      const id = await buildConsultation(db, { title: '分割テスト' });
      const n12 = await nodeIdAt(db, id, '1/2');
      const body = '公園を増やしてほしい。また、駅前の駐輪場も整備してほしい。';
      const { opinionIds, submissionId } = await buildSubmission(db, id, {
        channel: 'fax',
        opinions: [{ nodeId: null, body }],
      });
      const o = opinionIds[0]!;
      const url = `/staff/consultations/${id}/opinions/${o}`;
      const page = await planner.get(`${url}?parts=3`);
      assert.ok(page.body.includes('id="part3"'), 'three part fields');
      const lock = lockOf(page.body);
      const empty = await planner.post(url, {
        action: 'split',
        lockVersion: lock,
        part1: '公園を増やしてほしい。',
        section1: 'whole',
        part2: '   ',
        section2: 'whole',
      });
      assert.equal(empty.statusCode, 400);
      assert.ok(textOf(empty.body).includes('分割後の意見2を入力してください'));
      const one = await planner.post(url, {
        action: 'split',
        lockVersion: lock,
        part1: '公園',
        section1: 'whole',
      });
      assert.equal(one.statusCode, 400);
      assert.ok(textOf(one.body).includes('2つ以上に分けてください'));
      const ok = await planner.post(url, {
        action: 'split',
        lockVersion: lock,
        part1: '公園を増やしてほしい。',
        section1: 'whole',
        part2: '駅前の駐輪場も整備してほしい。',
        section2: String(n12),
      });
      assert.equal(ok.statusCode, 303, textOf(ok.body).slice(0, 400));
      const original = await db.kysely
        .selectFrom('opinions')
        .selectAll()
        .where('id', '=', o)
        .executeTakeFirstOrThrow();
      assert.equal(original.state, 'split');
      assert.equal(original.body, body, 'text unchanged');
      const parts = await db.kysely
        .selectFrom('opinions')
        .selectAll()
        .where('split_from', '=', o)
        .orderBy('id')
        .execute();
      assert.equal(parts.length, 2);
      assert.deepEqual(
        parts.map((p) => [p.submission_id, p.channel, p.state, p.node_id, p.department_id]),
        [
          [submissionId, 'fax', 'new', null, null],
          [submissionId, 'fax', 'new', n12, leadDept],
        ],
      );
      assert.equal(
        (await audits('opinion.split')).filter((a) => String(a.resource_id) === String(o)).length,
        1,
      );
      // the list hides the split original unless asked
      const list = await planner.get(`/staff/consultations/${id}/opinions`);
      assert.ok(textOf(list.body).includes('2件'));
      const splitOnly = await planner.get(`/staff/consultations/${id}/opinions?state=split`);
      assert.ok(textOf(splitOnly.body).includes('1件'));
      // splitting again: wrong state
      const again = await planner.post(url, {
        action: 'split',
        lockVersion: String(original.lock_version),
        part1: 'a',
        section1: 'whole',
        part2: 'b',
        section2: 'whole',
      });
      assert.equal(again.statusCode, 409);
    });

    test('grouped opinions cannot be excluded or split', async () => {
      const id = await buildConsultation(db, { title: 'グループテスト' });
      const { opinionIds } = await buildSubmission(db, id, {
        opinions: [{ nodeId: null, body: '防災訓練を増やしてほしい。' }],
      });
      await buildGroup(db, id, [opinionIds[0]!]);
      const url = `/staff/consultations/${id}/opinions/${opinionIds[0]}`;
      const page = await planner.get(url);
      const r = await planner.post(url, {
        action: 'exclude',
        reason: 'off_topic',
        note: '',
        lockVersion: lockOf(page.body),
      });
      assert.equal(r.statusCode, 409);
      assert.ok(textOf(r.body).includes('グループに入っている'));
    });

    test('bulk accept and assign from the list', async () => {
      const id = await buildConsultation(db, { title: '一括テスト' });
      const { opinionIds } = await buildSubmission(db, id, {
        opinions: [
          { nodeId: null, body: '一つ目の意見' },
          { nodeId: null, body: '二つ目の意見' },
          { nodeId: null, body: '三つ目の意見' },
        ],
      });
      await planner.get(`/staff/consultations/${id}/opinions`);
      const r = await postPairs(app, planner, `/staff/consultations/${id}/opinions/bulk`, [
        ['ids', String(opinionIds[0])],
        ['ids', String(opinionIds[1])],
        ['action', 'accept'],
        ['back', '?channel=web'],
      ]);
      assert.equal(r.statusCode, 303);
      assert.match(String(r.headers.location), /\?channel=web&changed=2&skipped=0$/);
      const rows = await db.kysely
        .selectFrom('opinions')
        .select(['id', 'state'])
        .where('consultation_id', '=', id)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((x) => x.state),
        ['accepted', 'accepted', 'new'],
      );
      const d = await postPairs(app, planner, `/staff/consultations/${id}/opinions/bulk`, [
        ['ids', String(opinionIds[2])],
        ['action', 'department'],
        ['department', String(otherDept)],
      ]);
      assert.equal(d.statusCode, 303);
      const third = await db.kysely
        .selectFrom('opinions')
        .select('department_id')
        .where('id', '=', opinionIds[2]!)
        .executeTakeFirstOrThrow();
      assert.equal(third.department_id, otherDept);
      const page = await planner.get(String(d.headers.location));
      assert.ok(textOf(page.body).includes('1件を処理しました'));
    });

    test('the submission page shows personal data to planners only, and each view is audited without it', async () => {
      const id = await buildConsultation(db, { title: '個人情報テスト' });
      const { submissionId } = await buildSubmission(db, id, {
        name: CANARY_NAME,
        address: CANARY_ADDRESS,
        email: 'canary@example.jp',
        opinions: [{ nodeId: null, body: '意見です。' }],
      });
      const url = `/staff/consultations/${id}/submissions/${submissionId}`;
      const before = (await audits('submission.personal_data.view')).length;
      const r = await planner.get(url);
      assert.equal(r.statusCode, 200);
      assert.ok(textOf(r.body).includes(CANARY_NAME) && textOf(r.body).includes(CANARY_ADDRESS));
      assert.equal(r.headers['cache-control'], 'no-store');
      await planner.get(url);
      const views = await audits('submission.personal_data.view');
      assert.equal(views.length, before + 2, 'each view audited');
      const json = JSON.stringify(views.at(-1));
      assert.ok(
        !json.includes(CANARY_NAME) && !json.includes(CANARY_ADDRESS) && !json.includes('canary@'),
        'no personal values',
      );
      assert.equal((await editor.get(url)).statusCode, 403);
      assert.equal((await committee.get(url)).statusCode, 403);
      assert.equal(
        (await audits('submission.personal_data.view')).length,
        before + 2,
        'refused views not audited',
      );
      const other = await buildConsultation(db);
      assert.equal(
        (await planner.get(`/staff/consultations/${other}/submissions/${submissionId}`)).statusCode,
        404,
      );
    });

    test('staff entry: the web form validation, channel and date, postmark rule after the end, audited without personal data', async () => {
      // open 2026-11-01 … closes 2026-11-15 23:59:59 JST (the clock is 2026-11-20: closed)
      const id = await buildConsultation(db, {
        title: '郵送入力テスト',
        opensAt: '2026-10-31T15:00:00.000Z',
        closesAt: '2026-11-15T15:00:00.000Z',
      });
      const n11 = await nodeIdAt(db, id, '1/1');
      const url = `/staff/consultations/${id}/entry`;
      const form = await planner.get(url);
      assert.equal(form.statusCode, 200);
      assert.ok(form.body.includes('id="opinion-1"') && form.body.includes('id="receivedOn"'));
      const valid = {
        channel: 'post',
        receivedOn: '2026-11-15',
        name: CANARY_NAME,
        address: CANARY_ADDRESS,
        category: 'resident',
        categoryNote: '',
        email: '',
        phone: '',
        'section-1': String(n11),
        'opinion-1': '子どもの遊び場を増やしてほしい。',
      };
      const late = await planner.post(url, { ...valid, receivedOn: '2026-11-16' });
      assert.equal(late.statusCode, 400);
      assert.ok(textOf(late.body).includes('締切日（2026年11月15日）より後'), 'closing date shown');
      for (const [change, message] of [
        [{ channel: 'web' }, '提出方法を選んでください'],
        [{ receivedOn: '2026-13-01' }, '受付日（郵送は消印の日）は正しい日付'],
        [{ receivedOn: '2026-12-01' }, '未来の日付'],
        [{ name: '' }, '氏名'],
        [{ 'opinion-1': '' }, '意見'],
        [{ 'opinion-1': 'あ'.repeat(2001) }, '意見1'],
        [{ 'section-1': '99999' }, '意見1の対象'],
      ] as Array<[Record<string, string>, string]>) {
        const r = await planner.post(url, { ...valid, ...change });
        assert.equal(r.statusCode, 400, JSON.stringify(change));
        assert.ok(textOf(r.body).includes(message), `${JSON.stringify(change)}: ${message}`);
      }
      const count = async () =>
        Number(
          (
            await db.kysely
              .selectFrom('submissions')
              .select((e) => e.fn.countAll().as('n'))
              .where('consultation_id', '=', id)
              .executeTakeFirstOrThrow()
          ).n,
        );
      assert.equal(await count(), 0, 'nothing saved');
      const ok = await planner.post(url, valid);
      assert.equal(ok.statusCode, 303, textOf(ok.body).slice(0, 500));
      const s = await db.kysely
        .selectFrom('submissions')
        .selectAll()
        .where('consultation_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(s.channel, 'post');
      assert.equal(s.received_on, '2026-11-15');
      const ops = await db.kysely
        .selectFrom('opinions')
        .selectAll()
        .where('submission_id', '=', s.id)
        .execute();
      assert.equal(ops.length, 1);
      assert.equal(ops[0]!.channel, 'post');
      assert.equal(ops[0]!.received_on, '2026-11-15');
      const done = await planner.get(String(ok.headers.location));
      assert.ok(textOf(done.body).includes(s.receipt_number), 'the receipt number is shown');
      const a = (await audits('submission.enter')).at(-1);
      assert.ok(a, 'audited');
      const json = JSON.stringify(a);
      assert.ok(
        !json.includes(CANARY_NAME) && !json.includes(CANARY_ADDRESS) && !json.includes('遊び場'),
        'no personal values or text',
      );
      assert.match(String(a.after_json), /"channel":"post"/);
      const dup = await planner.post(url, valid);
      assert.equal(dup.statusCode, 409);
      assert.ok(textOf(dup.body).includes(s.receipt_number));
      assert.equal(await count(), 1);
      // editors cannot enter
      assert.equal((await editor.get(url)).statusCode, 403);
      // adding a slot keeps what was typed
      const more = await planner.post(url, { ...valid, addSlot: '1' });
      assert.equal(more.statusCode, 200);
      assert.ok(more.body.includes('id="opinion-4"'), 'a fourth slot');
      assert.ok(more.body.includes(CANARY_NAME), 'typed values kept');
    });
  });
}
