import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { buildTestApp } from '../../../test/support/app.ts';
import type { TestBrowser } from '../../../test/support/browser-session.ts';
import { createTestDb, DIALECTS, type TestDb } from '../../../test/support/db.ts';
import { buildActual, buildKpiFixture, type KpiFixture } from '../../../test/support/kpi.ts';
import { buildDepartment, buildStaff, signInAs, type TestStaff } from '../../../test/support/staff.ts';
import { waitForAllImports } from './import.service.ts';
import { DATA_SHEET, TEMPLATE_COLUMNS } from './spreadsheet.ts';
import { encodeShiftJis } from './upload.test-support.ts';

/**
 * The upload of actuals through HTTP on both databases: the page, the templates, and each bad input of the
 * issue (wrong encoding, wrong columns, text in number cells, unknown ids, duplicate rows, an empty file,
 * a 50 MB file, a file that is not a spreadsheet, other department, wrong year, a conflict) refused with
 * its Japanese message (sheet, row, column) and the database unchanged; full-width digits accepted.
 */

const col = (key: string) => TEMPLATE_COLUMNS.findIndex((c) => c.key === key) + 1;
const letter = (key: string) => String.fromCharCode(64 + col(key));

type Part = { name: string; value: string } | { name: string; filename: string; bytes: Uint8Array };

function multipart(parts: Part[]): { payload: Buffer; contentType: string } {
  const boundary = `----kyosoTest${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    if ('filename' in p) {
      chunks.push(
        Buffer.from(
          `Content-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
        ),
      );
      chunks.push(Buffer.from(p.bytes));
      chunks.push(Buffer.from('\r\n'));
    } else {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The text of a page without tags (to read messages as a person does). */
function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/\s+/g, ' ');
}

