import type { ErrorBody, ErrorCode } from '@basalt/contracts';

/** The server's codes plus the ones the SDK raises itself when no HTTP answer arrived. */
export type BasaltErrorCode = ErrorCode | 'network_error' | 'aborted' | 'invalid_response';

/**
 * The one error the SDK throws. For HTTP errors it carries the server's envelope (`status`, `code`,
 * `message`, `details`, `requestId`); a request that never got an answer has status 0 and code
 * `network_error` (or `aborted` when the caller's AbortSignal fired), so apps switch on `code` only.
 */
export class BasaltError extends Error {
  override readonly name = 'BasaltError';
  readonly status: number;
  readonly code: BasaltErrorCode;
  readonly details?: Record<string, string>;
  readonly requestId?: string;

  constructor(status: number, code: BasaltErrorCode, message: string, details?: Record<string, string>, requestId?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
    this.code = code;
    if (details) this.details = details;
    if (requestId) this.requestId = requestId;
  }

  static fromBody(body: ErrorBody, fallbackStatus: number, requestId?: string): BasaltError {
    return new BasaltError(body.status ?? fallbackStatus, body.code, body.message, body.details, body.requestId ?? requestId);
  }
}

/** A failure before or instead of an HTTP answer: the caller's abort, or the network. */
export function transportError(e: unknown, signal?: AbortSignal | null): BasaltError {
  if (signal?.aborted || (e instanceof Error && e.name === 'AbortError')) {
    return new BasaltError(0, 'aborted', 'the request was aborted', undefined, undefined, { cause: e });
  }
  const reason = e instanceof Error ? e.message : String(e);
  return new BasaltError(0, 'network_error', `network error: ${reason}`, undefined, undefined, { cause: e });
}
