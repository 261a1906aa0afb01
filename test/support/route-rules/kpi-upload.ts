import type { Case, Fixtures } from '../route-rules.ts';

/** Rules of the upload routes of indicators (see test/support/route-rules.ts). */
export function kpiUploadRules(_f: Fixtures): Record<string, Case[]> {
  return {};
}
