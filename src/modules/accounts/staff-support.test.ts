import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../../test/support/app.ts';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';
import { buildDepartment, buildStaff, signInAs } from '../../../test/support/staff.ts';
import { abilities, can } from './accounts.policy.ts';

for (const dialect of DIALECTS) {
  describe(`test factories sign staff in through the real flow (${dialect})`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    before(async () => {
      db = await createTestDb(dialect);
      app = await buildTestApp(db, { seed: false });
    });
    after(async () => {
      await app?.close();
      await db?.drop();
    });
    test('each role reaches the staff start page', async () => {
      const dep = await buildDepartment(db);
      for (const role of ['admin', 'planner', 'editor', 'committee'] as const) {
        const b = await signInAs(app, await buildStaff(db, role, [dep]));
        assert.equal((await b.get('/staff')).statusCode, 200, role);
      }
    });
  });
}

describe('policy', () => {
  const user = (role: 'admin' | 'planner' | 'editor' | 'committee', departmentIds: number[] = []) => ({
    id: 1,
    municipalityCode: '352161',
    email: 'x@example.jp',
    displayName: 'x',
    role,
    departmentIds,
    totpEnabled: true,
  });
  test('an editor edits only measures their departments own', () => {
    assert.equal(can(user('editor', [1]), 'edit', { type: 'measure', ownerDepartmentIds: [1, 2] }), true);
    assert.equal(can(user('editor', [3]), 'edit', { type: 'measure', ownerDepartmentIds: [1, 2] }), false);
    assert.equal(can(user('planner'), 'edit', { type: 'measure', ownerDepartmentIds: [] }), true);
    assert.equal(can(user('committee', [1]), 'edit', { type: 'measure', ownerDepartmentIds: [1] }), false);
  });
  test('indicators: the owning department and planners edit; committee never; only planners delete', () => {
    assert.equal(can(user('editor', [1]), 'edit', { type: 'indicator', departmentId: 1 }), true);
    assert.equal(can(user('editor', [2]), 'edit', { type: 'indicator', departmentId: 1 }), false);
    assert.equal(can(user('editor', [1]), 'edit', { type: 'indicator', departmentId: null }), false);
    assert.equal(can(user('planner'), 'edit', { type: 'indicator', departmentId: null }), true);
    assert.equal(can(user('committee', [1]), 'edit', { type: 'indicator', departmentId: 1 }), false);
    assert.equal(can(user('committee'), 'read', { type: 'indicator', departmentId: 1 }), true);
    assert.equal(can(user('editor', [1]), 'disable', { type: 'indicator', departmentId: 1 }), false);
    assert.equal(can(user('planner'), 'update', { type: 'kpi_settings' }), true);
    assert.equal(can(user('admin'), 'update', { type: 'kpi_settings' }), false);
  });
  test('only administrators manage users; nobody without a session does anything', () => {
    assert.equal(can(user('admin'), 'create', { type: 'user' }), true);
    for (const r of ['planner', 'editor', 'committee'] as const)
      assert.equal(can(user(r), 'create', { type: 'user' }), false);
    assert.equal(can(null, 'read', { type: 'staff_area' }), false);
  });
  test('abilities follow the same table', () => {
    assert.deepEqual(abilities(user('editor')), {
      manageUsers: false,
      manageDepartments: false,
      viewDepartments: false,
      viewAudit: false,
      viewPlanSettings: false,
      editPlanSettings: false,
      viewConsultations: true,
      manageConsultations: false,
      triageOpinions: false,
      viewPersonalData: false,
      approveAnswers: false,
      viewOutbox: false,
      viewIndicators: true,
      manageKpiSettings: false,
    });
    assert.equal(abilities(user('planner')).editPlanSettings, true);
    assert.equal(abilities(user('planner')).viewPersonalData, true, 'planners open submissions');
    assert.equal(
      abilities(user('committee')).viewConsultations,
      false,
      'the committee has no part in triage',
    );
    assert.equal(abilities(user('admin')).viewAudit, true);
  });
});
