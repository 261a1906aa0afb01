import { ROOT_DIR } from '../../src/config.ts';
import { mulberry32 } from '../../src/shared/random.ts';

/**
 * The pieces of the fuzz walk (test/fuzz-walk.test.ts): a seeded random generator, the malformed values
 * of addresses, query strings and bodies, the body encoders (urlencoded byte by byte, multipart, JSON),
 * the forms read from the app's own pages (so that each POST route is fuzzed from a body that its page
 * really sends), and the check of what a response must never contain.
 */

// ---- a deterministic random generator -------------------------------------------------------------------

/** A small seeded generator, so that a sampled walk is the same on every run. */
export const prng = mulberry32;

// ---- addresses ------------------------------------------------------------------------------------------

/** What replaces a `:param` of a route pattern, as sent (already percent-encoded). */
export const PARAM_VALUES: ReadonlyArray<readonly [label: string, raw: string]> = [
  ['abc', 'abc'],
  ['-1', '-1'],
  ['0', '0'],
  ['1.5', '1.5'],
  ['NUL', '%00'],
  ['invalid UTF-8', '%C3%28'],
  ['2^31', '2147483648'],
  ['20 digits', '99999999999999999999'],
  ['300×9', '9'.repeat(300)],
  ['300×a', 'a'.repeat(300)],
];

/** What replaces the `*` of a wildcard route (static files): the same, and ways out of the folder. */
export const WILDCARD_VALUES: ReadonlyArray<readonly [label: string, raw: string]> = [
  ...PARAM_VALUES,
  ['traversal', '..%2F..%2Fpackage.json'],
  ['traversal (dots)', '%2e%2e/%2e%2e/src/config.ts'],
  ['traversal (backslash)', '..%5C..%5Cpackage.json'],
  ['NUL suffix', 'kyoso.css%00.js'],
];

/** The names of a route pattern's parameters, in order (`*` for a wildcard). */
export function paramsOf(pattern: string): string[] {
  return pattern
    .split('/')
    .flatMap((s) => (s === '*' ? ['*'] : [...s.matchAll(/:([A-Za-z_]\w*)/g)].map((m) => m[1]!)));
}

/**
 * The seed URL with the segment of the named parameter replaced by `raw`; null when the seed does not
 * follow the pattern segment for segment (it always does in the rules table: the test then says so).
 */
export function withParam(pattern: string, seedUrl: string, param: string, raw: string): string | null {
  const q = seedUrl.indexOf('?');
  const path = q === -1 ? seedUrl : seedUrl.slice(0, q);
  const query = q === -1 ? '' : seedUrl.slice(q);
  const ps = pattern.split('/');
  const ss = path.split('/');
  if (param === '*') {
    const i = ps.indexOf('*');
    if (i === -1 || ss.length < i) return null;
    return `${ss.slice(0, i).join('/')}/${raw}${query}`;
  }
  if (ps.length !== ss.length) return null;
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i]!;
    if (!p.includes(`:${param}`)) continue;
    if (p === `:${param}`) {
      ss[i] = raw;
    } else {
      // a parameter with literal text around it (`:id.json`): keep the literal prefix and suffix
      const [before, after] = p.split(`:${param}`) as [string, string];
      const tail = after.replace(/^\w*/, '');
      ss[i] = `${before}${raw}${tail}`;
    }
    return `${ss.join('/')}${query}`;
  }
  return null;
}

/** A route pattern as a regular expression over a path (to tell which route a form's action is). */
export function patternRegExp(pattern: string): RegExp {
  const body = pattern
    .split('/')
    .map((s) =>
      s === '*'
        ? '.*'
        : s
            .split(/(:[A-Za-z_]\w*)/)
            .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
            .join(''),
    )
    .join('/');
  return new RegExp(`^${body}/?$`);
}

/** The registered pattern a path belongs to: the one with the fewest parameters among those that match. */
export function routeOf(patterns: readonly string[], path: string): string | null {
  let best: string | null = null;
  let bestParams = Number.POSITIVE_INFINITY;
  for (const p of patterns) {
    if (!patternRegExp(p).test(path)) continue;
    const n = paramsOf(p).length;
    if (n < bestParams) {
      best = p;
      bestParams = n;
    }
  }
  return best;
}

