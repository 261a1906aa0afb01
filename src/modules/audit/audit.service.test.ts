import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';
import { AuditFilterSchema } from './audit.schema.ts';
import {
  type AuditActor,
  type AuditEvent,
  decodeAuditCursor,
  diffKeys,
  encodeAuditCursor,
  listAudit,
  REDACTED,
  recordAudit,
  serialiseAuditValue,
  streamAuditCsv,
} from './audit.service.ts';

const CITY = '352161';
const ADMIN: AuditActor = { userId: 1, label: 'admin@city.example', ip: '192.0.2.1', requestId: 'req-a' };

describe('serialiseAuditValue', () => {
  test('sorts keys at every depth, keeps arrays in order', () => {
    assert.equal(
      serialiseAuditValue({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } }),
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
    assert.equal(serialiseAuditValue({ b: 1, a: 2 }), serialiseAuditValue({ a: 2, b: 1 }));
  });

  test('redacts secrets at any depth, in snake_case and camelCase; null stays null', () => {
    const json = serialiseAuditValue({
      email: 'a@city.example',
      password: 'hunter2',
      password_hash: '$argon2id$secret',
      totp_secret: 'JBSWY3DPEHPK3PXP',
      totp_pending_secret: null,
      profile: { token: 'tok-1', nested: { code_hash: 'c0de', keep: 'ok' } },
      sessions: [{ token_hash: 'th-1' }, { tokenHash: 'th-2', passwordHash: 'ph', TotpSecret: 'ts' }],
      tokens_issued: 3,
    });
    assert.ok(json);
    for (const secret of ['hunter2', 'argon2id', 'JBSWY3', 'tok-1', 'c0de', 'th-1', 'th-2', '"ph"', '"ts"']) {
      assert.ok(!json.includes(secret), `${secret} leaked`);
    }
    assert.deepEqual(JSON.parse(json), {
      email: 'a@city.example',
      password: REDACTED,
      password_hash: REDACTED,
      profile: { nested: { code_hash: REDACTED, keep: 'ok' }, token: REDACTED },
      sessions: [
        { token_hash: REDACTED },
        { TotpSecret: REDACTED, passwordHash: REDACTED, tokenHash: REDACTED },
      ],
      tokens_issued: 3,
      totp_pending_secret: null,
      totp_secret: REDACTED,
    });
  });

  test('a secret that is an object is redacted whole', () => {
    assert.equal(serialiseAuditValue({ token: { value: 'x', parts: ['y'] } }), '{"token":"[redacted]"}');
  });

  test('JSON semantics for the rest: Dates, bigints, undefined, non-finite numbers', () => {
    assert.equal(
      serialiseAuditValue({
        at: new Date('2026-11-26T08:00:00Z'),
        big: 10n,
        gone: undefined,
        list: [undefined, Number.NaN, 1],
      }),
      '{"at":"2026-11-26T08:00:00.000Z","big":"10","list":[null,null,1]}',
    );
    assert.equal(serialiseAuditValue(null), null);
    assert.equal(serialiseAuditValue(undefined), null);
    assert.equal(serialiseAuditValue('plain'), '"plain"');
  });

  test('refuses circular values; repeated (non-circular) references are fine', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = a;
    assert.throws(() => serialiseAuditValue(a), /circular/);
    const shared = { k: 1 };
    assert.equal(serialiseAuditValue({ p: shared, q: shared }), '{"p":{"k":1},"q":{"k":1}}');
  });
});

describe('diffKeys', () => {
  test('lists changed top-level keys, sorted', () => {
    assert.deepEqual(diffKeys({ a: 1, b: 2, c: { x: 1 } }, { a: 1, b: 3, c: { x: 1 }, d: 0 }), ['b', 'd']);
    assert.deepEqual(diffKeys({ a: 1, gone: true }, { a: 1 }), ['gone']);
  });

  test('ignores key order inside nested values', () => {
    assert.deepEqual(diffKeys({ c: { x: 1, y: 2 } }, { c: { y: 2, x: 1 } }), []);
    assert.deepEqual(diffKeys({ c: [1, 2] }, { c: [2, 1] }), ['c']);
  });

  test('a creation or deletion lists every key', () => {
    assert.deepEqual(diffKeys(null, { b: 1, a: 2 }), ['a', 'b']);
    assert.deepEqual(diffKeys({ a: 1 }, undefined), ['a']);
    assert.deepEqual(diffKeys(null, null), []);
    assert.deepEqual(diffKeys('x', 'y'), []);
  });
});

