import type { Case, Fixtures } from '../route-rules.ts';

/** Rules of the staff routes of public comment (see test/support/route-rules.ts). */
export function consultationStaffRules(_f: Fixtures): Record<string, Case[]> {
  return {};
}
