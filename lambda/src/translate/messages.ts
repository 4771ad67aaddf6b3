/**
 * OpenAI chat messages → Converse `system` and `messages`. Pure.
 * Converse wants a user turn first, strictly alternating roles, tool results in the user turn right after
 * the assistant's tool calls, and no blank text blocks; OpenAI histories break all of these routinely.
 */
import type { ContentBlock, Message, SystemContentBlock, ToolResultContentBlock } from '@aws-sdk/client-bedrock-runtime';
import type { ModelCapabilities } from '../models/capabilities';
import { invalidRequest } from '../errors/domain-error';
import type { CacheMarked, ChatMessage, UserContentPart } from '../schema/chat';
import { cachePointFor } from './cache-points';
import { decodeBase64, decodeDataUrl, documentFormat, documentName, imageFormat, type DecodedMedia } from './media';

export interface MessageContext {
  readonly modelId: string;
  readonly caps: ModelCapabilities;
  /** http(s) image URLs the caller has already fetched, by URL. */
  readonly fetchedMedia?: ReadonlyMap<string, DecodedMedia>;
}

export interface TranslatedMessages {
  readonly system: SystemContentBlock[];
  readonly messages: Message[];
  /** How many cachePoint blocks the client's `cache_control` / `prompt_cache_breakpoint` markers produced. */
  readonly cacheBreaks: number;
  /** The history holds toolUse/toolResult blocks, so Converse needs a toolConfig. */
  readonly hasToolHistory: boolean;
}

/** Placeholder user turn for histories that start with the assistant (Converse requires a user turn first). */
export const LEADING_USER_PLACEHOLDER = '(conversation continues)';
const EMPTY_TOOL_RESULT = '(empty result)';
const MISSING_TOOL_RESULT = 'No result was returned for this tool call.';

type Turn = { role: 'user' | 'assistant'; content: ContentBlock[] };

function textOf(content: string | readonly { type: string; text?: string }[] | null | undefined): string[] {
  if (content == null) return [];
  if (typeof content === 'string') return [content];
  return content.filter((p) => p.type === 'text' && typeof p.text === 'string').map((p) => p.text as string);
}

function nonBlank(texts: string[]): ContentBlock[] {
  return texts.filter((t) => t.trim() !== '').map((text) => ({ text }));
}

/** The cachePoint block a part's cache marker asks for, to follow the part's own block. */
function marker(part: CacheMarked): ContentBlock[] {
  const point = cachePointFor(part);
  return point ? [{ cachePoint: point }] : [];
}

function userBlocks(content: string | UserContentPart[], at: string, ctx: MessageContext, docNames: Set<string>): ContentBlock[] {
  if (typeof content === 'string') return nonBlank([content]);
  const blocks: ContentBlock[] = [];
  content.forEach((part, i) => {
    const param = `${at}.content[${i}]`;
    switch (part.type) {
      case 'text':
        blocks.push(...nonBlank([part.text]), ...marker(part));
        break;
      case 'image_url': {
        if (!ctx.caps.images) throw invalidRequest(`Model '${ctx.modelId}' does not accept image input.`, param, 'unsupported_content');
        const url = typeof part.image_url === 'string' ? part.image_url : part.image_url.url;
        const media = decodeDataUrl(url, param) ?? ctx.fetchedMedia?.get(url);
        if (!media) throw invalidRequest('Image URLs must be data: URLs or http(s) URLs the gateway can fetch.', param, 'invalid_image_url');
        blocks.push({ image: { format: imageFormat(media, param), source: { bytes: media.bytes } } }, ...marker(part));
        break;
      }
      case 'file': {
        if (!ctx.caps.documents) throw invalidRequest(`Model '${ctx.modelId}' does not accept documents.`, param, 'unsupported_content');
        const { file_data: data, filename } = part.file;
        if (!data) throw invalidRequest('File parts need file_data (base64); file_id uploads are not supported by this gateway.', `${param}.file`, 'unsupported_content');
        const media = decodeDataUrl(data, param) ?? { mimeType: '', bytes: decodeBase64(data, param) };
        const format = documentFormat(media.mimeType, filename, media.bytes, param);
        blocks.push({ document: { format, name: documentName(filename, docNames), source: { bytes: media.bytes } } }, ...marker(part));
        break;
      }
      case 'input_audio':
        throw invalidRequest('Audio input is not supported by Bedrock Converse.', param, 'unsupported_content');
    }
  });
  return blocks;
}

