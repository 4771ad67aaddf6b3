/**
 * Server-sent events, in one place. Framing is Hono's (`SSEStreamingApi`); the events reach the client
 * through `streamSSE`'s web stream, or through the runtime's own transport when its entry provides one (the
 * Node server writes straight to Node's response: `runtime/node/sse.ts`). This module decides what a stream
 * looks like when it ends: `data: [DONE]` after a normal finish, an `error` event (and no [DONE]) otherwise.
 */
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { AppLogger } from '../log/logger';
import { requestTelemetry, type AppEnv } from './env';
import { GatewayError } from './errors';
import { renderError } from './render-error';

export interface SseSink {
  /** Sends one JSON event, with an `event:` name when given (the Responses API names every event). */
  send(data: unknown, event?: string): Promise<void>;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
}

/**
 * Sends an event stream its own way: runs `run` with Hono's SSE API and returns the handler's response, or
 * returns undefined when this request cannot use it (then `streamSSE` does).
 */
export type SseTransport = (c: Context, run: (stream: SSEStreamingApi) => Promise<void>) => Response | undefined;

export interface SseOptions {
  /** Called with every error that ends a stream, after the client was told. */
  readonly onError?: (err: unknown) => void;
  /** Where unexpected errors are logged (with their stack) before the client sees a stable 500. */
  readonly logger: AppLogger;
  /** Send `data: [DONE]` after a normal end. @default true */
  readonly done?: boolean;
  /** The event that reports an error to the client. @default `data: {"error": {...}}` */
  readonly errorEvent?: (err: GatewayError) => { event?: string; data: unknown };
  /** The runtime's own transport (AppDeps.sseTransport). @default Hono's `streamSSE` */
  readonly transport?: SseTransport;
  /** Aborted when the server must close its streams (AppDeps.shutdown): the stream ends with an error event. */
  readonly shutdown?: AbortSignal;
}

/** What a stream cut by a draining server tells its client: try again (another task will answer). */
const shuttingDown = (): GatewayError =>
  new GatewayError(503, 'The gateway is shutting down; retry the request.', { type: 'service_unavailable', code: 'server_shutting_down', retryAfterSeconds: 1 });

/**
 * `work`, unless `signal` aborts first: then it rejects at once with the shutdown error (and `work` is left
 * to the abort of the sink's signal, which ends its upstream call; its own failure is then nobody's news).
 */
function untilShutdown(work: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return work;
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(shuttingDown());
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(shuttingDown());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function sseResponse(c: Context<AppEnv>, produce: (sink: SseSink) => Promise<void>, options: SseOptions): Response {
  const telemetry = requestTelemetry(c);
  telemetry.streamStarted();
  const run = async (stream: SSEStreamingApi): Promise<void> => {
    const controller = new AbortController();
    stream.onAbort(() => controller.abort());
    // Once the stream is cut (shutdown), what the producer still sends goes nowhere.
    let cut = false;
    const sink: SseSink = {
      send: (data, event) => (cut ? Promise.resolve() : stream.writeSSE({ data: JSON.stringify(data), ...(event ? { event } : {}) })),
      signal: controller.signal,
    };
    try {
      await untilShutdown(produce(sink), options.shutdown);
      if (options.done !== false && !stream.aborted) await stream.writeSSE({ data: '[DONE]' });
    } catch (err) {
      cut = true;
      controller.abort();
      if (!stream.aborted) {
        const mapped = renderError(c, err, options.logger);
        telemetry.fail(mapped);
        const { event, data } = options.errorEvent ? options.errorEvent(mapped) : { event: undefined, data: mapped.toBody() };
        // The client may leave while the error goes out; that must not become an unhandled error.
        await stream.writeSSE({ data: JSON.stringify(data), ...(event ? { event } : {}) }).catch(() => undefined);
      } else {
        telemetry.fail(new GatewayError(499, 'The client closed the stream.', { type: 'api_error', code: 'client_closed_request' }));
      }
      options.onError?.(err);
    } finally {
      telemetry.streamEnded();
    }
  };
  return options.transport?.(c, run) ?? streamSSE(c, run);
}
