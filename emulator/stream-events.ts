import type { ResolvedReply } from './reply';
import type { OutputBlock } from './types';

/** One ConverseStream event, named as its `:event-type` header. */
export interface StreamEvent {
  event: 'messageStart' | 'contentBlockStart' | 'contentBlockDelta' | 'contentBlockStop' | 'messageStop' | 'metadata';
  payload: Record<string, unknown>;
}

/** Word-sized pieces that concatenate back to `text` exactly: each word keeps the whitespace after it. */
export function splitWords(text: string): string[] {
  if (text === '') return [];
  return text.split(/(?<=\s)(?=\S)/);
}

/** `count` pieces of near-equal length (in code points, never splitting a surrogate pair). */
export function splitEvenly(text: string, count: number): string[] {
  const chars = Array.from(text);
  const n = Math.max(1, Math.min(count, chars.length));
  const pieces: string[] = [];
  for (let i = 0; i < n; i += 1) {
    pieces.push(chars.slice(Math.floor((i * chars.length) / n), Math.floor(((i + 1) * chars.length) / n)).join(''));
  }
  return pieces.filter((piece) => piece !== '');
}

const TOOL_FRAGMENT_CHARS = 16;

/** Tool input JSON arrives in fragments like the real service: at least two, so clients must concatenate. */
export function splitToolInput(json: string): string[] {
  return splitEvenly(json, Math.max(2, Math.ceil(Array.from(json).length / TOOL_FRAGMENT_CHARS)));
}

function textPieces(text: string, textChunks: number | null): string[] {
  return textChunks === null ? splitWords(text) : splitEvenly(text, textChunks);
}

function blockEvents(block: OutputBlock, index: number, textChunks: number | null): StreamEvent[] {
  const delta = (d: Record<string, unknown>): StreamEvent => ({
    event: 'contentBlockDelta',
    payload: { contentBlockIndex: index, delta: d },
  });
  const events: StreamEvent[] = [];
  if ('text' in block) {
    events.push(...textPieces(block.text, textChunks).map((text) => delta({ text })));
  } else if ('toolUse' in block) {
    const { toolUseId, name, input } = block.toolUse;
    events.push({ event: 'contentBlockStart', payload: { contentBlockIndex: index, start: { toolUse: { toolUseId, name } } } });
    events.push(...splitToolInput(JSON.stringify(input ?? {})).map((fragment) => delta({ toolUse: { input: fragment } })));
  } else if ('reasoningText' in block.reasoningContent) {
    const { text, signature } = block.reasoningContent.reasoningText;
    events.push(...textPieces(text, textChunks).map((piece) => delta({ reasoningContent: { text: piece } })));
    if (signature !== undefined) events.push(delta({ reasoningContent: { signature } }));
  } else {
    events.push(delta({ reasoningContent: { redactedContent: block.reasoningContent.redactedContent } }));
  }
  events.push({ event: 'contentBlockStop', payload: { contentBlockIndex: index } });
  return events;
}

/** The event sequence for a reply, in the order Bedrock sends it, up to messageStop. */
export function streamEvents(reply: ResolvedReply): StreamEvent[] {
  return [
    { event: 'messageStart', payload: { role: 'assistant' } },
    ...reply.content.flatMap((block, index) => blockEvents(block, index, reply.textChunks)),
    { event: 'messageStop', payload: { stopReason: reply.stopReason } },
  ];
}

/** The closing event; built last because it reports the time the stream took. */
export function metadataEvent(reply: ResolvedReply, latencyMs: number): StreamEvent {
  return { event: 'metadata', payload: { usage: reply.usage, metrics: { latencyMs } } };
}
