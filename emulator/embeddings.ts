import { countWords } from './converse-request';
import { BedrockError, validation } from './errors';
import { emulatorVector, quantize, type CohereEmbeddingType } from './vector';

/** InvokeModel for embedding models: each family's own request and response body. */

export type EmbeddingFamily = 'titan-v1' | 'titan-v2' | 'cohere-v3' | 'cohere-v4' | 'nova';

const FAMILIES: Readonly<Record<string, EmbeddingFamily>> = {
  'amazon.titan-embed-text-v1': 'titan-v1',
  'amazon.titan-embed-g1-text-02': 'titan-v1',
  'amazon.titan-embed-text-v2:0': 'titan-v2',
  'cohere.embed-english-v3': 'cohere-v3',
  'cohere.embed-multilingual-v3': 'cohere-v3',
  'cohere.embed-v4:0': 'cohere-v4',
  'amazon.nova-2-multimodal-embeddings-v1:0': 'nova',
};

export function embeddingFamily(foundationModelId: string): EmbeddingFamily | undefined {
  return FAMILIES[foundationModelId];
}

export interface EmbeddingResult {
  body: Record<string, unknown>;
  /** Bedrock reports it in the x-amzn-bedrock-input-token-count header for every model. */
  inputTokens: number;
}

type Json = Record<string, unknown>;

/** InvokeModel's schema errors, worded as Bedrock words them (see docs/emulator.md). */
const malformed = (detail: string): BedrockError =>
  validation(`Malformed input request: ${detail}, please reformat your input and try again.`);

function requireKeys(body: Json, allowed: readonly string[]): void {
  const extra = Object.keys(body).filter((key) => !allowed.includes(key));
  if (extra.length > 0) throw malformed(`#: extraneous key [${extra[0]}] is not permitted`);
}

function oneOf<T>(body: Json, key: string, allowed: readonly T[], fallback: T): T {
  const value = body[key];
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw malformed(`#/${key}: ${JSON.stringify(value)} is not a valid enum value`);
  }
  return value as T;
}

function requiredText(value: unknown, path: string): string {
  if (typeof value !== 'string') throw malformed(`#: required key [${path}] not found`);
  if (value === '') throw malformed(`#/${path}: expected minLength: 1, actual: 0`);
  return value;
}

function titan(body: Json, version: 1 | 2): EmbeddingResult {
  requireKeys(body, version === 1 ? ['inputText'] : ['inputText', 'dimensions', 'normalize', 'embeddingTypes']);
  const text = requiredText(body.inputText, 'inputText');
  const dims = version === 1 ? 1536 : oneOf(body, 'dimensions', [256, 512, 1024], 1024);
  const embedding = emulatorVector(text, dims);
  const inputTokens = countWords(text);
  const result: Json = { embedding, inputTextTokenCount: inputTokens };
  if (version === 2 && body.embeddingTypes !== undefined) {
    const types = stringList(body.embeddingTypes, 'embeddingTypes', ['float', 'binary']);
    result.embeddingsByType = Object.fromEntries(
      types.map((type) => [type, type === 'float' ? embedding : embedding.map((x) => (x > 0 ? 1 : 0))]),
    );
  }
  return { body: result, inputTokens };
}

function stringList<T extends string>(value: unknown, key: string, allowed: readonly T[]): T[] {
  if (!Array.isArray(value) || value.length === 0 || value.some((v) => !allowed.includes(v as T))) {
    throw malformed(`#/${key}: expected a non-empty array of [${allowed.join(', ')}]`);
  }
  return value as T[];
}

const COHERE_TYPES: readonly CohereEmbeddingType[] = ['float', 'int8', 'uint8', 'binary', 'ubinary'];
const COHERE_MAX_TEXTS = 96;

function cohereInputs(body: Json): { inputs: string[]; texts?: string[] } {
  const sources = ['texts', 'images', 'inputs'].filter((key) => body[key] !== undefined);
  if (sources.length !== 1) throw malformed('exactly one of texts, images or inputs is required');
  const list = body[sources[0]];
  if (!Array.isArray(list) || list.length === 0) throw malformed(`#/${sources[0]}: expected a non-empty array`);
  if (list.length > COHERE_MAX_TEXTS) {
    throw malformed(`#/${sources[0]}: expected maxItems: ${COHERE_MAX_TEXTS}, actual: ${list.length}`);
  }
  // Mixed (interleaved) inputs embed the concatenation of their text parts.
  const inputs = list.map((item: unknown) =>
    typeof item === 'string'
      ? item
      : ((item as { content?: Array<{ text?: string }> }).content ?? []).map((part) => part.text ?? '').join(' '),
  );
  return { inputs, texts: sources[0] === 'texts' ? (list as string[]) : undefined };
}

