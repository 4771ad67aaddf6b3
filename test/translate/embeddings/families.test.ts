import { clientErrorOf } from '../../support/client-error';
import { cohereV3, cohereV4 } from '../../../lambda/src/translate/embeddings/cohere';
import { embeddingFamilyFor } from '../../../lambda/src/translate/embeddings/families';
import { nova } from '../../../lambda/src/translate/embeddings/nova';
import { titanV1, titanV2 } from '../../../lambda/src/translate/embeddings/titan';
import type { EmbeddingFamily, EmbeddingOptions } from '../../../lambda/src/translate/embeddings/types';

describe('embeddingFamilyFor', () => {
  it.each([
    ['amazon.titan-embed-text-v1', titanV1],
    ['amazon.titan-embed-g1-text-02', titanV1],
    ['amazon.titan-embed-text-v2:0', titanV2],
    ['cohere.embed-english-v3', cohereV3],
    ['cohere.embed-multilingual-v3', cohereV3],
    ['cohere.embed-v4:0', cohereV4],
    ['amazon.nova-2-multimodal-embeddings-v1:0', nova],
    ['anthropic.claude-3-5-haiku-20241022-v1:0', undefined],
    ['amazon.titan-embed-image-v1', undefined],
  ])('%s', (id, family) => expect(embeddingFamilyFor(id)).toBe(family));
});

describe('request bodies', () => {
  it.each<[string, EmbeddingFamily, string[], EmbeddingOptions, Record<string, unknown>]>([
    ['Titan v1', titanV1, ['hi'], {}, { inputText: 'hi' }],
    ['Titan v2 defaults', titanV2, ['hi'], {}, { inputText: 'hi', dimensions: 1024, normalize: true }],
    ['Titan v2 dimensions and normalize', titanV2, ['hi'], { dimensions: 256, normalize: false }, { inputText: 'hi', dimensions: 256, normalize: false }],
    ['Cohere v3 default input_type', cohereV3, ['a', 'b'], {}, { texts: ['a', 'b'], input_type: 'search_document' }],
    ['Cohere v3 input_type and truncate', cohereV3, ['a'], { inputType: 'search_query', truncate: 'END' }, { texts: ['a'], input_type: 'search_query', truncate: 'END' }],
    ['Cohere v4 output_dimension', cohereV4, ['a'], { dimensions: 512 }, { texts: ['a'], input_type: 'search_document', embedding_types: ['float'], output_dimension: 512 }],
    ['Cohere v4 defaults', cohereV4, ['a'], {}, { texts: ['a'], input_type: 'search_document', embedding_types: ['float'] }],
    [
      'Nova defaults',
      nova,
      ['hi'],
      {},
      { schemaVersion: 'nova-multimodal-embed-v1', taskType: 'SINGLE_EMBEDDING', singleEmbeddingParams: { embeddingPurpose: 'GENERIC_INDEX', embeddingDimension: 3072, text: { truncationMode: 'END', value: 'hi' } } },
    ],
    [
      'Nova input_type mapped to a purpose',
      nova,
      ['hi'],
      { inputType: 'search_query', dimensions: 384 },
      { schemaVersion: 'nova-multimodal-embed-v1', taskType: 'SINGLE_EMBEDDING', singleEmbeddingParams: { embeddingPurpose: 'TEXT_RETRIEVAL', embeddingDimension: 384, text: { truncationMode: 'END', value: 'hi' } } },
    ],
    [
      'Nova explicit purpose and truncation',
      nova,
      ['hi'],
      { embeddingPurpose: 'CLUSTERING', truncate: 'START' },
      { schemaVersion: 'nova-multimodal-embed-v1', taskType: 'SINGLE_EMBEDDING', singleEmbeddingParams: { embeddingPurpose: 'CLUSTERING', embeddingDimension: 3072, text: { truncationMode: 'START', value: 'hi' } } },
    ],
  ])('%s', (_, family, texts, options, body) => {
    family.validate(options);
    expect(family.request(texts, options)).toEqual(body);
  });

  it.each([
    [titanV1, 1],
    [titanV2, 1],
    [nova, 1],
    [cohereV3, 96],
    [cohereV4, 96],
  ])('%#: batches of %i', (family, size) => expect(family.maxBatch).toBe(size));
});

