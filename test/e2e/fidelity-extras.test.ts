/**
 * Extras end to end: provider fields reach additionalModelRequestFields, Converse request fields reach
 * their own Converse fields, and the SDKs' flattened extra_body and a literal extra_body both work.
 */
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { useHarness } from './harness';

const CLAUDE = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const h = useHarness();

const base = { model: CLAUDE, messages: [{ role: 'user' as const, content: 'hi' }] };
const lastSent = () => h.emulator.requests.filter((r) => r.operation === 'converse' || r.operation === 'converse-stream').at(-1)?.body as Record<string, unknown>;
/** The JS SDK sends unknown params as they are, like Python's extra_body flattening. */
const create = (extra: Record<string, unknown>) => h.openai.chat.completions.create({ ...base, ...extra } as ChatCompletionCreateParamsNonStreaming);

describe('extras', () => {
  it('unknown top-level keys and a literal extra_body reach additionalModelRequestFields', async () => {
    const res = await h.fetch('/api/v1/chat/completions', { method: 'POST', json: { ...base, top_k: 50, extra_body: { anthropic_beta: ['context-1m-2025-08-07'] } } });
    expect(res.status).toBe(200);
    expect(lastSent().additionalModelRequestFields).toEqual({ top_k: 50, anthropic_beta: ['context-1m-2025-08-07'] });
  });

  it('guardrailConfig (either spelling) goes to the Converse guardrailConfig, not to the model', async () => {
    await create({ guardrailConfig: { guardrailIdentifier: 'gr-123', guardrailVersion: '2', trace: 'enabled' } });
    expect(lastSent().guardrailConfig).toEqual({ guardrailIdentifier: 'gr-123', guardrailVersion: '2', trace: 'enabled' });
    expect(lastSent().additionalModelRequestFields).toBeUndefined();

    const params = { ...base, stream: true, guardrail_config: { guardrail_identifier: 'gr-9', guardrail_version: 'DRAFT', stream_processing_mode: 'async' } };
    for await (const _ of await h.openai.chat.completions.create(params as ChatCompletionCreateParamsStreaming)) void _;
    expect(lastSent().guardrailConfig).toEqual({ guardrailIdentifier: 'gr-9', guardrailVersion: 'DRAFT', streamProcessingMode: 'async' });
  });

  it('performanceConfig and latency go to the Converse performanceConfig', async () => {
    await create({ performanceConfig: { latency: 'optimized' } });
    expect(lastSent().performanceConfig).toEqual({ latency: 'optimized' });
    await create({ latency: 'standard' });
    expect(lastSent().performanceConfig).toEqual({ latency: 'standard' });
    expect(lastSent().additionalModelRequestFields).toBeUndefined();
  });

  it.each([
    ['flex', { type: 'flex' }],
    ['priority', { type: 'priority' }],
    ['auto', undefined],
    ['default', undefined],
  ] as const)('service_tier %s → serviceTier %j', async (tier, expected) => {
    await h.openai.chat.completions.create({ ...base, service_tier: tier });
    expect(lastSent().serviceTier).toEqual(expected);
  });

  it.each([
    ['an unknown service_tier', { service_tier: 'turbo' }, 'service_tier'],
    ['a guardrail without a version', { guardrailConfig: { guardrailIdentifier: 'x' } }, 'guardrailConfig'],
    ['an unknown latency', { latency: 'fast' }, 'performanceConfig'],
  ])('%s is a 400 naming the field', async (_name, extra, param) => {
    const err = await create(extra).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe(param);
  });
});
