/**
 * Models end to end: openai SDK → gateway → real Bedrock control-plane client → emulator. One harness with
 * a 1-second catalog TTL; a second, cold gateway on the same emulator covers a control-plane outage.
 */
import OpenAI from 'openai';
import { APPLICATION_PROFILE_ARN, defaultFoundationModels, defaultInferenceProfiles, type InferenceProfileSummary } from '../../emulator';
import { startServer, type RunningServer } from '../../lambda/src/runtime/node/server';
import { expectOpenAIError } from '../support/openai-error';
import { TEST_KEY, useHarness } from './harness';

const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const SONNET_PROFILE = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const TITAN_V2 = 'amazon.titan-embed-text-v2:0';
const ENV = {
  MODEL_ALLOWLIST: 'anthropic.claude-3-5-haiku-*,us.anthropic.*,amazon.nova-*,team-chat-*,new-team-*,amazon.titan-embed-text-v2:0',
  MODEL_ALIASES: JSON.stringify({ 'gpt-4o': SONNET_PROFILE, 'house-embed': TITAN_V2, blocked: 'meta.llama3-1-8b-instruct-v1:0' }),
  MODEL_CATALOG_TTL_SECONDS: '1',
};

const h = useHarness(ENV);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ask = (client: OpenAI, model: string) => client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });

/** Probes until `ok`; the deadline only ends a wait for something that does not happen. */
async function eventually<T>(probe: () => Promise<T>, ok: (value: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > end) return value;
    await sleep(100);
  }
}

async function failure(p: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await p;
  } catch (err) {
    if (err instanceof OpenAI.APIError) return err;
    throw err;
  }
  throw new Error('expected an API error');
}

describe('listing', () => {
  it('lists chat, embedding and image models, profiles, the application profile and aliases, within the allow-list', async () => {
    const list = await h.openai.models.list();
    expect(list.data.map((m) => m.id)).toEqual([
      HAIKU,
      'amazon.nova-micro-v1:0',
      'amazon.nova-lite-v1:0',
      'amazon.nova-pro-v1:0',
      TITAN_V2,
      'amazon.nova-2-multimodal-embeddings-v1:0',
      'amazon.nova-canvas-v1:0',
      SONNET_PROFILE,
      'us.anthropic.claude-3-7-sonnet-20250219-v1:0',
      'team-chat-claude-haiku',
      'gpt-4o',
      'house-embed',
    ]);
    // OpenAI's exact shape; an image model also says what it is for.
    const mode = (id: string) => (id === 'amazon.nova-canvas-v1:0' ? { mode: 'image_generation' } : {});
    for (const m of list.data) expect(m).toEqual({ id: m.id, object: 'model', created: expect.any(Number), owned_by: expect.any(String), ...mode(m.id) });
    expect(list.data.find((m) => m.id === 'team-chat-claude-haiku')).toMatchObject({ owned_by: 'anthropic', created: Date.parse('2024-08-27T00:00:00Z') / 1000 });
  });

  it('answers from its cache within the TTL', async () => {
    await h.openai.models.list();
    const calls = h.emulator.requests.length;
    await h.openai.models.list();
    expect(h.emulator.requests.length).toBe(calls);
  });
});

