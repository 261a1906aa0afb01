import { type Actor, type Case, type Fixtures, staff } from '../route-rules.ts';

/** Rules of the grouping routes of public comment (see test/support/route-rules.ts). */
export function consultationGroupingRules(f: Fixtures): Record<string, Case[]> {
  const base = `/staff/consultations/${f.consultation.consultationId}`;
  // Planners decide (triage); editors and administrators read.
  const readers: Actor[] = ['admin', 'planner', 'editor', 'editorOther'];
  return {
    'GET /staff/consultations/:id/suggestions': [
      { url: `${base}/suggestions`, expect: staff(200, readers) },
      { url: '/staff/consultations/99999/suggestions', expect: staff(404, readers) },
      { url: '/staff/consultations/abc/suggestions', expect: staff(404, readers) },
    ],
    'POST /staff/consultations/:id/suggestions/run': [
      { url: `${base}/suggestions/run`, body: {}, expect: staff(303, ['planner']) },
    ],
    'POST /staff/consultations/:id/suggestions/:suggestionId/accept': [
      { url: `${base}/suggestions/99999/accept`, body: {}, expect: staff(404, ['planner']) },
    ],
    'POST /staff/consultations/:id/suggestions/:suggestionId/refuse': [
      { url: `${base}/suggestions/99999/refuse`, body: {}, expect: staff(404, ['planner']) },
    ],
    'GET /staff/consultations/:id/groups': [
      { url: `${base}/groups`, expect: staff(200, readers) },
      { url: '/staff/consultations/99999/groups', expect: staff(404, readers) },
    ],
    'POST /staff/consultations/:id/groups': [
      { url: `${base}/groups`, body: {}, expect: staff(400, ['planner']) },
    ],
    'GET /staff/consultations/:id/groups/:groupId': [
      { url: `${base}/groups/${f.consultation.groupId}`, expect: staff(200, readers) },
      { url: `${base}/groups/99999`, expect: staff(404, readers) },
    ],
    'POST /staff/consultations/:id/groups/:groupId': [
      { url: `${base}/groups/${f.consultation.groupId}`, body: {}, expect: staff(400, ['planner']) },
    ],
    'POST /staff/consultations/:id/groups/:groupId/members': [
      { url: `${base}/groups/${f.consultation.groupId}/members`, body: {}, expect: staff(400, ['planner']) },
    ],
  };
}
