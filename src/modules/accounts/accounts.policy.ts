import { ForbiddenError } from '../../web/errors.ts';
import type { Role, StaffUser } from './accounts.types.ts';

/**
 * Who may do what, as data: one rule per resource type and action. Every staff route calls
 * `authorize(user, action, resource)`; views receive `abilities(user)` and never decide themselves.
 */

export type Resource =
  | { type: 'staff_area' }
  | { type: 'user'; id?: number }
  | { type: 'department'; id?: number }
  | { type: 'audit' }
  /** The ownership and cross-cutting links of the plan's measures. */
  | { type: 'plan_settings' }
  /** A measure and what hangs on it (KPIs, evaluations …): owned by departments. */
  | { type: 'measure'; ownerDepartmentIds: readonly number[] }
  /** A public-comment consultation: its settings, triage, grouping and publication. */
  | { type: 'consultation' }
  /** A submitter's name, address, e-mail and phone (reading them is audited). */
  | { type: 'personal_data' }
  /** The answer (市の考え方) of an opinion group, drafted by the department it is assigned to. */
  | { type: 'answer'; departmentId: number | null }
  /** Mail waiting to be sent (holds addresses). */
  | { type: 'outbox' }
  /** An indicator (目標指標) and its actuals, owned by one department (its own or the measure's lead). */
  | { type: 'indicator'; departmentId: number | null }
  /** The city's grading rules and the sample data switch of indicators. */
  | { type: 'kpi_settings' };

export type Action =
  | 'read'
  | 'create'
  | 'update'
  | 'disable'
  | 'export'
  | 'edit'
  | 'triage'
  | 'approve'
  | 'publish';

type Rule = (user: StaffUser, resource: Resource) => boolean;

const role =
  (...roles: Role[]): Rule =>
  (user) =>
    roles.includes(user.role);

const allOf =
  (...rules: Rule[]): Rule =>
  (user, resource) =>
    rules.every((r) => r(user, resource));

/** The user belongs to the department the answer is assigned to. */
const answersFor: Rule = (user, resource) =>
  resource.type === 'answer' &&
  resource.departmentId !== null &&
  user.departmentIds.includes(resource.departmentId);

/** The user belongs to one of the departments that own the measure. */
/** The user belongs to the department that owns the indicator. */
const ownsIndicator: Rule = (user, resource) =>
  resource.type === 'indicator' &&
  resource.departmentId !== null &&
  user.departmentIds.includes(resource.departmentId);

const ownsMeasure: Rule = (user, resource) =>
  resource.type === 'measure' && resource.ownerDepartmentIds.some((d) => user.departmentIds.includes(d));

const anyOf =
  (...rules: Rule[]): Rule =>
  (user, resource) =>
    rules.some((r) => r(user, resource));

/** The policy table. Anything not listed is refused. */
export const POLICY: { [T in Resource['type']]: Partial<Record<Action, Rule>> } = {
  staff_area: { read: role('admin', 'planner', 'editor', 'committee') },
  user: {
    read: role('admin'),
    create: role('admin'),
    update: role('admin'),
    disable: role('admin'),
  },
  department: {
    read: role('admin', 'planner'),
    create: role('admin'),
    update: role('admin'),
    disable: role('admin'),
  },
  audit: { read: role('admin', 'planner'), export: role('admin', 'planner') },
  plan_settings: { read: role('admin', 'planner'), update: role('planner') },
  measure: {
    read: role('admin', 'planner', 'editor', 'committee'),
    // Department editors edit what their departments own; committee members never edit, whatever
    // departments they may be attached to.
    edit: anyOf(role('planner'), allOf(role('editor'), ownsMeasure)),
  },
  // Public comment: the planning division runs it; departments read the opinions and draft answers for
  // what is assigned to them; personal data is the planning division's alone.
  consultation: {
    read: role('admin', 'planner', 'editor'),
    create: role('planner'),
    update: role('planner'),
    triage: role('planner'),
    publish: role('planner'),
  },
  personal_data: { read: role('planner'), create: role('planner') },
  answer: {
    read: role('planner', 'editor'),
    edit: anyOf(role('planner'), allOf(role('editor'), answersFor)),
    approve: role('planner'),
  },
  outbox: { read: role('admin', 'planner') },
  // Indicators: every member of staff reads them (the public does too, on the dashboard); the owning
  // department and the planning division edit definitions and actuals; only planners delete one.
  indicator: {
    read: role('admin', 'planner', 'editor', 'committee'),
    edit: anyOf(role('planner'), allOf(role('editor'), ownsIndicator)),
    export: role('admin', 'planner', 'editor', 'committee'),
    disable: role('planner'),
  },
  kpi_settings: { read: role('admin', 'planner'), update: role('planner') },
};

export function can(user: StaffUser | null | undefined, action: Action, resource: Resource): boolean {
  if (!user) return false;
  const rule = POLICY[resource.type][action];
  return rule ? rule(user, resource) : false;
}

/** Throws 403 unless the user may. */
export function authorize(user: StaffUser, action: Action, resource: Resource): void {
  if (!can(user, action, resource)) {
    throw new ForbiddenError(`${user.role} may not ${action} ${resource.type}`);
  }
}

/** What the staff pages may offer the user (menus, buttons): derived from the same table. */
export function abilities(user: StaffUser) {
  return {
    manageUsers: can(user, 'read', { type: 'user' }),
    manageDepartments: can(user, 'create', { type: 'department' }),
    viewDepartments: can(user, 'read', { type: 'department' }),
    viewAudit: can(user, 'read', { type: 'audit' }),
    viewPlanSettings: can(user, 'read', { type: 'plan_settings' }),
    editPlanSettings: can(user, 'update', { type: 'plan_settings' }),
    viewConsultations: can(user, 'read', { type: 'consultation' }),
    manageConsultations: can(user, 'update', { type: 'consultation' }),
    triageOpinions: can(user, 'triage', { type: 'consultation' }),
    viewPersonalData: can(user, 'read', { type: 'personal_data' }),
    approveAnswers: can(user, 'approve', { type: 'answer', departmentId: null }),
    viewOutbox: can(user, 'read', { type: 'outbox' }),
    viewIndicators: can(user, 'read', { type: 'indicator', departmentId: null }),
    manageKpiSettings: can(user, 'update', { type: 'kpi_settings' }),
  };
}
export type Abilities = ReturnType<typeof abilities>;
