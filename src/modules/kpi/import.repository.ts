import type { Transaction } from 'kysely';
import type { Database, Db } from '../../db/database.ts';

/** The SQL of upload jobs (kpi_imports). */

type Kx = Db['kysely'] | Transaction<Database>;

export const RUNNING_STATES = ['queued', 'validating', 'applying'] as const;

export interface ImportRow {
  id: number;
  municipality_code: string;
  user_id: number | null;
  department_id: number | null;
  file_name: string;
  fiscal_year: number | null;
  format: string;
  state: string;
  total_rows: number;
  processed_rows: number;
  applied_count: number;
  errors: string;
  created_at: string;
  finished_at: string | null;
}

export async function insertImport(
  kx: Kx,
  row: {
    municipality_code: string;
    user_id: number | null;
    department_id: number | null;
    file_name: string;
    fiscal_year: number;
    format: string;
    created_at: string;
  },
): Promise<number> {
  const r = await kx
    .insertInto('kpi_imports')
    .values({ ...row, state: 'queued', errors: '[]' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

export async function updateImport(
  kx: Kx,
  id: number,
  changes: Partial<
    Pick<
      ImportRow,
      'state' | 'total_rows' | 'processed_rows' | 'applied_count' | 'errors' | 'finished_at' | 'format'
    >
  >,
): Promise<void> {
  await kx.updateTable('kpi_imports').set(changes).where('id', '=', id).execute();
}

export async function selectImport(kx: Kx, municipalityCode: string, id: number): Promise<ImportRow | null> {
  const r = await kx
    .selectFrom('kpi_imports')
    .selectAll()
    .where('municipality_code', '=', municipalityCode)
    .where('id', '=', id)
    .executeTakeFirst();
  return (r as ImportRow | undefined) ?? null;
}

/** The newest imports, of some departments (null = all). */
export async function selectRecentImports(
  kx: Kx,
  municipalityCode: string,
  departmentIds: readonly number[] | null,
  limit: number,
): Promise<ImportRow[]> {
  let q = kx.selectFrom('kpi_imports').selectAll().where('municipality_code', '=', municipalityCode);
  if (departmentIds) q = q.where('department_id', 'in', departmentIds.length ? [...departmentIds] : [-1]);
  return (await q.orderBy('id', 'desc').limit(limit).execute()) as ImportRow[];
}

/** Imports left running by a process that ended: failed, with the given problems JSON. */
export async function failRunningImports(
  kx: Kx,
  municipalityCode: string,
  errorsJson: string,
  at: string,
  exceptIds: readonly number[],
): Promise<number> {
  let q = kx
    .updateTable('kpi_imports')
    .set({ state: 'failed', errors: errorsJson, finished_at: at })
    .where('municipality_code', '=', municipalityCode)
    .where('state', 'in', [...RUNNING_STATES]);
  if (exceptIds.length) q = q.where('id', 'not in', [...exceptIds]);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function selectDepartments(
  kx: Kx,
  municipalityCode: string,
): Promise<Array<{ id: number; name: string }>> {
  const rows = await kx
    .selectFrom('departments')
    .select(['id', 'name'])
    .where('municipality_code', '=', municipalityCode)
    .where('disabled_at', 'is', null)
    .orderBy('position')
    .orderBy('name')
    .execute();
  return rows.map((r) => ({ id: Number(r.id), name: r.name }));
}
