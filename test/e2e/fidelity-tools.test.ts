/**
 * Tool use end to end: the openai SDK (and its tool helpers) against the gateway and the emulator.
 */
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { readSse, useHarness } from './harness';

const CLAUDE = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const h = useHarness();

const tools: ChatCompletionTool[] = [
  { type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
  { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } } } } },
];

interface ConverseBody {
  messages: Array<{ role: string; content: Array<Record<string, any>> }>;
  toolConfig?: { tools: Array<{ toolSpec?: { name: string } }>; toolChoice?: Record<string, unknown> };
  additionalModelRequestFields?: Record<string, unknown>;
}
/** Model calls only (the gateway's model catalog also calls the control plane). */
const modelCalls = () => h.emulator.requests.filter((r) => r.operation === 'converse' || r.operation === 'converse-stream');
const sent = (i: number) => modelCalls()[i].body as ConverseBody;
const lastSent = () => (h.emulator.lastRequest('converse') ?? h.emulator.lastRequest('converse-stream'))?.body as ConverseBody;

function runTool(name: string, args: Record<string, string>): string {
  return name === 'get_weather' ? `rain in ${args.city}` : `noon in ${args.tz}`;
}

describe('multi-turn tool loops', () => {
  it('non-streamed: text before a call, then two calls in parallel, then an answer', async () => {
    h.emulator.enqueue({ content: [{ text: 'Let me look.' }, { toolUse: { toolUseId: 'tu_1', name: 'get_weather', input: { city: 'Oslo' } } }] });
    h.emulator.enqueue({
      content: [
        { toolUse: { toolUseId: 'tu_2', name: 'get_weather', input: { city: 'Bergen' } } },
        { toolUse: { toolUseId: 'tu_3', name: 'get_time', input: { tz: 'CET' } } },
      ],
    });
    h.emulator.enqueue({ content: [{ text: 'Rain everywhere; it is noon.' }] });

    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Oslo and Bergen, and the time?' }];
    for (let turn = 0; turn < 5; turn++) {
      const res = await h.openai.chat.completions.create({ model: CLAUDE, messages, tools });
      const msg = res.choices[0].message;
      messages.push(msg);
      if (res.choices[0].finish_reason !== 'tool_calls') break;
      if (turn === 0) expect(msg.content).toBe('Let me look.');
      for (const call of msg.tool_calls ?? []) {
        if (call.type !== 'function') continue;
        messages.push({ role: 'tool', tool_call_id: call.id, content: runTool(call.function.name, JSON.parse(call.function.arguments)) });
      }
    }
    expect(messages.at(-1)).toMatchObject({ role: 'assistant', content: 'Rain everywhere; it is noon.' });
    expect(modelCalls()).toHaveLength(3);

    const third = sent(2);
    expect(third.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(third.messages[1].content).toEqual([{ text: 'Let me look.' }, { toolUse: { toolUseId: 'tu_1', name: 'get_weather', input: { city: 'Oslo' } } }]);
    // Both results of the parallel calls in one user turn, ids matched.
    expect(third.messages[4].content).toEqual([
      { toolResult: { toolUseId: 'tu_2', content: [{ text: 'rain in Bergen' }] } },
      { toolResult: { toolUseId: 'tu_3', content: [{ text: 'noon in CET' }] } },
    ]);
    expect(third.toolConfig?.tools.map((t) => t.toolSpec?.name)).toEqual(['get_weather', 'get_time']);
  });

  it('streamed with the SDK runTools helper: the loop runs to the final answer', async () => {
    h.emulator.enqueue({ content: [{ text: 'Checking both.' }, { toolUse: { toolUseId: 'tu_a', name: 'get_weather', input: { city: 'Rome' } } }, { toolUse: { toolUseId: 'tu_b', name: 'get_time', input: { tz: 'UTC' } } }] });
    h.emulator.enqueue({ content: [{ toolUse: { toolUseId: 'tu_c', name: 'get_weather', input: { city: 'Milan' } } }] });
    h.emulator.enqueue({ content: [{ text: 'Rome and Milan: rain.' }] });
    const calls: string[] = [];
    const runner = h.openai.chat.completions.runTools({
      model: CLAUDE,
      stream: true,
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [
        { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, parse: JSON.parse, function: (a: { city: string }) => (calls.push(`w:${a.city}`), `rain in ${a.city}`) } },
        { type: 'function', function: { name: 'get_time', description: 'Time', parameters: { type: 'object', properties: { tz: { type: 'string' } } }, parse: JSON.parse, function: (a: { tz: string }) => (calls.push(`t:${a.tz}`), `noon in ${a.tz}`) } },
      ],
    });
    expect(await runner.finalContent()).toBe('Rome and Milan: rain.');
    expect(calls).toEqual(['w:Rome', 't:UTC', 'w:Milan']);
    expect(modelCalls().map((r) => r.operation)).toEqual(['converse-stream', 'converse-stream', 'converse-stream']);
    expect(sent(1).messages[2].content.map((b) => b.toolResult?.toolUseId)).toEqual(['tu_a', 'tu_b']);
  });

  it('streamed tool calls: first fragment has index, id, type, name and empty arguments; indexes dense from 0 after text and reasoning', async () => {
    h.emulator.enqueue({
      content: [
        { reasoningContent: { reasoningText: { text: 'Two lookups.', signature: 'sig' } } },
        { text: 'On it.' },
        { toolUse: { toolUseId: 'tu_1', name: 'get_weather', input: { city: 'A long city name to split into fragments' } } },
        { toolUse: { toolUseId: 'tu_2', name: 'get_time', input: { tz: 'Europe/Amsterdam' } } },
      ],
    });
    const res = await h.fetch('/api/v1/chat/completions', { method: 'POST', json: { model: CLAUDE, messages: [{ role: 'user', content: 'go' }], tools, stream: true } });
    const events = await readSse(res);
    expect(events.at(-1)).toBe('[DONE]');
    const fragments = events.slice(0, -1).flatMap((e) => JSON.parse(e).choices[0]?.delta?.tool_calls ?? []);
    const firsts = fragments.filter((f: { id?: string }) => f.id);
    expect(firsts).toEqual([
      { index: 0, id: 'tu_1', type: 'function', function: { name: 'get_weather', arguments: '' } },
      { index: 1, id: 'tu_2', type: 'function', function: { name: 'get_time', arguments: '' } },
    ]);
    const later = fragments.filter((f: { id?: string }) => !f.id);
    expect(later.length).toBeGreaterThan(2);
    for (const f of later) expect(Object.keys(f).sort()).toEqual(['function', 'index']);
    for (const index of [0, 1]) {
      const args = later.filter((f: { index: number }) => f.index === index).map((f: { function: { arguments: string } }) => f.function.arguments).join('');
      expect(() => JSON.parse(args)).not.toThrow();
    }
  });

  it('streamed tool calls cut off by max_tokens are still delivered, with finish_reason tool_calls', async () => {
    h.emulator.enqueue({ content: [{ toolUse: { toolUseId: 'tu_1', name: 'get_weather', input: { city: 'Oslo' } } }], stopReason: 'max_tokens' });
    const final = await h.openai.chat.completions.stream({ model: CLAUDE, messages: [{ role: 'user', content: 'go' }], tools }).finalChatCompletion();
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    expect(final.choices[0].message.tool_calls?.[0].id).toBe('tu_1');
  });

  it('models that cannot stream tool use still stream a well-formed answer', async () => {
    const llama = 'us.meta.llama3-3-70b-instruct-v1:0';
    h.emulator.enqueue({ content: [{ toolUse: { toolUseId: 'tu_1', name: 'get_weather', input: { city: 'Oslo' } } }] }, { operations: ['converse'] });
    const final = await h.openai.chat.completions.stream({ model: llama, messages: [{ role: 'user', content: 'go' }], tools }).finalChatCompletion();
    expect(final.choices[0].message.tool_calls?.[0]).toMatchObject({ type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } });
    expect(modelCalls().map((r) => r.operation)).toEqual(['converse']);
  });
});

