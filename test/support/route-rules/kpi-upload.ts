import { type Case, type Fixtures, staff } from '../route-rules.ts';

/**
 * Rules of the upload routes of indicators (see test/support/route-rules.ts). Planners and editors with a
 * department upload (administrators and committee members do not); without fy/dept the defaults apply (the
 * previous fiscal year; an editor's own department, all for planners), an unknown year is a 404 and
 * 「all departments」 is for planners only. The POST here is a plain form without a file: 400 for those who
 * may upload. Imports are only made by the module tests: an unknown one is a 404 for those who may upload.
 */
export function kpiUploadRules(_f: Fixtures): Record<string, Case[]> {
  const uploaders = ['planner', 'editor', 'editorOther'] as const;
  const up = [...uploaders];
  return {
    'GET /staff/kpi/upload': [
      { url: '/staff/kpi/upload', expect: staff(200, up) },
      { url: '/staff/kpi/upload?fy=2025&dept=all', expect: staff(200, up) },
      { url: '/staff/kpi/upload?fy=abc&dept=%3Cscript%3E', expect: staff(200, up) },
    ],
    'GET /staff/kpi/template.xlsx': [
      { url: '/staff/kpi/template.xlsx?fy=2025', expect: staff(200, up) },
      { url: '/staff/kpi/template.xlsx?fy=2025&dept=all', expect: staff(200, ['planner']) },
      { url: '/staff/kpi/template.xlsx?fy=1800', expect: staff(404, up) },
    ],
    'GET /staff/kpi/template.csv': [
      { url: '/staff/kpi/template.csv', expect: staff(200, up) },
      { url: '/staff/kpi/template.csv?fy=2025&dept=all', expect: staff(200, ['planner']) },
      { url: '/staff/kpi/template.csv?fy=2025&dept=99999', expect: { ...staff(403, up), planner: 404 } },
    ],
    'POST /staff/kpi/upload': [{ url: '/staff/kpi/upload', body: {}, expect: staff(400, up) }],
    'GET /staff/kpi/imports/:id': [
      { url: '/staff/kpi/imports/99999', expect: staff(404, up) },
      { url: '/staff/kpi/imports/99999.json', expect: staff(404, up) },
      { url: '/staff/kpi/imports/abc', expect: staff(404, up) },
    ],
    'GET /staff/kpi/imports/:id/errors.csv': [
      { url: '/staff/kpi/imports/99999/errors.csv', expect: staff(404, up) },
    ],
  };
}