function cohere(body: Json, version: 3 | 4): EmbeddingResult {
  const inputTypes = ['search_document', 'search_query', 'classification', 'clustering', ...(version === 3 ? ['image'] : [])];
  if (body.input_type === undefined) throw malformed('#: required key [input_type] not found');
  oneOf(body, 'input_type', inputTypes, 'search_document');
  oneOf(body, 'truncate', version === 3 ? ['NONE', 'START', 'END'] : ['NONE', 'LEFT', 'RIGHT'], 'NONE');
  const { inputs, texts } = cohereInputs(body);
  const dims = version === 3 ? 1024 : oneOf(body, 'output_dimension', [256, 512, 1024, 1536], 1536);
  const vectors = inputs.map((input) => emulatorVector(input, dims));
  const types = body.embedding_types === undefined ? undefined : stringList(body.embedding_types, 'embedding_types', COHERE_TYPES);
  const inputTokens = inputs.reduce((sum, input) => sum + countWords(input), 0);
  const result: Json = { id: `emu-embed-${inputs.length}-${dims}`, texts: texts ?? [] };
  if (version === 3 && types === undefined) {
    Object.assign(result, { embeddings: vectors, response_type: 'embeddings_floats' });
  } else {
    const byType = Object.fromEntries(
      (types ?? ['float']).map((type) => [type, type === 'float' ? vectors : vectors.map(quantize[type])]),
    );
    Object.assign(result, { embeddings: byType, response_type: 'embeddings_by_type' });
  }
  return { body: result, inputTokens };
}

const NOVA_PURPOSES = [
  'GENERIC_INDEX', 'GENERIC_RETRIEVAL', 'TEXT_RETRIEVAL', 'IMAGE_RETRIEVAL', 'VIDEO_RETRIEVAL',
  'DOCUMENT_RETRIEVAL', 'AUDIO_RETRIEVAL', 'CLASSIFICATION', 'CLUSTERING',
];

function nova(body: Json): EmbeddingResult {
  oneOf(body, 'schemaVersion', ['nova-multimodal-embed-v1'], 'nova-multimodal-embed-v1');
  if (body.taskType !== 'SINGLE_EMBEDDING') {
    throw malformed('#/taskType: InvokeModel supports only SINGLE_EMBEDDING');
  }
  const params = body.singleEmbeddingParams as Json | undefined;
  if (typeof params !== 'object' || params === null) {
    throw malformed('#: required key [singleEmbeddingParams] not found');
  }
  if (params.embeddingPurpose === undefined) {
    throw malformed('#/singleEmbeddingParams: required key [embeddingPurpose] not found');
  }
  oneOf(params, 'embeddingPurpose', NOVA_PURPOSES, 'GENERIC_INDEX');
  const dims = oneOf(params, 'embeddingDimension', [256, 384, 1024, 3072], 3072);
  const text = params.text as Json | undefined;
  if (typeof text !== 'object' || text === null) {
    throw malformed('the emulator embeds only singleEmbeddingParams.text');
  }
  oneOf(text, 'truncationMode', ['START', 'END', 'NONE'], 'END');
  if (text.truncationMode === undefined) {
    throw malformed('#/singleEmbeddingParams/text: required key [truncationMode] not found');
  }
  const value = requiredText(text.value, 'value');
  return {
    body: { embeddings: [{ embeddingType: 'TEXT', embedding: emulatorVector(value, dims) }] },
    inputTokens: countWords(value),
  };
}

export function invokeEmbedding(family: EmbeddingFamily, body: unknown): EmbeddingResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw malformed('the body must be a JSON object');
  }
  const json = body as Json;
  switch (family) {
    case 'titan-v1':
      return titan(json, 1);
    case 'titan-v2':
      return titan(json, 2);
    case 'cohere-v3':
      return cohere(json, 3);
    case 'cohere-v4':
      return cohere(json, 4);
    case 'nova':
      return nova(json);
  }
}
