import { z } from 'zod';

/**
 * The structured interchange form of one plan version ("kyoso-plan" JSON). It is what the text importer
 * produces, what `kyoso export-plan` writes and `kyoso import-plan x.json` reads, and what later features
 * (public comment, KPIs) reuse. Ids are not part of it: nodes are addressed by their path ("1", "1/2").
 */

export const PLAN_STATES = ['early_draft', 'draft', 'adopted', 'withdrawn'] as const;
export type PlanState = (typeof PLAN_STATES)[number];

const Paragraphs = z.array(z.string());

export interface PlanNodeDoc {
  kind: 'vision' | 'project' | 'policy' | 'measure';
  label: string;
  number: string;
  title: string;
  body: string[];
  sourceLine: number | null;
  children: PlanNodeDoc[];
}

export const PlanNodeDocSchema: z.ZodType<PlanNodeDoc> = z.lazy(() =>
  z.object({
    kind: z.enum(['vision', 'project', 'policy', 'measure']),
    label: z.string(),
    number: z.string(),
    title: z.string().min(1),
    body: Paragraphs,
    sourceLine: z.number().int().positive().nullable(),
    children: z.array(PlanNodeDocSchema),
  }),
);

export const CrossCuttingDocSchema = z.object({
  title: z.string().min(1),
  body: Paragraphs,
  keywords: z.array(z.string().min(1)),
  sourceLine: z.number().int().positive().nullable(),
});
export type CrossCuttingDoc = z.infer<typeof CrossCuttingDocSchema>;

export const PlanNoteDocSchema = z.object({
  text: z.string().min(1),
  term: z.string().nullable(),
  sourceLine: z.number().int().positive().nullable(),
});
export type PlanNoteDoc = z.infer<typeof PlanNoteDocSchema>;

/** The content of a version: what the content hash covers. */
export const PlanContentSchema = z.object({
  documentTitle: z.string().min(1),
  preamble: Paragraphs,
  nodes: z.array(PlanNodeDocSchema),
  crossCutting: z.object({
    heading: z.string().nullable(),
    intro: Paragraphs,
    measures: z.array(CrossCuttingDocSchema),
  }),
  /** Staff-set links: node path → cross-cutting measure positions (0-based). */
  links: z.array(z.object({ node: z.string().min(1), crossCutting: z.number().int().min(0) })),
  notes: z.array(PlanNoteDocSchema),
  sourceFormat: z.enum(['text', 'json']),
  sourceText: z.string(),
});
export type PlanContent = z.infer<typeof PlanContentSchema>;

export const MunicipalityCode = z.string().regex(/^\d{6}$/, '全国地方公共団体コードは6桁の数字です');

export const PlanExportSchema = z.object({
  format: z.literal('kyoso-plan'),
  formatVersion: z.literal(1),
  municipality: z.object({ code: MunicipalityCode, name: z.string().min(1) }),
  plan: z.object({
    title: z.string().min(1),
    periodStartFy: z.number().int().nullable(),
    periodEndFy: z.number().int().nullable(),
  }),
  version: z.object({ label: z.string().min(1), state: z.enum(PLAN_STATES) }),
  content: PlanContentSchema,
});
export type PlanExport = z.infer<typeof PlanExportSchema>;
