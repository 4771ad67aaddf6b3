/**
 * ConverseStream events → `chat.completion.chunk`s. A small state machine: it remembers which content
 * blocks are tool calls (and their dense OpenAI index), whether reasoning is open (for `<think>` tags), and
 * whether the stream has tool calls (for the finish reason). Pure and synchronous: SSE framing is elsewhere.
 */
import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import type { ThinkingBlock } from './chat-response';
import type { ReplyContext } from './reply';
import { finishReason, type FinishReason } from './finish-reason';
import { expectString, upstreamInvalid } from './upstream-shape';
import { toOpenAIUsage, type OpenAIUsage } from './usage';

export interface ChunkDelta {
  role?: 'assistant';
  content?: string;
  reasoning_content?: string;
  reasoning_signature?: string;
  /**
   * Every completed reasoning block of this message so far (signed text, or redacted data), sent when a
   * block completes. Each carries the whole list, so accumulators that overwrite unknown fields (the
   * openai SDK's stream helper) end up with all of it; send it back as the assistant's `thinking_blocks`.
   */
  thinking_blocks?: ThinkingBlock[];
  tool_calls?: Array<{ index: number; id?: string; type?: 'function'; function: { name?: string; arguments: string } }>;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  system_fingerprint: null;
  choices: Array<{ index: 0; delta: ChunkDelta; finish_reason: FinishReason | null; logprobs: null }>;
  usage?: OpenAIUsage | null;
}


type Delta = NonNullable<NonNullable<ConverseStreamOutput['contentBlockDelta']>['delta']>;

/** A delta whose payload has the wrong type would otherwise be dropped without a trace. */
function checkDelta(delta: Delta): void {
  expectString(delta.text, 'a text delta');
  if (delta.toolUse !== undefined) expectString(delta.toolUse?.input, 'a tool input delta', false);
  const reasoning = delta.reasoningContent;
  if (reasoning !== undefined) {
    expectString(reasoning.text, 'a reasoning delta');
    expectString(reasoning.signature, 'a reasoning signature');
  }
}

export class ChatStreamTranslator {
  /** Bedrock content block index → OpenAI tool call index (dense, from 0). */
  private readonly toolIndex = new Map<number, number>();
  /** Tool call blocks whose arguments have not streamed yet: `{}` goes out for them when the block stops. */
  private readonly noArguments = new Set<number>();
  /** Bedrock content blocks that are the structured-output answer tool. */
  private readonly answerBlocks = new Set<number>();
  private toolCalls = 0;
  private started = false;
  private thinking = false;
  /** Reasoning text of the block being streamed, by Bedrock block index, until its signature closes it. */
  private readonly reasoningText = new Map<number, string>();
  private readonly thinkingBlocks: ThinkingBlock[] = [];
  private finished = false;
  /**
   * With a structured-output answer tool, text outside it is held back: once the tool is called its input
   * is the whole answer (text around it would break the JSON), and if it never is, the text is the answer.
   */
  private heldText = '';
  private answered = false;

  constructor(private readonly ctx: ReplyContext) {}

