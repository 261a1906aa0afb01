import { timingSafeEqual } from 'node:crypto';
import { HOTP, Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

/**
 * Time-based one-time passwords (RFC 6238) for the second factor of staff accounts. The parameters
 * are the ones every authenticator app supports (Google Authenticator ignores anything else): HMAC-SHA1,
 * 6 digits, 30-second steps.
 */

/** HMAC algorithm of the codes: the only one every authenticator app implements. */
export const TOTP_ALGORITHM = 'SHA1';
/** Digits per code. */
export const TOTP_DIGITS = 6;
/** Length of a time step in seconds. */
export const TOTP_PERIOD_SECONDS = 30;
/**
 * Steps accepted on either side of the current one, for clocks that drift and codes typed just as they
 * change (RFC 6238 5.2). Each step is accepted once only (see {@link verifyTotp}).
 */
export const TOTP_WINDOW = 1;
/** Secret size in bytes: 160 bits, the HMAC-SHA1 key length RFC 4226 recommends. */
const SECRET_BYTES = 20;

/**
 * A new TOTP secret: 160 random bits from the operating system's CSPRNG (ASVS 5.0 6.5.3), base32
 * (RFC 4648, no padding, 32 characters), the form authenticator apps and `users.totp_secret` use.
 */
export function generateTotpSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32;
}

/**
 * The `otpauth://totp/…` key URI that authenticator apps read from the QR code: label
 * `issuer:accountName`, with issuer, algorithm, digits and period spelled out. Every part is
 * percent-encoded as UTF-8 (「山陽小野田市 Kyoso」 → `%E5%B1%B1…%20Kyoso`), which the apps decode.
 * Throws a TypeError when issuer or account name contains a colon (the label's separator, which
 * apps would split on) or when the secret is not base32.
 */
export function totpUri({
  issuer,
  accountName,
  secret,
}: {
  issuer: string;
  accountName: string;
  secret: string;
}): string {
  if (issuer.includes(':') || accountName.includes(':')) {
    throw new TypeError('totpUri: issuer and account name must not contain ":"');
  }
  return new TOTP({
    issuer,
    label: accountName,
    issuerInLabel: true,
    secret: Secret.fromBase32(secret),
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  }).toString();
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

/** What the QR code is, for screen readers, when the caller does not say. */
export const TOTP_QR_DEFAULT_TITLE = '認証アプリで読み取るQRコード';

/**
 * The key URI as an SVG QR code, to be inlined in the enrolment page (no extra request, no image
 * that a strict CSP would have to allow): error correction M, a 2-module quiet zone, no fixed size
 * (the `viewBox` scales; size it with CSS). It carries `role="img"`, an `aria-label` and a `<title>`
 * so that screen readers announce it (WCAG 1.1.1); the page must still show the secret as text for
 * those who cannot scan (see {@link formatSecretForManualEntry}).
 *
 * The output is checked to consist only of `<svg>`, `<title>` and `<path>` elements, with no script,
 * event handler, link or external reference, because it is inserted into the page unescaped; it
 * throws if a future version of `qrcode` produced anything else.
 */
export async function totpQrSvg(uri: string, options?: { title?: string }): Promise<string> {
  const title = escapeXml(options?.title ?? TOTP_QR_DEFAULT_TITLE);
  const raw = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  const svg = raw
    .trim()
    .replace(/^<svg\b/, `<svg role="img" aria-label="${title}" focusable="false"`)
    .replace(/^(<svg\b[^>]*>)/, `$1<title>${title}</title>`);
  assertInertSvg(svg, title);
  return svg;
}

/** Throws unless `svg` is one <svg> with a <title> and <path> elements and nothing active in it. */
function assertInertSvg(svg: string, title: string): void {
  const tags = svg.match(/<\/?[a-zA-Z][^>]*>/g) ?? [];
  const names = new Set(tags.map((t) => /^<\/?([a-zA-Z][\w:-]*)/.exec(t)?.[1]?.toLowerCase()));
  const onlyKnownElements = [...names].every((n) => n === 'svg' || n === 'title' || n === 'path');
  const withoutTitle = svg.replace(`<title>${title}</title>`, '').replace(`aria-label="${title}"`, '');
  const active = /<script|<foreignobject|\bon[a-z]+\s*=|href|url\(|javascript:|<!|<\?/i.test(withoutTitle);
  if (!svg.startsWith('<svg') || !svg.endsWith('</svg>') || !onlyKnownElements || active) {
    throw new Error('totpQrSvg: unexpected content in the SVG produced by qrcode');
  }
}

/**
 * The outcome of a code check. `step` is the accepted time step: store it in `users.totp_last_step`
 * so that the same code (or an older one) is refused next time.
 */
export type TotpResult = { ok: true; step: number } | { ok: false };

/**
 * Normalises a typed code: NFKC turns full-width digits (「１２３４５６」, as a Japanese IME may type
 * them) into ASCII, then every space is removed ("123 456" as some apps display it). Null when what
 * remains is not exactly six ASCII digits.
 */
export function normalizeTotpCode(code: string): string | null {
  const digits = code.normalize('NFKC').replace(/\s+/gu, '');
  return /^[0-9]{6}$/.test(digits) ? digits : null;
}

/**
 * Checks a TOTP code at time `now` (the server's clock, never the client's: ASVS 5.0 6.5.8). Accepts
 * the code of the current step or of one step on either side ({@link TOTP_WINDOW}), but only for a
 * step after `lastStep`, so that each code works once (ASVS 5.0 6.5.1) and an older one cannot be
 * used after a newer one. Refuses anything that is not six digits once normalised
 * ({@link normalizeTotpCode}). Codes are compared in constant time.
 *
 * Throws when the stored secret is not base32 or `now` is not a valid date: those are faults to see
 * in the logs, not wrong codes.
 */
export function verifyTotp({
  secret,
  code,
  now,
  lastStep,
}: {
  secret: string;
  code: string;
  now: Date;
  lastStep: number | null;
}): TotpResult {
  const key = Secret.fromBase32(secret);
  const time = now.getTime();
  if (!Number.isFinite(time)) throw new RangeError('verifyTotp: invalid date');
  const typed = normalizeTotpCode(code);
  if (typed === null) return { ok: false };
  const current = TOTP.counter({ period: TOTP_PERIOD_SECONDS, timestamp: time });
  const expected = Buffer.from(typed);
  let accepted: number | null = null;
  // Current step first, then the past, then the future: with replay protection, the order decides
  // which step is recorded when one code matches two steps (a one-in-a-million coincidence).
  for (const delta of windowOrder()) {
    const step = current + delta;
    if (step < 0 || (lastStep !== null && step <= lastStep)) continue;
    const candidate = HOTP.generate({
      secret: key,
      algorithm: TOTP_ALGORITHM,
      digits: TOTP_DIGITS,
      counter: step,
    });
    if (timingSafeEqual(Buffer.from(candidate), expected) && accepted === null) accepted = step;
  }
  return accepted === null ? { ok: false } : { ok: true, step: accepted };
}

function windowOrder(): number[] {
  const order = [0];
  for (let i = 1; i <= TOTP_WINDOW; i++) order.push(-i, i);
  return order;
}

/**
 * The base32 secret in upper-case groups of four ("GEZD GNBV GY3T …") for those who type it into the
 * app instead of scanning: easier to read aloud and to check. Apps ignore the spaces.
 */
export function formatSecretForManualEntry(secret: string): string {
  const compact = secret.replace(/[\s=]+/g, '').toUpperCase();
  return (compact.match(/.{1,4}/g) ?? []).join(' ');
}
