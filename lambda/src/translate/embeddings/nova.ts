/**
 * Amazon Nova multimodal embeddings, text only: one input per call through InvokeModel's
 * SINGLE_EMBEDDING task. The Cohere-style `input_type` maps onto Nova's `embeddingPurpose`, so clients
 * can switch models without changing requests; `embedding_purpose` names Nova's value directly.
 */
import { asVector, checkChoice, checkDimensions, isRecord, rejectOptions, upstreamShape } from './common';
import { COHERE_INPUT_TYPES } from './cohere';
import type { EmbeddingFamily, ParsedEmbeddings } from './types';

export const NOVA_PURPOSES = [
  'GENERIC_INDEX', 'GENERIC_RETRIEVAL', 'TEXT_RETRIEVAL', 'IMAGE_RETRIEVAL', 'VIDEO_RETRIEVAL',
  'DOCUMENT_RETRIEVAL', 'AUDIO_RETRIEVAL', 'CLASSIFICATION', 'CLUSTERING',
] as const;

const PURPOSE_BY_INPUT_TYPE: Readonly<Record<(typeof COHERE_INPUT_TYPES)[number], string>> = {
  search_document: 'GENERIC_INDEX',
  search_query: 'TEXT_RETRIEVAL',
  classification: 'CLASSIFICATION',
  clustering: 'CLUSTERING',
};

function parse(body: unknown, count: number): ParsedEmbeddings {
  if (count !== 1 || !isRecord(body) || !Array.isArray(body.embeddings) || body.embeddings.length !== 1) throw upstreamShape('Nova');
  const [first] = body.embeddings as unknown[];
  return { vectors: [asVector(isRecord(first) ? first.embedding : undefined, 'Nova embedding')] };
}

export const nova: EmbeddingFamily = {
  name: 'Nova multimodal embeddings',
  maxBatch: 1,
  dimensions: [3072, 1024, 384, 256],
  validate(options) {
    checkDimensions(this.name, this.dimensions, options.dimensions);
    rejectOptions(this.name, options, ['normalize']);
    checkChoice('inputType', options.inputType, COHERE_INPUT_TYPES);
    checkChoice('embeddingPurpose', options.embeddingPurpose, NOVA_PURPOSES);
    checkChoice('truncate', options.truncate, ['START', 'END', 'NONE']);
  },
  request: (texts, options) => ({
    schemaVersion: 'nova-multimodal-embed-v1',
    taskType: 'SINGLE_EMBEDDING',
    singleEmbeddingParams: {
      embeddingPurpose: options.embeddingPurpose ?? PURPOSE_BY_INPUT_TYPE[(options.inputType ?? 'search_document') as keyof typeof PURPOSE_BY_INPUT_TYPE],
      embeddingDimension: options.dimensions ?? 3072,
      text: { truncationMode: options.truncate ?? 'END', value: texts[0] },
    },
  }),
  response: parse,
};
