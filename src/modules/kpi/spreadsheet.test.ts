import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import {
  DATA_SHEET,
  decodeCsvBytes,
  HELP_SHEET,
  type ParsedSheet,
  parseCsvRecords,
  parseNumberText,
  parseSpreadsheet,
  sniff,
  statusOf,
  TEMPLATE_COLUMNS,
  type TemplateRow,
  templateCsv,
  templateXlsx,
} from './spreadsheet.ts';
import { encodeShiftJis } from './upload.test-support.ts';

const ROWS: TemplateRow[] = [
  {
    indicatorId: 11,
    node: '1/1 地域コミュニティの活性化',
    name: '地域運営組織の数',
    unit: '団体',
    target: 10,
    value: 6,
    status: 'final',
    note: '前年度と同じ',
    fiscalYear: 2025,
    version: 3,
    isSample: true,
  },
  {
    indicatorId: 12,
    node: '1/1 地域コミュニティの活性化',
    name: '=HYPERLINK("http://evil")',
    unit: '%',
    target: '80〜90',
    value: null,
    status: null,
    note: '',
    fiscalYear: 2025,
    version: 0,
    isSample: false,
  },
];

const col = (key: string) => TEMPLATE_COLUMNS.findIndex((c) => c.key === key) + 1;

function cellOf(sheet: ParsedSheet, row: number, key: keyof ParsedSheet['rows'][number]['cells']) {
  return sheet.rows.find((r) => r.row === row)?.cells[key];
}

describe('numbers and status words as officials type them', () => {
  test('full-width digits, thousands separators and minus signs are numbers; words are not', () => {
    assert.equal(parseNumberText('１２３'), 123, 'full-width digits');
    assert.equal(parseNumberText('1,234'), 1234, 'thousands separator');
    assert.equal(parseNumberText('１，２３４．５'), 1234.5, 'full-width comma and point');
    assert.equal(parseNumberText('−５'), -5, 'the minus sign U+2212');
    assert.equal(parseNumberText(' 42 '), 42, 'spaces');
    assert.equal(parseNumberText('約30'), null, 'a word is not a number');
    assert.equal(parseNumberText('30人'), null, 'a unit is not a number');
    assert.equal(parseNumberText('1.2.3'), null, 'two points');
    assert.equal(parseNumberText(''), null, 'empty');
  });
  test('速報/確定 and 速報値/確定値 are accepted', () => {
    assert.equal(statusOf('速報'), 'preliminary', '速報');
    assert.equal(statusOf(' 速報値 '), 'preliminary', '速報値');
    assert.equal(statusOf('確定'), 'final', '確定');
    assert.equal(statusOf('確定値'), 'final', '確定値');
    assert.equal(statusOf('済'), null, 'anything else');
  });
});

