/**
 * The error handler and the not-found handler: OpenAI's error body, the right status, `Retry-After` where a
 * retry helps, and never a stack trace. The rendering itself is `http/render-error.ts`.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { requestTelemetry, type AppEnv } from '../http/env';
import { GatewayError, internalError } from '../http/errors';
import { renderError } from '../http/render-error';
import type { AppLogger } from '../log/logger';

export function errorResponse(c: Context, err: GatewayError): Response {
  requestTelemetry(c).fail(err);
  if (err.retryAfterSeconds !== undefined) c.header('Retry-After', String(err.retryAfterSeconds));
  return c.json(err.toBody(), err.status as 400);
}

export function onError(logger: AppLogger): ErrorHandler<AppEnv> {
  return function gatewayErrorHandler(err, c) {
    try {
      return errorResponse(c, renderError(c, err, logger));
    } catch {
      return errorResponse(c, internalError());
    }
  };
}

export const notFound: NotFoundHandler = function notFoundHandler(c) {
  return errorResponse(c, new GatewayError(404, `Unknown route: ${c.req.method} ${c.req.path}`, { code: 'unknown_route' }));
};
