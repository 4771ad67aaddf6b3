import type { CatalogView } from '../../lambda/src/models/catalog-cache';
import { buildCatalog, type Catalog } from '../../lambda/src/models/catalog-entries';
import { createResolver, createStaticResolver, looksLikeBedrockId, type ResolverOptions } from '../../lambda/src/models/resolver';
import { clientErrorOf } from '../support/client-error';
import { appArn, appProfile, embeddingFm, fm, HAIKU, SONNET, systemProfile, TITAN_V2, PROFILE_ONLY } from './fixtures';

const CATALOG = buildCatalog(
  {
    foundationModels: [fm(HAIKU), fm(SONNET, { inferenceTypesSupported: PROFILE_ONLY }), embeddingFm(TITAN_V2), fm('meta.llama3-1-8b-instruct-v1:0')],
    systemProfiles: [systemProfile(SONNET)],
    applicationProfiles: [appProfile('team-haiku', HAIKU, 'p1'), appProfile('team-embed', TITAN_V2, 'p2')],
  },
  { systemProfiles: true, applicationProfiles: true },
);

/**
 * A catalog view that is loaded, or not loaded and never will be, or only after `delayMs`. It records each
 * lookup's name and how long the resolver let it wait.
 */
function view(state: 'loaded' | 'cold' | 'down', delayMs = 0): CatalogView & { lookups: string[]; waits: number[]; refreshChecks: number } {
  let catalog: Catalog | undefined = state === 'loaded' ? CATALOG : undefined;
  const lookups: string[] = [];
  const waits: number[] = [];
  return {
    lookups,
    waits,
    /** Calls of current(), each of which may start a load. */
    refreshChecks: 0,
    current() {
      this.refreshChecks++;
      return catalog;
    },
    peek: () => catalog,
    async lookup(name, maxWaitMs) {
      lookups.push(name);
      waits.push(maxWaitMs);
      if (state === 'cold') {
        await new Promise((r) => setTimeout(r, Math.min(delayMs, maxWaitMs)));
        if (delayMs <= maxWaitMs) catalog = CATALOG;
      }
      return { entry: catalog?.find(name), loaded: catalog !== undefined };
    },
  };
}

const base: ResolverOptions = { aliases: {}, aliasGptToDefault: false, allowlist: [] };
const resolver = (over: Partial<ResolverOptions> = {}) => createResolver({ ...base, catalog: view('loaded'), ...over });

async function failure(p: Promise<unknown>): Promise<{ status: number; param: string | null; code: string | null }> {
  try {
    await p;
  } catch (err) {
    const e = clientErrorOf(err);
    if (e) return { status: e.status, param: e.param, code: e.code };
    throw err;
  }
  throw new Error('expected a GatewayError');
}