function reasoningBlocks(msg: Extract<ChatMessage, { role: 'assistant' }>, caps: ModelCapabilities): ContentBlock[] {
  // A model without reasoning rejects reasoning blocks (a conversation may switch models mid-way).
  if (caps.reasoning === 'none') return [];
  // Only signed (or redacted) reasoning can be sent back; unsigned text would be rejected by Claude.
  if (msg.thinking_blocks?.length) {
    return msg.thinking_blocks.flatMap((b): ContentBlock[] => {
      if (b.type === 'redacted_thinking' && b.data) return [{ reasoningContent: { redactedContent: Buffer.from(b.data, 'base64') } }];
      if (b.type === 'thinking' && b.thinking && b.signature) return [{ reasoningContent: { reasoningText: { text: b.thinking, signature: b.signature } } }];
      return [];
    });
  }
  if (msg.reasoning_content && msg.reasoning_signature) {
    return [{ reasoningContent: { reasoningText: { text: msg.reasoning_content, signature: msg.reasoning_signature } } }];
  }
  return [];
}

/** Text parts of a message, each followed by the cachePoint its marker asks for. */
function textBlocks(content: string | readonly ({ type: string; text?: string } & CacheMarked)[] | null | undefined): ContentBlock[] {
  if (content == null || typeof content === 'string') return nonBlank(textOf(content));
  return content.flatMap((p) => (p.type === 'text' && typeof p.text === 'string' ? [...nonBlank([p.text]), ...marker(p)] : []));
}

function assistantBlocks(msg: Extract<ChatMessage, { role: 'assistant' }>, at: string, caps: ModelCapabilities): ContentBlock[] {
  const blocks: ContentBlock[] = [...reasoningBlocks(msg, caps)];
  blocks.push(...textBlocks(msg.content));
  const calls = msg.tool_calls ?? (msg.function_call ? [{ id: legacyCallId(msg.function_call.name), function: msg.function_call }] : []);
  calls.forEach((call, i) => {
    let input: unknown;
    try {
      input = call.function.arguments.trim() === '' ? {} : JSON.parse(call.function.arguments);
    } catch {
      throw invalidRequest('Tool call arguments must be a JSON string.', `${at}.tool_calls[${i}].function.arguments`, 'invalid_tool_arguments');
    }
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      throw invalidRequest('Tool call arguments must encode a JSON object.', `${at}.tool_calls[${i}].function.arguments`, 'invalid_tool_arguments');
    }
    blocks.push({ toolUse: { toolUseId: call.id, name: call.function.name, input: input as Record<string, never> } });
  });
  return blocks;
}

/** Legacy `function_call` has no id; the matching `function` message is paired by name. */
function legacyCallId(name: string): string {
  return `call_legacy_${name}`;
}

function toolResult(toolUseId: string, content: string | readonly ({ type: string; text?: string } & CacheMarked)[] | null): ContentBlock[] {
  const texts = textOf(content).filter((t) => t !== '');
  const blocks: ToolResultContentBlock[] = texts.length ? texts.map((text) => ({ text })) : [{ text: EMPTY_TOOL_RESULT }];
  // A cachePoint cannot sit inside a tool result; one marked part puts it right after the result.
  const point = typeof content === 'string' || content == null ? undefined : content.map(cachePointFor).find(Boolean);
  return [{ toolResult: { toolUseId, content: blocks } }, ...(point ? [{ cachePoint: point }] : [])];
}

/** Appends to the previous turn when the role repeats, so roles alternate as Converse demands. */
function push(turns: Turn[], role: Turn['role'], content: ContentBlock[]): void {
  if (content.length === 0) return;
  const last = turns[turns.length - 1];
  if (last && last.role === role) last.content.push(...content);
  else turns.push({ role, content: [...content] });
}

