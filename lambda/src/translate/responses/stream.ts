/**
 * Chat chunks (what the chat stream translator reads out of Bedrock's events) → Responses streaming events:
 * each `chat.completion.chunk` moves a small state machine over output items (reasoning, message,
 * function_call). One item is open at a time, because Bedrock streams content blocks one after another.
 * The unstreamed `response` is this machine's last snapshot (`toResponse`). Pure and synchronous; SSE
 * framing is the HTTP layer's.
 */
import type { ConverseResponse } from '@aws-sdk/client-bedrock-runtime';
import type { ChatCompletionChunk, ChunkDelta } from '../chat-stream';
import { replayChunks, type ReplyContext } from '../reply';
import type { FinishReason } from '../finish-reason';
import { CustomInputDecoder } from './custom-input';
import { REDACTED_PREFIX } from './input';
import { failureOf, outcomeOf, responseObject, toResponseUsage, type Failure, type ResponseEcho } from './response';
import type { ToolNames } from './tools';
import type {
  CustomToolCallOutput,
  FunctionCallOutput,
  LifecycleEvent,
  MessageOutput,
  OutputItem,
  ReasoningOutput,
  ResponseIds,
  ResponseObject,
  ResponseStreamEvent,
  ResponseUsage,
  ToolSearchCallOutput,
} from './types';

type Open =
  | { kind: 'message'; index: number; item: MessageOutput }
  | { kind: 'reasoning'; index: number; item: ReasoningOutput; text: string | null }
  | { kind: 'function_call'; index: number; item: FunctionCallOutput; chatIndex: number }
  | { kind: 'custom_tool_call'; index: number; item: CustomToolCallOutput; chatIndex: number; decoder: CustomInputDecoder }
  | { kind: 'tool_search_call'; index: number; item: ToolSearchCallOutput; chatIndex: number; args: string };

type ToolCallDelta = NonNullable<ChunkDelta['tool_calls']>[number];

export class ResponsesStreamTranslator {
  private seq = 0;
  private readonly output: OutputItem[] = [];
  private open: Open | null = null;
  private finish: FinishReason | null = null;
  private usage: ResponseUsage | null = null;
  /** Reasoning blocks seen so far (the chat chunks carry the whole list each time one completes). */
  private blocksSeen = 0;

  constructor(
    private readonly echo: ResponseEcho,
    private readonly ids: ResponseIds,
    /** Which Bedrock tool names stand for namespace or custom tools. */
    private readonly tools: ToolNames = new Map(),
  ) {}

  /** `response.created` and `response.in_progress`, sent before anything comes from the model. */
  start(): ResponseStreamEvent[] {
    return [this.lifecycle('response.created', this.snapshot('in_progress')), this.lifecycle('response.in_progress', this.snapshot('in_progress'))];
  }

  onChunk(chunk: ChatCompletionChunk): ResponseStreamEvent[] {
    if (chunk.usage) this.usage = toResponseUsage(chunk.usage);
    const choice = chunk.choices[0];
    if (!choice) return [];
    const { delta } = choice;
    const events: ResponseStreamEvent[] = [];
    // Redacted reasoning has no text or signature; it only needs to round-trip, so it is an item of its own.
    if (delta.thinking_blocks) {
      for (const block of delta.thinking_blocks.slice(this.blocksSeen)) if (block.type === 'redacted_thinking') events.push(...this.redacted(block.data ?? ''));
      this.blocksSeen = delta.thinking_blocks.length;
    }
    if (delta.reasoning_content) events.push(...this.reasoningText(delta.reasoning_content));
    if (delta.reasoning_signature) events.push(...this.signature(delta.reasoning_signature));
    if (delta.content) events.push(...this.text(delta.content));
    for (const call of delta.tool_calls ?? []) events.push(...this.toolCall(call));
    if (choice.finish_reason) {
      this.finish = choice.finish_reason;
      events.push(...this.close());
    }
    return events;
  }

  /** Closes what is open and sends `response.completed` (or `response.incomplete`) with the whole response. */
  end(now: number): ResponseStreamEvent[] {
    const events = this.close();
    const outcome = outcomeOf(this.finish);
    const response = this.snapshot(outcome.status, { incomplete_details: outcome.incomplete_details, usage: this.usage, completedAt: outcome.status === 'completed' ? now : null });
    events.push(this.lifecycle(outcome.status === 'completed' ? 'response.completed' : 'response.incomplete', response));
    return events;
  }

  /** The last event of a stream that broke: `response.failed` with the error and what was produced so far. */
  fail(err: Failure): LifecycleEvent {
    if (this.open && this.open.kind !== 'reasoning') this.open.item.status = 'incomplete';
    this.open = null;
    return this.lifecycle('response.failed', this.snapshot('failed', { error: failureOf(err), usage: this.usage }));
  }

