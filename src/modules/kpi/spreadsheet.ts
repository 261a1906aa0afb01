import ExcelJS from 'exceljs';
import { formatFiscalYear } from '../../shared/fiscal-year.ts';
import { CRLF, csvRecord, UTF8_BOM } from '../audit/audit.csv.ts';
import type { ActualStatus } from './kpi.types.ts';

/**
 * The spreadsheet of actuals (実績値) a department downloads, fills in and uploads: building the template
 * (.xlsx and CSV) and reading an uploaded file back into cells. Nothing here knows the database: the
 * checks against indicators and current values are import.service.ts.
 *
 * Columns (the header names, not the positions, identify them when a file is read back):
 *   A 指標ID · B 重点施策・施策 · C 指標名 · D 単位 · E 目標値 (of that year) · F 実績値 · G 速報・確定 · H 備考 ·
 *   I 年度 (令和7年度（2025年度）, for people) · J 年度（西暦） (2025, what is checked) · K 版 (the actual's
 *   lock_version, 0 when there is none: a value changed by someone else after the download is a conflict).
 * Only F, G and H are to be edited; in the .xlsx the others are locked and greyed.
 */

export const DATA_SHEET = '実績';
export const HELP_SHEET = '記入方法';

export type ColumnKey =
  | 'id'
  | 'node'
  | 'name'
  | 'unit'
  | 'target'
  | 'value'
  | 'status'
  | 'note'
  | 'fyLabel'
  | 'fy'
  | 'version'
  | 'sample';

export interface TemplateColumn {
  key: ColumnKey;
  header: string;
  /** Filled by the city: everything else is locked in the .xlsx. */
  editable: boolean;
  /** Needed to read an upload (the others are for people and are ignored when read). */
  required: boolean;
  width: number;
}

export const TEMPLATE_COLUMNS: readonly TemplateColumn[] = [
  { key: 'id', header: '指標ID', editable: false, required: true, width: 9 },
  { key: 'node', header: '重点施策・施策', editable: false, required: false, width: 34 },
  { key: 'name', header: '指標名', editable: false, required: false, width: 36 },
  { key: 'unit', header: '単位', editable: false, required: false, width: 9 },
  { key: 'target', header: '目標値', editable: false, required: false, width: 12 },
  { key: 'value', header: '実績値', editable: true, required: true, width: 14 },
  { key: 'status', header: '速報・確定', editable: true, required: true, width: 12 },
  { key: 'note', header: '備考', editable: true, required: true, width: 36 },
  { key: 'fyLabel', header: '年度', editable: false, required: false, width: 24 },
  { key: 'fy', header: '年度（西暦）', editable: false, required: true, width: 12 },
  { key: 'version', header: '版', editable: false, required: true, width: 7 },
  { key: 'sample', header: 'サンプル値', editable: false, required: false, width: 12 },
];

export const STATUS_WORDS: Record<ActualStatus, string> = { preliminary: '速報', final: '確定' };

/** 速報 / 速報値 / 確定 / 確定値 (full-width or half-width, spaces ignored); null for anything else. */
export function statusOf(text: string): ActualStatus | null {
  const s = text.normalize('NFKC').replace(/\s/g, '');
  if (s === '速報' || s === '速報値') return 'preliminary';
  if (s === '確定' || s === '確定値') return 'final';
  return null;
}

