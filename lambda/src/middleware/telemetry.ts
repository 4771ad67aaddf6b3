/**
 * One structured access log line per request and one set of per-model metrics, written when the request
 * is really over: for a stream that is when its last event went out, not when the handler returned.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { LogLevel } from '../config';
import type { AppEnv } from '../http/env';
import type { AppLogger } from '../log/logger';
import { RequestTelemetry } from '../log/request-telemetry';
import type { RequestMetrics } from '../metrics/request-metrics';

export interface TelemetryOptions {
  readonly logger: AppLogger;
  readonly logLevel: LogLevel;
  /** Put prompts and completions in the access log (LOG_PROMPTS). */
  readonly capturePrompts: boolean;
  readonly metrics?: RequestMetrics;
}

const MAX_ERROR_MESSAGE = 300;

const round = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : Math.round(ms * 10) / 10);

export function telemetry(options: TelemetryOptions): MiddlewareHandler<AppEnv> {
  const { logger, metrics, capturePrompts } = options;
  // Decided once: with INFO filtered out, a normal request builds no log fields at all.
  const infoEnabled = options.logLevel === 'DEBUG' || options.logLevel === 'INFO';
  const errorEnabled = options.logLevel !== 'SILENT';

  function finish(c: Context<AppEnv>, t: RequestTelemetry): void {
    const latencyMs = performance.now() - t.startedAt;
    const status = c.res.status;
    const model = c.get('model');
    const err = t.error;
    const errorType = err ? (err.code ?? err.type) : status >= 400 ? `http_${status}` : undefined;
    const failed = (err?.status ?? status) >= 500;
    // A managed key's id and name (never its secret); a root key's requests name no key.
    const key = c.get('managedKey');
    metrics?.record({ model, latencyMs, timeToFirstTokenMs: t.timeToFirstTokenMs, ...t.usage, ...t.units, errorType, keyId: key?.id });
    if (failed ? !errorEnabled : !infoEnabled) return;
    const fields: Record<string, unknown> = {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status,
      latencyMs: round(latencyMs),
      model,
      ...(key && { keyId: key.id, keyName: key.name }),
      timeToFirstTokenMs: round(t.timeToFirstTokenMs),
      ...t.usage,
      ...t.units,
    };
    if (err) {
      fields.errorType = err.type;
      fields.errorCode = err.code;
      fields.errorStatus = err.status;
      fields.errorMessage = err.message.length > MAX_ERROR_MESSAGE ? `${err.message.slice(0, MAX_ERROR_MESSAGE)}…` : err.message;
    }
    if (t.ignored) Object.assign(fields, t.ignored);
    if (t.prompt !== undefined) fields.prompt = t.prompt;
    if (t.completion !== undefined) fields.completion = t.completion;
    if (logger.access) logger.access(failed ? 'ERROR' : 'INFO', fields);
    else if (failed) logger.error('request', fields);
    else logger.info('request', fields);
  }

  return async function telemetryMiddleware(c, next) {
    const t = new RequestTelemetry(capturePrompts);
    c.set('telemetry', t);
    t.onComplete(() => {
      try {
        finish(c, t);
      } catch {
        // Telemetry must never fail a request that already succeeded.
      }
    });
    try {
      await next();
    } finally {
      t.handlerReturned();
    }
  };
}