describe('the .xlsx template', () => {
  test('has a frozen header, locked grey columns, a list on 速報・確定 and Japanese instructions', async () => {
    const bytes = await templateXlsx(ROWS, {
      fiscalYear: 2025,
      departmentName: '企画課',
      generatedAt: new Date('2026-11-26T00:00:00Z'),
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as never);
    const ws = wb.getWorksheet(DATA_SHEET);
    assert.ok(ws, 'the data sheet exists');
    assert.deepEqual(
      TEMPLATE_COLUMNS.map((_, i) => ws.getRow(1).getCell(i + 1).value),
      TEMPLATE_COLUMNS.map((c) => c.header),
      'the header row names every column',
    );
    const view = ws.views[0] as { state?: string; ySplit?: number };
    assert.equal(view.state, 'frozen', 'the header is frozen');
    assert.equal(view.ySplit, 1, 'one frozen row');
    assert.equal(ws.getCell(2, col('id')).value, 11, 'the indicator id');
    assert.equal(ws.getCell(2, col('value')).value, 6, 'the current value is prefilled');
    assert.equal(ws.getCell(2, col('status')).value, '確定', 'the status in words');
    assert.equal(ws.getCell(2, col('fyLabel')).value, '令和7年度（2025年度）', 'the year as people read it');
    assert.equal(ws.getCell(2, col('fy')).value, 2025, 'the numeric year');
    assert.equal(ws.getCell(2, col('version')).value, 3, 'the version');
    assert.equal(ws.getCell(3, col('version')).value, 0, 'version 0 without an actual');
    assert.notEqual(ws.getCell(2, col('id')).protection?.locked, false, 'the id is locked (the default)');
    assert.equal(ws.getCell(2, col('value')).protection?.locked, false, 'the value is editable');
    const fill = ws.getCell(2, col('name')).fill as ExcelJS.FillPattern;
    assert.equal(fill.fgColor?.argb, 'FFEDEDED', 'locked columns are grey');
    const dv = ws.getCell(2, col('status')).dataValidation;
    assert.equal(dv?.type, 'list', 'a list on 速報・確定');
    assert.deepEqual(dv?.formulae, ['"速報,確定"'], 'the list offers 速報 and 確定');
    assert.ok((ws as unknown as { sheetProtection?: unknown }).sheetProtection, 'the sheet is protected');
    const help = wb.getWorksheet(HELP_SHEET);
    assert.ok(help, 'the instructions sheet exists');
    assert.match(String(help.getCell('A2').value), /令和7年度（2025年度）/, 'the instructions name the year');
  });

  test('round trip: template → filled in (numbers, full-width text) → parsed', async () => {
    const bytes = await templateXlsx(ROWS, {
      fiscalYear: 2025,
      departmentName: '企画課',
      generatedAt: new Date('2026-11-26T00:00:00Z'),
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as never);
    const ws = wb.getWorksheet(DATA_SHEET) as ExcelJS.Worksheet;
    ws.getCell(2, col('value')).value = 7.5;
    ws.getCell(3, col('value')).value = '１，２３４';
    ws.getCell(3, col('status')).value = '速報値';
    const filled = new Uint8Array(await wb.xlsx.writeBuffer());
    const parsed = await parseSpreadsheet(filled, 'filled.xlsx');
    assert.ok(parsed.ok, `parsed: ${JSON.stringify(parsed.ok ? '' : parsed.problems)}`);
    const s = parsed.sheet;
    assert.equal(s.format, 'xlsx', 'read as xlsx');
    assert.equal(s.sheet, DATA_SHEET, 'the data sheet');
    assert.equal(s.columns.value, 'F', 'the value column is F');
    assert.equal(s.rows.length, 2, 'two rows');
    assert.equal(cellOf(s, 2, 'value'), 7.5, 'the number');
    assert.equal(cellOf(s, 3, 'value'), '１，２３４', 'the text as typed (converted by the checks)');
    assert.equal(parseNumberText(String(cellOf(s, 3, 'value'))), 1234, 'full-width digits convert');
    assert.equal(cellOf(s, 3, 'status'), '速報値', 'the status word');
    assert.equal(cellOf(s, 2, 'id'), 11, 'the id');
    assert.equal(cellOf(s, 3, 'name'), '=HYPERLINK("http://evil")', 'text like a formula stays text');
    assert.equal(cellOf(s, 2, 'version'), 3, 'the version');
  });

  test('a file that is not a spreadsheet, an old .xls, a broken .xlsx, an empty file are refused', async () => {
    const pdf = new TextEncoder().encode('%PDF-1.7\n%âãÏÓ\n1 0 obj');
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const xls = Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    const brokenZip = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5]);
    const cases: Array<[Uint8Array, string, string]> = [
      [pdf, 'a.csv', 'kpi.upload.error.notSpreadsheet'],
      [png, 'a.xlsx', 'kpi.upload.error.notSpreadsheet'],
      [xls, 'a.xls', 'kpi.upload.error.xls'],
      [brokenZip, 'a.xlsx', 'kpi.upload.error.notXlsx'],
      [new TextEncoder().encode('指標ID,実績値'), 'a.xlsx', 'kpi.upload.error.notXlsx'],
      [new Uint8Array(0), 'a.csv', 'kpi.upload.error.emptyFile'],
      [new TextEncoder().encode('\uFEFF\r\n'), 'a.csv', 'kpi.upload.error.emptyFile'],
    ];
    for (const [bytes, name, key] of cases) {
      const r = await parseSpreadsheet(bytes, name);
      assert.ok(!r.ok, `${name} (${key}) is refused`);
      assert.equal(r.problems[0]?.key, key, `${name}: ${key}`);
    }
  });
});