/** A, B, … Z, AA, … for a 1-based column number. */
export function columnLetter(n: number): string {
  let s = '';
  let x = n;
  while (x > 0) {
    const r = (x - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    x = Math.floor((x - 1) / 26);
  }
  return s;
}

/**
 * A number as officials type it: full-width digits and signs (NFKC), thousands separators (, and ，), the
 * minus sign − and spaces are accepted; anything else (約30, 30人, 1.2.3) is not a number (null).
 */
export function parseNumberText(text: string): number | null {
  const s = text
    .normalize('NFKC')
    .replace(/[\u2212\u2012\u2013\u2014\u30FC]/g, '-')
    .replace(/[,\s]/g, '');
  if (!/^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

// ---- the template ------------------------------------------------------------------------------------

/** One row of the template: one indicator in the chosen fiscal year. */
export interface TemplateRow {
  indicatorId: number;
  /** 「1/2 施策名」: where the indicator hangs. */
  node: string;
  name: string;
  unit: string;
  /** The year's target (a number), a range as text (10〜20), or null when there is none. */
  target: number | string | null;
  value: number | null;
  status: ActualStatus | null;
  note: string;
  fiscalYear: number;
  /** The actual's lock_version; 0 when there is no actual yet. */
  version: number;
  /** The indicator or its value is sample data (marked サンプル値 in the template, as in every export). */
  isSample: boolean;
}

export interface TemplateMeta {
  fiscalYear: number;
  departmentName: string;
  generatedAt: Date;
}

function cellsOf(r: TemplateRow): Record<ColumnKey, string | number | null> {
  return {
    id: r.indicatorId,
    node: r.node,
    name: r.name,
    unit: r.unit,
    target: r.target,
    value: r.value,
    status: r.status ? STATUS_WORDS[r.status] : null,
    note: r.note,
    fyLabel: formatFiscalYear(r.fiscalYear, 'ja'),
    fy: r.fiscalYear,
    version: r.version,
    sample: r.isSample ? 'サンプル値' : null,
  };
}

/** The template as CSV: UTF-8 with BOM, CRLF, RFC 4180 quoting, formula cells neutralised. */
export function templateCsv(rows: readonly TemplateRow[]): string {
  let out = UTF8_BOM + csvRecord(TEMPLATE_COLUMNS.map((c) => c.header));
  for (const r of rows) {
    const cells = cellsOf(r);
    out += csvRecord(TEMPLATE_COLUMNS.map((c) => (cells[c.key] === null ? '' : String(cells[c.key]))));
  }
  return out;
}

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE7F5' } };
const LOCKED_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEDEDED' } };
const EDIT_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFFFF0' } };
const THIN: Partial<ExcelJS.Borders> = {
  top: { style: 'thin', color: { argb: 'FFB0B0B0' } },
  left: { style: 'thin', color: { argb: 'FFB0B0B0' } },
  bottom: { style: 'thin', color: { argb: 'FFB0B0B0' } },
  right: { style: 'thin', color: { argb: 'FFB0B0B0' } },
};

/** The instructions sheet, line by line. */
export function helpLines(meta: TemplateMeta): string[] {
  return [
    '実績値の一括登録用テンプレート',
    `対象年度：${formatFiscalYear(meta.fiscalYear, 'ja')}`,
    `担当課：${meta.departmentName}`,
    '',
    '記入のしかた',
    `1. 「${DATA_SHEET}」シートの「実績値」「速報・確定」「備考」の列だけを記入してください（白い列）。`,
    '2. 灰色の列（指標ID・重点施策・施策・指標名・単位・目標値・年度・年度（西暦）・版）は変更しないでください。',
    '3. 「実績値」は数値で記入します。全角数字や桁区切りのカンマ（1,234）はそのまま読み取ります。「約30」「30人」のような文字は入れないでください。',
    '4. 「速報・確定」は一覧から「速報」か「確定」を選んでください（「速報値」「確定値」でも読み取ります）。',
    '5. 「実績値」が空欄の行は変更しません（値の削除はできません。職員向け画面の各指標のページから行ってください）。',
    '6. 「版」は、ダウンロードした時点の値の版です。その後にほかの人が同じ値を変えた場合、その行は「競合」として登録されません。テンプレートをダウンロードし直してください。',
    '7. 行の追加・削除、列の並べ替えはしないでください。CSV で保存する場合は、見出し行を残してください（UTF-8 と Shift_JIS のどちらでも読み取ります）。',
    '8. アップロードしたファイルは、全体を確認してから登録します。誤りが1件でもあれば何も登録せず、誤りの一覧（シート・行・列・内容）を表示します。',
  ];
}

/**
 * The template as .xlsx: the data sheet (header row frozen, locked greyed columns, a list on 速報・確定,
 * the sheet protected without a password so only the white columns take input) and an instructions sheet.
 */
export async function templateXlsx(rows: readonly TemplateRow[], meta: TemplateMeta): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Kyoso';
  wb.created = meta.generatedAt;
  wb.modified = meta.generatedAt;
  const ws = wb.addWorksheet(DATA_SHEET, {
    views: [{ state: 'frozen', ySplit: 1, xSplit: 1 }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ws.columns = TEMPLATE_COLUMNS.map((c) => ({
    header: c.header,
    key: c.key,
    width: c.width,
    style: {
      border: THIN,
      alignment: { vertical: 'top', wrapText: c.key === 'node' || c.key === 'name' || c.key === 'note' },
      fill: c.editable ? EDIT_FILL : LOCKED_FILL,
      protection: { locked: !c.editable },
      ...(c.key === 'value' || c.key === 'target' ? { numFmt: 'General' } : {}),
    },
  }));
  ws.addRows(rows.map(cellsOf));
  const header = ws.getRow(1);
  header.eachCell((cell) => {
    cell.font = { bold: true };
    cell.fill = HEADER_FILL;
    cell.alignment = { wrapText: true, vertical: 'middle' };
    cell.border = THIN;
    cell.protection = { locked: true };
  });
  const statusCol = TEMPLATE_COLUMNS.findIndex((c) => c.key === 'status') + 1;
  const valueCol = TEMPLATE_COLUMNS.findIndex((c) => c.key === 'value') + 1;
  // ExcelJS has the range form at run time, but its typings lack it.
  const validations = (
    ws as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } }
  ).dataValidations;
  if (rows.length > 0) {
    const last = rows.length + 1;
    validations.add(`${columnLetter(statusCol)}2:${columnLetter(statusCol)}${last}`, {
      type: 'list',
      allowBlank: true,
      formulae: ['"速報,確定"'],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: '速報・確定',
      error: '「速報」か「確定」を選んでください。',
      showInputMessage: true,
      promptTitle: '速報・確定',
      prompt: '一覧から選んでください。',
    });
    validations.add(`${columnLetter(valueCol)}2:${columnLetter(valueCol)}${last}`, {
      type: 'custom',
      allowBlank: true,
      formulae: [`ISNUMBER(${columnLetter(valueCol)}2)`],
      showErrorMessage: false,
      showInputMessage: true,
      promptTitle: '実績値',
      prompt: '数値で記入してください。空欄の行は変更しません。',
    });
  }
  await ws.protect('', {
    selectLockedCells: true,
    selectUnlockedCells: true,
    formatColumns: true,
    formatRows: true,
    autoFilter: true,
    sort: false,
    insertRows: false,
    deleteRows: false,
  });

  const help = wb.addWorksheet(HELP_SHEET);
  help.columns = [{ header: '', key: 'line', width: 120, style: { alignment: { wrapText: true } } }];
  const lines = helpLines(meta);
  help.getCell('A1').value = lines[0] ?? '';
  help.getCell('A1').font = { bold: true, size: 14 };
  for (let i = 1; i < lines.length; i++) help.getCell(`A${i + 1}`).value = lines[i] ?? '';
  help.getCell('A5').font = { bold: true };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ---- reading an upload -------------------------------------------------------------------------------

/** One problem of an upload: where it is and what is wrong (a message key of kpi-upload.messages.ts). */
export interface ImportProblem {
  /** 実績 for the .xlsx sheet; null for a CSV file (it has no sheets). */
  sheet: string | null;
  /** The row as the spreadsheet numbers it (the header is row 1). */
  row: number | null;
  /** The column letter (F). */
  column: string | null;
  /** The column's header (実績値). */
  field: string | null;
  key: string;
  params?: Record<string, string | number>;
}

export type CellValue = string | number | null;

export interface ParsedRow {
  /** Row number in the file (the header is 1). */
  row: number;
  /** Cells by column key (only the columns the file has). */
  cells: Partial<Record<ColumnKey, CellValue>>;
}

export interface ParsedSheet {
  format: 'xlsx' | 'csv';
  /** The sheet's name for messages; null for CSV. */
  sheet: string | null;
  /** How the CSV was decoded. */
  encoding: 'utf-8' | 'utf-8-bom' | 'shift_jis' | null;
  /** The letter of each known column in this file. */
  columns: Partial<Record<ColumnKey, string>>;
  rows: ParsedRow[];
}

export type ParseResult = { ok: true; sheet: ParsedSheet } | { ok: false; problems: ImportProblem[] };

/** More data rows than this is not a template of ours. */
export const MAX_ROWS = 50_000;

const fileProblem = (key: string, params?: Record<string, string | number>): ImportProblem => ({
  sheet: null,
  row: null,
  column: null,
  field: null,
  key,
  ...(params ? { params } : {}),
});

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/** What the first bytes say the file is. */
export function sniff(bytes: Uint8Array): 'empty' | 'zip' | 'xls' | 'binary' | 'utf16' | 'text' {
  if (bytes.length === 0) return 'empty';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'xls';
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return 'utf16';
  const magics: number[][] = [
    [0x25, 0x50, 0x44, 0x46], // %PDF
    [0x89, 0x50, 0x4e, 0x47], // PNG
    [0xff, 0xd8, 0xff], // JPEG
    [0x47, 0x49, 0x46, 0x38], // GIF8
    [0x1f, 0x8b], // gzip
    [0x52, 0x61, 0x72, 0x21], // Rar!
    [0x37, 0x7a, 0xbc, 0xaf], // 7z
    [0x4d, 0x5a], // MZ (executable)
    [0x7f, 0x45, 0x4c, 0x46], // ELF
  ];
  if (magics.some((m) => startsWith(bytes, m))) return 'binary';
  // NUL or other C0 controls (except TAB, LF, CR, and ESC-free text) in the first 8 KiB: not text.
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) {
    const b = bytes[i] as number;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return 'binary';
  }
  return 'text';
}

/**
 * Decodes CSV bytes: valid UTF-8 (BOM or not) is UTF-8; otherwise Shift_JIS (Windows-31J), as Excel saves
 * 「CSV（コンマ区切り）」. Bytes neither can decode are refused with the line of the first bad byte.
 */
export function decodeCsvBytes(
  bytes: Uint8Array,
): { ok: true; text: string; encoding: 'utf-8' | 'utf-8-bom' | 'shift_jis' } | { ok: false; line: number } {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { ok: true, text, encoding: bom ? 'utf-8-bom' : 'utf-8' };
  } catch {
    // not UTF-8
  }
  try {
    const text = new TextDecoder('shift_jis', { fatal: true }).decode(bytes);
    return { ok: true, text, encoding: 'shift_jis' };
  } catch {
    const asUtf8 = new TextDecoder('utf-8').decode(bytes);
    const asSjis = new TextDecoder('shift_jis').decode(bytes);
    const bad = (s: string) => s.split('\uFFFD').length - 1;
    const closer = bad(asSjis) < bad(asUtf8) ? asSjis : asUtf8;
    const at = closer.indexOf('\uFFFD');
    return { ok: false, line: closer.slice(0, Math.max(0, at)).split(/\r\n|\r|\n/).length };
  }
}

/** RFC 4180 records (quoted fields may hold commas, quotes and line breaks; CRLF, LF or CR end a record). */
export function parseCsvRecords(text: string): string[][] {
  const out: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let fieldStarted = false;
  const n = text.length;
  while (i < n) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
      i++;
      continue;
    }
    if (ch === ',') {
      record.push(field);
      field = '';
      fieldStarted = false;
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      record.push(field);
      out.push(record);
      record = [];
      field = '';
      fieldStarted = false;
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += ch;
    fieldStarted = true;
    i++;
  }
  if (fieldStarted || field !== '' || record.length > 0) {
    record.push(field);
    out.push(record);
  }
  return out;
}

/** Our exports put ' before a cell that could be read as a formula: take it off again. */
function unNeutralise(s: string): string {
  return /^'(?:[\t\r\0]|[\s\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/.test(s) ? s.slice(1) : s;
}

function headerKey(name: string): ColumnKey | null {
  const n = name.normalize('NFKC').replace(/\s/g, '');
  const c = TEMPLATE_COLUMNS.find((col) => col.header.normalize('NFKC').replace(/\s/g, '') === n);
  return c ? c.key : null;
}

/** Maps the header row to column keys; missing required or doubled columns are problems. */
function readHeader(
  sheet: string | null,
  headers: string[],
): { columns: Partial<Record<ColumnKey, number>>; problems: ImportProblem[] } {
  const columns: Partial<Record<ColumnKey, number>> = {};
  const problems: ImportProblem[] = [];
  headers.forEach((h, i) => {
    const key = headerKey(h);
    if (!key) return;
    if (columns[key] !== undefined) {
      problems.push({
        sheet,
        row: 1,
        column: columnLetter(i + 1),
        field: h,
        key: 'kpi.upload.error.duplicateColumn',
        params: { name: h },
      });
      return;
    }
    columns[key] = i + 1;
  });
  for (const c of TEMPLATE_COLUMNS) {
    if (c.required && columns[c.key] === undefined) {
      problems.push({
        sheet,
        row: 1,
        column: null,
        field: c.header,
        key: 'kpi.upload.error.missingColumn',
        params: { name: c.header },
      });
    }
  }
  return { columns, problems };
}

function letters(columns: Partial<Record<ColumnKey, number>>): Partial<Record<ColumnKey, string>> {
  const out: Partial<Record<ColumnKey, string>> = {};
  for (const [k, v] of Object.entries(columns)) out[k as ColumnKey] = columnLetter(v as number);
  return out;
}

function isBlank(v: CellValue): boolean {
  return v === null || (typeof v === 'string' && v.trim() === '');
}

/** Reads decoded CSV text into rows by column key. */
export function parseCsvText(
  text: string,
  encoding: ParsedSheet['encoding'],
): { ok: true; sheet: ParsedSheet } | { ok: false; problems: ImportProblem[] } {
  const records = parseCsvRecords(text.replace(/^\uFEFF/, ''));
  while (records.length > 0 && (records[records.length - 1] as string[]).every((c) => c.trim() === ''))
    records.pop();
  if (records.length === 0) return { ok: false, problems: [fileProblem('kpi.upload.error.emptyFile')] };
  const head = readHeader(null, records[0] as string[]);
  if (head.problems.length > 0) return { ok: false, problems: head.problems };
  if (records.length - 1 > MAX_ROWS)
    return { ok: false, problems: [fileProblem('kpi.upload.error.tooManyRows', { max: MAX_ROWS })] };
  const rows: ParsedRow[] = [];
  for (let r = 1; r < records.length; r++) {
    const rec = records[r] as string[];
    const cells: ParsedRow['cells'] = {};
    for (const [key, col] of Object.entries(head.columns)) {
      const raw = rec[(col as number) - 1];
      cells[key as ColumnKey] = raw === undefined ? null : unNeutralise(raw);
    }
    if (Object.values(cells).every((v) => isBlank(v as CellValue))) continue;
    rows.push({ row: r + 1, cells });
  }
  return {
    ok: true,
    sheet: { format: 'csv', sheet: null, encoding, columns: letters(head.columns), rows },
  };
}

/** The plain value of an ExcelJS cell: numbers stay numbers, formulas give their result, text is text. */
function plainCell(v: ExcelJS.CellValue): CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((p) => p.text).join('');
    if ('formula' in v || 'sharedFormula' in v) {
      const result = (v as { result?: ExcelJS.CellValue }).result;
      if (result === undefined || result === null)
        return `=${(v as { formula?: string }).formula ?? (v as { sharedFormula?: string }).sharedFormula ?? ''}`;
      if (typeof result === 'object' && result !== null && 'error' in result)
        return String((result as { error: string }).error);
      return plainCell(result as ExcelJS.CellValue);
    }
    if ('text' in v) return String((v as { text: unknown }).text);
    if ('error' in v) return String((v as { error: unknown }).error);
  }
  return String(v);
}