// ---- query strings --------------------------------------------------------------------------------------

/** The query keys of a URL, in order and without repeats (as written, not decoded). */
export function queryKeys(url: string): string[] {
  const q = url.indexOf('?');
  if (q === -1) return [];
  const keys = url
    .slice(q + 1)
    .split('&')
    .filter((p) => p !== '')
    .map((p) => p.split('=')[0]!);
  return [...new Set(keys)];
}

/** The URL with `key` set to the raw (already encoded) value, replacing its occurrences. */
export function withQuery(
  url: string,
  key: string,
  raw: string,
  mode: 'replace' | 'append' = 'replace',
): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const pairs =
    q === -1
      ? []
      : url
          .slice(q + 1)
          .split('&')
          .filter((p) => p !== '');
  const kept = mode === 'replace' ? pairs.filter((p) => p.split('=')[0] !== key) : pairs;
  kept.push(`${key}=${raw}`);
  return `${path}?${kept.join('&')}`;
}

/** The value of a key in the URL's query (raw), or '' when absent. */
export function queryValue(url: string, key: string): string {
  const q = url.indexOf('?');
  if (q === -1) return '';
  for (const p of url.slice(q + 1).split('&')) {
    const [k, ...v] = p.split('=');
    if (k === key) return v.join('=');
  }
  return '';
}