  private seqNo(): number {
    return this.seq++;
  }

  private snapshot(status: ResponseObject['status'], extra: Partial<Parameters<typeof responseObject>[2]> = {}): ResponseObject {
    return responseObject(this.echo, this.ids, { status, output: structuredClone(this.output), ...extra });
  }

  private lifecycle(type: LifecycleEvent['type'], response: ResponseObject): LifecycleEvent {
    return { type, sequence_number: this.seqNo(), response };
  }

  private add(item: OutputItem): ResponseStreamEvent {
    this.output.push(item);
    return { type: 'response.output_item.added', sequence_number: this.seqNo(), output_index: this.output.length - 1, item: structuredClone(item) };
  }

  private reasoningText(text: string): ResponseStreamEvent[] {
    const events: ResponseStreamEvent[] = [];
    // A signature ends a reasoning block, so text after it is the next block (interleaved thinking).
    if (this.open?.kind !== 'reasoning' || this.open.item.encrypted_content) events.push(...this.openReasoning());
    const open = this.open as Extract<Open, { kind: 'reasoning' }>;
    const base = { item_id: open.item.id, output_index: open.index, summary_index: 0 };
    if (open.text === null) {
      open.text = '';
      events.push({ type: 'response.reasoning_summary_part.added', sequence_number: this.seqNo(), ...base, part: { type: 'summary_text', text: '' } });
    }
    open.text += text;
    events.push({ type: 'response.reasoning_summary_text.delta', sequence_number: this.seqNo(), ...base, delta: text });
    return events;
  }

  private signature(signature: string): ResponseStreamEvent[] {
    const events = this.open?.kind === 'reasoning' && !this.open.item.encrypted_content ? [] : this.openReasoning();
    (this.open as Extract<Open, { kind: 'reasoning' }>).item.encrypted_content = signature;
    return events;
  }

  private openReasoning(): ResponseStreamEvent[] {
    const events = this.close();
    const item: ReasoningOutput = { type: 'reasoning', id: this.ids.itemId('rs'), summary: [] };
    events.push(this.add(item));
    this.open = { kind: 'reasoning', index: this.output.length - 1, item, text: null };
    return events;
  }

  private redacted(base64: string): ResponseStreamEvent[] {
    const events = this.close();
    const item: ReasoningOutput = { type: 'reasoning', id: this.ids.itemId('rs'), summary: [], encrypted_content: REDACTED_PREFIX + base64 };
    events.push(this.add(item));
    events.push({ type: 'response.output_item.done', sequence_number: this.seqNo(), output_index: this.output.length - 1, item: structuredClone(item) });
    return events;
  }

  private text(text: string): ResponseStreamEvent[] {
    const events: ResponseStreamEvent[] = [];
    if (this.open?.kind !== 'message') {
      events.push(...this.close());
      const item: MessageOutput = { type: 'message', id: this.ids.itemId('msg'), role: 'assistant', status: 'in_progress', content: [] };
      events.push(this.add(item));
      this.open = { kind: 'message', index: this.output.length - 1, item };
      item.content.push({ type: 'output_text', text: '', annotations: [] });
      events.push({ type: 'response.content_part.added', sequence_number: this.seqNo(), ...this.partBase(), part: { type: 'output_text', text: '', annotations: [] } });
    }
    const open = this.open as Extract<Open, { kind: 'message' }>;
    open.item.content[0].text += text;
    events.push({ type: 'response.output_text.delta', sequence_number: this.seqNo(), ...this.partBase(), delta: text, logprobs: [] });
    return events;
  }

  private partBase(): { item_id: string; output_index: number; content_index: 0 } {
    const open = this.open as Open;
    return { item_id: open.item.id, output_index: open.index, content_index: 0 };
  }

