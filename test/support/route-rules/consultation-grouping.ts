import type { Case, Fixtures } from '../route-rules.ts';

/** Rules of the grouping routes of public comment (see test/support/route-rules.ts). */
export function consultationGroupingRules(_f: Fixtures): Record<string, Case[]> {
  return {};
}
