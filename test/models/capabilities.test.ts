import { capabilitiesFor, foundationModelId, type ModelCapabilities } from '../../lambda/src/models/capabilities';

type Expect = Partial<ModelCapabilities>;

describe('capabilitiesFor: one row per family', () => {
  it.each<[string, Expect]>([
    ['anthropic.claude-opus-4-6-v1', { family: 'claude', reasoning: 'claude-adaptive', prefill: false, structuredOutput: true, strictTools: true, maxCachePoints: 4, cacheTools: true, samplingExclusive: true }],
    ['anthropic.claude-sonnet-4-6', { family: 'claude', reasoning: 'claude-adaptive', prefill: false }],
    ['anthropic.claude-sonnet-4-5-20250929-v1:0', { reasoning: 'claude-budget', prefill: true, structuredOutput: true, samplingExclusive: true }],
    ['anthropic.claude-haiku-4-5-20251001-v1:0', { reasoning: 'claude-budget', structuredOutput: true }],
    ['anthropic.claude-opus-4-1-20250805-v1:0', { reasoning: 'claude-budget', structuredOutput: false, samplingExclusive: true }],
    ['anthropic.claude-sonnet-4-20250514-v1:0', { reasoning: 'claude-budget', structuredOutput: false, samplingExclusive: false }],
    ['anthropic.claude-3-7-sonnet-20250219-v1:0', { reasoning: 'claude-budget', images: true, maxCachePoints: 4 }],
    ['anthropic.claude-3-5-haiku-20241022-v1:0', { reasoning: 'none', images: false, maxCachePoints: 4 }],
    ['anthropic.claude-3-5-sonnet-20240620-v1:0', { maxCachePoints: 0, cacheTools: false, images: true }],
    ['anthropic.claude-v2:1', { tools: false, images: false, maxCachePoints: 0 }],
    ['amazon.nova-pro-v1:0', { family: 'nova', maxCachePoints: 4, cacheTools: false, prefill: false, images: true, reasoning: 'none' }],
    ['amazon.nova-micro-v1:0', { family: 'nova', images: false, documents: false }],
    ['amazon.nova-2-lite-v1:0', { family: 'nova', reasoning: 'nova' }],
    ['amazon.titan-text-express-v1', { family: 'titan', tools: false, system: false }],
    ['meta.llama3-3-70b-instruct-v1:0', { family: 'llama', toolChoice: ['auto'], streamingTools: false, images: false }],
    ['meta.llama3-2-90b-instruct-v1:0', { family: 'llama', images: true }],
    ['meta.llama4-maverick-17b-instruct-v1:0', { family: 'llama', images: true }],
    ['meta.llama2-70b-chat-v1', { family: 'llama', tools: false }],
    ['mistral.mistral-large-2407-v1:0', { family: 'mistral', toolChoice: ['auto', 'any'], images: false }],
    ['mistral.pixtral-large-2502-v1:0', { family: 'mistral', images: true }],
    ['mistral.mistral-7b-instruct-v0:2', { family: 'mistral', tools: false, system: false }],
    ['deepseek.r1-v1:0', { family: 'deepseek', reasoning: 'always', tools: false }],
    ['deepseek.v3-v1:0', { family: 'deepseek', tools: true, toolChoice: ['auto', 'any'], reasoning: 'none' }],
    ['openai.gpt-oss-120b-1:0', { family: 'gpt-oss', reasoning: 'gpt-oss', toolChoice: ['auto', 'any', 'tool'] }],
    ['cohere.command-r-plus-v1:0', { family: 'cohere', toolChoice: ['auto'], streamingTools: false }],
    ['qwen.qwen3-32b-v1:0', { family: 'qwen', toolChoice: ['auto', 'any'] }],
  ])('%s', (id, expected) => {
    expect(capabilitiesFor(id)).toMatchObject(expected);
  });

  it('gives a new model of a known family its family row without a code change', () => {
    expect(capabilitiesFor('anthropic.claude-opus-5-20270101-v1:0')).toMatchObject({ family: 'claude', reasoning: 'claude-adaptive' });
    expect(capabilitiesFor('amazon.nova-ultra-v1:0').family).toBe('nova');
    expect(capabilitiesFor('mistral.some-new-model-v1:0').family).toBe('mistral');
  });

  it('gives unknown families permissive defaults, so Bedrock decides', () => {
    expect(capabilitiesFor('newvendor.model-v1:0')).toMatchObject({ family: 'unknown', tools: true, maxCachePoints: 0, structuredOutput: false });
  });

  it('never gives a model without caching any cache points, or cache points in tools where it cannot cache tools', () => {
    for (const id of ['amazon.nova-pro-v1:0', 'meta.llama3-3-70b-instruct-v1:0', 'anthropic.claude-3-5-sonnet-20240620-v1:0']) {
      const caps = capabilitiesFor(id);
      expect(caps.cacheTools && caps.maxCachePoints === 0).toBe(false);
    }
  });
});

describe('inference profiles and ARNs resolve to their family', () => {
  it.each([
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-sonnet-4-5-20250929-v1:0'],
    ['eu.amazon.nova-pro-v1:0', 'amazon.nova-pro-v1:0'],
    ['apac.anthropic.claude-3-7-sonnet-20250219-v1:0', 'anthropic.claude-3-7-sonnet-20250219-v1:0'],
    ['global.anthropic.claude-opus-4-6-v1', 'anthropic.claude-opus-4-6-v1'],
    ['jp.anthropic.claude-haiku-4-5-20251001-v1:0', 'anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-3-70b-instruct-v1:0', 'meta.llama3-3-70b-instruct-v1:0'],
    ['arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.deepseek.r1-v1:0', 'deepseek.r1-v1:0'],
  ])('%s → %s', (id, fm) => {
    expect(foundationModelId(id)).toBe(fm);
    expect(capabilitiesFor(id)).toBe(capabilitiesFor(fm));
  });

  it('leaves application-profile ARNs to the catalog (no family in the id)', () => {
    expect(capabilitiesFor('arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123').family).toBe('unknown');
  });
});
