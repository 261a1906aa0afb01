import type { AuditEntry } from './audit.service.ts';

/**
 * The audit log as CSV for spreadsheets: UTF-8 with a byte order mark (without it, Excel reads UTF-8 as
 * Shift_JIS and the Japanese is garbled), CRLF after every record, RFC 4180 quoting, a Japanese header,
 * times in Asia/Tokyo, and every cell neutralised against formula injection ({@link neutraliseCell}).
 */

export const UTF8_BOM = '\uFEFF';
export const CRLF = '\r\n';

export const AUDIT_CSV_HEADER = [
  '日時',
  '操作者',
  '操作者ID',
  '接続元',
  '操作',
  '対象の種類',
  '対象ID',
  '変更前',
  '変更後',
  'リクエストID',
] as const;

// OWASP (CSV Injection) and ASVS 5.0 1.2.10: a cell whose first character is = + - @ TAB CR (or NUL)
// may be read as a formula. We also neutralise a cell in which = + - @ (or their full-width forms,
// which Japanese input produces) come after leading white space, since some spreadsheet imports trim
// that white space first. The cost is a visible ' before text such as " -note" or "-5", which is
// acceptable in an audit export; a missed formula is not.
const FORMULA_START = /^(?:[\t\r\0]|[\s\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/;

/**
 * The cell with a single quote ' in front if a spreadsheet could take it for a formula: when it starts
 * with = + - @, TAB (0x09), CR (0x0D) or NUL, or with = + - @ (ASCII or full-width) after leading white
 * space. Excel shows the quote-prefixed cell as text. Anything else is returned unchanged.
 *
 * @example neutraliseCell('=SUM(A1)') // "'=SUM(A1)"
 * @example neutraliseCell('  @x')      // "'  @x"
 * @example neutraliseCell('a=b')       // "a=b"
 */
export function neutraliseCell(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

/** RFC 4180: a field containing a comma, a double quote, CR or LF is quoted, its quotes doubled. */
export function quoteCsvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One record: each cell neutralised then quoted, joined by commas, ended by CRLF. */
export function csvRecord(cells: readonly string[]): string {
  return cells.map((c) => quoteCsvField(neutraliseCell(c))).join(',') + CRLF;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** 2026-11-26 17:00:00 for 2026-11-26T08:00:00Z: Asia/Tokyo (UTC+9, no daylight saving time). */
export function formatTokyoDateTime(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 9 * 3600 * 1000);
  return (
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
  );
}

function jsonCell(v: AuditEntry['before']): string {
  return v === null ? '' : JSON.stringify(v);
}

/** The cells of one entry, in the order of {@link AUDIT_CSV_HEADER} (not yet neutralised or quoted). */
export function auditCsvCells(e: AuditEntry): string[] {
  return [
    formatTokyoDateTime(e.at),
    e.actor.label,
    e.actor.userId === null ? '' : String(e.actor.userId),
    e.ip,
    e.action,
    e.resource.type,
    e.resource.id,
    jsonCell(e.before),
    jsonCell(e.after),
    e.requestId,
  ];
}

/** The whole CSV of a (small, in-memory) list of entries: BOM, header, one record per entry. */
export function auditCsv(entries: Iterable<AuditEntry>): string {
  let out = UTF8_BOM + csvRecord(AUDIT_CSV_HEADER);
  for (const e of entries) out += csvRecord(auditCsvCells(e));
  return out;
}

/**
 * The CSV as chunks, for streaming a large export: first the BOM and header, then one chunk per batch.
 * Hand it to `Readable.from()`; the string chunks are written as UTF-8.
 */
export async function* auditCsvChunks(
  batches: AsyncIterable<readonly AuditEntry[]>,
): AsyncGenerator<string, void, undefined> {
  yield UTF8_BOM + csvRecord(AUDIT_CSV_HEADER);
  for await (const batch of batches) {
    let chunk = '';
    for (const e of batch) chunk += csvRecord(auditCsvCells(e));
    if (chunk !== '') yield chunk;
  }
}
