import { all, type Case, type Fixtures } from '../route-rules.ts';

/**
 * Rules of the public routes of indicators (see test/support/route-rules.ts): every page and export is
 * public and the same for every actor; a bad filter value is a 400 page with a Japanese message; an unknown
 * or malformed indicator id is a 404.
 */
export function kpiPublicRules(f: Fixtures): Record<string, Case[]> {
  const id = f.kpi.indicatorId;
  return {
    'GET /dashboard': [
      { url: '/dashboard', expect: all(200) },
      { url: '/dashboard?cc=1', expect: all(200) },
      { url: '/dashboard?cc=1&dept=99999', expect: all(400) },
      { url: '/dashboard?cc=abc', expect: all(400) },
    ],
    'GET /dashboard/about': [{ url: '/dashboard/about', expect: all(200) }],
    'GET /dashboard/indicators/:id': [
      { url: `/dashboard/indicators/${id}`, expect: all(200) },
      { url: `/dashboard/indicators/${f.kpi.otherIndicatorId}`, expect: all(200) },
      { url: '/dashboard/indicators/99999', expect: all(404) },
      { url: '/dashboard/indicators/abc', expect: all(404) },
    ],
    'GET /dashboard/indicators.csv': [{ url: '/dashboard/indicators.csv', expect: all(200) }],
    'GET /dashboard/indicators.xlsx': [{ url: '/dashboard/indicators.xlsx', expect: all(200) }],
    'GET /api/indicators': [{ url: '/api/indicators', expect: all(200) }],
  };
}
