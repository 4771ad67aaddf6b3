/**
 * Prompt caching end to end, with ENABLE_PROMPT_CACHING on: where cache points land for each family,
 * client markers, and the usage fields that report cache reads and writes.
 */
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { useHarness } from './harness';

const CLAUDE = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const h = useHarness({ ENABLE_PROMPT_CACHING: 'true' });

const tools: ChatCompletionTool[] = [{ type: 'function', function: { name: 'search', description: 'Search the docs', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }];
const conversation: ChatCompletionMessageParam[] = [
  { role: 'system', content: 'You answer questions about a long manual.' },
  { role: 'user', content: 'First question' },
  { role: 'assistant', content: 'First answer' },
  { role: 'user', content: 'Second question' },
];

interface Sent {
  system?: Array<Record<string, unknown>>;
  messages: Array<{ role: string; content: Array<Record<string, unknown>> }>;
  toolConfig?: { tools: Array<Record<string, unknown>> };
}
const lastSent = () => (h.emulator.lastRequest('converse') ?? h.emulator.lastRequest('converse-stream'))?.body as Sent;
const POINT = { cachePoint: { type: 'default' } };

/** Cache point positions: 'tools', 'system', or a message index. */
function points(sent: Sent): Array<string | number> {
  const where: Array<string | number> = [];
  for (const t of sent.toolConfig?.tools ?? []) if ('cachePoint' in t) where.push('tools');
  for (const b of sent.system ?? []) if ('cachePoint' in b) where.push('system');
  sent.messages.forEach((m, i) => m.content.forEach((b) => 'cachePoint' in b && where.push(i)));
  return where;
}

describe('automatic cache points', () => {
  it('Claude: after tools, after system, and at the end of the conversation, moving each turn', async () => {
    await h.openai.chat.completions.create({ model: CLAUDE, messages: conversation, tools });
    expect(points(lastSent())).toEqual(['tools', 'system', 2]);
    expect(lastSent().toolConfig?.tools.at(-1)).toEqual(POINT);
    expect(lastSent().messages[2].content.at(-1)).toEqual(POINT);

    await h.openai.chat.completions.create({ model: CLAUDE, messages: [...conversation, { role: 'assistant', content: 'Second answer' }, { role: 'user', content: 'Third' }], tools });
    expect(points(lastSent())).toEqual(['tools', 'system', 4]);
  });

  it('Nova: system and conversation only (Nova does not cache tools)', async () => {
    await h.openai.chat.completions.create({ model: 'us.amazon.nova-pro-v1:0', messages: conversation, tools });
    expect(points(lastSent())).toEqual(['system', 2]);
  });

  it('models without caching get none, and client markers are dropped for them too', async () => {
    await h.openai.chat.completions.create({
      model: 'us.meta.llama3-3-70b-instruct-v1:0',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'big doc', prompt_cache_breakpoint: { mode: 'explicit' } }] }],
    });
    expect(points(lastSent())).toEqual([]);
  });
});

describe('client markers', () => {
  it('cache_control (Anthropic style) and prompt_cache_breakpoint (OpenAI) become cache points, never more than 4', async () => {
    const marked = (text: string, marker: object) => ({ role: 'user', content: [{ type: 'text', text, ...marker }] });
    const body = {
      model: CLAUDE,
      tools,
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'rules', cache_control: { type: 'ephemeral' } }] },
        marked('doc one', { cache_control: { type: 'ephemeral', ttl: '1h' } }),
        { role: 'assistant', content: 'ok' },
        marked('doc two', { prompt_cache_breakpoint: { mode: 'explicit' } }),
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'question' },
      ],
    } as unknown as ChatCompletionCreateParamsNonStreaming;
    await h.openai.chat.completions.create(body);
    // Wanted: tools, system (marker + automatic collapse into one), 0, 2, 4 → the earliest extra goes.
    expect(points(lastSent())).toEqual(['system', 0, 2, 4]);
    expect(lastSent().messages[0].content).toEqual([{ text: 'doc one' }, { cachePoint: { type: 'default', ttl: '1h' } }]);
  });

  it('prompt_cache_options.mode explicit: only the client’s own markers', async () => {
    await h.openai.chat.completions.create({
      model: CLAUDE,
      tools,
      prompt_cache_options: { mode: 'explicit' },
      messages: [{ role: 'user', content: [{ type: 'text', text: 'doc', prompt_cache_breakpoint: { mode: 'explicit' } }, { type: 'text', text: 'q' }] }],
    });
    expect(points(lastSent())).toEqual([0]);
    expect(lastSent().messages[0].content).toEqual([{ text: 'doc' }, POINT, { text: 'q' }]);
  });
});

describe('usage', () => {
  it('reports cache reads as cached_tokens and writes as cache_write_tokens, inside prompt_tokens', async () => {
    h.emulator.enqueue({ content: [{ text: 'a' }], usage: { inputTokens: 10, outputTokens: 3, cacheReadInputTokens: 2000, cacheWriteInputTokens: 0 } });
    const res = await h.openai.chat.completions.create({ model: CLAUDE, messages: conversation });
    expect(res.usage).toMatchObject({ prompt_tokens: 2010, completion_tokens: 3, total_tokens: 2013, prompt_tokens_details: { cached_tokens: 2000, cache_write_tokens: 0 } });
  });

  it('streamed with include_usage', async () => {
    h.emulator.enqueue({ content: [{ text: 'a' }], usage: { inputTokens: 10, outputTokens: 3, cacheReadInputTokens: 0, cacheWriteInputTokens: 1500 } });
    const stream = await h.openai.chat.completions.create({ model: CLAUDE, messages: conversation, stream: true, stream_options: { include_usage: true } });
    let usage: unknown;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage).toMatchObject({ prompt_tokens: 1510, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 1500 } });
  });
});
