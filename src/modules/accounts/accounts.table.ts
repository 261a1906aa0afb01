import type { Generated } from 'kysely';

/** Kysely table types of staff accounts: departments, users, sessions, one-time tokens, throttling. */

export interface DepartmentTable {
  id: Generated<number>;
  municipality_code: string;
  /** e.g. 総合政策部 企画課 */
  name: string;
  position: number;
  created_at: string;
  disabled_at: string | null;
}

export interface UserTable {
  id: Generated<number>;
  municipality_code: string;
  /** Lower-cased; unique. */
  email: string;
  display_name: string;
  /** admin | planner | editor | committee */
  role: string;
  /** argon2id PHC string; null until the invitation is accepted. */
  password_hash: string | null;
  /** Base32 TOTP secret; null until enrolment is confirmed. */
  totp_secret: string | null;
  /** Secret offered during enrolment, before the first code confirms it. */
  totp_pending_secret: string | null;
  totp_enabled_at: string | null;
  /** The last accepted TOTP time step: a code is accepted once (no replay). */
  totp_last_step: number | null;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface UserDepartmentTable {
  user_id: number;
  department_id: number;
}

export interface RecoveryCodeTable {
  id: Generated<number>;
  user_id: number;
  /** sha256 of the normalised code. */
  code_hash: string;
  used_at: string | null;
}

export interface SessionTable {
  /** sha256 (hex) of the cookie token: a database leak gives no usable session. */
  id: string;
  user_id: number;
  municipality_code: string;
  created_at: string;
  last_seen_at: string;
  /** Absolute end (created_at + 12 h). */
  expires_at: string;
  /** 1 once the second factor has been passed in this session. */
  mfa_passed: number;
  ip: string;
  user_agent: string;
  ended_at: string | null;
}

export interface OneTimeTokenTable {
  /** sha256 (hex) of the token in the link. */
  token_hash: string;
  municipality_code: string;
  /** setup (first administrator) | invite */
  kind: string;
  email: string | null;
  role: string | null;
  /** JSON number[] of department ids for invitations. */
  department_ids: string;
  created_by: number | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** Attempt counts of sign-in throttling (throttle.ts, ADR 0008), one row per key. */
export interface SignInThrottleTable {
  /**
   * account:<email>, ip:<address> and mfa:<user id> (untrusted browsers); device:<nonce> and
   * mfa-device:<nonce> (a browser's device cookie).
   */
  key: string;
  /** Attempts counted in the window (successes are taken back); stops at the rule's max + 1. */
  failures: number;
  window_started_at: string;
  /** Set by the attempt that reaches the maximum; attempts until then are refused. */
  locked_until: string | null;
}

export interface MeasureDepartmentTable {
  municipality_code: string;
  plan_id: number;
  /** The measure's address in the plan ("1/2"): stable across versions. */
  node_path: string;
  department_id: number;
  /** lead (主担当) | support (関係課) */
  role: string;
}

/** Random keys shared by every process on the database (CSRF token HMAC), made on first use. */
export interface AppSecretTable {
  name: string;
  value: string;
  created_at: string;
}

export interface AccountTables {
  app_secrets: AppSecretTable;
  departments: DepartmentTable;
  users: UserTable;
  user_departments: UserDepartmentTable;
  recovery_codes: RecoveryCodeTable;
  sessions: SessionTable;
  one_time_tokens: OneTimeTokenTable;
  sign_in_throttle: SignInThrottleTable;
  measure_departments: MeasureDepartmentTable;
}
