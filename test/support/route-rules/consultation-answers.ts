import { all, type Case, type Fixtures, staff } from '../route-rules.ts';

/**
 * Rules of the answers routes of public comment (see test/support/route-rules.ts). The fixture group is
 * assigned to the editor's department: the editor and planners may open and edit its answer, the other
 * department's editor may not; only planners approve, return, reopen and publish. The POSTs carry no
 * lockVersion, so that a permitted actor gets the conflict (409) and nothing changes. The fixture
 * consultation is unpublished: every public result route is 404 (the published case is in the module tests).
 */
export function consultationAnswersRules(f: Fixtures): Record<string, Case[]> {
  const c = f.consultation.consultationId;
  const g = f.consultation.groupId;
  const answer = `/staff/consultations/${c}/groups/${g}/answer`;
  return {
    'GET /staff/consultations/:id/answers': [
      { url: `/staff/consultations/${c}/answers`, expect: staff(200, ['planner', 'editor', 'editorOther']) },
      {
        url: `/staff/consultations/${c}/answers?state=drafted&mine=1`,
        expect: staff(200, ['planner', 'editor', 'editorOther']),
      },
      { url: '/staff/consultations/99999/answers', expect: staff(404, ['planner', 'editor', 'editorOther']) },
    ],
    'GET /staff/consultations/:id/groups/:groupId/answer': [
      { url: answer, expect: staff(200, ['planner', 'editor']) },
      {
        url: `/staff/consultations/${c}/groups/99999/answer`,
        expect: staff(404, ['planner', 'editor', 'editorOther']),
      },
    ],
    'POST /staff/consultations/:id/groups/:groupId/answer': [
      { url: answer, body: {}, expect: staff(409, ['planner', 'editor']) },
    ],
    'POST /staff/consultations/:id/groups/:groupId/answer/submit': [
      { url: `${answer}/submit`, body: {}, expect: staff(409, ['planner', 'editor']) },
    ],
    'POST /staff/consultations/:id/groups/:groupId/answer/approve': [
      { url: `${answer}/approve`, body: {}, expect: staff(409, ['planner']) },
    ],
    'POST /staff/consultations/:id/groups/:groupId/answer/return': [
      { url: `${answer}/return`, body: {}, expect: staff(409, ['planner']) },
    ],
    'POST /staff/consultations/:id/groups/:groupId/answer/reopen': [
      { url: `${answer}/reopen`, body: {}, expect: staff(409, ['planner']) },
    ],
    'GET /staff/consultations/:id/publish': [
      { url: `/staff/consultations/${c}/publish`, expect: staff(200, ['planner']) },
      { url: '/staff/consultations/99999/publish', expect: staff(404, ['planner']) },
    ],
    'POST /staff/consultations/:id/publish': [
      { url: `/staff/consultations/${c}/publish`, body: {}, expect: staff(409, ['planner']) },
    ],
    'GET /consultations/:id/result': [
      { url: `/consultations/${c}/result`, expect: all(404) },
      { url: '/consultations/abc/result', expect: all(404) },
    ],
    'GET /consultations/:id/result/print': [{ url: `/consultations/${c}/result/print`, expect: all(404) }],
    'GET /consultations/:id/result/:seq': [
      { url: `/consultations/${c}/result/1`, expect: all(404) },
      { url: `/consultations/${c}/result/x`, expect: all(404) },
    ],
    'GET /consultations/:id/result.csv': [{ url: `/consultations/${c}/result.csv`, expect: all(404) }],
    'GET /consultations/:id/result.xlsx': [{ url: `/consultations/${c}/result.xlsx`, expect: all(404) }],
    'GET /api/consultations/:id/result': [{ url: `/api/consultations/${c}/result`, expect: all(404) }],
  };
}
