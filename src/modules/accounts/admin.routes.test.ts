import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildTestApp } from '../../../test/support/app.ts';
import { TestBrowser, totpCode } from '../../../test/support/browser-session.ts';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';
import { buildDepartment, buildStaff, signInAs, type TestStaff } from '../../../test/support/staff.ts';
import { ensureMunicipality } from '../plan/plan.service.ts';

const DAY = 24 * 60 * 60 * 1000;
const NEW_PASSWORD = '厚狭川の土手を自転車で走る';
const XSS_SCRIPT = '<script>alert(1)</script>';
const XSS_IMG = '"><img src=x onerror=alert(1)>';

/** The raw payloads must never appear; their escaped text must. */
function assertEscaped(res: LightMyRequestResponse, where: string) {
  assert.ok(!res.body.includes(XSS_SCRIPT), `${where}: a raw <script> payload`);
  assert.ok(!/<img[^>]*onerror/i.test(res.body), `${where}: a raw <img onerror> payload`);
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

for (const dialect of DIALECTS) {
  describe(`staff administration: departments, invitations, users (${dialect})`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    let now = new Date('2026-11-26T00:00:00.000Z');
    const clock = () => now;
    const advance = (ms: number) => {
      now = new Date(now.getTime() + ms);
    };
    let admin: TestStaff;
    let adminB: TestBrowser;

    /** Signs in through the real flow, at a fresh TOTP step. */
    const signIn = async (s: TestStaff) => {
      advance(31_000);
      return signInAs(app, s, clock);
    };

    /** Posts a form whose fields may repeat (checkboxes), as a browser would, with the page's CSRF token. */
    const postPairs = (b: TestBrowser, url: string, pairs: Array<[string, string]>) =>
      app.inject({
        method: 'POST',
        url,
        payload: new URLSearchParams([['_csrf', b.csrf], ...pairs]).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:3000' },
        cookies: Object.fromEntries(b.cookies),
      });

    const auditRows = (action: string, resourceId?: string | number) => {
      let q = db.kysely.selectFrom('audit_log').selectAll().where('action', '=', action);
      if (resourceId !== undefined) q = q.where('resource_id', '=', String(resourceId));
      return q.orderBy('id').execute();
    };

    /** Exactly one audit row for the write; its before and after, parsed. */
    const oneAudit = async (action: string, resourceId: string | number) => {
      const rows = await auditRows(action, resourceId);
      assert.equal(rows.length, 1, `one ${action} row for ${resourceId}`);
      const r = rows[0]!;
      return {
        row: r,
        before: r.before_json === null ? null : (JSON.parse(r.before_json) as Record<string, unknown>),
        after: r.after_json === null ? null : (JSON.parse(r.after_json) as Record<string, unknown>),
      };
    };
    const auditCount = async () =>
      Number(
        (
          await db.kysely
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    const departmentId = async (name: string) =>
      (
        await db.kysely
          .selectFrom('departments')
          .select('id')
          .where('name', '=', name)
          .executeTakeFirstOrThrow()
      ).id;

    /** Invites through the form; returns the token from the one-time link on the result page. */
    const invite = async (email: string, role: string, departmentIds: number[] = []) => {
      await adminB.get('/staff/users/invite');
      const r = await postPairs(adminB, '/staff/users/invite', [
        ['email', email],
        ['role', role],
        ...departmentIds.map((id): [string, string] => ['departmentIds', String(id)]),
      ]);
      assert.equal(r.statusCode, 200, r.body.slice(0, 2000));
      const m = /http:\/\/localhost:3000\/staff\/invitations\/([A-Za-z0-9_-]{43})/.exec(r.body);
      assert.ok(m, 'the page shows the link');
      return { token: m[1]!, res: r };
    };

    /** The invitee's side: open the link, choose a name and a password. */
    const accept = async (token: string, displayName: string, b = new TestBrowser(app)) => {
      const page = await b.get(`/staff/invitations/${token}`);
      assert.equal(page.statusCode, 200);
      return b.post(`/staff/invitations/${token}`, {
        displayName,
        password: NEW_PASSWORD,
        confirm: NEW_PASSWORD,
      });
    };

    before(async () => {
      db = await createTestDb(dialect);
      app = await buildTestApp(db, { seed: false, clock });
      admin = await buildStaff(db, 'admin');
      adminB = await signIn(admin);
    });
    after(async () => {
      await app?.close();
      await db?.drop();
    });

    test('an administrator creates, renames, reorders, disables and enables departments', async () => {
      const list = await adminB.get('/staff/departments');
      assert.equal(list.statusCode, 200);
      assert.ok(list.body.includes('まだ部署が登録されていません。'));

      const created = await adminB.post('/staff/departments', { name: '  企画課　' });
      assert.equal(created.statusCode, 303);
      assert.equal(created.headers.location, '/staff/departments?done=created');
      const id = await departmentId('企画課');
      const { before: b0, after: a0, row } = await oneAudit('department.create', id);
      assert.equal(b0, null);
      assert.deepEqual(a0, { id, name: '企画課', position: 1, disabledAt: null });
      assert.equal(row.actor_user_id, admin.id);
      assert.equal(row.actor_label, admin.email);
      assert.ok(row.request_id.length > 0);

      const shown = await adminB.get('/staff/departments?done=created');
      assert.ok(shown.body.includes('部署を追加しました。'));
      assert.ok(shown.body.includes(`href="/staff/departments/${id}"`));

      const taken = await adminB.post('/staff/departments', { name: '企画課' });
      assert.equal(taken.statusCode, 400);
      assert.match(taken.body, /<title>エラー：部署/);
      assert.ok(taken.body.includes('「企画課」という名前の部署はすでにあります'));
      assert.ok(taken.body.includes('href="#name"'));

      const empty = await adminB.post('/staff/departments', { name: '　' });
      assert.equal(empty.statusCode, 400);
      assert.ok(empty.body.includes('部署名を入力してください'));
      const long = await adminB.post('/staff/departments', { name: '課'.repeat(101) });
      assert.equal(long.statusCode, 400);
      assert.ok(long.body.includes('部署名は100文字以内で入力してください（現在101文字）'));
      // 100 characters as a reader counts them, even when they take two UTF-16 units each
      const exact = await adminB.post('/staff/departments', { name: '𠮷'.repeat(100) });
      assert.equal(exact.statusCode, 303);
      assert.equal((await auditRows('department.create')).length, 2, 'failed forms write nothing');

      const edit = await adminB.get(`/staff/departments/${id}`);
      assert.equal(edit.statusCode, 200);
      assert.ok(edit.body.includes('value="企画課"'));
      const renamed = await adminB.post(`/staff/departments/${id}`, {
        name: '総合政策部 企画課',
        position: '５',
      });
      assert.equal(renamed.statusCode, 303);
      assert.equal(renamed.headers.location, '/staff/departments?done=updated');
      const upd = await oneAudit('department.update', id);
      assert.deepEqual(upd.before, { id, name: '企画課', position: 1, disabledAt: null });
      assert.deepEqual(upd.after, { id, name: '総合政策部 企画課', position: 5, disabledAt: null });

      await adminB.get(`/staff/departments/${id}`);
      const same = await adminB.post(`/staff/departments/${id}`, {
        name: '総合政策部 企画課',
        position: '5',
      });
      assert.equal(same.headers.location, '/staff/departments?done=unchanged');
      assert.equal((await auditRows('department.update', id)).length, 1, 'no change, no audit row');

      const other = await departmentId('𠮷'.repeat(100));
      await adminB.get(`/staff/departments/${other}`);
      const clash = await adminB.post(`/staff/departments/${other}`, {
        name: '総合政策部 企画課',
        position: '1',
      });
      assert.equal(clash.statusCode, 400);
      assert.ok(clash.body.includes('「総合政策部 企画課」という名前の部署はすでにあります'));
      const badPos = await adminB.post(`/staff/departments/${other}`, { name: 'x', position: '-1' });
      assert.equal(badPos.statusCode, 400);
      assert.ok(badPos.body.includes('表示順は0から9999までの数字で入力してください'));
      assert.ok(badPos.body.includes('href="#position"'));

      await adminB.get(`/staff/departments/${id}`);
      const disabled = await adminB.post(`/staff/departments/${id}/disable`, {});
      assert.equal(disabled.statusCode, 303);
      const dis = await oneAudit('department.disable', id);
      assert.equal(dis.before?.disabledAt, null);
      assert.equal(dis.after?.disabledAt, now.toISOString());
      const listed = await adminB.get('/staff/departments');
      assert.match(listed.body, /総合政策部 企画課<\/a><\/th><td>5<\/td><td>停止中<\/td>/);
      const invitePage = await adminB.get('/staff/users/invite');
      assert.ok(!invitePage.body.includes('総合政策部 企画課'), 'a disabled department is not offered');
      await adminB.get(`/staff/departments/${id}`);
      assert.equal((await adminB.post(`/staff/departments/${id}/enable`, {})).statusCode, 303);
      await oneAudit('department.enable', id);
    });

    test('department pages: wrong ids are 404, and planners may read the list only', async () => {
      await ensureMunicipality(db, '999999', now);
      const foreign = await db.kysely
        .insertInto('departments')
        .values({
          municipality_code: '999999',
          name: 'よその課',
          position: 1,
          created_at: now.toISOString(),
          disabled_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      for (const id of ['abc', '0', '99999999', '1e3', '99999999999999999999', String(foreign.id)]) {
        assert.equal((await adminB.get(`/staff/departments/${id}`)).statusCode, 404, `GET ${id}`);
        await adminB.get('/staff/departments');
        for (const suffix of ['', '/disable', '/enable']) {
          const r = await adminB.post(`/staff/departments/${id}${suffix}`, { name: 'x', position: '1' });
          assert.equal(r.statusCode, 404, `POST ${id}${suffix}`);
        }
      }
      assert.equal(
        (
          await db.kysely
            .selectFrom('departments')
            .select('name')
            .where('id', '=', foreign.id)
            .executeTakeFirst()
        )?.name,
        'よその課',
      );
      const planner = await signIn(await buildStaff(db, 'planner'));
      const page = await planner.get('/staff/departments');
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes('総合政策部 企画課'));
      assert.ok(!page.body.includes('action="/staff/departments"'), 'no create form for planners');
      assert.ok(!page.body.includes('href="/staff/departments/'), 'no edit links for planners');
    });

    let editorToken = '';
    const EDITOR_EMAIL = 'shinjin@city.example.jp';

    test('an administrator invites an editor with two departments; the link is shown once and only its hash is kept', async () => {
      const a = await buildDepartment(db, '防災危機管理課');
      const b = await buildDepartment(db, '土木課');
      const before = await auditCount();
      const { token, res } = await invite(' Shinjin@City.Example.JP ', 'editor', [a, b]);
      editorToken = token;
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.ok(res.body.includes('このリンクを招待する職員に伝えてください'));
      assert.ok(res.body.includes(EDITOR_EMAIL), 'the address is normalised');
      assert.ok(res.body.includes('防災危機管理課、土木課'));
      const rows = await db.kysely
        .selectFrom('one_time_tokens')
        .selectAll()
        .where('kind', '=', 'invite')
        .execute();
      assert.equal(rows.length, 1);
      const row = rows[0]!;
      assert.equal(row.token_hash, sha256(token));
      assert.ok(!JSON.stringify(rows).includes(token), 'the token itself is not stored');
      assert.equal(row.email, EDITOR_EMAIL);
      assert.equal(row.role, 'editor');
      assert.deepEqual(
        JSON.parse(row.department_ids),
        [a, b].sort((x, y) => x - y),
      );
      assert.equal(row.expires_at, new Date(now.getTime() + 7 * DAY).toISOString());
      assert.equal(row.created_by, admin.id);
      assert.equal(await auditCount(), before + 1);
      const audit = await oneAudit('invitation.create', EDITOR_EMAIL);
      assert.ok(!audit.row.after_json!.includes(token) && !audit.row.after_json!.includes(row.token_hash));
      assert.equal(audit.after?.role, 'editor');

      const users = await adminB.get('/staff/users');
      assert.equal(users.statusCode, 200);
      assert.match(
        users.body,
        new RegExp(
          `<th scope="row">${EDITOR_EMAIL}</th><td>担当課の職員</td><td>防災危機管理課、土木課</td><td>招待中</td>`,
        ),
      );

      // the same address again, or an address with an account, is refused with a clear message
      const again = await postPairs(adminB, '/staff/users/invite', [
        ['email', EDITOR_EMAIL],
        ['role', 'committee'],
      ]);
      assert.equal(again.statusCode, 400);
      assert.ok(again.body.includes('受け入れを待っている招待がすでにあります'));
      const existing = await postPairs(adminB, '/staff/users/invite', [
        ['email', admin.email.toUpperCase()],
        ['role', 'committee'],
      ]);
      assert.equal(existing.statusCode, 400);
      assert.ok(existing.body.includes('このメールアドレスの職員はすでに登録されています'));
      assert.equal((await auditRows('invitation.create')).length, 1);
    });

    test('the invitation form names each problem, in Japanese (and in English on the English UI)', async () => {
      await adminB.get('/staff/users/invite');
      const empty = await postPairs(adminB, '/staff/users/invite', []);
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /<title>エラー：職員を招待する/);
      assert.ok(empty.body.includes('メールアドレスを入力してください'));
      assert.ok(empty.body.includes('役割を選んでください'));
      assert.ok(empty.body.includes('href="#email"') && empty.body.includes('href="#role"'));
      assert.ok(empty.body.includes('id="role"'), 'the summary link has a target');
      const bad = await postPairs(adminB, '/staff/users/invite', [
        ['email', 'not-an-address'],
        ['role', 'emperor'],
        ['departmentIds', 'abc'],
      ]);
      assert.equal(bad.statusCode, 400);
      assert.ok(bad.body.includes('メールアドレスを name@example.jp の形で入力してください'));
      assert.ok(bad.body.includes('役割を選んでください'));
      assert.ok(bad.body.includes('選べない部署が含まれています'));
      const noDept = await postPairs(adminB, '/staff/users/invite', [
        ['email', 'x@city.example.jp'],
        ['role', 'editor'],
      ]);
      assert.equal(noDept.statusCode, 400);
      assert.ok(noDept.body.includes('担当課の職員には、所属部署を1つ以上選んでください'));
      assert.ok(noDept.body.includes('value="x@city.example.jp"'), 'what was typed is kept');
      const unknownDept = await postPairs(adminB, '/staff/users/invite', [
        ['email', 'x@city.example.jp'],
        ['role', 'editor'],
        ['departmentIds', '987654'],
      ]);
      assert.equal(unknownDept.statusCode, 400);
      assert.ok(unknownDept.body.includes('選べない部署が含まれています'));
      const en = new TestBrowser(app);
      for (const [k, v] of adminB.cookies) en.cookies.set(k, v);
      en.cookies.set('lang', 'en');
      await en.get('/staff/users/invite');
      const english = await postPairs(en, '/staff/users/invite', []);
      assert.equal(english.statusCode, 400);
      assert.ok(english.body.includes('Enter an email address'));
      assert.ok(english.body.includes('Choose a role'));
      assert.equal((await auditRows('invitation.create')).length, 1, 'nothing was written');
    });

    test('the invitee accepts by the link, signs in, enrols TOTP and lands on /staff; the link works once', async () => {
      const b = new TestBrowser(app);
      const page = await b.get(`/staff/invitations/${editorToken}`);
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes(EDITOR_EMAIL));
      assert.ok(page.body.includes('防災危機管理課、土木課'));
      const invalid = await b.post(`/staff/invitations/${editorToken}`, {
        displayName: '',
        password: 'short',
        confirm: 'x',
      });
      assert.equal(invalid.statusCode, 400);
      assert.match(invalid.body, /<title>エラー：/);
      assert.ok(invalid.body.includes('氏名を入力してください'));
      assert.ok(invalid.body.includes('パスワードは12文字以上にしてください（現在5文字）'));
      const withEmail = await b.post(`/staff/invitations/${editorToken}`, {
        displayName: '新人 太郎',
        password: `${EDITOR_EMAIL} 2026`,
        confirm: `${EDITOR_EMAIL} 2026`,
      });
      assert.equal(withEmail.statusCode, 400, 'the invitation’s address is checked against the password');

      const ok = await b.post(`/staff/invitations/${editorToken}`, {
        displayName: '新人 太郎',
        password: NEW_PASSWORD,
        confirm: NEW_PASSWORD,
        email: 'someone-else@example.jp', // ignored: the address is the invitation's
        role: 'admin', // ignored too
      });
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 1000));
      assert.equal(ok.headers.location, '/staff/sign-in?done=invited');
      const user = await db.kysely
        .selectFrom('users')
        .selectAll()
        .where('email', '=', EDITOR_EMAIL)
        .executeTakeFirstOrThrow();
      assert.equal(user.role, 'editor');
      assert.equal(user.display_name, '新人 太郎');
      assert.equal(
        (
          await db.kysely
            .selectFrom('users')
            .select('id')
            .where('email', '=', 'someone-else@example.jp')
            .execute()
        ).length,
        0,
      );
      const deps = await db.kysely
        .selectFrom('user_departments')
        .select('department_id')
        .where('user_id', '=', user.id)
        .orderBy('department_id')
        .execute();
      assert.deepEqual(
        deps.map((d) => d.department_id),
        [await departmentId('防災危機管理課'), await departmentId('土木課')].sort((x, y) => x - y),
      );
      const audit = await oneAudit('user.create', user.id);
      assert.equal(audit.before, null);
      assert.equal(audit.after?.role, 'editor');
      assert.equal(audit.after?.invitedBy, admin.id);
      assert.equal(audit.row.actor_user_id, user.id);
      assert.ok(!audit.row.after_json!.includes(NEW_PASSWORD) && !audit.row.after_json!.includes('argon2'));
      const token = await db.kysely
        .selectFrom('one_time_tokens')
        .select('used_at')
        .where('token_hash', '=', sha256(editorToken))
        .executeTakeFirstOrThrow();
      assert.equal(token.used_at, now.toISOString());

      // the link works once
      assert.equal((await b.get(`/staff/invitations/${editorToken}`)).statusCode, 410);
      const replay = await b.post(`/staff/invitations/${editorToken}`, {
        displayName: '二人目',
        password: NEW_PASSWORD,
        confirm: NEW_PASSWORD,
      });
      assert.equal(replay.statusCode, 410);
      assert.ok(replay.body.includes('このリンクは使えません'));
      assert.equal((await auditRows('user.create')).length, 1);

      // sign in: password, then TOTP enrolment (the existing flow), then the staff start page
      await b.get('/staff/sign-in?done=invited');
      const pw = await b.post('/staff/sign-in', { email: EDITOR_EMAIL, password: NEW_PASSWORD });
      assert.equal(pw.statusCode, 303);
      assert.match(String(pw.headers.location), /^\/staff\/two-factor\/setup/);
      assert.equal((await b.get('/staff/two-factor/setup')).statusCode, 200);
      const pending = await db.kysely
        .selectFrom('users')
        .select('totp_pending_secret')
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      const enrolled = await b.post('/staff/two-factor/setup', {
        code: totpCode(pending.totp_pending_secret!, now),
      });
      assert.equal(enrolled.statusCode, 200);
      const home = await b.get('/staff');
      assert.equal(home.statusCode, 200);
      assert.ok(home.body.includes('新人 太郎'));

      const users = await adminB.get('/staff/users');
      assert.match(
        users.body,
        /新人 太郎<\/a><\/th><td>shinjin@city\.example\.jp<\/td><td>担当課の職員<\/td><td>防災危機管理課、土木課<\/td><td>有効<\/td>/,
      );
      assert.ok(!users.body.includes('<td>招待中</td>'), 'no longer listed as invited');
    });

    test('the same acceptance sent twice at once creates one user', async () => {
      const { token } = await invite('futago@city.example.jp', 'committee');
      const b = new TestBrowser(app);
      await b.get(`/staff/invitations/${token}`);
      const form = { displayName: '双子 一郎', password: NEW_PASSWORD, confirm: NEW_PASSWORD };
      const results = await Promise.all([
        b.post(`/staff/invitations/${token}`, form),
        b.post(`/staff/invitations/${token}`, form),
        b.post(`/staff/invitations/${token}`, form),
      ]);
      assert.deepEqual(results.map((r) => r.statusCode).sort(), [303, 410, 410]);
      const users = await db.kysely
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'futago@city.example.jp')
        .execute();
      assert.equal(users.length, 1);
      await oneAudit('user.create', users[0]!.id);
    });

    test('an invitation can be withdrawn, and then the address invited again', async () => {
      const { token } = await invite('torikeshi@city.example.jp', 'committee');
      await adminB.get('/staff/users');
      const r = await adminB.post('/staff/users/invitations/cancel', { email: 'torikeshi@city.example.jp' });
      assert.equal(r.statusCode, 303);
      assert.equal(r.headers.location, '/staff/users?done=invite-cancelled');
      const audit = await oneAudit('invitation.cancel', 'torikeshi@city.example.jp');
      assert.equal(audit.after, null);
      assert.equal(audit.before?.role, 'committee');
      assert.equal((await new TestBrowser(app).get(`/staff/invitations/${token}`)).statusCode, 410);
      await invite('torikeshi@city.example.jp', 'planner');
    });

    test('an expired invitation (8 days later) is refused and creates nobody', async () => {
      const { token } = await invite('osoi@city.example.jp', 'committee');
      const b = new TestBrowser(app);
      await b.get(`/staff/invitations/${token}`);
      advance(8 * DAY);
      assert.equal((await b.get(`/staff/invitations/${token}`)).statusCode, 410);
      const r = await b.post(`/staff/invitations/${token}`, {
        displayName: '遅井 花子',
        password: NEW_PASSWORD,
        confirm: NEW_PASSWORD,
      });
      assert.equal(r.statusCode, 410);
      assert.equal(
        (
          await db.kysely
            .selectFrom('users')
            .select('id')
            .where('email', '=', 'osoi@city.example.jp')
            .execute()
        ).length,
        0,
      );
      for (const bad of ['nope', 'x'.repeat(43), `${token.slice(0, -1)}A`]) {
        assert.equal((await b.get(`/staff/invitations/${bad}`)).statusCode, 410, bad);
      }
      adminB = await signIn(admin); // the administrator's session did not survive the 8 days either
      const users = await adminB.get('/staff/users');
      assert.ok(!users.body.includes('osoi@city.example.jp'), 'an expired invitation is no longer pending');
    });

    test('an administrator changes role and departments; disabling ends all of the user’s sessions', async () => {
      const a = await departmentId('防災危機管理課');
      const c = await departmentId('土木課');
      const editor = await buildStaff(db, 'editor', [a]);
      const e1 = await signIn(editor);
      const e2 = await signIn(editor);
      assert.equal((await e1.get('/staff/departments')).statusCode, 403);

      const page = await adminB.get(`/staff/users/${editor.id}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, new RegExp(`name="departmentIds" value="${a}" checked`));

      const missing = await postPairs(adminB, `/staff/users/${editor.id}`, [['departmentIds', String(a)]]);
      assert.equal(missing.statusCode, 400);
      assert.ok(missing.body.includes('役割を選んでください'));
      const none = await postPairs(adminB, `/staff/users/${editor.id}`, [['role', 'editor']]);
      assert.equal(none.statusCode, 400);
      assert.ok(none.body.includes('担当課の職員には、所属部署を1つ以上選んでください'));
      const unknown = await postPairs(adminB, `/staff/users/${editor.id}`, [
        ['role', 'editor'],
        ['departmentIds', '424242'],
      ]);
      assert.equal(unknown.statusCode, 400);
      assert.ok(unknown.body.includes('選べない部署が含まれています'));
      assert.equal((await auditRows('user.update', editor.id)).length, 0);

      const changed = await postPairs(adminB, `/staff/users/${editor.id}`, [
        ['role', 'planner'],
        ['departmentIds', String(a)],
        ['departmentIds', String(c)],
      ]);
      assert.equal(changed.statusCode, 303);
      assert.equal(changed.headers.location, `/staff/users/${editor.id}?done=updated`);
      const upd = await oneAudit('user.update', editor.id);
      assert.equal(upd.before?.role, 'editor');
      assert.deepEqual(upd.before?.departmentIds, [a]);
      assert.equal(upd.after?.role, 'planner');
      assert.deepEqual(
        upd.after?.departmentIds,
        [a, c].sort((x, y) => x - y),
      );
      assert.ok(!upd.row.before_json!.includes('argon2') && !upd.row.after_json!.includes('argon2'));
      assert.equal((await e1.get('/staff/departments')).statusCode, 200, 'the new role applies at once');

      await adminB.get(`/staff/users/${editor.id}`);
      const disabled = await adminB.post(`/staff/users/${editor.id}/disable`, {});
      assert.equal(disabled.statusCode, 303);
      const dis = await oneAudit('user.disable', editor.id);
      assert.equal(dis.before?.disabledAt, null);
      assert.equal(dis.after?.disabledAt, now.toISOString());
      const open = await db.kysely
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', editor.id)
        .where('ended_at', 'is', null)
        .execute();
      assert.equal(open.length, 0, 'every session of the user is ended');
      for (const b of [e1, e2]) {
        const r = await b.get('/staff');
        assert.equal(r.statusCode, 303);
        assert.match(String(r.headers.location), /^\/staff\/sign-in/);
      }
      const listed = await adminB.get('/staff/users');
      assert.match(
        listed.body,
        new RegExp(`href="/staff/users/${editor.id}">[^<]+</a></th>(<td>[^<]*</td>){3}<td>停止中</td>`),
      );
      await adminB.get(`/staff/users/${editor.id}`);
      assert.equal((await adminB.post(`/staff/users/${editor.id}/enable`, {})).statusCode, 303);
      await oneAudit('user.enable', editor.id);
      assert.equal((await e1.get('/staff')).statusCode, 303, 'an ended session does not come back');
      assert.equal((await (await signIn(editor)).get('/staff')).statusCode, 200, 'a new sign-in works');
    });

    test('user pages: wrong ids are 404', async () => {
      await ensureMunicipality(db, '999999', now);
      const foreign = await db.kysely
        .insertInto('users')
        .values({
          municipality_code: '999999',
          email: 'yoso@other.example.jp',
          display_name: 'よその人',
          role: 'editor',
          password_hash: null,
          totp_secret: null,
          totp_pending_secret: null,
          totp_enabled_at: null,
          totp_last_step: null,
          disabled_at: null,
          created_at: now.toISOString(),
          updated_at: now.toISOString(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      for (const id of ['abc', '0', '-1', '99999999', String(foreign.id)]) {
        assert.equal((await adminB.get(`/staff/users/${id}`)).statusCode, 404, `GET ${id}`);
        await adminB.get('/staff/users');
        for (const suffix of ['', '/disable', '/enable']) {
          const r = await postPairs(adminB, `/staff/users/${id}${suffix}`, [['role', 'committee']]);
          assert.equal(r.statusCode, 404, `POST ${id}${suffix}`);
        }
      }
      const still = await db.kysely
        .selectFrom('users')
        .selectAll()
        .where('id', '=', foreign.id)
        .executeTakeFirstOrThrow();
      assert.equal(still.role, 'editor');
      assert.equal(still.disabled_at, null);
      assert.ok(!(await adminB.get('/staff/users')).body.includes('yoso@other.example.jp'));
    });

    test('planners, editors and committee members get 403 on every administration page and POST', async () => {
      const dep = await departmentId('土木課');
      const target = await buildStaff(db, 'committee');
      const gets = [
        '/staff/users',
        '/staff/users/invite',
        `/staff/users/${target.id}`,
        `/staff/departments/${dep}`,
      ];
      const posts: Array<[string, Record<string, string>]> = [
        ['/staff/departments', { name: '乗っ取り課' }],
        [`/staff/departments/${dep}`, { name: '乗っ取り課', position: '1' }],
        [`/staff/departments/${dep}/disable`, {}],
        [`/staff/departments/${dep}/enable`, {}],
        ['/staff/users/invite', { email: 'evil@example.jp', role: 'admin' }],
        ['/staff/users/invitations/cancel', { email: 'torikeshi@city.example.jp' }],
        [`/staff/users/${target.id}`, { role: 'admin' }],
        [`/staff/users/${target.id}/disable`, {}],
        [`/staff/users/${target.id}/enable`, {}],
      ];
      // every administration route is in the lists above
      const covered = new Set([
        ...[
          '/staff/users',
          '/staff/users/invite',
          '/staff/users/:id',
          '/staff/departments',
          '/staff/departments/:id',
        ].map((u) => `GET ${u}`),
        ...[
          '/staff/departments',
          '/staff/departments/:id',
          '/staff/departments/:id/disable',
          '/staff/departments/:id/enable',
          '/staff/users/invite',
          '/staff/users/invitations/cancel',
          '/staff/users/:id',
          '/staff/users/:id/disable',
          '/staff/users/:id/enable',
        ].map((u) => `POST ${u}`),
      ]);
      const adminRoutes = app.routeList
        .filter((r) => r.method !== 'HEAD' && /^\/staff\/(users|departments)(\/|$)/.test(r.url))
        .map((r) => `${r.method} ${r.url}`);
      assert.deepEqual(
        adminRoutes.filter((r) => !covered.has(r)),
        [],
      );
      const audits = await auditCount();
      for (const role of ['planner', 'editor', 'committee'] as const) {
        const b = await signIn(await buildStaff(db, role, [dep]));
        const list = await b.get('/staff/departments');
        assert.equal(list.statusCode, role === 'planner' ? 200 : 403, `${role} GET /staff/departments`);
        for (const url of gets) {
          const r = await b.get(url);
          assert.equal(r.statusCode, 403, `${role} GET ${url}`);
          assert.ok(r.body.includes('このページを表示する権限がありません'));
        }
        await b.get('/staff/sessions'); // a page with a form: a valid CSRF token, so that 403 is the policy's
        for (const [url, form] of posts) {
          assert.equal((await b.post(url, form)).statusCode, 403, `${role} POST ${url}`);
        }
      }
      // nobody signed in: sent to sign in
      const anon = new TestBrowser(app);
      for (const url of [...gets, '/staff/departments']) {
        const r = await anon.get(url);
        assert.equal(r.statusCode, 303, `anonymous GET ${url}`);
        assert.match(String(r.headers.location), /^\/staff\/sign-in/);
      }
      await anon.get('/staff/sign-in');
      for (const [url, form] of posts)
        assert.equal((await anon.post(url, form)).statusCode, 303, `anonymous POST ${url}`);
      assert.equal(await auditCount(), audits, 'nothing was written');
      assert.equal(
        (await db.kysely.selectFrom('departments').select('id').where('name', '=', '乗っ取り課').execute())
          .length,
        0,
      );
    });

    test('names with markup come back escaped on every page that shows them', async () => {
      for (const name of [XSS_SCRIPT, XSS_IMG]) {
        await adminB.get('/staff/departments');
        assert.equal((await adminB.post('/staff/departments', { name })).statusCode, 303);
      }
      const d1 = await departmentId(XSS_SCRIPT);
      const d2 = await departmentId(XSS_IMG);
      const list = await adminB.get('/staff/departments');
      assertEscaped(list, 'departments list');
      assert.ok(list.body.includes('&lt;script>alert(1)&lt;/script>'));
      for (const id of [d1, d2])
        assertEscaped(await adminB.get(`/staff/departments/${id}`), `department ${id}`);
      const dup = await adminB.post('/staff/departments', { name: XSS_IMG });
      assert.equal(dup.statusCode, 400);
      assertEscaped(dup, 'duplicate-name error');
      await adminB.get(`/staff/departments/${d1}`);
      assertEscaped(
        await adminB.post(`/staff/departments/${d1}`, { name: XSS_IMG, position: 'x' }),
        'department edit error',
      );

      const inviteForm = await adminB.get('/staff/users/invite');
      assertEscaped(inviteForm, 'invite form');
      assert.ok(inviteForm.body.includes('&lt;script>alert(1)'));
      const { token, res } = await invite('xss@city.example.jp', 'editor', [d1, d2]);
      assertEscaped(res, 'invitation link page');
      assertEscaped(await adminB.get('/staff/users'), 'users list with the invitation');

      const invitee = new TestBrowser(app);
      const acceptPage = await invitee.get(`/staff/invitations/${token}`);
      assertEscaped(acceptPage, 'acceptance page');
      const displayName = `${XSS_SCRIPT}${XSS_IMG}`;
      const bad = await invitee.post(`/staff/invitations/${token}`, {
        displayName,
        password: 'short',
        confirm: 'short',
      });
      assert.equal(bad.statusCode, 400);
      assertEscaped(bad, 'acceptance error');
      assert.equal((await accept(token, displayName, invitee)).statusCode, 303);
      const user = await db.kysely
        .selectFrom('users')
        .select(['id', 'display_name'])
        .where('email', '=', 'xss@city.example.jp')
        .executeTakeFirstOrThrow();
      assert.equal(user.display_name, displayName, 'stored as typed');

      const users = await adminB.get('/staff/users');
      assertEscaped(users, 'users list');
      assert.ok(users.body.includes('&lt;script>alert(1)&lt;/script>'));
      const userPage = await adminB.get(`/staff/users/${user.id}`);
      assertEscaped(userPage, 'user page');
      const userError = await postPairs(adminB, `/staff/users/${user.id}`, [['role', 'editor']]);
      assert.equal(userError.statusCode, 400);
      assertEscaped(userError, 'user page error');

      // and in the header of the invitee's own pages
      await invitee.get('/staff/sign-in');
      await invitee.post('/staff/sign-in', { email: 'xss@city.example.jp', password: NEW_PASSWORD });
      await invitee.get('/staff/two-factor/setup');
      const pending = await db.kysely
        .selectFrom('users')
        .select('totp_pending_secret')
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      assertEscaped(
        await invitee.post('/staff/two-factor/setup', { code: totpCode(pending.totp_pending_secret!, now) }),
        'recovery codes page',
      );
      assertEscaped(await invitee.get('/staff'), 'staff start page');
    });

    test('the last active administrator cannot disable or demote themselves', async () => {
      const admins = await db.kysely
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'admin')
        .where('disabled_at', 'is', null)
        .execute();
      assert.deepEqual(
        admins.map((a) => a.id),
        [admin.id],
        'the administrator is the only one',
      );
      const audits = await auditCount();
      await adminB.get(`/staff/users/${admin.id}`);
      const disable = await adminB.post(`/staff/users/${admin.id}/disable`, {});
      assert.equal(disable.statusCode, 409);
      assert.match(disable.body, /<title>エラー：/);
      assert.ok(
        disable.body.includes('有効なシステム管理者がほかにいないため、このアカウントは停止できません'),
      );
      assert.ok(disable.body.includes('href="#disable"') && disable.body.includes('id="disable"'));
      assert.ok(disable.body.includes('id="disable-error"'), 'the message is next to the button too');
      const demote = await postPairs(adminB, `/staff/users/${admin.id}`, [['role', 'planner']]);
      assert.equal(demote.statusCode, 409);
      assert.ok(demote.body.includes('有効なシステム管理者がほかにいないため、役割を変えられません'));
      assert.equal(await auditCount(), audits, 'nothing was written');
      assert.equal(
        (await adminB.get('/staff/users')).statusCode,
        200,
        'still an administrator, still signed in',
      );

      // a disabled administrator does not count
      const dormant = await buildStaff(db, 'admin');
      await db.kysely
        .updateTable('users')
        .set({ disabled_at: now.toISOString() })
        .where('id', '=', dormant.id)
        .execute();
      await adminB.get(`/staff/users/${admin.id}`);
      assert.equal((await adminB.post(`/staff/users/${admin.id}/disable`, {})).statusCode, 409);

      // with a second active administrator, either may step down, but not both at once: when both try
      // at the same moment, exactly one succeeds (no "both saw the other one" race)
      const second = await buildStaff(db, 'admin');
      const secondB = await signIn(second);
      await adminB.get(`/staff/users/${admin.id}`);
      await secondB.get(`/staff/users/${second.id}`);
      const [r1, r2] = await Promise.all([
        postPairs(adminB, `/staff/users/${admin.id}`, [['role', 'planner']]),
        postPairs(secondB, `/staff/users/${second.id}`, [['role', 'planner']]),
      ]);
      assert.deepEqual([r1.statusCode, r2.statusCode].sort(), [303, 409]);
      const [stepped, stayed, stayedB] =
        r1.statusCode === 303 ? [admin, second, secondB] : [second, admin, adminB];
      assert.equal((r1.statusCode === 303 ? r1 : r2).headers.location, '/staff');
      await oneAudit('user.update', stepped.id);
      const left = await db.kysely
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'admin')
        .where('disabled_at', 'is', null)
        .execute();
      assert.deepEqual(
        left.map((a) => a.id),
        [stayed.id],
      );
      assert.equal((await (stepped === admin ? adminB : secondB).get('/staff/users')).statusCode, 403);
      // and the one left is the last one
      await stayedB.get(`/staff/users/${stayed.id}`);
      assert.equal((await stayedB.post(`/staff/users/${stayed.id}/disable`, {})).statusCode, 409);
    });
  });
}