describe('audit cursor', () => {
  test('round-trips and rejects anything else', () => {
    const c = { at: '2026-11-26T08:00:00.000Z', id: 42 };
    assert.deepEqual(decodeAuditCursor(encodeAuditCursor(c)), c);
    assert.equal(decodeAuditCursor('garbage'), null);
    assert.equal(decodeAuditCursor(''), null);
    assert.equal(decodeAuditCursor(Buffer.from('2026-11-26|1').toString('base64url')), null);
    assert.equal(decodeAuditCursor(Buffer.from('2026-11-26T08:00:00.000Z|0').toString('base64url')), null);
    assert.equal(decodeAuditCursor('a'.repeat(101)), null);
  });
});

let nextCode = 910001;

for (const dialect of DIALECTS) {
  describe(`audit service (${dialect})`, () => {
    let db: TestDb;
    let auditSelects = 0;
    let countingSelects = false;

    before(async () => {
      db = await createTestDb(dialect, {
        onQuery: (e) => {
          if (countingSelects && /^select .* from "audit_log"/is.test(e.query.sql)) auditSelects++;
        },
      });
      await db.kysely
        .insertInto('municipalities')
        .values({ code: CITY, name: '山陽小野田市', created_at: new Date().toISOString() })
        .execute();
    });
    after(async () => {
      await db?.drop();
    });

    async function newMunicipality(): Promise<string> {
      const code = String(nextCode++);
      await db.kysely
        .insertInto('municipalities')
        .values({ code, name: `テスト市${code}`, created_at: new Date().toISOString() })
        .execute();
      return code;
    }

    function event(code: string, over: Partial<AuditEvent> = {}): AuditEvent {
      return {
        municipalityCode: code,
        actor: ADMIN,
        action: 'user.update',
        resourceType: 'user',
        resourceId: 7,
        before: { email: 'a@city.example', role: 'editor' },
        after: { email: 'a@city.example', role: 'planner' },
        at: '2026-11-26T08:00:00.000Z',
        ...over,
      };
    }

    async function auditRows(code: string) {
      return db.kysely.selectFrom('audit_log').selectAll().where('municipality_code', '=', code).execute();
    }

    test('records an entry and lists it as a domain object', async () => {
      const code = await newMunicipality();
      const user = { role: 'planner', email: 'a@city.example', departments: [{ name: '企画課', id: 2 }] };
      const id = await db.kysely
        .transaction()
        .execute((trx) =>
          recordAudit(
            trx,
            event(code, { before: { ...user, role: 'editor' }, after: user, at: new Date(0) }),
          ),
        );
      const page = await listAudit(db, { municipalityCode: code });
      assert.equal(page.total, 1);
      assert.equal(page.nextCursor, null);
      assert.deepEqual(page.entries, [
        {
          id,
          at: '1970-01-01T00:00:00.000Z',
          actor: { userId: 1, label: 'admin@city.example' },
          ip: '192.0.2.1',
          requestId: 'req-a',
          action: 'user.update',
          resource: { type: 'user', id: '7' },
          before: { departments: [{ id: 2, name: '企画課' }], email: 'a@city.example', role: 'editor' },
          after: { departments: [{ id: 2, name: '企画課' }], email: 'a@city.example', role: 'planner' },
          changedKeys: ['role'],
        },
      ]);
      const [raw] = await auditRows(code);
      assert.equal(
        raw?.after_json,
        '{"departments":[{"id":2,"name":"企画課"}],"email":"a@city.example","role":"planner"}',
      );
    });

    test('creation and deletion: the missing side is null, every key changed', async () => {
      const code = await newMunicipality();
      await db.kysely.transaction().execute(async (trx) => {
        await recordAudit(
          trx,
          event(code, { action: 'department.create', before: null, after: { name: '企画課' } }),
        );
        await recordAudit(
          trx,
          event(code, {
            action: 'department.delete',
            before: { name: '企画課' },
            after: undefined,
            at: '2026-11-26T09:00:00.000Z',
          }),
        );
      });
      const { entries } = await listAudit(db, { municipalityCode: code });
      assert.deepEqual(
        entries.map((e) => [e.action, e.before, e.after, e.changedKeys]),
        [
          ['department.delete', { name: '企画課' }, null, ['name']],
          ['department.create', null, { name: '企画課' }, ['name']],
        ],
      );
      const raw = await auditRows(code);
      const byAction = Object.fromEntries(raw.map((r) => [r.action, [r.before_json, r.after_json]]));
      assert.deepEqual(byAction, {
        'department.create': [null, '{"name":"企画課"}'],
        'department.delete': ['{"name":"企画課"}', null],
      });
    });

    test('secrets never reach the table, at any depth', async () => {
      const code = await newMunicipality();
      await db.kysely.transaction().execute((trx) =>
        recordAudit(
          trx,
          event(code, {
            action: 'user.password.reset',
            before: { id: 7, password_hash: '$argon2id$old', totp_secret: null },
            after: {
              id: 7,
              password_hash: '$argon2id$new',
              totp_secret: 'JBSWY3DPEHPK3PXP',
              invite: { token: 'raw-token', token_hash: 'abc123' },
              recovery: [{ code_hash: 'rc1' }],
            },
          }),
        ),
      );
      const [raw] = await auditRows(code);
      const stored = `${raw?.before_json}${raw?.after_json}`;
      for (const s of ['$argon2id', 'JBSWY3', 'raw-token', 'abc123', 'rc1'])
        assert.ok(!stored.includes(s), s);
      const { entries } = await listAudit(db, { municipalityCode: code });
      const e = entries[0]!;
      assert.deepEqual(e.after, {
        id: 7,
        invite: { token: REDACTED, token_hash: REDACTED },
        password_hash: REDACTED,
        recovery: [{ code_hash: REDACTED }],
        totp_secret: REDACTED,
      });
      // A secret set for the first time shows as changed; one hash replacing another does not.
      assert.deepEqual(e.changedKeys, ['invite', 'recovery', 'totp_secret']);
    });

    test('a rolled-back write leaves no audit entry; a committed one always has its entry', async () => {
      const code = await newMunicipality();
      const now = new Date().toISOString();
      await assert.rejects(
        db.kysely.transaction().execute(async (trx) => {
          const d = await trx
            .insertInto('departments')
            .values({ municipality_code: code, name: '企画課', position: 0, created_at: now })
            .returning('id')
            .executeTakeFirstOrThrow();
          await recordAudit(
            trx,
            event(code, {
              action: 'department.create',
              resourceType: 'department',
              resourceId: d.id,
              before: null,
            }),
          );
          throw new Error('the write failed after the audit entry');
        }),
        /the write failed/,
      );
      assert.equal((await auditRows(code)).length, 0);
      const depts = await db.kysely
        .selectFrom('departments')
        .select('id')
        .where('municipality_code', '=', code)
        .execute();
      assert.equal(depts.length, 0);

      // An audit entry that cannot be written takes the write down with it.
      await assert.rejects(
        db.kysely.transaction().execute(async (trx) => {
          await trx
            .insertInto('departments')
            .values({ municipality_code: code, name: '企画課', position: 0, created_at: now })
            .execute();
          await recordAudit(trx, event(code, { action: ' ' }));
        }),
        /action is empty/,
      );
      assert.equal(
        (
          await db.kysely
            .selectFrom('departments')
            .select('id')
            .where('municipality_code', '=', code)
            .execute()
        ).length,
        0,
      );

      await db.kysely.transaction().execute(async (trx) => {
        const d = await trx
          .insertInto('departments')
          .values({ municipality_code: code, name: '企画課', position: 0, created_at: now })
          .returning('id')
          .executeTakeFirstOrThrow();
        await recordAudit(
          trx,
          event(code, {
            action: 'department.create',
            resourceType: 'department',
            resourceId: d.id,
            before: null,
          }),
        );
      });
      assert.equal((await auditRows(code)).length, 1);
    });

    test('recordAudit only accepts a transaction (checked by the type system)', async () => {
      const code = await newMunicipality();
      if (code === 'never') {
        // @ts-expect-error a plain Kysely instance is not a Transaction: audit entries go with their write
        await recordAudit(db.kysely, event(code));
      }
      assert.equal((await auditRows(code)).length, 0);
    });

    test('filters from the query string: Tokyo days, action prefix, actor, text', async () => {
      const code = await newMunicipality();
      const planner: AuditActor = {
        userId: 2,
        label: 'planner@city.example',
        ip: '198.51.100.7',
        requestId: 'r2',
      };
      await db.kysely.transaction().execute(async (trx) => {
        // 2026-11-25 23:59:59.999 in Tokyo: the day before.
        await recordAudit(trx, event(code, { at: '2026-11-25T14:59:59.999Z', resourceId: 'before' }));
        // 2026-11-26 00:00 in Tokyo: the first instant of the day.
        await recordAudit(trx, event(code, { at: '2026-11-25T15:00:00.000Z', resourceId: 'first' }));
        await recordAudit(
          trx,
          event(code, {
            at: '2026-11-26T05:00:00.000Z',
            resourceId: 'dept',
            action: 'department.update',
            actor: planner,
          }),
        );
        // 2026-11-26 23:59:59.999 in Tokyo: the last instant of the day.
        await recordAudit(trx, event(code, { at: '2026-11-26T14:59:59.999Z', resourceId: 'last' }));
        await recordAudit(trx, event(code, { at: '2026-11-26T15:00:00.000Z', resourceId: 'after' }));
      });
      async function ids(query: Record<string, string>) {
        const parsed = AuditFilterSchema.parse(query);
        const page = await listAudit(db, { municipalityCode: code, ...parsed });
        return page.entries.map((e) => e.resource.id);
      }
      assert.deepEqual(await ids({ from: '2026-11-26', to: '2026-11-26' }), ['last', 'dept', 'first']);
      assert.deepEqual(await ids({ from: '2026-11-27' }), ['after']);
      assert.deepEqual(await ids({ to: '2026-11-25' }), ['before']);
      assert.deepEqual(await ids({ from: '2026-11-26', to: '2026-11-26', action: 'user.' }), [
        'last',
        'first',
      ]);
      assert.deepEqual(await ids({ actor: '2' }), ['dept']);
      assert.deepEqual(await ids({ q: 'PLANNER@' }), ['dept']);
      assert.deepEqual(await ids({ resourceType: 'user', resourceId: 'after' }), ['after']);
      assert.deepEqual(await ids({ from: '', to: '', q: '  ' }), [
        'after',
        'last',
        'dept',
        'first',
        'before',
      ]);
    });

    test('pages through the cursor of the query string', async () => {
      const code = await newMunicipality();
      await db.kysely.transaction().execute(async (trx) => {
        for (let i = 0; i < 5; i++) {
          await recordAudit(trx, event(code, { resourceId: i, at: new Date(Date.UTC(2026, 10, 26, i)) }));
        }
      });
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: Record<string, string> = { limit: '2', ...(cursor ? { cursor } : {}) };
        const page = await listAudit(db, { municipalityCode: code, ...AuditFilterSchema.parse(query) });
        assert.equal(page.total, 5);
        seen.push(...page.entries.map((e) => e.resource.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      assert.equal(pages, 3);
      assert.deepEqual(seen, ['4', '3', '2', '1', '0']);
    });

    test('the default page is 50 entries', async () => {
      const code = await newMunicipality();
      await db.kysely
        .insertInto('audit_log')
        .values(
          Array.from({ length: 60 }, (_, i) => ({
            municipality_code: code,
            at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
            actor_user_id: 1,
            actor_label: 'admin@city.example',
            ip: '192.0.2.1',
            request_id: 'r',
            action: 'user.update',
            resource_type: 'user',
            resource_id: String(i),
            before_json: null,
            after_json: null,
          })),
        )
        .execute();
      const page = await listAudit(db, { municipalityCode: code });
      assert.equal(page.entries.length, 50);
      assert.equal(page.total, 60);
      assert.ok(page.nextCursor);
    });

    test('exports 2,500 entries as CSV, reading them in batches of 1,000', async () => {
      const code = await newMunicipality();
      const base = Date.UTC(2026, 10, 26, 0, 0, 0);
      const rows = Array.from({ length: 2500 }, (_, i) => ({
        municipality_code: code,
        at: new Date(base + i * 1000).toISOString(),
        actor_user_id: 1,
        actor_label: i === 0 ? '=HYPERLINK("http://evil.example","x")' : 'admin@city.example',
        ip: '192.0.2.1',
        request_id: `r${i}`,
        action: 'user.update',
        resource_type: 'user',
        resource_id: String(i),
        before_json: '{"role":"editor"}',
        after_json: '{"note":"a, \\"b\\"\\nc","role":"planner"}',
      }));
      for (let i = 0; i < rows.length; i += 250) {
        await db.kysely
          .insertInto('audit_log')
          .values(rows.slice(i, i + 250))
          .execute();
      }
      auditSelects = 0;
      countingSelects = true;
      const chunks: string[] = [];
      try {
        for await (const chunk of streamAuditCsv(db, { municipalityCode: code })) chunks.push(chunk);
      } finally {
        countingSelects = false;
      }
      assert.equal(auditSelects, 3, 'one query per batch of 1,000');
      assert.equal(chunks.length, 4, 'header, then one chunk per batch');
      const csv = chunks.join('');
      const bytes = Buffer.from(csv, 'utf8');
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      // Every record ends with CRLF (a newline inside JSON is written as \n, so none is left bare).
      const records = csv.slice(1).split('\r\n');
      assert.equal(records.pop(), '');
      assert.equal(records.length, 2501);
      assert.equal(
        records[0],
        '日時,操作者,操作者ID,接続元,操作,対象の種類,対象ID,変更前,変更後,リクエストID',
      );
      // Newest first: the last second, 2026-11-26 00:41:39 UTC = 09:41:39 in Tokyo.
      assert.equal(
        records[1],
        '2026-11-26 09:41:39,admin@city.example,1,192.0.2.1,user.update,user,2499,"{""role"":""editor""}",' +
          '"{""note"":""a, \\""b\\""\\nc"",""role"":""planner""}",r2499',
      );
      // The oldest, whose actor label is a formula: neutralised, then quoted.
      assert.ok(
        records[2500]?.startsWith(`2026-11-26 09:00:00,"'=HYPERLINK(""http://evil.example"",""x"")",1,`),
        records[2500],
      );
    });
  });
}
