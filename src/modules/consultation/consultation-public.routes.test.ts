import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildTestApp, testConfig } from '../../../test/support/app.ts';
import { TestBrowser } from '../../../test/support/browser-session.ts';
import { buildConsultation, nodeIdAt } from '../../../test/support/consultation.ts';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';
import { buildDepartment, buildStaff, signInAs } from '../../../test/support/staff.ts';
import { build } from '../../app.ts';
import { formatDateTime } from '../../shared/fiscal-year.ts';

/**
 * The public flow of public comment through HTTP, on both databases: list, consultation page, form →
 * confirmation → submission → receipt; duplicates, the end time, the honeypot, 20/21 opinions, the body
 * limit, the rate limit; no personal data on any public page; the outbox and its audit entry.
 */

const CANARY_NAME = 'カナリア氏名QZX';
const CANARY_ADDRESS = 'カナリア住所QZX町9-9';
const CANARY_EMAIL = 'canary.qzx@example.jp';
const CANARY_PHONE = '0999-88-7777';

const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** The hidden fields of the confirmation page's 「送信する」 form. */
function hiddenFields(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  const form = /<form method="post" action="\/consultations\/\d+\/submit">([\s\S]*?)<\/form>/.exec(html);
  assert.ok(form, 'the confirmation page has a 送信する form');
  for (const m of form[1]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/?>/g)) {
    if (m[1] !== '_csrf') out[m[1]!] = decode(m[2]!);
  }
  return out;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

