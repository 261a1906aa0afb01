import type { ConsultationFixture } from './consultation.ts';
import type { KpiFixture } from './kpi.ts';
import { consultationAnswersRules } from './route-rules/consultation-answers.ts';
import { consultationGroupingRules } from './route-rules/consultation-grouping.ts';
import { consultationPublicRules } from './route-rules/consultation-public.ts';
import { consultationStaffRules } from './route-rules/consultation-staff.ts';
import { kpiPublicRules } from './route-rules/kpi-public.ts';
import { kpiSampleRules } from './route-rules/kpi-sample.ts';
import { kpiStaffRules } from './route-rules/kpi-staff.ts';
import { kpiUploadRules } from './route-rules/kpi-upload.ts';

/**
 * The table of every route the app registers: a concrete request for each pattern and the status each
 * actor must get. test/authorization.test.ts walks it; test/csrf.test.ts reuses its requests.
 */
export const ACTORS = ['anonymous', 'admin', 'planner', 'editor', 'editorOther', 'committee'] as const;
export type Actor = (typeof ACTORS)[number];
export const ROLES: Actor[] = ['admin', 'planner', 'editor', 'editorOther', 'committee'];

/** Expected status per actor. */
export type Expect = Record<Actor, number>;
export const all = (status: number): Expect => Object.fromEntries(ACTORS.map((a) => [a, status])) as Expect;
/** Staff pages: anonymous visitors are sent to sign-in; the given roles get `ok`, the others 403. */
export const staff = (ok: number, allowed: Actor[] = ROLES): Expect =>
  Object.fromEntries(
    ACTORS.map((a) => [a, a === 'anonymous' ? 303 : allowed.includes(a) ? ok : 403]),
  ) as Expect;
/** Anonymous gets `anon`, every signed-in role `signedIn`. */
export const split = (anon: number, signedIn: number): Expect =>
  Object.fromEntries(ACTORS.map((a) => [a, a === 'anonymous' ? anon : signedIn])) as Expect;

export interface Case {
  /** The concrete request for the route pattern. */
  url: string;
  body?: Record<string, string>;
  expect: Expect;
  /** The request ends the actor's session: use a fresh sign-in for it. */
  destructive?: boolean;
}

export interface Fixtures {
  versionId: number;
  /** A department and a user that are not the actors' own, for the administration routes. */
  spareDepartmentId: number;
  spareUserId: number;
  /** Public comment: an open consultation on the seed's version, with one web submission of two opinions
   * (the first on measure 1/1, the second on the plan as a whole), and a group holding the first opinion
   * assigned to the department that owns measure 1/1 (the editor's). */
  consultation: ConsultationFixture;
  /** Indicators: one on measure 1/1 (the editor's department leads it), one on 1/2 (editorOther's). */
  kpi: KpiFixture;
}