/** Reads an .xlsx: the sheet 実績 (or the first sheet), header in row 1. */
export async function parseXlsx(bytes: Uint8Array): Promise<ParseResult> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as never);
  } catch {
    return { ok: false, problems: [fileProblem('kpi.upload.error.notXlsx')] };
  }
  const ws = wb.getWorksheet(DATA_SHEET) ?? wb.worksheets[0];
  if (!ws) return { ok: false, problems: [fileProblem('kpi.upload.error.notXlsx')] };
  const sheet = ws.name;
  const headers: string[] = [];
  const headRow = ws.getRow(1);
  for (let c = 1; c <= Math.max(headRow.cellCount, ws.columnCount); c++) {
    const v = plainCell(headRow.getCell(c).value);
    headers.push(v === null ? '' : String(v));
  }
  if (ws.rowCount === 0 || headers.every((h) => h.trim() === ''))
    return { ok: false, problems: [{ ...fileProblem('kpi.upload.error.emptySheet'), sheet }] };
  const head = readHeader(sheet, headers);
  if (head.problems.length > 0) return { ok: false, problems: head.problems };
  if (ws.rowCount - 1 > MAX_ROWS)
    return { ok: false, problems: [fileProblem('kpi.upload.error.tooManyRows', { max: MAX_ROWS })] };
  const rows: ParsedRow[] = [];
  ws.eachRow({ includeEmpty: false }, (row, n) => {
    if (n === 1) return;
    const cells: ParsedRow['cells'] = {};
    for (const [key, col] of Object.entries(head.columns)) {
      const v = plainCell(row.getCell(col as number).value);
      cells[key as ColumnKey] = typeof v === 'string' ? unNeutralise(v) : v;
    }
    if (Object.values(cells).every((v) => isBlank(v as CellValue))) return;
    rows.push({ row: n, cells });
  });
  return { ok: true, sheet: { format: 'xlsx', sheet, encoding: null, columns: letters(head.columns), rows } };
}

