/**
 * The image and rerank routes through `app.request()` with a fake Bedrock: both prefixes, the call budget,
 * and where a failed call leaves the others.
 */
import { createApp } from '../../lambda/src/app';
import type { BedrockRuntime } from '../../lambda/src/aws/bedrock-runtime';
import { IMAGE_CONCURRENCY } from '../../lambda/src/routes/images';
import { auth, fakeBedrock, fakeDeps } from '../support/fake-deps';
import { expectOpenAIError } from '../support/openai-error';

function appWith(invokeModel: BedrockRuntime['invokeModel'], env: Record<string, string> = {}) {
  return createApp(fakeDeps(env, fakeBedrock({ invokeModel })));
}

const post = (app: ReturnType<typeof createApp>, path: string, body: unknown) =>
  app.request(path, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });

const stabilityAnswer = { seeds: [1], finish_reasons: [null], images: ['aGk='] };

describe('routes', () => {
  it.each(['/api/v1', '/v1'])('both routes answer under %s', async (prefix) => {
    const app = appWith(async (modelId) => (modelId.includes('rerank') ? { results: [{ index: 0, relevance_score: 1 }] } : { images: ['aGk='] }));
    expect((await post(app, `${prefix}/images/generations`, { model: 'amazon.nova-canvas-v1:0', prompt: 'p' })).status).toBe(200);
    expect((await post(app, `${prefix}/rerank`, { model: 'amazon.rerank-v1:0', query: 'q', documents: ['d'] })).status).toBe(200);
  });

  it(`Stability's n pictures are n calls (at most ${IMAGE_CONCURRENCY}, so all run at once) and come back in call order`, async () => {
    const seen: number[] = [];
    const app = appWith(async (_id, body) => {
      const seed = (body as { seed: number }).seed;
      // Later calls may finish first: the answer follows the call order whatever the order of completion.
      await new Promise((r) => setTimeout(r, (4 - seed) * 5));
      seen.push(seed);
      return { ...stabilityAnswer, images: [Buffer.from(`picture ${seed}`).toString('base64')] };
    });
    const res = await post(app, '/v1/images/generations', { model: 'stability.stable-image-core-v1:1', prompt: 'p', n: 4, seed: 0 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Array<{ b64_json: string }> };
    expect(body.data.map((d) => Buffer.from(d.b64_json, 'base64').toString())).toEqual(['picture 0', 'picture 1', 'picture 2', 'picture 3']);
    expect(seen.sort()).toEqual([0, 1, 2, 3]);
  });

  it('a prompt refused on one Stability call fails the request with content_policy_violation', async () => {
    const app = appWith(async (_id, body) => ((body as { seed: number }).seed === 1 ? { finish_reasons: ['Filter reason: prompt'] } : stabilityAnswer));
    const res = await post(app, '/v1/images/generations', { model: 'stability.sd3-5-large-v1:0', prompt: 'p', n: 2, seed: 0 });
    expect(res.status).toBe(400);
    expectOpenAIError(await res.json(), { code: 'content_policy_violation', param: 'prompt' });
  });

  it('an upstream failure that is not a filter keeps its own mapping (a ValidationException stays a 400 of its own)', async () => {
    const app = appWith(async () => {
      throw Object.assign(new Error('Malformed input request: something'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 }, $fault: 'client' });
    });
    const res = await post(app, '/v1/images/generations', { model: 'amazon.nova-canvas-v1:0', prompt: 'p' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string | null } };
    expect(body.error.code).not.toBe('content_policy_violation');
  });
});
