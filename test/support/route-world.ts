import type { FastifyInstance } from 'fastify';
import type { Dialect } from '../../src/db/database.ts';
import { buildTestApp } from './app.ts';
import { buildConsultationFixture } from './consultation.ts';
import { createTestDb, type TestDb } from './db.ts';
import { buildKpiFixture } from './kpi.ts';
import type { Actor, Fixtures } from './route-rules.ts';
import { buildDepartment, buildStaff, type TestStaff } from './staff.ts';

/** What the walks over every route (authorization, CSRF, fuzz) need: the app, a person per role, the fixtures. */
export interface RouteWorld {
  db: TestDb;
  app: FastifyInstance;
  /** A member of staff for each signed-in actor of route-rules.ts. */
  people: Map<Exclude<Actor, 'anonymous'>, TestStaff>;
  fixtures: Fixtures;
}

/**
 * The world of test/support/route-rules.ts, on a fresh database of the dialect: the seed plan, measure 1/1
 * led by the planner's and editor's department (企画課), 1/2 by the other editor's (防災危機管理課), a
 * person per role, a spare department and user for the administration routes, a consultation with a
 * submission and a group assigned to 企画課, and the indicator fixtures.
 */
export async function buildRouteWorld(dialect: Dialect, clock: () => Date): Promise<RouteWorld> {
  const db = await createTestDb(dialect);
  const app = await buildTestApp(db, { clock });
  const a = await buildDepartment(db, '企画課');
  const b = await buildDepartment(db, '防災危機管理課');
  const plan = await db.kysely.selectFrom('plans').select('id').executeTakeFirstOrThrow();
  await db.kysely
    .insertInto('measure_departments')
    .values([
      { municipality_code: '352161', plan_id: plan.id, node_path: '1/1', department_id: a, role: 'lead' },
      { municipality_code: '352161', plan_id: plan.id, node_path: '1/2', department_id: b, role: 'lead' },
    ])
    .execute();
  const people: RouteWorld['people'] = new Map();
  people.set('admin', await buildStaff(db, 'admin'));
  people.set('planner', await buildStaff(db, 'planner', [a]));
  people.set('editor', await buildStaff(db, 'editor', [a]));
  people.set('editorOther', await buildStaff(db, 'editor', [b]));
  people.set('committee', await buildStaff(db, 'committee'));
  const v = await db.kysely.selectFrom('plan_versions').select('id').executeTakeFirstOrThrow();
  const spareDepartmentId = await buildDepartment(db, '予備課');
  const spareUser = await buildStaff(db, 'committee');
  const fixtures: Fixtures = {
    versionId: v.id,
    spareDepartmentId,
    spareUserId: spareUser.id,
    consultation: await buildConsultationFixture(db, a),
    kpi: await buildKpiFixture(db),
  };
  return { db, app, people, fixtures };
}