/** Every route pattern, with a concrete request and the expected status per actor. */
export function rules(f: Fixtures): Record<string, Case[]> {
  return {
    ...consultationPublicRules(f),
    ...consultationStaffRules(f),
    ...consultationGroupingRules(f),
    ...consultationAnswersRules(f),
    ...kpiPublicRules(f),
    ...kpiStaffRules(f),
    ...kpiUploadRules(f),
    ...kpiSampleRules(f),
    'GET /static/*': [{ url: '/static/kyoso.css', expect: all(200) }],
    'GET /static/tokens.css': [{ url: '/static/tokens.css', expect: all(200) }],
    'GET /static/kpi.css': [{ url: '/static/kpi.css', expect: all(200) }],
    'GET /accessibility': [{ url: '/accessibility', expect: all(200) }],
    'GET /lang': [{ url: '/lang?to=en&next=/', expect: all(303) }],
    'GET /healthz': [{ url: '/healthz', expect: all(200) }],
    'GET /': [{ url: '/', expect: all(200) }],
    'GET /plan': [{ url: '/plan', expect: all(200) }],
    'GET /plan/cross-cutting': [{ url: '/plan/cross-cutting', expect: all(200) }],
    'GET /plan/cross-cutting/:n': [
      { url: '/plan/cross-cutting/1', expect: all(200) },
      { url: '/plan/cross-cutting/99', expect: all(404) },
    ],
    'GET /plan/versions': [{ url: '/plan/versions', expect: all(200) }],
    'GET /plan/versions/:id/source': [
      { url: `/plan/versions/${f.versionId}/source`, expect: all(200) },
      { url: '/plan/versions/99999/source', expect: all(404) },
    ],
    'GET /plan/:policy': [{ url: '/plan/1', expect: all(200) }],
    'GET /plan/:policy/:measure': [{ url: '/plan/1/1', expect: all(200) }],
    'GET /search': [{ url: `/search?q=${encodeURIComponent('防災')}`, expect: all(200) }],
    'GET /staff/sign-in': [{ url: '/staff/sign-in', expect: split(200, 303) }],
    'POST /staff/sign-in': [{ url: '/staff/sign-in', body: {}, expect: all(400) }],
    'GET /staff/two-factor': [{ url: '/staff/two-factor', expect: all(303) }],
    'POST /staff/two-factor': [{ url: '/staff/two-factor', body: { code: '000000' }, expect: all(303) }],
    'GET /staff/two-factor/setup': [{ url: '/staff/two-factor/setup', expect: all(303) }],
    'POST /staff/two-factor/setup': [
      { url: '/staff/two-factor/setup', body: { code: '000000' }, expect: all(303) },
    ],
    'POST /staff/sign-out': [{ url: '/staff/sign-out', body: {}, expect: all(303), destructive: true }],
    'GET /staff': [{ url: '/staff', expect: staff(200) }],
    'GET /staff/sessions': [{ url: '/staff/sessions', expect: staff(200) }],
    'POST /staff/sessions/:id/end': [
      { url: `/staff/sessions/${'0'.repeat(64)}/end`, body: {}, expect: staff(303) },
    ],
    'POST /staff/sessions/end-others': [
      { url: '/staff/sessions/end-others', body: {}, expect: staff(303), destructive: true },
    ],
    'GET /staff/setup': [{ url: '/staff/setup', expect: all(410) }],
    'POST /staff/setup': [{ url: '/staff/setup', body: { token: 'nope' }, expect: all(410) }],

    // administration: departments and users are the administrators' (planners may list departments)
    'GET /staff/departments': [{ url: '/staff/departments', expect: staff(200, ['admin', 'planner']) }],
    'POST /staff/departments': [{ url: '/staff/departments', body: {}, expect: staff(400, ['admin']) }],
    'GET /staff/departments/:id': [
      { url: `/staff/departments/${f.spareDepartmentId}`, expect: staff(200, ['admin']) },
      { url: '/staff/departments/99999', expect: staff(404, ['admin']) },
      { url: '/staff/departments/abc', expect: all(404) },
    ],
    'POST /staff/departments/:id': [
      { url: `/staff/departments/${f.spareDepartmentId}`, body: {}, expect: staff(400, ['admin']) },
    ],
    'POST /staff/departments/:id/disable': [
      { url: `/staff/departments/${f.spareDepartmentId}/disable`, body: {}, expect: staff(303, ['admin']) },
    ],
    'POST /staff/departments/:id/enable': [
      { url: `/staff/departments/${f.spareDepartmentId}/enable`, body: {}, expect: staff(303, ['admin']) },
    ],
    'GET /staff/users': [{ url: '/staff/users', expect: staff(200, ['admin']) }],
    'GET /staff/users/invite': [{ url: '/staff/users/invite', expect: staff(200, ['admin']) }],
    'POST /staff/users/invite': [{ url: '/staff/users/invite', body: {}, expect: staff(400, ['admin']) }],
    'POST /staff/users/invitations/cancel': [
      { url: '/staff/users/invitations/cancel', body: {}, expect: staff(303, ['admin']) },
    ],
    'GET /staff/users/:id': [
      { url: `/staff/users/${f.spareUserId}`, expect: staff(200, ['admin']) },
      { url: '/staff/users/99999', expect: staff(404, ['admin']) },
    ],
    'POST /staff/users/:id': [
      { url: `/staff/users/${f.spareUserId}`, body: {}, expect: staff(400, ['admin']) },
    ],
    'POST /staff/users/:id/disable': [
      { url: `/staff/users/${f.spareUserId}/disable`, body: {}, expect: staff(303, ['admin']) },
    ],
    'POST /staff/users/:id/enable': [
      { url: `/staff/users/${f.spareUserId}/enable`, body: {}, expect: staff(303, ['admin']) },
    ],
    'GET /staff/invitations/:token': [{ url: `/staff/invitations/${'x'.repeat(43)}`, expect: all(410) }],
    'POST /staff/invitations/:token': [
      { url: `/staff/invitations/${'x'.repeat(43)}`, body: {}, expect: all(410) },
    ],

    // the audit log: administrators and planners
    'GET /staff/audit': [{ url: '/staff/audit', expect: staff(200, ['admin', 'planner']) }],
    'GET /staff/audit.csv': [{ url: '/staff/audit.csv', expect: staff(200, ['admin', 'planner']) }],

    // a measure's staff workspace: planners and the editors of the owning departments (1/1 is owned by
    // the editor's department, 1/2 by the other editor's); everyone else 403, whatever address they guess
    'GET /staff/measures/:policy/:measure': [
      { url: '/staff/measures/1/1', expect: { ...staff(200, ['planner', 'editor']) } },
      { url: '/staff/measures/1/2', expect: { ...staff(200, ['planner', 'editorOther']) } },
      { url: '/staff/measures/1/99', expect: split(303, 404) },
    ],

    // plan settings (ownership, cross-cutting links): planners edit, administrators read the list
    'GET /staff/plan': [{ url: '/staff/plan', expect: staff(200, ['admin', 'planner']) }],
    'GET /staff/plan/measures/:policy/:measure': [
      { url: '/staff/plan/measures/1/1', expect: staff(200, ['planner']) },
      { url: '/staff/plan/measures/1/99', expect: staff(404, ['planner']) },
    ],
    'POST /staff/plan/measures/:policy/:measure': [
      {
        url: '/staff/plan/measures/1/1',
        body: { version: String(f.versionId) },
        expect: staff(303, ['planner']),
      },
    ],
  };
}
