/** Domain types of staff accounts. */

export const ROLES = ['admin', 'planner', 'editor', 'committee'] as const;
export type Role = (typeof ROLES)[number];

/** A signed-in member of staff, as policies and views see them. */
export interface StaffUser {
  id: number;
  municipalityCode: string;
  email: string;
  displayName: string;
  role: Role;
  /** The departments the user belongs to (editors edit what these own). */
  departmentIds: number[];
  totpEnabled: boolean;
}

export interface StaffSession {
  /** sha256 of the cookie token (the token itself is never stored). */
  id: string;
  userId: number;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  /** The second factor has been passed in this session. */
  mfaPassed: boolean;
}

export interface SessionListItem {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  ip: string;
  userAgent: string;
  current: boolean;
}
