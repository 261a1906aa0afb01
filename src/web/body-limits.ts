/**
 * Request body caps, applied by Fastify before a body is parsed (a larger one is a 413 page, and nothing
 * of it is kept). Every route gets DEFAULT_BODY_LIMIT; a route whose form carries long texts declares its
 * own cap from the lengths its validation allows (`{ bodyLimit: formBodyLimit(chars) }`), so that the
 * largest valid form always fits and nothing much larger is ever read.
 */

/** What every form without long texts may send (sign-in, settings, triage actions, …). */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** The framing, hidden fields and short fields of a form, besides its long texts. */
const FORM_OVERHEAD = 32 * 1024;

/**
 * Bytes a urlencoded form needs for `chars` characters of text at worst: 4 UTF-8 bytes per character,
 * each percent-encoded (3 bytes), plus the rest of the form.
 */
export function formBodyLimit(chars: number): number {
  return Math.max(DEFAULT_BODY_LIMIT, chars * 4 * 3 + FORM_OVERHEAD);
}