for (const dialect of DIALECTS) {
  describe(`public comment, public side (${dialect})`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    let now = new Date('2026-11-26T03:00:00.000Z');
    let cid = 0;
    let node11 = 0;
    let departmentId = 0;
    let counter = 0;

    const count = async (table: 'submissions' | 'opinions' | 'mail_outbox') =>
      Number(
        (
          await db.kysely
            .selectFrom(table)
            .select((e) => e.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    /** A valid form, different each time unless `same` is given. */
    const validForm = (extra: Record<string, string> = {}): Record<string, string> => ({
      name: `山陽 花子${++counter}`,
      address: '山陽小野田市日の出一丁目1番1号',
      category: 'resident',
      'section-1': String(node11),
      'opinion-1': '子育て世代のために公園を増やしてほしい。',
      'section-2': 'whole',
      'opinion-2': '計画全体として、市民との協創をもっと具体的に書いてほしい。',
      ...extra,
    });

    /** Form → confirm → submit, as a browser would; returns the submit response. */
    async function submitThroughConfirm(b: TestBrowser, form: Record<string, string>) {
      await b.get(`/consultations/${cid}/form`);
      const confirm = await b.post(`/consultations/${cid}/confirm`, form);
      assert.equal(confirm.statusCode, 200, `confirm: ${confirm.statusCode}`);
      return { confirm, submit: await b.post(`/consultations/${cid}/submit`, hiddenFields(confirm.body)) };
    }

    before(async () => {
      db = await createTestDb(dialect);
      app = await buildTestApp(db, { clock: () => now, config: { submissionLimitPerHour: 10_000 } });
      cid = await buildConsultation(db, { title: '中期基本計画（案）への意見募集' });
      node11 = await nodeIdAt(db, cid, '1/1');
      departmentId = await buildDepartment(db, '企画課');
      const plan = await db.kysely.selectFrom('plans').select('id').executeTakeFirstOrThrow();
      await db.kysely
        .insertInto('measure_departments')
        .values({
          municipality_code: '352161',
          plan_id: plan.id,
          node_path: '1/1',
          department_id: departmentId,
          role: 'lead',
        })
        .execute();
    });
    after(async () => {
      await app?.close();
      await db?.drop();
    });

    test('the list, the page and the API show the consultation with its counts', async () => {
      const b = new TestBrowser(app);
      const list = await b.get('/consultations');
      assert.equal(list.statusCode, 200, 'list');
      assert.ok(list.body.includes('中期基本計画（案）への意見募集'), 'title listed');
      assert.ok(list.body.includes('募集中'), 'phase');
      assert.ok(list.body.includes('2026年12月31日（木）23時59分'), 'period end in Asia/Tokyo');
      assert.match(list.body, /意見数 \d+件（提出者 \d+人）/, 'counts');

      const page = await b.get(`/consultations/${cid}`);
      assert.equal(page.statusCode, 200, 'page');
      assert.ok(page.body.includes(`/consultations/${cid}/form?section=${node11}`), 'a link per node');
      assert.ok(page.body.includes('この項目に意見を書く'), 'the link text');
      assert.ok(page.body.includes('市内に住所を有する方'), 'eligibility');
      assert.ok(page.body.includes('0836-83-2604'), 'fax');
      assert.ok(page.body.includes('新たな地域づくり'), 'the draft as HTML');

      const api = await b.get(`/api/consultations/${cid}`);
      assert.equal(api.statusCode, 200, 'api');
      const json = JSON.parse(api.body) as { phase: string; counts: { opinions: number } };
      assert.equal(json.phase, 'open', 'phase in JSON');
      assert.equal(typeof json.counts.opinions, 'number', 'counts in JSON');
      const all = JSON.parse((await b.get('/api/consultations')).body) as {
        consultations: Array<{ id: number }>;
      };
      assert.ok(
        all.consultations.some((c) => c.id === cid),
        'listed in the API',
      );
    });

    test('before its start a consultation says when it opens, and takes nothing', async () => {
      const later = await buildConsultation(db, {
        title: '後期基本計画（案）への意見募集',
        opensAt: '2027-04-01T00:00:00.000Z',
        closesAt: '2027-05-01T15:00:00.000Z',
      });
      const b = new TestBrowser(app);
      const page = await b.get(`/consultations/${later}`);
      assert.ok(page.body.includes('募集前'), 'phase');
      assert.ok(
        page.body.includes(`${formatDateTime('2027-04-01T00:00:00.000Z')}から始まります`),
        'when it opens',
      );
      assert.ok(!page.body.includes('この項目に意見を書く'), 'no comment links');
      const form = await b.get(`/consultations/${later}/form`);
      assert.ok(!form.body.includes('<textarea'), 'no form');
      await b.get(`/consultations/${cid}/form`);
      const n = await count('submissions');
      const r = await b.post(`/consultations/${later}/submit`, validForm());
      assert.equal(r.statusCode, 403, 'refused');
      assert.ok(
        r.body.includes(`${formatDateTime('2027-04-01T00:00:00.000Z')}から受け付けます`),
        'says when',
      );
      assert.equal(await count('submissions'), n, 'nothing saved');
    });

    test('the form preselects the section of the link', async () => {
      const b = new TestBrowser(app);
      const r = await b.get(`/consultations/${cid}/form?section=${node11}`);
      assert.equal(r.statusCode, 200, 'form');
      assert.match(r.body, new RegExp(`<option value="${node11}" selected`), 'section preselected');
      assert.ok(r.body.includes('name="website"'), 'the honeypot is there');
      assert.ok(
        r.body.includes('tabindex="-1"') && r.body.includes('aria-hidden="true"'),
        'hidden from people',
      );
      assert.equal((r.body.match(/<textarea/g) ?? []).length, 3, 'three opinion slots');
    });

    test('form → confirm → submit → receipt, with the opinions, the department and the mail', async () => {
      const b = new TestBrowser(app);
      const before = await count('submissions');
      const form = validForm({
        name: CANARY_NAME,
        address: CANARY_ADDRESS,
        email: CANARY_EMAIL,
        phone: CANARY_PHONE,
      });
      await b.get(`/consultations/${cid}/form`);
      const confirm = await b.post(`/consultations/${cid}/confirm`, form);
      assert.ok(
        confirm.body.includes('入力内容の確認') && confirm.body.includes('送信する'),
        'confirmation page',
      );
      assert.ok(confirm.body.includes(CANARY_NAME), 'the confirmation shows what was typed (to its author)');
      assert.equal(await count('submissions'), before, 'nothing saved by the confirmation');
      const submit = await b.post(`/consultations/${cid}/submit`, hiddenFields(confirm.body));
      assert.equal(submit.statusCode, 303, `submit: ${submit.statusCode}`);
      const location = String(submit.headers.location);
      const m = new RegExp(`^/consultations/${cid}/receipt/([A-Za-z0-9_-]{43})$`).exec(location);
      assert.ok(m, `redirected to the receipt: ${location}`);

      const s = await db.kysely
        .selectFrom('submissions')
        .selectAll()
        .where('receipt_token_hash', '=', sha256(m[1]!))
        .executeTakeFirstOrThrow();
      assert.equal(s.name, CANARY_NAME, 'name saved');
      assert.equal(s.channel, 'web', 'channel');
      assert.match(s.receipt_number, new RegExp(`^PC${cid}-\\d{6,}$`), 'receipt number');
      assert.equal(s.received_on, '2026-11-26', 'Asia/Tokyo date');
      const ops = await db.kysely
        .selectFrom('opinions')
        .selectAll()
        .where('submission_id', '=', s.id)
        .orderBy('position')
        .execute();
      assert.equal(ops.length, 2, 'two opinions');
      assert.equal(ops[0]!.node_id, node11, 'section');
      assert.equal(ops[0]!.department_id, departmentId, 'the lead department of measure 1/1');
      assert.equal(ops[1]!.node_id, null, 'whole plan');
      assert.equal(ops[1]!.department_id, null, 'no department for the whole plan');
      assert.equal(ops[0]!.category, 'resident', 'category copied');
      assert.equal(ops[0]!.channel, 'web', 'channel copied');
      assert.equal(ops[0]!.received_on, '2026-11-26', 'date copied');
      assert.equal(ops[0]!.search_text, form['opinion-1']!.normalize('NFKC').toLowerCase(), 'search text');

      const mail = await db.kysely
        .selectFrom('mail_outbox')
        .selectAll()
        .where('related_id', '=', String(s.id))
        .executeTakeFirstOrThrow();
      assert.equal(mail.to_address, CANARY_EMAIL, 'mail to the address given');
      assert.ok(mail.body.includes(s.receipt_number), 'the receipt number in the mail');

      const receipt = await b.get(location);
      assert.equal(receipt.statusCode, 200, 'receipt page');
      assert.ok(receipt.body.includes(s.receipt_number), 'receipt number shown');
      assert.ok(receipt.body.includes('氏名・住所などは公表しません'), 'the privacy line');
      assert.ok(receipt.body.includes(form['opinion-1']!), 'the opinion');
      for (const secret of [CANARY_NAME, CANARY_ADDRESS, CANARY_EMAIL, CANARY_PHONE]) {
        assert.ok(!receipt.body.includes(secret), `the receipt page holds no ${secret}`);
      }
      assert.equal(receipt.headers['cache-control'], 'no-store', 'not cached');
      assert.equal(
        (await b.get(`/consultations/${cid}/receipt/${'B'.repeat(43)}`)).statusCode,
        404,
        'wrong token',
      );

      // No public page or API response holds the personal data.
      for (const url of [
        '/consultations',
        `/consultations/${cid}`,
        '/api/consultations',
        `/api/consultations/${cid}`,
        '/',
      ]) {
        const r = await new TestBrowser(app).get(url);
        for (const secret of [CANARY_NAME, CANARY_ADDRESS, CANARY_EMAIL, CANARY_PHONE])
          assert.ok(!r.body.includes(secret), `${url} holds no ${secret}`);
      }
      const api = JSON.parse((await b.get(`/api/consultations/${cid}`)).body) as {
        counts: { opinions: number; submitters: number };
      };
      assert.equal(api.counts.submitters, await count('submissions'), 'submitter count');
    });

    test('an exact duplicate is refused kindly with the first receipt number', async () => {
      const b = new TestBrowser(app);
      const form = validForm();
      const first = await submitThroughConfirm(b, form);
      assert.equal(first.submit.statusCode, 303, 'first accepted');
      const n = await count('submissions');
      // the same person, the same opinions, spaces and width aside
      const again = await submitThroughConfirm(b, { ...form, name: ` ${form.name!.replace(' ', '　')}` });
      assert.equal(again.submit.statusCode, 409, 'duplicate refused');
      const number = (
        await db.kysely
          .selectFrom('submissions')
          .select('receipt_number')
          .orderBy('id', 'desc')
          .executeTakeFirstOrThrow()
      ).receipt_number;
      assert.ok(
        again.submit.body.includes(`同じ内容の意見をすでに受け付けています（受付番号 ${number}）`),
        'the kind message with the number',
      );
      assert.equal(await count('submissions'), n, 'nothing saved');
    });

    test('after the end time: refused with the end time shown, nothing saved', async () => {
      const b = new TestBrowser(app);
      await b.get(`/consultations/${cid}/form`);
      const confirm = await b.post(`/consultations/${cid}/confirm`, validForm());
      const fields = hiddenFields(confirm.body);
      const n = await count('submissions');
      const saved = now;
      now = new Date('2026-12-31T15:00:00.000Z'); // the closing instant is excluded
      try {
        const r = await b.post(`/consultations/${cid}/submit`, fields);
        assert.equal(r.statusCode, 403, 'refused');
        assert.ok(r.body.includes('2026年12月31日（木）23時59分'), 'the end time shown');
        assert.ok(r.body.includes('締め切りました'), 'says it closed');
        assert.equal(await count('submissions'), n, 'nothing saved');
        const form = await b.get(`/consultations/${cid}/form`);
        assert.ok(!form.body.includes('<textarea'), 'no form after the end');
        const page = await b.get(`/consultations/${cid}`);
        assert.ok(!page.body.includes('この項目に意見を書く'), 'no comment links after the end');
      } finally {
        now = saved;
      }
    });

    test('a filled honeypot looks accepted and saves nothing', async () => {
      const b = new TestBrowser(app);
      const before = await Promise.all([count('submissions'), count('opinions'), count('mail_outbox')]);
      const { confirm, submit } = await submitThroughConfirm(
        b,
        validForm({ website: 'http://spam.example', email: 'bot@example.jp' }),
      );
      assert.ok(!confirm.body.includes('error-summary'), 'the confirmation has no error');
      assert.equal(submit.statusCode, 200, 'a page, not an error');
      assert.ok(submit.body.includes('ご意見を受け付けました'), 'looks accepted');
      assert.ok(!/PC\d+-\d{6}/.test(submit.body), 'no receipt number');
      assert.deepEqual(
        await Promise.all([count('submissions'), count('opinions'), count('mail_outbox')]),
        before,
        'nothing saved, no mail',
      );
    });

    test('20 opinions of 2,000 four-byte characters fit the body limit; 21 are refused, nothing half saved', async () => {
      const b = new TestBrowser(app);
      const many = (n: number) =>
        Object.fromEntries(
          Array.from({ length: n }, (_, i) => [
            [`section-${i + 1}`, 'whole'],
            [`opinion-${i + 1}`, `${String(i).padStart(2, '0')}${'𠮷'.repeat(1998)}`],
          ]).flat(),
        ) as Record<string, string>;
      const twenty = { ...validForm(), ...many(20) };
      const { submit } = await submitThroughConfirm(b, twenty);
      assert.equal(submit.statusCode, 303, `20 accepted: ${submit.statusCode}`);

      const n = await Promise.all([count('submissions'), count('opinions')]);
      await b.get(`/consultations/${cid}/form`);
      const r = await b.post(`/consultations/${cid}/submit`, { ...validForm(), ...many(21) });
      assert.equal(r.statusCode, 400, '21 refused');
      assert.ok(r.body.includes('ご意見は1回に20件まで送れます'), 'says why');
      assert.ok(r.body.includes('href="#opinion-21"'), 'links to the 21st');
      assert.deepEqual(await Promise.all([count('submissions'), count('opinions')]), n, 'nothing saved');
    });

    test('a failed validation at submit saves nothing and shows the form again', async () => {
      const b = new TestBrowser(app);
      await b.get(`/consultations/${cid}/form`);
      const n = await Promise.all([count('submissions'), count('opinions')]);
      const r = await b.post(
        `/consultations/${cid}/submit`,
        validForm({ email: 'not-an-address', name: `x\u0000${CANARY_NAME}` }),
      );
      assert.equal(r.statusCode, 400, 'refused');
      assert.ok(r.body.startsWith('<!DOCTYPE html>') && r.body.includes('エラー：'), 'the form with errors');
      assert.ok(
        r.body.includes('href="#email"') && r.body.includes('href="#name"'),
        'the summary links the fields',
      );
      assert.deepEqual(await Promise.all([count('submissions'), count('opinions')]), n, 'nothing saved');
    });

    test('more than the body limit gets the 413 page', async () => {
      const b = new TestBrowser(app);
      await b.get(`/consultations/${cid}/form`);
      const r = await b.post(
        `/consultations/${cid}/confirm`,
        validForm({ 'opinion-1': 'あ'.repeat(300_000) }),
      );
      assert.equal(r.statusCode, 413, 'too large');
      assert.ok(r.body.includes('送信された内容が大きすぎます'), 'the Japanese page');
    });

    test('「意見欄を増やす」 and 「修正する」 keep what was typed', async () => {
      const b = new TestBrowser(app);
      await b.get(`/consultations/${cid}/form`);
      const typed = validForm({ 'opinion-3': '三つ目の意見', 'section-3': 'whole' });
      const more = await b.post(`/consultations/${cid}/confirm`, { ...typed, action: 'add' });
      assert.equal(more.statusCode, 200, 'add');
      assert.equal((more.body.match(/<textarea/g) ?? []).length, 4, 'four slots');
      assert.ok(more.body.includes('三つ目の意見') && more.body.includes(typed.name!), 'values kept');
      assert.ok(!more.body.includes('error-summary'), 'no errors for adding a slot');
      const confirm = await b.post(`/consultations/${cid}/confirm`, typed);
      const edit = await b.post(`/consultations/${cid}/confirm`, {
        ...hiddenFields(confirm.body),
        action: 'edit',
      });
      assert.equal(edit.statusCode, 200, 'edit');
      assert.ok(
        edit.body.includes('<textarea') && edit.body.includes('三つ目の意見'),
        'back to the form with values',
      );
      assert.match(edit.body, new RegExp(`<option value="${node11}" selected`), 'the section kept');
    });

    test('submissions are limited per address and hour with a Japanese 429 page', async () => {
      const limited = await buildTestApp(db, {
        clock: () => now,
        seed: false,
        config: { submissionLimitPerHour: 2 },
      });
      try {
        const b = new TestBrowser(limited);
        await b.get(`/consultations/${cid}/form`);
        const statuses: number[] = [];
        for (let i = 0; i < 3; i++)
          statuses.push((await b.post(`/consultations/${cid}/submit`, {})).statusCode);
        assert.deepEqual(statuses, [400, 400, 429], 'the third within the hour is refused');
        assert.ok(b.last!.body.includes('アクセスが集中しています'), 'the Japanese page');
      } finally {
        await limited.close();
      }
    });

    test('no log line holds the personal data, whether the submission is accepted, refused or a duplicate', async () => {
      const lines: string[] = [];
      const logged = await build({
        config: testConfig(),
        db,
        clock: () => now,
        rateLimitMax: 100_000,
        logger: { level: 'trace', stream: { write: (line: string) => lines.push(line) } },
      });
      await logged.ready();
      try {
        const b = new TestBrowser(logged);
        const secrets = {
          name: `${CANARY_NAME}ログ`,
          address: `${CANARY_ADDRESS}ログ`,
          email: 'log.canary@example.jp',
          phone: '0999-11-2222',
        };
        const form = validForm(secrets);
        const { submit } = await submitThroughConfirm(b, form);
        assert.equal(submit.statusCode, 303, 'accepted');
        assert.equal((await submitThroughConfirm(b, form)).submit.statusCode, 409, 'duplicate');
        const bad = await b.post(`/consultations/${cid}/submit`, {
          ...form,
          name: `${secrets.name}\u0000`,
          email: `${secrets.email}x@`,
        });
        assert.equal(bad.statusCode, 400, 'refused');
        assert.ok(lines.length > 0, 'the app logged');
        for (const secret of Object.values(secrets))
          assert.ok(!lines.some((l) => l.includes(secret)), `no log line holds ${secret}`);
      } finally {
        await logged.close();
      }
    });

    test('/staff/outbox shows queued mail to planners and records the view in the audit log', async () => {
      const planner = await buildStaff(db, 'planner');
      const editor = await buildStaff(db, 'editor');
      now = new Date(now.getTime() + 31_000);
      const p = await signInAs(app, planner, () => now);
      const r: LightMyRequestResponse = await p.get('/staff/outbox');
      assert.equal(r.statusCode, 200, 'planner reads the outbox');
      assert.ok(r.body.includes(CANARY_EMAIL), 'the queued receipt mail is listed');
      assert.ok(r.body.includes('<caption'), 'a table with a caption');
      const audit = await db.kysely
        .selectFrom('audit_log')
        .select(['action', 'actor_user_id'])
        .where('action', '=', 'outbox.view')
        .execute();
      assert.ok(
        audit.some((a) => a.actor_user_id === planner.id),
        'the view is audited',
      );
      now = new Date(now.getTime() + 31_000);
      const e = await signInAs(app, editor, () => now);
      assert.equal((await e.get('/staff/outbox')).statusCode, 403, 'editors may not');
    });
  });
}
