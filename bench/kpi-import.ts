/**
 * Upload of actuals (bench/README.md, "Indicators: importing a 5,000-row .xlsx"):
 *
 *   node --import tsx bench/kpi-import.ts
 *
 * Builds 5,000 indicators on one measure of the seed plan (one department), then, per run, the department's
 * .xlsx template for FY2025 with every row filled in (5,000 rows: a new value for each, so every row is
 * written), and uploads it end to end through HTTP (app.inject: multipart POST /staff/kpi/upload as a
 * signed-in editor, with the CSRF token) and waits until the background import is done: parse (ExcelJS) +
 * validate the whole file + apply in one transaction through writeActual (history, audit). The timed span
 * is from the POST to the import's `done`. Progress snapshots (state, processed rows, ms since the POST)
 * of the first run are printed. SQLite always; PostgreSQL too when KYOSO_TEST_PG_URL is set.
 * Exits 1 when a median is 5 s or more.
 *
 * Environment: BENCH_KPI_IMPORT_ROWS (5000), BENCH_KPI_IMPORT_RUNS (3),
 * BENCH_KPI_IMPORT_OUT (bench/results/kpi-import.json).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { getImport, type ImportRecord, waitForAllImports } from '../src/modules/kpi/import.service.ts';
import { DATA_SHEET, TEMPLATE_COLUMNS } from '../src/modules/kpi/spreadsheet.ts';
import { buildTestApp } from '../test/support/app.ts';
import { createTestDb, DIALECTS } from '../test/support/db.ts';
import { buildDepartment, buildStaff, signInAs } from '../test/support/staff.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = process.env.BENCH_KPI_IMPORT_OUT || path.join(ROOT, 'bench', 'results', 'kpi-import.json');
const ROWS = Number(process.env.BENCH_KPI_IMPORT_ROWS || 5000);
const RUNS = Number(process.env.BENCH_KPI_IMPORT_RUNS || 3);
const TARGET_MS = 5000;
const MUNI = '352161';

const col = (key: string) => TEMPLATE_COLUMNS.findIndex((c) => c.key === key) + 1;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function multipart(fields: Array<[string, string]>, file: { filename: string; bytes: Buffer }) {
  const boundary = '----kyosoBenchBoundary';
  const parts: Buffer[] = [];
  for (const [name, value] of fields)
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n`,
    ),
    file.bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

interface DialectResult {
  dialect: string;
  rows: number;
  runsMs: number[];
  medianMs: number;
  fileBytes: number;
  snapshots: Array<{ ms: number; state: string; processed: number; total: number }>;
  targetMet: boolean;
}

async function benchDialect(dialect: 'sqlite' | 'postgres'): Promise<DialectResult> {
  const db = await createTestDb(dialect);
  let now = new Date('2026-11-26T00:00:00.000Z');
  const app: FastifyInstance = await buildTestApp(db, { clock: () => now });
  try {
    const dept = await buildDepartment(db, '市民活動推進課');
    const plan = await db.kysely.selectFrom('plans').select('id').executeTakeFirstOrThrow();
    await db.kysely
      .insertInto('measure_departments')
      .values({
        municipality_code: MUNI,
        plan_id: plan.id,
        node_path: '1/1',
        department_id: dept,
        role: 'lead',
      })
      .execute();
    const at = now.toISOString();
    for (let i = 0; i < ROWS; i += 500) {
      await db.kysely
        .insertInto('indicators')
        .values(
          Array.from({ length: Math.min(500, ROWS - i) }, (_, k) => ({
            municipality_code: MUNI,
            plan_id: plan.id,
            node_path: '1/1',
            position: i + k + 1,
            name: `指標 ${i + k + 1}`,
            definition: 'ベンチマーク用',
            source: '調べ',
            unit: '件',
            direction: 'up',
            baseline_value: 0,
            baseline_fy: 2020,
            target_value: 100,
            target_fy: 2030,
            department_id: null,
            created_at: at,
            updated_at: at,
          })),
        )
        .execute();
    }
    const editor = await buildStaff(db, 'editor', [dept]);
    now = new Date(now.getTime() + 31_000);
    const browser = await signInAs(app, editor, () => now);

    const runsMs: number[] = [];
    let snapshots: DialectResult['snapshots'] = [];
    let fileBytes = 0;
    for (let run = 0; run < RUNS; run++) {
      // the template as the page serves it, filled in: a new value in every row
      const tpl = await browser.get(`/staff/kpi/template.xlsx?fy=2025&dept=${dept}`);
      if (tpl.statusCode !== 200) throw new Error(`template: ${tpl.statusCode}`);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(tpl.rawPayload as never);
      const ws = wb.getWorksheet(DATA_SHEET) as ExcelJS.Worksheet;
      for (let r = 2; r <= ROWS + 1; r++) {
        ws.getCell(r, col('value')).value = r * 10 + run;
        ws.getCell(r, col('status')).value = run % 2 ? '速報' : '確定';
      }
      const bytes = Buffer.from(await wb.xlsx.writeBuffer());
      fileBytes = bytes.length;
      await browser.get('/staff/kpi/upload');
      const { payload, contentType } = multipart(
        [
          ['_csrf', browser.csrf],
          ['fy', '2025'],
          ['dept', String(dept)],
        ],
        { filename: `bench-${run}.xlsx`, bytes },
      );

      const t0 = performance.now();
      const seen: DialectResult['snapshots'] = [];
      const res = await app.inject({
        method: 'POST',
        url: '/staff/kpi/upload',
        payload,
        headers: { 'content-type': contentType, origin: 'http://localhost:3000' },
        cookies: Object.fromEntries(browser.cookies),
      });
      if (res.statusCode !== 303) throw new Error(`upload: ${res.statusCode} ${res.body.slice(0, 300)}`);
      const id = Number(String(res.headers.location).split('/').pop());
      // poll the live record as the progress page does, every 50 ms, until done
      for (;;) {
        const r = (await getImport(db, MUNI, id)) as ImportRecord;
        const last = seen[seen.length - 1];
        if (!last || last.state !== r.state || last.processed !== r.processedRows)
          seen.push({
            ms: Math.round(performance.now() - t0),
            state: r.state,
            processed: r.processedRows,
            total: r.totalRows,
          });
        if (r.state === 'done' || r.state === 'failed') {
          if (r.state === 'failed')
            throw new Error(`import failed: ${JSON.stringify(r.problems.slice(0, 3))}`);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await waitForAllImports(db);
      const ms = performance.now() - t0;
      runsMs.push(Math.round(ms));
      if (run === 0) snapshots = seen;
      const done = await getImport(db, MUNI, id);
      console.log(
        `${dialect} run ${run + 1}: ${Math.round(ms)} ms, ${done?.appliedCount} values written (${(fileBytes / 1024).toFixed(0)} KiB)`,
      );
    }
    const med = median(runsMs);
    return {
      dialect,
      rows: ROWS,
      runsMs,
      medianMs: med,
      fileBytes,
      snapshots,
      targetMet: med < TARGET_MS,
    };
  } finally {
    await app.close();
    await db.drop();
  }
}

const results: DialectResult[] = [];
for (const dialect of DIALECTS) {
  if (dialect === 'postgres' && !process.env.KYOSO_TEST_PG_URL) {
    console.log('postgres: skipped (KYOSO_TEST_PG_URL is not set)');
    continue;
  }
  const r = await benchDialect(dialect);
  results.push(r);
  console.log(
    `${dialect}: median ${r.medianMs} ms over ${r.runsMs.length} runs (${r.runsMs.join(', ')}) — target < ${TARGET_MS} ms ${r.targetMet ? 'met' : 'MISSED'}`,
  );
  console.log(`${dialect}: progress of run 1 (ms since the POST: state processed/total)`);
  for (const s of r.snapshots)
    console.log(`  ${String(s.ms).padStart(6)} ms  ${s.state.padEnd(10)} ${s.processed}/${s.total}`);
}
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`);
if (results.some((r) => !r.targetMet)) process.exit(1);
process.exit(0);
