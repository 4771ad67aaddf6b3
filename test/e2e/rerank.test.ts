/**
 * /rerank end to end over real HTTP: gateway → real InvokeModel client → emulator, whose scores are the
 * share of the query's words each document holds, so order, `top_n` and indexes are predictable, and the
 * body Bedrock received is checked as it arrived.
 */
import { emulatorRelevance } from '../../emulator';
import { expectOpenAIError } from '../support/openai-error';
import { TEST_KEY, useHarness } from './harness';

const COHERE = 'cohere.rerank-v3-5:0';
const AMAZON = 'amazon.rerank-v1:0';

const h = useHarness({ DEFAULT_RERANK_MODEL: AMAZON });

const invokes = () => h.emulator.requests.filter((r) => r.operation === 'invoke');
const QUERY = 'what is the capital of France';
const DOCUMENTS = [
  'Berlin is the capital of Germany',
  'Paris is the capital of France',
  'bananas are yellow',
  'France is a country',
];

async function rerank(json: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await h.fetch('/v1/rerank', { method: 'POST', json });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe.each([
  [COHERE, { query: QUERY, documents: DOCUMENTS, top_n: 2, api_version: 2 }],
  [AMAZON, { query: QUERY, documents: DOCUMENTS, top_n: 2 }],
])('%s', (model, upstream) => {
  it('sorts by relevance, keeps top_n, indexes into the request and sends Bedrock its own body', async () => {
    const { status, body } = await rerank({ model, query: QUERY, documents: DOCUMENTS, top_n: 2 });
    expect(status).toBe(200);
    expect(body.results).toEqual([
      { index: 1, relevance_score: emulatorRelevance(QUERY, DOCUMENTS[1]) },
      { index: 0, relevance_score: emulatorRelevance(QUERY, DOCUMENTS[0]) },
    ]);
    expect(body.meta).toEqual({ api_version: { version: '2' }, billed_units: { search_units: 1 } });
    expect(typeof body.id).toBe('string');
    expect(invokes()).toHaveLength(1);
    expect(invokes()[0].modelId).toBe(model);
    expect(invokes()[0].body).toEqual(upstream);
  });

  it('takes {text} documents, echoes documents when asked and ranks them all without top_n', async () => {
    const { body } = await rerank({ model, query: 'France', documents: DOCUMENTS.map((text) => ({ text })), return_documents: true });
    expect(body.results).toEqual([
      { index: 1, relevance_score: 1, document: { text: DOCUMENTS[1] } },
      { index: 3, relevance_score: 1, document: { text: DOCUMENTS[3] } },
      { index: 0, relevance_score: 0, document: { text: DOCUMENTS[0] } },
      { index: 2, relevance_score: 0, document: { text: DOCUMENTS[2] } },
    ]);
    expect(invokes()[0].body).toMatchObject({ documents: DOCUMENTS });
    expect(invokes()[0].body).not.toHaveProperty('top_n');
  });

  it('a top_n above the number of documents is cut to it', async () => {
    const { body } = await rerank({ model, query: QUERY, documents: DOCUMENTS.slice(0, 2), top_n: 10 });
    expect((body.results as unknown[]).length).toBe(2);
    expect(invokes()[0].body).toMatchObject({ top_n: 2 });
  });
});

describe('requests refused before any Bedrock call', () => {
  it.each([
    ['empty documents', { documents: [] }, 'documents'],
    ['no documents', { documents: undefined }, 'documents'],
    ['a missing query', { query: undefined }, 'query'],
    ['an empty query', { query: '' }, 'query'],
    ['too many documents', { documents: new Array(1001).fill('d') }, 'documents'],
    ['a document that is neither text nor {text}', { documents: ['a', { title: 'b' }] }, 'documents[1]'],
    ['top_n of zero', { top_n: 0 }, 'top_n'],
    ['rank_fields', { rank_fields: ['title'] }, 'rank_fields'],
    ['max_tokens_per_doc on Amazon Rerank', { model: AMAZON, max_tokens_per_doc: 100 }, 'max_tokens_per_doc'],
    ['a chat model', { model: 'amazon.nova-lite-v1:0' }, 'model'],
    ['an embedding model', { model: 'amazon.titan-embed-text-v2:0' }, 'model'],
  ])('%s', async (_, fields, param) => {
    const { status, body } = await rerank({ model: COHERE, query: QUERY, documents: DOCUMENTS, ...fields });
    expect(status).toBe(400);
    expectOpenAIError(body, { type: 'invalid_request_error', param });
    expect(invokes()).toHaveLength(0);
  });
});

describe('the rest', () => {
  it('no model names the default rerank model; Cohere gets max_tokens_per_doc', async () => {
    expect((await rerank({ query: QUERY, documents: DOCUMENTS })).status).toBe(200);
    expect(invokes()[0].modelId).toBe(AMAZON);
    await rerank({ model: COHERE, query: QUERY, documents: DOCUMENTS, max_tokens_per_doc: 512 });
    expect(invokes()[1].body).toMatchObject({ max_tokens_per_doc: 512 });
  });

  it('bills a search unit per hundred documents', async () => {
    const { body } = await rerank({ model: COHERE, query: QUERY, documents: new Array(250).fill('capital'), top_n: 1 });
    expect(body.meta).toMatchObject({ billed_units: { search_units: 3 } });
  });

  it.each([
    ['an index outside the documents', { results: [{ index: 7, relevance_score: 0.5 }] }],
    ['a repeated index', { results: [{ index: 0, relevance_score: 0.5 }, { index: 0, relevance_score: 0.4 }] }],
    ['no results', { id: 'x' }],
  ])('%s from Bedrock is a 502', async (_, invokeBody) => {
    h.emulator.enqueue({ invokeBody }, { operations: ['invoke'] });
    const { status, body } = await rerank({ model: COHERE, query: QUERY, documents: DOCUMENTS });
    expect(status).toBe(502);
    expectOpenAIError(body, { type: 'api_error' });
  });

  it('throttling is a 429 with Retry-After', async () => {
    h.emulator.enqueue({ error: { type: 'ThrottlingException', message: 'slow down' } }, { operations: ['invoke'] });
    const res = await h.fetch('/v1/rerank', { method: 'POST', json: { model: AMAZON, query: QUERY, documents: DOCUMENTS } });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).not.toBeNull();
  });
});

describe('clients', () => {
  it('a Jina-style request (the README curl): documents echoed, top_n 1', async () => {
    const res = await fetch(`${h.baseURL}/rerank`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        model: COHERE,
        query: 'What is the capital of France?',
        documents: ['Berlin is the capital of Germany.', 'Paris is the capital of France.'],
        top_n: 1,
        return_documents: true,
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: unknown[] };
    const paris = 'Paris is the capital of France.';
    expect(body.results).toEqual([{ index: 1, relevance_score: emulatorRelevance('What is the capital of France?', paris), document: { text: paris } }]);
  });
});
