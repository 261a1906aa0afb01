/** The problems of a submitted form, in field order: what the error summary lists and each field shows. */
export type FieldErrors = Array<{ field: string; message: string }>;

/** Cleaned values, or the problems. */
export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };
