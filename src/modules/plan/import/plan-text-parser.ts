import { parseOrdinal, trimAll } from '../../../shared/text.ts';
import type { CrossCuttingDoc, PlanContent, PlanNodeDoc, PlanNoteDoc, PlanState } from '../plan.schema.ts';

/**
 * Reads a city's plan written as plain text into the structured form. It knows the shapes Japanese plans
 * are written in rather than one file: see docs/plan-text-format.md for the grammar and its examples.
 */

/** A file the importer cannot understand: the 1-based line and, in Japanese, what was expected there. */
export class PlanParseError extends Error {
  readonly code = 'PLAN_PARSE_ERROR';
  constructor(
    readonly line: number,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${line}行目: ${expected}${found ? `（この行の内容：「${truncate(found, 40)}」）` : ''}`);
    this.name = 'PlanParseError';
  }
}

function truncate(s: string, n: number): string {
  const cs = [...s];
  return cs.length > n ? `${cs.slice(0, n).join('')}…` : s;
}

export interface ParsedPlanText {
  content: PlanContent;
  /** The state the document's title announces: （素案） → early_draft, （案） → draft; null if none. */
  detectedState: PlanState | null;
}

/**
 * Decodes a file's bytes: UTF-8 (a BOM is dropped), else Shift_JIS, which many city offices still save.
 * Anything else is refused: UTF-16 by its BOM, other bytes with the line of the first undecodable byte in
 * whichever of the two encodings the file is closer to (the one with fewer undecodable bytes).
 */
export function decodePlanBytes(bytes: Uint8Array): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new PlanParseError(
      1,
      '文字コードが UTF-16 です。UTF-8 または Shift_JIS のテキストで保存し直してください',
      '',
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    try {
      text = new TextDecoder('shift_jis', { fatal: true }).decode(bytes);
    } catch {
      const asUtf8 = new TextDecoder('utf-8').decode(bytes);
      const asSjis = new TextDecoder('shift_jis').decode(bytes);
      const closer = countOf(asSjis, '\uFFFD') < countOf(asUtf8, '\uFFFD') ? asSjis : asUtf8;
      throw new PlanParseError(
        lineOf(closer, closer.indexOf('\uFFFD')),
        '文字コードを読み取れません。UTF-8 または Shift_JIS のテキストで保存してください',
        '',
      );
    }
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    throw new PlanParseError(lineOf(text, nul), 'テキストファイルではありません（NUL 文字があります）', '');
  }
  return text;
}

function countOf(s: string, ch: string): number {
  let n = 0;
  for (let at = s.indexOf(ch); at >= 0; at = s.indexOf(ch, at + 1)) n++;
  return n;
}

/** The 1-based line of the character at `index`, counting line breaks as parsePlanText does. */
function lineOf(text: string, index: number): number {
  return splitLines(text.slice(0, Math.max(index, 0))).length;
}

function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

const MARK = '[●■◆□◇◎★▪▶]';
const SP = '[\\s\\u3000]';
const DIGITS = '[0-9０-９]{1,3}';
const POLICY_WORDS = '重点施策|基本目標|基本方針|政策目標|重点目標|重点分野|施策の柱|政策';

const POLICY_RE = new RegExp(
  `^(${MARK})?${SP}*【?${SP}*(${POLICY_WORDS})${SP}*(${DIGITS})${SP}*】?[${'\\s\\u3000'}:：.．、]*(.*)$`,
);
const PROJECT_RE = new RegExp(`^(?:【(.+)】|${MARK}${SP}*(.*重点プロジェクト.*))$`);
const MEASURE_RE = new RegExp(
  `^(?:(${DIGITS})(?=[\\t \\u3000.．、])|([（(]${DIGITS}[）)]))[\\t \\u3000.．、]*(.*)$`,
);
const NUMBER_ONLY_RE = new RegExp(`^[（(]?${DIGITS}[）)]?[.．、]?$`);
const BULLET_ITEM_RE = /^[・･]\s*([^：:]+)[：:](.+)$/;
const NOTE_RE = /^※/;
const NOTE_TERM_RE = /^※([^：:]{1,40})[：:]/;
const MARK_ONLY_RE = new RegExp(`^${MARK}`);
const VISION_RE =
  /(?:将来都市像|将来像|めざす都市像|目指す都市像|めざすまちの姿|目指すまちの姿)(?:で(?:ある|す)|は|として)?「([^」]+)」/;
const STATE_RE = /[（(](素案|案|原案)[）)]/;

/** A line that reads as a heading rather than a sentence: short and not ending like a sentence. */
function isHeadingLike(s: string): boolean {
  return [...s].length <= 40 && !/[。．]$/.test(s) && !s.includes('\t');
}

function isCrossCuttingHeading(s: string): boolean {
  return s.includes('横断') && isHeadingLike(s);
}

function stripHeadingMarks(s: string): string {
  return trimAll(s.replace(new RegExp(`^${MARK}`), '').replace(/^【(.*)】$/, '$1'));
}

/**
 * Words that mark a mention of a cross-cutting measure in a measure's text, derived from its title:
 * 「デジタル化の推進」→ デジタル, 「山口東京理科大学との連携」→ 山口東京理科大学.
 */
export function crossCuttingKeywords(title: string): string[] {
  let stem = title
    .replace(/[「」『』]/g, '')
    .replace(
      /(との連携|との協働|の連携|の推進|の充実|の強化|の促進|の向上|への対応|の実現|の活用|の視点|の観点)$/,
      '',
    );
  if ([...stem].length >= 3 && /化$/.test(stem)) stem = stem.slice(0, -1);
  return stem === '' ? [title] : [stem];
}

type State = 'start' | 'preamble' | 'project' | 'policy' | 'crosscut';

/** Parses the text; throws PlanParseError naming the line for anything it cannot place. */
export function parsePlanText(text: string): ParsedPlanText {
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    throw new PlanParseError(lineOf(text, nul), 'テキストファイルではありません（NUL 文字があります）', '');
  }
  const lines = splitLines(text.replace(/^\uFEFF/, ''));
  let documentTitle: string | null = null;
  const preamble: string[] = [];
  let project: PlanNodeDoc | null = null;
  const policies: PlanNodeDoc[] = [];
  let policy: PlanNodeDoc | null = null;
  let crossHeading: string | null = null;
  let crossHeadingLine = 0;
  const crossIntro: string[] = [];
  const cross: CrossCuttingDoc[] = [];
  const notes: PlanNoteDoc[] = [];
  let state: State = 'start';
  let lastLine = 0;

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!;
    const line = trimAll(raw);
    if (line === '') continue;
    lastLine = lineNo;

    if (documentTitle === null) {
      if (POLICY_RE.test(line) || MEASURE_RE.test(line) || line.includes('\t')) {
        throw new PlanParseError(
          lineNo,
          '最初の行には文書の題名（例：中期基本計画 重点プロジェクト（案））が必要です',
          line,
        );
      }
      documentTitle = line;
      state = 'preamble';
      continue;
    }

    if (NOTE_RE.test(line)) {
      notes.push({ text: line, term: NOTE_TERM_RE.exec(line)?.[1] ?? null, sourceLine: lineNo });
      continue;
    }

    const pm = POLICY_RE.exec(line);
    if (pm && (pm[1] || isHeadingLike(line))) {
      const title = trimAll(pm[4] ?? '');
      if (title === '') {
        throw new PlanParseError(
          lineNo,
          `${pm[2]}${pm[3]}の名前が必要です（例：●${pm[2]}1 地域を創る）`,
          line,
        );
      }
      const ordinal = parseOrdinal(pm[3]!);
      if (policies.some((p) => parseOrdinal(p.number) === ordinal)) {
        throw new PlanParseError(
          lineNo,
          `${pm[2]}${pm[3]}が二度出てきます。番号が重ならない見出しが必要です`,
          line,
        );
      }
      if (policy && policy.children.length === 0) {
        throw new PlanParseError(
          policy.sourceLine ?? lineNo,
          `${policy.label}${policy.number}「${policy.title}」に施策の行（例：1<TAB>施策名<TAB>説明）が必要です`,
          '',
        );
      }
      policy = {
        kind: 'policy',
        label: pm[2]!,
        number: pm[3]!,
        title,
        body: [],
        sourceLine: lineNo,
        children: [],
      };
      policies.push(policy);
      state = 'policy';
      continue;
    }

    if (
      isCrossCuttingHeading(line) &&
      !(state === 'policy' && MEASURE_RE.test(line)) &&
      (state === 'policy' || state === 'project' || state === 'preamble')
    ) {
      if (crossHeading !== null) {
        throw new PlanParseError(lineNo, '横断的施策の見出しは一つだけにしてください', line);
      }
      if (policy && policy.children.length === 0) {
        throw new PlanParseError(
          policy.sourceLine ?? lineNo,
          `${policy.label}${policy.number}「${policy.title}」に施策の行（例：1<TAB>施策名<TAB>説明）が必要です`,
          '',
        );
      }
      crossHeading = stripHeadingMarks(line);
      crossHeadingLine = lineNo;
      state = 'crosscut';
      continue;
    }

    if (state === 'preamble' || state === 'project') {
      const pj = PROJECT_RE.exec(line);
      if (pj && state === 'preamble' && policies.length === 0) {
        project = {
          kind: 'project',
          label: '',
          number: '',
          title: trimAll(pj[1] ?? pj[2] ?? ''),
          body: [],
          sourceLine: lineNo,
          children: [],
        };
        state = 'project';
        continue;
      }
      if (MEASURE_RE.test(line) && line.includes('\t')) {
        throw new PlanParseError(
          lineNo,
          '施策の行の前に、重点施策（または基本目標）の見出し（例：●重点施策1 地域を創る）が必要です',
          line,
        );
      }
      if (MARK_ONLY_RE.test(line)) {
        throw new PlanParseError(
          lineNo,
          '見出しの形式が分かりません。例：●重点施策1 地域を創る、【3つの創る】',
          line,
        );
      }
      (project ? project.body : preamble).push(line);
      continue;
    }

    if (state === 'policy') {
      const mm = MEASURE_RE.exec(line);
      if (mm && trimAll(mm[3] ?? '') !== '') {
        const number = mm[1] ?? mm[2]!;
        const rest = mm[3]!;
        const tab = rest.indexOf('\t');
        const title = trimAll(tab >= 0 ? rest.slice(0, tab) : rest);
        const body = tab >= 0 ? trimAll(rest.slice(tab + 1)) : '';
        if (title === '')
          throw new PlanParseError(lineNo, '施策名が必要です（例：1<TAB>施策名<TAB>説明）', line);
        const ordinal = parseOrdinal(number);
        const current = policy!;
        if (current.children.some((m) => parseOrdinal(m.number) === ordinal)) {
          throw new PlanParseError(
            lineNo,
            `${current.label}${current.number}の中で施策番号${number}が二度出てきます。重ならない番号が必要です`,
            line,
          );
        }
        current.children.push({
          kind: 'measure',
          label: '',
          number,
          title,
          body: body === '' ? [] : [body],
          sourceLine: lineNo,
          children: [],
        });
        continue;
      }
      if (mm || NUMBER_ONLY_RE.test(line)) {
        throw new PlanParseError(
          lineNo,
          '施策の番号の後に施策名が必要です（例：（１）施策名、1<TAB>施策名<TAB>説明）',
          line,
        );
      }
      if (line.includes('\t')) {
        throw new PlanParseError(lineNo, '施策の行は番号で始めてください（例：1<TAB>施策名<TAB>説明）', line);
      }
      if (MARK_ONLY_RE.test(line)) {
        throw new PlanParseError(lineNo, '見出しの形式が分かりません。例：●重点施策2 ひとを創る', line);
      }
      const current = policy!;
      const lastMeasure = current.children[current.children.length - 1];
      (lastMeasure ? lastMeasure.body : current.body).push(line);
      continue;
    }

    // state === 'crosscut'
    if (line.includes('\t')) {
      // `title<TAB>description`, or with a number in front (`1<TAB>title<TAB>description`), which the
      // structure does not keep: a cross-cutting measure is addressed by its position.
      const numbered = MEASURE_RE.exec(line);
      const rest = numbered && trimAll(numbered[3] ?? '') !== '' ? numbered[3]! : line;
      const tab = rest.indexOf('\t');
      const title = trimAll(tab >= 0 ? rest.slice(0, tab) : rest);
      const body = tab >= 0 ? trimAll(rest.slice(tab + 1)) : '';
      if (title === '')
        throw new PlanParseError(lineNo, '横断的施策の名前が必要です（例：デジタル化の推進<TAB>説明）', line);
      cross.push({
        title,
        body: body ? [body] : [],
        keywords: crossCuttingKeywords(title),
        sourceLine: lineNo,
      });
      continue;
    }
    const bm = BULLET_ITEM_RE.exec(line);
    if (bm) {
      const title = trimAll(bm[1]!);
      cross.push({
        title,
        body: [trimAll(bm[2]!)],
        keywords: crossCuttingKeywords(title),
        sourceLine: lineNo,
      });
      continue;
    }
    const mm = MEASURE_RE.exec(line);
    if (
      (mm && trimAll(mm[3] ?? '') !== '' && isHeadingLike(line)) ||
      (MARK_ONLY_RE.test(line) && isHeadingLike(line))
    ) {
      const title = mm ? trimAll(mm[3]!) : stripHeadingMarks(line);
      cross.push({ title, body: [], keywords: crossCuttingKeywords(title), sourceLine: lineNo });
      continue;
    }
    const last = cross[cross.length - 1];
    (last ? last.body : crossIntro).push(line);
  }

  if (documentTitle === null) throw new PlanParseError(1, 'ファイルが空です。計画の本文が必要です', '');
  if (policies.length === 0) {
    throw new PlanParseError(
      lastLine,
      '重点施策（または基本目標）の見出し（例：●重点施策1 地域を創る）が一つもありません',
      '',
    );
  }
  const lastPolicy = policies[policies.length - 1]!;
  if (lastPolicy.children.length === 0) {
    throw new PlanParseError(
      lastPolicy.sourceLine ?? lastLine,
      `${lastPolicy.label}${lastPolicy.number}「${lastPolicy.title}」に施策の行（例：1<TAB>施策名<TAB>説明）が必要です`,
      '',
    );
  }
  if (crossHeading !== null && cross.length === 0) {
    throw new PlanParseError(
      crossHeadingLine,
      '横断的施策の見出しの後に、横断的施策の行（例：デジタル化の推進<TAB>説明）が必要です',
      crossHeading,
    );
  }

  const nodes: PlanNodeDoc[] = [];
  const allParagraphs = [...preamble, ...(project?.body ?? [])];
  for (const p of allParagraphs) {
    const vm = VISION_RE.exec(p);
    if (vm) {
      const idx = lines.findIndex((l) => trimAll(l) === p);
      nodes.push({
        kind: 'vision',
        label: '',
        number: '',
        title: vm[1]!,
        body: [],
        sourceLine: idx >= 0 ? idx + 1 : null,
        children: [],
      });
      break;
    }
  }
  if (project) {
    project.children = policies;
    nodes.push(project);
  } else {
    nodes.push(...policies);
  }

  const sm = STATE_RE.exec(documentTitle);
  const detectedState: PlanState | null = sm ? (sm[1] === '素案' ? 'early_draft' : 'draft') : null;

  return {
    content: {
      documentTitle,
      preamble,
      nodes,
      crossCutting: { heading: crossHeading, intro: crossIntro, measures: cross },
      links: [],
      notes,
      sourceFormat: 'text',
      sourceText: text,
    },
    detectedState,
  };
}

/**
 * The comparable form of a line of the plan for the "no text is lost" check: white space (including U+3000
 * and tabs) removed, leading heading marks (●■◆…) and bullets (・) removed, 【】 removed around a whole
 * heading or a leading label (【基本目標１】…), ：/: removed, and the separator after a leading number
 * (1． / 基本目標１、) removed. The parser drops exactly these when it splits a line into its parts.
 */
export function coverageKey(line: string): string {
  return line
    .replace(/[\s\u3000]+/g, '')
    .replace(new RegExp(`^${MARK}+`), '')
    .replace(/^[・･]+/, '')
    .replace(/^【(.*)】$/, '$1')
    .replace(/^【([^【】]*)】/, '$1')
    .replace(/[：:]/g, '')
    .replace(/^([^0-9０-９]{0,8}?[（(]?[0-9０-９]{1,3}[）)]?)[.．、]/, '$1');
}

/**
 * Every text the structure stands for, each as coverageKey gives it: the document title; the preamble;
 * a vision's, project's or policy's label+number+title and each body paragraph; a measure's number+title,
 * number+title+first paragraph (a `1<TAB>title<TAB>description` line) and each paragraph; the cross-cutting
 * heading and intro; each cross-cutting measure's title, title+first paragraph and each paragraph; the notes.
 * A source line that is in none of them was lost or changed by the import.
 */
export function structureLines(content: PlanContent): Set<string> {
  const out = new Set<string>();
  const add = (...parts: string[]) => out.add(coverageKey(parts.join('')));
  add(content.documentTitle);
  for (const p of content.preamble) add(p);
  const visit = (node: PlanNodeDoc) => {
    add(node.label, node.number, node.title);
    if (node.kind === 'measure') add(node.number, node.title, node.body[0] ?? '');
    for (const p of node.body) add(p);
    for (const child of node.children) visit(child);
  };
  for (const node of content.nodes) visit(node);
  if (content.crossCutting.heading !== null) add(content.crossCutting.heading);
  for (const p of content.crossCutting.intro) add(p);
  for (const m of content.crossCutting.measures) {
    add(m.title);
    add(m.title, m.body[0] ?? '');
    for (const p of m.body) add(p);
  }
  for (const n of content.notes) add(n.text);
  out.delete('');
  return out;
}

/** The non-blank lines of `content.sourceText` whose text the structure does not hold (see structureLines). */
export function linesMissingFromStructure(content: PlanContent): Array<{ line: number; text: string }> {
  const held = structureLines(content);
  const missing: Array<{ line: number; text: string }> = [];
  splitLines(content.sourceText.replace(/^\uFEFF/, '')).forEach((raw, i) => {
    const text = trimAll(raw);
    if (text !== '' && !held.has(coverageKey(text))) missing.push({ line: i + 1, text });
  });
  return missing;
}
