/**
 * Converse response → `chat.completion`. Pure.
 */
import type { ContentBlock, ConverseResponse } from '@aws-sdk/client-bedrock-runtime';
import { finishReason, type FinishReason } from './finish-reason';
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

export interface ResponseContext {
  readonly id: string;
  readonly created: number;
  /** The model name the client asked for, echoed back as OpenAI does. */
  readonly model: string;
  readonly dropToolCalls?: boolean;
  readonly maxToolCalls?: number;
  /** Put reasoning inside `<think>` tags in `content` (for UIs that show it that way). */
  readonly thinkTags?: boolean;
  /** The structured-output answer tool (ChatPlan.answerTool): its input is the content. */
  readonly answerTool?: string;
  /** Text the gateway prefilled (ChatPlan.contentPrefix); it starts the content. */
  readonly contentPrefix?: string;
}

export interface SplitContent {
  text: string;
  /** The structured-output answer (the answer tool's input as JSON), when the model gave one. */
  answer?: string;
  reasoning: string;
  thinking: ThinkingBlock[];
  toolCalls: OpenAIToolCall[];
}

/** All text blocks are kept, in order; reasoning never mixes into content. */
export function splitContent(blocks: readonly ContentBlock[], ctx: Pick<ResponseContext, 'dropToolCalls' | 'maxToolCalls' | 'answerTool'>): SplitContent {
  const out: SplitContent = { text: '', reasoning: '', thinking: [], toolCalls: [] };
  for (const block of blocks) {
    if (block.text !== undefined) out.text += block.text;
    else if (block.reasoningContent?.reasoningText) {
      const { text = '', signature } = block.reasoningContent.reasoningText;
      out.reasoning += text;
      out.thinking.push({ type: 'thinking', thinking: text, ...(signature ? { signature } : {}) });
    } else if (block.reasoningContent?.redactedContent) {
      out.thinking.push({ type: 'redacted_thinking', data: Buffer.from(block.reasoningContent.redactedContent).toString('base64') });
    } else if (block.toolUse && ctx.answerTool !== undefined && block.toolUse.name === ctx.answerTool) {
      out.answer = (out.answer ?? '') + JSON.stringify(block.toolUse.input ?? {});
    } else if (block.toolUse && !ctx.dropToolCalls && (ctx.maxToolCalls === undefined || out.toolCalls.length < ctx.maxToolCalls)) {
      out.toolCalls.push({
        id: block.toolUse.toolUseId ?? '',
        type: 'function',
        function: { name: block.toolUse.name ?? '', arguments: JSON.stringify(block.toolUse.input ?? {}) },
      });
    }
  }
  return out;
}

export function toChatCompletion(res: ConverseResponse, ctx: ResponseContext): ChatCompletion {
  const parts = splitContent(res.output?.message?.content ?? [], ctx);
  const signature = parts.thinking.find((b) => b.signature)?.signature;
  // The answer tool's input is the whole answer: text the model wrote around the call is not JSON.
  const text = parts.answer ?? (ctx.contentPrefix ?? '') + parts.text;
  let content: string | null = text === '' && parts.toolCalls.length ? null : text;
  if (ctx.thinkTags && parts.reasoning) content = `<think>${parts.reasoning}</think>${content ?? ''}`;
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
          content,
          refusal: null,
          ...(parts.toolCalls.length ? { tool_calls: parts.toolCalls } : {}),
          ...(parts.reasoning && !ctx.thinkTags ? { reasoning_content: parts.reasoning } : {}),
          ...(signature && !ctx.thinkTags ? { reasoning_signature: signature } : {}),
          ...(parts.thinking.length ? { thinking_blocks: parts.thinking } : {}),
        },
        finish_reason: finishReason(res.stopReason, parts.toolCalls.length > 0),
        logprobs: null,
      },
    ],
    usage: toOpenAIUsage(res.usage),
  };
}
