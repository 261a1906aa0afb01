import { type Case, type Fixtures, staff } from '../route-rules.ts';

/**
 * Rules of the staff routes of public comment (see test/support/route-rules.ts). Administrators, planners
 * and editors read consultations and the triage list; planners create, change, triage, enter paper
 * opinions and see personal data; committee members get nothing. Empty forms are refused with 400.
 */
export function consultationStaffRules(f: Fixtures): Record<string, Case[]> {
  const id = f.consultation.consultationId;
  const [op1] = f.consultation.opinionIds;
  const readers = ['admin', 'planner', 'editor', 'editorOther'] as const;
  const base = `/staff/consultations/${id}`;
  return {
    'GET /staff/consultations': [{ url: '/staff/consultations', expect: staff(200, [...readers]) }],
    'GET /staff/consultations/new': [{ url: '/staff/consultations/new', expect: staff(200, ['planner']) }],
    'POST /staff/consultations/new': [
      { url: '/staff/consultations/new', body: {}, expect: staff(400, ['planner']) },
    ],
    'GET /staff/consultations/:id': [
      { url: base, expect: staff(200, [...readers]) },
      { url: '/staff/consultations/99999', expect: staff(404, [...readers]) },
      { url: '/staff/consultations/abc', expect: staff(404, [...readers]) },
    ],
    'GET /staff/consultations/:id/edit': [
      { url: `${base}/edit`, expect: staff(200, ['planner']) },
      { url: '/staff/consultations/99999/edit', expect: staff(404, ['planner']) },
    ],
    'POST /staff/consultations/:id/edit': [
      { url: `${base}/edit`, body: {}, expect: staff(400, ['planner']) },
    ],
    'GET /staff/consultations/:id/entry': [{ url: `${base}/entry`, expect: staff(200, ['planner']) }],
    'POST /staff/consultations/:id/entry': [
      { url: `${base}/entry`, body: {}, expect: staff(400, ['planner']) },
    ],
    'GET /staff/consultations/:id/opinions': [
      { url: `${base}/opinions`, expect: staff(200, [...readers]) },
      {
        url: `${base}/opinions?state=bogus&q=${encodeURIComponent('公園')}`,
        expect: staff(200, [...readers]),
      },
      { url: '/staff/consultations/99999/opinions', expect: staff(404, [...readers]) },
    ],
    'POST /staff/consultations/:id/opinions/bulk': [
      { url: `${base}/opinions/bulk`, body: {}, expect: staff(303, ['planner']) },
    ],
    'GET /staff/consultations/:id/opinions/:opinionId': [
      { url: `${base}/opinions/${op1}`, expect: staff(200, [...readers]) },
      { url: `${base}/opinions/99999`, expect: staff(404, [...readers]) },
    ],
    'POST /staff/consultations/:id/opinions/:opinionId': [
      { url: `${base}/opinions/${op1}`, body: {}, expect: staff(400, ['planner']) },
    ],
    'GET /staff/consultations/:id/submissions/:submissionId': [
      { url: `${base}/submissions/${f.consultation.submissionId}`, expect: staff(200, ['planner']) },
      { url: `${base}/submissions/99999`, expect: staff(404, ['planner']) },
    ],
  };
}
