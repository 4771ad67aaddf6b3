import { createHash } from 'node:crypto';
import { countWords, defaultReplyText, echoOf, type ConverseBody } from './converse-request';
import type { ModelFamily } from './families';
import { schemaValue } from './schema-value';
import { splitWords } from './stream-events';
import type { EmulatorDefaults, OutputBlock } from './types';

/**
 * The reply when nothing is scripted: it does what the request asks, so a demo or a test sees the
 * behaviour a real model would show. A forced tool choice answers with a call whose input fits the
 * tool's schema; a JSON-schema output format answers with JSON that fits it; enabled reasoning
 * answers with a signed reasoning block first; maxTokens cuts the reply (words are the emulator's tokens).
 */
export interface DefaultReply {
  content: OutputBlock[];
  stopReason: 'end_turn' | 'tool_use' | 'max_tokens';
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const at = (value: unknown, ...path: string[]): unknown => path.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), value);

export const REASONING_PREFIX = 'Emulated reasoning about: ';

/** A stable stand-in for the opaque signature Bedrock attaches to reasoning: the same text, the same signature. */
export const reasoningSignature = (text: string): string => createHash('sha256').update(text).digest('base64');

function reasoningBlock(body: ConverseBody): OutputBlock {
  const text = REASONING_PREFIX + echoOf(body);
  return { reasoningContent: { reasoningText: { text, signature: reasoningSignature(text) } } };
}

/** The tool a `toolChoice` of `any` (the first tool) or `tool` (the named one) forces; undefined for `auto` or none. */
function forcedToolCall(body: ConverseBody): OutputBlock | undefined {
  const choice = at(body.toolConfig, 'toolChoice');
  const tools = ((at(body.toolConfig, 'tools') as unknown[] | undefined) ?? []).map((t) => at(t, 'toolSpec')).filter(isObject);
  let spec: Json | undefined;
  let name: string | undefined;
  if (isObject(at(choice, 'any'))) {
    spec = tools[0];
    name = spec?.name as string | undefined;
  } else if (typeof at(choice, 'tool', 'name') === 'string') {
    name = at(choice, 'tool', 'name') as string;
    spec = tools.find((t) => t.name === name);
  }
  if (name === undefined) return undefined;
  // Unique within a conversation: each turn adds messages.
  const toolUseId = `tooluse_emu_${body.messages.length}`;
  return { toolUse: { toolUseId, name, input: schemaValue(at(spec, 'inputSchema', 'json') ?? { type: 'object' }) } };
}

/** JSON fitting `outputConfig.textFormat`'s schema (sent as a JSON string); undefined when none is asked for or it does not parse. */
function structuredText(body: ConverseBody): string | undefined {
  const format = at(body.outputConfig, 'textFormat');
  const schema = at(format, 'structure', 'jsonSchema', 'schema');
  if (at(format, 'type') !== 'json_schema' || typeof schema !== 'string') return undefined;
  try {
    return JSON.stringify(schemaValue(JSON.parse(schema)));
  } catch {
    return undefined;
  }
}

/** The text a block carries, as counted for tokens (a tool call counts its input JSON). */
export function outputText(block: OutputBlock): string {
  if ('text' in block) return block.text;
  if ('toolUse' in block) return JSON.stringify(block.toolUse.input ?? {});
  return 'reasoningText' in block.reasoningContent ? block.reasoningContent.reasoningText.text : '';
}

/** The first `limit` words of `text`, whitespace between them kept, none after the last. */
export function firstWords(text: string, limit: number): string {
  let kept = '';
  let words = 0;
  for (const piece of splitWords(text)) {
    if (piece.trim() !== '') {
      if (words === limit) break;
      words += 1;
    }
    kept += piece;
  }
  return kept.trimEnd();
}

function cutBlock(block: OutputBlock, words: number): OutputBlock | undefined {
  if (words === 0) return undefined;
  if ('text' in block) return { text: firstWords(block.text, words) };
  if ('reasoningContent' in block && 'reasoningText' in block.reasoningContent) {
    const { text, signature } = block.reasoningContent.reasoningText;
    return { reasoningContent: { reasoningText: { text: firstWords(text, words), ...(signature !== undefined ? { signature } : {}) } } };
  }
  // A tool call is never cut in half: it is dropped.
  return undefined;
}

/** Cuts the blocks, in order, at `limit` tokens; `cut` says whether anything was left out. */
export function cutAtTokens(blocks: OutputBlock[], limit: number | undefined): { content: OutputBlock[]; cut: boolean } {
  if (limit === undefined) return { content: blocks, cut: false };
  const content: OutputBlock[] = [];
  let left = limit;
  for (const block of blocks) {
    const words = countWords(outputText(block));
    if (words <= left) {
      content.push(block);
      left -= words;
      continue;
    }
    const part = cutBlock(block, left);
    if (part !== undefined) content.push(part);
    return { content, cut: true };
  }
  return { content, cut: false };
}

export function defaultReply(body: ConverseBody, family: ModelFamily | undefined, defaults: Pick<EmulatorDefaults, 'replyText'>): DefaultReply {
  const fields = isObject(body.additionalModelRequestFields) ? body.additionalModelRequestFields : {};
  const blocks: OutputBlock[] = [];
  if (family?.reasoningOn?.(fields)) blocks.push(reasoningBlock(body));
  const toolCall = forcedToolCall(body);
  blocks.push(toolCall ?? { text: structuredText(body) ?? defaults.replyText ?? defaultReplyText(body) });
  const maxTokens = at(body.inferenceConfig, 'maxTokens');
  const { content, cut } = cutAtTokens(blocks, typeof maxTokens === 'number' ? maxTokens : undefined);
  const stopReason = cut ? 'max_tokens' : content.some((b) => 'toolUse' in b) ? 'tool_use' : 'end_turn';
  return { content, stopReason };
}