for (const dialect of DIALECTS) {
  describe(`upload of actuals (${dialect})`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    let now = new Date('2026-11-26T00:00:00.000Z');
    let kpi: KpiFixture;
    let deptA: number;
    let editor: TestStaff;
    let editorOther: TestStaff;
    let planner: TestStaff;
    let admin: TestStaff;
    const browsers = new Map<TestStaff, TestBrowser>();

    const browserOf = async (who: TestStaff) => {
      let b = browsers.get(who);
      if (!b) {
        now = new Date(now.getTime() + 31_000);
        b = await signInAs(app, who, () => now);
        await b.get('/staff/kpi/upload');
        browsers.set(who, b);
      }
      return b;
    };

    /** Posts a file through the upload form as the browser would (token first, then year, department, file). */
    async function upload(
      who: TestStaff,
      file: { filename: string; bytes: Uint8Array } | null,
      scope: { fy?: string; dept?: string } = {},
    ): Promise<LightMyRequestResponse> {
      const b = await browserOf(who);
      await b.get('/staff/kpi/upload');
      const parts: Part[] = [
        { name: '_csrf', value: b.csrf },
        { name: 'fy', value: scope.fy ?? '2025' },
        { name: 'dept', value: scope.dept ?? String(deptA) },
      ];
      parts.push({ name: 'file', filename: file?.filename ?? '', bytes: file?.bytes ?? new Uint8Array(0) });
      const { payload, contentType } = multipart(parts);
      const res = await app.inject({
        method: 'POST',
        url: '/staff/kpi/upload',
        payload,
        headers: { 'content-type': contentType, origin: 'http://localhost:3000' },
        cookies: Object.fromEntries(b.cookies),
      });
      await waitForAllImports(db);
      return res;
    }

    /** Uploads and opens the import page it redirects to. */
    async function uploadAndRead(who: TestStaff, file: { filename: string; bytes: Uint8Array }, scope = {}) {
      const res = await upload(who, file, scope);
      assert.equal(res.statusCode, 303, `the upload is accepted for processing: ${res.body.slice(0, 300)}`);
      const location = String(res.headers.location);
      assert.match(location, /^\/staff\/kpi\/imports\/\d+$/, 'to the import page');
      const page = await (await browserOf(who)).get(location);
      assert.equal(page.statusCode, 200, 'the import page');
      const json = await (await browserOf(who)).get(`${location}.json`);
      return {
        location,
        page,
        text: textOf(page.body),
        json: JSON.parse(json.body) as Record<string, unknown>,
      };
    }

    /** Actuals and their history, to compare before and after. */
    async function snapshot(): Promise<string> {
      const a = await sql<
        Record<string, unknown>
      >`select indicator_id, fiscal_year, value, status, note, lock_version from indicator_actuals order by indicator_id, fiscal_year`.execute(
        db.kysely,
      );
      const h = await sql<
        Record<string, unknown>
      >`select indicator_id, fiscal_year, change, value, version, via from indicator_actual_history order by id`.execute(
        db.kysely,
      );
      return JSON.stringify([a.rows, h.rows]);
    }

    async function template(who: TestStaff, kind: 'xlsx' | 'csv', q = `fy=2025&dept=${deptA}`) {
      const res = await (await browserOf(who)).get(`/staff/kpi/template.${kind}?${q}`);
      assert.equal(res.statusCode, 200, `the ${kind} template: ${res.body.slice(0, 200)}`);
      return res;
    }

    async function filledXlsx(fill: (ws: ExcelJS.Worksheet) => void): Promise<Uint8Array> {
      const res = await template(editor, 'xlsx');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.rawPayload as never);
      fill(wb.getWorksheet(DATA_SHEET) as ExcelJS.Worksheet);
      return new Uint8Array(await wb.xlsx.writeBuffer());
    }

    function rowOf(ws: ExcelJS.Worksheet, indicatorId: number): number {
      for (let r = 2; r <= ws.rowCount; r++) if (ws.getCell(r, col('id')).value === indicatorId) return r;
      throw new Error(`no row for ${indicatorId}`);
    }

    async function csvTemplateText(): Promise<string> {
      return (await template(editor, 'csv')).body;
    }

    before(async () => {
      db = await createTestDb(dialect);
      app = await buildTestApp(db, { clock: () => now });
      deptA = await buildDepartment(db, '市民活動推進課');
      const deptB = await buildDepartment(db, '防災危機管理課');
      const plan = await db.kysely.selectFrom('plans').select('id').executeTakeFirstOrThrow();
      await db.kysely
        .insertInto('measure_departments')
        .values([
          {
            municipality_code: '352161',
            plan_id: plan.id,
            node_path: '1/1',
            department_id: deptA,
            role: 'lead',
          },
          {
            municipality_code: '352161',
            plan_id: plan.id,
            node_path: '1/2',
            department_id: deptB,
            role: 'lead',
          },
        ])
        .execute();
      editor = await buildStaff(db, 'editor', [deptA]);
      editorOther = await buildStaff(db, 'editor', [deptB]);
      planner = await buildStaff(db, 'planner');
      admin = await buildStaff(db, 'admin');
      kpi = await buildKpiFixture(db);
      await buildActual(db, kpi.indicatorId, 2024, 8, { note: '確定済み' });
    });
    after(async () => {
      await app?.close();
      await db?.drop();
    });

    test('the page: the previous fiscal year first, the editor’s department, the template links', async () => {
      const res = await (await browserOf(editor)).get('/staff/kpi/upload');
      assert.equal(res.statusCode, 200, 'the page');
      assert.match(
        res.body,
        /<option value="2025" selected>令和7年度（2025年度）<\/option>/,
        'FY2025 chosen',
      );
      assert.match(res.body, new RegExp(`/staff/kpi/template.xlsx\\?fy=2025&amp;dept=${deptA}`), 'xlsx link');
      assert.match(res.body, new RegExp(`/staff/kpi/template.csv\\?fy=2025&amp;dept=${deptA}`), 'csv link');
      assert.match(res.body, /enctype="multipart\/form-data"/, 'a multipart form');
      assert.ok(
        res.body.indexOf('name="_csrf"', res.body.indexOf('multipart')) < res.body.indexOf('name="file"'),
        'the token comes before the file',
      );
      assert.doesNotMatch(res.body, /防災危機管理課/, 'not the other department');
      const p = await (await browserOf(planner)).get('/staff/kpi/upload');
      assert.match(p.body, /<option value="all" selected>すべての担当課<\/option>/, 'planners: all');
      const a = await (await browserOf(admin)).get('/staff/kpi/upload');
      assert.equal(a.statusCode, 403, 'administrators do not upload');
    });

    test('the CSV template: the department’s indicators, current value and version, BOM and CRLF', async () => {
      await buildActual(db, kpi.indicatorId, 2025, 7, { status: 'preliminary', note: '速報値' });
      const body = await csvTemplateText();
      assert.ok(body.startsWith('\uFEFF指標ID,重点施策・施策,指標名'), 'BOM and header');
      const lines = body.split('\r\n');
      assert.equal(lines.length, 3, 'header, one indicator, final CRLF');
      assert.match(lines[1] as string, new RegExp(`^${kpi.indicatorId},`), 'the editor’s indicator');
      assert.match(
        lines[1] as string,
        /,7,速報,速報値,令和7年度（2025年度）,2025,1,$/,
        'value, status, note, year, version, and an empty サンプル値 column (a real value)',
      );
      const other = await (await browserOf(editor)).get(`/staff/kpi/template.csv?fy=2025&dept=all`);
      assert.equal(other.statusCode, 403, 'editors only for their own department');
      const bad = await (await browserOf(editor)).get(`/staff/kpi/template.csv?fy=1800&dept=${deptA}`);
      assert.equal(bad.statusCode, 404, 'no such year');
      const all = await (await browserOf(planner)).get('/staff/kpi/template.csv?fy=2024&dept=all');
      assert.equal(all.body.split('\r\n').length, 4, 'planners: every indicator');
    });

    test('an .xlsx upload writes the changed values through writeActual, audited, in one import', async () => {
      const bytes = await filledXlsx((ws) => {
        ws.getCell(rowOf(ws, kpi.indicatorId), col('value')).value = 9;
        ws.getCell(rowOf(ws, kpi.indicatorId), col('status')).value = '確定';
      });
      const r = await uploadAndRead(editor, { filename: '実績値.xlsx', bytes });
      assert.match(r.text, /状態：完了/, `done: ${r.text.slice(0, 600)}`);
      assert.match(r.text, /1件の実績値を登録しました/, 'one value written');
      assert.equal(r.json.state, 'done', 'the JSON says done');
      assert.equal(r.json.appliedCount, 1, 'the JSON count');
      const a = await db.kysely
        .selectFrom('indicator_actuals')
        .selectAll()
        .where('indicator_id', '=', kpi.indicatorId)
        .where('fiscal_year', '=', 2025)
        .executeTakeFirstOrThrow();
      assert.equal(Number(a.value), 9, 'the new value');
      assert.equal(a.status, 'final', 'the new status');
      assert.equal(Number(a.lock_version), 2, 'the version moved on');
      const id = Number(r.location.split('/').pop());
      const h = await db.kysely
        .selectFrom('indicator_actual_history')
        .selectAll()
        .where('import_id', '=', id)
        .execute();
      assert.equal(h.length, 1, 'one history entry for the import');
      assert.equal(h[0]?.via, 'upload', 'via upload');
      const audit = await db.kysely
        .selectFrom('audit_log')
        .select(['action', 'resource_id'])
        .where('action', '=', 'indicator.actuals.upload')
        .execute();
      assert.ok(
        audit.some((e) => String(e.resource_id) === String(id)),
        'audited',
      );
    });

    test('the same template uploaded again changes nothing and adds no history', async () => {
      const bytes = await filledXlsx(() => {});
      const before = await snapshot();
      const r = await uploadAndRead(editor, { filename: 'same.xlsx', bytes });
      assert.match(r.text, /変更された実績値はありませんでした/, 'nothing changed');
      assert.equal(await snapshot(), before, 'no new history');
    });

    test('full-width digits with separators in a Shift_JIS CSV are converted and accepted', async () => {
      const csv = (await csvTemplateText()).replace(/^\uFEFF/, '');
      const lines = csv.split('\r\n');
      const cells = (lines[1] as string).split(',');
      cells[col('value') - 1] = '"１，２３４"';
      cells[col('status') - 1] = '確定値';
      lines[1] = cells.join(',');
      const r = await uploadAndRead(editor, {
        filename: 'sjis.csv',
        bytes: encodeShiftJis(lines.join('\r\n')),
      });
      assert.match(r.text, /状態：完了/, `done: ${r.text.slice(0, 800)}`);
      const a = await db.kysely
        .selectFrom('indicator_actuals')
        .select('value')
        .where('indicator_id', '=', kpi.indicatorId)
        .where('fiscal_year', '=', 2025)
        .executeTakeFirstOrThrow();
      assert.equal(Number(a.value), 1234, 'converted');
    });

    /** Each bad upload: refused with the message, the database unchanged. */
    async function refused(
      file: { filename: string; bytes: Uint8Array },
      expected: Array<string | RegExp>,
      scope: { fy?: string; dept?: string } = {},
    ) {
      const before = await snapshot();
      const r = await uploadAndRead(editor, file, scope);
      assert.match(
        r.text,
        /ファイルに誤りが\d+件あったため、何も登録していません/,
        `refused: ${r.text.slice(0, 600)}`,
      );
      for (const e of expected) {
        if (typeof e === 'string')
          assert.ok(r.text.includes(e), `the message 「${e}」 in ${r.text.slice(0, 1500)}`);
        else assert.match(r.text, e, 'the message');
      }
      assert.equal(r.json.state, 'failed', 'failed');
      assert.equal(await snapshot(), before, 'the database is unchanged');
      return r;
    }

    test('text in a number cell: sheet, row, column and the text', async () => {
      const bytes = await filledXlsx((ws) => {
        ws.getCell(rowOf(ws, kpi.indicatorId), col('value')).value = '約30';
      });
      const r = await refused({ filename: 'text.xlsx', bytes }, [
        `実績シート 2行目 ${letter('value')}列（実績値） 数値ではありません（"約30"）`,
      ]);
      const csv = await (await browserOf(editor)).get(`${r.location}/errors.csv`);
      assert.equal(csv.statusCode, 200, 'the errors as CSV');
      assert.ok(
        csv.body.includes(`実績シート 2行目 ${letter('value')}列（実績値）：数値ではありません（""約30""）`),
        `the sentence in the CSV: ${csv.body}`,
      );
    });

    test('wrong encoding: bytes neither UTF-8 nor Shift_JIS', async () => {
      const head = new TextEncoder().encode(`${TEMPLATE_COLUMNS.map((c) => c.header).join(',')}\r\n`);
      const bytes = Uint8Array.from([...head, 0x31, 0x2c, 0xff, 0xfd, 0xfe, 0x0d, 0x0a]);
      await refused({ filename: 'bad.csv', bytes }, ['2行目に読み取れない文字があります']);
    });

    test('wrong columns: the missing column is named', async () => {
      const csv = (await csvTemplateText()).replace('実績値', '今年の値');
      await refused({ filename: 'cols.csv', bytes: new TextEncoder().encode(csv) }, [
        '見出し行に「実績値」の列がありません',
      ]);
    });

    test('unknown indicator ids, another department’s indicator, another year, duplicate rows', async () => {
      const csv = (await csvTemplateText()).replace(/^\uFEFF/, '');
      const lines = csv.split('\r\n');
      const row = (lines[1] as string).split(',');
      const withCells = (changes: Record<string, string>) => {
        const c = [...row];
        for (const [k, v] of Object.entries(changes)) c[col(k) - 1] = v;
        return c.join(',');
      };
      const body = [
        lines[0],
        withCells({ value: '11' }),
        withCells({ id: '99999', value: '1' }),
        withCells({ id: String(kpi.otherIndicatorId), value: '1' }),
        withCells({ value: '12' }),
        '',
      ].join('\r\n');
      await refused({ filename: 'rows.csv', bytes: new TextEncoder().encode(body) }, [
        `3行目 A列（指標ID） 指標ID 99999 の指標はありません`,
        `4行目 A列（指標ID） 指標ID ${kpi.otherIndicatorId} は選んだ担当課（市民活動推進課）の指標ではありません`,
        `5行目 A列（指標ID） 指標ID ${kpi.indicatorId} の同じ年度の行が2つあります（2行目と同じです）`,
      ]);
      const otherYear = [lines[0], withCells({ value: '11' }), ''].join('\r\n');
      await refused(
        { filename: 'year.csv', bytes: new TextEncoder().encode(otherYear) },
        [`2行目 ${letter('fy')}列（年度（西暦）） 年度 2025 は選んだ年度（2024年度）と違います`],
        { fy: '2024' },
      );
    });

    test('a value changed by someone else after the download is a conflict: nothing is written', async () => {
      const csv = (await csvTemplateText()).replace(/^\uFEFF/, '');
      // meanwhile someone changes the value on the form
      await db.kysely
        .updateTable('indicator_actuals')
        .set({ value: 50, lock_version: sql`lock_version + 1` })
        .where('indicator_id', '=', kpi.indicatorId)
        .where('fiscal_year', '=', 2025)
        .execute();
      const lines = csv.split('\r\n');
      const cells = (lines[1] as string).split(',');
      cells[col('value') - 1] = '77';
      lines[1] = cells.join(',');
      await refused({ filename: 'late.csv', bytes: new TextEncoder().encode(lines.join('\r\n')) }, [
        /2行目 K列（版） ダウンロードの後にほかの人（.+）がこの値を変更しました（現在の値：50/,
      ]);
    });

    test('a file that is not a spreadsheet, an old .xls, an empty sheet', async () => {
      await refused({ filename: 'report.xlsx', bytes: new TextEncoder().encode('%PDF-1.4\n1 0 obj\n') }, [
        '表計算のファイルではありません',
      ]);
      await refused(
        { filename: 'old.xls', bytes: Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 1]) },
        ['古い Excel 形式（.xls）です'],
      );
      await refused(
        {
          filename: 'header.csv',
          bytes: new TextEncoder().encode(`${(await csvTemplateText()).split('\r\n')[0]}\r\n`),
        },
        ['データの行がありません'],
      );
    });

    test('an empty file and no file are refused on the form (400), nothing created', async () => {
      const count = async () =>
        Number(
          (await sql<{ n: number }>`select count(*) as n from kpi_imports`.execute(db.kysely)).rows[0]?.n,
        );
      const before = [await snapshot(), await count()];
      const empty = await upload(editor, { filename: 'empty.csv', bytes: new Uint8Array(0) });
      assert.equal(empty.statusCode, 400, 'refused');
      assert.match(textOf(empty.body), /ファイルが空です/, 'the message');
      assert.match(empty.body, /<title>エラー：/, 'the title says error');
      const none = await upload(editor, null);
      assert.equal(none.statusCode, 400, 'no file');
      assert.match(textOf(none.body), /アップロードするファイルを選んでください/, 'the message');
      assert.deepEqual([await snapshot(), await count()], before, 'nothing written, no import');
    });

    test('a 50 MB file is refused with 413 in Japanese, by its length or while streaming', async () => {
      const count = async () =>
        Number(
          (await sql<{ n: number }>`select count(*) as n from kpi_imports`.execute(db.kysely)).rows[0]?.n,
        );
      const before = [await snapshot(), await count()];
      const big = new Uint8Array(50 * 1024 * 1024).fill(0x31);
      const res = await upload(editor, { filename: 'big.csv', bytes: big });
      assert.equal(res.statusCode, 413, 'too large by Content-Length');
      assert.match(
        textOf(res.body),
        /ファイルが大きすぎます。10MB までのファイルを/,
        `Japanese: ${textOf(res.body).slice(0, 300)}`,
      );

      // no Content-Length (chunked): the stream is cut at the limit
      const b = await browserOf(editor);
      await b.get('/staff/kpi/upload');
      const boundary = '----kyosoStream';
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${b.csrf}\r\n--${boundary}\r\nContent-Disposition: form-data; name="fy"\r\n\r\n2025\r\n--${boundary}\r\nContent-Disposition: form-data; name="dept"\r\n\r\n${deptA}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n`,
      );
      let sent = 0;
      const chunk = Buffer.alloc(1024 * 1024, 0x31);
      const stream = new Readable({
        read() {
          if (sent === 0) this.push(head);
          if (sent < 50) {
            sent++;
            this.push(chunk);
          } else {
            this.push(Buffer.from(`\r\n--${boundary}--\r\n`));
            this.push(null);
          }
        },
      });
      const streamed = await app.inject({
        method: 'POST',
        url: `/staff/kpi/upload?fy=2025&dept=${deptA}`,
        payload: stream,
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          origin: 'http://localhost:3000',
        },
        cookies: Object.fromEntries(b.cookies),
      });
      assert.equal(streamed.statusCode, 413, 'too large while streaming');
      assert.match(textOf(streamed.body), /ファイルが大きすぎます/, 'Japanese');
      assert.deepEqual([await snapshot(), await count()], before, 'nothing written, no import');
    });

    test('only the uploader’s department and planners read an import', async () => {
      const bytes = await filledXlsx(() => {});
      const res = await upload(editor, { filename: 'x.xlsx', bytes });
      const location = String(res.headers.location);
      assert.equal((await (await browserOf(editorOther)).get(location)).statusCode, 403, 'other department');
      assert.equal(
        (await (await browserOf(editorOther)).get(`${location}.json`)).statusCode,
        403,
        'json too',
      );
      assert.equal((await (await browserOf(admin)).get(location)).statusCode, 403, 'administrators');
      assert.equal((await (await browserOf(planner)).get(location)).statusCode, 200, 'planners');
      const page = await (await browserOf(editor)).get(`/staff/kpi/upload?fy=2025&dept=${deptA}`);
      assert.match(
        textOf(page.body),
        /令和7年度（2025年度）\s*x\.xlsx/,
        'the recent uploads list the fiscal year each file was checked against',
      );
      assert.equal(
        (await (await browserOf(planner)).get('/staff/kpi/imports/99999')).statusCode,
        404,
        'none',
      );
    });

    test('an import left running by a stopped process is failed when the app starts again', async () => {
      const left = await db.kysely
        .insertInto('kpi_imports')
        .values({
          municipality_code: '352161',
          user_id: editor.id,
          department_id: deptA,
          file_name: 'killed.xlsx',
          format: 'xlsx',
          state: 'validating',
          created_at: now.toISOString(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const restarted = await buildTestApp(db, { clock: () => now });
      try {
        const row = await db.kysely
          .selectFrom('kpi_imports')
          .select(['state', 'errors'])
          .where('id', '=', left.id)
          .executeTakeFirstOrThrow();
        assert.equal(row.state, 'failed', 'failed at start-up');
        assert.match(row.errors, /kpi\.upload\.error\.interrupted/, 'with the reason');
        const page = await (await browserOf(editor)).get(`/staff/kpi/imports/${left.id}`);
        assert.match(textOf(page.body), /処理の途中でサーバーが停止したため、登録していません/, 'shown');
      } finally {
        await restarted.close();
      }
    });

    test('an upload without the CSRF token or from another origin is refused', async () => {
      const b = await browserOf(editor);
      const { payload, contentType } = multipart([
        { name: 'fy', value: '2025' },
        { name: 'file', filename: 'a.csv', bytes: new TextEncoder().encode('x') },
      ]);
      const res = await app.inject({
        method: 'POST',
        url: '/staff/kpi/upload',
        payload,
        headers: { 'content-type': contentType, origin: 'http://localhost:3000' },
        cookies: Object.fromEntries(b.cookies),
      });
      assert.equal(res.statusCode, 403, 'no token');
      const withToken = multipart([
        { name: '_csrf', value: b.csrf },
        { name: 'file', filename: 'a.csv', bytes: new TextEncoder().encode('x') },
      ]);
      const foreign = await app.inject({
        method: 'POST',
        url: '/staff/kpi/upload',
        payload: withToken.payload,
        headers: { 'content-type': withToken.contentType, origin: 'https://evil.example' },
        cookies: Object.fromEntries(b.cookies),
      });
      assert.equal(foreign.statusCode, 403, 'foreign origin');
    });
  });
}
