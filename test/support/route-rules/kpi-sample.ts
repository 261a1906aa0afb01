import type { Case, Fixtures } from '../route-rules.ts';

/** Rules of the sample routes of indicators (see test/support/route-rules.ts). */
export function kpiSampleRules(_f: Fixtures): Record<string, Case[]> {
  return {};
}
