import type { ContentBlock, ConverseStreamCommandInput } from '@aws-sdk/client-bedrock-runtime';
import { capabilitiesFor } from '../../lambda/src/models/capabilities';
import { chatRequestSchema, type ChatRequest } from '../../lambda/src/schema/chat';
import { translateChatRequest } from '../../lambda/src/translate/chat-request';

const CLAUDE = 'anthropic.claude-3-7-sonnet-20250219-v1:0';
const NOVA = 'amazon.nova-pro-v1:0';
const LLAMA = 'meta.llama3-3-70b-instruct-v1:0';
const tool = { type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } };
const conversation = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'one' },
  { role: 'assistant', content: 'two' },
  { role: 'user', content: 'three' },
];

function input(body: Record<string, unknown>, modelId = CLAUDE, promptCaching = false): ConverseStreamCommandInput {
  const req = chatRequestSchema.parse({ model: 'm', messages: conversation, ...body }) as ChatRequest;
  return translateChatRequest(req, { modelId, caps: capabilitiesFor(modelId), promptCaching }).input;
}

/** Where the cache points are: 'tools', 'system', or the message index. */
function points(i: ConverseStreamCommandInput): Array<string | number> {
  const where: Array<string | number> = [];
  for (const t of i.toolConfig?.tools ?? []) if (t.cachePoint) where.push('tools');
  for (const b of i.system ?? []) if (b.cachePoint) where.push('system');
  (i.messages ?? []).forEach((m, n) => (m.content ?? []).forEach((b) => b.cachePoint && where.push(n)));
  return where;
}

const marked = (text: string, marker: Record<string, unknown>) => ({ role: 'user', content: [{ type: 'text', text, ...marker }] });

describe('ENABLE_PROMPT_CACHING: automatic points', () => {
  it('Claude: after the tools, after the system prompt, and at the end of the conversation', () => {
    const i = input({ tools: [tool] }, CLAUDE, true);
    expect(points(i)).toEqual(['tools', 'system', 2]);
    expect(i.messages?.[2].content?.at(-1)).toEqual({ cachePoint: { type: 'default' } });
    expect(i.system?.at(-1)).toEqual({ cachePoint: { type: 'default' } });
  });

  it('the end point moves with the conversation', () => {
    const longer = input({ messages: [...conversation, { role: 'assistant', content: 'four' }, { role: 'user', content: 'five' }] }, CLAUDE, true);
    expect(points(longer)).toEqual(['system', 4]);
  });

  it('Nova: no point in the tools (Nova does not cache tools)', () => {
    expect(points(input({ tools: [tool] }, NOVA, true))).toEqual(['system', 2]);
  });

  it.each([
    ['Llama', LLAMA],
    ['Claude 3.5 Sonnet (no caching)', 'anthropic.claude-3-5-sonnet-20240620-v1:0'],
  ])('%s: nothing', (_name, modelId) => {
    expect(points(input({ tools: [tool] }, modelId, true))).toEqual([]);
  });

  it('off unless the operator switched it on', () => {
    expect(points(input({ tools: [tool] }))).toEqual([]);
  });

  it('prompt_cache_options.mode explicit turns the automatic points off for the request', () => {
    expect(points(input({ prompt_cache_options: { mode: 'explicit' } }, CLAUDE, true))).toEqual([]);
  });

  it('a trailing assistant prefill is not cached; the user turn before it is', () => {
    const i = input({ messages: [...conversation, { role: 'assistant', content: 'Sure:' }] }, CLAUDE, true);
    expect(points(i)).toEqual(['system', 2]);
  });
});

describe('client markers', () => {
  it.each([
    ['cache_control (Anthropic style)', { cache_control: { type: 'ephemeral' } }, { type: 'default' }],
    ['cache_control with a 1h TTL', { cache_control: { type: 'ephemeral', ttl: '1h' } }, { type: 'default', ttl: '1h' }],
    ['prompt_cache_breakpoint (OpenAI)', { prompt_cache_breakpoint: { mode: 'explicit', ttl: '30m' } }, { type: 'default' }],
  ])('%s → a cachePoint after the part', (_name, marker, point) => {
    const i = input({ messages: [marked('big document', marker), { role: 'user', content: 'question' }] });
    expect(i.messages?.[0].content).toEqual<ContentBlock[]>([{ text: 'big document' }, { cachePoint: point as never }, { text: 'question' }]);
  });

  it('markers on system parts, tools and tool results', () => {
    const i = input({
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'rules', cache_control: { type: 'ephemeral' } }] },
        { role: 'user', content: 'go' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: [{ type: 'text', text: 'long result', prompt_cache_breakpoint: { mode: 'explicit' } }] },
      ],
      tools: [{ ...tool, cache_control: { type: 'ephemeral' } }],
    });
    expect(points(i)).toEqual(['tools', 'system', 2]);
    expect(i.messages?.[2].content).toEqual([{ toolResult: { toolUseId: 'c1', content: [{ text: 'long result' }] } }, { cachePoint: { type: 'default' } }]);
  });

  it('never more than the model allows: the earliest extras go, the latest stay', () => {
    const messages = [1, 2, 3, 4, 5].flatMap((n) => [marked(`part ${n}`, { cache_control: { type: 'ephemeral' } }), { role: 'assistant', content: `ok ${n}` }]);
    const i = input({ messages: [{ role: 'system', content: [{ type: 'text', text: 's', cache_control: { type: 'ephemeral' } }] }, ...messages, { role: 'user', content: 'end' }] }, CLAUDE, true);
    expect(points(i)).toEqual([4, 6, 8, 10]);
    expect(points(i)).toHaveLength(capabilitiesFor(CLAUDE).maxCachePoints);
  });

  it('are dropped for models without caching instead of failing upstream', () => {
    const i = input({ messages: [marked('doc', { cache_control: { type: 'ephemeral' } })], tools: [{ ...tool, cache_control: { type: 'ephemeral' } }] }, LLAMA);
    expect(points(i)).toEqual([]);
    expect(i.messages?.[0].content).toEqual([{ text: 'doc' }]);
  });

  it('a marker on a blank part adds no point where Bedrock would reject one', () => {
    const i = input({ messages: [marked('   ', { cache_control: { type: 'ephemeral' } }), { role: 'user', content: 'q' }] });
    expect(i.messages?.[0].content).toEqual([{ text: 'q' }]);
  });
});
