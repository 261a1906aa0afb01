/**
 * Stored and reflected XSS. A corpus of payloads is typed into every staff form field (and the public
 * search), each as the actor whose form it is, whether the form accepts it or refuses it (a refused form
 * is shown again with the value: that must be escaped too). Then every GET page the app has is crawled
 * as an administrator, a planner and an anonymous visitor, in Japanese and in English, and each response
 * is checked: no payload as markup, no element or attribute the templates do not make, no event handler,
 * no script URL, balanced tags, the CSP header; every stored payload must be seen, escaped, on some page.
 * The audit CSV must download as text/csv with every formula-like cell neutralised.
 *
 * The administrator is the first one, made through the setup form (display name and e-mail from the
 * corpus); the planner, and one invitee per payload, accept an invitation through the form. All sign in
 * through the real flow (password, TOTP enrolment), with a payload as their browser's User-Agent, which
 * the sessions page shows. A payload that makes the server fail (a 5xx, a CSV download that breaks off)
 * is not XSS: the error page is inspected like any other, and the last test lists such failures.
 */

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { ROOT_DIR } from '../src/config.ts';
import { createSetupToken } from '../src/modules/accounts/accounts.service.ts';
import { AUDIT_FILTER_FIELDS } from '../src/modules/audit/audit.schema.ts';
import { localPath } from '../src/web/context.ts';
import { buildTestApp } from './support/app.ts';
import { TestBrowser, totpCode } from './support/browser-session.ts';
import { buildConsultationFixture } from './support/consultation.ts';
import { createTestDb, DIALECTS, type TestDb } from './support/db.ts';
import { buildActual, buildIndicator, buildKpiFixture } from './support/kpi.ts';
import { rules } from './support/route-rules.ts';
import { TEST_PASSWORD } from './support/staff.ts';

/** What the sign-in page keeps of a `next` it was given: the local path, normalised (never another site). */
const shownNext = (next: string): string | undefined => {
  const kept = localPath(next);
  return kept === '/' ? undefined : kept;
};

type Res = LightMyRequestResponse;

// --- the corpus ----------------------------------------------------------------------------------------

const TEMPLATE = '$' + '{7*7}'; // the text ${7*7}, as a template-injection probe
const LONG = '<script>alert(1)</script>𠮷"><img src=x onerror=alert(1)>'.repeat(200);

const CORPUS: readonly string[] = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  'javascript:alert(1)',
  '<a href="javascript:alert(1)">x</a>',
  '</textarea><script>alert(1)</script>',
  '<iframe srcdoc="<script>alert(1)</script>">',
  '{{7*7}}',
  TEMPLATE,
  '<!--',
  ']]>',
  '"onmouseover="alert(1)',
  '<style>body{display:none}</style>',
  '＜script＞alert(1)＜/script＞', // full-width brackets: NFKC makes them < >
  '<scr\u0000ipt>alert(1)</scr\u0000ipt><svg/onload=alert(1)>', // NUL: removing it makes a <script>
  '\u202E<script>alert(1)</script>\u202Dgnp.exe', // right-to-left override
  LONG,
  'x" autofocus onfocus="alert(1)', // attribute break-out with a space before the handler
  '</title><script>alert(1)</script>', // names are in <title>
  '<svg><p><style><img src="</style><img src=x onerror=alert(1)//">', // mutation XSS
  '<img src=x onerror=alert(1)//', // an unclosed tag
  '{name}{count}{{name}}', // the message catalogue's own placeholders
  '=HYPERLINK("https://evil.example/?"&A1,"x")', // CSV formula
  "@SUM(1+1)*cmd|' /C calc'!A0",
  `=1+1{{7*7}}${TEMPLATE}@city.example.jp`, // a valid e-mail address: a formula and templates
  '&lt&#60svg/onload=alert&#x28&#x29@city.example.jp', // a valid e-mail address: entities without ;
];

const ADMIN_EMAIL = '-admin&amp@city.example.jp'; // every admin audit entry's actor: a formula-like cell
const ADMIN_NAME = `${CORPUS[0]}${CORPUS[1]}`;
const ADMIN_UA = `Mozilla/5.0 ${CORPUS[0]}${CORPUS[1]}`;
const PLANNER_EMAIL = '+planner|calc!a0@city.example.jp';
const PLANNER_NAME = `${CORPUS[2]}${CORPUS[17]}`;
const PLANNER_UA = `Mozilla/5.0 ${CORPUS[17]} <!-- ${CORPUS[9]}`;
const ORIGIN = 'http://localhost:3000';

const label = (p: string) => JSON.stringify(p.length > 40 ? `${p.slice(0, 40)}…` : p);
/** What Preact makes of text and attribute values: & < " escaped. */
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
/** As the page shows a value cut inside a surrogate pair (routes slice by UTF-16 units): U+FFFD. */
const wellFormed = (s: string) =>
  s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
/** What a one-line field stores: control characters removed, NFC, trimmed. */
const oneLine = (s: string) =>
  s
    .replace(/\p{Cc}/gu, '')
    .normalize('NFC')
    .trim();
const q = encodeURIComponent;

