/**
 * What a chat-shaped route supplies besides its request adapter: how the chat translation's chunks become
 * its wire format. One encoder serves both answers: streamed, its events go out as they come; unstreamed, the
 * same calls run over the replayed answer and `body()` is what they folded.
 */
import type { GatewayError } from '../http/errors';
import type { ChatCompletionChunk } from '../translate/chat-stream';
import type { ReplyContext } from '../translate/reply';

/** One server-sent event: its JSON payload and, for APIs that name events, the name. */
export interface SseEvent {
  readonly event?: string;
  readonly data: unknown;
}

export interface ReplyEncoder {
  /** How the chat stream translator reads this request's answer (ids, echoed model, the plan's way back). */
  readonly context: ReplyContext;
  /** Send `data: [DONE]` after a stream's last event (Chat Completions does; Responses does not). */
  readonly done: boolean;
  /** Events before the model's first output. */
  start(): readonly SseEvent[];
  /** The events for one chat chunk. */
  chunk(chunk: ChatCompletionChunk): readonly SseEvent[];
  /** The events that close a finished answer. */
  end(now: number): readonly SseEvent[];
  /** The last event of a stream that broke. */
  fail(err: GatewayError): SseEvent;
  /** The unstreamed answer's JSON body: everything the calls above were fed, folded. */
  body(): unknown;
  /**
   * One event that says what `a` then `b` say, or undefined when they cannot be joined. Used only where the
   * platform delivers a stream all at once anyway (ALB → Lambda), where fewer, larger events fit more of the
   * answer under its size limit.
   */
  merge?(a: SseEvent, b: SseEvent): SseEvent | undefined;
}

/** Shared by encoders that have nothing to send at a step. */
export const NO_EVENTS: readonly SseEvent[] = Object.freeze([]);
