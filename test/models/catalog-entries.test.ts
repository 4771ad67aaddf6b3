import type { FoundationModelSummary } from '@aws-sdk/client-bedrock';
import { buildCatalog, kindOf, ownerOf } from '../../lambda/src/models/catalog-entries';
import { appArn, appProfile, embeddingFm, fm, HAIKU, SONNET, systemProfile, TITAN_V2, PROFILE_ONLY } from './fixtures';

const ALL = { systemProfiles: true, applicationProfiles: true };

describe('which foundation models are listed', () => {
  it.each<[string, FoundationModelSummary, string | undefined]>([
    ['an active, on-demand, streaming text model as chat', fm(HAIKU), 'chat'],
    ['an embedding model (no streaming needed)', embeddingFm(TITAN_V2), 'embedding'],
    ['no legacy model', fm(HAIKU, { modelLifecycle: { status: 'LEGACY' } }), undefined],
    ['no profile-only model (its profile is listed instead)', fm(SONNET, { inferenceTypesSupported: PROFILE_ONLY }), undefined],
    ['no provisioned-only model', fm(HAIKU, { inferenceTypesSupported: ['PROVISIONED'] }), undefined],
    ['no text model that cannot stream', fm(HAIKU, { responseStreamingSupported: false }), undefined],
    ['an image generator the gateway can draw with', fm('amazon.nova-canvas-v1:0', { outputModalities: ['IMAGE'], responseStreamingSupported: false }), 'image'],
    ['no image generator without a translator', fm('amazon.titan-image-generator-v1', { outputModalities: ['IMAGE'] }), undefined],
    ['a rerank model (its output is text, unstreamed)', fm('cohere.rerank-v3-5:0', { outputModalities: ['TEXT'], responseStreamingSupported: false }), 'rerank'],
    ['a model without lifecycle data as active', fm(HAIKU, { modelLifecycle: undefined }), 'chat'],
  ])('%s', (_, model, kind) => {
    const catalog = buildCatalog({ foundationModels: [model] }, ALL);
    expect(catalog.entries.map((e) => e.kind)).toEqual(kind ? [kind] : []);
  });

  it('gives a foundation model its ARN as another name, no date and its provider as owner', () => {
    const [entry] = buildCatalog({ foundationModels: [fm(HAIKU)] }, ALL).entries;
    expect(entry).toEqual({
      id: HAIKU,
      invokeId: HAIKU,
      kind: 'chat',
      source: 'foundation-model',
      foundationModelId: HAIKU,
      ownedBy: 'anthropic',
      created: 0,
      otherNames: [`arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}`],
    });
  });
});

describe('system-defined profiles', () => {
  const raw = {
    foundationModels: [fm(SONNET, { inferenceTypesSupported: PROFILE_ONLY }), embeddingFm('cohere.embed-v4:0'), fm('stability.sd3', { outputModalities: ['IMAGE'] })],
    systemProfiles: [systemProfile(SONNET), systemProfile(SONNET, 'global'), systemProfile('cohere.embed-v4:0'), systemProfile('stability.sd3'), systemProfile('acme.unknown-v1')],
  };

  it('lists profiles of chat and embedding models, with the profile date, when cross-Region inference is on', () => {
    const entries = buildCatalog(raw, ALL).entries.filter((e) => e.source === 'system-profile');
    expect(entries.map((e) => [e.id, e.kind, e.foundationModelId, e.created])).toEqual([
      [`us.${SONNET}`, 'chat', SONNET, Date.parse('2025-01-02T00:00:00Z') / 1000],
      [`global.${SONNET}`, 'chat', SONNET, Date.parse('2025-01-02T00:00:00Z') / 1000],
      ['us.cohere.embed-v4:0', 'embedding', 'cohere.embed-v4:0', Date.parse('2025-01-02T00:00:00Z') / 1000],
    ]);
  });

  it('lists none when cross-Region inference is off', () => {
    expect(buildCatalog(raw, { ...ALL, systemProfiles: false }).entries.map((e) => e.id)).toEqual(['cohere.embed-v4:0']);
  });

  it('finds a profile by its ARN', () => {
    const catalog = buildCatalog(raw, ALL);
    expect(catalog.find(`arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.${SONNET}`)?.id).toBe(`us.${SONNET}`);
  });

  it('skips inactive profiles', () => {
    const catalog = buildCatalog({ ...raw, systemProfiles: [systemProfile(SONNET, 'us', { status: 'INACTIVE' as never })] }, ALL);
    expect(catalog.entries.filter((e) => e.source === 'system-profile')).toEqual([]);
  });
});

describe('application profiles', () => {
  const raw = {
    foundationModels: [fm(HAIKU), embeddingFm(TITAN_V2)],
    applicationProfiles: [appProfile('team chat', HAIKU, 'p1'), appProfile('search-embed', TITAN_V2, 'p2'), appProfile('new-model', 'acme.embed-x-v1', 'p3'), appProfile('other', 'acme.chat-v1', 'p4')],
  };

  it('lists them by readable name, invoked by ARN, with their model for capabilities', () => {
    const catalog = buildCatalog(raw, ALL);
    const team = catalog.find('team chat');
    expect(team).toMatchObject({ id: 'team chat', invokeId: appArn('p1'), kind: 'chat', foundationModelId: HAIKU, ownedBy: 'anthropic', source: 'application-profile' });
    expect(catalog.find(appArn('p1'))).toBe(team);
    expect(catalog.find('p1')).toBe(team);
    expect(catalog.find('search-embed')?.kind).toBe('embedding');
  });

  it('guesses the kind of a profile whose model the Region does not list', () => {
    const catalog = buildCatalog(raw, ALL);
    expect([catalog.find('new-model')?.kind, catalog.find('other')?.kind]).toEqual(['embedding', 'chat']);
  });

  it('lists none when application profiles are off', () => {
    expect(buildCatalog(raw, { ...ALL, applicationProfiles: false }).find('team chat')).toBeUndefined();
  });

  it('never lets a readable name shadow a model id', () => {
    const catalog = buildCatalog({ foundationModels: [fm(HAIKU)], applicationProfiles: [appProfile(HAIKU, TITAN_V2, 'p9')] }, ALL);
    expect(catalog.find(HAIKU)?.source).toBe('foundation-model');
  });
});

describe('helpers', () => {
  it.each([
    [HAIKU, 'anthropic'],
    [`us.${SONNET}`, 'anthropic'],
    [`arn:aws:bedrock:us-east-1::foundation-model/${TITAN_V2}`, 'amazon'],
    ['plain', 'bedrock'],
  ])('ownerOf(%s) = %s', (id, owner) => expect(ownerOf(id)).toBe(owner));

  it('kindOf prefers embedding over text', () => {
    expect(kindOf(fm('x.y', { outputModalities: ['EMBEDDING', 'TEXT'] }))).toBe('embedding');
  });
});