/**
 * Reads an uploaded file, whatever its name says: the bytes decide. A ZIP is read as .xlsx, text as CSV
 * (UTF-8 or Shift_JIS); an empty file, an old .xls, UTF-16, and anything else (PDF, images, executables)
 * are refused with a message that says what the file is and what to do.
 */
export async function parseSpreadsheet(bytes: Uint8Array, fileName: string): Promise<ParseResult> {
  const kind = sniff(bytes);
  const lower = fileName.toLowerCase();
  if (kind === 'empty') return { ok: false, problems: [fileProblem('kpi.upload.error.emptyFile')] };
  if (kind === 'zip') return parseXlsx(bytes);
  if (kind === 'xls') return { ok: false, problems: [fileProblem('kpi.upload.error.xls')] };
  if (kind === 'binary') return { ok: false, problems: [fileProblem('kpi.upload.error.notSpreadsheet')] };
  if (lower.endsWith('.xlsx')) return { ok: false, problems: [fileProblem('kpi.upload.error.notXlsx')] };
  if (kind === 'utf16') return { ok: false, problems: [fileProblem('kpi.upload.error.utf16')] };
  const decoded = decodeCsvBytes(bytes);
  if (!decoded.ok)
    return {
      ok: false,
      problems: [{ ...fileProblem('kpi.upload.error.encoding', { line: decoded.line }), row: decoded.line }],
    };
  if (decoded.text.replace(/^\uFEFF/, '').trim() === '')
    return { ok: false, problems: [fileProblem('kpi.upload.error.emptyFile')] };
  return parseCsvText(decoded.text, decoded.encoding);
}

export { CRLF };
