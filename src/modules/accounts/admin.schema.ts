import { z } from 'zod';
import { graphemeLength } from '../../shared/text.ts';
import type { FieldErrors, Validated } from '../../shared/validation.ts';
import { NotFoundError } from '../../web/errors.ts';
import type { Translate } from '../../web/i18n/messages.ts';
import { ROLES, type Role } from './accounts.types.ts';
import { normalizeEmail } from './auth.service.ts';

/**
 * Validation of the administration forms (departments, invitations, users). Messages come from the
 * catalogue through `t`, name the field, and are listed in field order (GOV.UK style): the error summary
 * links each one to the field whose id is its `field`.
 */

export const DEPARTMENT_NAME_MAX = 100;
export const POSITION_MAX = 9999;
/** More checkboxes than any municipality has departments: a longer list is not a form we sent. */
const MAX_DEPARTMENTS = 500;

const EMAIL_RE = /^[^\s@<>()"',;:\\[\]]+@[^\s@<>()"',;:\\[\]]+\.[^\s@<>()"',;:\\[\]]+$/;

type Body = Record<string, unknown>;

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Control characters removed, NFC, trimmed (full-width spaces too): what a one-line field keeps. */
function oneLine(s: string): string {
  return s
    .replace(/\p{Cc}/gu, '')
    .normalize('NFC')
    .trim();
}

// --- route parameters ------------------------------------------------------------------------------

const idParam = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,9}$/)
    .transform(Number)
    .refine((n) => n <= 2_147_483_647),
});

/** The numeric `:id` of a department or user; anything else is a page that does not exist (404). */
export function parseId(params: unknown): number {
  const r = idParam.safeParse(params);
  if (!r.success) throw new NotFoundError('malformed id');
  return r.data.id;
}

const tokenParam = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/) });

/** The invitation token of the link, or null when it cannot be one (then the link is unusable). */
export function parseToken(params: unknown): string | null {
  const r = tokenParam.safeParse(params);
  return r.success ? r.data.token : null;
}

// --- departments -----------------------------------------------------------------------------------

function departmentName(b: Body, t: Translate, errors: FieldErrors): string {
  const name = oneLine(str(b.name));
  const n = graphemeLength(name);
  if (name === '') errors.push({ field: 'name', message: t('admin.v.deptNameRequired') });
  else if (n > DEPARTMENT_NAME_MAX)
    errors.push({
      field: 'name',
      message: t('admin.v.deptNameTooLong', { max: DEPARTMENT_NAME_MAX, count: n.toLocaleString('ja-JP') }),
    });
  return name;
}

/** The create form: a name (1–100 characters). */
export function validateNewDepartment(body: unknown, t: Translate): Validated<{ name: string }> {
  const b = (body ?? {}) as Body;
  const errors: FieldErrors = [];
  const name = departmentName(b, t, errors);
  return errors.length ? { ok: false, errors } : { ok: true, value: { name } };
}

export interface DepartmentEdit {
  name: string;
  position: number;
}

/** The edit form: the name and the display position (0–9999; full-width digits accepted). */
export function validateDepartmentEdit(body: unknown, t: Translate): Validated<DepartmentEdit> {
  const b = (body ?? {}) as Body;
  const errors: FieldErrors = [];
  const name = departmentName(b, t, errors);
  const p = oneLine(str(b.position).normalize('NFKC'));
  let position = 0;
  if (p === '') errors.push({ field: 'position', message: t('admin.v.positionRequired') });
  else if (!/^\d{1,4}$/.test(p))
    errors.push({ field: 'position', message: t('admin.v.positionInvalid', { max: POSITION_MAX }) });
  else position = Number(p);
  return errors.length ? { ok: false, errors } : { ok: true, value: { name, position } };
}

// --- users and invitations -------------------------------------------------------------------------

function role(b: Body, t: Translate, errors: FieldErrors): Role | null {
  const r = str(b.role);
  if ((ROLES as readonly string[]).includes(r)) return r as Role;
  errors.push({ field: 'role', message: t('admin.v.roleRequired') });
  return null;
}

/** The checked departments: none, one (a string) or several (an array of the same key). */
function departmentIds(b: Body, role: Role | null, t: Translate, errors: FieldErrors): number[] {
  const raw = b.departmentIds;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const ids = new Set<number>();
  let bad = list.length > MAX_DEPARTMENTS;
  for (const v of list) {
    if (typeof v === 'string' && /^[1-9]\d{0,9}$/.test(v) && Number(v) <= 2_147_483_647) ids.add(Number(v));
    else bad = true;
  }
  if (bad) errors.push({ field: 'departmentIds', message: t('admin.v.departmentsInvalid') });
  else if (role === 'editor' && ids.size === 0)
    errors.push({ field: 'departmentIds', message: t('admin.v.editorNeedsDepartment') });
  return [...ids].sort((x, y) => x - y);
}

export interface InvitationInput {
  email: string;
  role: Role;
  departmentIds: number[];
}

/** The invitation form: e-mail, role, departments (an editor needs at least one). */
export function validateInvitation(body: unknown, t: Translate): Validated<InvitationInput> {
  const b = (body ?? {}) as Body;
  const errors: FieldErrors = [];
  const email = normalizeEmail(str(b.email).replace(/\p{Cc}/gu, ''));
  if (email === '') errors.push({ field: 'email', message: t('admin.v.emailRequired') });
  else if (email.length > 254 || !EMAIL_RE.test(email))
    errors.push({ field: 'email', message: t('admin.v.emailInvalid') });
  const r = role(b, t, errors);
  const ids = departmentIds(b, r, t, errors);
  return errors.length || !r
    ? { ok: false, errors }
    : { ok: true, value: { email, role: r, departmentIds: ids } };
}

export interface UserEdit {
  role: Role;
  departmentIds: number[];
}

/** The user form: role and departments. */
export function validateUserEdit(body: unknown, t: Translate): Validated<UserEdit> {
  const b = (body ?? {}) as Body;
  const errors: FieldErrors = [];
  const r = role(b, t, errors);
  const ids = departmentIds(b, r, t, errors);
  return errors.length || !r ? { ok: false, errors } : { ok: true, value: { role: r, departmentIds: ids } };
}

/** The e-mail of the invitation to withdraw (a hidden field of the users list). */
export function parseInvitationEmail(body: unknown): string | null {
  const email = normalizeEmail(str((body as Body | undefined)?.email).replace(/\p{Cc}/gu, ''));
  return email !== '' && email.length <= 254 ? email : null;
}
