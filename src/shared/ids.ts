/**
 * Database ids as they arrive in addresses and forms. Every id column is a 32-bit integer (PostgreSQL
 * `integer`; SQLite would take more, but both databases must answer alike), so an id past 2^31 − 1 is
 * not an id: taken as one it fails on PostgreSQL with "out of range for type integer" (a 500) instead
 * of the 404 or form message it deserves.
 */
export const MAX_ID = 2_147_483_647;

const DIGITS = /^[1-9]\d{0,9}$/;

/** Whether the text is an id: plain ASCII digits without a leading zero, from 1 to 2^31 − 1. */
export function isId(raw: unknown): raw is string {
  return typeof raw === 'string' && DIGITS.test(raw) && Number(raw) <= MAX_ID;
}

/** The id the text names, or null when it is not one (see isId). */
export function parseId(raw: unknown): number | null {
  return isId(raw) ? Number(raw) : null;
}
