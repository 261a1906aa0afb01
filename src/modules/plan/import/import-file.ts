import fs from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../../../db/database.ts';
import { type PlanExport, PlanExportSchema, type PlanState } from '../plan.schema.ts';
import { type ImportResult, importPlan, latestPlanTitle } from '../plan.service.ts';
import { decodePlanBytes, parsePlanText } from './plan-text-parser.ts';

/** Options of `kyoso import-plan` for a text file (a JSON file carries its own). */
export interface ImportFileOptions {
  municipality?: string;
  municipalityName?: string;
  /** The plan the version belongs to; default: the municipality's latest plan, else the document title. */
  planTitle?: string;
  periodStartFy?: number | null;
  periodEndFy?: number | null;
  label?: string;
  state?: PlanState;
}

export const STATE_LABELS_JA: Record<PlanState, string> = {
  early_draft: '素案',
  draft: '案',
  adopted: '決定',
  withdrawn: '廃止',
};

/** Accepts both the code (draft) and the Japanese word (案). */
export function parseStateOption(s: string): PlanState | null {
  const byJa = Object.entries(STATE_LABELS_JA).find(([, ja]) => ja === s)?.[0];
  if (byJa) return byJa as PlanState;
  return (['early_draft', 'draft', 'adopted', 'withdrawn'] as const).find((x) => x === s) ?? null;
}

/** A JSON file that is not a kyoso-plan document (the first problem named), or missing import options. */
export class PlanJsonError extends Error {
  readonly code = 'PLAN_JSON_ERROR';
}

/** Reads a plan file (the city's text, or kyoso-plan JSON) and imports it in one transaction. */
export async function importPlanFile(
  db: Db,
  file: string,
  options: ImportFileOptions = {},
): Promise<ImportResult> {
  const bytes = await fs.readFile(file);
  return importPlanBytes(db, bytes, path.extname(file).toLowerCase() === '.json', options);
}

export async function importPlanBytes(
  db: Db,
  bytes: Uint8Array,
  isJson: boolean,
  options: ImportFileOptions = {},
): Promise<ImportResult> {
  const text = decodePlanBytes(bytes);
  if (isJson || /^\s*\{/.test(text)) return importPlan(db, parsePlanJson(text));
  const parsed = parsePlanText(text);
  if (!options.municipality || !options.municipalityName) {
    throw new PlanJsonError('テキストの計画には --municipality（団体コード）と --name（団体名）が必要です');
  }
  const planTitle =
    options.planTitle ??
    (await latestPlanTitle(db, options.municipality)) ??
    parsed.content.documentTitle.replace(/[（(](素案|案|原案)[）)]\s*$/, '').trim();
  const state = options.state ?? parsed.detectedState ?? 'draft';
  const doc: PlanExport = {
    format: 'kyoso-plan',
    formatVersion: 1,
    municipality: { code: options.municipality, name: options.municipalityName },
    plan: {
      title: planTitle,
      periodStartFy: options.periodStartFy ?? null,
      periodEndFy: options.periodEndFy ?? null,
    },
    version: { label: options.label ?? STATE_LABELS_JA[state], state },
    content: parsed.content,
  };
  return importPlan(db, doc);
}

export function parsePlanJson(text: string): PlanExport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new PlanJsonError(`JSONとして読めません: ${(e as Error).message}`);
  }
  const r = PlanExportSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new PlanJsonError(`kyoso-plan 形式ではありません: ${i.path.join('.') || '(全体)'}: ${i.message}`);
  }
  return r.data;
}
