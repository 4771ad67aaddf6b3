/**
 * The OpenAI Agents SDK for JavaScript (`@openai/agents`), unchanged, against the gateway: a tool-calling
 * agent through the Responses model and through the Chat Completions model, streamed and not, configured
 * per model and globally.
 */
import OpenAI from 'openai';
import {
  Agent,
  OpenAIChatCompletionsModel,
  OpenAIResponsesModel,
  run,
  setDefaultOpenAIClient,
  setOpenAIAPI,
  setTracingDisabled,
  tool,
  type AgentInputItem,
  type Model,
} from '@openai/agents';
import { z } from 'zod';
import { TEST_KEY, useHarness } from './harness';

const CLAUDE = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const h = useHarness();

// Jest sets NODE_ENV=test, which turns the SDK's tracing off by default; say it anyway, as users must.
setTracingDisabled(true);

interface Sent {
  system?: Array<{ text?: string }>;
  messages: Array<{ role: string; content: Array<Record<string, any>> }>;
  toolConfig?: { tools: Array<{ toolSpec?: { name: string; description?: string; inputSchema?: { json?: any } } }>; toolChoice?: unknown };
  additionalModelRequestFields?: unknown;
}
const modelCalls = () => h.emulator.requests.filter((r) => r.operation === 'converse' || r.operation === 'converse-stream');

function weatherAgent(model: Model | string, executed: string[]) {
  const getWeather = tool({
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      executed.push(city);
      return `${city}: sunny, 24°C`;
    },
  });
  return new Agent({
    name: 'Weather assistant',
    instructions: 'Answer weather questions with the get_weather tool.',
    model,
    tools: [getWeather],
    modelSettings: { store: false },
  });
}

/** One tool round, then the answer. */
function scriptLoop(): void {
  h.emulator.enqueue({ content: [{ text: 'Checking Paris.' }, { toolUse: { toolUseId: 'tooluse_paris', name: 'get_weather', input: { city: 'Paris' } } }] });
  h.emulator.enqueue({ content: [{ text: 'It is sunny in Paris, 24°C.' }] });
}