describe('CSV', () => {
  test('the template CSV: UTF-8 BOM, CRLF, formula cells neutralised', () => {
    const csv = templateCsv(ROWS);
    assert.ok(csv.startsWith('\uFEFF指標ID,'), 'BOM then the header');
    assert.ok(csv.includes('\r\n'), 'CRLF');
    assert.equal(csv.split('\r\n').length, 4, 'header, two rows, and the final CRLF');
    assert.ok(csv.includes(`"'=HYPERLINK(""http://evil"")"`), 'the formula is neutralised');
    assert.ok(csv.includes('令和7年度（2025年度）'), 'the year as people read it');
    const [header, sampleRow, realRow] = csv.replace(/^\uFEFF/, '').split('\r\n');
    assert.ok(header?.endsWith(',サンプル値'), 'a サンプル値 column');
    assert.ok(sampleRow?.endsWith(',サンプル値'), 'a sample value is marked');
    assert.ok(realRow?.endsWith(',0,'), 'a real one is not');
  });

  test('round trip through the CSV in UTF-8 with and without BOM and in Shift_JIS', async () => {
    const csv = templateCsv(ROWS).replace('令和7年度（2025年度）,2025,0', '令和7年度（2025年度）,2025,0');
    // fill in row 3: the value in full-width digits with a separator, the status 確定値
    const lines = csv.split('\r\n');
    const cells = parseCsvRecords(lines[2] as string)[0] as string[];
    cells[col('value') - 1] = '１，２３４';
    cells[col('status') - 1] = '確定値';
    cells[col('name') - 1] = '自主防災組織の結成率';
    lines[2] = cells.join(',');
    const text = lines.join('\r\n');
    const variants: Array<[string, Uint8Array, string]> = [
      ['utf-8-bom', new TextEncoder().encode(text), 'utf-8-bom'],
      ['utf-8', new TextEncoder().encode(text.replace(/^\uFEFF/, '')), 'utf-8'],
      ['shift_jis', encodeShiftJis(text.replace(/^\uFEFF/, '')), 'shift_jis'],
    ];
    for (const [label, bytes, encoding] of variants) {
      const r = await parseSpreadsheet(bytes, 'actuals.csv');
      assert.ok(r.ok, `${label}: parsed ${JSON.stringify(r.ok ? '' : r.problems)}`);
      assert.equal(r.sheet.encoding, encoding, `${label}: detected`);
      assert.equal(r.sheet.sheet, null, `${label}: no sheet name`);
      assert.equal(r.sheet.rows.length, 2, `${label}: two rows`);
      assert.equal(cellOf(r.sheet, 2, 'id'), '11', `${label}: the id of row 2`);
      assert.equal(cellOf(r.sheet, 2, 'note'), '前年度と同じ', `${label}: Japanese text survives`);
      assert.equal(parseNumberText(String(cellOf(r.sheet, 3, 'value'))), 1234, `${label}: full-width digits`);
      assert.equal(statusOf(String(cellOf(r.sheet, 3, 'status'))), 'final', `${label}: 確定値`);
    }
  });

  test('bytes neither UTF-8 nor Shift_JIS, and UTF-16, are refused with the line', async () => {
    const head = new TextEncoder().encode('指標ID,実績値\r\n1,');
    const bad = Uint8Array.from([...head, 0xff, 0xfe, 0xfd, 0x0d, 0x0a]);
    const decoded = decodeCsvBytes(bad);
    assert.ok(!decoded.ok, 'not decodable');
    assert.equal(decoded.line, 2, 'the line of the first bad byte');
    const r = await parseSpreadsheet(bad, 'x.csv');
    assert.ok(!r.ok, 'refused');
    assert.equal(r.problems[0]?.key, 'kpi.upload.error.encoding', 'an encoding problem');
    assert.deepEqual(r.problems[0]?.params, { line: 2 }, 'with the line');
    const utf16 = Uint8Array.from([0xff, 0xfe, 0x07, 0x63]);
    const r16 = await parseSpreadsheet(utf16, 'x.csv');
    assert.ok(!r16.ok && r16.problems[0]?.key === 'kpi.upload.error.utf16', 'UTF-16 is refused by its BOM');
    assert.equal(sniff(utf16), 'utf16', 'sniffed');
  });

  test('wrong columns: every missing required column is named', async () => {
    const r = await parseSpreadsheet(new TextEncoder().encode('名前,値\r\nA,1\r\n'), 'x.csv');
    assert.ok(!r.ok, 'refused');
    const names = r.problems.map((p) => p.params?.name);
    assert.deepEqual(
      names,
      TEMPLATE_COLUMNS.filter((c) => c.required).map((c) => c.header),
      'each required column missing',
    );
    assert.ok(
      r.problems.every((p) => p.key === 'kpi.upload.error.missingColumn' && p.row === 1),
      'in the header row',
    );
  });

  test('quoted fields with commas, quotes and line breaks', () => {
    assert.deepEqual(
      parseCsvRecords('a,"b,c","d""e"\r\n"f\r\ng",h\n'),
      [
        ['a', 'b,c', 'd"e'],
        ['f\r\ng', 'h'],
      ],
      'RFC 4180',
    );
  });
});
