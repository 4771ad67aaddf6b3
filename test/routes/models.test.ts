import type { FoundationModelSummary, InferenceProfileSummary, InferenceProfileType } from '@aws-sdk/client-bedrock';
import { createApp } from '../../lambda/src/app';
import type { ControlPlane } from '../../lambda/src/aws/bedrock-catalog';
import type { AppDeps } from '../../lambda/src/deps';
import { createModelCatalog } from '../../lambda/src/models/catalog';
import { defaultModels } from '../../lambda/src/models/defaults';
import { createResolver } from '../../lambda/src/models/resolver';
import { appArn, appProfile, embeddingFm, fm, HAIKU, PROFILE_ONLY, SONNET, systemProfile, TITAN_V2 } from '../models/fixtures';
import { auth, fakeBedrock, fakeDeps } from '../support/fake-deps';
import { expectOpenAIError } from '../support/openai-error';

interface Plane {
  models: FoundationModelSummary[];
  profiles: Record<InferenceProfileType, InferenceProfileSummary[]>;
  down: boolean;
  calls: number;
}

/** The app with a real catalog and resolver over an in-memory control plane. */
function appWith(env: Record<string, string> = {}) {
  const plane: Plane = {
    models: [fm(HAIKU), fm(SONNET, { inferenceTypesSupported: PROFILE_ONLY }), embeddingFm(TITAN_V2)],
    profiles: { SYSTEM_DEFINED: [systemProfile(SONNET)], APPLICATION: [appProfile('team-haiku', HAIKU, 'p1')] },
    down: false,
    calls: 0,
  };
  const unavailable = () => Object.assign(new Error('control plane down'), { name: 'ServiceUnavailableException' });
  const client: ControlPlane = {
    async listFoundationModels() {
      plane.calls += 1;
      if (plane.down) throw unavailable();
      return plane.models;
    },
    async listInferenceProfiles(type) {
      if (plane.down) throw unavailable();
      return plane.profiles[type];
    },
  };
  const bedrock = fakeBedrock();
  const base = fakeDeps(env, bedrock);
  const { config } = base;
  const catalog = createModelCatalog(client, {
    ttlSeconds: config.catalogTtlSeconds,
    systemProfiles: config.enableCrossRegionInference,
    applicationProfiles: config.enableApplicationInferenceProfiles,
  });
  const defaults = defaultModels(config);
  const deps: AppDeps = {
    ...base,
    catalog,
    models: createResolver({ aliases: config.modelAliases, aliasGptToDefault: config.aliasGptToDefault, allowlist: config.modelAllowlist, defaultModel: defaults.chat, defaultEmbeddingModel: defaults.embedding, catalog }),
  };
  const app = createApp(deps);
  const get = (path: string) => app.request(`/api/v1${path}`, { headers: auth });
  const ids = async (path = '/models') => ((await (await get(path)).json()) as { data: Array<{ id: string }> }).data.map((m) => m.id);
  return { app, plane, get, ids, bedrock };
}

describe('GET /models', () => {
  it('lists the catalog in OpenAI\'s shape and says it is fresh', async () => {
    const { get } = appWith();
    const res = await get('/models');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-model-catalog')).toBe('fresh');
    const body = await res.json();
    expect(body).toEqual({
      object: 'list',
      data: [
        { id: HAIKU, object: 'model', created: 0, owned_by: 'anthropic' },
        { id: TITAN_V2, object: 'model', created: 0, owned_by: 'amazon' },
        { id: `us.${SONNET}`, object: 'model', created: Date.parse('2025-01-02T00:00:00Z') / 1000, owned_by: 'anthropic' },
        { id: 'team-haiku', object: 'model', created: Date.parse('2025-03-04T00:00:00Z') / 1000, owned_by: 'anthropic' },
      ],
    });
  });

  it.each([
    [{ ENABLE_CROSS_REGION_INFERENCE: 'false' }, [HAIKU, TITAN_V2, 'team-haiku']],
    [{ ENABLE_APPLICATION_INFERENCE_PROFILES: 'false' }, [HAIKU, TITAN_V2, `us.${SONNET}`]],
    [{ MODEL_ALLOWLIST: 'us.*,team-*' }, [`us.${SONNET}`, 'team-haiku']],
    [{ MODEL_ALIASES: '{"gpt-4o":"team-haiku","embed":"amazon.titan-embed-text-v2:0"}', MODEL_ALLOWLIST: 'team-*' }, ['team-haiku', 'gpt-4o']],
  ])('follows %j', async (env, expected) => {
    expect(await appWith(env).ids()).toEqual(expected);
  });

  it('serves under /v1 too', async () => {
    const { app } = appWith();
    expect((await app.request('/v1/models', { headers: auth })).status).toBe(200);
  });

  it('needs a key', async () => {
    const { app } = appWith();
    expect((await app.request('/api/v1/models')).status).toBe(401);
  });
});