describe('tool_choice and parallel_tool_calls', () => {
  it.each<[string, OpenAI.Chat.ChatCompletionToolChoiceOption, Record<string, unknown> | undefined]>([
    ['auto', 'auto', undefined],
    ['required', 'required', { any: {} }],
    ['named', { type: 'function', function: { name: 'get_time' } }, { tool: { name: 'get_time' } }],
  ])('%s reaches Bedrock as its Converse tool choice', async (_name, choice, expected) => {
    await h.openai.chat.completions.create({ model: CLAUDE, messages: [{ role: 'user', content: 'x' }], tools, tool_choice: choice });
    expect(lastSent().toolConfig?.toolChoice).toEqual(expected);
  });

  it('none with a tool history keeps the toolConfig Bedrock requires and returns no tool calls', async () => {
    h.emulator.enqueue({ content: [{ text: 'Not calling anything.' }, { toolUse: { toolUseId: 'tu_9', name: 'get_time', input: {} } }] });
    const res = await h.openai.chat.completions.create({
      model: CLAUDE,
      tools,
      tool_choice: 'none',
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'tu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
        { role: 'tool', tool_call_id: 'tu_1', content: 'rain' },
      ],
    });
    expect(res.choices[0].message.tool_calls).toBeUndefined();
    expect(res.choices[0].finish_reason).toBe('stop');
    expect(lastSent().toolConfig?.tools.length).toBeGreaterThan(0);
  });

  it('parallel_tool_calls false returns at most one call', async () => {
    h.emulator.enqueue({ content: [{ toolUse: { toolUseId: 'a', name: 'get_weather', input: { city: 'X' } } }, { toolUse: { toolUseId: 'b', name: 'get_time', input: {} } }] });
    const final = await h.openai.chat.completions.stream({ model: CLAUDE, messages: [{ role: 'user', content: 'x' }], tools, parallel_tool_calls: false }).finalChatCompletion();
    expect(final.choices[0].message.tool_calls?.map((c) => c.id)).toEqual(['a']);
  });

  it('a tool_choice the model does not support is a clear 400, not an upstream error', async () => {
    const err = await h.openai.chat.completions.create({ model: 'mistral.mistral-large-2407-v1:0', messages: [{ role: 'user', content: 'x' }], tools, tool_choice: { type: 'function', function: { name: 'get_time' } } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('tool_choice');
    expect(modelCalls()).toHaveLength(0);
  });

  it('invalid JSON in a history tool call is a 400 naming the arguments', async () => {
    const err = await h.openai.chat.completions
      .create({ model: CLAUDE, messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'get_time', arguments: '{oops' } }] }, { role: 'tool', tool_call_id: 'c', content: 'r' }] })
      .catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('messages[1].tool_calls[0].function.arguments');
  });

  it('a tool call whose result never came is repaired, so the agent can continue', async () => {
    await h.openai.chat.completions.create({
      model: CLAUDE,
      messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'get_time', arguments: '{}' } }] }, { role: 'user', content: 'skip that' }],
    });
    expect(lastSent().messages[2].content).toEqual([{ toolResult: { toolUseId: 'c', content: [{ text: expect.any(String) }], status: 'error' } }, { text: 'skip that' }]);
    expect(lastSent().toolConfig?.tools.map((t) => t.toolSpec?.name)).toEqual(['get_time']);
  });
});
