// The HTTP API's errors: every answer that is not a success is JSON `{ error: { code, message,
// field? } }` with a code from a closed set, so clients branch on the code and never on the text.

/** The stable codes of the HTTP API's errors (docs/http-api.md, "Errors", lists each with its status). */
export type ApiErrorCode =
  | 'invalid_field'
  | 'invalid_json'
  | 'bad_request'
  | 'text_too_long'
  | 'unknown_connector'
  | 'invalid_routing'
  | 'connector_in_use'
  | 'idempotency_conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

/**
 * A request's content is wrong: a field's value (`field` names it, as a dotted path such as `to` or
 * `targets.0.connector`) or the routing table it would make. The API answers it 400 (409 when the
 * gateway refused a routing change). The backend throws it from `partsOf`, `accept` and
 * `routingChanged`.
 */
export class ApiInputError extends Error {
  /** Builds the error: `code` is stable (`invalid_field`, `text_too_long`, `unknown_connector`…). */
  constructor(
    /** A stable code clients can test for. */
    readonly code: ApiErrorCode,
    /** The field at fault (a dotted path into the body, or a header or parameter name), or null. */
    readonly field: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'ApiInputError';
  }
}

/** An error answered with its own HTTP status (and headers): what the handlers throw for anything but bad input. */
export class ApiHttpError extends Error {
  /** Builds the error answered with `status`, `code` and `message` (and `field`, `headers` if given). */
  constructor(
    /** The HTTP status to answer with. */
    readonly status: number,
    /** A stable code clients can test for. */
    readonly code: ApiErrorCode,
    message: string,
    /** The field at fault, or null. */
    readonly field: string | null = null,
    /** Headers to answer with (`Retry-After`, `WWW-Authenticate`). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiHttpError';
  }
}

/** The JSON body of every error answer. */
export interface ApiErrorBody {
  /** What went wrong. */
  readonly error: {
    /** A stable code (see {@link ApiErrorCode}). */
    readonly code: ApiErrorCode;
    /** A sentence for people; may change between versions. */
    readonly message: string;
    /** The field at fault, when one is. */
    readonly field?: string;
  };
}

/** The body of an error answer. */
export function errorBody(code: ApiErrorCode, message: string, field?: string | null): ApiErrorBody {
  return { error: field === null || field === undefined ? { code, message } : { code, message, field } };
}
