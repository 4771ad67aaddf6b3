import { InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import fc from 'fast-check';
import { APPLICATION_PROFILE_ARN, emulatorVector } from '../../emulator';
import { PROTOCOLS, useEmulator } from './helpers';

const ctx = useEmulator();

async function invoke(modelId: string, body: unknown, protocol: 'h2' | 'http/1.1' = 'h2') {
  const res = await ctx.client(protocol).send(
    new InvokeModelCommand({ modelId, body: JSON.stringify(body), contentType: 'application/json', accept: 'application/json' }),
  );
  return JSON.parse(new TextDecoder().decode(res.body)) as Record<string, unknown>;
}

describe('emulatorVector', () => {
  it('is deterministic, text-dependent and prefix-stable across dimensions', () => {
    expect(emulatorVector('hello', 8)).toEqual(emulatorVector('hello', 8));
    expect(emulatorVector('hello', 8)).not.toEqual(emulatorVector('hellp', 8));
    expect(emulatorVector('hello', 1024).slice(0, 256)).toEqual(emulatorVector('hello', 256));
  });

  it('only yields values that survive a float32 round trip in [-1, 1)', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 64 }), (text, dims) => {
        const vector = emulatorVector(text, dims);
        expect(Array.from(Float32Array.from(vector))).toEqual(vector);
        expect(vector.every((v) => v >= -1 && v < 1)).toBe(true);
      }),
    );
  });
});

describe.each(PROTOCOLS.map((p) => p.protocol))('InvokeModel embeddings over %s', (protocol) => {
  it.each([
    ['amazon.titan-embed-text-v1', {}, 1536],
    ['amazon.titan-embed-text-v2:0', {}, 1024],
    ['amazon.titan-embed-text-v2:0', { dimensions: 256, normalize: true }, 256],
    ['us.amazon.titan-embed-text-v2:0', { dimensions: 512 }, 512],
  ])('%s %j returns Titan vectors of %i dims', async (modelId, extra, dims) => {
    const body = await invoke(modelId, { inputText: 'three small words', ...extra }, protocol);
    expect(body).toEqual({ embedding: emulatorVector('three small words', dims), inputTextTokenCount: 3 });
  });
});

