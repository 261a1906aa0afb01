import { createRequire } from 'node:module';
import { type Algorithm, hash, parseOptions, type Version, verify } from '@node-rs/argon2';

/**
 * Staff passwords (OWASP ASVS 5.0 chapter 6 and 11.4, level 2): length limits without composition
 * rules, a common-password check, a check against the account's own identity, and argon2id storage.
 */

/**
 * Minimum length in Unicode code points. ASVS 5.0 6.2.1 requires at least 8 and strongly recommends
 * 15; 12 is the project's choice (the level of ASVS 4.0.3 2.1.1), with the common-password check.
 */
export const PASSWORD_MIN = 12;

/**
 * Maximum length in Unicode code points: ASVS 5.0 6.2.9 asks to permit at least 64, and long
 * passphrases must never be cut. The cap only bounds the work one request can cause.
 */
export const PASSWORD_MAX = 256;

// `Algorithm` and `Version` are ambient const enums, which cannot be read under verbatimModuleSyntax:
// their values are written out, and the type annotations make tsc check that they are members.
const ARGON2ID: Algorithm = 2; // Algorithm.Argon2id
const VERSION_0X13: Version = 1; // Version.V0x13 (19)

/**
 * argon2id parameters of OWASP's Password Storage Cheat Sheet (m = 19 MiB, t = 2, p = 1). Hashes made
 * with weaker ones are upgraded on the next successful sign-in (see {@link needsRehash}).
 */
export const ARGON2_PARAMS = Object.freeze({
  algorithm: ARGON2ID,
  version: VERSION_0X13,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
});

/** Salt length (bytes) @node-rs/argon2 generates; shorter salts in stored hashes call for a rehash. */
const SALT_LEN = 16;

/** Why a password was refused; `length` is the code-point count, for messages like 「現在8文字」. */
export type PasswordPolicyResult =
  | { ok: true }
  | { ok: false; reason: 'too_short' | 'too_long' | 'common' | 'contains_identity'; length: number };

/**
 * What the account and the service are known by: a password containing it is among the first things
 * an attacker tries. `contextWords` adds context-specific words (ASVS 5.0 6.1.2 / 6.2.11), e.g. the
 * municipality's name in kanji and romaji, to {@link PASSWORD_CONTEXT_WORDS}.
 */
export interface PasswordContext {
  email?: string;
  displayName?: string;
  contextWords?: readonly string[];
}

/**
 * Context-specific words always refused inside a password (ASVS 5.0 6.2.11): the product's name.
 * Deployments add their own (the municipality's name) through `PasswordContext.contextWords`.
 */
export const PASSWORD_CONTEXT_WORDS: readonly string[] = Object.freeze(['kyoso', '協創']);

/**
 * Normalises a password to NFKC, so that the full-width and half-width forms a Japanese IME may
 * produce (「ｐａｓｓ１」 and "pass1") are the same password at sign-up and at sign-in (NIST SP 800-63B
 * 5.1.1.2). It does not trim: spaces are characters the user chose.
 */
export function normalizePassword(pw: string): string {
  return pw.normalize('NFKC');
}

/** Length in Unicode code points (an emoji outside the BMP counts once, not as two UTF-16 units). */
function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Checks a new password against the policy, in this order: length (code points of the NFKC form,
 * `PASSWORD_MIN`..`PASSWORD_MAX`), common passwords, the account's own identity. No composition rules
 * (ASVS 5.0 6.2.5): length and the blocklist are what make a password hard to guess.
 *
 * 'common' (ASVS 5.0 6.2.4) covers, on the lower-cased NFKC form:
 * - an entry of the ~49k common passwords of `@zxcvbn-ts/language-common`;
 * - such an entry with only digits, symbols or spaces added at the end, or at both ends
 *   ("password123456", "!!dragon2024"), when what remains has at least 6 code points;
 * - a run of a keyboard row, the alphabet or the digits, forwards or backwards ("qwertyuiopas");
 * - a repetition of a unit of at most 4 code points ("abcabcabcabc") or of any of the above
 *   ("dragondragon").
 * This is deliberately modest: it refuses what attackers try first, not every weak password.
 *
 * 'contains_identity': the password contains, case-insensitively (after NFKC), the e-mail's local part
 * or one of its dot/underscore/plus/hyphen-separated pieces, or the display name (spaces removed) or
 * one of its words, each only when it has at least 4 code points so that short pieces ("li", "田中")
 * do not refuse unrelated passwords; or one of the context words, whatever their length.
 */
export function checkPasswordPolicy(pw: string, context?: PasswordContext): PasswordPolicyResult {
  const normalized = normalizePassword(pw);
  const length = codePoints(normalized);
  if (length < PASSWORD_MIN) return { ok: false, reason: 'too_short', length };
  if (length > PASSWORD_MAX) return { ok: false, reason: 'too_long', length };
  const lower = normalized.toLowerCase();
  if (isCommonPassword(lower)) return { ok: false, reason: 'common', length };
  if (identityParts(context).some((part) => lower.includes(part))) {
    return { ok: false, reason: 'contains_identity', length };
  }
  return { ok: true };
}

// --- common passwords ------------------------------------------------------------------------------

const requireCjs = createRequire(import.meta.url);
let commonSet: Set<string> | undefined;

/**
 * The common-password list as a Set, built on first use: loading the package decompresses its
 * dictionaries (about 0.1 s, 10 MB), which only password changes need, not every process start.
 */
function commonPasswords(): Set<string> {
  if (!commonSet) {
    const { dictionary } = requireCjs(
      '@zxcvbn-ts/language-common',
    ) as typeof import('@zxcvbn-ts/language-common');
    commonSet = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  }
  return commonSet;
}

