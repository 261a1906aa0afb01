/**
 * Typed errors that routes and services throw; one handler (web/error-handler.tsx) maps their code to an
 * HTTP status and a page in the reader's language. No stack trace or SQL ever reaches a response.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'not found') {
    super('NOT_FOUND', 404, message);
  }
}

export class BadRequestError extends AppError {
  constructor(message = 'bad request') {
    super('BAD_REQUEST', 400, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'forbidden', code = 'FORBIDDEN') {
    super(code, 403, message);
  }
}

/** Not signed in (or not past the second factor): staff pages redirect to sign-in. */
export class UnauthenticatedError extends AppError {
  /** Where to send the browser: sign-in by default, or the second-factor step of a half-finished sign-in. */
  constructor(
    message = 'sign-in required',
    readonly location: string | null = null,
  ) {
    super('UNAUTHENTICATED', 401, message);
  }
}
