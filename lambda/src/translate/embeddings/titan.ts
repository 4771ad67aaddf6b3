/**
 * Amazon Titan Text Embeddings v1 and v2: one text per InvokeModel call, `{inputText}` in and
 * `{embedding, inputTextTokenCount}` out. Only v2 takes `dimensions` and `normalize`.
 */
import { asVector, checkDimensions, isRecord, rejectOptions, upstreamShape } from './common';
import type { EmbeddingFamily, ParsedEmbeddings } from './types';

function parse(body: unknown, count: number): ParsedEmbeddings {
  if (count !== 1 || !isRecord(body)) throw upstreamShape('Titan');
  const tokens = body.inputTextTokenCount;
  return { vectors: [asVector(body.embedding, 'Titan embedding')], inputTokens: typeof tokens === 'number' ? tokens : undefined };
}

export const titanV1: EmbeddingFamily = {
  name: 'Titan Text Embeddings v1',
  maxBatch: 1,
  dimensions: [1536],
  validate(options) {
    checkDimensions(this.name, this.dimensions, options.dimensions);
    rejectOptions(this.name, options, ['normalize', 'truncate', 'embeddingPurpose']);
  },
  request: (texts) => ({ inputText: texts[0] }),
  response: parse,
};

export const titanV2: EmbeddingFamily = {
  name: 'Titan Text Embeddings v2',
  maxBatch: 1,
  dimensions: [1024, 512, 256],
  validate(options) {
    checkDimensions(this.name, this.dimensions, options.dimensions);
    rejectOptions(this.name, options, ['truncate', 'embeddingPurpose']);
  },
  // Titan normalizes by default; sending both fields keeps the request explicit in logs and the emulator.
  request: (texts, options) => ({ inputText: texts[0], dimensions: options.dimensions ?? 1024, normalize: options.normalize ?? true }),
  response: parse,
};