/** The forms of each payload that must never appear as they are (they contain & < or "). */
const RAW_FORMS = [
  ...new Set(
    CORPUS.flatMap((p) => [p, oneLine(p), p.normalize('NFKC'), oneLine(p.normalize('NFKC'))]).filter((s) =>
      /[&<"]/.test(s),
    ),
  ),
];

// --- what a safe page looks like -----------------------------------------------------------------------

/** Elements the app's templates make (read from src/**\/*.tsx, comments left out). */
function templateElements(): Set<string> {
  const dir = path.join(ROOT_DIR, 'src');
  const names = new Set<string>();
  for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!f.endsWith('.tsx') || f.endsWith('.test.tsx')) continue;
    const src = fs
      .readFileSync(path.join(dir, f), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    for (const m of src.matchAll(/<([a-z][a-z0-9]*)(?=[\s>/])/g)) names.add(m[1]!);
  }
  return names;
}
const ALLOWED_ELEMENTS = templateElements();
/** Never made by a template (the TOTP QR code's <svg> aside, on its own page). */
const FORBIDDEN_ELEMENTS = new Set(
  'script style iframe frame frameset object embed applet img svg math base xmp plaintext noscript template'.split(
    ' ',
  ),
);
const QR_ELEMENTS = new Set(['svg', 'title', 'path']);
const VOID = new Set('area base br col embed hr img input link meta source track wbr'.split(' '));
const RAW_TEXT = new Set(
  'script style textarea title xmp iframe noembed noframes noscript plaintext'.split(' '),
);
const URL_ATTRS = new Set(
  'href src action formaction xlink:href poster data background cite ping srcset manifest codebase icon'.split(
    ' ',
  ),
);
const FORBIDDEN_ATTRS = new Set(['style', 'srcdoc', 'formaction']);
/** Markup from the corpus that no page may contain as it is. */
const RAW_MARKERS = [
  /<script/i,
  /<img/i,
  /<svg/i,
  /<iframe/i,
  /<style/i,
  /<a href="javascript:/i,
  /<!--/,
  /<math/i,
  /<object/i,
  /<embed/i,
  /<base/i,
];
/** A payload's </textarea> shows as more closing tags than the textareas the templates open. */
const textareaBreakout = (body: string) =>
  (body.match(/<\/textarea/gi) ?? []).length > (body.match(/<textarea[\s>]/gi) ?? []).length;

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  colon: ':',
  tab: '\t',
  newline: '\n',
  lpar: '(',
  rpar: ')',
};
/** Entities decoded as a browser would at least (more generously: with or without the ;). */
function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);?/gi, (m, e: string) => {
    if (e[0] !== '#') return NAMED[e.toLowerCase()] ?? m;
    const n =
      e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
    return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : m;
  });
}

interface Tag {
  name: string;
  attrs: Array<[string, string]>;
}

/**
 * Reads the page as an HTML tokenizer would (tags, quoted and unquoted attributes, raw-text elements) and
 * returns its start tags and what is wrong with its structure: comments, declarations other than the
 * doctype, unbalanced or misnested tags (markup that broke out of where it was put).
 */
function scanHtml(html: string, foreignOk: boolean): { tags: Tag[]; problems: string[] } {
  const tags: Tag[] = [];
  const problems: string[] = [];
  const stack: string[] = [];
  const isLetter = (c: string | undefined) => c !== undefined && /[a-zA-Z]/.test(c);
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    const next = html[lt + 1];
    if (html.startsWith('<!--', lt)) {
      problems.push(`a comment at ${lt}`);
      i = lt + 4;
    } else if (next === '!' || next === '?') {
      if (!(lt === 0 && /^<!DOCTYPE html>/i.test(html))) problems.push(`a markup declaration at ${lt}`);
      i = html.indexOf('>', lt) + 1 || html.length;
    } else if (next === '/' && isLetter(html[lt + 2])) {
      const gt = html.indexOf('>', lt);
      const name = /^<\/([^\s/>]+)/.exec(html.slice(lt, lt + 40))![1]!.toLowerCase();
      if (stack.at(-1) === name) stack.pop();
      else problems.push(`</${name}> closes <${stack.at(-1) ?? 'nothing'}>`);
      i = gt < 0 ? html.length : gt + 1;
    } else if (isLetter(next)) {
      let j = lt + 1;
      while (j < html.length && !/[\s/>]/.test(html[j]!)) j++;
      const name = html.slice(lt + 1, j).toLowerCase();
      const attrs: Array<[string, string]> = [];
      let selfClosing = false;
      while (j < html.length) {
        while (j < html.length && /[\s/]/.test(html[j]!)) selfClosing = html[j++] === '/';
        if (html[j] === '>' || j >= html.length) break;
        selfClosing = false;
        const start = j;
        j++; // an attribute name may begin with = (a parse error, but a name)
        while (j < html.length && !/[\s/>=]/.test(html[j]!)) j++;
        const attr = html.slice(start, j).toLowerCase();
        while (/\s/.test(html[j] ?? '')) j++;
        let value = '';
        if (html[j] === '=') {
          j++;
          while (/\s/.test(html[j] ?? '')) j++;
          const quote = html[j];
          if (quote === '"' || quote === "'") {
            const end = html.indexOf(quote, j + 1);
            value = html.slice(j + 1, end < 0 ? html.length : end);
            j = end < 0 ? html.length : end + 1;
          } else {
            const s = j;
            while (j < html.length && !/[\s>]/.test(html[j]!)) j++;
            value = html.slice(s, j);
          }
        }
        attrs.push([attr, decodeEntities(value)]);
      }
      i = j + 1;
      tags.push({ name, attrs });
      if (!VOID.has(name) && !(selfClosing && foreignOk)) stack.push(name);
      if (RAW_TEXT.has(name)) {
        const end = html.toLowerCase().indexOf(`</${name}`, i);
        i = end < 0 ? html.length : end;
      }
    } else {
      i = lt + 1; // a < in text (never made by Preact, which escapes it)
    }
  }
  if (stack.length) problems.push(`unclosed: ${stack.join(' > ')}`);
  return { tags, problems };
}

