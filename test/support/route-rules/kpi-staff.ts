import { type Case, type Fixtures, staff } from '../route-rules.ts';

/**
 * Rules of the staff routes of indicators (see test/support/route-rules.ts). Every member of staff reads
 * the list, the definitions and the actuals (read-only when not theirs); the editor owns the indicator on
 * measure 1/1, editorOther the one on 1/2, planners everything; only planners delete indicators and set
 * the grade rules. The POSTs carry empty forms: a permitted actor gets the validation error (400) or, for
 * deletion, the stale-version conflict (409), and nothing changes.
 */
export function kpiStaffRules(f: Fixtures): Record<string, Case[]> {
  const mine = `/staff/kpi/indicators/${f.kpi.indicatorId}`;
  const theirs = `/staff/kpi/indicators/${f.kpi.otherIndicatorId}`;
  const missing = '/staff/kpi/indicators/99999';
  return {
    'GET /staff/kpi': [
      { url: '/staff/kpi', expect: staff(200) },
      { url: '/staff/kpi?dept=all', expect: staff(200) },
      { url: '/staff/kpi?dept=99999', expect: staff(200) },
    ],
    'GET /staff/kpi/indicators/new': [
      { url: '/staff/kpi/indicators/new?node=1/1', expect: staff(200, ['planner', 'editor']) },
      { url: '/staff/kpi/indicators/new?node=1/2', expect: staff(200, ['planner', 'editorOther']) },
      { url: '/staff/kpi/indicators/new?node=1', expect: staff(200, ['planner']) },
      { url: '/staff/kpi/indicators/new?node=99/1', expect: staff(404) },
      { url: '/staff/kpi/indicators/new', expect: staff(404) },
    ],
    'POST /staff/kpi/indicators/new': [
      { url: '/staff/kpi/indicators/new?node=1/1', body: {}, expect: staff(400, ['planner', 'editor']) },
      { url: '/staff/kpi/indicators/new?node=99/1', body: {}, expect: staff(404) },
    ],
    'GET /staff/kpi/indicators/:id': [
      { url: mine, expect: staff(200) },
      { url: missing, expect: staff(404) },
      { url: '/staff/kpi/indicators/abc', expect: staff(404) },
    ],
    'POST /staff/kpi/indicators/:id': [
      { url: mine, body: {}, expect: staff(400, ['planner', 'editor']) },
      { url: theirs, body: {}, expect: staff(400, ['planner', 'editorOther']) },
      { url: missing, body: {}, expect: staff(404) },
    ],
    'GET /staff/kpi/indicators/:id/delete': [
      { url: `${mine}/delete`, expect: staff(200, ['planner']) },
      { url: `${missing}/delete`, expect: staff(404) },
    ],
    'POST /staff/kpi/indicators/:id/delete': [
      { url: `${mine}/delete`, body: {}, expect: staff(409, ['planner']) },
      { url: `${missing}/delete`, body: {}, expect: staff(404) },
    ],
    'GET /staff/kpi/indicators/:id/actuals': [
      { url: `${mine}/actuals`, expect: staff(200) },
      { url: `${mine}/actuals?fy=2022`, expect: staff(200) },
      { url: `${missing}/actuals`, expect: staff(404) },
    ],
    'POST /staff/kpi/indicators/:id/actuals': [
      { url: `${mine}/actuals`, body: {}, expect: staff(400, ['planner', 'editor']) },
      { url: `${theirs}/actuals`, body: {}, expect: staff(400, ['planner', 'editorOther']) },
      { url: `${missing}/actuals`, body: {}, expect: staff(404) },
    ],
    'GET /staff/kpi/settings': [{ url: '/staff/kpi/settings', expect: staff(200, ['planner']) }],
    'POST /staff/kpi/settings': [{ url: '/staff/kpi/settings', body: {}, expect: staff(400, ['planner']) }],
  };
}
