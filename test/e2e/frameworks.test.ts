/**
 * Frameworks written for OpenAI, unchanged, against the gateway: LangChain JS `ChatOpenAI` and the
 * Vercel AI SDK's OpenAI provider, both its chat-completions model (`openai.chat(id)`) and its default
 * Responses model (`openai(id)`), each running a multi-turn tool loop.
 */
import { AIMessageChunk, HumanMessage, type BaseMessage } from '@langchain/core/messages';
import { tool as lcTool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, stepCountIs, streamText, tool as aiTool } from 'ai';
import { z } from 'zod';
import { TEST_KEY, useHarness } from './harness';

const CLAUDE = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const h = useHarness();

interface Sent {
  messages: Array<{ role: string; content: Array<Record<string, any>> }>;
  toolConfig?: { tools: Array<{ toolSpec?: { name: string } }> };
  additionalModelRequestFields?: unknown;
}
const modelCalls = () => h.emulator.requests.filter((r) => r.operation === 'converse' || r.operation === 'converse-stream');

/** Two tool rounds (the second with two parallel calls), then the answer. */
function scriptLoop(): void {
  h.emulator.enqueue({ content: [{ text: 'Let me check Paris first.' }, { toolUse: { toolUseId: 'tu_1', name: 'get_weather', input: { city: 'Paris' } } }] });
  h.emulator.enqueue({
    content: [
      { toolUse: { toolUseId: 'tu_2', name: 'get_weather', input: { city: 'London' } } },
      { toolUse: { toolUseId: 'tu_3', name: 'get_weather', input: { city: 'Rome' } } },
    ],
  });
  h.emulator.enqueue({ content: [{ text: 'Paris is sunny, London rainy, Rome hot.' }] });
}

const WEATHER: Record<string, string> = { Paris: 'sunny', London: 'rainy', Rome: 'hot' };

