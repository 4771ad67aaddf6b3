/**
 * Responses `input` items → Chat Completions messages. Pure. The chat translators then do the Converse
 * mapping (role merging, tool-result pairing, images, documents, thinking round-trip), so none of that is
 * repeated here.
 */
import { invalidRequest, type FieldPath } from '../../errors/domain-error';
import type { ChatMessage, UserContentPart } from '../../schema/chat';
import {
  customToolCallItem,
  customToolCallOutputItem,
  functionCallItem,
  functionCallOutputItem,
  messageItem,
  reasoningItem,
  toolSearchCallItem,
  toolSearchOutputItem,
  type MessageItem,
  type ReasoningItem,
} from '../../schema/responses';
import { parseAt } from '../../schema/validate';
import { bedrockToolName, CUSTOM_INPUT, TOOL_SEARCH } from './tools';
import { lookupTable } from '../../lookup-table';

/** Marks `encrypted_content` that carries Bedrock's redacted reasoning (base64) rather than a signature. */
export const REDACTED_PREFIX = 'bedrock-redacted:';

/** Where a chat message came from, so chat-side errors can name the Responses param. */
export interface MessageSource {
  /** `['input', 3]` or `['instructions']`. */
  readonly at: FieldPath;
  /** The field the chat message's `content` came from (`output` for function_call_output items). */
  readonly contentField?: string;
  /** For assistant messages: the `['input', i]` of each merged function_call, by tool_calls index. */
  readonly toolCalls?: readonly FieldPath[];
}

export interface TranslatedInput {
  readonly messages: ChatMessage[];
  readonly sources: MessageSource[];
}

type AssistantMessage = Extract<ChatMessage, { role: 'assistant' }>;
type TextPart = { type: 'text'; text: string };
type ThinkingBlock = NonNullable<AssistantMessage['thinking_blocks']>[number];

const STATEFUL_ITEMS: Readonly<Record<string, string>> = lookupTable({
  item_reference: 'Item references need stored responses; this gateway is stateless. Send the full item instead.',
});

function unsupportedItem(type: string, at: FieldPath): never {
  const message =
    STATEFUL_ITEMS[type] ??
    `Input items of type '${type}' are not supported: this gateway serves messages, function and custom tool calls and their outputs, and reasoning items.`;
  throw invalidRequest(message, [...at, 'type'], 'unsupported_input_item');
}

function userPart(part: Exclude<MessageItem['content'], string>[number], at: FieldPath): UserContentPart {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: part.text };
    case 'refusal':
      return { type: 'text', text: part.refusal };
    case 'input_image':
      if (part.image_url) return { type: 'image_url', image_url: { url: part.image_url } };
      throw invalidRequest(
        part.file_id ? 'Uploaded file ids are not supported; send image_url as a data: URL or an http(s) URL.' : 'input_image needs an image_url.',
        [...at, part.file_id ? 'file_id' : 'image_url'],
        'unsupported_content',
      );
    case 'input_file':
      if (part.file_data) return { type: 'file', file: { file_data: part.file_data, ...(part.filename ? { filename: part.filename } : {}) } };
      throw invalidRequest(
        'input_file needs file_data (a base64 data: URL); file_id and file_url are not supported by this gateway.',
        [...at, part.file_id ? 'file_id' : part.file_url ? 'file_url' : 'file_data'],
        'unsupported_content',
      );
  }
}

/** Text-only content (system, developer and assistant messages). */
function textParts(content: MessageItem['content'], at: FieldPath, role: string): TextPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((part, j) => {
    if (part.type === 'input_text' || part.type === 'output_text') return { type: 'text', text: part.text };
    if (part.type === 'refusal') return { type: 'text', text: part.refusal };
    throw invalidRequest(`${role} messages take text only; '${part.type}' is allowed in user messages.`, [...at, 'content', j, 'type'], 'unsupported_content');
  });
}

/** A reasoning item → the chat thinking block the chat translator sends back to Bedrock, or nothing. */
function thinkingBlock(item: ReasoningItem): ThinkingBlock | undefined {
  const sealed = item.encrypted_content;
  // Without Bedrock's signature the reasoning cannot be verified, so it is not sent back at all.
  if (!sealed) return undefined;
  if (sealed.startsWith(REDACTED_PREFIX)) return { type: 'redacted_thinking', data: sealed.slice(REDACTED_PREFIX.length) };
  const text = item.content?.length ? item.content.map((c) => c.text).join('') : (item.summary ?? []).map((s) => s.text).join('');
  return { type: 'thinking', thinking: text, signature: sealed };
}

