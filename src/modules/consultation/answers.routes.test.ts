import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import type { TestBrowser } from '../../../test/support/browser-session.ts';
import {
  AFTER,
  type AnswersScenario,
  buildAnswersScenario,
  CANARY,
  CANARY_OPINION,
  command,
} from '../../../test/support/consultation-answers.ts';
import { DIALECTS } from '../../../test/support/db.ts';
import { signInAs } from '../../../test/support/staff.ts';

/**
 * The answers and result routes over HTTP on both databases: the answer pages and their commands (errors,
 * conflict, rights), the publish page, and the public result as HTML, print page, CSV, xlsx and JSON —
 * served from the snapshot, with no personal data anywhere.
 */

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

const SECRETS = [...Object.values(CANARY), CANARY_OPINION];

function assertNoSecrets(where: string, text: string) {
  for (const s of SECRETS) assert.ok(!text.includes(s), `${where} must not contain ${s}`);
}

for (const dialect of DIALECTS) {
  describe(`answers routes (${dialect})`, () => {
    let sc: AnswersScenario;
    let editor: TestBrowser;
    let other: TestBrowser;
    let planner: TestBrowser;
    let base: string;
    before(async () => {
      sc = await buildAnswersScenario(dialect);
      sc.setNow(AFTER);
      editor = await signInAs(sc.app, sc.editor, sc.now);
      other = await signInAs(sc.app, sc.editorOther, sc.now);
      planner = await signInAs(sc.app, sc.planner, sc.now);
      base = `/staff/consultations/${sc.consultationId}`;
    });
    after(async () => {
      await sc?.close();
    });

    test('public result routes are 404 (in Japanese) before publication', async () => {
      const r = await sc.app.inject({ url: `/consultations/${sc.consultationId}/result` });
      assert.equal(r.statusCode, 404, 'HTML 404');
      assert.ok(r.body.includes('結果はまだ公表されていません'), 'Japanese message');
      for (const u of ['result.csv', 'result.xlsx', 'result/print', 'result/1']) {
        const x = await sc.app.inject({ url: `/consultations/${sc.consultationId}/${u}` });
        assert.equal(x.statusCode, 404, `${u} 404`);
      }
      const api = await sc.app.inject({ url: `/api/consultations/${sc.consultationId}/result` });
      assert.equal(api.statusCode, 404, 'API 404');
      assert.deepEqual(api.json(), { error: 'not_found' }, 'JSON error');
    });

    test('the answers list: counts per state, filters, my departments', async () => {
      const r = await editor.get(`${base}/answers`);
      assert.equal(r.statusCode, 200, 'list');
      const text = textOf(r.body);
      assert.ok(text.includes('未回答：3件'), 'three unanswered groups');
      assert.ok(text.includes('防災情報の伝え方を改善してほしい。'), 'summary listed');
      assert.ok(text.includes('重点施策1 施策2 災害に強いまちづくり'), 'section label');
      assert.ok(/<caption[^>]*>回答するグループ（3件）<\/caption>/.test(r.body), 'caption counts rows');
      const mine = await editor.get(`${base}/answers?mine=1`);
      assert.ok(textOf(mine.body).includes('回答するグループ（2件）'), 'department A has two groups');
      assert.ok(!textOf(mine.body).includes('公民館を地域づくりの拠点'), 'not the other department’s');
      const drafted = await editor.get(`${base}/answers?state=drafted`);
      assert.ok(textOf(drafted.body).includes('該当するグループはありません。'), 'state filter');
      assertNoSecrets('answers list', r.body);
    });

    test('the answer page: opinions as text only, errors, save, submit, rights', async () => {
      const url = `${base}/groups/${sc.groups.disaster}/answer`;
      const page = await editor.get(url);
      assert.equal(page.statusCode, 200, 'editor of the department opens it');
      assert.ok(page.body.includes(CANARY_OPINION.slice(0, 10)), 'opinion text shown to staff');
      for (const s of Object.values(CANARY)) assert.ok(!page.body.includes(s), `no ${s} on the answer page`);
      assert.ok(page.body.includes('下書きを保存する'), 'save button');
      assert.ok(!page.body.includes('value="submit"'), 'no submit before a draft');
      assert.equal((await other.get(url)).statusCode, 403, 'other department: 403');
      const forged = await other.post(url, { lockVersion: '1', answer: 'x' });
      assert.equal(forged.statusCode, 403, 'other department cannot post');

      const bad = await editor.post(url, {
        lockVersion: lockOf(page.body),
        answer: 'a\u0000',
        reflection: 'x',
      });
      assert.equal(bad.statusCode, 400, 'bad input: 400');
      assert.ok(bad.body.includes('class="error-summary"'), 'error summary');
      assert.ok(textOf(bad.body).includes('市の考え方：使えない制御文字'), 'message names the field');
      assert.ok(bad.body.includes('<title>エラー：'), 'title marks the error');

      const saved = await editor.post(url, {
        lockVersion: lockOf(page.body),
        answer: '防災メールでも届けます。',
        reflection: 'reflect',
      });
      assert.equal(saved.statusCode, 303, 'saved');
      const drafted = await editor.get(`${url}?done=saveDraft`);
      assert.ok(textOf(drafted.body).includes('下書きを保存しました。'), 'notice');
      assert.ok(drafted.body.includes('name="intent" value="submit"'), 'submit offered once drafted');

      const incomplete = await editor.post(`${url}/submit`, {
        lockVersion: lockOf(drafted.body),
        answer: '防災メールでも届けます。',
        reflection: 'reflect',
      });
      assert.equal(incomplete.statusCode, 400, 'reflect without a change is refused');
      assert.ok(textOf(incomplete.body).includes('案の修正内容を入力してください'), 'says what is missing');

      // the form's 承認を依頼する button: the same action with intent=submit
      const submitted = await editor.post(url, {
        intent: 'submit',
        lockVersion: lockOf(drafted.body),
        answer: '防災メールでも届けます。',
        reflection: 'reflect',
        draftChange: '施策2に追記します。',
      });
      assert.equal(submitted.statusCode, 303, 'submitted');
      const waiting = await editor.get(url);
      assert.ok(textOf(waiting.body).includes('承認待ち'), 'state shown');
      assert.ok(!waiting.body.includes('name="answer"'), 'no form while waiting');
      assert.equal(
        (await editor.post(`${url}/approve`, { lockVersion: lockOf(waiting.body) })).statusCode,
        403,
        'an editor may not approve',
      );
    });

    test('the planner returns with a remark, then approves after the revision', async () => {
      const url = `${base}/groups/${sc.groups.disaster}/answer`;
      const page = await planner.get(url);
      assert.ok(page.body.includes('差し戻す') && page.body.includes('承認する'), 'review buttons');
      const noRemark = await planner.post(`${url}/return`, { lockVersion: lockOf(page.body), remark: '' });
      assert.equal(noRemark.statusCode, 400, 'a remark is required');
      assert.ok(
        textOf(noRemark.body).includes('差し戻しの理由：差し戻しの理由を入力してください。'),
        'message',
      );
      const returned = await planner.post(`${url}/return`, {
        lockVersion: lockOf(page.body),
        remark: '伝達手段を具体的に書いてください。',
      });
      assert.equal(returned.statusCode, 303, 'returned');
      const seen = await editor.get(url);
      assert.ok(
        textOf(seen.body).includes('伝達手段を具体的に書いてください。'),
        'the department sees the remark',
      );
      // a stale form: the planner's page still has the old version
      const stale = await planner.post(`${url}/approve`, { lockVersion: lockOf(page.body) });
      assert.equal(stale.statusCode, 409, 'stale approve: conflict');
      const resent = await editor.post(`${url}/submit`, {
        lockVersion: lockOf(seen.body),
        answer: '防災行政無線に加え、防災メールとアプリで同じ情報を届けます。',
        reflection: 'reflect',
        draftChange: '施策2に「多様な手段による防災情報の伝達」を加えます。',
      });
      assert.equal(resent.statusCode, 303, 'resubmitted');
      const conflict = await editor.post(url, {
        lockVersion: lockOf(seen.body),
        answer: '古い画面から送った文章',
      });
      assert.equal(conflict.statusCode, 409, 'a stale save is a conflict');
      const ct = textOf(conflict.body);
      assert.ok(ct.includes('ほかの人がこの回答を先に更新しました'), 'conflict message');
      assert.ok(ct.includes('防災行政無線に加え'), 'shows the current text');
      assert.ok(ct.includes('古い画面から送った文章'), 'keeps what was sent');
      const review = await planner.get(url);
      assert.equal(
        (await planner.post(`${url}/approve`, { lockVersion: lockOf(review.body) })).statusCode,
        303,
      );
      const approved = await planner.get(url);
      assert.ok(textOf(approved.body).includes('承認済み'), 'approved');
      assert.ok(approved.body.includes('承認を取り消して修正する'), 'reopen offered');
    });

    test('no 意見の概要: the page links to the group page and saving is refused', async () => {
      await sc.db.kysely
        .updateTable('opinion_groups')
        .set({ summary: '' })
        .where('id', '=', sc.groups.whole)
        .execute();
      const url = `${base}/groups/${sc.groups.whole}/answer`;
      const page = await editor.get(url);
      assert.ok(page.body.includes(`href="${base}/groups/${sc.groups.whole}"`), 'link to the group page');
      const r = await editor.post(url, { lockVersion: lockOf(page.body), answer: 'x' });
      assert.equal(r.statusCode, 400, 'refused');
      assert.ok(textOf(r.body).includes('意見の概要が書かれていないため保存できません'), 'says why');
      await sc.db.kysely
        .updateTable('opinion_groups')
        .set({ summary: '計画全体の目標を数値で示してほしい。' })
        .where('id', '=', sc.groups.whole)
        .execute();
    });

    test('publish page, publication, the public result in every form, and a correction', async () => {
      const notReady = await planner.get(`${base}/publish`);
      assert.equal(notReady.statusCode, 200, 'publish page');
      assert.ok(textOf(notReady.body).includes('まだ公表できません'), 'not ready');
      assert.ok(
        textOf(notReady.body).includes('回答が承認されていないグループが2件あります'),
        'blockers listed',
      );
      assert.ok(!notReady.body.includes('id="publish-form"'), 'no publish form');
      assert.equal((await editor.get(`${base}/publish`)).statusCode, 403, 'editors may not publish');
      const refused = await planner.post(`${base}/publish`, { seq: '1' });
      assert.equal(refused.statusCode, 400, 'publishing too early is refused');

      // the other two groups through the service
      for (const [g, who] of [
        [sc.groups.area, sc.editorOther],
        [sc.groups.whole, sc.editor],
      ] as const) {
        const body = { answer: `グループ${g}への市の考え方`, reflection: 'future' };
        for (const [cmd, by] of [
          ['saveDraft', who],
          ['submit', who],
          ['approve', sc.planner],
        ] as const)
          assert.equal((await command(sc, by, g, cmd, body)).status, 'ok', `${cmd} ${g}`);
      }
      const ready = await planner.get(`${base}/publish`);
      assert.ok(textOf(ready.body).includes('公表できます。'), 'ready');
      assert.ok(textOf(ready.body).includes('防災行政無線に加え'), 'preview shows the answers');
      const published = await planner.post(`${base}/publish`, { seq: '1' });
      assert.equal(published.statusCode, 303, 'published');
      assert.equal(published.headers.location, `${base}/publish?done=1`, 'back to the page');

      const html = await sc.app.inject({ url: `/consultations/${sc.consultationId}/result` });
      assert.equal(html.statusCode, 200, 'public result');
      const t = textOf(html.body);
      assert.ok(
        /<caption id="result-caption">意見の概要と市の考え方（3項目）<\/caption>/.test(html.body),
        'caption',
      );
      assert.ok(html.body.includes('<th scope="col">市の考え方</th>'), 'column headers with scope');
      assert.ok(html.body.includes('<th scope="row" class="num">1</th>'), 'row headers with scope');
      assert.ok(html.body.includes('data-count="submissions">3人<'), '提出者数');
      assert.ok(html.body.includes('data-count="reflected">2件<'), '反映数');
      assert.ok(t.includes('施策2に「多様な手段による防災情報の伝達」を加えます。'), 'the change next to it');
      for (const link of ['result.csv', 'result.xlsx', 'result/print']) {
        assert.ok(
          html.body.includes(`href="/consultations/${sc.consultationId}/${link}"`),
          `link to ${link}`,
        );
      }
      assertNoSecrets('result HTML', html.body);

      const print = await sc.app.inject({ url: `/consultations/${sc.consultationId}/result/print` });
      assert.equal(print.statusCode, 200, 'print page');
      assert.ok(print.body.includes('class="pc-print"'), 'printable article');
      assertNoSecrets('print page', print.body);

      const csv = await sc.app.inject({ url: `/consultations/${sc.consultationId}/result.csv` });
      assert.equal(csv.statusCode, 200, 'CSV');
      assert.match(String(csv.headers['content-type']), /^text\/csv; charset=utf-8/, 'CSV type');
      assert.deepEqual([...csv.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'BOM');
      assert.match(String(csv.headers['content-disposition']), /filename\*=UTF-8''/, 'Japanese file name');
      assert.ok(csv.body.includes('防災行政無線に加え'), 'CSV rows');
      assertNoSecrets('CSV', csv.body);

      const xlsx = await sc.app.inject({ url: `/consultations/${sc.consultationId}/result.xlsx` });
      assert.equal(xlsx.statusCode, 200, 'xlsx');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const sheet = wb.getWorksheet('意見と市の考え方');
      assert.ok(sheet, 'table sheet');
      assert.equal(sheet.actualRowCount, 4, 'header + three rows');
      assert.equal(sheet.getCell('B4').value, '重点施策1 施策2 災害に強いまちづくり', 'plan order');
      const counts = wb.getWorksheet('集計');
      let submissions: unknown = null;
      counts?.eachRow((row) => {
        if (row.getCell(1).value === '提出者数') submissions = row.getCell(2).value;
      });
      assert.equal(submissions, 3, 'counts sheet');
      const strings: string[] = [];
      for (const ws of wb.worksheets)
        ws.eachRow((row) => {
          row.eachCell((c) => {
            strings.push(String(c.value));
          });
        });
      assertNoSecrets('xlsx', strings.join('\n'));

      const api = await sc.app.inject({ url: `/api/consultations/${sc.consultationId}/result` });
      assert.equal(api.statusCode, 200, 'API');
      assert.match(String(api.headers['content-type']), /^application\/json/, 'JSON');
      const json = api.json();
      assert.equal(json.seq, 1, 'seq');
      assert.equal(json.rows.length, 3, 'rows');
      assert.equal(json.counts.submissions, 3, 'counts');
      assertNoSecrets('API', api.body);

      // a later change to an answer does not change what is published
      const url = `${base}/groups/${sc.groups.disaster}/answer`;
      const approvedPage = await planner.get(url);
      assert.equal(
        (await planner.post(`${url}/reopen`, { lockVersion: lockOf(approvedPage.body) })).statusCode,
        303,
        'reopened',
      );
      const body = {
        answer: '訂正後：防災アプリで届けます。',
        reflection: 'reflect',
        draftChange: '訂正した修正内容',
      };
      for (const [cmd, by] of [
        ['saveDraft', sc.editor],
        ['submit', sc.editor],
        ['approve', sc.planner],
      ] as const)
        assert.equal((await command(sc, by, sc.groups.disaster, cmd, body)).status, 'ok', cmd);
      const unchanged = await sc.app.inject({ url: `/consultations/${sc.consultationId}/result` });
      assert.equal(unchanged.body, html.body, 'the published page is byte for byte the same');
      const csvAgain = await sc.app.inject({ url: `/consultations/${sc.consultationId}/result.csv` });
      assert.equal(csvAgain.body, csv.body, 'the CSV too');

      // correction: the note is required
      const form = await planner.get(`${base}/publish`);
      assert.ok(form.body.includes('訂正した結果を公表する（第2版）'), 'correction button');
      const noNote = await planner.post(`${base}/publish`, { seq: '2' });
      assert.equal(noNote.statusCode, 400, 'note required');
      assert.ok(textOf(noNote.body).includes('訂正の理由を入力してください。'), 'message');
      const corrected = await planner.post(`${base}/publish`, {
        seq: '2',
        correctionNote: '重点施策1 施策2の市の考え方を訂正しました。',
      });
      assert.equal(corrected.statusCode, 303, 'correction published');
      const latest = await sc.app.inject({ url: `/consultations/${sc.consultationId}/result` });
      const lt = textOf(latest.body);
      assert.ok(lt.includes('訂正後：防災アプリで届けます。'), 'latest shows the correction');
      assert.ok(
        lt.includes('訂正') && lt.includes('重点施策1 施策2の市の考え方を訂正しました。'),
        'with 訂正 note',
      );
      assert.ok(
        latest.body.includes(`href="/consultations/${sc.consultationId}/result/1"`),
        'link to edition 1',
      );
      const first = await sc.app.inject({ url: `/consultations/${sc.consultationId}/result/1` });
      assert.equal(first.statusCode, 200, 'edition 1 still served');
      assert.ok(textOf(first.body).includes('防災行政無線に加え'), 'with its original answer');
      assert.ok(textOf(first.body).includes('これは第1版です。最新の版は第2版です。'), 'marked as older');
      assert.equal(
        (await sc.app.inject({ url: `/consultations/${sc.consultationId}/result/3` })).statusCode,
        404,
        'no edition 3',
      );
      const stale = await planner.post(`${base}/publish`, { seq: '2', correctionNote: 'もう一度' });
      assert.equal(stale.statusCode, 409, 'a form for an edition already published is a conflict');
    });
  });
}