/** The problems of one tag: an element or attribute no template makes, a handler, a script URL. */
function tagProblems(t: Tag, foreignOk: boolean): string[] {
  const out: string[] = [];
  const foreign = foreignOk && QR_ELEMENTS.has(t.name);
  if (!foreign && (FORBIDDEN_ELEMENTS.has(t.name) || !ALLOWED_ELEMENTS.has(t.name)))
    out.push(`an element <${t.name}>`);
  for (const [name, value] of t.attrs) {
    if (/^on/.test(name)) out.push(`an event handler ${name}= on <${t.name}>`);
    if (FORBIDDEN_ATTRS.has(name)) out.push(`an attribute ${name}= on <${t.name}>`);
    if (/["'<=`]/.test(name)) out.push(`a broken attribute name ${JSON.stringify(name)} on <${t.name}>`);
    if (URL_ATTRS.has(name)) {
      const url = value.replace(/[\p{Cc}\s]/gu, '');
      const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
      if (scheme && scheme !== 'http' && scheme !== 'https')
        out.push(`a ${scheme}: URL in ${name}= on <${t.name}>`);
      if (/^[/\\]{2}/.test(url)) out.push(`another site's address in ${name}= on <${t.name}>`);
    }
  }
  if (t.name === 'meta' && t.attrs.some(([n]) => n === 'http-equiv')) out.push('<meta http-equiv>');
  return out;
}

/**
 * An indicator's chart: the inline SVG that src/modules/kpi/kpi.chart.ts makes from ECharts. It is the one
 * <svg> a public page may hold, so it is set aside before the page is inspected and checked against its
 * own list: only drawing elements, no handler, no link, no style (the CSP), nothing of the payloads raw.
 */
const CHART_SVG = /<svg class="kpi-chart__svg"[\s\S]*?<\/svg>/g;
const CHART_ELEMENTS = new Set(['svg', 'title', 'g', 'path', 'text', 'tspan', 'rect', 'defs', 'clippath']);
function chartSvgProblems(svg: string): string[] {
  const out: string[] = [];
  const { tags, problems } = scanHtml(svg, true);
  out.push(...problems.map((p) => `chart SVG: ${p}`));
  for (const t of tags) {
    if (!CHART_ELEMENTS.has(t.name)) out.push(`chart SVG: an element <${t.name}>`);
    for (const [name] of t.attrs)
      if (/^on|^style$|href$|^src$/.test(name)) out.push(`chart SVG: an attribute ${name}= on <${t.name}>`);
  }
  for (const p of RAW_FORMS) if (svg.includes(p)) out.push(`chart SVG: the payload ${label(p)} unescaped`);
  return out;
}

/** A cell a spreadsheet could read as a formula (the export must have put ' in front). */
const FORMULA = /^(?:[\t\r\0]|[\s\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/;

/** RFC 4180 records (CRLF after each; quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') cell += c;
      else if (text[i + 1] === '"') cell += text[i++];
      else quoted = false;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length) rows.push([...row, cell]);
  return rows;
}

function csvProblems(res: Res): string[] {
  const out: string[] = [];
  if (!String(res.headers['content-disposition']).startsWith('attachment;')) out.push('not an attachment');
  if (res.headers['x-content-type-options'] !== 'nosniff') out.push('no nosniff: a browser may sniff it');
  const rows = parseCsv(res.body.replace(/^\uFEFF/, ''));
  for (const [r, row] of rows.entries()) {
    if (row.length !== rows[0]!.length) out.push(`record ${r} has ${row.length} cells`);
    for (const cell of row) if (FORMULA.test(cell)) out.push(`record ${r}: a formula ${label(cell)}`);
  }
  return out;
}

/**
 * Everything wrong with one response: HTML as above (plus the raw payloads and the CSP header), a CSV's
 * formulas, a redirect off the site. `echo`: the value the page must show back, escaped.
 */
function inspect(
  res: Res,
  what: string,
  options: { echo?: string | undefined; qr?: boolean } = {},
): string[] {
  const type = String(res.headers['content-type'] ?? '');
  const problems: string[] = [];
  if (res.statusCode >= 300 && res.statusCode < 400) {
    const to = String(res.headers.location ?? '');
    if (!/^\/(?![/\\])/.test(to)) problems.push(`redirects to ${label(to)}`);
  } else if (type.startsWith('text/csv')) {
    problems.push(...csvProblems(res));
  } else if (type.startsWith('text/html')) {
    for (const m of res.body.matchAll(CHART_SVG)) problems.push(...chartSvgProblems(m[0]));
    const body = res.body.replace(CHART_SVG, '');
    const foreignOk = options.qr === true;
    const csp = String(res.headers['content-security-policy'] ?? '');
    if (!csp.includes("script-src 'self'") || csp.includes('unsafe-inline')) problems.push('no strict CSP');
    for (const m of RAW_MARKERS) {
      if (foreignOk && m.source === '<svg') continue;
      if (m.test(body)) problems.push(`raw ${m.source}`);
    }
    if (textareaBreakout(body)) problems.push('raw </textarea');
    for (const p of RAW_FORMS) if (body.includes(p)) problems.push(`the payload ${label(p)} unescaped`);
    const { tags, problems: structure } = scanHtml(body, foreignOk);
    problems.push(...structure, ...new Set(tags.flatMap((t) => tagProblems(t, foreignOk))));
    if (options.echo !== undefined && !body.includes(escapeHtml(wellFormed(options.echo))))
      problems.push(`does not show ${label(options.echo)} back escaped`);
  }
  return problems.map((p) => `${what} (${res.statusCode}): ${p}`);
}

/**
 * Indicators (目標指標) holding the payloads in every text a public page shows (name, definition, source,
 * unit) and in an actual's note, on measure 1/1 and on 重点施策 1, so that the dashboard, the indicator
 * pages (with their charts), the measure and policy pages and the exports are crawled with them. Returns
 * the values that must be seen, escaped, on some page.
 */
async function buildKpiPayloads(db: TestDb): Promise<string[]> {
  const shown: string[] = [];
  for (let k = 0; k < 4; k++) {
    const group = CORPUS.filter((_, i) => i % 4 === k).map(oneLine);
    const name = group.join(' ');
    const definition = group.join('\n');
    const source = [...group].reverse().join(' ');
    const unit = group[0]!;
    const id = await buildIndicator(db, { nodePath: k % 2 === 0 ? '1/1' : '1', name, unit });
    await db.kysely.updateTable('indicators').set({ definition, source }).where('id', '=', id).execute();
    for (const [fy, v] of [
      [2021, 3],
      [2022, 5],
      [2023, 6],
    ] as const)
      await buildActual(db, id, fy, v, {
        note: group.join(' '),
        status: fy === 2023 ? 'preliminary' : 'final',
      });
    shown.push(name, definition, source, unit);
  }
  return shown;
}

// --- the test ------------------------------------------------------------------------------------------

type Actor = 'admin' | 'planner' | 'anonymous';

/** One response to inspect, with the value it must show back (when it is a page). */
interface Sent {
  res: Res;
  echo?: string | undefined;
  qr?: boolean;
}

/** A form field: types the payload in as its actor and submits; returns every response to inspect. */
interface FormField {
  name: string;
  actor: Actor;
  submit: (b: TestBrowser, p: string, i: number) => Promise<Sent[]>;
}

for (const dialect of DIALECTS) {
  describe(`XSS payloads in every staff form field come back escaped (${dialect})`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    let now = new Date('2026-11-26T00:00:00.000Z');
    let setupToken = '';
    const browsers = new Map<Actor, TestBrowser>();
    /** Server errors (and downloads that broke off): not XSS, but reported by a test of their own. */
    const serverErrors: string[] = [];
    /** Pending invitations (e-mail addresses from the corpus) whose pages anonymous visitors crawl. */
    const pendingTokens: string[] = [];

    /** A request as the browser would make it (fields may repeat; extra headers), keeping its cookies. */
    async function send(
      b: TestBrowser,
      method: 'GET' | 'POST',
      url: string,
      pairs: Array<[string, string]> = [],
      headers: Record<string, string> = {},
    ): Promise<Res> {
      const post = method === 'POST';
      const res = await app.inject({
        method,
        url,
        ...(post ? { payload: new URLSearchParams([['_csrf', b.csrf], ...pairs]).toString() } : {}),
        headers: {
          ...(post ? { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN } : {}),
          ...headers,
        },
        cookies: Object.fromEntries(b.cookies),
      });
      for (const c of res.cookies as Array<{ name: string; value: string; maxAge?: number }>) {
        if (c.value === '' || c.maxAge === 0) b.cookies.delete(c.name);
        else b.cookies.set(c.name, c.value);
      }
      const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
      if (m) b.csrf = m[1]!;
      b.last = res;
      return res;
    }

    const departmentId = async (name: string) =>
      (await db.kysely.selectFrom('departments').select('id').where('name', '=', name).executeTakeFirst())
        ?.id;
    const userId = async (email: string) =>
      (await db.kysely.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst())?.id;
    /** The department named by the payload, or the spare one when the payload was refused as a name. */
    const departmentOf = async (p: string) => (await departmentId(oneLine(p))) ?? (await spareDepartment());
    async function spareDepartment(): Promise<number> {
      const id = await departmentId('XSS予備課');
      if (id) return id;
      await (await admin()).post('/staff/departments', { name: 'XSS予備課' });
      return (await departmentId('XSS予備課'))!;
    }

    /** Password, then TOTP enrolment with the key the page shows, each request with the given User-Agent. */
    async function signInEnrolling(email: string, userAgent: string): Promise<TestBrowser> {
      now = new Date(now.getTime() + 31_000); // a fresh TOTP step
      const ua = { 'user-agent': userAgent };
      const b = new TestBrowser(app);
      await send(b, 'GET', '/staff/sign-in', [], ua);
      const pw = await send(
        b,
        'POST',
        '/staff/sign-in',
        [
          ['email', email],
          ['password', TEST_PASSWORD],
        ],
        ua,
      );
      assert.match(String(pw.headers.location), /^\/staff\/two-factor\/setup/, `sign-in of ${email}`);
      const enrol = await send(b, 'GET', '/staff/two-factor/setup', [], ua);
      assert.deepEqual(inspect(enrol, 'the TOTP enrolment page', { qr: true }), []);
      const key = /<code class="manual-key">([A-Z2-7 ]+)<\/code>/.exec(enrol.body)![1]!.replace(/ /g, '');
      const done = await send(b, 'POST', '/staff/two-factor/setup', [['code', totpCode(key, now)]], ua);
      assert.equal(done.statusCode, 200, `TOTP enrolment of ${email}`);
      assert.deepEqual(inspect(done, 'the recovery codes page'), []);
      return b;
    }

    /** The first administrator, made through the setup form with a payload for a name, signed in. */
    async function admin(): Promise<TestBrowser> {
      const existing = browsers.get('admin');
      if (existing) return existing;
      const b = new TestBrowser(app);
      await b.get(`/staff/setup?token=${setupToken}`);
      const r = await b.post('/staff/setup', {
        token: setupToken,
        email: ADMIN_EMAIL,
        displayName: ADMIN_NAME,
        password: TEST_PASSWORD,
        confirm: TEST_PASSWORD,
      });
      assert.equal(r.statusCode, 303, 'the first administrator is made');
      const signedIn = await signInEnrolling(ADMIN_EMAIL, ADMIN_UA);
      browsers.set('admin', signedIn);
      return signedIn;
    }

    /** Invites through the form; the one-time link's token, or null (with the response) when refused. */
    async function invite(email: string, role: string, departmentIds: Array<number | string>) {
      const b = await admin();
      await b.get('/staff/users/invite');
      const res = await send(b, 'POST', '/staff/users/invite', [
        ['email', email],
        ['role', role],
        ...departmentIds.map((id): [string, string] => ['departmentIds', String(id)]),
      ]);
      const token = /\/staff\/invitations\/([A-Za-z0-9_-]{20,100})</.exec(res.body)?.[1] ?? null;
      return { res, token };
    }

    /** The planner: invited by the administrator, accepts with a payload for a name, signs in. */
    async function planner(): Promise<TestBrowser> {
      const existing = browsers.get('planner');
      if (existing) return existing;
      const { token } = await invite(PLANNER_EMAIL, 'planner', []);
      const anon = new TestBrowser(app);
      await anon.get(`/staff/invitations/${token}`);
      const r = await anon.post(`/staff/invitations/${token}`, {
        displayName: PLANNER_NAME,
        password: TEST_PASSWORD,
        confirm: TEST_PASSWORD,
      });
      assert.equal(r.statusCode, 303, 'the planner accepts the invitation');
      const signedIn = await signInEnrolling(PLANNER_EMAIL, PLANNER_UA);
      browsers.set('planner', signedIn);
      return signedIn;
    }

    async function browserFor(actor: Actor): Promise<TestBrowser> {
      if (actor === 'admin') return admin();
      if (actor === 'planner') return planner();
      return new TestBrowser(app);
    }

    /** The measures' addresses (1/1, 1/2, …) from the planner's settings list. */
    async function measurePaths(): Promise<string[]> {
      const list = await (await planner()).get('/staff/plan');
      return [...new Set([...list.body.matchAll(/\/staff\/plan\/measures\/(\d+\/\d+)"/g)].map((m) => m[1]!))];
    }
    const versionOf = (page: Res) => /name="version" value="(\d+)"/.exec(page.body)![1]!;

    // --- every form field that stores or shows back text, in the order the flows allow -------------------

    const FIELDS: FormField[] = [
      {
        name: 'setup: token (hidden)',
        actor: 'anonymous',
        submit: async (b, p) => {
          const unusable = await b.get(`/staff/setup?token=${q(p)}`);
          await b.get(`/staff/setup?token=${setupToken}`); // a page with the form: its CSRF token
          const form = { token: p, email: 'a@city.example.jp', displayName: p };
          return [{ res: unusable }, { res: await b.post('/staff/setup', form) }];
        },
      },
      {
        name: 'setup: email',
        actor: 'anonymous',
        submit: async (b, p) => [
          { res: await b.get(`/staff/setup?token=${setupToken}`) },
          {
            res: await b.post('/staff/setup', { token: setupToken, email: p, displayName: '設定 太郎' }),
            echo: p.slice(0, 254),
          },
        ],
      },
      {
        name: 'setup: displayName',
        actor: 'anonymous',
        submit: async (b, p) => {
          await b.get(`/staff/setup?token=${setupToken}`);
          const form = { token: setupToken, email: 'a@city.example.jp', displayName: p };
          return [{ res: await b.post('/staff/setup', form), echo: p.slice(0, 200) }];
        },
      },
      {
        name: 'department: name (create)',
        actor: 'admin',
        submit: async (b, p) => [
          { res: await b.post('/staff/departments', { name: p }), echo: p.slice(0, 200) },
        ],
      },
      {
        name: 'department: name (create, already taken: the message names it)',
        actor: 'admin',
        submit: async (b, p) => {
          const res = await b.post('/staff/departments', { name: p });
          return [{ res, echo: p.slice(0, 200) }];
        },
      },
      {
        name: 'department: name (rename, refused then accepted and back)',
        actor: 'admin',
        submit: async (b, p, i) => {
          const url = `/staff/departments/${await departmentOf(p)}`;
          const page = await b.get(url);
          const position = String(i + 1);
          return [
            { res: page },
            { res: await b.post(url, { name: p, position: '' }), echo: p.slice(0, 200) },
            { res: await b.post(url, { name: `${p}（改）`, position }), echo: `${p}（改）`.slice(0, 200) },
            { res: await b.post(url, { name: p, position }), echo: p.slice(0, 200) },
          ];
        },
      },
      {
        name: 'department: position',
        actor: 'admin',
        submit: async (b, p) => {
          const url = `/staff/departments/${await spareDepartment()}`;
          return [{ res: await b.post(url, { name: 'XSS予備課', position: p }), echo: p.slice(0, 20) }];
        },
      },
      {
        name: 'invitation: withdraw (hidden email)',
        actor: 'admin',
        submit: async (b, p) => [{ res: await b.post('/staff/users/invitations/cancel', { email: p }) }],
      },
      {
        name: 'invitation: role and departments',
        actor: 'admin',
        submit: async (_b, p, i) => [
          { res: (await invite(`role${i}@city.example.jp`, p, [p])).res },
          { res: (await invite(`role${i}@city.example.jp`, 'editor', [p])).res },
        ],
      },
      {
        name: 'invitation: email (the valid addresses stay pending)',
        actor: 'admin',
        submit: async (_b, p) => {
          const { res, token } = await invite(p, 'editor', [await departmentOf(p), await spareDepartment()]);
          if (token) pendingTokens.push(token);
          return [{ res, echo: token ? p.normalize('NFKC').trim().toLowerCase() : p.slice(0, 254) }];
        },
      },
      {
        name: 'invitation acceptance: displayName (refused, accepted; then signed in with it as User-Agent)',
        actor: 'anonymous',
        submit: async (b, p, i) => {
          const email = `invitee${i}@city.example.jp`;
          const { res: created, token } = await invite(email, 'editor', [await departmentOf(p)]);
          assert.ok(token, `${email} is invited`);
          const url = `/staff/invitations/${token}`;
          const page = await b.get(url);
          const form = { displayName: p, password: TEST_PASSWORD, confirm: TEST_PASSWORD };
          const refused = await b.post(url, { ...form, password: '' });
          const accepted = await b.post(url, form);
          const sent: Sent[] = [
            { res: created, echo: email },
            { res: page, echo: oneLine(p).length <= 100 ? oneLine(p) : undefined },
            { res: refused, echo: p.slice(0, 200) },
            { res: accepted, echo: p.slice(0, 200) },
          ];
          if (accepted.statusCode !== 303) return sent;
          // the name is on the staff home and in every page's header; the User-Agent on the sessions page
          const userAgent = /^[\x20-\x7e]+$/.test(p) ? `Mozilla/5.0 ${p}` : 'Mozilla/5.0';
          const staff = await signInEnrolling(email, userAgent);
          return [
            ...sent,
            { res: await staff.get('/staff'), echo: oneLine(p) },
            { res: await staff.get('/staff/sessions'), echo: userAgent },
          ];
        },
      },
      {
        name: 'user: role and departments',
        actor: 'admin',
        submit: async (b, p, i) => {
          const id =
            (await userId(`invitee${i}@city.example.jp`)) ?? (await userId('invitee0@city.example.jp'));
          const url = `/staff/users/${id}`;
          const page = await b.get(url);
          const dept = String(await departmentOf(p));
          const spare = String(await spareDepartment());
          return [
            { res: page },
            {
              res: await send(b, 'POST', url, [
                ['role', p],
                ['departmentIds', p],
              ]),
            },
            {
              res: await send(b, 'POST', url, [
                ['role', 'editor'],
                ['departmentIds', p],
              ]),
            },
            {
              res: await send(b, 'POST', url, [
                ['role', 'editor'],
                ['departmentIds', dept],
                ['departmentIds', spare],
              ]),
            },
          ];
        },
      },
      {
        name: 'plan settings: lead, supporting, links (refused)',
        actor: 'planner',
        submit: async (b, p) => {
          const page = await b.get('/staff/plan/measures/1/1');
          const pairs: Array<[string, string]> = [
            ['lead', p],
            ['supporting', p],
            ['links', p],
          ];
          return [
            { res: page },
            {
              res: await send(b, 'POST', '/staff/plan/measures/1/1', [
                ['version', versionOf(page)],
                ...pairs,
              ]),
            },
          ];
        },
      },
      {
        name: 'plan settings: version (hidden)',
        actor: 'planner',
        submit: async (b, p) => {
          const pairs: Array<[string, string]> = [
            ['version', p],
            ['lead', String(await departmentOf(p))],
          ];
          return [{ res: await send(b, 'POST', '/staff/plan/measures/1/2', pairs) }];
        },
      },
      {
        name: 'plan settings: a payload-named department as lead (saved; as supporting too: refused, named)',
        actor: 'planner',
        submit: async (b, p, i) => {
          const paths = await measurePaths();
          const url = `/staff/plan/measures/${paths[i % paths.length]}`;
          const page = await b.get(url);
          const lead = String(await departmentOf(p));
          const others = [...page.body.matchAll(/name="supporting" value="(\d+)"/g)].map((m) => m[1]!);
          const version: [string, string] = ['version', versionOf(page)];
          const name = (
            await db.kysely
              .selectFrom('departments')
              .select('name')
              .where('id', '=', Number(lead))
              .executeTakeFirstOrThrow()
          ).name;
          const refused = await send(b, 'POST', url, [version, ['lead', lead], ['supporting', lead]]);
          const saved = await send(b, 'POST', url, [
            version,
            ['lead', lead],
            ...others.filter((id) => id !== lead).map((id): [string, string] => ['supporting', id]),
            ['links', '1'],
          ]);
          // there are fewer measures than payloads: the pages that show a lead are read while it is one
          const anon = new TestBrowser(app);
          const measure = paths[i % paths.length]!;
          return [
            { res: page },
            { res: refused, echo: name },
            { res: saved },
            { res: await b.get('/staff/plan'), echo: name },
            { res: await anon.get(`/plan/${measure}`), echo: name },
            { res: await anon.get(`/plan/${measure.split('/')[0]}`), echo: name },
          ];
        },
      },
      {
        name: 'plan settings: a disabled payload-named department (the warning and the refusal name it)',
        actor: 'planner',
        submit: async (b, p, i) => {
          const dept = await departmentId(oneLine(p));
          if (!dept) return [];
          const a = await admin();
          await a.get(`/staff/departments/${dept}`);
          const disabled = await a.post(`/staff/departments/${dept}/disable`, {});
          const url = `/staff/plan/measures/${(await measurePaths())[i % 3]}`;
          const page = await b.get(url);
          const refused = await send(b, 'POST', url, [
            ['version', versionOf(page)],
            ['lead', String(dept)],
          ]);
          // one stays disabled, for the pages that mark disabled departments; the others are public again
          const enabled = i !== 1 ? await a.post(`/staff/departments/${dept}/enable`, {}) : null;
          return [
            { res: disabled },
            { res: page },
            { res: refused, echo: oneLine(p) },
            ...(enabled ? [{ res: enabled }] : []),
          ];
        },
      },
      ...AUDIT_FILTER_FIELDS.map(
        (f): FormField => ({
          name: `audit filter: ${f} (the page and the CSV export)`,
          actor: 'planner',
          submit: async (b, p) => {
            const echo = f === 'cursor' ? undefined : p.slice(0, 300);
            const html = await b.get(`/staff/audit?${f}=${q(p)}`);
            const csv = await b.get(`/staff/audit.csv?${f}=${q(p)}`).catch((err: Error) => {
              serverErrors.push(
                `GET /staff/audit.csv?${f}=${label(p)}: the download broke off (${err.message})`,
              );
              return null;
            });
            if (!csv) return [{ res: html, echo }];
            const csvIsPage = String(csv.headers['content-type']).startsWith('text/html');
            return [
              { res: html, echo },
              { res: csv, echo: csvIsPage ? echo : undefined },
            ];
          },
        }),
      ),
      {
        name: 'audit filters: every field at once',
        actor: 'admin',
        submit: async (b, p) => {
          const query = AUDIT_FILTER_FIELDS.map((f) => `${f}=${q(p)}`).join('&');
          return [
            { res: await b.get(`/staff/audit?${query}`) },
            { res: await b.get(`/staff/audit.csv?${query}`) },
          ];
        },
      },
      {
        name: 'search: q (anonymous; also repeated)',
        actor: 'anonymous',
        submit: async (b, p) => {
          const shown = p.replace(/\p{Cc}/gu, ' ');
          return [
            { res: await b.get(`/search?q=${q(p)}`), echo: shown },
            // a repeated key counts once (web/query-string.ts)
            { res: await b.get(`/search?q=${q(p)}&q=${q('x')}`), echo: shown },
          ];
        },
      },
      {
        name: 'search: q (signed in)',
        actor: 'planner',
        submit: async (b, p) => [{ res: await b.get(`/search?q=${q(p)}`), echo: p.replace(/\p{Cc}/gu, ' ') }],
      },
      {
        name: 'sign-in: next (hidden)',
        actor: 'anonymous',
        submit: async (b, p) => [
          { res: await b.get(`/staff/sign-in?next=${q(p)}`) },
          // kept as a path a Location header can carry (localPath percent-encodes it), shown escaped
          { res: await b.get(`/staff/sign-in?next=${q(`/${p}`)}`), echo: shownNext(`/${p}`) },
          {
            res: await b.post('/staff/sign-in', { email: '', password: '', next: `/${p}` }),
            echo: shownNext(`/${p}`),
          },
          { res: await b.get(`/lang?to=ja&next=${q(p)}`) },
        ],
      },
      {
        // last: wrong passwords lock the address (the throttled page shows the e-mail back too)
        name: 'sign-in: email (no password; a wrong one)',
        actor: 'anonymous',
        submit: async (b, p) => {
          await b.get('/staff/sign-in');
          return [
            { res: await b.post('/staff/sign-in', { email: p, password: '' }), echo: p.slice(0, 254) },
            {
              res: await b.post('/staff/sign-in', { email: p, password: 'まちがい' }),
              echo: p.slice(0, 254),
            },
          ];
        },
      },
    ];

    before(async () => {
      db = await createTestDb(dialect);
      app = await buildTestApp(db, { clock: () => now });
      setupToken = (await createSetupToken(db, app.config.municipality, now))!;
      assert.ok(setupToken);
    });
    after(async () => {
      await app?.close();
      await db?.drop();
    });

    test(`each of ${CORPUS.length} payloads typed into every form field is shown back escaped`, async (t) => {
      let responses = 0;
      for (const field of FIELDS) {
        await t.test(field.name, async () => {
          const b = await browserFor(field.actor);
          const problems: string[] = [];
          for (const [i, p] of CORPUS.entries()) {
            for (const [n, sent] of (await field.submit(b, p, i)).entries()) {
              const what = `${field.name}, payload #${i} ${label(p)}, response ${n + 1}`;
              responses++;
              // an error page shows nothing back, but is inspected all the same
              const failed = sent.res.statusCode >= 500;
              if (failed) serverErrors.push(`${what}: ${sent.res.statusCode}`);
              problems.push(...inspect(sent.res, what, failed ? { qr: sent.qr === true } : sent));
            }
          }
          assert.deepEqual(problems, []);
        });
      }
      t.diagnostic(`${FIELDS.length} form fields, ${responses} responses inspected`);
    });

    test('every GET page, for each actor and language, shows the stored payloads escaped', async (t) => {
      const version = await db.kysely.selectFrom('plan_versions').select('id').executeTakeFirstOrThrow();
      const spareUser = (await userId('invitee0@city.example.jp'))!;
      const table = rules({
        versionId: version.id,
        spareDepartmentId: await departmentOf(CORPUS[0]!),
        spareUserId: spareUser,
        consultation: await buildConsultationFixture(db, null),
        kpi: await buildKpiFixture(db),
      });
      const kpiShown = await buildKpiPayloads(db);
      const getRoutes = app.routeList.filter((r) => r.method === 'GET').map((r) => `GET ${r.url}`);
      assert.deepEqual(
        getRoutes.filter((k) => !(k in table)),
        [],
        'every GET route has a concrete URL in test/support/route-rules.ts',
      );
      const ruleUrls = getRoutes.flatMap((k) => table[k]!.map((c) => c.url));
      const departments = await db.kysely
        .selectFrom('departments')
        .select(['id', 'name', 'disabled_at'])
        .execute();
      const users = await db.kysely.selectFrom('users').select(['id', 'email', 'display_name']).execute();
      const extra = [
        ...departments.map((d) => `/staff/departments/${d.id}`),
        ...users.map((u) => `/staff/users/${u.id}`),
        ...(await measurePaths()).map((m) => `/staff/plan/measures/${m}`),
        ...pendingTokens.map((token) => `/staff/invitations/${token}`),
        `/staff/audit?q=${q('<')}`,
        `/staff/audit?actor=${q(ADMIN_EMAIL)}&limit=200`,
        `/lang?to=ja&next=${q('//evil.example')}`,
      ];

      // every stored name and address must be seen, escaped, somewhere (the public pages: the departments)
      const stored = new Set([
        ...departments.map((d) => d.name),
        ...users.flatMap((u) => [u.email, u.display_name]),
      ]);
      const publicNames = new Set(departments.filter((d) => d.disabled_at === null).map((d) => d.name));
      const unseen: Record<Actor, Set<string>> = {
        admin: new Set([...stored, ...kpiShown]),
        planner: new Set([...departments.map((d) => d.name), ...kpiShown]),
        anonymous: new Set([...publicNames, ...kpiShown]),
      };

      const problems: string[] = [];
      let pages = 0;
      for (const actor of ['admin', 'planner', 'anonymous'] as const) {
        for (const lang of ['ja', 'en'] as const) {
          const b = await browserFor(actor);
          const setLang = () => (lang === 'en' ? b.cookies.set('lang', 'en') : b.cookies.delete('lang'));
          setLang();
          const queue = [...new Set([...ruleUrls, ...extra])];
          const visited = new Set(queue);
          while (queue.length > 0) {
            assert.ok(visited.size < 5000, 'the crawl ends');
            const url = queue.shift()!;
            const res = await b.get(url);
            if (url.startsWith('/lang')) setLang();
            pages++;
            problems.push(...inspect(res, `${actor} (${lang}) GET ${url}`));
            if (res.statusCode >= 500) serverErrors.push(`${actor} (${lang}) GET ${url}: ${res.statusCode}`);
            if (!String(res.headers['content-type']).startsWith('text/html')) continue;
            for (const v of unseen[actor]) if (res.body.includes(escapeHtml(v))) unseen[actor].delete(v);
            for (const m of res.body.matchAll(/\shref="(\/[^"]*)"/g)) {
              const link = m[1]!.replace(/&amp;/g, '&').replace(/#.*$/, '');
              if (/^\/(static|lang)\b/.test(link) || link.startsWith('//') || visited.has(link)) continue;
              visited.add(link);
              queue.push(link);
            }
          }
          b.cookies.delete('lang');
        }
      }
      t.diagnostic(`${pages} GET responses inspected`);
      assert.deepEqual(problems, []);
      for (const actor of ['admin', 'planner', 'anonymous'] as const)
        assert.deepEqual([...unseen[actor]].map(label), [], `stored values ${actor} never saw (escaped)`);
    });

    test('the audit CSV downloads as text/csv, every formula-like cell neutralised', async () => {
      for (const actor of ['admin', 'planner'] as const) {
        const res = await (await browserFor(actor)).get('/staff/audit.csv');
        assert.equal(res.statusCode, 200);
        assert.match(String(res.headers['content-type']), /^text\/csv; charset=utf-8/);
        assert.deepEqual(csvProblems(res), []);
        const cells = parseCsv(res.body.replace(/^\uFEFF/, '')).flat();
        // the administrator's and the planner's addresses, and an invited one, start with - + =
        for (const start of [`'${ADMIN_EMAIL}`, `'${PLANNER_EMAIL}`, `'${oneLine(CORPUS[24]!)}`])
          assert.ok(cells.includes(start), `a neutralised cell ${start}`);
        assert.ok(res.body.includes(CORPUS[0]!), 'the export holds the payloads (as data)');
      }
    });

    test('no payload makes the server fail (a 5xx, or a download that breaks off)', () => {
      assert.deepEqual(serverErrors, []);
    });
  });
}
