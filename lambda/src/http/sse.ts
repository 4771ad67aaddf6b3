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

/**
 * A cap on the size of one event stream, for a runtime that must hand over the whole body at once under a
 * size limit (an ALB in front of Lambda). `sizeOf` measures a frame the way that limit counts it. An event
 * that would leave less than `reserveBytes` under `maxBytes` is not sent: the stream ends with the error
 * event instead (which, with its framing, must fit in the reserve), so the client gets an OpenAI error, not
 * the platform's own.
 */
export interface SseBudget {
  readonly maxBytes: number;
  readonly reserveBytes: number;
  sizeOf(frame: string): number;
}

/** The error that ends a stream which reached its SseBudget. */
export function streamTooLarge(maxBytes: number): GatewayError {
  return new GatewayError(
    502,
    `The streamed answer reached this deployment's response size limit (${maxBytes} bytes) and was cut short. Ask for a shorter answer (max_tokens), or deploy a target that streams (lambda-url or fargate).`,
    { type: 'api_error', code: 'response_too_large' },
  );
}

/** The text of one SSE frame as Hono writes it, for measuring. */
function frameText(data: string, event?: string): string {
  return `${event ? `event: ${event}\n` : ''}data: ${data}\n\n`;
}

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
  /** A size cap on the whole stream (AppDeps.sseBudget). @default none */
  readonly budget?: SseBudget;
  /**
   * Under a budget, joins consecutive events into one (ReplyEncoder.merge): the platform delivers the stream
   * at once anyway, and one event per token would spend most of the budget on repeated fields.
   */
  readonly merge?: (a: SseEventData, b: SseEventData) => SseEventData | undefined;
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

/** An event as the producer hands it to the sink. */
export interface SseEventData {
  readonly data: unknown;
  readonly event?: string;
}

/** Joined events stop growing at about this size. */
const MAX_MERGED_BYTES = 16_384;

export function sseResponse(c: Context<AppEnv>, produce: (sink: SseSink) => Promise<void>, options: SseOptions): Response {
  const telemetry = requestTelemetry(c);
  telemetry.streamStarted();
  const run = async (stream: SSEStreamingApi): Promise<void> => {
    const controller = new AbortController();
    stream.onAbort(() => controller.abort());
    const { budget } = options;
    const merge = budget ? options.merge : undefined;
    let used = 0;
    // Once the stream is cut (an error, a shutdown), what the producer still sends goes nowhere.
    let cut = false;
    const emit = async ({ data, event }: SseEventData): Promise<void> => {
      const text = JSON.stringify(data);
      if (budget) {
        const size = budget.sizeOf(frameText(text, event));
        // The event is not sent: only the error event may follow, and the reserve keeps room for it.
        if (used + size > budget.maxBytes - budget.reserveBytes) throw streamTooLarge(budget.maxBytes);
        used += size;
      }
      await stream.writeSSE({ data: text, ...(event ? { event } : {}) });
    };
    const write = (e: SseEventData): Promise<void> => (cut ? Promise.resolve() : emit(e));
    // The event held back for joining, and an upper bound of its size: exact when measured, else the sum of
    // the events it joined (cheap, and loose by their repeated fields, so it is measured once it looks full).
    let pending: SseEventData | undefined;
    let pendingSize = 0;
    const flush = async (): Promise<void> => {
      const held = pending;
      pending = undefined;
      pendingSize = 0;
      if (held) await write(held);
    };
    const sink: SseSink = {
      send: async (data, event) => {
        if (cut) return;
        if (!budget || !merge) return write({ data, event });
        const size = budget.sizeOf(frameText(JSON.stringify(data), event));
        const merged = pending && merge(pending, { data, event });
        if (merged) {
          // Joined only while the result surely fits what is left, so a cut never drops more than one event.
          const room = Math.min(MAX_MERGED_BYTES, budget.maxBytes - budget.reserveBytes - used);
          let bound = pendingSize + size;
          if (bound > room) bound = budget.sizeOf(frameText(JSON.stringify(merged.data), merged.event));
          if (bound <= room) {
            pending = merged;
            pendingSize = bound;
            return;
          }
        }
        await flush();
        pending = { data, event };
        pendingSize = size;
      },
      signal: controller.signal,
    };
    try {
      await untilShutdown(
        (async () => {
          await produce(sink);
          await flush();
        })(),
        options.shutdown,
      );
      if (options.done !== false && !stream.aborted) await stream.writeSSE({ data: '[DONE]' });
    } catch (err) {
      cut = true;
      controller.abort();
      // What the answer said before it broke still goes out, if it fits.
      const held = pending;
      pending = undefined;
      if (held) await emit(held).catch(() => undefined);
      if (!stream.aborted) {
        const mapped = renderError(c, err, options.logger);
        telemetry.fail(mapped);
        let { event, data } = options.errorEvent ? options.errorEvent(mapped) : { event: undefined, data: mapped.toBody() };
        // A route's error event may carry the answer so far (Responses' response.failed); under a size cap
        // that may not fit, and the plain error body, which OpenAI's SDKs raise as an APIError, always does.
        if (budget && used + budget.sizeOf(frameText(JSON.stringify(data), event)) > budget.maxBytes) ({ event, data } = { event: undefined, data: mapped.toBody() });
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
