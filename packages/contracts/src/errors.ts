/** Stable, snake_case error codes that SDK users can switch on. */
export type ErrorCode =
  | 'validation_failed'
  | 'invalid_filter'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'range_not_satisfiable'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'internal'
  | 'service_unavailable';

/** The HTTP status each code is sent with. */
export const ERROR_STATUS = {
  validation_failed: 400,
  invalid_filter: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  range_not_satisfiable: 416,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  service_unavailable: 503,
} as const satisfies Record<ErrorCode, number>;

export interface ErrorBody {
  status: number;
  code: ErrorCode;
  message: string;
  details?: Record<string, string>;
  requestId?: string;
}

/** Every error response, HTTP or Socket.IO ack, has this shape. */
export interface ErrorEnvelope {
  error: ErrorBody;
}