  private toolCall(call: ToolCallDelta): ResponseStreamEvent[] {
    const events: ResponseStreamEvent[] = [];
    if (call.id) {
      events.push(...this.close());
      const ref = this.tools.get(call.function.name ?? '');
      const namespace = ref?.namespace ? { namespace: ref.namespace } : {};
      const name = ref?.name ?? call.function.name ?? '';
      if (ref?.kind === 'tool_search') {
        const item: ToolSearchCallOutput = { type: 'tool_search_call', id: this.ids.itemId('tsc'), call_id: call.id, arguments: {}, execution: 'client', status: 'in_progress' };
        events.push(this.add(item));
        this.open = { kind: 'tool_search_call', index: this.output.length - 1, item, chatIndex: call.index, args: '' };
      } else if (ref?.kind === 'custom') {
        const item: CustomToolCallOutput = { type: 'custom_tool_call', id: this.ids.itemId('ctc'), call_id: call.id, name, input: '', status: 'in_progress', ...namespace };
        events.push(this.add(item));
        this.open = { kind: 'custom_tool_call', index: this.output.length - 1, item, chatIndex: call.index, decoder: new CustomInputDecoder() };
      } else {
        const item: FunctionCallOutput = { type: 'function_call', id: this.ids.itemId('fc'), call_id: call.id, name, arguments: '', status: 'in_progress', ...namespace };
        events.push(this.add(item));
        this.open = { kind: 'function_call', index: this.output.length - 1, item, chatIndex: call.index };
      }
    }
    const open = this.open;
    const args = call.function.arguments;
    if (!args || !open || open.kind === 'message' || open.kind === 'reasoning' || open.chatIndex !== call.index) return events;
    // A tool search has no delta events: its arguments arrive whole with the finished item.
    if (open.kind === 'tool_search_call') {
      open.args += args;
      return events;
    }
    const base = { sequence_number: 0, item_id: open.item.id, output_index: open.index };
    if (open.kind === 'function_call') {
      open.item.arguments += args;
      events.push({ ...base, type: 'response.function_call_arguments.delta', sequence_number: this.seqNo(), delta: args });
    } else {
      const text = open.decoder.push(args);
      if (text) {
        open.item.input += text;
        events.push({ ...base, type: 'response.custom_tool_call_input.delta', sequence_number: this.seqNo(), delta: text });
      }
    }
    return events;
  }

  /** The `.done` events of the open item. */
  private close(): ResponseStreamEvent[] {
    const open = this.open;
    if (!open) return [];
    this.open = null;
    const events: ResponseStreamEvent[] = [];
    const base = { item_id: open.item.id, output_index: open.index };
    switch (open.kind) {
      case 'message': {
        const text = open.item.content[0].text;
        open.item.status = outcomeOf(this.finish).status;
        events.push({ type: 'response.output_text.done', sequence_number: this.seqNo(), ...base, content_index: 0, text, logprobs: [] });
        events.push({ type: 'response.content_part.done', sequence_number: this.seqNo(), ...base, content_index: 0, part: { type: 'output_text', text, annotations: [] } });
        break;
      }
      case 'reasoning':
        if (open.text !== null) {
          const part = { type: 'summary_text' as const, text: open.text };
          open.item.summary.push(part);
          events.push({ type: 'response.reasoning_summary_text.done', sequence_number: this.seqNo(), ...base, summary_index: 0, text: open.text });
          events.push({ type: 'response.reasoning_summary_part.done', sequence_number: this.seqNo(), ...base, summary_index: 0, part: { ...part } });
        }
        open.item.encrypted_content ??= null;
        break;
      case 'function_call':
        // A call without arguments streams none; `{}` is what the unstreamed path reports for it.
        if (open.item.arguments === '') open.item.arguments = '{}';
        open.item.status = 'completed';
        events.push({ type: 'response.function_call_arguments.done', sequence_number: this.seqNo(), ...base, arguments: open.item.arguments });
        break;
      case 'tool_search_call':
        open.item.arguments = parsedArguments(open.args);
        open.item.status = 'completed';
        break;
      case 'custom_tool_call': {
        const { input, rest } = open.decoder.finish();
        if (rest) events.push({ type: 'response.custom_tool_call_input.delta', sequence_number: this.seqNo(), ...base, delta: rest });
        open.item.input = input;
        open.item.status = 'completed';
        events.push({ type: 'response.custom_tool_call_input.done', sequence_number: this.seqNo(), ...base, input });
        break;
      }
    }
    events.push({ type: 'response.output_item.done', sequence_number: this.seqNo(), output_index: open.index, item: structuredClone(open.item) });
    return events;
  }
}

/** A tool search's arguments as the JSON value the client reads; text that is no JSON stays text. */
function parsedArguments(args: string): unknown {
  if (args === '') return {};
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

/** The events that end an answer: the last one is `response.completed` (or `.incomplete`) with the whole response. */
export function finalResponse(events: readonly { type: string }[]): ResponseObject {
  return (events[events.length - 1] as LifecycleEvent).response;
}

/** A Converse response → the `response` object: the last snapshot of the same answer streamed. */
export function toResponse(
  res: ConverseResponse,
  ctx: Omit<ReplyContext, 'includeUsage'>,
  echo: ResponseEcho,
  ids: ResponseIds,
  completedAt: number,
  tools?: ToolNames,
): ResponseObject {
  const translator = new ResponsesStreamTranslator(echo, ids, tools);
  replayChunks(res, { ...ctx, includeUsage: true }, (chunk) => translator.onChunk(chunk));
  return finalResponse(translator.end(completedAt));
}
