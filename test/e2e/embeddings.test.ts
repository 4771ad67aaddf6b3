/**
 * Embeddings end to end: openai SDK → gateway → real InvokeModel client → emulator, whose deterministic
 * vectors (`emulatorVector`) let every check be exact: order, batching, dimensions and base64 bytes.
 */
import OpenAI from 'openai';
import { encode } from 'gpt-tokenizer/encoding/cl100k_base';
import { countWords, emulatorVector } from '../../emulator';
import { expectOpenAIError } from '../support/openai-error';
import { eventually } from '../emulator/helpers';
import { useHarness } from './harness';

const TITAN_V2 = 'amazon.titan-embed-text-v2:0';
const COHERE_V3 = 'cohere.embed-english-v3';
const COHERE_V4 = 'cohere.embed-v4:0';
const NOVA = 'amazon.nova-2-multimodal-embeddings-v1:0';

const h = useHarness({ ALIAS_GPT_TO_DEFAULT: 'true', DEFAULT_EMBEDDING_MODEL: COHERE_V4 });

const invokes = () => h.emulator.requests.filter((r) => r.operation === 'invoke');
const decodeBase64 = (b64: string): number[] => {
  const buf = Buffer.from(b64, 'base64');
  return Array.from({ length: buf.length / 4 }, (_, i) => buf.readFloatLE(i * 4));
};
const TEXTS = ['the first text', 'second', 'a third, longer text'];

describe('families', () => {
  it.each([
    ['amazon.titan-embed-text-v1', 1536, 3],
    [TITAN_V2, 1024, 3],
    ['us.amazon.titan-embed-text-v2:0', 1024, 3],
    [COHERE_V3, 1024, 1],
    ['cohere.embed-multilingual-v3', 1024, 1],
    [COHERE_V4, 1536, 1],
    [`us.${COHERE_V4}`, 1536, 1],
    [NOVA, 3072, 3],
  ])('%s: %i dimensions, %i InvokeModel calls for three texts, in order', async (model, dims, calls) => {
    const res = await h.openai.embeddings.create({ model, input: TEXTS, encoding_format: 'float' });
    expect(res.object).toBe('list');
    expect(res.model).toBe(model);
    expect(res.data).toEqual(TEXTS.map((t, index) => ({ object: 'embedding', index, embedding: emulatorVector(t, dims) })));
    expect(invokes()).toHaveLength(calls);
    expect(invokes().every((r) => r.modelId === model)).toBe(true);
  });

  it.each([
    [TITAN_V2, { inputText: 'x', dimensions: 1024, normalize: false }, { normalize: false }],
    [COHERE_V3, { texts: ['x'], input_type: 'search_query' }, { input_type: 'search_query' }],
    [COHERE_V3, { texts: ['x'], input_type: 'search_document' }, {}],
    [COHERE_V4, { texts: ['x'], input_type: 'clustering', embedding_types: ['float'] }, { extra_body: { input_type: 'clustering' } }],
    [NOVA, { singleEmbeddingParams: { embeddingPurpose: 'TEXT_RETRIEVAL' } }, { input_type: 'search_query' }],
  ])('%s gets %j from the extras %j', async (model, upstream, extras) => {
    const res = await h.fetch('/api/v1/embeddings', { method: 'POST', json: { model, input: 'x', ...extras } });
    expect(res.status).toBe(200);
    expect(invokes()[0].body).toMatchObject(upstream);
  });
});

describe('input forms', () => {
  const words = ['hello world', 'Grüße aus 東京'];
  it.each([
    ['a string', words[0], [words[0]]],
    ['strings', words, words],
    ['a token array', encode(words[0]), [words[0]]],
    ['token arrays', words.map((w) => encode(w)), words],
  ])('%s', async (_, input, texts) => {
    const res = await h.openai.embeddings.create({ model: TITAN_V2, input, dimensions: 256, encoding_format: 'float' });
    expect(res.data.map((d) => d.embedding)).toEqual(texts.map((t) => emulatorVector(t, 256)));
    expect(invokes().map((r) => (r.body as { inputText: string }).inputText).sort()).toEqual([...texts].sort());
  });
});