describe('InvokeModel embedding families', () => {
  it('Titan v2 returns embeddingsByType when asked', async () => {
    const body = await invoke('amazon.titan-embed-text-v2:0', { inputText: 'x', dimensions: 256, embeddingTypes: ['float', 'binary'] });
    const vector = emulatorVector('x', 256);
    expect(body.embeddingsByType).toEqual({ float: vector, binary: vector.map((v) => (v > 0 ? 1 : 0)) });
  });

  it.each(['cohere.embed-english-v3', 'cohere.embed-multilingual-v3', 'eu.cohere.embed-english-v3'])(
    '%s returns embeddings_floats of 1024 dims, one per text',
    async (modelId) => {
      const texts = ['first text', 'second'];
      const body = await invoke(modelId, { texts, input_type: 'search_document', truncate: 'END' });
      expect(body).toMatchObject({ texts, response_type: 'embeddings_floats', embeddings: texts.map((t) => emulatorVector(t, 1024)) });
      expect(typeof body.id).toBe('string');
    },
  );

  it('Cohere v3 returns embeddings_by_type for embedding_types', async () => {
    const body = await invoke('cohere.embed-english-v3', { texts: ['a b'], input_type: 'search_query', embedding_types: ['float', 'int8', 'ubinary'] });
    const vector = emulatorVector('a b', 1024);
    expect(body.response_type).toBe('embeddings_by_type');
    const byType = body.embeddings as Record<string, number[][]>;
    expect(byType.float).toEqual([vector]);
    expect(byType.int8[0]).toEqual(vector.map((v) => Math.round(v * 127) + 0));
    expect(byType.ubinary[0]).toHaveLength(128);
  });

  it.each([
    [{}, 1536],
    [{ output_dimension: 256, embedding_types: ['float'] }, 256],
  ])('Cohere v4 %j returns embeddings by type with %i dims', async (extra, dims) => {
    const body = await invoke('cohere.embed-v4:0', { texts: ['hello there'], input_type: 'search_document', ...extra });
    expect(body).toMatchObject({ response_type: 'embeddings_by_type', embeddings: { float: [emulatorVector('hello there', dims)] } });
  });

  it.each([256, 384, 1024, 3072])('Nova multimodal embeddings return a TEXT embedding of %i dims', async (dims) => {
    const body = await invoke('amazon.nova-2-multimodal-embeddings-v1:0', {
      schemaVersion: 'nova-multimodal-embed-v1',
      taskType: 'SINGLE_EMBEDDING',
      singleEmbeddingParams: { embeddingPurpose: 'GENERIC_INDEX', embeddingDimension: dims, text: { truncationMode: 'END', value: 'sunny day' } },
    });
    expect(body).toEqual({ embeddings: [{ embeddingType: 'TEXT', embedding: emulatorVector('sunny day', dims) }] });
  });

  it('records the invoke call with its parsed body', async () => {
    const res = await ctx.client('h2').send(
      new InvokeModelCommand({ modelId: 'amazon.titan-embed-text-v2:0', body: JSON.stringify({ inputText: 'four words right here' }) }),
    );
    expect(res.$metadata.httpStatusCode).toBe(200);
    expect(ctx.emulator().lastRequest('invoke')).toMatchObject({ modelId: 'amazon.titan-embed-text-v2:0', body: { inputText: 'four words right here' } });
  });

  it('resolves an application inference profile to its model', async () => {
    ctx.emulator().setInferenceProfiles([
      {
        inferenceProfileName: 'embedder',
        createdAt: '2024-01-01T00:00:00Z',
        updatedAt: '2024-01-01T00:00:00Z',
        inferenceProfileArn: APPLICATION_PROFILE_ARN,
        models: [{ modelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0' }],
        inferenceProfileId: 'abc123xyz',
        status: 'ACTIVE',
        type: 'APPLICATION',
      },
    ]);
    const body = await invoke(APPLICATION_PROFILE_ARN, { inputText: 'x', dimensions: 256 });
    expect(body.embedding).toEqual(emulatorVector('x', 256));
  });

  const NOVA = (params: Record<string, unknown>) => ({
    taskType: 'SINGLE_EMBEDDING',
    singleEmbeddingParams: { embeddingPurpose: 'GENERIC_INDEX', text: { truncationMode: 'END', value: 'v' }, ...params },
  });
  it.each([
    ['amazon.titan-embed-text-v1', { inputText: 'x', dimensions: 256 }, 'extraneous key [dimensions]'],
    ['amazon.titan-embed-text-v2:0', { inputText: 'x', dimensions: 100 }, 'dimensions'],
    ['amazon.titan-embed-text-v2:0', { inputText: '' }, 'minLength'],
    ['amazon.titan-embed-text-v2:0', {}, 'inputText'],
    ['cohere.embed-english-v3', { texts: Array<string>(97).fill('t'), input_type: 'search_document' }, 'maxItems: 96'],
    ['cohere.embed-english-v3', { texts: ['t'] }, 'input_type'],
    ['cohere.embed-v4:0', { texts: ['t'], input_type: 'search_document', output_dimension: 768 }, 'output_dimension'],
    ['amazon.nova-2-multimodal-embeddings-v1:0', NOVA({ embeddingDimension: 512 }), 'embeddingDimension'],
    ['amazon.nova-2-multimodal-embeddings-v1:0', { ...NOVA({}), taskType: 'SEGMENTED_EMBEDDING' }, 'SINGLE_EMBEDDING'],
  ])('%s rejects %j with a ValidationException', async (modelId, body, message) => {
    await expect(invoke(modelId, body)).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining(message),
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('words an extraneous key exactly as Bedrock does', async () => {
    await expect(invoke('amazon.titan-embed-text-v1', { inputText: 'x', normalize: true })).rejects.toMatchObject({
      message: 'Malformed input request: #: extraneous key [normalize] is not permitted, please reformat your input and try again.',
    });
  });

  it.each(['amazon.titan-embed-text-v3', 'anthropic.claude-3-5-haiku-20241022-v1:0'])('answers 404 for %s', async (modelId) => {
    await expect(invoke(modelId, { inputText: 'x' })).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
  });
});
