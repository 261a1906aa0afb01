import { createHash, randomInt } from 'node:crypto';

/**
 * Recovery codes: single-use lookup secrets that replace the TOTP code when the phone is lost
 * (ASVS 5.0 6.5). Shown once in plain text; only their hashes are stored (`recovery_codes.code_hash`).
 */

/**
 * Lower-case letters and digits without the ones that are easily confused when read from paper or
 * typed: 0/o, 1/l/i. 31 symbols, about 4.95 bits each.
 */
export const RECOVERY_CODE_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
/** Groups of four characters, joined by hyphens: `k7p2-9xqm-4hd3-r8vw-z6ty-3bnf`. */
export const RECOVERY_CODE_GROUPS = 6;
const GROUP_SIZE = 4;

/**
 * Entropy of one code in bits: 24 × log2(31) ≈ 118.9. ASVS 5.0 6.5.2 (level 2) allows a standard
 * hash function for stored lookup secrets only from 112 bits; below that it requires a salted
 * password hash. Hence six groups of four rather than three.
 */
export const RECOVERY_CODE_BITS =
  RECOVERY_CODE_GROUPS * GROUP_SIZE * Math.log2(RECOVERY_CODE_ALPHABET.length);

/** Well-formed normalised code: 24 characters of the alphabet (what {@link normalizeRecoveryCode} gives). */
const NORMALISED_CODE = new RegExp(`^[${RECOVERY_CODE_ALPHABET}]{${RECOVERY_CODE_GROUPS * GROUP_SIZE}}$`);

/**
 * `n` new recovery codes, all distinct, each character drawn uniformly from
 * {@link RECOVERY_CODE_ALPHABET} by the operating system's CSPRNG (`crypto.randomInt`, no modulo
 * bias; ASVS 5.0 6.5.3). Plain text: show them once, store {@link hashRecoveryCode} of each.
 */
export function generateRecoveryCodes(n = 10): string[] {
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw new RangeError('generateRecoveryCodes: n must be 1..100');
  const codes = new Set<string>();
  while (codes.size < n) codes.add(generateOne());
  return [...codes];
}

function generateOne(): string {
  const groups: string[] = [];
  for (let g = 0; g < RECOVERY_CODE_GROUPS; g++) {
    let group = '';
    for (let i = 0; i < GROUP_SIZE; i++)
      group += RECOVERY_CODE_ALPHABET[randomInt(RECOVERY_CODE_ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/**
 * Hyphens and dashes someone may type between the groups, besides "-": Unicode hyphens and dashes,
 * the minus sign, and the katakana prolonged sound mark 「ー」 that a Japanese IME often produces
 * for "-" (NFKC leaves all of these alone).
 */
const SEPARATORS = /[\s\-\u2010-\u2015\u2212\u30fc]+/gu;

/**
 * The canonical form of a typed code, so that what is copied from paper, a PDF or a phone matches:
 * NFKC (full-width 「Ｋ７Ｐ２」 → "k7p2"), lower case, and no spaces or hyphens anywhere (which also
 * trims). It does not validate: see {@link isWellFormedRecoveryCode}.
 */
export function normalizeRecoveryCode(input: string): string {
  return input.normalize('NFKC').toLowerCase().replace(SEPARATORS, '');
}

/**
 * True when the input, once normalised, has the shape of a recovery code: lets the caller refuse
 * garbage before a database lookup and count it as a failed attempt all the same.
 */
export function isWellFormedRecoveryCode(input: string): boolean {
  return NORMALISED_CODE.test(normalizeRecoveryCode(input));
}

/**
 * The value stored in `recovery_codes.code_hash` and looked up at sign-in: SHA-256 (hex) of the
 * normalised code. A fast, unsalted hash is right here, unlike for passwords: each code carries
 * about 119 random bits, so neither a dictionary nor brute force over a leaked table is feasible,
 * and ASVS 5.0 6.5.2 permits a standard hash from 112 bits. Being deterministic, it lets the
 * database find the code by equality, and the lookup compares hashes, not the secret itself.
 */
export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(normalizeRecoveryCode(code), 'utf8').digest('hex');
}
