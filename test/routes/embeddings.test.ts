import { createApp } from '../../lambda/src/app';
import { chunk, embeddingOptions, mapBounded } from '../../lambda/src/routes/embeddings';
import { embeddingsRequestSchema } from '../../lambda/src/schema/embeddings';
import { auth, fakeBedrock, fakeDeps } from '../support/fake-deps';
import { expectOpenAIError } from '../support/openai-error';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('mapBounded', () => {
  it('keeps input order whatever order calls finish in, with at most `limit` running', async () => {
    let running = 0;
    let peak = 0;
    const delays = [40, 5, 30, 1, 20, 10, 0, 15];
    const out = await mapBounded(delays, 3, async (ms) => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(ms);
      running -= 1;
      return ms * 2;
    });
    expect(out).toEqual(delays.map((d) => d * 2));
    expect(peak).toBe(3);
  });

  it('rejects with the first failure, aborts calls in flight and starts no more', async () => {
    const started: number[] = [];
    const aborted: number[] = [];
    const run = mapBounded([0, 1, 2, 3, 4, 5], 2, async (i, signal) => {
      started.push(i);
      if (i === 1) throw new Error('boom');
      await new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => {
          aborted.push(i);
          resolve();
        });
        setTimeout(resolve, 200);
      });
      return i;
    });
    await expect(run).rejects.toThrow('boom');
    expect(started).toEqual([0, 1]);
    expect(aborted).toEqual([0]);
  });

  it('handles an empty list', async () => {
    await expect(mapBounded([], 4, async () => 1)).resolves.toEqual([]);
  });
});

describe('chunk', () => {
  it.each([
    [5, 2, [2, 2, 1]],
    [96, 96, [96]],
    [200, 96, [96, 96, 8]],
  ])('%i items in batches of %i', (n, size, sizes) => {
    expect(chunk(Array.from({ length: n }, (_, i) => i), size).map((b) => b.length)).toEqual(sizes);
  });
});

describe('embeddingOptions', () => {
  it.each([
    ['top-level extras (Python SDK extra_body)', { input_type: 'search_query', normalize: false }, { inputType: 'search_query', normalize: false }],
    ['a literal extra_body', { extra_body: { input_type: 'clustering', truncate: 'END' } }, { inputType: 'clustering', truncate: 'END' }],
    ['top level over extra_body', { input_type: 'search_query', extra_body: { input_type: 'clustering' } }, { inputType: 'search_query' }],
    ['dimensions', { dimensions: 256 }, { dimensions: 256 }],
    ['nulls as absent', { dimensions: null, input_type: null }, {}],
  ])('reads %s', (_, extra, expected) => {
    const req = embeddingsRequestSchema.parse({ model: 'm', input: 'x', ...extra });
    const options = Object.fromEntries(Object.entries(embeddingOptions(req)).filter(([, v]) => v !== undefined));
    expect(options).toEqual(expected);
  });
});

describe('embeddings route with a scripted Bedrock', () => {
  const post = (app: ReturnType<typeof createApp>, body: unknown) => app.request('/api/v1/embeddings', { method: 'POST', headers: auth, body: JSON.stringify(body) });

  it('turns a malformed Bedrock answer into a 502, not a crash', async () => {
    const app = createApp(fakeDeps({}, fakeBedrock({ invokeModel: async () => ({ nothing: true }) })));
    const res = await post(app, { model: 'amazon.titan-embed-text-v2:0', input: 'x' });
    expect(res.status).toBe(502);
    expectOpenAIError(await res.json(), { type: 'api_error', code: 'upstream_error' });
  });

  it('passes a Bedrock validation error on as a 400', async () => {
    const err = Object.assign(new Error('Malformed input request: expected maxLength: 50000'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    const app = createApp(fakeDeps({}, fakeBedrock({ invokeModel: async () => Promise.reject(err) })));
    const res = await post(app, { model: 'amazon.titan-embed-text-v2:0', input: 'x' });
    expect(res.status).toBe(400);
    const json = await res.json();
    expectOpenAIError(json, { type: 'invalid_request_error' });
    expect(json.error.message).toBe('Malformed input request: expected maxLength: 50000');
  });

  it('sends each Titan text in its own call and sums Titan\'s token counts', async () => {
    const bodies: unknown[] = [];
    const app = createApp(
      fakeDeps(
        {},
        fakeBedrock({
          invokeModel: async (_id, body) => {
            bodies.push(body);
            return { embedding: [bodies.length], inputTextTokenCount: 10 };
          },
        }),
      ),
    );
    const res = await post(app, { model: 'us.amazon.titan-embed-text-v2:0', input: ['a', 'b', 'c'], dimensions: 512 });
    expect(res.status).toBe(200);
    const json = await res.json();
    expect(bodies).toHaveLength(3);
    expect(bodies).toEqual(expect.arrayContaining([{ inputText: 'b', dimensions: 512, normalize: true }]));
    expect(json.usage).toEqual({ prompt_tokens: 30, total_tokens: 30 });
    expect(json.model).toBe('us.amazon.titan-embed-text-v2:0');
  });
});
