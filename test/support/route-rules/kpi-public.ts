import type { Case, Fixtures } from '../route-rules.ts';

/** Rules of the public routes of indicators (see test/support/route-rules.ts). */
export function kpiPublicRules(_f: Fixtures): Record<string, Case[]> {
  return {};
}
