import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/db/database.ts';
import { normalizeForSearch } from '../../src/shared/text.ts';

/**
 * Factories of public comment, written directly to the tables (factories, not the flows: the flows are
 * what the module tests exercise).
 */

export interface ConsultationFixture {
  consultationId: number;
  submissionId: number;
  /** The submission's opinions: the first on measure 1/1, the second on the plan as a whole. */
  opinionIds: [number, number];
  /** A group holding the first opinion, assigned to `departmentId`. */
  groupId: number;
  departmentId: number | null;
  /** The plan node of measure 1/1. */
  nodeId: number;
}

let counter = 0;

/** A consultation on the current version of the seed plan; open from `opensAt` to `closesAt`. */
export async function buildConsultation(
  db: Db,
  options: { opensAt?: string; closesAt?: string; title?: string; versionId?: number } = {},
): Promise<number> {
  const v =
    options.versionId ??
    (await db.kysely.selectFrom('plan_versions').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow())
      .id;
  const at = new Date().toISOString();
  const r = await db.kysely
    .insertInto('consultations')
    .values({
      municipality_code: '352161',
      version_id: v,
      title:
        options.title ??
        `第3次山陽小野田市総合計画 中期基本計画 重点プロジェクト（案）への意見募集 ${++counter}`,
      eligibility: '市内に住所を有する方、市内に事務所又は事業所を有する方、市内に通勤・通学する方',
      opens_at: options.opensAt ?? '2026-11-01T00:00:00.000Z',
      closes_at: options.closesAt ?? '2026-12-31T15:00:00.000Z',
      short_period_reason: null,
      postal_address: '〒756-8601 山陽小野田市日の出一丁目1番1号 山陽小野田市役所 企画課',
      fax_number: '0836-83-2604',
      email_address: 'kikaku@city.example.jp',
      in_person_place: '市役所3階 企画課',
      reading_places: '市役所企画課、各支所、中央図書館',
      contact: '企画課 0836-82-1111',
      created_by: null,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export interface SubmissionInput {
  name?: string;
  address?: string;
  category?: string;
  channel?: string;
  email?: string;
  opinions: Array<{ nodeId: number | null; body: string }>;
}

/** A submission with its opinions (state 'new'); returns the submission's and the opinions' ids. */
export async function buildSubmission(
  db: Db,
  consultationId: number,
  input: SubmissionInput,
): Promise<{ submissionId: number; opinionIds: number[] }> {
  const at = new Date().toISOString();
  const n = ++counter;
  const channel = input.channel ?? 'web';
  const category = input.category ?? 'resident';
  const receivedOn = at.slice(0, 10);
  return db.kysely.transaction().execute(async (trx) => {
    const s = await trx
      .insertInto('submissions')
      .values({
        municipality_code: '352161',
        consultation_id: consultationId,
        receipt_number: `T-${n}-${randomUUID().slice(0, 8)}`,
        channel,
        received_on: receivedOn,
        name: input.name ?? `山陽 花子${n}`,
        address: input.address ?? `山陽小野田市日の出一丁目${n}番`,
        category,
        email: input.email ?? '',
        dedupe_hash: randomUUID(),
        receipt_token_hash: null,
        entered_by: null,
        created_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const opinionIds: number[] = [];
    for (const [i, o] of input.opinions.entries()) {
      const r = await trx
        .insertInto('opinions')
        .values({
          municipality_code: '352161',
          consultation_id: consultationId,
          submission_id: s.id,
          position: i + 1,
          node_id: o.nodeId,
          body: o.body,
          search_text: normalizeForSearch(o.body),
          exclusion_reason: null,
          split_from: null,
          department_id: null,
          group_id: null,
          channel,
          category,
          received_on: receivedOn,
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      opinionIds.push(r.id);
    }
    return { submissionId: s.id, opinionIds };
  });
}

/** The node id of a measure (e.g. "1/1") in the consultation's version. */
export async function nodeIdAt(db: Db, consultationId: number, path: string): Promise<number> {
  const r = await db.kysely
    .selectFrom('plan_nodes as n')
    .innerJoin('consultations as c', 'c.version_id', 'n.version_id')
    .select('n.id')
    .where('c.id', '=', consultationId)
    .where('n.path', '=', path)
    .executeTakeFirstOrThrow();
  return r.id;
}

/** A group of the given opinions (marked accepted), assigned to a department. */
export async function buildGroup(
  db: Db,
  consultationId: number,
  opinionIds: number[],
  options: { departmentId?: number | null; nodeId?: number | null; summary?: string } = {},
): Promise<number> {
  const at = new Date().toISOString();
  const g = await db.kysely
    .insertInto('opinion_groups')
    .values({
      municipality_code: '352161',
      consultation_id: consultationId,
      node_id: options.nodeId ?? null,
      department_id: options.departmentId ?? null,
      summary: options.summary ?? '',
      reflection: null,
      approved_by: null,
      approved_at: null,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (opinionIds.length) {
    await db.kysely
      .updateTable('opinions')
      .set({ group_id: g.id, state: 'accepted', department_id: options.departmentId ?? null })
      .where('id', 'in', opinionIds)
      .execute();
  }
  return g.id;
}

/** The fixture of the authorization tests (see Fixtures.consultation in route-rules.ts). */
export async function buildConsultationFixture(
  db: Db,
  departmentId: number | null,
): Promise<ConsultationFixture> {
  const consultationId = await buildConsultation(db);
  const nodeId = await nodeIdAt(db, consultationId, '1/1');
  const { submissionId, opinionIds } = await buildSubmission(db, consultationId, {
    opinions: [
      { nodeId, body: '子育て世代が住みやすいよう、公園の整備を進めてほしい。' },
      { nodeId: null, body: '計画全体として、市民との協創をもっと具体的に書いてほしい。' },
    ],
  });
  const groupId = await buildGroup(db, consultationId, [opinionIds[0]!], { departmentId, nodeId });
  return {
    consultationId,
    submissionId,
    opinionIds: [opinionIds[0]!, opinionIds[1]!],
    groupId,
    departmentId,
    nodeId,
  };
}