/**
 * Every toolUse must be answered in the following user turn. Missing results are filled with an error
 * result (agents that were interrupted send such histories); results that answer no call are a 400.
 */
function pairToolResults(turns: Turn[]): void {
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i];
    if (turn.role !== 'assistant') continue;
    const ids = turn.content.flatMap((b) => (b.toolUse?.toolUseId ? [b.toolUse.toolUseId] : []));
    if (ids.length === 0) continue;
    let next = turns[i + 1];
    if (!next || next.role !== 'user') {
      next = { role: 'user', content: [] };
      turns.splice(i + 1, 0, next);
    }
    const answered = new Set(next.content.flatMap((b) => (b.toolResult?.toolUseId ? [b.toolResult.toolUseId] : [])));
    const missing: ContentBlock[] = ids
      .filter((id) => !answered.has(id))
      .map((id) => ({ toolResult: { toolUseId: id, content: [{ text: MISSING_TOOL_RESULT }], status: 'error' } }));
    // Results lead the turn (Claude requires it): text a user added after the tool messages follows them.
    const results = next.content.filter((b) => b.toolResult);
    const others = next.content.filter((b) => !b.toolResult);
    next.content = [...missing, ...results, ...others];
  }
  const known = new Set<string>();
  turns.forEach((turn, i) => {
    for (const b of turn.content) {
      if (b.toolUse?.toolUseId) known.add(b.toolUse.toolUseId);
      const id = b.toolResult?.toolUseId;
      if (id && !(known.has(id) && turns[i - 1]?.content.some((p) => p.toolUse?.toolUseId === id))) {
        throw invalidRequest(`The tool result for '${id}' does not follow an assistant message with a matching tool call.`, 'messages', 'orphan_tool_result');
      }
    }
  });
}

export function translateMessages(input: readonly ChatMessage[], ctx: MessageContext): TranslatedMessages {
  const system: SystemContentBlock[] = [];
  const turns: Turn[] = [];
  const docNames = new Set<string>();
  let cacheBreaks = 0;
  input.forEach((msg, i) => {
    const at = `messages[${i}]`;
    switch (msg.role) {
      case 'system':
      case 'developer': {
        const parts = typeof msg.content === 'string' ? [{ type: 'text' as const, text: msg.content }] : msg.content;
        for (const part of parts) {
          if (part.text.trim() !== '') system.push({ text: part.text });
          const point = cachePointFor(part);
          if (point) system.push({ cachePoint: point });
        }
        break;
      }
      case 'user':
        push(turns, 'user', userBlocks(msg.content, at, ctx, docNames));
        break;
      case 'assistant':
        push(turns, 'assistant', assistantBlocks(msg, at, ctx.caps));
        break;
      case 'tool':
        push(turns, 'user', toolResult(msg.tool_call_id, msg.content));
        break;
      case 'function':
        push(turns, 'user', toolResult(legacyCallId(msg.name), msg.content));
        break;
    }
  });

  if (turns.length === 0) throw invalidRequest('messages must include at least one user or assistant message with content.', 'messages', 'empty_conversation');
  if (turns[0].role === 'assistant') turns.unshift({ role: 'user', content: [{ text: LEADING_USER_PLACEHOLDER }] });
  pairToolResults(turns);

  if (!ctx.caps.system && system.length > 0) {
    // Models without a system prompt get it as the opening of the first user turn.
    const texts = system.flatMap((b) => (b.text ? [{ text: b.text }] : []));
    turns[0].content.unshift(...texts);
    system.length = 0;
  }
  if (turns[turns.length - 1].role === 'assistant' && !ctx.caps.prefill) {
    throw invalidRequest(`Model '${ctx.modelId}' cannot continue a conversation that ends with an assistant message.`, 'messages', 'prefill_unsupported');
  }
  for (const t of turns) cacheBreaks += t.content.filter((b) => b.cachePoint).length;
  cacheBreaks += system.filter((b) => b.cachePoint).length;
  const hasToolHistory = turns.some((t) => t.content.some((b) => b.toolUse || b.toolResult));
  return { system, messages: turns, cacheBreaks, hasToolHistory };
}
