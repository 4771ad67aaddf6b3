/**
 * Where every failure becomes the OpenAI error a client sees, once: domain errors get their status and the
 * caller's field names, upstream failures their mapping (./upstream-errors.ts), and anything unexpected a
 * stable 500 whose details go only to the log.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DomainError, formatPath, type DomainErrorKind, type FieldNames } from '../errors/domain-error';
import type { AppLogger } from '../log/logger';
import { errorForLog } from '../log/error-fields';
import { requestTelemetry, type AppEnv } from './env';
import { GatewayError, type OpenAIErrorType } from './errors';
import { fromBedrockError, fromUpstreamFailure, unparseableUpstream } from './upstream-errors';

const KINDS: Readonly<Record<DomainErrorKind, { status: number; type?: OpenAIErrorType }>> = {
  invalid_request: { status: 400 },
  forbidden: { status: 403 },
  not_found: { status: 404 },
  unavailable: { status: 503 },
  upstream_invalid: { status: 502, type: 'api_error' },
  requests_limited: { status: 429, type: 'requests' },
  tokens_limited: { status: 429, type: 'tokens' },
  quota_exceeded: { status: 429, type: 'insufficient_quota' },
};

/** A domain error as the client sees it, its field named the way the client's API names it. */
export function fromDomainError(err: DomainError, names?: FieldNames): GatewayError {
  const { status, type } = KINDS[err.kind];
  const param = err.path ? formatPath(names ? names(err.path) : err.path) : null;
  return new GatewayError(status, param === null ? err.message : err.describe(param), {
    type,
    param,
    code: err.code,
    retryAfterSeconds: err.retryAfterSeconds,
  });
}

/**
 * A failure seen in the light of this request: once its upstream deadline fired, whatever the SDK threw
 * (a bare AbortError, a socket error mid-stream) is the gateway's timeout (504); once the client left, it
 * is a 499. Every route gets this through the error handler and the SSE writer, without its own catch.
 */
export function inRequestContext(c: Context<AppEnv>, err: unknown): unknown {
  if (err instanceof GatewayError || err instanceof DomainError) return err;
  const deadline = requestTelemetry(c).upstreamDeadline;
  if (deadline?.aborted) return fromUpstreamFailure(err, deadline);
  const client = c.req.raw.signal;
  return client.aborted ? fromUpstreamFailure(err, client) : err;
}

/** Any thrown value → GatewayError; unexpected ones are logged with their stack and hidden from the client. */
export function toGatewayError(err: unknown, logger: AppLogger, requestId?: string, names?: FieldNames): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof DomainError) {
    // A dependency that is down is the operator's to see (the client gets a stable 503).
    if (err.kind === 'unavailable') logger.warn('dependency unavailable', { requestId, code: err.code, ...detailsOf(err) });
    return fromDomainError(err, names);
  }
  if (err instanceof HTTPException) return new GatewayError(err.status, err.message || 'Bad request');
  const mapped = fromBedrockError(err);
  const unreadable = unparseableUpstream(err);
  // Bytes Bedrock garbled are not the gateway's bug: one line, no stack, and not their content.
  if (unreadable && mapped.code === 'upstream_invalid_response') logger.warn('upstream answer unreadable', { requestId, reason: unreadable, error: err instanceof Error ? err.name : typeof err });
  else if (mapped.status === 500) {
    logger.error('unhandled error', { requestId, error: errorForLog(err) });
  }
  return mapped;
}

/** What an unavailable dependency's error says for the log (`operation`, `reason`), never the client. */
function detailsOf(err: DomainError): Record<string, string> {
  const { operation, reason } = err as DomainError & { operation?: unknown; reason?: unknown };
  return { ...(typeof operation === 'string' ? { operation } : {}), ...(typeof reason === 'string' ? { reason } : {}) };
}

/** `toGatewayError` for a failure of this request, with its field names. */
export function renderError(c: Context<AppEnv>, err: unknown, logger: AppLogger): GatewayError {
  return toGatewayError(inRequestContext(c, err), logger, c.get('requestId'), c.get('fieldNames'));
}
