import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../../test/support/app.ts';
import type { TestBrowser } from '../../../test/support/browser-session.ts';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';
import { buildStaff, signInAs, type TestStaff } from '../../../test/support/staff.ts';
import { attachmentDisposition } from './audit.routes.tsx';
import { type AuditEvent, recordAudit } from './audit.service.ts';

const CITY = '352161';
/** The app's clock: 2026-11-26 17:00 in Tokyo. */
const NOW = new Date('2026-11-26T08:00:00.000Z');

/** The text of a page as a browser shows an attribute or text value (the entities Preact writes, decoded). */
function decodeHtml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

// Every assertion carries a message: a failing assert.ok() without one makes Node (20) rebuild the
// message from this file's source, which can spin for minutes under tsx instead of failing.

/** The page contains the text (as written in the HTML). */
function has(html: string, text: string): void {
  assert.ok(html.includes(text), `expected in the page: ${text}`);
}

/** The page does not contain the text. */
function hasNot(html: string, text: string): void {
  assert.ok(!html.includes(text), `not expected in the page: ${text}`);
}

/** The resource ids of the table's rows, in order. */
function rowIds(html: string): string[] {
  return [...html.matchAll(/ID：([^<]+)<\/td>/g)].map((m) => decodeHtml(m[1]!));
}

/** The link 「次のn件」 of the page, decoded, or null. */
function nextLink(html: string): string | null {
  const m = /<a href="([^"]+)">次の[\d,]+件<\/a>/.exec(html);
  return m ? decodeHtml(m[1]!) : null;
}