/** A text of `n` characters that stays ASCII (one byte each once encoded, spaces as `+`): words and spaces. */
export function longText(n: number): string {
  const unit = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ';
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

export interface QueryMutation {
  label: string;
  url: string;
}

/**
 * The malformed variants of a URL's query for one key: repeated (`k=a&k=b`), a NUL, a byte that is not
 * UTF-8, and a 10,000-character value.
 */
export function queryMutations(url: string, key: string): QueryMutation[] {
  const present = queryKeys(url).includes(key);
  const v = queryValue(url, key) || 'a';
  return [
    {
      label: `query ${key} repeated`,
      url: present
        ? withQuery(url, key, 'b', 'append')
        : withQuery(withQuery(url, key, 'a'), key, 'b', 'append'),
    },
    { label: `query ${key} NUL`, url: withQuery(url, key, `${v}%00`) },
    { label: `query ${key} invalid UTF-8`, url: withQuery(url, key, `${v}%FF`) },
    { label: `query ${key} 10,000 chars`, url: withQuery(url, key, encodeForm(longText(10_000))) },
    ...NUMBERS.slice(0, 3).map(([label, raw]) => ({
      label: `query ${key} = ${label}`,
      url: withQuery(url, key, encodeForm(raw)),
    })),
  ];
}

/** Numbers no integer column holds, and numbers that are not quite numbers. */
export const NUMBERS: ReadonlyArray<readonly [label: string, value: string]> = [
  ['2^31', '2147483648'],
  ['20 digits', '99999999999999999999'],
  ['-1', '-1'],
  ['1e309', '1e309'],
  ['NaN', 'NaN'],
  ['full-width digits', '１２３'],
];

/** Keys that no route reads, and names that trip up code treating the query as an ordinary object. */
export const UNKNOWN_QUERY =
  'zz=1&__proto__=x&constructor=x&toString=x&hasOwnProperty=x&__proto__%5Bpolluted%5D=1&a%00b=1&%FF=1&k%5B%5D=1';

// ---- bodies ---------------------------------------------------------------------------------------------

/** One field of a body: text, or bytes sent as they are (for values that are not UTF-8). */
export interface Field {
  name: string;
  value: string | Buffer;
  /** Set for a file part of a multipart body. */
  file?: { filename: string; type: string };
}

const UNRESERVED = /[A-Za-z0-9\-._~*]/;

/** application/x-www-form-urlencoded encoding of text or bytes, byte by byte (bytes need not be UTF-8). */
export function encodeForm(value: string | Buffer): string {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    if (b < 0x80 && UNRESERVED.test(c)) out += c;
    else if (b === 0x20) out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function urlencoded(fields: readonly Field[]): string {
  return fields.map((f) => `${encodeForm(f.name)}=${encodeForm(f.value)}`).join('&');
}

/** A multipart/form-data body with the given boundary. */
export function multipart(fields: readonly Field[], boundary: string): Buffer {
  const parts: Buffer[] = [];
  for (const f of fields) {
    const disposition = f.file
      ? `form-data; name="${f.name}"; filename="${f.file.filename}"\r\nContent-Type: ${f.file.type}`
      : `form-data; name="${f.name}"`;
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`, 'utf8'));
    parts.push(typeof f.value === 'string' ? Buffer.from(f.value, 'utf8') : f.value);
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

/** The fields as a JSON object (a repeated name becomes an array, as a form parser makes it). */
export function jsonOf(
  fields: readonly Field[],
  map: (v: string, name: string) => unknown = (v) => v,
): string {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = map(typeof f.value === 'string' ? f.value : f.value.toString('latin1'), f.name);
    const prev = out[f.name];
    out[f.name] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return JSON.stringify(out);
}

/** JSON nested `depth` levels deep: {"a":{"a":…}}. */
export function nestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Bytes that are no format at all (deterministic). */
export function garbage(n: number, random: () => number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(random() * 256);
  return b;
}

/** A value that is not UTF-8: an ASCII letter, bytes no UTF-8 text has, an unfinished sequence. */
export const INVALID_UTF8 = Buffer.from([0x61, 0xff, 0xfe, 0x62, 0xc3, 0x28, 0xe3, 0x81]);

export interface Payload {
  /** The content-type header; null sends none. */
  contentType: string | null;
  body: string | Buffer;
  /** Extra headers (a content-length that lies). */
  headers?: Record<string, string>;
}

/** One way to mangle a request's body, made from the route's form fields (the CSRF token first). */
export interface BodyMutation {
  label: string;
  /** Sampled over fewer routes (large bodies). */
  heavy?: boolean;
  /** The status every actor must get (a body past every limit: 413, whoever sends it). */
  expect?: number;
  make(fields: readonly Field[]): Payload;
}

export const BOUNDARY = '----kyosofuzz7MA4YWxkTrZu0gW';
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

/** Encodes fields the way the route's form does. */
export function encodeNative(fields: readonly Field[], native: 'urlencoded' | 'multipart'): Payload {
  return native === 'multipart'
    ? { contentType: MULTIPART, body: multipart(fields, BOUNDARY) }
    : { contentType: FORM, body: urlencoded(fields) };
}

let cached: { huge: Buffer; nested: string; garbage: Buffer; zip: Buffer } | null = null;
function constants() {
  cached ??= {
    // 20 MB: refused by its Content-Length (413) before it is read
    huge: Buffer.concat([Buffer.from('a='), Buffer.alloc(20 * 1024 * 1024, 0x61)]),
    nested: nestedJson(100_000),
    garbage: garbage(4096, prng(7)),
    zip: Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), garbage(2000, prng(8))]),
  };
  return cached;
}

/** A multipart body cut inside its last part (the closing boundary and half of the last value missing). */
export function truncatedMultipart(fields: readonly Field[]): Buffer {
  const mp = multipart(fields, BOUNDARY);
  const end = mp.length - `--${BOUNDARY}--\r\n`.length;
  const lastPart = mp.lastIndexOf(Buffer.from(`--${BOUNDARY}\r\n`), end - 1);
  const headerEnd = mp.indexOf('\r\n\r\n', lastPart) + 4;
  // half of the last value, or into its headers when the value is empty
  const cut = end - 2 > headerEnd ? headerEnd + Math.floor((end - 2 - headerEnd) / 2) : lastPart + 20;
  return mp.subarray(0, Math.max(1, cut));
}

/** Every other way to send a route's body: other content types, broken encodings, sizes past the limits. */
export function bodyMutations(native: 'urlencoded' | 'multipart'): BodyMutation[] {
  const plain = (fields: readonly Field[]) => fields.filter((f) => !f.file);
  const out: BodyMutation[] = [
    { label: 'text/plain', make: (f) => ({ contentType: 'text/plain', body: urlencoded(f) }) },
    { label: 'JSON of the form', make: (f) => ({ contentType: JSON_TYPE, body: jsonOf(plain(f)) }) },
    {
      label: 'JSON, values as arrays',
      make: (f) => ({
        contentType: JSON_TYPE,
        body: jsonOf(plain(f), (v, name) => (name === '_csrf' ? v : [v, v])),
      }),
    },
    {
      label: 'JSON, values as objects',
      make: (f) => ({
        contentType: JSON_TYPE,
        body: jsonOf(plain(f), (v, name) => (name === '_csrf' ? v : { value: v, length: 1e9 })),
      }),
    },
    {
      label: 'JSON, values as numbers',
      make: (f) => ({
        contentType: JSON_TYPE,
        body: jsonOf(plain(f), (v, name) => (name === '_csrf' ? v : 2147483648)),
      }),
    },
    {
      label: 'JSON, values null',
      make: (f) => ({
        contentType: JSON_TYPE,
        body: jsonOf(plain(f), (v, name) => (name === '_csrf' ? v : null)),
      }),
    },
    { label: 'JSON array', make: () => ({ contentType: JSON_TYPE, body: '[1,2,3]' }) },
    { label: 'JSON string', make: () => ({ contentType: JSON_TYPE, body: '"a"' }) },
    { label: 'JSON null', make: () => ({ contentType: JSON_TYPE, body: 'null' }) },
    {
      label: 'JSON nested 100,000 levels',
      heavy: true,
      make: () => ({ contentType: JSON_TYPE, body: constants().nested }),
    },
    {
      label: 'JSON truncated',
      make: (f) => ({ contentType: JSON_TYPE, body: jsonOf(plain(f)).slice(0, -3) }),
    },
    {
      label: 'JSON not UTF-8',
      make: () => ({
        contentType: JSON_TYPE,
        body: Buffer.concat([Buffer.from('{"a":"'), INVALID_UTF8, Buffer.from('"}')]),
      }),
    },
    {
      label: 'application/xml',
      make: () => ({
        contentType: 'application/xml',
        body: '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>',
      }),
    },
    {
      label: 'multipart of the form',
      make: (f) => ({ contentType: MULTIPART, body: multipart(f, BOUNDARY) }),
    },
    {
      label: 'multipart without boundary',
      make: (f) => ({ contentType: 'multipart/form-data', body: multipart(f, BOUNDARY) }),
    },
    {
      label: 'multipart truncated mid-part',
      make: (f) => ({ contentType: MULTIPART, body: truncatedMultipart(f) }),
    },
    { label: 'multipart garbage', make: () => ({ contentType: MULTIPART, body: constants().garbage }) },
    { label: 'multipart empty', make: () => ({ contentType: MULTIPART, body: '' }) },
    {
      label: 'urlencoded 2 MB',
      heavy: true,
      make: (f) => ({ contentType: FORM, body: `${urlencoded(f)}&pad=${'a'.repeat(2 * 1024 * 1024)}` }),
    },
    {
      label: 'urlencoded 20 MB',
      heavy: true,
      expect: 413,
      make: () => ({ contentType: FORM, body: constants().huge }),
    },
    {
      label: 'content-length shorter than the body',
      make: (f) => ({ ...encodeNative(f, native), headers: { 'content-length': '3' } }),
    },
    { label: 'no content-type', make: (f) => ({ contentType: null, body: urlencoded(f) }) },
    { label: 'urlencoded empty', make: () => ({ contentType: FORM, body: '' }) },
    {
      label: 'urlencoded, charset Shift_JIS',
      make: (f) => ({ contentType: `${FORM}; charset=Shift_JIS`, body: urlencoded(f) }),
    },
    {
      label: 'prototype keys',
      make: (f) => ({
        contentType: FORM,
        body: `${urlencoded(f)}&__proto__=x&constructor=x&__proto__%5Bpolluted%5D=1&hasOwnProperty=x&toString=x`,
      }),
    },
  ];
  if (native === 'multipart') {
    // the form's own encoding: what else a file upload can be
    const file = (value: Buffer | string, filename: string, type: string): Field => ({
      name: 'file',
      value,
      file: { filename, type },
    });
    const variants: Array<[string, (f: Field[]) => Field[]]> = [
      [
        'file not a spreadsheet (.xlsx)',
        (f) => [
          ...f,
          file(
            constants().garbage,
            'actuals.xlsx',
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          ),
        ],
      ],
      [
        'file a broken zip (.xlsx)',
        (f) => [...f, file(constants().zip, 'actuals.xlsx', 'application/octet-stream')],
      ],
      [
        'file CSV of garbage',
        (f) => [...f, file(`a,b,c\n"unterminated,\u0000\n${'x,'.repeat(5000)}\n`, 'actuals.csv', 'text/csv')],
      ],
      [
        'file CSV not UTF-8',
        (f) => [...f, file(Buffer.concat([INVALID_UTF8, Buffer.from(',1,2\n')]), 'actuals.csv', 'text/csv')],
      ],
      ['file empty', (f) => [...f, file(Buffer.alloc(0), 'actuals.csv', 'text/csv')]],
      ['file without a name', (f) => [...f, file('a,b\n', '', 'text/csv')]],
      [
        'file name of 300 characters, NUL and ../',
        (f) => [...f, file('a,b\n', `../${'あ'.repeat(300)}\u0000.csv`, 'text/csv')],
      ],
      ['two files', (f) => [...f, file('a\n', 'a.csv', 'text/csv'), file('b\n', 'b.csv', 'text/csv')]],
      [
        'too many fields',
        (f) => [...f, ...Array.from({ length: 12 }, (_, i) => ({ name: `f${i}`, value: 'x' }))],
      ],
      ['field over its size limit', (f) => [...f, { name: 'note', value: 'x'.repeat(5000) }]],
    ];
    for (const [label, fieldsOf] of variants)
      out.push({
        label,
        make: (f) => ({
          contentType: MULTIPART,
          body: multipart(fieldsOf(f.filter((x) => !x.file)), BOUNDARY),
        }),
      });
  }
  return out;
}

