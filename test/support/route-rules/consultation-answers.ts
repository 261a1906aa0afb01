import type { Case, Fixtures } from '../route-rules.ts';

/** Rules of the answers routes of public comment (see test/support/route-rules.ts). */
export function consultationAnswersRules(_f: Fixtures): Record<string, Case[]> {
  return {};
}
