import { capabilitiesFor } from '../../lambda/src/models/capabilities';
import { DomainError } from '../../lambda/src/errors/domain-error';
import { chatRequestSchema, type ChatRequest } from '../../lambda/src/schema/chat';
import { translateChatRequest } from '../../lambda/src/translate/chat-request';
import { CLAUDE_THINKING_BUDGET, MIN_THINKING_BUDGET, planReasoning } from '../../lambda/src/translate/reasoning';

const SONNET_37 = 'anthropic.claude-3-7-sonnet-20250219-v1:0';
const OPUS_46 = 'anthropic.claude-opus-4-6-v1';
const NOVA_2 = 'amazon.nova-2-lite-v1:0';
const GPT_OSS = 'openai.gpt-oss-120b-1:0';
const user = [{ role: 'user' as const, content: [{ text: 'q' }] }];

function plan(body: Record<string, unknown>, modelId: string) {
  const req = chatRequestSchema.parse({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...body }) as ChatRequest;
  return translateChatRequest(req, { modelId, caps: capabilitiesFor(modelId) }).input;
}

describe('reasoning_effort per family', () => {
  it.each([
    ['low', 2048],
    ['medium', 8192],
    ['high', 16384],
  ] as const)('Claude budget thinking: %s → budget_tokens %i, max_tokens above it, sampling dropped', (effort, budget) => {
    const input = plan({ reasoning_effort: effort, temperature: 0.2, top_p: 0.5 }, SONNET_37);
    expect(input.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: budget } });
    expect(input.inferenceConfig).toEqual({ maxTokens: budget + 4096 });
  });

  it('Claude budget thinking keeps the budget below the client max_tokens', () => {
    const input = plan({ reasoning_effort: 'high', max_completion_tokens: 6000 }, SONNET_37);
    expect(input.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 3000 } });
    expect(input.inferenceConfig).toEqual({ maxTokens: 6000 });
  });

  it('Claude budget thinking respects the 1,024-token minimum', () => {
    const input = plan({ reasoning_effort: 'low', max_tokens: 1500 }, SONNET_37);
    expect(input.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: MIN_THINKING_BUDGET } });
    expect(input.inferenceConfig?.maxTokens).toBe(1500);
  });

  it('Claude budget thinking with max_tokens too small for the minimum is a 400 naming max_tokens', () => {
    let err: unknown;
    try {
      plan({ reasoning_effort: 'low', max_tokens: 800 }, SONNET_37);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).param).toBe('max_tokens');
  });

  it.each([
    ['low', 'low'],
    ['high', 'high'],
    ['xhigh', 'max'],
    ['max', 'max'],
  ] as const)('Claude adaptive thinking: %s → thinking adaptive, outputConfig.effort %s', (effort, out) => {
    const input = plan({ reasoning_effort: effort, temperature: 0.3 }, OPUS_46);
    expect(input.additionalModelRequestFields).toEqual({ thinking: { type: 'adaptive' } });
    expect(input.outputConfig).toEqual({ effort: out });
    expect(input.inferenceConfig).toBeUndefined();
  });

  it.each([
    ['low', 'low', { maxTokens: 500, temperature: 0.4 }],
    ['medium', 'medium', { maxTokens: 500, temperature: 0.4 }],
    ['high', 'high', undefined],
    ['xhigh', 'high', undefined],
  ] as const)('Nova 2: %s → reasoningConfig %s (high owns tokens and sampling)', (effort, level, inference) => {
    const input = plan({ reasoning_effort: effort, max_tokens: 500, temperature: 0.4 }, NOVA_2);
    expect(input.additionalModelRequestFields).toEqual({ reasoningConfig: { type: 'enabled', maxReasoningEffort: level } });
    expect(input.inferenceConfig).toEqual(inference);
  });

  it.each([
    ['low', 'low'],
    ['high', 'high'],
    ['max', 'high'],
  ] as const)('gpt-oss: %s → reasoning_effort %s', (effort, out) => {
    expect(plan({ reasoning_effort: effort }, GPT_OSS).additionalModelRequestFields).toEqual({ reasoning_effort: out });
  });

  it.each([
    ['none', SONNET_37],
    ['minimal', SONNET_37],
    ['none', OPUS_46],
    ['minimal', NOVA_2],
  ])('%s on %s switches nothing on', (effort, modelId) => {
    const input = plan({ reasoning_effort: effort, temperature: 0.5 }, modelId);
    expect(input.additionalModelRequestFields).toBeUndefined();
    expect(input.inferenceConfig).toEqual({ temperature: 0.5 });
  });

  it.each([
    ['a model without reasoning', 'anthropic.claude-3-5-haiku-20241022-v1:0'],
    ['Llama', 'meta.llama3-3-70b-instruct-v1:0'],
    ['DeepSeek R1, which always reasons', 'deepseek.r1-v1:0'],
  ])('%s ignores the effort (the answer means the same without it)', (_name, modelId) => {
    const input = plan({ reasoning_effort: 'high', temperature: 0.5 }, modelId);
    expect(input.additionalModelRequestFields).toBeUndefined();
    expect(input.outputConfig).toBeUndefined();
    expect(input.inferenceConfig).toEqual({ temperature: 0.5 });
  });
});

describe('Claude thinking and tools', () => {
  const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }];

  it.each(['required', { type: 'function', function: { name: 'f' } }])('a forced tool call (%j) runs without thinking instead of failing', (choice) => {
    const input = plan({ reasoning_effort: 'high', tools, tool_choice: choice }, SONNET_37);
    expect(input.additionalModelRequestFields).toBeUndefined();
    expect(input.toolConfig?.toolChoice).toBeDefined();
  });

  it('auto tool choice keeps thinking', () => {
    expect(plan({ reasoning_effort: 'low', tools }, SONNET_37).additionalModelRequestFields).toMatchObject({ thinking: { type: 'enabled' } });
  });

  it('planReasoning reports whether reasoning is on', () => {
    const caps = capabilitiesFor(SONNET_37);
    expect(planReasoning('high', {}, { caps, forcedToolChoice: false, messages: user }).active).toBe(true);
    expect(planReasoning('high', {}, { caps, forcedToolChoice: true, messages: user }).active).toBe(false);
    expect(CLAUDE_THINKING_BUDGET.xhigh).toBeGreaterThan(CLAUDE_THINKING_BUDGET.high);
  });
});
