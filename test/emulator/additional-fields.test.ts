import { ConverseCommand, ConverseStreamCommand, type ConverseCommandInput } from '@aws-sdk/client-bedrock-runtime';
import { APPLICATION_PROFILE_ARN } from '../../emulator';
import { PROTOCOLS, useEmulator, userMessage } from './helpers';

const ctx = useEmulator();

const CLAUDE = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const CLAUDE_PROFILE = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const NOVA = 'amazon.nova-micro-v1:0';
const LLAMA = 'meta.llama3-1-8b-instruct-v1:0';
const MISTRAL = 'mistral.mistral-large-2402-v1:0';
const DEEPSEEK = 'us.deepseek.r1-v1:0';
const COHERE = 'cohere.command-r-plus-v1:0';
const TITAN = 'amazon.titan-text-express-v1';
const GPT_OSS = 'openai.gpt-oss-120b-1:0';

// Written out in full here, not built from the emulator's helpers: a wrong message there must fail.
const extraneous = (key: string) =>
  `The model returned the following errors: Malformed input request: #: extraneous key [${key}] is not permitted, please reformat your input and try again.`;

type Extra = Partial<ConverseCommandInput>;
const TOOLS = { tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } }] };
const send = (protocol: (typeof PROTOCOLS)[number]['protocol'], modelId: string, fields: Record<string, unknown>, extra: Extra = {}) =>
  ctx.client(protocol).send(
    new ConverseCommand({ modelId, messages: [userMessage('hi')], additionalModelRequestFields: fields as never, ...extra } as ConverseCommandInput),
  );

