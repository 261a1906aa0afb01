import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../../test/support/app.ts';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';
import { buildDepartment, buildStaff, signInAs } from '../../../test/support/staff.ts';

for (const dialect of DIALECTS) {
  describe(`my measures and a measure's staff workspace (${dialect})`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    let now = new Date('2026-11-26T00:00:00.000Z');
    const clock = () => now;
    const step = () => {
      now = new Date(now.getTime() + 31_000);
    };
    let bousai = 0;
    let kosodate = 0;

    before(async () => {
      db = await createTestDb(dialect);
      app = await buildTestApp(db, { clock });
      bousai = await buildDepartment(db, '防災危機管理課');
      kosodate = await buildDepartment(db, '子育て支援課');
      const plan = await db.kysely.selectFrom('plans').select('id').executeTakeFirstOrThrow();
      await db.kysely
        .insertInto('measure_departments')
        .values([
          {
            municipality_code: '352161',
            plan_id: plan.id,
            node_path: '1/2',
            department_id: bousai,
            role: 'lead',
          },
          {
            municipality_code: '352161',
            plan_id: plan.id,
            node_path: '2/1',
            department_id: kosodate,
            role: 'lead',
          },
          {
            municipality_code: '352161',
            plan_id: plan.id,
            node_path: '1/1',
            department_id: bousai,
            role: 'support',
          },
        ])
        .execute();
    });
    after(async () => {
      await app?.close();
      await db?.drop();
    });

    test("the start page lists the measures of the user's departments, lead and supporting", async () => {
      step();
      const b = await signInAs(app, await buildStaff(db, 'editor', [bousai]), clock);
      const home = await b.get('/staff');
      assert.equal(home.statusCode, 200);
      assert.ok(home.body.includes('href="/staff/measures/1/2"'));
      assert.ok(home.body.includes('href="/staff/measures/1/1"'));
      assert.ok(
        !home.body.includes('href="/staff/measures/2/1"'),
        "another department's measure is not listed",
      );
      const page = await b.get('/staff/measures/1/2');
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes('災害に強いまちづくり'));
      assert.ok(page.body.includes('防災危機管理課'));
    });

    test("an editor who guesses another department's measure gets 403, not the page", async () => {
      step();
      const b = await signInAs(app, await buildStaff(db, 'editor', [bousai]), clock);
      const r = await b.get('/staff/measures/2/1');
      assert.equal(r.statusCode, 403);
      assert.ok(!r.body.includes('子育て支援の充実'), 'nothing of the measure is shown');
      assert.ok(r.body.includes('権限がありません'));
    });

    test('planners open any measure; committee members and administrators do not edit measures', async () => {
      step();
      const planner = await signInAs(app, await buildStaff(db, 'planner'), clock);
      assert.equal((await planner.get('/staff/measures/2/1')).statusCode, 200);
      step();
      const committee = await signInAs(app, await buildStaff(db, 'committee', [kosodate]), clock);
      assert.equal((await committee.get('/staff/measures/2/1')).statusCode, 403);
      assert.equal((await committee.get('/staff')).statusCode, 200);
    });

    test('bad addresses are 404', async () => {
      step();
      const b = await signInAs(app, await buildStaff(db, 'planner'), clock);
      for (const url of [
        '/staff/measures/9/9',
        '/staff/measures/1/abc',
        '/staff/measures/0/1',
        '/staff/measures/1',
      ]) {
        assert.equal((await b.get(url)).statusCode, 404, url);
      }
    });
  });
}