describe('encoding_format', () => {
  it('base64 is little-endian float32, bit for bit', async () => {
    const res = await h.fetch('/api/v1/embeddings', { method: 'POST', json: { model: COHERE_V4, input: TEXTS, encoding_format: 'base64', dimensions: 256 } });
    const json = await res.json();
    expect(json.data.map((d: { embedding: string }) => decodeBase64(d.embedding))).toEqual(TEXTS.map((t) => emulatorVector(t, 256)));
    expect(typeof json.data[0].embedding).toBe('string');
  });

  it('works with the SDK default (it asks for base64 and decodes it)', async () => {
    const res = await h.openai.embeddings.create({ model: NOVA, input: 'sdk default', dimensions: 384 });
    expect(res.data[0].embedding).toEqual(emulatorVector('sdk default', 384));
  });
});

describe('dimensions', () => {
  it.each([
    [TITAN_V2, 512, { dimensions: 512 }],
    [TITAN_V2, 256, { dimensions: 256 }],
    [COHERE_V4, 256, { output_dimension: 256 }],
    [COHERE_V4, 1024, { output_dimension: 1024 }],
    [NOVA, 384, { singleEmbeddingParams: { embeddingDimension: 384 } }],
    [NOVA, 1024, { singleEmbeddingParams: { embeddingDimension: 1024 } }],
  ])('%s with %i', async (model, dims, upstream) => {
    const res = await h.openai.embeddings.create({ model, input: 'dims', dimensions: dims, encoding_format: 'float' });
    expect(res.data[0].embedding).toEqual(emulatorVector('dims', dims));
    expect(invokes()[0].body).toMatchObject(upstream);
  });
});

describe('batching and order', () => {
  it('sends Cohere up to 96 texts a call and keeps 200 inputs in order', async () => {
    const input = Array.from({ length: 200 }, (_, i) => `text number ${i}`);
    const res = await h.openai.embeddings.create({ model: COHERE_V3, input, encoding_format: 'float' });
    expect(invokes().map((r) => (r.body as { texts: string[] }).texts.length).sort((a, b) => b - a)).toEqual([96, 96, 8]);
    expect(res.data.map((d) => d.index)).toEqual(input.map((_, i) => i));
    expect(res.data.map((d) => d.embedding)).toEqual(input.map((t) => emulatorVector(t, 1024)));
  });

  it('keeps order when later calls finish first, with at most 8 calls in flight', async () => {
    await h.openai.models.list(); // warm the catalog so only InvokeModel calls are in flight below
    const input = Array.from({ length: 16 }, (_, i) => `ordered ${i}`);
    // Held calls cannot finish: the gateway must have started 8 side by side, and may start no 9th.
    const release = h.emulator.hold();
    const answer = h.openai.embeddings.create({ model: TITAN_V2, input, dimensions: 256, encoding_format: 'float' });
    // (A call counts in flight on arrival and is recorded once its body is read: wait for both.)
    await eventually(() => h.emulator.inFlight >= 8 && invokes().length >= 8);
    expect([h.emulator.inFlight, invokes().length]).toEqual([8, 8]);
    // The second eight arrive as the first finish; each answers faster than the one before it.
    for (let i = 0; i < 8; i += 1) h.emulator.enqueue({ latencyMs: (8 - i) * 8 }, { operations: ['invoke'] });
    release();
    const res = await answer;
    expect(res.data.map((d) => d.embedding)).toEqual(input.map((t) => emulatorVector(t, 256)));
    expect(invokes()).toHaveLength(16);
  });
});

