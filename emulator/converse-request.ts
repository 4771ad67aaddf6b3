import { validation } from './errors';

/** The parts of a Converse request body the emulator reads; everything else is recorded, not interpreted. */
export interface ConverseBody {
  [field: string]: unknown;
  messages: Array<{ role: string; content: Array<Record<string, unknown>> }>;
  system?: Array<Record<string, unknown>>;
  toolConfig?: unknown;
  inferenceConfig?: unknown;
  outputConfig?: unknown;
  additionalModelRequestFields?: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks the conversation rules Bedrock enforces, so a gateway that breaks them fails in tests the way
 * it would in production (messages merged per role, toolConfig kept when history holds tool blocks).
 */
export function parseConverseBody(body: unknown): ConverseBody {
  if (!isObject(body) || !Array.isArray(body.messages) || body.messages.length === 0) {
    throw validation('The messages field is required and must contain at least one message.');
  }
  const messages = body.messages as unknown[];
  let usesTools = false;
  messages.forEach((message, i) => {
    if (!isObject(message) || (message.role !== 'user' && message.role !== 'assistant')) {
      throw validation(`messages.${i}.role: must be one of [user, assistant].`);
    }
    if (!Array.isArray(message.content) || message.content.length === 0) {
      throw validation(`messages.${i}.content: The content field in the message is empty.`);
    }
    if (i === 0 && message.role !== 'user') {
      throw validation('A conversation must start with a user message. Try again with a conversation that starts with a user message.');
    }
    const previous = messages[i - 1];
    if (i > 0 && isObject(previous) && previous.role === message.role) {
      throw validation('A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.');
    }
    for (const block of message.content as unknown[]) {
      if (isObject(block) && ('toolUse' in block || 'toolResult' in block)) usesTools = true;
    }
  });
  checkRequestMetadata(body.requestMetadata);
  if (usesTools && body.toolConfig === undefined) {
    throw validation('The toolConfig field must be defined when using toolUse and toolResult content blocks.');
  }
  return body as unknown as ConverseBody;
}

/** Converse's `requestMetadata` constraints (the SDK's documentation of the field): at most 16 pairs, restricted characters. */
const METADATA_KEY = /^[a-zA-Z0-9\s:_@$#=/+,.-]{1,256}$/;
const METADATA_VALUE = /^[a-zA-Z0-9\s:_@$#=/+,.-]{0,256}$/;

function checkRequestMetadata(value: unknown): void {
  if (value === undefined) return;
  if (!isObject(value)) throw validation("1 validation error detected: Value at 'requestMetadata' failed to satisfy constraint: Member must be a map");
  const entries = Object.entries(value);
  if (entries.length > 16) {
    throw validation("1 validation error detected: Value at 'requestMetadata' failed to satisfy constraint: Member must have length less than or equal to 16");
  }
  for (const [k, v] of entries) {
    if (!METADATA_KEY.test(k) || typeof v !== 'string' || !METADATA_VALUE.test(v)) {
      throw validation(`1 validation error detected: Value at 'requestMetadata' failed to satisfy constraint: Map keys and values must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z0-9\\s:_@$#=/+,.-]{0,256}]`);
    }
  }
}

export function countWords(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/).length;
}

/** All text a block carries, for token counting. */
function blockText(block: Record<string, unknown>): string {
  if (typeof block.text === 'string') return block.text;
  if (isObject(block.toolUse)) return JSON.stringify(block.toolUse.input ?? {});
  if (isObject(block.toolResult) && Array.isArray(block.toolResult.content)) {
    return (block.toolResult.content as unknown[])
      .filter(isObject)
      .map((part) => (typeof part.text === 'string' ? part.text : part.json !== undefined ? JSON.stringify(part.json) : ''))
      .join(' ');
  }
  if (isObject(block.reasoningContent) && isObject(block.reasoningContent.reasoningText)) {
    const text = block.reasoningContent.reasoningText.text;
    return typeof text === 'string' ? text : '';
  }
  return '';
}

/** Deterministic stand-in for tokenization: whitespace-separated words of every text in the request. */
export function countInputTokens(body: ConverseBody): number {
  const blocks = [...(body.system ?? []), ...body.messages.flatMap((m) => m.content)];
  return blocks.reduce((sum, block) => sum + (isObject(block) ? countWords(blockText(block)) : 0), 0);
}

/** Text blocks of the last user message, joined by a space. */
export function lastUserText(body: ConverseBody): string {
  const last = [...body.messages].reverse().find((m) => m.role === 'user');
  return (last?.content ?? [])
    .filter((block) => typeof block.text === 'string')
    .map((block) => block.text as string)
    .join(' ');
}

export const REPLY_PREFIX = 'Emulated reply to: ';
const MAX_ECHO = 200;

/** The last user text, cut at 200 code points: what default replies echo so tests can tell calls apart. */
export function echoOf(body: ConverseBody): string {
  return Array.from(lastUserText(body)).slice(0, MAX_ECHO).join('');
}

/** The reply text when nothing is scripted. */
export function defaultReplyText(body: ConverseBody): string {
  return REPLY_PREFIX + echoOf(body);
}
