/**
 * A Converse response replayed as ConverseStream events. Models that cannot stream tool use are called
 * unstreamed and replayed, so the client still gets a well-formed stream, in one burst; and every
 * unstreamed answer is the fold of the stream translation over these events (`translate/reply.ts`), so
 * streamed and unstreamed answers agree by construction. Every content block kind must therefore appear.
 */
import type { ConverseResponse, ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { upstreamInvalid } from './upstream-shape';

export function* responseAsEvents(res: ConverseResponse): Generator<ConverseStreamOutput> {
  // An answer without a message (an empty body, `{"output": 42}`) is Bedrock's fault, not an empty answer.
  const blocks = res?.output?.message?.content;
  if (!Array.isArray(blocks)) throw upstreamInvalid('no output message');
  if (typeof res.stopReason !== 'string') throw upstreamInvalid('no stop reason');
  yield { messageStart: { role: 'assistant' } };
  for (const [contentBlockIndex, block] of blocks.entries()) {
    if (block === null || typeof block !== 'object') throw upstreamInvalid('a content block is not an object');
    if (block.toolUse) {
      const { toolUseId, name, input } = block.toolUse;
      yield { contentBlockStart: { contentBlockIndex, start: { toolUse: { toolUseId, name } } } };
      yield { contentBlockDelta: { contentBlockIndex, delta: { toolUse: { input: JSON.stringify(input ?? {}) } } } };
    } else if (block.text !== undefined) {
      yield { contentBlockDelta: { contentBlockIndex, delta: { text: block.text } } };
    } else if (block.reasoningContent?.reasoningText) {
      const { text, signature } = block.reasoningContent.reasoningText;
      if (text) yield { contentBlockDelta: { contentBlockIndex, delta: { reasoningContent: { text } } } };
      if (signature) yield { contentBlockDelta: { contentBlockIndex, delta: { reasoningContent: { signature } } } };
    } else if (block.reasoningContent?.redactedContent) {
      yield { contentBlockDelta: { contentBlockIndex, delta: { reasoningContent: { redactedContent: block.reasoningContent.redactedContent } } } };
    } else continue;
    yield { contentBlockStop: { contentBlockIndex } };
  }
  yield { messageStop: { stopReason: res.stopReason } };
  yield { metadata: { usage: res.usage, metrics: res.metrics ?? { latencyMs: 0 } } };
}
