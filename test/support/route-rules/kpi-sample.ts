import { type Case, type Fixtures, staff } from '../route-rules.ts';

/**
 * Rules of the sample routes of indicators (see test/support/route-rules.ts): only planners (`kpi_settings`
 * update) see and remove the sample data. The fixture has no sample data: the planner's POST is answered
 * 303 to the page's 「削除するサンプルデータはありませんでした」 (the refused confirmation, 400, is in
 * kpi-sample.routes.test.ts, with sample data loaded).
 */
export function kpiSampleRules(_f: Fixtures): Record<string, Case[]> {
  return {
    'GET /staff/kpi/sample': [
      { url: '/staff/kpi/sample', expect: staff(200, ['planner']) },
      { url: '/staff/kpi/sample?done=removed&i=3&a=9', expect: staff(200, ['planner']) },
    ],
    'POST /staff/kpi/sample': [{ url: '/staff/kpi/sample', body: {}, expect: staff(303, ['planner']) }],
  };
}