/** A call item of the history as the chat tool call Bedrock sees: its id, Bedrock tool name and JSON arguments. */
function toolCall(type: 'function_call' | 'custom_tool_call' | 'tool_search_call', raw: Record<string, unknown>, at: FieldPath): { call_id: string; name: string; args: string } {
  if (type === 'function_call') {
    const item = parseAt(functionCallItem, raw, at);
    return { call_id: item.call_id, name: bedrockToolName(item.name, item.namespace), args: item.arguments };
  }
  if (type === 'custom_tool_call') {
    const item = parseAt(customToolCallItem, raw, at);
    return { call_id: item.call_id, name: bedrockToolName(item.name, item.namespace), args: JSON.stringify({ [CUSTOM_INPUT]: item.input }) };
  }
  const item = parseAt(toolSearchCallItem, raw, at);
  if (!item.call_id) throw invalidRequest('Only tool searches the client ran (with a call_id) can be sent back.', [...at, 'call_id'], 'invalid_value');
  const args = typeof item.arguments === 'string' ? item.arguments : JSON.stringify(item.arguments ?? {});
  return { call_id: item.call_id, name: TOOL_SEARCH, args };
}

export function translateInput(input: string | ReadonlyArray<Record<string, unknown>>): TranslatedInput {
  if (typeof input === 'string') return { messages: [{ role: 'user', content: input }], sources: [{ at: ['input'] }] };
  const messages: ChatMessage[] = [];
  const sources: MessageSource[] = [];
  /** The assistant message that function_call items still join (the latest one, until another role speaks). */
  let open: { msg: AssistantMessage; calls: FieldPath[] } | null = null;
  /** Reasoning waits for the assistant output it belongs to. */
  let thinking: ThinkingBlock[] = [];

  const add = (msg: ChatMessage, source: MessageSource): void => {
    messages.push(msg);
    sources.push(source);
  };
  const assistant = (content: string | null, at: FieldPath): { msg: AssistantMessage; calls: FieldPath[] } => {
    const msg: AssistantMessage = { role: 'assistant', content, ...(thinking.length ? { thinking_blocks: thinking } : {}) };
    const calls: FieldPath[] = [];
    thinking = [];
    add(msg, { at, toolCalls: calls });
    open = { msg, calls };
    return open;
  };
  const otherRole = (msg: ChatMessage, source: MessageSource): void => {
    // Reasoning that no assistant output followed (e.g. a reply cut off while thinking) cannot be replayed alone.
    thinking = [];
    open = null;
    add(msg, source);
  };

  input.forEach((raw, i) => {
    const at: FieldPath = ['input', i];
    const type = typeof raw.type === 'string' ? raw.type : 'role' in raw ? 'message' : undefined;
    switch (type) {
      case 'message': {
        const item = parseAt(messageItem, raw, at);
        if (item.role === 'assistant') {
          assistant(textParts(item.content, at, 'Assistant').map((p) => p.text).join(''), at);
        } else if (item.role === 'user') {
          const content = typeof item.content === 'string' ? item.content : item.content.map((p, j) => userPart(p, [...at, 'content', j]));
          otherRole({ role: 'user', content }, { at });
        } else {
          const role = item.role;
          otherRole({ role, content: typeof item.content === 'string' ? item.content : textParts(item.content, at, role) }, { at });
        }
        break;
      }
      case 'function_call':
      case 'custom_tool_call':
      case 'tool_search_call': {
        const call = toolCall(type, raw, at);
        // Reasoning before a call starts a new assistant message; the chat translator merges it into the
        // same Converse turn, keeping the reasoning right before the call it led to.
        const target = open && thinking.length === 0 ? open : assistant(null, at);
        target.msg.tool_calls = [...(target.msg.tool_calls ?? []), { id: call.call_id, type: 'function', function: { name: call.name, arguments: call.args } }];
        target.calls.push(at);
        break;
      }
      case 'tool_search_output': {
        const item = parseAt(toolSearchOutputItem, raw, at);
        if (!item.call_id) throw invalidRequest('tool_search_output needs the call_id of the tool search it answers.', [...at, 'call_id'], 'invalid_value');
        // The tools themselves are offered to the model (./tools.ts); the result tells it what it found.
        const names = item.tools.map((t) => (typeof t.name === 'string' ? t.name : t.type));
        const content = names.length ? `Loaded tools, callable from now on: ${names.join(', ')}.` : 'No tools matched.';
        otherRole({ role: 'tool', tool_call_id: item.call_id, content }, { at, contentField: 'tools' });
        break;
      }
      case 'function_call_output':
      case 'custom_tool_call_output': {
        const item = type === 'function_call_output' ? parseAt(functionCallOutputItem, raw, at) : parseAt(customToolCallOutputItem, raw, at);
        const content =
          typeof item.output === 'string'
            ? item.output
            : item.output.map((part, j): TextPart => {
                if (part.type === 'input_text') return { type: 'text', text: part.text };
                throw invalidRequest('Tool call outputs take text only through this gateway.', [...at, 'output', j, 'type'], 'unsupported_content');
              });
        otherRole({ role: 'tool', tool_call_id: item.call_id, content }, { at, contentField: 'output' });
        break;
      }
      case 'reasoning': {
        const block = thinkingBlock(parseAt(reasoningItem, raw, at));
        if (block) thinking.push(block);
        break;
      }
      case undefined:
        throw invalidRequest('Each input item needs a type (or a role, for messages).', [...at, 'type'], 'invalid_value');
      default:
        unsupportedItem(type, at);
    }
  });
  return { messages, sources };
}
