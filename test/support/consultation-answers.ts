import type { FastifyInstance } from 'fastify';
import type { StaffUser } from '../../src/modules/accounts/accounts.types.ts';
import type { AuditActor } from '../../src/modules/audit/audit.service.ts';
import { type AnswerCommand, runAnswerCommand } from '../../src/modules/consultation/answers.service.ts';
import { buildTestApp } from './app.ts';
import { buildConsultation, buildGroup, buildSubmission, nodeIdAt } from './consultation.ts';
import { createTestDb, type TestDb } from './db.ts';
import { buildDepartment, buildStaff, type TestStaff } from './staff.ts';

/**
 * A consultation ready for answers and publication, for the tests of the answers side: three submissions
 * (one with a canary name, address, e-mail and phone that must never be published), opinions on measures
 * 1/1 and 1/2 and on the plan as a whole, grouped, and one excluded. Groups have summaries; answers are
 * left unanswered. The app's clock is controllable (`setNow`).
 */

export const CANARY = {
  name: 'カナリア 太郎ZQX',
  address: '山陽小野田市カナリア町9-9-9ZQX',
  email: 'canary.zqx@example.jp',
  phone: '090-0000-9999',
} as const;

/** The text of the canary's opinion (raw opinion text is never published either). */
export const CANARY_OPINION = 'カナリア意見本文ZQX：防災無線がよく聞こえない。';

export interface AnswersScenario {
  db: TestDb;
  app: FastifyInstance;
  /** Moves the clock (unless the scenario was given one of its own). */
  setNow(iso: string): void;
  now(): Date;
  consultationId: number;
  departmentA: number;
  departmentB: number;
  planner: TestStaff;
  editor: TestStaff;
  editorOther: TestStaff;
  committee: TestStaff;
  admin: TestStaff;
  /** Groups: on 1/2 (dept A, two opinions incl. the canary's), on 1/1 (dept B), on the whole plan (dept A). */
  groups: { disaster: number; area: number; whole: number };
  excludedOpinionId: number;
  close(): Promise<void>;
}

/** While open (the consultation runs 2026-11-01 to 2026-12-31 JST), and after it closed. */
export const DURING = '2026-11-20T03:00:00.000Z';
export const AFTER = '2027-01-10T03:00:00.000Z';

export function userOf(s: TestStaff): StaffUser {
  return {
    id: s.id,
    municipalityCode: '352161',
    email: s.email,
    displayName: s.email,
    role: s.role,
    departmentIds: s.departmentIds,
    totpEnabled: true,
  };
}

export function actorOf(s: TestStaff): AuditActor {
  return { userId: s.id, label: s.email, ip: '127.0.0.1', requestId: 'test' };
}

export async function buildAnswersScenario(
  dialect: 'sqlite' | 'postgres',
  options: { clock?: () => Date } = {},
): Promise<AnswersScenario> {
  const db = await createTestDb(dialect);
  let now = new Date(DURING);
  const clock = options.clock ?? (() => now);
  const app = await buildTestApp(db, { clock });
  const departmentA = await buildDepartment(db, '総務部 危機管理課');
  const departmentB = await buildDepartment(db, '総合政策部 企画課');
  const planner = await buildStaff(db, 'planner', [departmentB]);
  const editor = await buildStaff(db, 'editor', [departmentA]);
  const editorOther = await buildStaff(db, 'editor', [departmentB]);
  const committee = await buildStaff(db, 'committee', [departmentA]);
  const admin = await buildStaff(db, 'admin');
  const consultationId = await buildConsultation(db, {
    opensAt: '2026-10-31T15:00:00.000Z',
    closesAt: '2026-12-31T15:00:00.000Z',
    title: '第3次山陽小野田市総合計画 重点プロジェクト（案）への意見募集',
  });
  const n11 = await nodeIdAt(db, consultationId, '1/1');
  const n12 = await nodeIdAt(db, consultationId, '1/2');
  const canary = await buildSubmission(db, consultationId, {
    ...CANARY,
    opinions: [
      { nodeId: n12, body: CANARY_OPINION },
      { nodeId: null, body: '賛成です。' },
    ],
  });
  const second = await buildSubmission(db, consultationId, {
    opinions: [
      { nodeId: n12, body: '避難所の案内表示を多言語にしてほしい。' },
      { nodeId: n11, body: '公民館を地域づくりの拠点にしてほしい。' },
    ],
  });
  const third = await buildSubmission(db, consultationId, {
    opinions: [{ nodeId: null, body: '計画全体の目標を数字で示してほしい。' }],
  });
  const disaster = await buildGroup(db, consultationId, [canary.opinionIds[0]!, second.opinionIds[0]!], {
    departmentId: departmentA,
    nodeId: n12,
    summary: '防災情報の伝え方を改善してほしい。',
  });
  const area = await buildGroup(db, consultationId, [second.opinionIds[1]!], {
    departmentId: departmentB,
    nodeId: n11,
    summary: '公民館を地域づくりの拠点にしてほしい。',
  });
  const whole = await buildGroup(db, consultationId, [third.opinionIds[0]!], {
    departmentId: departmentA,
    nodeId: null,
    summary: '計画全体の目標を数値で示してほしい。',
  });
  const excludedOpinionId = canary.opinionIds[1]!;
  await db.kysely
    .updateTable('opinions')
    .set({ state: 'excluded', exclusion_reason: 'stance_only' })
    .where('id', '=', excludedOpinionId)
    .execute();
  return {
    db,
    app,
    setNow: (iso) => {
      now = new Date(iso);
    },
    now: clock,
    consultationId,
    departmentA,
    departmentB,
    planner,
    editor,
    editorOther,
    committee,
    admin,
    groups: { disaster, area, whole },
    excludedOpinionId,
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

/** Runs a command as the member of staff with the group's current lock version. */
export async function command(
  sc: AnswersScenario,
  who: TestStaff,
  groupId: number,
  cmd: AnswerCommand,
  body: Record<string, unknown> = {},
) {
  const g = await sc.db.kysely
    .selectFrom('opinion_groups')
    .select('lock_version')
    .where('id', '=', groupId)
    .executeTakeFirstOrThrow();
  return runAnswerCommand(sc.db, {
    municipalityCode: '352161',
    consultationId: sc.consultationId,
    groupId,
    command: cmd,
    lockVersion: Number(g.lock_version),
    body,
    user: userOf(who),
    actor: actorOf(who),
    now: sc.now(),
  });
}

/** Drafts, submits and approves an answer of every group (the disaster group is reflected with a change). */
export async function approveAll(sc: AnswersScenario): Promise<void> {
  const answers: Record<number, Record<string, string>> = {
    [sc.groups.disaster]: {
      answer: '防災行政無線に加え、防災メールとアプリで同じ情報を届けます。',
      reflection: 'reflect',
      draftChange: '施策2に「多様な手段による防災情報の伝達」を加えます。',
    },
    [sc.groups.area]: {
      answer: '公民館を拠点とする地域づくりは、既に施策1に盛り込んでいます。',
      reflection: 'included',
    },
    [sc.groups.whole]: { answer: '目標値は各施策の指標として示しています。', reflection: 'future' },
  };
  for (const [id, body] of Object.entries(answers)) {
    const groupId = Number(id);
    const who = groupId === sc.groups.area ? sc.editorOther : sc.editor;
    for (const [cmd, by] of [
      ['saveDraft', who],
      ['submit', who],
      ['approve', sc.planner],
    ] as const) {
      const r = await command(sc, by, groupId, cmd, body);
      if (r.status !== 'ok') throw new Error(`${cmd} of group ${groupId}: ${r.status}`);
    }
  }
}
