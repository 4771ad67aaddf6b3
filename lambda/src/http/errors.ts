/**
 * The one error type the gateway throws on purpose, and its OpenAI wire shape.
 * Everything that reaches a client as an error passes through `toErrorBody`.
 */

export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  // OpenAI's types for an API key's own limits (a managed key's rpm / tpm, its budget).
  | 'requests'
  | 'tokens'
  | 'insufficient_quota'
  | 'api_error'
  | 'service_unavailable'
  | 'timeout_error';

export interface OpenAIErrorBody {
  error: { message: string; type: OpenAIErrorType; param: string | null; code: string | null };
}

export interface GatewayErrorOptions {
  readonly type?: OpenAIErrorType;
  readonly param?: string | null;
  readonly code?: string | null;
  /** Seconds a client should wait before retrying (sent as `Retry-After`). */
  readonly retryAfterSeconds?: number;
}

const DEFAULT_TYPE_BY_STATUS: Record<number, OpenAIErrorType> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  408: 'timeout_error',
  413: 'request_too_large',
  415: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
  503: 'service_unavailable',
  504: 'timeout_error',
};

export class GatewayError extends Error {
  readonly status: number;
  readonly type: OpenAIErrorType;
  readonly param: string | null;
  readonly code: string | null;
  readonly retryAfterSeconds?: number;

  constructor(status: number, message: string, options: GatewayErrorOptions = {}) {
    super(message);
    this.name = 'GatewayError';
    this.status = status;
    this.type = options.type ?? DEFAULT_TYPE_BY_STATUS[status] ?? 'api_error';
    this.param = options.param ?? null;
    this.code = options.code ?? null;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export function internalError(): GatewayError {
  // Never leak the cause: details go to the log, the client gets a stable message.
  return new GatewayError(500, 'The gateway hit an unexpected error. Check its logs for the request id.', {
    type: 'api_error',
    code: 'internal_error',
  });
}
