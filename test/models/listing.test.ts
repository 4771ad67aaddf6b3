import { buildCatalog, type Catalog } from '../../lambda/src/models/catalog-entries';
import { defaultModels } from '../../lambda/src/models/defaults';
import { findModel, listModels, type ListingConfig } from '../../lambda/src/models/listing';
import { appArn, appProfile, embeddingFm, fm, HAIKU, SONNET, systemProfile, TITAN_V2, PROFILE_ONLY } from './fixtures';

const CATALOG = buildCatalog(
  {
    foundationModels: [fm(HAIKU), fm(SONNET, { inferenceTypesSupported: PROFILE_ONLY }), embeddingFm(TITAN_V2)],
    systemProfiles: [systemProfile(SONNET)],
    applicationProfiles: [appProfile('team-haiku', HAIKU, 'p1')],
  },
  { systemProfiles: true, applicationProfiles: true },
);
const none: ListingConfig = { aliases: {}, allowlist: [], defaults: {} };
const ids = (config: Partial<ListingConfig>, catalog: Catalog | undefined = CATALOG) => listModels(catalog, { ...none, ...config }).map((m) => m.id);
const idsWithoutCatalog = (config: Partial<ListingConfig>) => listModels(undefined, { ...none, ...config }).map((m) => m.id);

describe('listModels with a catalog', () => {
  it('lists the catalog in order, OpenAI-shaped', () => {
    const listed = listModels(CATALOG, none);
    expect(listed.map((m) => m.id)).toEqual([HAIKU, TITAN_V2, `us.${SONNET}`, 'team-haiku']);
    expect(listed[0]).toEqual({ id: HAIKU, object: 'model', created: 0, owned_by: 'anthropic' });
  });

  it.each([
    [['anthropic.*'], [HAIKU]],
    [['*anthropic*'], [HAIKU, `us.${SONNET}`]],
    [['team-*', TITAN_V2], [TITAN_V2, 'team-haiku']],
    [['*:application-inference-profile/p1'], ['team-haiku']],
  ])('applies the allow-list %j', (allowlist, expected) => {
    expect(ids({ allowlist })).toEqual(expected);
  });

  it('lists aliases under their own name with their target\'s owner, when the target is callable', () => {
    const listed = listModels(CATALOG, { ...none, aliases: { 'gpt-4o': `us.${SONNET}`, 'new-one': 'amazon.nova-9-v1:0', junk: 'not a model', blocked: HAIKU }, allowlist: ['us.*', 'amazon.*'] });
    expect(listed.filter((m) => ['gpt-4o', 'new-one', 'junk', 'blocked'].includes(m.id))).toEqual([
      { id: 'gpt-4o', object: 'model', created: Date.parse('2025-01-02T00:00:00Z') / 1000, owned_by: 'anthropic' },
      { id: 'new-one', object: 'model', created: 0, owned_by: 'amazon' },
    ]);
  });

  it('does not add defaults or allow-list ids the catalog does not hold', () => {
    expect(ids({ defaults: { chat: 'eu.x.y-v1:0' }, allowlist: ['*', 'acme.z-v1'] })).not.toEqual(expect.arrayContaining(['eu.x.y-v1:0', 'acme.z-v1']));
  });
});

describe('listModels without a catalog', () => {
  it('lists what the configuration vouches for', () => {
    const config: ListingConfig = { aliases: { 'gpt-4o': `us.${SONNET}` }, allowlist: ['us.*', TITAN_V2, 'amazon.nova-*', 'team-haiku'], defaults: { chat: `us.${SONNET}`, embedding: TITAN_V2 } };
    expect(idsWithoutCatalog(config)).toEqual(['gpt-4o', `us.${SONNET}`, TITAN_V2]);
  });

  it('lists nothing that the allow-list refuses', () => {
    expect(idsWithoutCatalog({ allowlist: ['amazon.*'], defaults: { chat: `us.${SONNET}` } })).toEqual([]);
  });
});

describe('findModel', () => {
  const listed = listModels(CATALOG, { ...none, aliases: { fast: HAIKU } });
  it.each([
    [HAIKU, HAIKU],
    ['fast', 'fast'],
    [appArn('p1'), 'team-haiku'],
    [`arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.${SONNET}`, `us.${SONNET}`],
    [`arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}`, HAIKU],
    ['nope', undefined],
  ])('%s → %s', (id, expected) => expect(findModel(id, listed, CATALOG)?.id).toBe(expected));

  it('does not find a model the allow-list hides, even by ARN', () => {
    const hidden = listModels(CATALOG, { ...none, allowlist: ['amazon.*'] });
    expect(findModel(appArn('p1'), hidden, CATALOG)).toBeUndefined();
  });
});

describe('defaultModels', () => {
  const config = { region: 'eu-west-2', enableCrossRegionInference: true, defaultModel: undefined, defaultEmbeddingModel: undefined };
  it.each([
    ['the Region table when nothing is set', config, { chat: `eu.${SONNET}`, embedding: TITAN_V2 }],
    ['the operator over the table', { ...config, defaultModel: HAIKU, defaultEmbeddingModel: 'cohere.embed-v4:0' }, { chat: HAIKU, embedding: 'cohere.embed-v4:0' }],
    ['nothing from the table without cross-Region inference', { ...config, enableCrossRegionInference: false }, { chat: undefined, embedding: undefined }],
    ['nothing for an unknown Region', { ...config, region: 'xx-nowhere-1' }, { chat: undefined, embedding: undefined }],
  ])('takes %s', (_, input, expected) => expect(defaultModels(input)).toEqual(expected));
});

describe('what a model is for', () => {
  it('image and rerank models say so in `mode`, with or without a catalog; chat and embedding models keep OpenAI\'s shape', () => {
    const catalog = buildCatalog(
      {
        foundationModels: [
          fm(HAIKU),
          embeddingFm(TITAN_V2),
          fm('amazon.nova-canvas-v1:0', { outputModalities: ['IMAGE'], responseStreamingSupported: false }),
          fm('cohere.rerank-v3-5:0', { responseStreamingSupported: false }),
        ],
      },
      { systemProfiles: true, applicationProfiles: true },
    );
    const modes = (c: typeof catalog | undefined, defaults = {}) =>
      Object.fromEntries(listModels(c, { aliases: {}, allowlist: [], defaults }).map((m) => [m.id, 'mode' in m ? m.mode : '-']));
    expect(modes(catalog)).toEqual({ [HAIKU]: '-', [TITAN_V2]: '-', 'amazon.nova-canvas-v1:0': 'image_generation', 'cohere.rerank-v3-5:0': 'rerank' });
    expect(modes(undefined, { image: 'amazon.titan-image-generator-v2:0', rerank: 'amazon.rerank-v1:0' })).toEqual({
      'amazon.titan-image-generator-v2:0': 'image_generation',
      'amazon.rerank-v1:0': 'rerank',
    });
  });
});