/** One way to mangle one field of a route's form. */
export interface FieldMutation {
  label: string;
  heavy?: boolean;
  /** A number out of range or not quite a number (sampled apart: there are many). */
  numeric?: boolean;
  apply(fields: readonly Field[]): Field[];
}

/**
 * The mutations of each field of the form: repeated, with a NUL, with bytes that are not UTF-8, 200,000
 * characters (past every form limit but the public form's: the case that once froze the server) and
 * 60,000 (within the 64 KB of the staff forms, so that the handler gets it), numbers no integer column
 * holds (2^31, 20 digits, -1, 1e309, NaN, full-width digits), and each value the page offers for its
 * lists and buttons. The CSRF token is only repeated: mangled, it would stop every request at the check.
 */
export function fieldMutations(form: readonly FormField[]): FieldMutation[] {
  const set = (name: string, value: string | Buffer) => (fields: readonly Field[]) =>
    fields.some((f) => f.name === name)
      ? fields.map((f) => (f.name === name && !f.file ? { name, value } : f))
      : [...fields, { name, value }];
  const out: FieldMutation[] = [
    { label: '_csrf repeated', apply: (fields) => [...fields, { name: '_csrf', value: 'b' }] },
  ];
  for (const field of form) {
    const { name } = field;
    if (field.kind === 'file') continue;
    const v = field.value;
    out.push(
      { label: `${name} repeated`, apply: (fields) => [...fields, { name, value: v === 'b' ? 'c' : 'b' }] },
      { label: `${name} NUL`, apply: set(name, `${v}\u0000x`) },
      { label: `${name} invalid UTF-8`, apply: set(name, Buffer.concat([Buffer.from(v), INVALID_UTF8])) },
      { label: `${name} 200,000 chars`, heavy: true, apply: set(name, longText(200_000)) },
      { label: `${name} 60,000 chars`, heavy: true, apply: set(name, longText(60_000)) },
      ...NUMBERS.map(([label, value]) => ({
        label: `${name} = ${label}`,
        numeric: true,
        apply: set(name, value),
      })),
    );
    if (field.kind === 'submit' || field.kind === 'choice')
      for (const alt of field.alternatives.filter((a) => a !== v).slice(0, 6))
        out.push({ label: `${name}=${alt}`, apply: set(name, alt) });
  }
  return out;
}