/** What Bedrock must have received: the tool, then the call and its result fed back. */
function expectLoopSent(operation: 'converse' | 'converse-stream'): void {
  const calls = modelCalls();
  expect(calls.map((c) => c.operation)).toEqual([operation, operation]);
  for (const call of calls) {
    const body = call.body as Sent;
    expect(body.additionalModelRequestFields).toBeUndefined();
    expect(body.system).toEqual([{ text: 'Answer weather questions with the get_weather tool.' }]);
    expect(body.toolConfig?.tools).toHaveLength(1);
    expect(body.toolConfig?.tools[0].toolSpec).toMatchObject({
      name: 'get_weather',
      description: 'Current weather for a city',
      inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
    });
  }
  const last = calls[1].body as Sent;
  expect(last.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
  expect(last.messages[0].content).toEqual([{ text: 'What is the weather in Paris?' }]);
  expect(last.messages[1].content).toEqual([
    { text: 'Checking Paris.' },
    { toolUse: { toolUseId: 'tooluse_paris', name: 'get_weather', input: { city: 'Paris' } } },
  ]);
  expect(last.messages[2].content).toEqual([{ toolResult: { toolUseId: 'tooluse_paris', content: [{ text: 'Paris: sunny, 24°C' }] } }]);
}

/** An `openai` client on the gateway that also keeps the JSON bodies the SDK sent. */
function recordingClient(): { client: OpenAI; sent: Array<{ path: string; body: Record<string, any> }> } {
  const sent: Array<{ path: string; body: Record<string, any> }> = [];
  const client = new OpenAI({
    baseURL: h.baseURL,
    apiKey: TEST_KEY,
    maxRetries: 0,
    fetch: async (url, init) => {
      sent.push({ path: new URL(String(url)).pathname.replace('/api/v1', ''), body: JSON.parse(String(init?.body)) });
      return fetch(url, init);
    },
  });
  return { client, sent };
}

type Api = 'responses' | 'chat_completions';
const models: Array<[string, Api, (client: OpenAI) => Model]> = [
  ['Responses model (OpenAIResponsesModel)', 'responses', (client) => new OpenAIResponsesModel(client, CLAUDE)],
  ['Chat Completions model (OpenAIChatCompletionsModel)', 'chat_completions', (client) => new OpenAIChatCompletionsModel(client, CLAUDE)],
];

/** What the SDK sent the gateway on the second turn: the whole conversation, nothing stored. */
function expectStatelessReplay(api: Api, sent: Array<{ path: string; body: Record<string, any> }>): void {
  expect(sent.map((r) => r.path)).toEqual(api === 'responses' ? ['/responses', '/responses'] : ['/chat/completions', '/chat/completions']);
  const second = sent[1].body;
  expect(second.store).toBe(false);
  expect(second).not.toHaveProperty('previous_response_id');
  expect(second).not.toHaveProperty('conversation');
  if (api === 'responses') {
    expect(second.input.map((i: { type?: string; role?: string }) => i.type ?? i.role)).toEqual(['user', 'message', 'function_call', 'function_call_output']);
  } else {
    expect(second.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
  }
}

describe.each(models)('Agents SDK, %s', (_name, api, makeModel) => {
  it('runs a tool-calling agent: the tool is called, its result fed back, a final answer', async () => {
    scriptLoop();
    const { client, sent } = recordingClient();
    const executed: string[] = [];
    const result = await run(weatherAgent(makeModel(client), executed), 'What is the weather in Paris?');
    expect(result.finalOutput).toBe('It is sunny in Paris, 24°C.');
    expect(executed).toEqual(['Paris']);
    expectLoopSent('converse');
    expectStatelessReplay(api, sent);
    expect(sent.every((r) => r.body.stream !== true)).toBe(true);
  });

  it('runs the same agent streamed', async () => {
    scriptLoop();
    const { client, sent } = recordingClient();
    const executed: string[] = [];
    const result = await run(weatherAgent(makeModel(client), executed), 'What is the weather in Paris?', { stream: true });
    let text = '';
    for await (const delta of result.toTextStream()) text += delta;
    await result.completed;
    expect(result.error).toBeNull();
    expect(result.finalOutput).toBe('It is sunny in Paris, 24°C.');
    expect(text).toContain('It is sunny in Paris, 24°C.');
    expect(executed).toEqual(['Paris']);
    expectLoopSent('converse-stream');
    expectStatelessReplay(api, sent);
    expect(sent.every((r) => r.body.stream === true)).toBe(true);
  });

  it('continues a conversation from result.history (the whole history is sent again)', async () => {
    scriptLoop();
    const { client } = recordingClient();
    const agent = weatherAgent(makeModel(client), []);
    const first = await run(agent, 'What is the weather in Paris?');
    h.emulator.enqueue({ content: [{ text: 'Same as before: sunny.' }] });
    const input: AgentInputItem[] = [...first.history, { role: 'user', content: 'And now?' }];
    const second = await run(agent, input);
    expect(second.finalOutput).toBe('Same as before: sunny.');
    const body = h.emulator.lastRequest('converse')?.body as Sent;
    expect(body.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(body.messages[3].content).toEqual([{ text: 'It is sunny in Paris, 24°C.' }]);
    expect(body.messages[4].content).toEqual([{ text: 'And now?' }]);
  });
});

describe('Agents SDK configured globally (setDefaultOpenAIClient, setOpenAIAPI), model given by name', () => {
  // The default provider builds its client once, from the default client set before its first use.
  let recorder: ReturnType<typeof recordingClient>;
  beforeAll(() => {
    recorder = recordingClient();
    setDefaultOpenAIClient(recorder.client);
  });
  beforeEach(() => recorder.sent.splice(0));
  afterAll(() => setOpenAIAPI('responses'));

  it.each<Api>(['responses', 'chat_completions'])('runs the tool-calling agent over %s', async (api) => {
    scriptLoop();
    setOpenAIAPI(api);
    const executed: string[] = [];
    const result = await run(weatherAgent(CLAUDE, executed), 'What is the weather in Paris?', { stream: true });
    await result.completed;
    expect(result.finalOutput).toBe('It is sunny in Paris, 24°C.');
    expect(executed).toEqual(['Paris']);
    expectLoopSent('converse-stream');
    expectStatelessReplay(api, recorder.sent);
  });
});