/** What every framework run must have sent Bedrock: a clean three-turn tool loop, streamed unless said. */
function expectCleanLoop(operation: 'converse' | 'converse-stream' = 'converse-stream'): void {
  const calls = modelCalls();
  expect(calls.map((c) => c.operation)).toEqual([operation, operation, operation]);
  for (const call of calls) {
    const body = call.body as Sent;
    // Nothing a framework sends may leak to the model as an unknown field.
    expect(body.additionalModelRequestFields).toBeUndefined();
    expect(body.toolConfig?.tools.map((t) => t.toolSpec?.name)).toEqual(['get_weather']);
  }
  const last = calls[2].body as Sent;
  expect(last.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
  expect(last.messages[2].content).toEqual([{ toolResult: { toolUseId: 'tu_1', content: [{ text: expect.stringContaining('sunny') }] } }]);
  expect(last.messages[4].content.map((b) => b.toolResult?.toolUseId)).toEqual(['tu_2', 'tu_3']);
  expect(JSON.stringify(last.messages[4].content)).toContain('rainy');
}

describe('LangChain ChatOpenAI', () => {
  it('answers invoke (not streamed)', async () => {
    const llm = new ChatOpenAI({ model: CLAUDE, apiKey: TEST_KEY, configuration: { baseURL: h.baseURL }, maxRetries: 0 });
    expect((await llm.invoke('Say hello in French.')).content).toBe('Emulated reply to: Say hello in French.');
    expect(modelCalls().map((c) => c.operation)).toEqual(['converse']);
  });

  it('runs a streamed multi-turn tool loop', async () => {
    scriptLoop();
    const getWeather = lcTool(async ({ city }: { city: string }) => `${city}: ${WEATHER[city]}`, {
      name: 'get_weather',
      description: 'Current weather for a city',
      schema: z.object({ city: z.string() }),
    });
    const llm = new ChatOpenAI({ model: CLAUDE, apiKey: TEST_KEY, configuration: { baseURL: h.baseURL }, streaming: true, maxRetries: 0 }).bindTools([getWeather]);

    const messages: BaseMessage[] = [new HumanMessage('Weather in Paris, London and Rome?')];
    for (let turn = 0; turn < 5; turn++) {
      let full: AIMessageChunk | undefined;
      for await (const chunk of await llm.stream(messages)) full = full ? full.concat(chunk) : chunk;
      if (!full) throw new Error('no chunks');
      messages.push(full);
      if (!full.tool_calls?.length) break;
      for (const call of full.tool_calls) messages.push(await getWeather.invoke({ ...call, type: 'tool_call' }));
    }
    expect(messages.at(-1)?.content).toBe('Paris is sunny, London rainy, Rome hot.');
    expect((messages[1] as AIMessageChunk).content).toBe('Let me check Paris first.');
    expect((messages[3] as AIMessageChunk).tool_calls?.map((c) => [c.id, c.args])).toEqual([
      ['tu_2', { city: 'London' }],
      ['tu_3', { city: 'Rome' }],
    ]);
    expectCleanLoop();
  });
});

/** The AI SDK tool the loops below call; `executed` records each city it was called for. */
function weatherTools(executed: string[]) {
  return {
    get_weather: aiTool({
      description: 'Current weather for a city',
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => {
        executed.push(city);
        return `${city}: ${WEATHER[city]}`;
      },
    }),
  };
}

/** What the check reads of a streamText result. */
interface StreamedLoop {
  readonly textStream: AsyncIterable<string>;
  readonly text: PromiseLike<string>;
  readonly steps: PromiseLike<ReadonlyArray<{ finishReason: string }>>;
}

/** A streamed weather loop's outcome: the streamed text, the tools run, one finish reason per step. */
async function expectStreamedLoop(result: StreamedLoop, executed: string[]): Promise<void> {
  let streamed = '';
  for await (const delta of result.textStream) streamed += delta;
  expect(await result.text).toBe('Paris is sunny, London rainy, Rome hot.');
  expect(streamed).toContain('Paris is sunny, London rainy, Rome hot.');
  expect(executed).toEqual(['Paris', 'London', 'Rome']);
  expect((await result.steps).map((s) => s.finishReason)).toEqual(['tool-calls', 'tool-calls', 'stop']);
}

describe('Vercel AI SDK (OpenAI provider, chat-completions model)', () => {
  it('runs a multi-turn tool loop with generateText', async () => {
    scriptLoop();
    const openai = createOpenAI({ baseURL: h.baseURL, apiKey: TEST_KEY });
    const executed: string[] = [];
    const result = await generateText({
      model: openai.chat(CLAUDE),
      prompt: 'Weather in Paris, London and Rome?',
      maxRetries: 0,
      stopWhen: stepCountIs(5),
      tools: weatherTools(executed),
    });
    expect(result.text).toBe('Paris is sunny, London rainy, Rome hot.');
    expect(executed).toEqual(['Paris', 'London', 'Rome']);
    expectCleanLoop('converse');
  });

  it('runs a streamed multi-turn tool loop', async () => {
    scriptLoop();
    const openai = createOpenAI({ baseURL: h.baseURL, apiKey: TEST_KEY });
    const executed: string[] = [];
    const result = streamText({
      model: openai.chat(CLAUDE),
      prompt: 'Weather in Paris, London and Rome?',
      maxRetries: 0,
      stopWhen: stepCountIs(5),
      tools: weatherTools(executed),
    });
    await expectStreamedLoop(result, executed);
    expectCleanLoop();
  });
});

describe('Vercel AI SDK (OpenAI provider, default Responses model)', () => {
  /** The provider as the README configures it, keeping the JSON bodies it sends the gateway. */
  function provider() {
    const sent: Array<{ path: string; body: Record<string, any> }> = [];
    const openai = createOpenAI({
      baseURL: h.baseURL,
      apiKey: TEST_KEY,
      fetch: async (url, init) => {
        sent.push({ path: new URL(String(url)).pathname, body: JSON.parse(String(init?.body)) });
        return fetch(url, init);
      },
    });
    return { openai, sent };
  }

  /** Each step sent the whole conversation as items, nothing by reference. */
  function expectFullItems(sent: Array<{ path: string; body: Record<string, any> }>, stream: boolean): void {
    expect(sent.map((r) => r.path)).toEqual(['/api/v1/responses', '/api/v1/responses', '/api/v1/responses']);
    for (const { body } of sent) {
      expect(body.store).toBe(false);
      expect(Boolean(body.stream)).toBe(stream);
      expect(body.input.some((i: { type?: string }) => i.type === 'item_reference')).toBe(false);
    }
    expect(sent[2].body.input.map((i: { type?: string; role?: string }) => i.type ?? i.role)).toEqual([
      'user',
      'assistant',
      'function_call',
      'function_call_output',
      'function_call',
      'function_call',
      'function_call_output',
      'function_call_output',
    ]);
  }

  it('runs a multi-turn tool loop with generateText', async () => {
    scriptLoop();
    const { openai, sent } = provider();
    const executed: string[] = [];
    const result = await generateText({
      model: openai(CLAUDE),
      prompt: 'Weather in Paris, London and Rome?',
      maxRetries: 0,
      stopWhen: stepCountIs(5),
      providerOptions: { openai: { store: false } },
      tools: weatherTools(executed),
    });
    expect(result.text).toBe('Paris is sunny, London rainy, Rome hot.');
    expect(executed).toEqual(['Paris', 'London', 'Rome']);
    expect(result.steps.map((s) => s.finishReason)).toEqual(['tool-calls', 'tool-calls', 'stop']);
    expect(result.steps[0].text).toBe('Let me check Paris first.');
    expectCleanLoop('converse');
    expectFullItems(sent, false);
  });

  it('runs the same loop with streamText', async () => {
    scriptLoop();
    const { openai, sent } = provider();
    const executed: string[] = [];
    const result = streamText({
      model: openai(CLAUDE),
      prompt: 'Weather in Paris, London and Rome?',
      maxRetries: 0,
      stopWhen: stepCountIs(5),
      providerOptions: { openai: { store: false } },
      tools: weatherTools(executed),
    });
    await expectStreamedLoop(result, executed);
    expectCleanLoop();
    expectFullItems(sent, true);
  });

  // Without store: false (the provider's default) it replays earlier assistant output as item_reference,
  // which the gateway resolves from its response store.
  it.each([false, true])('runs the same loop without store: false, resolving its item references (stream: %s)', async (stream) => {
    scriptLoop();
    const { openai, sent } = provider();
    const executed: string[] = [];
    const args = { model: openai(CLAUDE), prompt: 'Weather in Paris, London and Rome?', maxRetries: 0, stopWhen: stepCountIs(5), tools: weatherTools(executed) };
    const text = stream ? await streamText(args).text : (await generateText(args)).text;
    expect(text).toBe('Paris is sunny, London rainy, Rome hot.');
    expect(executed).toEqual(['Paris', 'London', 'Rome']);
    expectCleanLoop(stream ? undefined : 'converse');
    expect(sent[1].body.input).toContainEqual({ type: 'item_reference', id: expect.stringMatching(/^msg_/) });
  });

});
