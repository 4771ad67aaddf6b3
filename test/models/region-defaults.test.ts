import { REGION_DEFAULTS, defaultModelsForRegion } from '../../lambda/src/models/region-defaults';

/**
 * The geography profile prefixes a Region may use, derived from the Region's name alone (independently of
 * the table): a Region may always fall back to global., and otherwise only to its own geography.
 */
function allowedPrefixes(region: string): string[] {
  if (region.startsWith('us-')) return ['us', 'global'];
  if (region.startsWith('eu-')) return ['eu', 'global'];
  if (region === 'ap-northeast-1' || region === 'ap-northeast-3') return ['jp', 'apac', 'global'];
  if (region === 'ap-southeast-2' || region === 'ap-southeast-4') return ['au', 'apac', 'global'];
  if (region.startsWith('ap-')) return ['apac', 'global'];
  return ['global'];
}

/** Regions that have a geography profile for Claude 4.5 must not send traffic worldwide by default. */
function sovereignPrefix(region: string): string | undefined {
  const first = allowedPrefixes(region)[0];
  return first === 'global' || first === 'apac' ? undefined : first;
}

const PROFILE_ID = /^(us|eu|apac|jp|au|global)\.[a-z0-9-]+\.[a-z0-9.-]+(:\d+)?$/;
const MODEL_ID = /^[a-z0-9-]+\.[a-z0-9.-]+(:\d+)?$/;
const REGION = /^[a-z]{2}-[a-z]+-\d$/;

const rows = Object.entries(REGION_DEFAULTS);

describe('REGION_DEFAULTS', () => {
  it('covers the main commercial Regions of every geography', () => {
    for (const region of ['us-east-1', 'us-west-2', 'eu-central-1', 'eu-west-1', 'ap-northeast-1', 'ap-southeast-2', 'ap-south-1', 'ca-central-1', 'sa-east-1']) {
      expect(Object.keys(REGION_DEFAULTS)).toContain(region);
    }
  });

  it.each(rows)('%s has a well-formed Region name and ids', (region, defaults) => {
    expect(region).toMatch(REGION);
    expect(defaults.chatModel).toMatch(PROFILE_ID);
    expect(defaults.embeddingModel).toMatch(new RegExp(`${PROFILE_ID.source}|${MODEL_ID.source}`));
  });

  it.each(rows)('%s uses a chat profile of its own geography or global', (region, defaults) => {
    const prefix = defaults.chatModel.split('.')[0];
    expect(allowedPrefixes(region)).toContain(prefix);
  });

  it.each(rows)('%s keeps chat traffic in its geography when one exists', (region, defaults) => {
    const own = sovereignPrefix(region);
    if (own) expect(defaults.chatModel.startsWith(`${own}.`)).toBe(true);
    else expect(defaults.chatModel.startsWith('global.')).toBe(true);
  });

  it.each(rows)('%s uses an embedding model that is in-Region or a profile its geography may call', (region, defaults) => {
    const first = defaults.embeddingModel.split('.')[0];
    const isProfile = ['us', 'eu', 'apac', 'jp', 'au', 'global'].includes(first);
    if (isProfile) expect(allowedPrefixes(region)).toContain(first);
    else expect(defaults.embeddingModel).toBe('amazon.titan-embed-text-v2:0');
  });

  it('uses a Claude chat model everywhere, so clients see the same behaviour in every Region', () => {
    const families = new Set(rows.map(([, d]) => d.chatModel.replace(/^[a-z]+\./, '')));
    expect(families.size).toBe(1);
    expect([...families][0]).toMatch(/^anthropic\.claude-/);
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(REGION_DEFAULTS)).toBe(true);
  });
});

describe('defaultModelsForRegion', () => {
  it('returns the row for a known Region', () => {
    expect(defaultModelsForRegion('eu-central-1')).toEqual({
      chatModel: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0',
      embeddingModel: 'amazon.titan-embed-text-v2:0',
    });
  });

  it.each(['', 'mars-north-1', 'us-gov-west-1', 'cn-north-1', 'US-EAST-1', 'toString', '__proto__', 'constructor'])(
    'returns undefined for %j',
    (region) => {
      expect(defaultModelsForRegion(region)).toBeUndefined();
    },
  );
});
