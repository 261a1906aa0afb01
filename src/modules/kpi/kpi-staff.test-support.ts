import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildTestApp } from '../../../test/support/app.ts';
import type { TestBrowser } from '../../../test/support/browser-session.ts';
import { createTestDb, type TestDb } from '../../../test/support/db.ts';
import { buildKpiFixture, type KpiFixture } from '../../../test/support/kpi.ts';
import { buildDepartment, buildStaff, signInAs, type TestStaff } from '../../../test/support/staff.ts';
import type { Dialect } from '../../db/database.ts';

/**
 * The world of the staff tests of indicators: two departments (measure 1/1 led by A, 1/2 by B), a member
 * of staff of each role, the KPI fixture, and an app whose clock the test moves (FY2026).
 */
export interface KpiStaffWorld {
  db: TestDb;
  app: FastifyInstance;
  kpi: KpiFixture;
  deptA: number;
  deptB: number;
  people: Record<'admin' | 'planner' | 'editor' | 'editorOther' | 'committee', TestStaff>;
  signIn(who: TestStaff): Promise<TestBrowser>;
  close(): Promise<void>;
}

export const MUNI = '352161';

export async function kpiStaffWorld(dialect: Dialect): Promise<KpiStaffWorld> {
  const db = await createTestDb(dialect);
  let now = new Date('2026-11-26T01:00:00.000Z');
  const app = await buildTestApp(db, { clock: () => now });
  const deptA = await buildDepartment(db, '市民活動推進課');
  const deptB = await buildDepartment(db, '防災危機管理課');
  const plan = await db.kysely.selectFrom('plans').select('id').orderBy('id').executeTakeFirstOrThrow();
  await db.kysely
    .insertInto('measure_departments')
    .values([
      { municipality_code: MUNI, plan_id: plan.id, node_path: '1/1', department_id: deptA, role: 'lead' },
      { municipality_code: MUNI, plan_id: plan.id, node_path: '1/2', department_id: deptB, role: 'lead' },
    ])
    .execute();
  const people = {
    admin: await buildStaff(db, 'admin'),
    planner: await buildStaff(db, 'planner'),
    editor: await buildStaff(db, 'editor', [deptA]),
    editorOther: await buildStaff(db, 'editor', [deptB]),
    committee: await buildStaff(db, 'committee'),
  };
  const kpi = await buildKpiFixture(db);
  return {
    db,
    app,
    kpi,
    deptA,
    deptB,
    people,
    async signIn(who) {
      now = new Date(now.getTime() + 31_000);
      return signInAs(app, who, () => now);
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

/** Text of a page with tags removed and entities decoded, for content assertions. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The page is a failed form: status, 「エラー：」 title, the message in the summary linking to the field. */
export function assertFieldError(res: LightMyRequestResponse, status: number, field: string, words: string) {
  assert.equal(res.statusCode, status, `status for ${field}: ${textOf(res.body).slice(0, 300)}`);
  assert.match(res.body, /<title>エラー：/, 'the title starts with エラー：');
  const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(res.body)?.[0] ?? '';
  assert.ok(summary.includes(`href="#${field}"`), `the summary links to #${field}`);
  assert.ok(textOf(summary).includes(words), `the summary says 「${words}」: ${textOf(summary)}`);
  assert.ok(res.body.includes(`id="${field}"`), `the field #${field} exists`);
}

/** The definition form of the fixture-like indicator, valid, as strings. */
export function validDefinition(over: Record<string, string> = {}): Record<string, string> {
  return {
    name: '自主防災組織の数',
    definition: '市内で結成された自主防災組織の数',
    source: '防災危機管理課調べ',
    unit: '団体',
    direction: 'up',
    rangeMin: '',
    rangeMax: '',
    decimals: '0',
    baselineValue: '10',
    baselineFy: '2020',
    targetValue: '20',
    targetFy: '2025',
    department: '',
    position: '',
    ...over,
  };
}