describe('usage', () => {
  it('adds up Titan\'s inputTextTokenCount', async () => {
    const res = await h.openai.embeddings.create({ model: TITAN_V2, input: TEXTS });
    const tokens = TEXTS.reduce((n, t) => n + countWords(t), 0);
    expect(res.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
  });

  it('estimates a quarter token a character where Bedrock gives no count (Cohere, Nova)', async () => {
    const res = await h.openai.embeddings.create({ model: COHERE_V3, input: TEXTS });
    const tokens = TEXTS.reduce((n, t) => n + Math.ceil(t.length / 4), 0);
    expect(res.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
  });
});

describe('model names', () => {
  it('sends an OpenAI embedding name to DEFAULT_EMBEDDING_MODEL when aliasing is on', async () => {
    const res = await h.openai.embeddings.create({ model: 'text-embedding-3-small', input: 'x', encoding_format: 'float' });
    expect(res.model).toBe('text-embedding-3-small');
    expect(invokes()[0].modelId).toBe(COHERE_V4);
    expect(res.data[0].embedding).toEqual(emulatorVector('x', 1536));
  });

  it('is served under /v1 too', async () => {
    const res = await h.fetch('/v1/embeddings', { method: 'POST', json: { model: TITAN_V2, input: 'x' } });
    expect(res.status).toBe(200);
  });
});

describe('invalid requests', () => {
  it.each([
    ['no input', { model: TITAN_V2 }, 'input'],
    ['a model that is not a string', { model: 5, input: 'x' }, 'model'],
    ['an empty string', { model: TITAN_V2, input: '' }, 'input'],
    ['an empty list', { model: TITAN_V2, input: [] }, 'input'],
    ['an empty string in a list', { model: TITAN_V2, input: ['a', ''] }, 'input[1]'],
    ['a mixed list', { model: TITAN_V2, input: ['a', 1] }, 'input[1]'],
    ['too many inputs', { model: COHERE_V3, input: Array.from({ length: 2049 }, () => 'a') }, 'input'],
    ['a negative token id', { model: TITAN_V2, input: [1, -1] }, 'input[1]'],
    ['a token id outside cl100k_base', { model: TITAN_V2, input: [99_999_999] }, 'input'],
    ['an unknown encoding_format', { model: TITAN_V2, input: 'x', encoding_format: 'hex' }, 'encoding_format'],
    ['zero dimensions', { model: TITAN_V2, input: 'x', dimensions: 0 }, 'dimensions'],
    ['dimensions Titan v2 cannot give', { model: TITAN_V2, input: 'x', dimensions: 300 }, 'dimensions'],
    ['dimensions Titan v1 cannot give', { model: 'amazon.titan-embed-text-v1', input: 'x', dimensions: 256 }, 'dimensions'],
    ['dimensions Cohere v3 cannot give', { model: COHERE_V3, input: 'x', dimensions: 512 }, 'dimensions'],
    ['dimensions Cohere v4 cannot give', { model: COHERE_V4, input: 'x', dimensions: 384 }, 'dimensions'],
    ['dimensions Nova cannot give', { model: NOVA, input: 'x', dimensions: 512 }, 'dimensions'],
    ['an unknown Cohere input_type', { model: COHERE_V3, input: 'x', input_type: 'query' }, 'input_type'],
    ['normalize for Cohere', { model: COHERE_V4, input: 'x', normalize: true }, 'normalize'],
    ['an unknown embedding model name', { model: 'my-embedder', input: 'x' }, 'model'],
    ['a chat model', { model: 'anthropic.claude-3-5-haiku-20241022-v1:0', input: 'x' }, 'model'],
    ['a Bedrock id of no known embedding family', { model: 'acme.embed-x-v1', input: 'x' }, 'model'],
  ])('%s → 400 naming %s', async (_, body, param) => {
    const res = await h.fetch('/api/v1/embeddings', { method: 'POST', json: body });
    expect(res.status).toBe(400);
    expectOpenAIError(await res.json(), { type: 'invalid_request_error', param });
    expect(invokes()).toHaveLength(0);
  });

  it('surfaces as BadRequestError in the SDK', async () => {
    await expect(h.openai.embeddings.create({ model: TITAN_V2, input: 'x', dimensions: 300 })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });
});
