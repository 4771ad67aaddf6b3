/**
 * Errors from the Bedrock SDK (HTTP errors and mid-stream exception events) → OpenAI errors. Pure: it only
 * reads the error's name, message and HTTP status.
 */
import { GatewayError, internalError, type OpenAIErrorType } from './errors';
import { lookupTable } from '../lookup-table';

interface Mapping {
  readonly status: number;
  readonly type: OpenAIErrorType;
  readonly code: string;
  /** Pass Bedrock's message through: it explains the client's own mistake. */
  readonly passMessage: boolean;
  readonly retryAfterSeconds?: number;
}

/** Keyed by the SDK's exception name (HTTP errors and stream exception events share these names). */
export const BEDROCK_ERRORS: Readonly<Record<string, Mapping>> = lookupTable({
  ValidationException: { status: 400, type: 'invalid_request_error', code: 'invalid_request', passMessage: true },
  AccessDeniedException: { status: 403, type: 'permission_error', code: 'access_denied', passMessage: true },
  ResourceNotFoundException: { status: 404, type: 'not_found_error', code: 'model_not_found', passMessage: true },
  ThrottlingException: { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', passMessage: false, retryAfterSeconds: 2 },
  ServiceQuotaExceededException: { status: 429, type: 'rate_limit_error', code: 'quota_exceeded', passMessage: true, retryAfterSeconds: 10 },
  ModelNotReadyException: { status: 429, type: 'rate_limit_error', code: 'model_not_ready', passMessage: true, retryAfterSeconds: 5 },
  ModelTimeoutException: { status: 504, type: 'timeout_error', code: 'model_timeout', passMessage: false },
  ServiceUnavailableException: { status: 503, type: 'service_unavailable', code: 'service_unavailable', passMessage: false, retryAfterSeconds: 5 },
  ModelErrorException: { status: 502, type: 'api_error', code: 'model_error', passMessage: true },
  ModelStreamErrorException: { status: 502, type: 'api_error', code: 'model_error', passMessage: true },
  InternalServerException: { status: 502, type: 'api_error', code: 'upstream_error', passMessage: false },
});

const FIXED_MESSAGES: Record<string, string> = lookupTable({
  ThrottlingException: 'Bedrock is throttling requests for this model. Retry after a short wait.',
  ModelTimeoutException: 'The model took too long to answer.',
  ServiceUnavailableException: 'Bedrock is temporarily unavailable. Retry shortly.',
  InternalServerException: 'Bedrock returned an internal error. Retry the request.',
});

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_HTTP2_STREAM_ERROR', 'ERR_HTTP2_SESSION_ERROR']);

/**
 * Why the SDK could not read Bedrock's bytes, if that is what `err` is: a body that is not JSON (an HTML
 * error page, a cut-off document), an event-stream frame with a bad checksum or cut short. The SDK marks
 * its deserialisation failures with the raw response (`$response`) and a "Deserialization error" note; the
 * frame decoder's errors mid-stream carry neither, only their wording.
 */
export function unparseableUpstream(err: unknown): 'json' | 'checksum' | 'truncated frame' | undefined {
  const e = asErrorLike(err);
  const message = e.message ?? '';
  if (/checksum .*does not match/i.test(message)) return 'checksum';
  if (/truncated event message/i.test(message)) return 'truncated frame';
  const deserialising = (typeof err === 'object' && err !== null && '$response' in err) || /Deserialization error/.test(message);
  if (deserialising || (e.name === 'SyntaxError' && /JSON/.test(message))) return 'json';
  return undefined;
}

interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

function asErrorLike(err: unknown): ErrorLike {
  return typeof err === 'object' && err !== null ? (err as ErrorLike) : {};
}

/** True for errors that mean "the upstream call was aborted or timed out" rather than a Bedrock answer. */
export function isAbort(err: unknown): boolean {
  const e = asErrorLike(err);
  return e.name === 'AbortError' || e.name === 'TimeoutError';
}

const connectionError = (): GatewayError =>
  new GatewayError(502, 'The connection to Bedrock failed. Retry the request.', { type: 'api_error', code: 'upstream_connection_error' });

const upstreamTimeout = (): GatewayError => new GatewayError(504, 'Bedrock did not answer within the gateway timeout.', { code: 'upstream_timeout' });

/**
 * An upstream call that failed, seen together with the signal it ran under. The SDK reports every abort as
 * a bare `AbortError` (and a stream cut by an abort as a socket error), so only the signal tells a gateway
 * timeout (504) from a client that left (499, logged only: nobody reads the response).
 */
export function fromUpstreamFailure(err: unknown, signal: AbortSignal): GatewayError {
  if (err instanceof GatewayError || !signal.aborted) return fromBedrockError(err);
  const reason = asErrorLike(signal.reason);
  if (reason.name === 'TimeoutError') return upstreamTimeout();
  return new GatewayError(499, 'The client closed the request.', { type: 'api_error', code: 'client_closed_request' });
}

export function fromBedrockError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  const e = asErrorLike(err);
  const name = e.name ?? '';
  const mapping = BEDROCK_ERRORS[name] ?? BEDROCK_ERRORS[name.charAt(0).toUpperCase() + name.slice(1)];
  if (mapping) {
    const message = (mapping.passMessage && e.message) || FIXED_MESSAGES[name] || e.message || name;
    const code = /context|too long|too many (input )?tokens|input is too long/i.test(message) && mapping.status === 400 ? 'context_length_exceeded' : mapping.code;
    return new GatewayError(mapping.status, message, { type: mapping.type, code, retryAfterSeconds: mapping.retryAfterSeconds });
  }
  if (name === 'CredentialsProviderError') {
    // The operator's problem, not the client's: say what is wrong without naming the providers tried.
    return new GatewayError(500, 'The gateway has no usable AWS credentials. Check its IAM role or credential configuration.', {
      type: 'api_error',
      code: 'aws_credentials_unavailable',
    });
  }
  // Before the timeout check: the SDK's NodeHttpHandler names a reset socket (ECONNRESET, EPIPE, ETIMEDOUT)
  // a TimeoutError, but a connection that broke is not Bedrock being slow.
  if ((e.code && NETWORK_CODES.has(e.code)) || /socket hang up|ECONNRESET|premature close/i.test(e.message ?? '')) return connectionError();
  if (name === 'TimeoutError') return upstreamTimeout();
  const status = e.$metadata?.httpStatusCode;
  // An error status with an unreadable body (a proxy's HTML page) is still that status's error, below.
  if (unparseableUpstream(err) && !(status && status >= 400)) {
    return new GatewayError(502, 'Bedrock returned an answer the gateway could not read. Retry the request.', { type: 'api_error', code: 'upstream_invalid_response' });
  }
  if (status && status >= 400 && status < 500) {
    // An error Bedrock does not document says nothing the client can act on, and its text may name internal
    // hosts: a stable message with Bedrock's request id (for AWS support) instead.
    const requestId = e.$metadata?.requestId ? ` (Bedrock request id ${e.$metadata.requestId})` : '';
    return new GatewayError(status === 429 ? 429 : 400, `Bedrock rejected the request with HTTP ${status}${requestId}.`, { code: 'upstream_rejected' });
  }
  if (status && status >= 500) return new GatewayError(502, 'Bedrock returned an error. Retry the request.', { type: 'api_error', code: 'upstream_error' });
  return internalError();
}
