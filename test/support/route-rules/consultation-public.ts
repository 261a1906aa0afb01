import { all, type Case, type Fixtures, staff } from '../route-rules.ts';

/**
 * Rules of the public routes of public comment (see test/support/route-rules.ts). Anonymous visitors and
 * staff alike use the public form; an empty form is refused with 400 and the error summary.
 */
export function consultationPublicRules(f: Fixtures): Record<string, Case[]> {
  const id = f.consultation.consultationId;
  return {
    'GET /consultations': [{ url: '/consultations', expect: all(200) }],
    'GET /api/consultations': [{ url: '/api/consultations', expect: all(200) }],
    'GET /api/consultations/:id': [
      { url: `/api/consultations/${id}`, expect: all(200) },
      { url: '/api/consultations/99999', expect: all(404) },
      { url: '/api/consultations/abc', expect: all(404) },
    ],
    'GET /consultations/:id': [
      { url: `/consultations/${id}`, expect: all(200) },
      { url: '/consultations/99999', expect: all(404) },
    ],
    'GET /consultations/:id/form': [
      { url: `/consultations/${id}/form?section=${f.consultation.nodeId}`, expect: all(200) },
      { url: '/consultations/99999/form', expect: all(404) },
    ],
    'POST /consultations/:id/confirm': [
      { url: `/consultations/${id}/confirm`, body: {}, expect: all(400) },
      { url: `/consultations/${id}/confirm`, body: { action: 'add' }, expect: all(200) },
    ],
    'POST /consultations/:id/submit': [{ url: `/consultations/${id}/submit`, body: {}, expect: all(400) }],
    'GET /consultations/:id/receipt/:token': [
      { url: `/consultations/${id}/receipt/${'A'.repeat(43)}`, expect: all(404) },
    ],
    'GET /staff/outbox': [{ url: '/staff/outbox', expect: staff(200, ['admin', 'planner']) }],
  };
}
