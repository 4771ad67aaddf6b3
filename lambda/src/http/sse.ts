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
}

export function sseResponse(c: Context<AppEnv>, produce: (sink: SseSink) => Promise<void>, options: SseOptions): Response {
  const telemetry = requestTelemetry(c);
  telemetry.streamStarted();
  const run = async (stream: SSEStreamingApi): Promise<void> => {
    const controller = new AbortController();
    stream.onAbort(() => controller.abort());
    const sink: SseSink = { send: (data, event) => stream.writeSSE({ data: JSON.stringify(data), ...(event ? { event } : {}) }), signal: controller.signal };
    try {
      await produce(sink);
      if (options.done !== false && !stream.aborted) await stream.writeSSE({ data: '[DONE]' });
    } catch (err) {
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
