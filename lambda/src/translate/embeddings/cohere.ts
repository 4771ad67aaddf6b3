/**
 * Cohere Embed v3 (english, multilingual) and v4: up to 96 texts per call with a required `input_type`.
 * v4 adds `output_dimension`; we always ask v4 for `embedding_types: ["float"]`, which answers
 * `{embeddings: {float: [...]}}` instead of v3's bare `{embeddings: [...]}`.
 */
import { asVectors, checkChoice, checkDimensions, isRecord, rejectOptions, upstreamShape } from './common';
import type { EmbeddingFamily, ParsedEmbeddings } from './types';

export const COHERE_INPUT_TYPES = ['search_document', 'search_query', 'classification', 'clustering'] as const;
const MAX_TEXTS = 96;

function parse(body: unknown, count: number): ParsedEmbeddings {
  if (!isRecord(body)) throw upstreamShape('Cohere');
  const embeddings = body.embeddings;
  const floats = Array.isArray(embeddings) ? embeddings : isRecord(embeddings) ? embeddings.float : undefined;
  return { vectors: asVectors(floats, count, 'Cohere embeddings') };
}

export const cohereV3: EmbeddingFamily = {
  name: 'Cohere Embed v3',
  maxBatch: MAX_TEXTS,
  dimensions: [1024],
  validate(options) {
    checkDimensions(this.name, this.dimensions, options.dimensions);
    rejectOptions(this.name, options, ['normalize', 'embeddingPurpose']);
    checkChoice('inputType', options.inputType, COHERE_INPUT_TYPES);
    checkChoice('truncate', options.truncate, ['NONE', 'START', 'END']);
  },
  request: (texts, options) => ({
    texts: [...texts],
    input_type: options.inputType ?? 'search_document',
    ...(options.truncate ? { truncate: options.truncate } : {}),
  }),
  response: parse,
};

export const cohereV4: EmbeddingFamily = {
  name: 'Cohere Embed v4',
  maxBatch: MAX_TEXTS,
  dimensions: [1536, 1024, 512, 256],
  validate(options) {
    checkDimensions(this.name, this.dimensions, options.dimensions);
    rejectOptions(this.name, options, ['normalize', 'embeddingPurpose']);
    checkChoice('inputType', options.inputType, COHERE_INPUT_TYPES);
    checkChoice('truncate', options.truncate, ['NONE', 'LEFT', 'RIGHT']);
  },
  request: (texts, options) => ({
    texts: [...texts],
    input_type: options.inputType ?? 'search_document',
    embedding_types: ['float'],
    ...(options.dimensions ? { output_dimension: options.dimensions } : {}),
    ...(options.truncate ? { truncate: options.truncate } : {}),
  }),
  response: parse,
};
