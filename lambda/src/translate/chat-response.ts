/**
 * Converse response → `chat.completion`, as the fold of the stream translation (see ./reply.ts). Pure.
 */
import type { ConverseResponse } from '@aws-sdk/client-bedrock-runtime';
import type { ChatCompletionChunk } from './chat-stream';
import type { FinishReason } from './finish-reason';
import { replayChunks, type ReplyContext } from './reply';
import { toOpenAIUsage, type OpenAIUsage } from './usage';

export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ThinkingBlock {
  type: 'thinking' | 'redacted_thinking';
  thinking?: string;
  signature?: string;
  data?: string;
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  system_fingerprint: null;
  choices: Array<{
    index: 0;
    message: {
      role: 'assistant';
      content: string | null;
      refusal: null;
      tool_calls?: OpenAIToolCall[];
      reasoning_content?: string;
      reasoning_signature?: string;
      thinking_blocks?: ThinkingBlock[];
    };
    finish_reason: FinishReason;
    logprobs: null;
  }>;
  usage: OpenAIUsage;
}

/** What `toChatCompletion` needs to know: the reply context less the usage switch (always on here). */
export type ResponseContext = Omit<ReplyContext, 'includeUsage'>;

/**
 * Chat chunks folded into one `chat.completion`: the content, reasoning and each tool call's arguments
 * concatenated in arrival order, the last list of reasoning blocks, the finish reason and usage.
 */
export class ChatCompletionFold {
  private content = '';
  private reasoning = '';
  private signature?: string;
  private thinking?: ThinkingBlock[];
  private readonly toolCalls: OpenAIToolCall[] = [];
  private finish: FinishReason = 'stop';
  private usage?: OpenAIUsage;

  add(chunk: ChatCompletionChunk): void {
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) return;
    const { delta } = choice;
    if (delta.content) this.content += delta.content;
    if (delta.reasoning_content) this.reasoning += delta.reasoning_content;
    if (delta.reasoning_signature) this.signature ??= delta.reasoning_signature;
    if (delta.thinking_blocks) this.thinking = delta.thinking_blocks;
    for (const call of delta.tool_calls ?? []) {
      const folded = (this.toolCalls[call.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
      if (call.id) folded.id = call.id;
      if (call.function.name) folded.function.name = call.function.name;
      folded.function.arguments += call.function.arguments;
    }
    if (choice.finish_reason) this.finish = choice.finish_reason;
  }

  result(ctx: Pick<ReplyContext, 'id' | 'created' | 'model'>): ChatCompletion {
    const toolCalls = this.toolCalls.filter(Boolean);
    return {
      id: ctx.id,
      object: 'chat.completion',
      created: ctx.created,
      model: ctx.model,
      system_fingerprint: null,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: this.content === '' && toolCalls.length ? null : this.content,
            refusal: null,
            ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
            ...(this.reasoning ? { reasoning_content: this.reasoning } : {}),
            ...(this.signature ? { reasoning_signature: this.signature } : {}),
            ...(this.thinking?.length ? { thinking_blocks: this.thinking } : {}),
          },
          finish_reason: this.finish,
          logprobs: null,
        },
      ],
      usage: this.usage ?? toOpenAIUsage(undefined),
    };
  }
}

/** A Converse response → `chat.completion`: the fold of what the same answer streamed would have sent. */
export function toChatCompletion(res: ConverseResponse, ctx: ResponseContext): ChatCompletion {
  const fold = new ChatCompletionFold();
  replayChunks(res, { ...ctx, includeUsage: true }, (chunk) => fold.add(chunk));
  return fold.result(ctx);
}