describe('validation', () => {
  function rejection(family: EmbeddingFamily, options: EmbeddingOptions): { param: string | null; status: number } | undefined {
    try {
      family.validate(options);
      return undefined;
    } catch (err) {
      const e = clientErrorOf(err);
      if (e) return { param: e.param, status: e.status };
      throw err;
    }
  }

  it.each<[string, EmbeddingFamily, EmbeddingOptions, string | undefined]>([
    ['Titan v1 takes its native size', titanV1, { dimensions: 1536 }, undefined],
    ['Titan v1 cannot shrink', titanV1, { dimensions: 256 }, 'dimensions'],
    ['Titan v1 has no normalize', titanV1, { normalize: true }, 'normalize'],
    ['Titan v2 256', titanV2, { dimensions: 256 }, undefined],
    ['Titan v2 512', titanV2, { dimensions: 512 }, undefined],
    ['Titan v2 not 300', titanV2, { dimensions: 300 }, 'dimensions'],
    ['Titan v2 not 1536', titanV2, { dimensions: 1536 }, 'dimensions'],
    ['Titan ignores input_type (a retrieval hint)', titanV2, { inputType: 'search_query' }, undefined],
    ['Titan has no truncate', titanV2, { truncate: 'END' }, 'truncate'],
    ['Cohere v3 is 1024 only', cohereV3, { dimensions: 512 }, 'dimensions'],
    ['Cohere v3 input_type must be known', cohereV3, { inputType: 'query' }, 'input_type'],
    ['Cohere v3 truncate values', cohereV3, { truncate: 'LEFT' }, 'truncate'],
    ['Cohere has no normalize', cohereV3, { normalize: false }, 'normalize'],
    ['Cohere v4 256', cohereV4, { dimensions: 256 }, undefined],
    ['Cohere v4 not 384', cohereV4, { dimensions: 384 }, 'dimensions'],
    ['Cohere v4 truncate values', cohereV4, { truncate: 'END' }, 'truncate'],
    ['Cohere has no embedding_purpose', cohereV4, { embeddingPurpose: 'CLUSTERING' }, 'embedding_purpose'],
    ['Nova 384', nova, { dimensions: 384 }, undefined],
    ['Nova not 512', nova, { dimensions: 512 }, 'dimensions'],
    ['Nova purpose must be known', nova, { embeddingPurpose: 'ANYTHING' }, 'embedding_purpose'],
    ['Nova has no normalize', nova, { normalize: true }, 'normalize'],
  ])('%s', (_, family, options, param) => {
    const result = rejection(family, options);
    expect(result).toEqual(param ? { param, status: 400 } : undefined);
  });
});

describe('response bodies', () => {
  const v = (n: number) => [n, n / 2];

  it.each<[string, EmbeddingFamily, unknown, number, number[][], number | undefined]>([
    ['Titan with its token count', titanV2, { embedding: v(1), inputTextTokenCount: 7 }, 1, [v(1)], 7],
    ['Titan v1', titanV1, { embedding: v(1), inputTextTokenCount: 2 }, 1, [v(1)], 2],
    ['Cohere v3 floats', cohereV3, { embeddings: [v(1), v(2)], id: 'x', texts: [] }, 2, [v(1), v(2)], undefined],
    ['Cohere v4 by type', cohereV4, { embeddings: { float: [v(3)] }, response_type: 'embeddings_by_type' }, 1, [v(3)], undefined],
    ['Nova', nova, { embeddings: [{ embeddingType: 'TEXT', embedding: v(4) }] }, 1, [v(4)], undefined],
  ])('%s', (_, family, body, count, vectors, tokens) => {
    expect(family.response(body, count)).toEqual({ vectors, inputTokens: tokens });
  });

  it.each<[string, EmbeddingFamily, unknown, number]>([
    ['Titan without an embedding', titanV2, { inputTextTokenCount: 1 }, 1],
    ['Cohere with too few vectors', cohereV3, { embeddings: [v(1)] }, 2],
    ['Cohere v4 without floats', cohereV4, { embeddings: { int8: [v(1)] } }, 1],
    ['Nova with a non-numeric vector', nova, { embeddings: [{ embedding: ['a'] }] }, 1],
    ['a non-object body', titanV1, 'oops', 1],
  ])('%s is an upstream error (502)', (_, family, body, count) => {
    let thrown: unknown;
    try {
      family.response(body, count);
    } catch (err) {
      thrown = err;
    }
    expect(clientErrorOf(thrown)).toEqual(expect.objectContaining({ status: 502, code: 'upstream_error' }));
  });
});