describe('resolve: names → Bedrock ids', () => {
  it.each([
    ['a foundation model id', HAIKU, 'chat', HAIKU, HAIKU],
    ['a system profile id', `us.${SONNET}`, 'chat', `us.${SONNET}`, SONNET],
    ['an application profile readable name', 'team-haiku', 'chat', appArn('p1'), HAIKU],
    ['an application profile ARN', appArn('p1'), 'chat', appArn('p1'), HAIKU],
    ['an embedding profile readable name', 'team-embed', 'embedding', appArn('p2'), TITAN_V2],
    ['a Bedrock id the catalog does not list (new model)', 'amazon.nova-9-pro-v1:0', 'chat', 'amazon.nova-9-pro-v1:0', 'amazon.nova-9-pro-v1:0'],
    ['a profile id the catalog does not list', `eu.${SONNET}`, 'chat', `eu.${SONNET}`, SONNET],
  ] as const)('%s', async (_, name, kind, modelId, fmId) => {
    const r = await resolver().resolve(name, kind);
    expect(r).toMatchObject({ name, modelId, foundationModelId: fmId });
  });

  it('gives an application profile the capabilities of its model', async () => {
    const [viaProfile, direct] = await Promise.all([resolver().resolve('team-haiku', 'chat'), resolver().resolve(HAIKU, 'chat')]);
    expect(viaProfile.caps).toBe(direct.caps);
    expect(viaProfile.caps.family).toBe('claude');
  });

  it.each([
    ['an alias', { aliases: { 'gpt-4o': `us.${SONNET}` } }, 'gpt-4o', 'chat', `us.${SONNET}`],
    ['an alias to a readable name', { aliases: { fast: 'team-haiku' } }, 'fast', 'chat', appArn('p1')],
    ['gpt-* to the default when aliasing is on', { aliasGptToDefault: true, defaultModel: HAIKU }, 'gpt-4o-mini', 'chat', HAIKU],
    ['o-series to the default when aliasing is on', { aliasGptToDefault: true, defaultModel: HAIKU }, 'o3', 'chat', HAIKU],
    ['text-embedding-* to the embedding default when aliasing is on', { aliasGptToDefault: true, defaultEmbeddingModel: TITAN_V2 }, 'text-embedding-3-small', 'embedding', TITAN_V2],
    ['an empty name to the default', { defaultModel: HAIKU }, '', 'chat', HAIKU],
    ['"default" to the default', { defaultEmbeddingModel: TITAN_V2 }, 'default', 'embedding', TITAN_V2],
    ['an empty name to the image default', { defaultImageModel: 'amazon.nova-canvas-v1:0' }, '', 'image', 'amazon.nova-canvas-v1:0'],
    ['dall-e-* to the image default when aliasing is on', { aliasGptToDefault: true, defaultModel: HAIKU, defaultImageModel: 'amazon.nova-canvas-v1:0' }, 'dall-e-3', 'image', 'amazon.nova-canvas-v1:0'],
    ['gpt-image-* to the image default when aliasing is on', { aliasGptToDefault: true, defaultImageModel: 'amazon.nova-canvas-v1:0' }, 'gpt-image-1', 'image', 'amazon.nova-canvas-v1:0'],
    ['an empty name to the rerank default', { defaultRerankModel: 'cohere.rerank-v3-5:0' }, '', 'rerank', 'cohere.rerank-v3-5:0'],
  ] as const)('maps %s', async (_, over, name, kind, modelId) => {
    expect((await resolver(over).resolve(name, kind)).modelId).toBe(modelId);
  });

  it.each([
    ['an empty name: the default, as configured', { defaultModel: `us.${SONNET}` }, '', 'chat', `us.${SONNET}`],
    ['"default": the default, as configured', { defaultEmbeddingModel: 'team-embed' }, 'default', 'embedding', 'team-embed'],
    ['a readable name: itself, not the ARN called', {}, 'team-haiku', 'chat', 'team-haiku'],
    ['an alias: the alias', { aliases: { fast: HAIKU } }, 'fast', 'chat', 'fast'],
    ['an alias to "default": the alias', { aliases: { fast: 'default' }, defaultModel: HAIKU }, 'fast', 'chat', 'fast'],
    ['a gpt-* name sent to the default: the gpt-* name', { aliasGptToDefault: true, defaultModel: HAIKU }, 'gpt-4o', 'chat', 'gpt-4o'],
  ] as const)('names the model for the answer: %s', async (_, over, requested, kind, name) => {
    expect((await resolver(over).resolve(requested, kind)).name).toBe(name);
  });

  it.each([
    ['an unknown gpt-* name without aliasing (chat: 404)', {}, 'gpt-4o', 'chat', 404, 'model_not_found'],
    ['an unknown name for embeddings (400)', {}, 'text-embedding-3-small', 'embedding', 400, 'model_not_found'],
    ['no model and no default', {}, '', 'chat', 400, 'model_not_found'],
    ['a model outside the allow-list', { allowlist: ['amazon.*'] }, HAIKU, 'chat', 403, 'model_not_allowed'],
    ['an alias whose target is outside the allow-list', { allowlist: ['amazon.*'], aliases: { x: HAIKU } }, 'x', 'chat', 403, 'model_not_allowed'],
    ['an embedding model sent to chat', {}, TITAN_V2, 'chat', 400, 'model_not_supported'],
    ['a chat model sent to embeddings', {}, 'team-haiku', 'embedding', 400, 'model_not_supported'],
    ['a chat model sent to images', {}, HAIKU, 'image', 400, 'model_not_supported'],
    ['an embedding model sent to rerank', {}, TITAN_V2, 'rerank', 400, 'model_not_supported'],
    ['no image model and no image default (the chat default does not count)', { defaultModel: HAIKU }, '', 'image', 400, 'model_not_found'],
    ['an unknown name for rerank (400)', {}, 'rerank-english-v3.0', 'rerank', 400, 'model_not_found'],
  ] as const)('refuses %s', async (_, over, name, kind, status, code) => {
    expect(await failure(resolver(over).resolve(name, kind))).toEqual({ status, param: 'model', code });
  });

  it('allows an application profile by its readable name or its ARN', async () => {
    await expect(resolver({ allowlist: ['team-*'] }).resolve('team-haiku', 'chat')).resolves.toMatchObject({ modelId: appArn('p1') });
    await expect(resolver({ allowlist: ['*:application-inference-profile/p1'] }).resolve('team-haiku', 'chat')).resolves.toMatchObject({ modelId: appArn('p1') });
  });
});