  /** Chunks for one upstream event (usually exactly one, sometimes none). */
  next(event: ConverseStreamOutput): ChatCompletionChunk[] {
    if (event === null || typeof event !== 'object') throw upstreamInvalid('an event is not an object');
    if (event.messageStart) return this.start();
    if (event.contentBlockStart?.start?.toolUse) {
      const { toolUseId, name } = event.contentBlockStart.start.toolUse;
      const block = event.contentBlockStart.contentBlockIndex ?? 0;
      if (this.ctx.answerTool !== undefined && name === this.ctx.answerTool) {
        this.answerBlocks.add(block);
        this.answered = true;
        this.heldText = '';
        return [...this.start(), ...this.closeThinking()];
      }
      if (this.ctx.dropToolCalls || (this.ctx.maxToolCalls !== undefined && this.toolCalls >= this.ctx.maxToolCalls)) return [];
      const index = this.toolCalls++;
      this.toolIndex.set(block, index);
      this.noArguments.add(block);
      return [...this.start(), ...this.closeThinking(), this.chunk({ tool_calls: [{ index, id: toolUseId, type: 'function', function: { name, arguments: '' } }] })];
    }
    if (event.contentBlockDelta?.delta) return [...this.start(), ...this.delta(event.contentBlockDelta.contentBlockIndex ?? 0, event.contentBlockDelta.delta)];
    if (event.contentBlockStop) {
      // A call without input streams no fragment; clients parse the arguments, so they get `{}`, not ''.
      const block = event.contentBlockStop.contentBlockIndex ?? 0;
      if (!this.noArguments.delete(block)) return [];
      return [this.chunk({ tool_calls: [{ index: this.toolIndex.get(block) ?? 0, function: { arguments: '{}' } }] })];
    }
    if (event.messageStop) {
      expectString(event.messageStop.stopReason, 'the stop reason');
      this.finished = true;
      const reason = finishReason(event.messageStop.stopReason, this.toolCalls > 0);
      const held = this.heldText ? [this.chunk({ content: this.heldText })] : [];
      this.heldText = '';
      return [...this.start(), ...this.closeThinking(), ...held, this.chunk({}, reason)];
    }
    if (event.metadata && this.ctx.includeUsage) {
      return [{ ...this.base(), choices: [], usage: toOpenAIUsage(event.metadata.usage) }];
    }
    return [];
  }

  /** True once the model said why it stopped; a stream that ends before that did not finish normally. */
  get complete(): boolean {
    return this.finished;
  }

  private delta(block: number, delta: NonNullable<NonNullable<ConverseStreamOutput['contentBlockDelta']>['delta']>): ChatCompletionChunk[] {
    checkDelta(delta);
    if (delta.text !== undefined) {
      if (delta.text === '') return [];
      if (this.ctx.answerTool !== undefined) {
        if (!this.answered) this.heldText += delta.text;
        return this.closeThinking();
      }
      return [...this.closeThinking(), this.chunk({ content: delta.text })];
    }
    if (delta.toolUse) {
      if (this.answerBlocks.has(block)) return delta.toolUse.input ? [this.chunk({ content: delta.toolUse.input })] : [];
      const index = this.toolIndex.get(block);
      if (index === undefined || !delta.toolUse.input) return [];
      this.noArguments.delete(block);
      return [this.chunk({ tool_calls: [{ index, function: { arguments: delta.toolUse.input } }] })];
    }
    if (delta.reasoningContent) {
      const { text, signature } = delta.reasoningContent;
      if (this.ctx.thinkTags) {
        if (!text) return [];
        const open = this.thinking ? '' : '<think>';
        this.thinking = true;
        return [this.chunk({ content: open + text })];
      }
      if (text) {
        this.reasoningText.set(block, (this.reasoningText.get(block) ?? '') + text);
        return [this.chunk({ reasoning_content: text })];
      }
      if (signature) {
        this.thinkingBlocks.push({ type: 'thinking', thinking: this.reasoningText.get(block) ?? '', signature });
        this.reasoningText.delete(block);
        return [this.chunk({ reasoning_signature: signature, thinking_blocks: [...this.thinkingBlocks] })];
      }
      const redacted = delta.reasoningContent.redactedContent;
      if (redacted) {
        this.thinkingBlocks.push({ type: 'redacted_thinking', data: Buffer.from(redacted).toString('base64') });
        return [this.chunk({ thinking_blocks: [...this.thinkingBlocks] })];
      }
    }
    return [];
  }

  private start(): ChatCompletionChunk[] {
    if (this.started) return [];
    this.started = true;
    return [this.chunk({ role: 'assistant', content: this.ctx.contentPrefix ?? '' })];
  }

  private closeThinking(): ChatCompletionChunk[] {
    if (!this.thinking) return [];
    this.thinking = false;
    return [this.chunk({ content: '</think>' })];
  }

  private base(): Omit<ChatCompletionChunk, 'choices'> {
    return { id: this.ctx.id, object: 'chat.completion.chunk', created: this.ctx.created, model: this.ctx.model, system_fingerprint: null };
  }

  private chunk(delta: ChunkDelta, finish: FinishReason | null = null): ChatCompletionChunk {
    const chunk: ChatCompletionChunk = { ...this.base(), choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] };
    if (this.ctx.includeUsage) chunk.usage = null;
    return chunk;
  }
}