/** What a field of the seed form holds: the page's value, or a plausible one where the page leaves it empty. */
export function seedValue(field: FormField): string {
  if (field.value !== '' || field.kind !== 'text') return field.value;
  const byName: Array<[RegExp, string]> = [
    [/mail/i, 'fuzz@example.jp'],
    [/phone|tel|fax/i, '0836-82-1111'],
    [/date|On$/, '2026-12-01'],
    [/time/i, '10:00'],
    [/^fy$|year|Fy$/i, '2025'],
    [/value|min|max|position|decimals|^v-|^yt-/i, '1'],
  ];
  if (field.type === 'text' || field.type === 'textarea')
    for (const [re, v] of byName) if (re.test(field.name)) return v;
  switch (field.type) {
    case 'email':
      return 'fuzz@example.jp';
    case 'number':
      return '1';
    case 'date':
      return '2026-12-01';
    case 'datetime-local':
      return '2026-12-01T10:00';
    case 'time':
      return '10:00';
    case 'month':
      return '2026-12';
    case 'tel':
      return '0836-82-1111';
    case 'password':
      return 'fuzz-password-1234';
    default:
      return 'テスト';
  }
}

// ---- forms read from the app's pages ----------------------------------------------------------------------

export type FieldKind = 'hidden' | 'text' | 'choice' | 'file' | 'submit';

