/**
 * The OpenAI Agents SDK for JavaScript (`@openai/agents`), unchanged, against the gateway: a tool-calling
 * agent through the Responses model and through the Chat Completions model, streamed and not, configured
 * per model and globally; and the README's configuration run as its own process, where tracing is on by
 * default, to show that no request leaves for any host but the gateway.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * The README's configuration as users run it: its own Node process, where the SDK traces by default (Jest's
 * NODE_ENV=test turns tracing off in this process, which would hide the problem), with OPENAI_BASE_URL and
 * OPENAI_API_KEY set as the README's deploy section sets them. A preloaded recorder
 * (clients/egress-recorder.cjs) sees every request and connection and answers anything not meant for the
 * gateway itself, so nothing leaves the machine.
 */
describe('Agents SDK egress: the README configuration talks to the gateway and to nothing else', () => {
  interface Egress {
    fetches: Array<{ method: string; url: string; authorization: string | null; blocked: boolean }>;
    connections: Array<{ via: string; host?: string; port?: string; path?: string }>;
  }
  const REPO = join(__dirname, '..', '..');

  async function runClient(script: string, extraEnv: Record<string, string> = {}): Promise<{ stdout: string; egress: Egress }> {
    const dir = await mkdtemp(join(tmpdir(), 'agents-egress-'));
    try {
      const gateway = new URL(h.baseURL);
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const key of Object.keys(env)) if (key === 'NODE_ENV' || key.startsWith('OPENAI_')) delete env[key];
      Object.assign(env, {
        OPENAI_BASE_URL: h.baseURL,
        OPENAI_API_KEY: TEST_KEY,
        EGRESS_ALLOWED_ORIGIN: gateway.origin,
        EGRESS_LOG: join(dir, 'egress.json'),
        ...extraEnv,
      });
      // Node 22 runs the .mts scripts as they are (type stripping); no loader, so no loader's own sockets.
      const args = ['--require', join(__dirname, 'clients', 'egress-recorder.cjs'), join(__dirname, 'clients', script)];
      const stdout = await new Promise<string>((resolve, reject) => {
        execFile(process.execPath, args, { cwd: REPO, env, timeout: 30_000 }, (error, out, err) =>
          error ? reject(new Error(`${script} failed: ${error.message}\n${err}`)) : resolve(out),
        );
      });
      return { stdout, egress: JSON.parse(await readFile(join(dir, 'egress.json'), 'utf8')) as Egress };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  function expectOnlyGateway(egress: Egress): void {
    const gateway = new URL(h.baseURL);
    expect(egress.fetches.length).toBeGreaterThanOrEqual(2);
    for (const f of egress.fetches) expect(new URL(f.url).origin).toBe(gateway.origin);
    expect(egress.connections.length).toBeGreaterThan(0);
    for (const c of egress.connections) {
      expect(c.host).toBe(gateway.hostname);
      if (c.port) expect(c.port).toBe(gateway.port);
    }
  }

  it('the script is the README snippet, word for word', async () => {
    const readme = await readFile(join(REPO, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('**OpenAI Agents SDK**'));
    const snippet = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    const script = await readFile(join(__dirname, 'clients', 'agents-sdk-readme.mts'), 'utf8');
    expect(script.replace(/^(\/\/.*\n)+/, '')).toBe(snippet);
  });

  it('the README snippet (setTracingDisabled(true)): the agent answers, every request and connection goes to the gateway', async () => {
    scriptLoop();
    const { stdout, egress } = await runClient('agents-sdk-readme.mts');
    expect(stdout.trim()).toBe('It is sunny in Paris, 24°C.');
    expectOnlyGateway(egress);
    expect(egress.fetches.map((f) => new URL(f.url).pathname)).toEqual(['/api/v1/responses', '/api/v1/responses']);
    expectLoopSent('converse');
  });

  it('environment variables only, with OPENAI_AGENTS_DISABLE_TRACING=1: the same', async () => {
    scriptLoop();
    const { stdout, egress } = await runClient('agents-sdk-env-only.mts', { OPENAI_AGENTS_DISABLE_TRACING: '1' });
    expect(stdout.trim()).toBe('It is sunny in Paris, 24°C.');
    expectOnlyGateway(egress);
  });

  it('environment variables only, tracing left on: the SDK posts traces to api.openai.com with the gateway key', async () => {
    scriptLoop();
    const { stdout, egress } = await runClient('agents-sdk-env-only.mts');
    expect(stdout.trim()).toBe('It is sunny in Paris, 24°C.');
    const leaked = egress.fetches.filter((f) => f.blocked);
    expect(leaked.length).toBeGreaterThan(0);
    expect(leaked[0]).toMatchObject({ method: 'POST', url: 'https://api.openai.com/v1/traces/ingest', authorization: `Bearer ${TEST_KEY}` });
  });
});
