import type { Case, Fixtures } from '../route-rules.ts';

/** Rules of the staff routes of indicators (see test/support/route-rules.ts). */
export function kpiStaffRules(_f: Fixtures): Record<string, Case[]> {
  return {};
}
