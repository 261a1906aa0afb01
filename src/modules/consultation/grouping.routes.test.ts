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

/** Posts a form with repeated names (checkboxes), as the browser would. */
async function postForm(
  app: FastifyInstance,
  b: TestBrowser,
  url: string,
  pairs: Array<[string, string]>,
): Promise<LightMyRequestResponse> {
  const res = await app.inject({
    method: 'POST',
    url,
    payload: new URLSearchParams([['_csrf', b.csrf], ...pairs]).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:3000' },
    cookies: Object.fromEntries(b.cookies),
  });
  const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
  if (m) b.csrf = m[1]!;
  return res;
}

const PARK = '子育て世代が住みやすいよう、公園の整備と遊具の更新を進めてほしい。';
const PARK2 = '子育て世代が住みやすいように、公園の整備と遊具の更新をすすめてほしいです！';
const PARK3 = '子育て世代が住みやすいよう公園の整備と遊具の更新を進めて欲しい<script>alert(1)</script>';
const RADIO = '防災無線が聞こえにくい地区があるので、戸別受信機を配ってください。';
const RADIO2 = '防災無線が聞こえにくい地区があるため、戸別受信機を配布してください。';
const OTHER = '図書館の開館時間を夜九時まで延ばしてほしい。';

for (const dialect of DIALECTS) {
  describe(`grouping pages (${dialect})`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    let planner: TestBrowser;
    let editor: TestBrowser;
    let now = new Date('2026-11-26T03:00:00.000Z');
    let consultationId: number;
    let ids: number[];
    let depA: number;
    let node11: number;
    let base: string;

    before(async () => {
      db = await createTestDb(dialect);
      app = await buildTestApp(db, { clock: () => now });
      depA = await buildDepartment(db, '子育て支援課');
      const p = await buildStaff(db, 'planner', [depA]);
      const e = await buildStaff(db, 'editor', [depA]);
      planner = await signInAs(app, p, () => now);
      now = new Date(now.getTime() + 31_000);
      editor = await signInAs(app, e, () => now);
      consultationId = await buildConsultation(db);
      base = `/staff/consultations/${consultationId}`;
      node11 = await nodeIdAt(db, consultationId, '1/1');
      ids = [];
      for (const body of [PARK, PARK2, PARK3, RADIO, RADIO2, OTHER]) {
        const s = await buildSubmission(db, consultationId, {
          name: 'カナリア 太郎',
          address: '山陽小野田市カナリア町1-2-3',
          opinions: [{ nodeId: node11, body }],
        });
        ids.push(s.opinionIds[0]!);
      }
    });
    after(async () => {
      await app?.close();
      await db?.drop();
    });

    test('suggestions: empty state, run, then the opinions with their sections; no personal data', async () => {
      const empty = await planner.get(`${base}/suggestions`);
      assert.equal(empty.statusCode, 200, 'page shown');
      const emptyText = textOf(empty.body);
      assert.ok(emptyText.includes('確認を待っているグループ案はありません。'), 'empty state');
      assert.ok(emptyText.includes('グループ案はまだ作成していません。'), 'never run');
      const run = await planner.post(`${base}/suggestions/run`, {});
      assert.equal(run.statusCode, 303, 'run redirects');
      assert.equal(run.headers.location, `${base}/suggestions?done=ran`, 'back to the suggestions');
      const page = await planner.get(`${base}/suggestions?done=ran`);
      const text = textOf(page.body);
      assert.ok(text.includes('グループ案を作成しました：2件（6件の意見'), 'the notice gives the figures');
      assert.ok(
        /前回の作成：.+（6件の意見から2件の案、[\d.]+秒）/.test(text),
        'when and how long the last run took',
      );
      assert.ok(text.includes(PARK) && text.includes(RADIO2), 'the opinions’ text');
      assert.ok(!page.body.includes('<script>alert(1)</script>'), 'markup in an opinion is escaped');
      assert.ok(page.body.includes('&lt;script'), 'and shown as text');
      assert.ok(text.includes('確認待ち 2件（採用済み 0件、不採用 0件）'), 'counts');
      assert.ok(!text.includes('カナリア'), 'no name or address of the submitters');
      const audit = await db.kysely
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'group_suggestions.run')
        .executeTakeFirst();
      assert.ok(audit, 'the run is audited');
    });

    test('accept with changes, refuse, and a refused wrong state', async () => {
      const rows = await db.kysely
        .selectFrom('group_suggestions')
        .selectAll()
        .where('consultation_id', '=', consultationId)
        .where('state', '=', 'open')
        .orderBy('id')
        .execute();
      assert.equal(rows.length, 2, 'two open suggestions');
      const [park, radio] = rows as [(typeof rows)[0], (typeof rows)[0]];
      await planner.get(`${base}/suggestions`);
      // accept the park suggestion without its third opinion
      const accepted = await postForm(app, planner, `${base}/suggestions/${park.id}/accept`, [
        ['choose', '1'],
        ['opinion', String(ids[0])],
        ['opinion', String(ids[1])],
        ['into', ''],
      ]);
      assert.equal(accepted.statusCode, 303, 'accepted');
      const groupId = Number(/group=(\d+)/.exec(String(accepted.headers.location))?.[1]);
      assert.ok(groupId > 0, 'the new group in the redirect');
      const notice = textOf((await planner.get(String(accepted.headers.location))).body);
      assert.ok(notice.includes(`グループ案を採用し、グループ${groupId}を作りました。`), 'notice');
      const members = await db.kysely
        .selectFrom('opinions')
        .select('id')
        .where('group_id', '=', groupId)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        members.map((m) => m.id),
        [ids[0], ids[1]],
        'only the chosen opinions',
      );

      // the radio suggestion: one of its opinions is grouped by hand meanwhile → refused with a clear message
      const other = await buildGroup(db, consultationId, [ids[4]!]);
      await planner.get(`${base}/suggestions`);
      const conflict = await postForm(app, planner, `${base}/suggestions/${radio.id}/accept`, [
        ['choose', '1'],
        ['opinion', String(ids[3])],
        ['opinion', String(ids[4])],
      ]);
      assert.equal(conflict.statusCode, 409, 'refused');
      const ct = textOf(conflict.body);
      assert.ok(
        ct.includes('入力内容を確認してください') || conflict.body.includes('error-summary'),
        'error summary',
      );
      assert.ok(
        ct.includes(`意見${ids[4]}は、すでにグループ${other}に入っています。`),
        'names the opinion and group',
      );
      assert.ok(
        conflict.body.includes(`href="#suggestion-${radio.id}"`),
        'the summary links to the suggestion',
      );
      const bad = await postForm(app, planner, `${base}/suggestions/${radio.id}/accept`, [
        ['choose', '1'],
        ['opinion', String(ids[3])],
        ['into', '十二'],
      ]);
      assert.equal(bad.statusCode, 400, 'a bad group number');
      assert.ok(textOf(bad.body).includes('グループの番号「十二」は正しくありません。'), 'named');

      const refused = await planner.post(`${base}/suggestions/${radio.id}/refuse`, {});
      assert.equal(refused.statusCode, 303, 'refused');
      const again = await planner.post(`${base}/suggestions/${radio.id}/refuse`, {});
      assert.equal(again.statusCode, 409, 'a decided suggestion is not decided again');
      assert.ok(textOf(again.body).includes('すでに採用または不採用が決まっています'), 'says why');
      const unknown = await planner.post(`${base}/suggestions/999999/accept`, {});
      assert.equal(unknown.statusCode, 404, 'unknown suggestion');
    });

    test('groups: list with section, department, count, answer state; answer alone; create; add', async () => {
      await db.kysely
        .updateTable('opinions')
        .set({ state: 'accepted' })
        .where('id', 'in', [ids[2]!, ids[3]!, ids[5]!])
        .execute();
      const list = await planner.get(`${base}/groups`);
      assert.equal(list.statusCode, 200, 'shown');
      const text = textOf(list.body);
      assert.ok(text.includes('グループの一覧（2件）'), 'two groups so far');
      assert.ok(text.includes('未回答'), 'answer state label');
      assert.ok(
        text.includes('グループに入っていない対象の意見（3件）'),
        'three accepted opinions in no group',
      );
      assert.ok(
        list.body.includes(`href="${base}/groups/`) && list.body.includes('/answer"'),
        'links to edit and answer',
      );

      const alone = await postForm(app, planner, `${base}/groups`, [['alone', String(ids[5])]]);
      assert.equal(alone.statusCode, 303, 'answered alone');
      const aloneId = Number(/groups\/(\d+)\?done=created/.exec(String(alone.headers.location))?.[1]);
      assert.ok(aloneId > 0, 'to the new group’s page');
      assert.ok(
        textOf((await planner.get(String(alone.headers.location))).body).includes(
          `グループ${aloneId}を作りました。`,
        ),
        'notice',
      );

      await planner.get(`${base}/groups`);
      const none = await postForm(app, planner, `${base}/groups`, [['action', 'create']]);
      assert.equal(none.statusCode, 400, 'nothing chosen');
      assert.ok(textOf(none.body).includes('意見を1件以上選んでください。'), 'says so');
      const badInto = await postForm(app, planner, `${base}/groups`, [
        ['action', 'add'],
        ['opinion', String(ids[2])],
        ['into', '999999'],
      ]);
      assert.equal(badInto.statusCode, 409, 'unknown group');
      assert.ok(textOf(badInto.body).includes('グループ999999はこの意見公募にありません。'), 'named');
      const created = await postForm(app, planner, `${base}/groups`, [
        ['action', 'create'],
        ['opinion', String(ids[2])],
      ]);
      assert.equal(created.statusCode, 303, 'created');
      const createdId = Number(/groups\/(\d+)/.exec(String(created.headers.location))?.[1]);
      await planner.get(`${base}/groups`);
      const added = await postForm(app, planner, `${base}/groups`, [
        ['action', 'add'],
        ['opinion', String(ids[3])],
        ['into', String(createdId)],
      ]);
      assert.equal(added.statusCode, 303, 'added');
      const o = await db.kysely
        .selectFrom('opinions')
        .select('group_id')
        .where('id', '=', ids[3]!)
        .executeTakeFirstOrThrow();
      assert.equal(o.group_id, createdId, 'in the group');
      const emptied = textOf((await planner.get(`${base}/groups`)).body);
      assert.ok(emptied.includes('グループに入っていない対象の意見はありません。'), 'none left');
    });

    test('a group: edit with locking, refusals, members in and out, approved read-only', async () => {
      const g = await buildGroup(db, consultationId, [], {});
      await db.kysely
        .updateTable('opinions')
        .set({ group_id: g, state: 'accepted' })
        .where('id', '=', ids[2]!)
        .execute();
      // ids[2] was in a group made above: move it for this test by hand
      const url = `${base}/groups/${g}`;
      const page = await planner.get(url);
      assert.equal(page.statusCode, 200, 'shown');
      assert.ok(page.body.includes(`${url}/answer`), 'links to the answer page');
      const lock = /name="lock_version" value="(\d+)"/.exec(page.body)?.[1] ?? '';
      const tooLong = await postForm(app, planner, url, [
        ['summary', 'あ'.repeat(1001)],
        ['section', 'whole'],
        ['department', ''],
        ['lock_version', lock],
      ]);
      assert.equal(tooLong.statusCode, 400, 'too long');
      assert.ok(
        textOf(tooLong.body).includes('意見の概要は1000文字以内で書いてください（今は1001文字）。'),
        'counted',
      );
      assert.ok(tooLong.body.includes('aria-invalid="true"'), 'the field is marked');
      const saved = await postForm(app, planner, url, [
        ['summary', '公園の整備を求める意見'],
        ['section', String(node11)],
        ['department', String(depA)],
        ['lock_version', lock],
      ]);
      assert.equal(saved.statusCode, 303, 'saved');
      const row = await db.kysely
        .selectFrom('opinion_groups')
        .selectAll()
        .where('id', '=', g)
        .executeTakeFirstOrThrow();
      assert.equal(row.summary, '公園の整備を求める意見', 'summary');
      assert.equal(row.department_id, depA, 'department');
      const stale = await postForm(app, planner, url, [
        ['summary', '別の概要'],
        ['section', 'whole'],
        ['lock_version', lock],
      ]);
      assert.equal(stale.statusCode, 409, 'stale form');
      assert.ok(textOf(stale.body).includes('ほかの人が変更しました'), 'says why');
      assert.ok(stale.body.includes('別の概要'), 'keeps what was typed');

      const fresh = await planner.get(url);
      const lock2 = /name="lock_version" value="(\d+)"/.exec(fresh.body)?.[1] ?? '';
      const addBad = await postForm(app, planner, `${url}/members`, [
        ['action', 'add'],
        ['opinion', 'abc'],
        ['lock_version', lock2],
      ]);
      assert.equal(addBad.statusCode, 400, 'bad opinion number');
      assert.ok(textOf(addBad.body).includes('意見の番号「abc」は正しくありません。'), 'named');
      const removed = await postForm(app, planner, `${url}/members`, [
        ['action', 'remove'],
        ['opinion', String(ids[2])],
        ['lock_version', lock2],
      ]);
      assert.equal(removed.statusCode, 303, 'the last member removed');
      assert.equal(
        removed.headers.location,
        `${base}/groups?done=deleted&group=${g}`,
        'the empty group deleted',
      );
      assert.equal((await planner.get(url)).statusCode, 404, 'gone');

      // approved: read-only page, and refusals saying why
      const approvedId = await buildGroup(
        db,
        consultationId,
        [ids[1]!].filter(() => false),
        { summary: '承認済み' },
      );
      await db.kysely
        .updateTable('opinion_groups')
        .set({ answer_state: 'approved' })
        .where('id', '=', approvedId)
        .execute();
      const ro = await planner.get(`${base}/groups/${approvedId}`);
      assert.ok(textOf(ro.body).includes('回答が承認済みのため'), 'explains');
      assert.ok(!ro.body.includes('name="summary"'), 'no form');
      const refused = await postForm(app, planner, `${base}/groups/${approvedId}`, [
        ['summary', 'x'],
        ['section', 'whole'],
        ['lock_version', '1'],
      ]);
      assert.equal(refused.statusCode, 409, 'refused');
      assert.ok(
        textOf(refused.body).includes('承認済みのため、意見の概要と意見の出し入れは変更できません'),
        'says why',
      );
    });

    test('editors read without forms and may not decide', async () => {
      const s = await editor.get(`${base}/suggestions`);
      assert.equal(s.statusCode, 200, 'editor reads suggestions');
      assert.ok(!s.body.includes('/suggestions/run'), 'no run button');
      const g = await editor.get(`${base}/groups`);
      assert.equal(g.statusCode, 200, 'editor reads groups');
      assert.ok(!g.body.includes('name="alone"'), 'no alone buttons');
      const post = await editor.post(`${base}/suggestions/run`, {});
      assert.equal(post.statusCode, 403, 'editor may not run');
      const create = await postForm(app, editor, `${base}/groups`, [['alone', String(ids[0])]]);
      assert.equal(create.statusCode, 403, 'editor may not group');
    });
  });
}
