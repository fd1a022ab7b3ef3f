/**
 * The one error type of ZANTARA. Every failure that reaches a caller is a `ZantaraError` with a stable
 * `code` (the envelope's `error` field) and an HTTP `status`; anything else becomes `internal_error`.
 *
 * @example
 * throw new ZantaraError('kbli_not_found', `No KBLI code ${code}`, { status: 404 });
 */
const marker = Symbol.for('zantara.error');

export type ErrorDetails = Record<string, unknown>;

export class ZantaraError extends Error {
  readonly [marker] = true;
  readonly code: string;
  readonly status: number;
  readonly details?: ErrorDetails;
  /** Whether the message may be shown to the caller (false for internal errors). */
  readonly expose: boolean;

  constructor(
    code: string,
    message: string,
    options: { status?: number; details?: ErrorDetails; cause?: unknown; expose?: boolean } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ZantaraError';
    this.code = code;
    this.status = options.status ?? 400;
    this.details = options.details;
    this.expose = options.expose ?? this.status < 500;
  }

  static isInstance(error: unknown): error is ZantaraError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}

export type Issue = { path: string; message: string };

/** Params or a body failed a schema: 400 with the list of issues. */
export function invalidParams(
  issues: Issue[],
  message = 'The parameters do not match the handler schema.',
): ZantaraError {
  return new ZantaraError('invalid_params', message, { status: 400, details: { issues } });
}

export function notFound(code: string, message: string, details?: ErrorDetails): ZantaraError {
  return new ZantaraError(code, message, { status: 404, details });
}

export function forbidden(message = 'Your role is not allowed to do this.'): ZantaraError {
  return new ZantaraError('forbidden', message, { status: 403 });
}

export function unauthorized(
  message = 'A valid API key is required (x-api-key or Authorization: Bearer).',
): ZantaraError {
  return new ZantaraError('unauthorized', message, { status: 401 });
}

/** Converts zod issues into the envelope's `issues` list. */
export function issuesFromZod(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): Issue[] {
  return issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}
