import type { Case, Fixtures } from '../route-rules.ts';

/** Rules of the public routes of public comment (see test/support/route-rules.ts). */
export function consultationPublicRules(_f: Fixtures): Record<string, Case[]> {
  return {};
}