/** Keyboard rows (US layout, digits row first), a keyboard column walk, the alphabet, the digits. */
const SEQUENCES = [
  '1234567890qwertyuiopasdfghjklzxcvbnm',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
  'abcdefghijklmnopqrstuvwxyz',
  '01234567890',
];
const RUNS = [...SEQUENCES, ...SEQUENCES.map((s) => [...s].reverse().join(''))];

/** Shortest stem considered once digits and symbols are stripped: shorter stems are too ambiguous. */
const MIN_STEM = 6;

/** Digits, punctuation, symbols and spaces (anything but letters and marks) at the end / both ends. */
const TRAILING_NON_LETTERS = /[^\p{L}\p{M}]+$/u;
const LEADING_NON_LETTERS = /^[^\p{L}\p{M}]+/u;

/** The password itself, then its stems without trailing (or leading and trailing) non-letters. */
function variants(s: string): string[] {
  const out = [s];
  const trailing = s.replace(TRAILING_NON_LETTERS, '');
  const both = trailing.replace(LEADING_NON_LETTERS, '');
  for (const stem of [trailing, both]) {
    if (stem !== s && codePoints(stem) >= MIN_STEM && !out.includes(stem)) out.push(stem);
  }
  return out;
}

function isListedOrRun(s: string): boolean {
  return commonPasswords().has(s) || (codePoints(s) >= MIN_STEM && RUNS.some((run) => run.includes(s)));
}

/** The shortest unit of which `s` is two or more repetitions, or null. */
function repeatedUnit(s: string): string | null {
  const chars = [...s];
  const n = chars.length;
  for (let size = 1; size <= n / 2; size++) {
    if (n % size !== 0) continue;
    const unit = chars.slice(0, size).join('');
    if (unit.repeat(n / size) === s) return unit;
  }
  return null;
}

function isCommonPassword(lower: string): boolean {
  for (const candidate of variants(lower)) {
    if (isListedOrRun(candidate)) return true;
    const unit = repeatedUnit(candidate);
    if (unit !== null && (codePoints(unit) <= 4 || variants(unit).some(isListedOrRun))) return true;
  }
  return false;
}

/** Minimum length (code points) of an identity part for it to be refused inside a password. */
const MIN_IDENTITY_PART = 4;

function identityParts(context: PasswordContext | undefined): string[] {
  const parts = new Set<string>();
  const add = (s: string) => {
    if (codePoints(s) >= MIN_IDENTITY_PART) parts.add(s);
  };
  const email = context?.email?.normalize('NFKC').toLowerCase().trim();
  if (email) {
    const at = email.lastIndexOf('@');
    const local = at >= 0 ? email.slice(0, at) : email;
    add(local);
    for (const piece of local.split(/[._+-]/)) add(piece);
  }
  const name = context?.displayName?.normalize('NFKC').toLowerCase().trim();
  if (name) {
    add(name.replace(/\s+/gu, ''));
    for (const word of name.split(/\s+/u)) add(word);
  }
  for (const word of [...PASSWORD_CONTEXT_WORDS, ...(context?.contextWords ?? [])]) {
    const w = word.normalize('NFKC').toLowerCase().trim();
    if (w) parts.add(w);
  }
  return [...parts];
}

// --- storage --------------------------------------------------------------------------------------

/**
 * Hashes a password for storage: argon2id with {@link ARGON2_PARAMS} and a random salt, on the NFKC
 * form. Returns a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`). Runs on libuv's thread pool, so
 * that hashing does not block the event loop.
 */
export async function hashPassword(pw: string): Promise<string> {
  return hash(normalizePassword(pw), ARGON2_PARAMS);
}

/**
 * Checks a password against a stored PHC hash (NFKC form, constant-time comparison inside argon2).
 * Never throws: a malformed or foreign hash is simply not a match, so that a corrupted row cannot
 * turn a sign-in into a server error that differs from a wrong password.
 */
export async function verifyPassword(hashed: string, pw: string): Promise<boolean> {
  try {
    return await verify(hashed, normalizePassword(pw));
  } catch {
    return false;
  }
}

/**
 * A fixed hash with the current parameters, of a random password nobody knows. Kept in step with
 * {@link ARGON2_PARAMS} by a test (`needsRehash(DUMMY_PASSWORD_HASH)` must be false).
 */
export const DUMMY_PASSWORD_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$O5Z6MqFbI6nD3rk0xb4EMg$kLZTlKSXXgJL7zIghXKdyatvo+lX1TYsi9cvaB60C3o';

/**
 * Spends the time of a real {@link verifyPassword} (same normalisation, same argon2id parameters)
 * and always resolves to false. Call it when the account does not exist, is disabled or has no
 * password yet, so that the response time does not reveal which accounts exist (ASVS 5.0 6.3.8).
 */
export async function dummyVerifyPassword(pw: string): Promise<false> {
  await verifyPassword(DUMMY_PASSWORD_HASH, pw);
  return false;
}

/**
 * True when a stored hash is weaker than what {@link hashPassword} makes today (another algorithm or
 * version, less memory, fewer passes, shorter output or salt), or cannot be parsed. Call it after a
 * successful {@link verifyPassword} and store `hashPassword(pw)` when it is true.
 */
export function needsRehash(hashed: string): boolean {
  try {
    const p = parseOptions(hashed);
    return (
      p.algorithm !== ARGON2_PARAMS.algorithm ||
      p.version !== ARGON2_PARAMS.version ||
      p.memoryCost < ARGON2_PARAMS.memoryCost ||
      p.timeCost < ARGON2_PARAMS.timeCost ||
      p.outputLen < ARGON2_PARAMS.outputLen ||
      p.saltLen < SALT_LEN
    );
  } catch {
    return true;
  }
}