describe('GET /models/{id}', () => {
  it.each([
    ['a foundation id, raw', HAIKU, HAIKU],
    ['a foundation id, encoded', encodeURIComponent(HAIKU), HAIKU],
    ['a profile id', encodeURIComponent(`us.${SONNET}`), `us.${SONNET}`],
    ['a readable name', 'team-haiku', 'team-haiku'],
    ['an application profile ARN, raw', appArn('p1'), 'team-haiku'],
    ['an application profile ARN, encoded', encodeURIComponent(appArn('p1')), 'team-haiku'],
    ['a foundation-model ARN', `arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}`, HAIKU],
  ])('finds %s', async (_, path, id) => {
    const res = await appWith().get(`/models/${path}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, object: 'model' });
  });

  it.each([
    ['an unknown id', {}, 'amazon.nope-v1:0'],
    ['a model the allow-list hides', { MODEL_ALLOWLIST: 'amazon.*' }, HAIKU],
    ['a profile hidden by the cross-Region switch', { ENABLE_CROSS_REGION_INFERENCE: 'false' }, `us.${SONNET}`],
  ])('answers 404 for %s', async (_, env, id) => {
    const res = await appWith(env).get(`/models/${encodeURIComponent(id)}`);
    expect(res.status).toBe(404);
    expectOpenAIError(await res.json(), { type: 'not_found_error', code: 'model_not_found', param: 'model' });
  });
});

describe('when the control plane is down', () => {
  const env = { AWS_REGION: 'us-east-1', MODEL_ALIASES: '{"gpt-4o":"us.anthropic.claude-sonnet-4-5-20250929-v1:0"}', MODEL_ALLOWLIST: 'us.*,amazon.titan-embed-text-v2:0,team-haiku' };

  it('lists what the configuration vouches for, and says so', async () => {
    const { get, plane } = appWith(env);
    plane.down = true;
    const res = await get('/models');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-model-catalog')).toBe('unavailable');
    expect((await res.json()).data.map((m: { id: string }) => m.id)).toEqual(['gpt-4o', `us.${SONNET}`, TITAN_V2]);
  });

  it('retrieves a configured model, and answers 503 for one it cannot check', async () => {
    const { get, plane } = appWith(env);
    plane.down = true;
    expect((await get(`/models/${encodeURIComponent(`us.${SONNET}`)}`)).status).toBe(200);
    const res = await get('/models/team-haiku');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expectOpenAIError(await res.json(), { code: 'model_catalog_unavailable' });
  });

  it('keeps serving the last catalog it had, marked stale', async () => {
    const { get, plane, ids } = appWith({ MODEL_CATALOG_TTL_SECONDS: '0' });
    expect(await ids()).toContain('team-haiku');
    plane.down = true;
    const res = await get('/models');
    expect(res.headers.get('x-model-catalog')).toBe('stale');
    expect((await res.json()).data.map((m: { id: string }) => m.id)).toContain('team-haiku');
  });
});

describe('the catalog and chat', () => {
  it('does not call the control plane until a request needs it', async () => {
    const { plane, app } = appWith();
    expect(plane.calls).toBe(0);
    await app.request('/health');
    expect(plane.calls).toBe(0);
  });

  it('serves chat for a readable name, calling Bedrock with the profile ARN', async () => {
    const { app, bedrock } = appWith();
    const res = await app.request('/api/v1/chat/completions', { method: 'POST', headers: auth, body: JSON.stringify({ model: 'team-haiku', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(res.status).toBe(200);
    expect((await res.json()).model).toBe('team-haiku');
    expect(bedrock.calls).toEqual([expect.objectContaining({ modelId: appArn('p1') })]);
  });
});
