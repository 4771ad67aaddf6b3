/**
 * What one request did, collected while it runs and written once when it ends (the access log line and
 * the metrics). Routes feed it Bedrock's events and responses; everything else (status, latency, error)
 * the middleware and the error handler fill in. Cheap by design: a few fields, no work unless asked.
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
  error?: GatewayError;
  /** Only set when the operator asked for prompts in the logs (LOG_PROMPTS). */
  prompt?: unknown;
  completion?: string;
  private streaming = false;
  private ended = false;
  private onEnd?: () => void;

  constructor(private readonly capturePrompts = false) {}

  /** The request's messages, kept for the log line only when LOG_PROMPTS is on. */
  capturePrompt(messages: unknown): void {
    if (this.capturePrompts) this.prompt = messages;
  }

  /** One ConverseStream event, as it passes through a streaming route. */
  observe(event: ConverseStreamOutput): void {
    const delta = event.contentBlockDelta?.delta;
    if (delta) {
      this.timeToFirstTokenMs ??= performance.now() - this.startedAt;
      if (this.capturePrompts && delta.text !== undefined) this.completion = (this.completion ?? '') + delta.text;
    } else if (event.metadata?.usage) {
      this.recordUsage(event.metadata.usage);
    }
  }

  /** A whole Converse response (non-streaming routes). */
  observeResponse(res: ConverseResponse): void {
    if (res.usage) this.recordUsage(res.usage);
    if (this.capturePrompts) {
      this.completion = (res.output?.message?.content ?? []).map((b) => b.text ?? '').join('');
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
    if (this.ended) return;
    this.ended = true;
    this.onEnd?.();
  }

  /** Runs `done` now, or when the stream ends if one is still open. */
  whenComplete(done: () => void): void {
    if (this.streaming && !this.ended) this.onEnd = done;
    else done();
  }
}
