/**
 * The single place errors become responses: OpenAI's error body, the right status, `Retry-After` where a
 * retry helps, and never a stack trace.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../http/env';
import { GatewayError, internalError } from '../http/errors';
import type { AppLogger } from '../log/logger';
import { fromBedrockError, fromUpstreamFailure } from '../translate/bedrock-errors';
import { requestTelemetry } from './telemetry';

export function errorResponse(c: Context, err: GatewayError): Response {
  requestTelemetry(c).fail(err);
  if (err.retryAfterSeconds !== undefined) c.header('Retry-After', String(err.retryAfterSeconds));
  return c.json(err.toBody(), err.status as 400);
}

/**
 * A failure seen in the light of this request: once its upstream deadline fired, whatever the SDK threw
 * (a bare AbortError, a socket error mid-stream) is the gateway's timeout (504); once the client left, it
 * is a 499. Every route gets this through the error handler and sse.ts, without its own catch.
 */
export function inRequestContext(c: Context, err: unknown): unknown {
  if (err instanceof GatewayError) return err;
  const deadline = requestTelemetry(c).upstreamDeadline;
  if (deadline?.aborted) return fromUpstreamFailure(err, deadline);
  const client = c.req.raw.signal;
  return client.aborted ? fromUpstreamFailure(err, client) : err;
}

/** Any thrown value → GatewayError; unexpected ones are logged with their stack and hidden from the client. */
export function toGatewayError(err: unknown, logger: AppLogger, requestId?: string): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof HTTPException) return new GatewayError(err.status, err.message || 'Bad request');
  const mapped = fromBedrockError(err);
  if (mapped.status === 500) {
    logger.error('unhandled error', { requestId, error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err) });
  }
  return mapped;
}

export function onError(logger: AppLogger): ErrorHandler<AppEnv> {
  return function gatewayErrorHandler(err, c) {
    const requestId = c.get('requestId');
    try {
      return errorResponse(c, toGatewayError(inRequestContext(c, err), logger, requestId));
    } catch {
      return errorResponse(c, internalError());
    }
  };
}

export const notFound: NotFoundHandler = function notFoundHandler(c) {
  return errorResponse(c, new GatewayError(404, `Unknown route: ${c.req.method} ${c.req.path}`, { code: 'unknown_route' }));
};
