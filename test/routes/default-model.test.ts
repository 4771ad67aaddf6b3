/**
 * A request without a model (absent, null, empty or "default") is answered by the default model on every
 * model route, and the answer names that model, as OpenAI's answers name the model that answered. Without
 * a default the request is the documented 400 `model_not_found` naming `model`.
 */
import type { ConverseCommandInput } from '@aws-sdk/client-bedrock-runtime';
import { createApp } from '../../lambda/src/app';
import { auth, fakeBedrock, fakeDeps } from '../support/fake-deps';
import { expectOpenAIError } from '../support/openai-error';

const CHAT_DEFAULT = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const EMBEDDING_DEFAULT = 'amazon.titan-embed-text-v2:0';
const DEFAULTS = { DEFAULT_MODEL: CHAT_DEFAULT, DEFAULT_EMBEDDING_MODEL: EMBEDDING_DEFAULT };

/** Every way of naming no model; `undefined` leaves the key out of the body. */
const UNNAMED: ReadonlyArray<[string, unknown]> = [
  ['absent', undefined],
  ['null', null],
  ['empty', ''],
  ['"default"', 'default'],
];

const withModel = (body: Record<string, unknown>, model: unknown) => JSON.stringify(model === undefined ? body : { ...body, model });

/** The `model` of every JSON payload in an SSE body (chat chunks, or Responses events' `response`). */
function streamedModels(sse: string): unknown[] {
  return sse
    .split('\n')
    .filter((line) => line.startsWith('data:') && line.trim() !== 'data: [DONE]')
    .map((line) => JSON.parse(line.slice(5)) as { model?: unknown; response?: { model?: unknown } })
    .flatMap((payload) => ('response' in payload ? [payload.response?.model] : 'model' in payload ? [payload.model] : []));
}

interface Route {
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly defaultModel: string;
  /** The echoed model names, from a JSON answer or every event of a stream. */
  echoed(res: Response): Promise<unknown[]>;
}

const json = async (res: Response) => [((await res.json()) as { model: unknown }).model];
const sse = async (res: Response) => streamedModels(await res.text());

const ROUTES: ReadonlyArray<[string, Route]> = [
  ['chat', { path: '/v1/chat/completions', body: { messages: [{ role: 'user', content: 'hi' }] }, defaultModel: CHAT_DEFAULT, echoed: json }],
  ['chat, streamed', { path: '/v1/chat/completions', body: { messages: [{ role: 'user', content: 'hi' }], stream: true }, defaultModel: CHAT_DEFAULT, echoed: sse }],
  ['responses', { path: '/v1/responses', body: { input: 'hi' }, defaultModel: CHAT_DEFAULT, echoed: json }],
  ['responses, streamed', { path: '/v1/responses', body: { input: 'hi', stream: true }, defaultModel: CHAT_DEFAULT, echoed: sse }],
  ['embeddings', { path: '/v1/embeddings', body: { input: 'hi' }, defaultModel: EMBEDDING_DEFAULT, echoed: json }],
];

/** Each route × each way of naming no model. */
const CASES = ROUTES.flatMap(([route, r]) => UNNAMED.map(([how, model]) => [route, how, r, model] as const));

/** The app, and the model ids Bedrock was called with (Converse, ConverseStream or InvokeModel). */
function appWithDefaults(env: Record<string, string> = DEFAULTS) {
  const embedded: string[] = [];
  const bedrock = fakeBedrock({
    invokeModel: async (modelId) => {
      embedded.push(modelId);
      return { embedding: [0.5], inputTextTokenCount: 1 };
    },
  });
  const called = () => [...bedrock.calls.map((input) => (input as ConverseCommandInput).modelId), ...embedded];
  return { app: createApp(fakeDeps(env, bedrock)), called };
}

describe('no model named', () => {
  it.each(CASES)('%s, model %s: the default model answers and is the model echoed', async (_route, _how, route, model) => {
    const { app, called } = appWithDefaults();
    const res = await app.request(route.path, { method: 'POST', headers: auth, body: withModel(route.body, model) });
    expect(res.status).toBe(200);
    const echoed = await route.echoed(res);
    expect(echoed.length).toBeGreaterThan(0);
    expect(new Set(echoed)).toEqual(new Set([route.defaultModel]));
    expect(called()).toEqual([route.defaultModel]);
  });

  it.each(CASES)('%s, model %s, no default configured: 400 model_not_found naming model', async (_route, _how, route, model) => {
    const { app, called } = appWithDefaults({});
    const res = await app.request(route.path, { method: 'POST', headers: auth, body: withModel(route.body, model) });
    expect(res.status).toBe(400);
    expectOpenAIError(await res.json(), { type: 'invalid_request_error', param: 'model', code: 'model_not_found' });
    expect(called()).toEqual([]);
  });

  it.each(ROUTES)('%s: a model that is not a string is still a 400 naming model', async (_route, route) => {
    const { app } = appWithDefaults();
    const res = await app.request(route.path, { method: 'POST', headers: auth, body: withModel(route.body, 42) });
    expect(res.status).toBe(400);
    expectOpenAIError(await res.json(), { type: 'invalid_request_error', param: 'model' });
  });

  it('a named model is echoed as named, not replaced by the default', async () => {
    const { app } = appWithDefaults();
    const named = 'anthropic.claude-3-5-haiku-20241022-v1:0';
    const res = await app.request('/v1/chat/completions', { method: 'POST', headers: auth, body: withModel(ROUTES[0][1].body, named) });
    expect(await res.json()).toMatchObject({ model: named });
  });
});
