/**
 * What one request did, collected while it runs and written once when it ends (the access log line and
 * the metrics). Routes feed it Bedrock's events and responses; everything else (status, latency, error)
 * the middleware and the error handler fill in. Cheap by design: a few fields, no work unless asked.
 * It also knows when the request is really over (a stream outlives its handler), so per-request resources
 * such as the upstream deadline timer are released then, not when they would expire.
 */
import type { ConverseResponse, ConverseStreamOutput, TokenUsage } from '@aws-sdk/client-bedrock-runtime';
import type { GatewayError } from '../http/errors';

export interface TokenCounts {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

export class RequestTelemetry {
  readonly startedAt = performance.now();
  /** Milliseconds from the request's arrival to the first generated token (streams only). */
  timeToFirstTokenMs?: number;
  usage?: TokenCounts;
  /** What the image and rerank routes bill by: pictures returned, rerank search units. */
  units?: { images?: number; searchUnits?: number };
  error?: GatewayError;
  /** Only set when the operator asked for prompts in the logs (LOG_PROMPTS). */
  prompt?: unknown;
  completion?: string;
  /** What the gateway left out of the request (hosted tools, extras the model family does not take). */
  ignored?: { ignoredTools?: string; ignoredFields?: string };
  /** Set (aborted, with the timeout as its reason) once this request's upstream deadline fired, so any route's error handling can tell a timeout. */
  upstreamDeadline?: AbortSignal;
  private streaming = false;
  private streamDone = false;
  private handlerDone = false;
  private completed = false;
  private readonly completions: Array<() => void> = [];

  constructor(private readonly capturePrompts = false) {}

  /** The request's messages, kept for the log line only when LOG_PROMPTS is on. */
  capturePrompt(messages: unknown): void {
    if (this.capturePrompts) this.prompt = messages;
  }

  /** Records what the gateway left out, for the access log line. */
  note(what: 'ignoredTools' | 'ignoredFields', names: string): void {
    this.ignored = { ...this.ignored, [what]: names };
  }

  /** One ConverseStream event, as it passes through a streaming route. */
  observe(event: ConverseStreamOutput): void {
    const delta = event?.contentBlockDelta?.delta;
    if (delta) {
      this.timeToFirstTokenMs ??= performance.now() - this.startedAt;
      if (this.capturePrompts && typeof delta.text === 'string') this.completion = (this.completion ?? '') + delta.text;
    } else if (event?.metadata?.usage && typeof event.metadata.usage === 'object') {
      this.recordUsage(event.metadata.usage);
    }
  }

  /** A whole Converse response (non-streaming routes). */
  observeResponse(res: ConverseResponse): void {
    // Read before the answer's shape is checked (translate/unstreamed.ts): a garbled answer must not throw here.
    if (res?.usage && typeof res.usage === 'object') this.recordUsage(res.usage);
    const blocks: unknown = res?.output?.message?.content;
    if (this.capturePrompts && Array.isArray(blocks)) {
      this.completion = blocks.map((b: { text?: unknown } | null) => (typeof b?.text === 'string' ? b.text : '')).join('');
    }
  }

  recordUsage(usage: TokenCounts | TokenUsage): void {
    this.usage = {
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cacheReadInputTokens: usage.cacheReadInputTokens,
      cacheWriteInputTokens: usage.cacheWriteInputTokens,
    };
  }

  /** The error the client was shown (a response or a stream's error event); the first one counts. */
  fail(err: GatewayError): void {
    this.error ??= err;
  }

  /** Marks the response as a stream: the request ends when the stream does, not when the handler returns. */
  streamStarted(): void {
    this.streaming = true;
  }

  streamEnded(): void {
    this.streamDone = true;
    if (this.handlerDone) this.complete();
  }

  /** The handler returned its response: the request is over now, unless that response is a stream still open. */
  handlerReturned(): void {
    this.handlerDone = true;
    if (!this.streaming || this.streamDone) this.complete();
  }

  /** Runs `fn` once the request is over (at once if it already is). Callbacks must not throw. */
  onComplete(fn: () => void): void {
    if (this.completed) fn();
    else this.completions.push(fn);
  }

  private complete(): void {
    if (this.completed) return;
    this.completed = true;
    for (const fn of this.completions) fn();
  }
}
