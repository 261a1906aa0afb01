import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import * as repo from './accounts.repository.ts';
import type { Role, SessionListItem, StaffSession, StaffUser } from './accounts.types.ts';

/**
 * Server-side sessions (ADR 0004): the cookie holds a random token, the database its sha256, so that
 * several app processes share sessions and a database leak yields no usable cookie.
 */

/** A session ends after 30 minutes without a request… */
export const SESSION_IDLE_MS = 30 * 60 * 1000;
/** …and 12 hours after sign-in, whatever happens. */
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/** last_seen_at is written at most this often, so that reading pages does not write on every request. */
const TOUCH_INTERVAL_MS = 60 * 1000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface NewSession {
  userId: number;
  municipalityCode: string;
  ip: string;
  userAgent: string;
  mfaPassed: boolean;
  now: Date;
}

/** Creates a session and returns the token for the cookie (shown once, never stored). */
export async function createSession(db: Db, s: NewSession): Promise<{ token: string; id: string }> {
  const token = randomBytes(32).toString('base64url');
  const id = hashToken(token);
  const at = s.now.toISOString();
  await repo.insertSession(db.kysely, {
    id,
    user_id: s.userId,
    municipality_code: s.municipalityCode,
    created_at: at,
    last_seen_at: at,
    expires_at: new Date(s.now.getTime() + SESSION_ABSOLUTE_MS).toISOString(),
    mfa_passed: s.mfaPassed ? 1 : 0,
    ip: s.ip.slice(0, 100),
    user_agent: s.userAgent.slice(0, 300),
    ended_at: null,
  });
  return { token, id };
}

export interface ResolvedSession {
  session: StaffSession;
  user: StaffUser;
}

/**
 * The session and user behind a cookie token, or null when the session is unknown, ended, idle for
 * more than 30 minutes, past its 12 hours, or its user is disabled. An expired session is ended.
 */
export async function resolveSession(db: Db, token: string, now: Date): Promise<ResolvedSession | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const id = hashToken(token);
  const row = await repo.findSessionWithUser(db.kysely, id);
  if (!row || row.ended_at !== null) return null;
  const t = now.getTime();
  const idle = t - Date.parse(row.last_seen_at) > SESSION_IDLE_MS;
  const expired = t >= Date.parse(row.expires_at);
  if (idle || expired || row.disabled_at !== null) {
    await repo.endSession(db.kysely, id, now.toISOString());
    return null;
  }
  if (t - Date.parse(row.last_seen_at) > TOUCH_INTERVAL_MS) {
    await repo.touchSession(db.kysely, id, now.toISOString());
  }
  const departmentIds = await repo.findDepartmentIdsOfUser(db.kysely, row.user_id);
  return {
    session: {
      id,
      userId: row.user_id,
      createdAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      expiresAt: row.expires_at,
      mfaPassed: row.mfa_passed === 1,
    },
    user: {
      id: row.user_id,
      municipalityCode: row.municipality_code,
      email: row.email,
      displayName: row.display_name,
      role: row.role as Role,
      departmentIds,
      totpEnabled: row.totp_enabled_at !== null,
    },
  };
}

export async function endSession(db: Db, id: string, now: Date): Promise<void> {
  await repo.endSession(db.kysely, id, now.toISOString());
}

/** Ends every session of the user (disabling, password change), or every other one. */
export async function endSessionsOfUser(db: Db, userId: number, now: Date, exceptId?: string): Promise<void> {
  await repo.endSessionsOfUser(db.kysely, userId, now.toISOString(), exceptId);
}

/** The user's open sessions, newest first, for "where am I signed in". */
export async function listSessions(
  db: Db,
  userId: number,
  currentId: string,
  now: Date,
): Promise<SessionListItem[]> {
  const rows = await repo.listOpenSessionsOfUser(db.kysely, userId, now.toISOString());
  const cutoff = now.getTime() - SESSION_IDLE_MS;
  return rows
    .filter((r) => Date.parse(r.last_seen_at) >= cutoff)
    .map((r) => ({
      id: r.id,
      createdAt: r.created_at,
      lastSeenAt: r.last_seen_at,
      ip: r.ip,
      userAgent: r.user_agent,
      current: r.id === currentId,
    }));
}
