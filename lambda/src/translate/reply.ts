/**
 * The one reply policy. Every answer, streamed or not, is read back by the chat stream translator
 * (`ChatStreamTranslator`): a streamed answer chunk by chunk as Bedrock sends it, an unstreamed one by
 * replaying the Converse response as the events a stream would have carried (`responseAsEvents`) and
 * folding what comes out. So the two agree by construction, order and reasoning blocks included. Pure.
 */
import type { ConverseResponse } from '@aws-sdk/client-bedrock-runtime';
import type { ChatPlan } from './chat-request';
import { ChatStreamTranslator, type ChatCompletionChunk } from './chat-stream';
import { responseAsEvents } from './unstreamed';

/** How one request's answer is read back: who it is, and what the translation plan told the way back. */
export interface ReplyContext {
  readonly id: string;
  readonly created: number;
  /** The model name the client asked for, echoed back as OpenAI does. */
  readonly model: string;
  /** Emit the usage chunk (always when folding an unstreamed answer). */
  readonly includeUsage: boolean;
  readonly dropToolCalls?: boolean;
  readonly maxToolCalls?: number;
  /** Put reasoning inside `<think>` tags in `content` (for UIs that show it that way). */
  readonly thinkTags?: boolean;
  /** The structured-output answer tool (ChatPlan.answerTool): its input is the answer's content. */
  readonly answerTool?: string;
  /** Text the gateway prefilled (ChatPlan.contentPrefix); it starts the content. */
  readonly contentPrefix?: string;
}

/** What a route decides about its answer; the rest of the context comes from the plan. */
export interface ReplyIdentity {
  readonly id: string;
  readonly created: number;
  readonly model: string;
  readonly thinkTags: boolean;
  readonly includeUsage: boolean;
}

export function replyContext(plan: Pick<ChatPlan, 'dropToolCalls' | 'maxToolCalls' | 'answerTool' | 'contentPrefix'>, identity: ReplyIdentity): ReplyContext {
  return {
    ...identity,
    dropToolCalls: plan.dropToolCalls,
    ...(plan.maxToolCalls !== undefined ? { maxToolCalls: plan.maxToolCalls } : {}),
    ...(plan.answerTool !== undefined ? { answerTool: plan.answerTool } : {}),
    ...(plan.contentPrefix !== undefined ? { contentPrefix: plan.contentPrefix } : {}),
  };
}

/** Feeds the chunks of an unstreamed answer, as the stream translation reads it, to `onChunk`. */
export function replayChunks(res: ConverseResponse, ctx: ReplyContext, onChunk: (chunk: ChatCompletionChunk) => void): void {
  const translator = new ChatStreamTranslator({ ...ctx, includeUsage: true });
  for (const event of responseAsEvents(res)) {
    for (const chunk of translator.next(event)) onChunk(chunk);
  }
}
