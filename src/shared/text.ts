import { countGraphemes } from 'unicode-segmenter/grapheme';

/**
 * Text helpers for Japanese documents. Pure functions, no I/O.
 */

const FULLWIDTH_DIGIT_OFFSET = '０'.charCodeAt(0) - '0'.charCodeAt(0);

/** Converts full-width digits (０–９) to ASCII; leaves everything else as written. */
export function toAsciiDigits(s: string): string {
  return s.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - FULLWIDTH_DIGIT_OFFSET));
}

/** The integer written in `s` with ASCII or full-width digits, ignoring brackets around it; null if none. */
export function parseOrdinal(s: string): number | null {
  const m = /[0-9０-９]+/.exec(s);
  return m ? Number.parseInt(toAsciiDigits(m[0]), 10) : null;
}

/** Trims ASCII and full-width (U+3000) white space. */
export function trimAll(s: string): string {
  return s.replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');
}

/** True for a line holding nothing but white space (including U+3000). */
export function isBlank(s: string): boolean {
  return trimAll(s) === '';
}

/**
 * The form used for searching: NFKC (full-width ASCII to half-width, half-width kana to full-width)
 * and lower case, so that ＲＭＯ finds RMO and ｺﾄﾞﾓ finds コドモ.
 */
export function normalizeForSearch(s: string): string {
  return s.normalize('NFKC').toLowerCase();
}

/**
 * normalizeForSearch, plus for each UTF-16 unit of the result the index in `s` of the code point it came
 * from; `map[result.length]` is `s.length`. Used to put highlights found in normalised text back on the
 * text as written.
 */
export function normalizeWithMap(s: string): { text: string; map: number[] } {
  let text = '';
  const map: number[] = [];
  // Normalise a base character together with the combining marks after it (ﾄﾞ → ド, か + U+3099 → が), so
  // that the result equals normalizeForSearch(s) while every unit still maps back to where it came from.
  const clusters = s.match(/[^\u3099\u309A\uFF9E\uFF9F\p{M}][\u3099\u309A\uFF9E\uFF9F\p{M}]*|[\s\S]/gu) ?? [];
  let i = 0;
  for (const cluster of clusters) {
    const n = normalizeForSearch(cluster);
    for (let k = 0; k < n.length; k++) map.push(i);
    text += n;
    i += cluster.length;
  }
  map.push(s.length);
  return { text, map };
}

/** Splits a search query into terms on ASCII and full-width spaces, normalised; empty terms dropped. */
export function searchTerms(q: string): string[] {
  const seen = new Set<string>();
  for (const t of normalizeForSearch(q).split(/[\s\u3000]+/)) {
    if (t !== '') seen.add(t);
  }
  return [...seen];
}

export interface TextSegment {
  text: string;
  match: boolean;
}

/**
 * Splits `s` into plain and matching segments for every occurrence of any term (compared in normalised
 * form). Overlapping matches merge. The segments concatenate back to `s` exactly.
 */
export function highlightSegments(s: string, terms: readonly string[]): TextSegment[] {
  if (terms.length === 0 || s === '') return [{ text: s, match: false }];
  const { text, map } = normalizeWithMap(s);
  const marks: Array<[number, number]> = [];
  for (const term of terms) {
    if (term === '') continue;
    let from = 0;
    for (;;) {
      const at = text.indexOf(term, from);
      if (at < 0) break;
      const a = map[at]!;
      const b = map[at + term.length]!;
      // a term matching only part of one character's expansion (平 in ㍻) marks that whole character
      marks.push([a, b > a ? b : (map.find((x) => x > a) ?? s.length)]);
      from = at + 1;
    }
  }
  if (marks.length === 0) return [{ text: s, match: false }];
  marks.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const m of marks) {
    const last = merged[merged.length - 1];
    if (last && m[0] <= last[1]) last[1] = Math.max(last[1], m[1]);
    else merged.push([m[0], m[1]]);
  }
  const out: TextSegment[] = [];
  let pos = 0;
  for (const [a, b] of merged) {
    if (a > pos) out.push({ text: s.slice(pos, a), match: false });
    out.push({ text: s.slice(a, b), match: true });
    pos = b;
  }
  if (pos < s.length) out.push({ text: s.slice(pos), match: false });
  return out;
}

/**
 * A window of about `radius` characters either side of the first match, on code-point boundaries, with
 * ellipses where text was cut. Returns the whole text when it is short.
 */
export function snippetAround(s: string, terms: readonly string[], radius = 60): string {
  const chars = [...s];
  if (chars.length <= radius * 2) return s;
  const { text, map } = normalizeWithMap(s);
  let first = -1;
  for (const t of terms) {
    const at = text.indexOf(t);
    if (at >= 0 && (first < 0 || map[at]! < first)) first = map[at]!;
  }
  if (first < 0) return `${chars.slice(0, radius * 2).join('')}…`;
  const cpIndex = [...s.slice(0, first)].length;
  const start = Math.max(0, cpIndex - radius);
  const end = Math.min(chars.length, cpIndex + radius);
  return `${start > 0 ? '…' : ''}${chars.slice(start, end).join('')}${end < chars.length ? '…' : ''}`;
}

/** Escapes LIKE wildcards so that user input matches literally (with ESCAPE '\\'). */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Characters as a Japanese reader counts them: grapheme clusters (が with a combining mark is one, 👨‍👩‍👧 one).
 *
 * Linear in the length. Not `Intl.Segmenter`: iterating its segments costs time quadratic in the length on
 * Node 20 (64,000 characters 1.3 s, 192,000 over 3 minutes), and lengths are counted on request paths
 * with what anyone may send. unicode-segmenter implements the same rules (UAX #29); text.test.ts checks
 * that both agree.
 */
export function graphemeLength(s: string): number {
  return countGraphemes(s);
}