export interface FormField {
  name: string;
  kind: FieldKind;
  /** The input's type (text, email, number, date …; textarea for a textarea). */
  type: string;
  /** The value the page would send (the selected option, the checked box, the text). */
  value: string;
  /** Other values the page offers (options, radios, submit buttons). */
  alternatives: string[];
}

export interface Form {
  method: 'get' | 'post';
  action: string;
  enctype: string;
  fields: FormField[];
}

function attrs(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
    out[m[1]!.toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

function decodeEntities(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

const TEXT_INPUTS = new Set([
  '',
  'text',
  'search',
  'email',
  'tel',
  'url',
  'password',
  'number',
  'date',
  'datetime-local',
  'time',
  'month',
]);

/** The forms of a page (regular expressions suffice: the app renders its own, regular, HTML). */
export function formsOf(html: string, pageUrl: string): Form[] {
  const forms: Form[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const a = attrs(m[1]!);
    const fields: FormField[] = [];
    const add = (
      name: string | undefined,
      kind: FieldKind,
      value: string,
      alternatives: string[] = [],
      type = kind as string,
    ) => {
      if (!name) return;
      const prev = fields.find((f) => f.name === name);
      if (prev) {
        for (const v of [value, ...alternatives])
          if (!prev.alternatives.includes(v)) prev.alternatives.push(v);
        return;
      }
      fields.push({ name, kind, type, value, alternatives });
    };
    const inner = m[2]!;
    let pressed = false;
    for (const f of inner.matchAll(
      /<(input|button)\b([^>]*)>|<select\b([^>]*)>([\s\S]*?)<\/select>|<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/gi,
    )) {
      if (f[1]) {
        const x = attrs(f[2]!);
        const type = (x.type ?? (f[1].toLowerCase() === 'button' ? 'submit' : '')).toLowerCase();
        if (type === 'hidden') add(x.name, 'hidden', x.value ?? '');
        else if (type === 'file') add(x.name, 'file', '');
        else if (type === 'submit') {
          // only the button pressed is sent: the first one, as Enter in a field would press it
          add(x.name, 'submit', pressed ? '' : (x.value ?? ''), [x.value ?? '']);
          pressed = true;
        } else if (type === 'checkbox' || type === 'radio') {
          if ('checked' in x) add(x.name, 'choice', x.value ?? 'on');
          else add(x.name, 'choice', '', [x.value ?? 'on']);
        } // a field out of sight (tabindex -1: the honeypot) stays as the page has it
        else if (TEXT_INPUTS.has(type) && x.tabindex === '-1') add(x.name, 'hidden', x.value ?? '');
        else if (TEXT_INPUTS.has(type)) add(x.name, 'text', x.value ?? '', [], type || 'text');
      } else if (f[3] !== undefined) {
        const x = attrs(f[3]);
        const options = [...f[4]!.matchAll(/<option\b([^>]*)>([^<]*)/gi)].map((o) => {
          const oa = attrs(o[1]!);
          return { value: oa.value ?? decodeEntities(o[2]!.trim()), selected: 'selected' in oa };
        });
        const chosen = options.find((o) => o.selected) ?? options[0];
        add(
          x.name,
          'choice',
          chosen?.value ?? '',
          options.map((o) => o.value),
        );
      } else {
        const x = attrs(f[5]!);
        add(x.name, 'text', decodeEntities(f[6]!), [], 'textarea');
      }
    }
    // a checkbox group nobody ticked: send its first offer, as a user ticking one would
    for (const f of fields)
      if (f.kind === 'choice' && f.value === '' && f.alternatives.length) f.value = f.alternatives[0]!;
    forms.push({
      method: (a.method ?? 'get').toLowerCase() === 'post' ? 'post' : 'get',
      action: a.action || pageUrl,
      enctype: (a.enctype ?? '').toLowerCase(),
      fields,
    });
  }
  return forms;
}

/** The `href`s of a page that stay on the site. */
export function linksOf(html: string): string[] {
  return [...html.matchAll(/\bhref="(\/[^"]*)"/g)].map((m) => decodeEntities(m[1]!));
}

// ---- what no response may contain ----------------------------------------------------------------------

const LEAKS: ReadonlyArray<readonly [string, RegExp]> = [
  ['stack trace', /\n\s+at\s|\bat [^\n]*\((?:file:\/\/|\/|node:)[^)\n]*:\d+:\d+\)/],
  ['SQL', /\bselect\b[\s\S]{0,300}?\bfrom\b/i],
  [
    'SQL error',
    /syntax error|SQLITE_|violates [\s\S]{0,80}?constraint|invalid input syntax|out of range for type|duplicate key value|no such (?:table|column)|relation "[^"]*" does not exist/i,
  ],
  ['file path', /\/work\/|node_modules|\.tsx?:\d+/],
  ['internal error code', /\bFST_[A-Z_]+\b|\bERR_[A-Z_]{4,}\b/],
];

export interface Leak {
  /** stack trace, SQL, SQL error, file path, internal error code */
  what: string;
  /** What matched, short (the same for every response that leaks the same thing). */
  match: string;
  /** The match with some of the body around it. */
  excerpt: string;
}

/** What the body shows that it must not: stack traces, SQL and its errors, file paths, internal error codes. */
export function leaksOf(body: string, contentType: string): Leak[] {
  if (/spreadsheetml|zip|octet-stream/.test(contentType)) return [];
  // the page's own <select> elements are not SQL
  const text = /html/.test(contentType) ? body.replace(/<\/?select\b[^>]*>/gi, ' ') : body;
  const found: Leak[] = [];
  const add = (what: string, at: number, length: number) =>
    found.push({
      what,
      match: text.slice(at, at + Math.min(length, 40)).replace(/\s+/g, ' '),
      excerpt: excerpt(text, at, length),
    });
  for (const [what, re] of LEAKS) {
    const m = re.exec(text);
    if (m) add(what, m.index, m[0].length);
  }
  if (ROOT_DIR.length > 1 && text.includes(ROOT_DIR) && !found.some((f) => f.what === 'file path'))
    add('file path', text.indexOf(ROOT_DIR), ROOT_DIR.length);
  return found;
}

function excerpt(s: string, at: number, length: number): string {
  return s.slice(Math.max(0, at - 30), Math.min(s.length, at + length + 50)).replace(/\s+/g, ' ');
}

/** A long URL cut for a report line. */
export function shortUrl(url: string, max = 140): string {
  return url.length <= max ? url : `${url.slice(0, max - 20)}…(${url.length} chars)`;
}