describe('resolve: waiting on the control plane', () => {
  it('never consults a cold catalog for a Bedrock id', async () => {
    // The only way to wait is a lookup (which here would take 10 s): none happens.
    const catalog = view('cold', 10_000);
    await expect(createResolver({ ...base, catalog }).resolve(`us.${SONNET}`, 'chat')).resolves.toMatchObject({ modelId: `us.${SONNET}` });
    expect(catalog.lookups).toEqual([]);
  });

  it.each([`us.${SONNET}`, SONNET, 'amazon.nova-9-pro-v1:0'])('never starts a catalog load for the Bedrock id %s', async (id) => {
    const catalog = view('cold', 10_000);
    await createResolver({ ...base, catalog }).resolve(id, 'chat');
    expect({ refreshChecks: catalog.refreshChecks, lookups: catalog.lookups }).toEqual({ refreshChecks: 0, lookups: [] });
  });

  it('still starts a load (and waits) for a readable name', async () => {
    const catalog = view('cold', 10);
    await createResolver({ ...base, catalog, catalogWaitMs: 1000 }).resolve('team-haiku', 'chat');
    expect(catalog.refreshChecks + catalog.lookups.length).toBeGreaterThan(0);
  });

  it('waits for a first load to explain a readable name', async () => {
    const catalog = view('cold', 20);
    await expect(createResolver({ ...base, catalog, catalogWaitMs: 1000 }).resolve('team-haiku', 'chat')).resolves.toMatchObject({ modelId: appArn('p1') });
  });

  it('waits no longer than catalogWaitMs, then says the catalog is unavailable (503)', async () => {
    // The resolver hands its bound to the lookup; CatalogCache.lookup keeps to it (test/models/catalog-cache.test.ts).
    const catalog = view('cold', 10_000);
    const err = await failure(createResolver({ ...base, catalog, catalogWaitMs: 30 }).resolve('team-haiku', 'chat'));
    expect(catalog.waits).toEqual([30]);
    expect(err).toEqual({ status: 503, param: 'model', code: 'model_catalog_unavailable' });
  });

  it('passes an application profile ARN through with default capabilities when the catalog is down', async () => {
    const r = await createResolver({ ...base, catalog: view('down') }).resolve(appArn('p9'), 'chat');
    expect(r).toMatchObject({ modelId: appArn('p9'), foundationModelId: undefined });
    expect(r.caps.family).toBe('unknown');
  });

  it('does not look up readable names when application profiles are off', async () => {
    const catalog = view('cold', 10_000);
    const err = await failure(createResolver({ ...base, catalog, readableNames: false }).resolve('team-haiku', 'chat'));
    expect(err.status).toBe(404);
    expect(catalog.lookups).toEqual([]);
  });
});

describe('createStaticResolver', () => {
  it('passes any name through (no catalog to ask)', async () => {
    await expect(createStaticResolver(base).resolve('my-custom-model', 'chat')).resolves.toMatchObject({ modelId: 'my-custom-model' });
  });
});

describe('looksLikeBedrockId', () => {
  it.each([
    [HAIKU, true],
    [`global.${SONNET}`, true],
    ['amazon.titan-embed-text-v1', true],
    [appArn('p1'), true],
    ['arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0', true],
    ['ai21.jamba-1-5-large-v1:0', true],
    ['gpt-4o', false],
    ['gpt-4.1-mini', false],
    ['chatgpt-4o-latest', false],
    ['team-haiku', false],
    ['text-embedding-3-small', false],
    ['my model', false],
  ])('%s → %s', (name, expected) => expect(looksLikeBedrockId(name)).toBe(expected));
});