for (const dialect of DIALECTS) {
  describe(`audit log pages (${dialect})`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    let admin: TestStaff;
    let planner: TestStaff;
    let editor: TestStaff;
    let committee: TestStaff;
    let asAdmin: TestBrowser;
    let asPlanner: TestBrowser;
    let asEditor: TestBrowser;
    let asCommittee: TestBrowser;

    const event = (over: Partial<AuditEvent> & Pick<AuditEvent, 'at'>): AuditEvent => ({
      municipalityCode: CITY,
      actor: { userId: admin.id, label: admin.email, ip: '192.0.2.10', requestId: 'req-test' },
      action: 'user.update',
      resourceType: 'user',
      resourceId: 1,
      before: null,
      after: null,
      ...over,
    });
    const record = (events: AuditEvent[]) =>
      db.kysely.transaction().execute(async (trx) => {
        for (const e of events) await recordAudit(trx, e);
      });
    const exportsBy = (userId: number) =>
      db.kysely
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'audit.export')
        .where('actor_user_id', '=', userId)
        .orderBy('id')
        .execute();

    before(async () => {
      db = await createTestDb(dialect);
      app = await buildTestApp(db, { seed: false, clock: () => NOW });
      admin = await buildStaff(db, 'admin');
      planner = await buildStaff(db, 'planner');
      editor = await buildStaff(db, 'editor');
      committee = await buildStaff(db, 'committee');
      asAdmin = await signInAs(app, admin, () => NOW);
      asPlanner = await signInAs(app, planner, () => NOW);
      asEditor = await signInAs(app, editor, () => NOW);
      asCommittee = await signInAs(app, committee, () => NOW);
      await record([
        event({
          at: '2026-11-20T01:00:00.000Z',
          action: 'user.create',
          resourceId: 'u101',
          after: { email: 'new@city.example.jp', role: 'editor' },
        }),
        event({
          at: '2026-11-21T01:00:00.000Z',
          actor: { userId: planner.id, label: planner.email, ip: '198.51.100.7', requestId: 'req-p' },
          action: 'department.update',
          resourceType: 'department',
          resourceId: 'd7',
          before: { name: '企画課', position: 1 },
          after: { name: '企画政策課', position: 1 },
        }),
        // Markup in every place an attacker could put it: the label, the resource id, before and after.
        event({
          at: '2026-11-22T01:00:00.000Z',
          actor: {
            userId: null,
            label: '<script>alert(1)</script>@evil.example',
            ip: '203.0.113.9',
            requestId: 'req-x',
          },
          resourceType: 'xss',
          resourceId: '"><img src=x onerror=alert(3)>',
          before: { note: '<img src=x onerror=alert(1)>' },
          after: { note: '</pre><script>alert(2)</script>' },
        }),
        // Spreadsheet formulas in the cells of the CSV.
        event({
          at: '2026-11-23T01:00:00.000Z',
          actor: { userId: null, label: '=HYPERLINK("http://evil")', ip: '203.0.113.9', requestId: '+1' },
          action: '-1',
          resourceType: 'formula',
          resourceId: '@SUM(1)',
          after: { x: '=1+1' },
        }),
      ]);
    });
    after(async () => {
      await app?.close();
      await db?.drop();
    });

    test('an administrator sees the entries in an accessible table', async () => {
      const r = await asAdmin.get('/staff/audit');
      assert.equal(r.statusCode, 200);
      assert.equal(r.headers['cache-control'], 'no-store');
      assert.match(r.body, /<title>監査ログ \| /);
      assert.match(r.body, /<h1>監査ログ<\/h1>/);
      assert.match(r.body, /<form method="get" action="\/staff\/audit"/);
      for (const label of ['操作者', '操作', '対象の種類', '対象ID', '開始日', '終了日', 'キーワード']) {
        assert.ok(r.body.includes(`${label}<span class="opt">任意</span>`), label);
      }
      assert.match(r.body, /<caption id="audit-caption">監査ログ（新しい順）：全[\d,]+件のうち/);
      for (const col of ['日時', '操作者', '接続元', '操作', '対象', '変更された項目', '変更前後の内容']) {
        assert.ok(r.body.includes(`<th scope="col">${col}</th>`), col);
      }
      // Tokyo time, the weekday in Japanese, the row's header cell.
      has(
        r.body,
        '<th scope="row"><time datetime="2026-11-21T01:00:00.000Z">2026年11月21日（土） 10:00</time></th>',
      );
      has(r.body, planner.email);
      has(r.body, '198.51.100.7');
      has(r.body, '<code>department.update</code>');
      assert.ok(r.body.includes('<td>name</td>'), 'the changed key (position did not change)');
      assert.ok(r.body.includes('<td>email、role</td>'), 'a creation lists every key');
      // before/after behind a disclosure, pretty-printed
      assert.match(r.body, /<details><summary>内容を見る<span class="visually-hidden">/);
      has(r.body, '{\n  &quot;name&quot;: &quot;企画課&quot;,\n  &quot;position&quot;: 1\n}');
      assert.match(r.body, /条件に合う記録：\d+件/);
      assert.match(r.body, /href="\/staff\/audit\.csv" download/);
      assert.equal(nextLink(r.body), null, 'one page only');
    });

    test('a planner sees the entries too, and may export them', async () => {
      const r = await asPlanner.get('/staff/audit?resourceType=department');
      assert.equal(r.statusCode, 200);
      assert.deepEqual(rowIds(r.body), ['d7']);
      has(r.body, '条件に合う記録：1件');
      has(r.body, 'href="/staff/audit.csv?resourceType=department"');
    });

    test('filters narrow the list and are shown again in the form', async () => {
      const ids = async (query: string) => rowIds((await asAdmin.get(`/staff/audit?${query}`)).body);
      assert.deepEqual(await ids(`actor=${planner.id}`), ['d7']);
      // An e-mail, or part of one, case-insensitive.
      assert.deepEqual(await ids(`actor=${encodeURIComponent(planner.email.toUpperCase())}`), ['d7']);
      assert.deepEqual(await ids('actor=evil.example'), ['"><img src=x onerror=alert(3)>']);
      assert.deepEqual(await ids('action=user.create'), ['u101']);
      assert.deepEqual(await ids('action=user.&resourceType=user'), ['u101']);
      assert.deepEqual(await ids('resourceType=department&resourceId=d7'), ['d7']);
      assert.deepEqual(await ids('resourceId=nothing'), []);
      // Tokyo days: 2026-11-21 10:00 is on the 21st; full-width input is accepted.
      assert.deepEqual(await ids('from=2026-11-21&to=2026-11-21'), ['d7']);
      assert.deepEqual(
        await ids(`from=${encodeURIComponent('２０２６－１１－２３')}`).then((x) => x.length),
        1,
      );
      assert.deepEqual(await ids('to=2026-11-20&resourceType=user'), ['u101']);
      assert.deepEqual(await ids('q=HYPERLINK'), ['@SUM(1)']);
      const r = await asAdmin.get('/staff/audit?q=%E4%BC%81%E7%94%BB&from=2026-11-21');
      assert.match(r.body, /id="q" name="q" value="企画"/);
      assert.match(r.body, /id="from" name="from" value="2026-11-21"/);
      has(r.body, '条件に合う記録はありません。');
      assert.ok(!r.body.includes('<table'), 'no empty table');
    });

    test('pages of 50 with 「次の50件」 carrying the filters and the cursor, without duplicates', async () => {
      await record(
        Array.from({ length: 120 }, (_, i) =>
          event({
            // Pairs at the same instant: the id breaks the tie across page boundaries.
            at: new Date(Date.UTC(2026, 10, 24, 0, 0, Math.floor(i / 2))).toISOString(),
            resourceType: 'paging',
            resourceId: `p${i}`,
          }),
        ),
      );
      const seen: string[] = [];
      let url: string | null = '/staff/audit?resourceType=paging';
      const sizes: number[] = [];
      while (url) {
        const r = await asAdmin.get(url);
        assert.equal(r.statusCode, 200, url);
        has(r.body, '条件に合う記録：120件');
        const ids = rowIds(r.body);
        sizes.push(ids.length);
        seen.push(...ids);
        url = nextLink(r.body);
        if (url) {
          assert.match(url, /^\/staff\/audit\?resourceType=paging&cursor=[\w-]+$/);
          has(r.body, '>次の50件</a>');
        }
        if (sizes.length > 1) has(r.body, '>最初のページへ戻る</a>');
      }
      assert.deepEqual(sizes, [50, 50, 20]);
      assert.equal(new Set(seen).size, 120, 'no duplicates');
      assert.equal(seen[0], 'p119');
      assert.equal(seen.at(-1), 'p0');
      // A page size of the form's own carries over too.
      const small = await asAdmin.get('/staff/audit?resourceType=paging&limit=30');
      assert.equal(rowIds(small.body).length, 30);
      assert.match(nextLink(small.body)!, /^\/staff\/audit\?resourceType=paging&limit=30&cursor=/);
      has(small.body, '>次の30件</a>');
    });

    test('the CSV: BOM, Japanese header, one row per entry, formulas neutralised', async () => {
      const r = await asAdmin.get('/staff/audit.csv?resourceType=formula');
      assert.equal(r.statusCode, 200);
      assert.equal(r.headers['content-type'], 'text/csv; charset=utf-8');
      assert.equal(
        r.headers['content-disposition'],
        `attachment; filename="audit-2026-11-26.csv"; filename*=UTF-8''audit-2026-11-26.csv`,
      );
      assert.equal(r.headers['cache-control'], 'no-store');
      assert.deepEqual([...r.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
      const lines = r.body.slice(1).split('\r\n');
      assert.equal(lines.pop(), '', 'CRLF after the last record');
      assert.equal(lines[0], '日時,操作者,操作者ID,接続元,操作,対象の種類,対象ID,変更前,変更後,リクエストID');
      assert.equal(lines.length, 2, 'the header and the one entry');
      assert.equal(
        lines[1],
        `2026-11-23 10:00:00,"'=HYPERLINK(""http://evil"")",,203.0.113.9,'-1,formula,'@SUM(1),,"{""x"":""=1+1""}",'+1`,
      );
    });

    test('the CSV of every entry has as many rows as the log had entries before the export', async () => {
      // The export holds what came before its own instant (the app's clock, frozen here at NOW).
      const before = await db.kysely
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('municipality_code', '=', CITY)
        .where('at', '<', NOW.toISOString())
        .executeTakeFirstOrThrow();
      assert.ok(Number(before.n) > 100, 'the entries of the earlier tests');
      const r = await asPlanner.get('/staff/audit.csv');
      assert.equal(r.statusCode, 200);
      const lines = r.body.split('\r\n').filter((l) => l !== '');
      assert.equal(lines.length, 1 + Number(before.n));
      assert.ok(!r.body.includes('audit.export'), 'the export does not contain its own entry');
    });

    test('the export is itself recorded, with its filters, before the file is sent', async () => {
      const r = await asAdmin.get(
        `/staff/audit.csv?resourceType=department&from=2026-11-01&actor=${planner.id}&cursor=ignored&limit=5`,
      );
      assert.equal(r.statusCode, 200);
      const rows = await exportsBy(admin.id);
      const last = rows.at(-1)!;
      assert.equal(last.action, 'audit.export');
      assert.equal(last.resource_type, 'audit');
      assert.equal(last.resource_id, CITY);
      assert.equal(last.actor_label, admin.email);
      assert.equal(last.at, NOW.toISOString());
      assert.equal(last.request_id, r.headers['x-request-id']);
      assert.equal(last.before_json, null);
      assert.deepEqual(JSON.parse(last.after_json!), {
        actorUserId: planner.id,
        from: '2026-10-31T15:00:00.000Z',
        resourceType: 'department',
      });
      // A HEAD request downloads nothing and records nothing.
      const head = await app.inject({
        method: 'HEAD',
        url: '/staff/audit.csv',
        cookies: Object.fromEntries(asAdmin.cookies),
      });
      assert.equal(head.statusCode, 200);
      assert.equal(head.headers['content-type'], 'text/csv; charset=utf-8');
      assert.equal(head.body, '');
      assert.equal((await exportsBy(admin.id)).length, rows.length);
      // and it shows on the page
      const page = await asAdmin.get('/staff/audit?action=audit.export');
      has(page.body, '<code>audit.export</code>');
      has(page.body, '<td>actorUserId、from、resourceType</td>');
    });

    test('editors and committee members get 403 on both, and nothing is recorded', async () => {
      for (const [who, b] of [
        [editor, asEditor],
        [committee, asCommittee],
      ] as const) {
        const page = await b.get('/staff/audit');
        assert.equal(page.statusCode, 403, who.role);
        has(page.body, 'このページを表示する権限がありません');
        hasNot(page.body, admin.email);
        const csv = await b.get('/staff/audit.csv');
        assert.equal(csv.statusCode, 403, who.role);
        hasNot(csv.body, '日時,操作者');
        assert.equal((await exportsBy(who.id)).length, 0);
      }
    });

    test('visitors who are not signed in are sent to sign in', async () => {
      const page = await app.inject('/staff/audit');
      assert.equal(page.statusCode, 303);
      assert.equal(page.headers.location, '/staff/sign-in?next=%2Fstaff%2Faudit');
      const csv = await app.inject('/staff/audit.csv?q=x');
      assert.equal(csv.statusCode, 303);
      assert.equal(csv.headers.location, '/staff/sign-in?next=%2Fstaff%2Faudit.csv%3Fq%3Dx');
    });

    test('invalid filters: 400, 「エラー：」, an error summary linking to the field, the message on it', async () => {
      const cases: Array<[string, string, string]> = [
        ['from=2026-13-45', 'from', '開始日には実在する日付を入力してください'],
        ['from=26-11-2026', 'from', '開始日は YYYY-MM-DD の形で入力してください'],
        [
          'from=2026-11-27&to=2026-11-26',
          'to',
          '終了日は開始日と同じ日か、それより後の日付を入力してください',
        ],
        ['limit=abc', 'limit', '表示件数は1から200までの数字で入力してください'],
        ['limit=500', 'limit', '表示件数は1から200までの数字で入力してください'],
        ['cursor=garbage', 'cursor', 'ページの指定が正しくありません。最初のページから表示し直してください'],
        [`q=${'あ'.repeat(101)}`, 'q', 'キーワードは100文字以内で入力してください'],
      ];
      // a key given twice counts once, as everywhere (web/query-string.ts): the first value
      const twice = await asAdmin.get('/staff/audit?action=user.invite&action=%3Cb%3E');
      assert.equal(twice.statusCode, 200);
      assert.ok(twice.body.includes('value="user.invite"'), 'the first value is the filter');
      for (const [query, field, message] of cases) {
        const r = await asAdmin.get(`/staff/audit?${query}`);
        assert.equal(r.statusCode, 400, query);
        assert.match(r.body, /<title>エラー：監査ログ \| /, query);
        assert.match(r.body, /<div class="error-summary" role="alert"/, query);
        assert.ok(r.body.includes(`<a href="#${field}">${message}</a>`), query);
        assert.ok(r.body.includes(`id="${field}"`), `${query}: the link has a target`);
        assert.ok(!r.body.includes('<table'), `${query}: no results`);
      }
      // The field shows its message and keeps what was typed.
      const r = await asAdmin.get('/staff/audit?from=2026-13-45&q=%E4%BC%81%E7%94%BB');
      has(r.body, '<p class="field-error" id="from-error">');
      assert.match(
        r.body,
        /id="from" name="from" value="2026-13-45"[^>]* aria-describedby="from-hint from-error"/,
      );
      assert.match(r.body, /id="q" name="q" value="企画"/);
      // A bad cursor offers the first page of the same filters.
      const c = await asAdmin.get('/staff/audit?cursor=garbage&resourceType=user');
      has(c.body, '<a href="/staff/audit?resourceType=user">最初のページから表示する</a>');
      // The CSV takes the same filters: its errors are the page's, and nothing is exported or recorded.
      const before = (await exportsBy(admin.id)).length;
      const csv = await asAdmin.get('/staff/audit.csv?from=2026-11-27&to=2026-11-26');
      assert.equal(csv.statusCode, 400);
      assert.match(String(csv.headers['content-type']), /^text\/html/);
      has(csv.body, '終了日は開始日と同じ日か、それより後の日付を入力してください');
      assert.equal((await exportsBy(admin.id)).length, before);
    });

    test('in English, the page and its messages are in English', async () => {
      asAdmin.cookies.set('lang', 'en');
      try {
        const r = await asAdmin.get('/staff/audit?from=2026-13-45');
        assert.equal(r.statusCode, 400);
        assert.match(r.body, /<title>Error: Audit log \| /);
        has(r.body, '<a href="#from">From must be a real date</a>');
        const ok = await asAdmin.get('/staff/audit?resourceType=department');
        has(ok.body, '21 November 2026 10:00');
        has(ok.body, '<th scope="col">Changed fields</th>');
      } finally {
        asAdmin.cookies.delete('lang');
      }
    });

    test('markup stored in the log comes back escaped', async () => {
      const r = await asAdmin.get('/staff/audit?resourceType=xss');
      assert.equal(r.statusCode, 200);
      assert.deepEqual(rowIds(r.body), ['"><img src=x onerror=alert(3)>']);
      for (const raw of ['<script', '<img', '</pre><script']) {
        assert.ok(!r.body.includes(raw), raw);
      }
      // Preact escapes < (and & ") in text: enough for no element to start; the reader sees the text.
      has(r.body, '&lt;script>alert(1)&lt;/script>@evil.example');
      has(r.body, '&quot;note&quot;: &quot;&lt;img src=x onerror=alert(1)>&quot;');
      has(r.body, '&quot;note&quot;: &quot;&lt;/pre>&lt;script>alert(2)&lt;/script>&quot;');
      // and so does markup in the query string
      const q = await asAdmin.get(`/staff/audit?actor=${encodeURIComponent('<script>alert(4)</script>')}`);
      assert.equal(q.statusCode, 200);
      hasNot(q.body, '<script');
      assert.match(q.body, /value="&lt;script(>|&gt;)alert\(4\)&lt;\/script(>|&gt;)"/);
      const bad = await asAdmin.get(`/staff/audit?from=${encodeURIComponent('"><script>alert(5)</script>')}`);
      assert.equal(bad.statusCode, 400);
      hasNot(bad.body, '<script');
      assert.match(bad.body, /id="from" name="from" value="&quot;>&lt;script>alert\(5\)&lt;\/script>"/);
    });

    test('the attachment header names the file for old and new clients', () => {
      assert.equal(
        attachmentDisposition('監査ログ 2026.csv'),
        `attachment; filename="____ 2026.csv"; filename*=UTF-8''%E7%9B%A3%E6%9F%BB%E3%83%AD%E3%82%B0%202026.csv`,
      );
    });
  });
}