describe('additionalModelRequestFields: keys the family does not know', () => {
  it.each([
    ['Claude', CLAUDE, { frequency_penalty: 0.5 }, 'frequency_penalty'],
    ['Claude through a profile', CLAUDE_PROFILE, { logprobs: true }, 'logprobs'],
    ['Claude through an application profile ARN', APPLICATION_PROFILE_ARN, { metadata: { user_id: 'u' } }, 'metadata'],
    ['Claude, a Nova key', CLAUDE, { reasoningConfig: { type: 'enabled' } }, 'reasoningConfig'],
    ['Claude, an OpenAI spelling', CLAUDE, { reasoning_effort: 'low' }, 'reasoning_effort'],
    ['Nova, a Claude key', NOVA, { top_k: 40 }, 'top_k'],
    ['Nova, Claude thinking', NOVA, { thinking: { type: 'enabled', budget_tokens: 2048 } }, 'thinking'],
    ['Llama', LLAMA, { top_k: 40 }, 'top_k'],
    ['Llama logprobs', LLAMA, { logprobs: true }, 'logprobs'],
    ['Cohere Command R', COHERE, { top_k: 40 }, 'top_k'],
    ['Titan text', TITAN, { top_k: 40 }, 'top_k'],
  ])('%s: %s rejects %j, naming [%s]', async (_case, modelId, fields, key) => {
    await expect(send('h2', modelId, fields)).rejects.toMatchObject({
      name: 'ValidationException',
      message: extraneous(key),
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('names every unknown key, one violation after the other, as the schema check reports them', async () => {
    await expect(send('h2', CLAUDE, { seed: 1, top_k: 5, user: 'x' })).rejects.toMatchObject({
      message:
        'The model returned the following errors: Malformed input request: #: extraneous key [seed] is not permitted#: extraneous key [user] is not permitted, please reformat your input and try again.',
    });
  });

  it('reports a conflict before unknown keys', async () => {
    await expect(send('h2', CLAUDE, { seed: 1, messages: [] })).rejects.toMatchObject({
      message: 'The additional field messages conflicts with an existing field. Remove messages and try again.',
    });
  });
});

describe('additionalModelRequestFields: keys Converse already sets', () => {
  it.each([
    ['max_tokens', CLAUDE, { max_tokens: 10 }, { inferenceConfig: { maxTokens: 100 } }, 'The additional field max_tokens conflicts with the existing field maxTokens. Remove max_tokens and try again.'],
    ['temperature', CLAUDE, { temperature: 0.2 }, { inferenceConfig: { temperature: 0.5 } }, 'The additional field temperature conflicts with an existing field. Remove temperature and try again.'],
    ['top_p', CLAUDE, { top_p: 0.2 }, { inferenceConfig: { topP: 0.5 } }, 'The additional field top_p conflicts with the existing field topP. Remove top_p and try again.'],
    ['stop_sequences', CLAUDE, { stop_sequences: ['x'] }, { inferenceConfig: { stopSequences: ['y'] } }, 'The additional field stop_sequences conflicts with the existing field stopSequences. Remove stop_sequences and try again.'],
    ['system', CLAUDE, { system: 'be brief' }, { system: [{ text: 'be kind' }] }, 'The additional field system conflicts with an existing field. Remove system and try again.'],
    ['messages (always set)', CLAUDE, { messages: [] }, {}, 'The additional field messages conflicts with an existing field. Remove messages and try again.'],
    ['tools', CLAUDE, { tools: [] }, { toolConfig: TOOLS }, 'The additional field tools conflicts with the existing field toolConfig. Remove tools and try again.'],
    ['tool_choice', CLAUDE, { tool_choice: { type: 'any' } }, { toolConfig: { ...TOOLS, toolChoice: { auto: {} } } }, 'The additional field tool_choice conflicts with the existing field toolChoice. Remove tool_choice and try again.'],
    ['Llama max_gen_len', LLAMA, { max_gen_len: 10 }, { inferenceConfig: { maxTokens: 100 } }, 'The additional field max_gen_len conflicts with the existing field maxTokens. Remove max_gen_len and try again.'],
    ['Llama prompt (always set)', LLAMA, { prompt: 'x' }, {}, 'The additional field prompt conflicts with an existing field. Remove prompt and try again.'],
    ['Nova system', NOVA, { system: [{ text: 'x' }] }, { system: [{ text: 'y' }] }, 'The additional field system conflicts with an existing field. Remove system and try again.'],
    ['Mistral (otherwise permissive) max_tokens', MISTRAL, { max_tokens: 5 }, { inferenceConfig: { maxTokens: 50 } }, 'The additional field max_tokens conflicts with the existing field maxTokens. Remove max_tokens and try again.'],
    ['gpt-oss max_completion_tokens', GPT_OSS, { max_completion_tokens: 5 }, { inferenceConfig: { maxTokens: 50 } }, 'The additional field max_completion_tokens conflicts with the existing field maxTokens. Remove max_completion_tokens and try again.'],
  ])('%s', async (_case, modelId, fields, extra, message) => {
    await expect(send('h2', modelId, fields, extra as Extra)).rejects.toMatchObject({ name: 'ValidationException', message, $metadata: { httpStatusCode: 400 } });
  });
});

describe('additionalModelRequestFields the family accepts', () => {
  it.each([
    ['Claude top_k', CLAUDE, { top_k: 40 }, {}],
    ['Claude thinking within max tokens', CLAUDE_PROFILE, { thinking: { type: 'enabled', budget_tokens: 2048 } }, { inferenceConfig: { maxTokens: 4096 } }],
    ['Claude adaptive thinking and effort', CLAUDE_PROFILE, { thinking: { type: 'adaptive' }, output_config: { effort: 'low' } }, {}],
    ['Claude anthropic_beta', CLAUDE, { anthropic_beta: ['context-1m-2025-08-07'] }, {}],
    ['Claude context_management', CLAUDE, { context_management: { edits: [] } }, {}],
    ['Claude native max_tokens when Converse sets none', CLAUDE, { max_tokens: 50 }, {}],
    ['Claude system when Converse sets none', CLAUDE, { system: 'be brief' }, {}],
    ['Nova topK', NOVA, { inferenceConfig: { topK: 20 } }, { inferenceConfig: { maxTokens: 100 } }],
    ['Nova reasoning', NOVA, { reasoningConfig: { type: 'enabled', maxReasoningEffort: 'low' } }, {}],
    ['Cohere k', COHERE, { k: 10 }, {}],
    ['Mistral top_k', MISTRAL, { top_k: 10 }, {}],
    ['Mistral: unknown keys pass (behaviour unconfirmed)', MISTRAL, { anything: 1 }, {}],
    ['DeepSeek: unknown keys pass, as Bedrock lets them', DEEPSEEK, { logprobs: true }, {}],
    ['gpt-oss reasoning_effort', GPT_OSS, { reasoning_effort: 'low' }, {}],
    ['a model the emulator has no rules for', 'qwen.qwen3-32b-v1:0', { anything: 1 }, {}],
  ])('%s', async (_case, modelId, fields, extra) => {
    const res = await send('h2', modelId, fields, extra as Extra);
    expect(res.stopReason).toBeDefined();
  });
});

describe('Claude thinking budget', () => {
  it('must stay below max tokens', async () => {
    const call = send('h2', CLAUDE_PROFILE, { thinking: { type: 'enabled', budget_tokens: 4096 } }, { inferenceConfig: { maxTokens: 4096 } });
    await expect(call).rejects.toMatchObject({ name: 'ValidationException', message: '`max_tokens` must be greater than `thinking.budget_tokens`.' });
  });

  it('may exceed it with interleaved thinking', async () => {
    const fields = { thinking: { type: 'enabled', budget_tokens: 8192 }, anthropic_beta: ['interleaved-thinking-2025-05-14'] };
    await expect(send('h2', CLAUDE_PROFILE, fields, { inferenceConfig: { maxTokens: 4096 } })).resolves.toBeDefined();
  });
});

describe('the error on the wire', () => {
  it('Converse answers with x-amzn-errortype and a JSON {message}', async () => {
    const res = await fetch(`${ctx.emulator().url}/model/${encodeURIComponent(NOVA)}/converse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [userMessage('hi')], additionalModelRequestFields: { top_k: 1 } }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(await res.json()).toEqual({ message: extraneous('top_k') });
  });
});

describe.each(PROTOCOLS.map((p) => p.protocol))('over %s', (protocol) => {
  it('ConverseStream fails with the HTTP 400 before any event, like Converse', async () => {
    const call = ctx.client(protocol).send(
      new ConverseStreamCommand({ modelId: CLAUDE, messages: [userMessage('hi')], additionalModelRequestFields: { frequency_penalty: 1 } }),
    );
    await expect(call).rejects.toMatchObject({
      name: 'ValidationException',
      message: extraneous('frequency_penalty'),
      $metadata: { httpStatusCode: 400 },
    });
    expect(ctx.emulator().openStreams).toBe(0);
  });

  it('keeps a scripted reply queued for the next valid call', async () => {
    ctx.emulator().enqueue({ content: [{ text: 'scripted' }] });
    await expect(send(protocol, CLAUDE, { nope: 1 })).rejects.toMatchObject({ name: 'ValidationException' });
    const res = await send(protocol, CLAUDE, {});
    expect(res.output?.message?.content).toEqual([{ text: 'scripted' }]);
  });
});