describe('retrieval', () => {
  it.each([
    ['a profile id (encoded by the SDK)', SONNET_PROFILE, SONNET_PROFILE],
    ['a readable application profile name', 'team-chat-claude-haiku', 'team-chat-claude-haiku'],
    ['an application profile ARN', APPLICATION_PROFILE_ARN, 'team-chat-claude-haiku'],
    ['an alias', 'gpt-4o', 'gpt-4o'],
  ])('finds %s', async (_, id, expected) => {
    await expect(h.openai.models.retrieve(id)).resolves.toMatchObject({ id: expected, object: 'model' });
  });

  it('takes a raw ARN with its slash in the path', async () => {
    const res = await h.fetch(`/api/v1/models/${APPLICATION_PROFILE_ARN}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: 'team-chat-claude-haiku' });
  });

  it.each([
    ['an unknown id', 'amazon.nope-v1:0'],
    ['a model outside the allow-list', 'meta.llama3-1-8b-instruct-v1:0'],
    ['an alias to a model outside the allow-list', 'blocked'],
  ])('answers 404 for %s', async (_, id) => {
    const err = await failure(h.openai.models.retrieve(id));
    expect(err.status).toBe(404);
    expect(err.code).toBe('model_not_found');
    const res = await h.fetch(`/api/v1/models/${encodeURIComponent(id)}`);
    expectOpenAIError(await res.json(), { type: 'not_found_error', code: 'model_not_found' });
  });
});

describe('resolution in chat', () => {
  it('calls Bedrock with the ARN behind a readable name and echoes the name', async () => {
    const res = await ask(h.openai, 'team-chat-claude-haiku');
    expect(res.model).toBe('team-chat-claude-haiku');
    expect(h.emulator.lastRequest('converse')?.modelId).toBe(APPLICATION_PROFILE_ARN);
  });

  it('follows an alias', async () => {
    await ask(h.openai, 'gpt-4o');
    expect(h.emulator.lastRequest('converse')?.modelId).toBe(SONNET_PROFILE);
  });

  it.each([
    ['a model outside the allow-list', 'meta.llama3-1-8b-instruct-v1:0', 403, 'model_not_allowed'],
    ['an alias to such a model', 'blocked', 403, 'model_not_allowed'],
    ['an unknown gpt-* name (ALIAS_GPT_TO_DEFAULT is off)', 'gpt-5', 404, 'model_not_found'],
  ])('refuses %s', async (_, model, status, code) => {
    const err = await failure(ask(h.openai, model));
    expect([err.status, err.code, err.param]).toEqual([status, code, 'model']);
    expect(h.emulator.lastRequest('converse')).toBeUndefined();
  });
});

describe('refresh', () => {
  it('picks up a new model after the TTL, serving the stale list meanwhile', async () => {
    await h.openai.models.list();
    h.emulator.setFoundationModels([...defaultFoundationModels(), { ...defaultFoundationModels()[5], modelId: 'amazon.nova-premier-v1:0', modelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-premier-v1:0' }]);
    await sleep(1100);
    const stale = await h.fetch('/api/v1/models');
    expect(stale.headers.get('x-model-catalog')).toBe('stale');
    const ids = await eventually(
      async () => (await h.openai.models.list()).data.map((m) => m.id),
      (list) => list.includes('amazon.nova-premier-v1:0'),
    );
    expect(ids).toContain('amazon.nova-premier-v1:0');
  });

  it('makes a new application profile usable in chat without calling /models first', async () => {
    await ask(h.openai, HAIKU);
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/new123';
    const profile: InferenceProfileSummary = { ...defaultInferenceProfiles().find((p) => p.type === 'APPLICATION')!, inferenceProfileName: 'new-team-nova', inferenceProfileArn: arn, inferenceProfileId: 'new123', models: [{ modelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0' }] };
    h.emulator.setInferenceProfiles([...defaultInferenceProfiles(), profile]);
    await sleep(1100);
    const res = await ask(h.openai, 'new-team-nova');
    expect(res.model).toBe('new-team-nova');
    expect(h.emulator.lastRequest('converse')?.modelId).toBe(arn);
  });
});

describe('control plane down', () => {
  let cold: RunningServer | undefined;
  afterEach(async () => {
    await cold?.close();
    cold = undefined;
  });

  it('a cold gateway still serves chat, lists what its configuration vouches for, and recovers', async () => {
    h.emulator.failControlPlane({ type: 'ServiceUnavailableException', message: 'control plane down' });
    cold = await startServer({ PORT: '0', HOST: '127.0.0.1', API_KEY: TEST_KEY, AWS_REGION: 'us-east-1', LOG_LEVEL: 'SILENT', ...ENV });
    const client = new OpenAI({ baseURL: `${cold.url}/api/v1`, apiKey: TEST_KEY, maxRetries: 0 });

    // A Bedrock id never waits for the control plane: the chat makes no control-plane call at all.
    const controlPlaneCalls = () => h.emulator.requests.filter((r) => r.operation === 'list-foundation-models' || r.operation === 'list-inference-profiles').length;
    await eventually(async () => h.emulator.inFlight, (n) => n === 0); // the warm gateway is idle: the calls counted are the cold one's
    const before = controlPlaneCalls();
    await expect(ask(client, HAIKU)).resolves.toMatchObject({ model: HAIKU });
    expect(controlPlaneCalls()).toBe(before);

    const listed = await fetch(`${cold.url}/api/v1/models`, { headers: { authorization: `Bearer ${TEST_KEY}` } });
    expect(listed.headers.get('x-model-catalog')).toBe('unavailable');
    // The aliases, then the Region's default chat and embedding models (us-east-1), all inside the allow-list.
    expect((await listed.json()).data.map((m: { id: string }) => m.id)).toEqual(['gpt-4o', 'house-embed', SONNET_PROFILE, TITAN_V2]);

    const unknown = await failure(ask(client, 'team-chat-claude-haiku'));
    expect([unknown.status, unknown.code]).toEqual([503, 'model_catalog_unavailable']);

    h.emulator.failControlPlane(null);
    const ids = await eventually(
      async () => (await client.models.list()).data.map((m) => m.id),
      (list) => list.includes('team-chat-claude-haiku'),
    );
    expect(ids).toContain('team-chat-claude-haiku');
  });

  it('a warm gateway keeps its last catalog, marked stale, and chat goes on', async () => {
    await h.openai.models.list();
    h.emulator.failControlPlane({ type: 'ServiceUnavailableException' });
    await sleep(1100);
    const res = await h.fetch('/api/v1/models');
    expect(res.headers.get('x-model-catalog')).toBe('stale');
    expect((await res.json()).data.map((m: { id: string }) => m.id)).toContain('team-chat-claude-haiku');
    await expect(ask(h.openai, 'team-chat-claude-haiku')).resolves.toMatchObject({ model: 'team-chat-claude-haiku' });
  });
});
