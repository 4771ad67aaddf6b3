/**
 * The real Codex CLI (`codex exec`, @openai/codex 0.171.0, native binary) with its default configuration
 * and a custom `wire_api = "responses"` provider → the gateway's Node server → the AWS SDK → the emulator.
 * Codex runs its tools for real in a temp directory: the shell (exec_command), apply_patch (a freeform
 * custom tool), and replays its history, reasoning included, on every request.
 *
 * Every Codex process is bounded (see ./codex.ts); a run takes well under a second.
 */
import { MODEL_FAMILIES } from '../../emulator/families';
import type { RecordedRequest } from '../../emulator/types';
import { CODEX_KNOWN_MODEL, CODEX_VERSION, CodexWorkspace, startRecordingProxy, type CodexResult, type RecordingProxy } from './codex';
import { TEST_KEY, useHarness } from './harness';

/** What `gpt-5.5` (a model Codex knows) is mapped to: Claude with budget thinking. */
const SONNET = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

const h = useHarness({ MODEL_ALIASES: JSON.stringify({ [CODEX_KNOWN_MODEL]: SONNET }) });
let proxy: RecordingProxy;
let ws: CodexWorkspace;

beforeAll(async () => {
  proxy = await startRecordingProxy(h.gateway.url);
  ws = await CodexWorkspace.create();
});
afterAll(async () => {
  await proxy?.close();
  await ws?.dispose();
});
beforeEach(() => proxy.calls.splice(0));

type Block = Record<string, any>;
type ConverseBody = {
  system?: Array<{ text?: string }>;
  messages: Array<{ role: string; content: Block[] }>;
  toolConfig?: { tools: Array<{ toolSpec: { name: string; inputSchema: { json: Record<string, any> } } }> };
  additionalModelRequestFields?: Record<string, unknown>;
  inferenceConfig?: Record<string, unknown>;
};
type ResponsesItem = Record<string, any>;

const modelCalls = (): RecordedRequest[] => h.emulator.requests.filter((r) => r.operation === 'converse' || r.operation === 'converse-stream');
const bodyOf = (r: RecordedRequest | undefined): ConverseBody => r?.body as ConverseBody;
const toolNames = (r: RecordedRequest): string[] => bodyOf(r).toolConfig?.tools.map((t) => t.toolSpec.name) ?? [];
/** The Responses bodies Codex sent, in order. */
const codexRequests = (): Array<{ input: ResponsesItem[]; tools: ResponsesItem[]; [k: string]: any }> =>
  proxy.calls.filter((c) => c.method === 'POST' && c.path === '/v1/responses').map((c) => c.body as never);

/** Claude's native request takes only these extra keys; anything else is Bedrock's 400 (the emulator's too). */
const CLAUDE_NATIVE_KEYS = MODEL_FAMILIES.find((f) => f.family === 'anthropic-claude')!.accepts;

/** Codex succeeded, and every model call it caused was one Bedrock takes (strict extras check included). */
function expectCleanRun(run: CodexResult, calls: number): void {
  if (run.code !== 0) throw new Error(`codex exec failed (code ${run.code}, signal ${run.signal}, timed out: ${run.timedOut}):\n${run.stderr}`);
  expect(proxy.calls.map((c) => c.status)).toEqual(Array(calls).fill(200));
  const bedrock = modelCalls();
  expect(bedrock).toHaveLength(calls);
  for (const r of bedrock) {
    expect(r.operation).toBe('converse-stream');
    for (const key of Object.keys(bodyOf(r).additionalModelRequestFields ?? {})) expect(CLAUDE_NATIVE_KEYS).toContain(key);
  }
  // Client telemetry stays at the gateway.
  expect(JSON.stringify(bedrock.map((r) => r.body))).not.toMatch(/client_metadata|prompt_cache_key|x-codex-/);
}

const thinking = (text: string, signature: string) => ({ reasoningContent: { reasoningText: { text, signature } } });
const toolUse = (toolUseId: string, name: string, input: unknown) => ({ toolUse: { toolUseId, name, input } });
const toolResultOf = (body: ConverseBody, id: string): Block | undefined =>
  body.messages.flatMap((m) => m.content).find((b) => b.toolResult?.toolUseId === id)?.toolResult;
const textOf = (result: Block | undefined): string => (result?.content ?? []).map((c: Block) => c.text ?? '').join('');

it(`runs the pinned Codex CLI ${CODEX_VERSION}`, () => {
  // The fixture and the tool shapes below are this version's; a bump should re-check them.
  expect(require('@openai/codex/package.json').version).toBe(CODEX_VERSION);
});

describe('a plain answer', () => {
  it(`prints the model's answer (${CODEX_KNOWN_MODEL}: Codex's full tool list, hosted tools left out)`, async () => {
    h.emulator.enqueue({ content: [thinking('A greeting in French.', 'sig-plain'), { text: 'Bonjour !' }] });
    const run = await ws.run({ gatewayUrl: proxy.url, apiKey: TEST_KEY, model: CODEX_KNOWN_MODEL, prompt: 'Say hello in French.' });
    expectCleanRun(run, 1);
    expect(run.stdout.trim()).toBe('Bonjour !');

    // What Codex sent: its default tools, among them a freeform tool and hosted tools.
    const [sent] = codexRequests();
    expect(sent).toMatchObject({ model: CODEX_KNOWN_MODEL, stream: true, store: false, include: ['reasoning.encrypted_content'] });
    const types = sent.tools.map((t) => t.type);
    expect(types).toEqual(expect.arrayContaining(['function', 'custom', 'web_search', 'tool_search']));
    expect(sent.tools.find((t) => t.name === 'apply_patch')).toMatchObject({ type: 'custom', format: { type: 'grammar', syntax: 'lark' } });
    expect(proxy.calls[0].responseHeaders['x-gateway-ignored-tools']).toEqual(expect.stringContaining('web_search'));

    // What Bedrock got: Codex's function tools and apply_patch as a one-string function; no hosted tool.
    const [call] = modelCalls();
    expect(call.modelId).toBe(SONNET);
    const offered = toolNames(call);
    expect(offered).toEqual(expect.arrayContaining(['exec_command', 'apply_patch']));
    expect(offered).not.toEqual(expect.arrayContaining(['web_search']));
    // Codex runs its tool search itself (execution: client): the model gets it as a function.
    expect(offered).toContain('tool_search');
    const applyPatch = bodyOf(call).toolConfig!.tools.find((t) => t.toolSpec.name === 'apply_patch')!;
    expect(applyPatch.toolSpec.inputSchema.json).toMatchObject({ properties: { input: { type: 'string' } }, required: ['input'] });
    // Codex's instructions become the system prompt; its reasoning effort turns Claude's thinking on.
    expect(bodyOf(call).system?.[0].text).toMatch(/^You are Codex/);
    expect(bodyOf(call).additionalModelRequestFields).toMatchObject({ thinking: { type: 'enabled' } });
    expect(bodyOf(call).messages.at(-1)?.content.at(-1)).toEqual({ text: 'Say hello in French.' });
  });

  it('prints the answer when the model is a Bedrock id Codex does not know (a namespace tool, flattened)', async () => {
    h.emulator.enqueue({ content: [{ text: 'Hallo!' }] });
    const run = await ws.run({ gatewayUrl: proxy.url, apiKey: TEST_KEY, model: SONNET, prompt: 'Say hello in German.' });
    expectCleanRun(run, 1);
    expect(run.stdout.trim()).toBe('Hallo!');
    const [sent] = codexRequests();
    expect(sent.tools.find((t) => t.type === 'namespace')).toMatchObject({ name: 'multi_agent_v1' });
    expect(toolNames(modelCalls()[0])).toEqual(expect.arrayContaining(['exec_command', 'multi_agent_v1__spawn_agent']));
  });
});

describe('tool loops: Codex runs the tools the model calls and sends the results back', () => {
  it('writes a file through the shell tool (exec_command), then answers', async () => {
    const cmd = "printf 'written by codex\\n' > notes.txt && cat notes.txt";
    h.emulator.enqueue({ content: [thinking('Write the file with the shell.', 'sig-shell'), toolUse('tooluse_sh1', 'exec_command', { cmd })] });
    h.emulator.enqueue({ content: [{ text: 'Wrote notes.txt.' }] });
    const run = await ws.run({ gatewayUrl: proxy.url, apiKey: TEST_KEY, model: CODEX_KNOWN_MODEL, prompt: 'Create notes.txt saying "written by codex".' });
    expectCleanRun(run, 2);
    expect(run.stdout.trim()).toBe('Wrote notes.txt.');
    expect(await ws.read(run.cwd, 'notes.txt')).toBe('written by codex\n');

    const last = bodyOf(modelCalls()[1]);
    expect(last.messages.flatMap((m) => m.content)).toContainEqual(toolUse('tooluse_sh1', 'exec_command', { cmd }));
    expect(textOf(toolResultOf(last, 'tooluse_sh1'))).toContain('written by codex');
    const history = codexRequests()[1].input;
    expect(history).toContainEqual(expect.objectContaining({ type: 'function_call', call_id: 'tooluse_sh1', name: 'exec_command' }));
    expect(history).toContainEqual(expect.objectContaining({ type: 'function_call_output', call_id: 'tooluse_sh1' }));
  });

  it('runs two shell calls from one reply and answers both in one Bedrock tool-result turn', async () => {
    const one = toolUse('tooluse_a', 'exec_command', { cmd: "printf 'A' > a.txt" });
    const two = toolUse('tooluse_b', 'exec_command', { cmd: "printf 'B' > b.txt" });
    h.emulator.enqueue({ content: [thinking('Two files, two commands.', 'sig-two'), one, two] });
    h.emulator.enqueue({ content: [{ text: 'Both written.' }] });
    const run = await ws.run({ gatewayUrl: proxy.url, apiKey: TEST_KEY, model: CODEX_KNOWN_MODEL, prompt: 'Write a.txt and b.txt.' });
    expectCleanRun(run, 2);
    expect(run.stdout.trim()).toBe('Both written.');
    expect([await ws.read(run.cwd, 'a.txt'), await ws.read(run.cwd, 'b.txt')]).toEqual(['A', 'B']);
    // Bedrock needs every toolUse answered in the very next user turn.
    const messages = bodyOf(modelCalls()[1]).messages;
    const at = messages.findIndex((m) => m.role === 'assistant');
    expect(messages[at].content).toEqual([thinking('Two files, two commands.', 'sig-two'), one, two]);
    expect(messages[at + 1].content.map((b) => b.toolResult?.toolUseId).sort()).toEqual(['tooluse_a', 'tooluse_b']);
    expect(messages).toHaveLength(at + 2);
  });

  it('routes a call of a namespaced tool to Codex, which answers it, and sends it back under its Bedrock name', async () => {
    const close = toolUse('tooluse_ns', 'multi_agent_v1__close_agent', { target: 'no-such-agent' });
    h.emulator.enqueue({ content: [close] });
    h.emulator.enqueue({ content: [{ text: 'No such agent.' }] });
    const run = await ws.run({ gatewayUrl: proxy.url, apiKey: TEST_KEY, model: SONNET, prompt: 'Close agent no-such-agent.' });
    expectCleanRun(run, 2);
    expect(run.stdout.trim()).toBe('No such agent.');
    const history = codexRequests()[1].input;
    expect(history).toContainEqual(expect.objectContaining({ type: 'function_call', call_id: 'tooluse_ns', name: 'close_agent', namespace: 'multi_agent_v1' }));
    expect(history).toContainEqual(expect.objectContaining({ type: 'function_call_output', call_id: 'tooluse_ns' }));
    const last = bodyOf(modelCalls()[1]);
    expect(last.messages.flatMap((m) => m.content)).toContainEqual(close);
    expect(toolResultOf(last, 'tooluse_ns')).toBeDefined();
  });

  it('runs a tool search (Codex\'s deferred tools) and offers the tools it loaded on the next call', async () => {
    h.emulator.enqueue({ content: [toolUse('tooluse_ts', 'tool_search', { query: 'spawn a sub-agent', limit: 3 })] });
    h.emulator.enqueue({ content: [{ text: 'Found them.' }] });
    const run = await ws.run({ gatewayUrl: proxy.url, apiKey: TEST_KEY, model: CODEX_KNOWN_MODEL, prompt: 'Which agent tools are there?' });
    expectCleanRun(run, 2);
    expect(run.stdout.trim()).toBe('Found them.');
    const history = codexRequests()[1].input;
    expect(history).toContainEqual(expect.objectContaining({ type: 'tool_search_call', call_id: 'tooluse_ts', arguments: { query: 'spawn a sub-agent', limit: 3 } }));
    const output = history.find((i) => i.type === 'tool_search_output');
    expect(output?.tools.length).toBeGreaterThan(0);
    // The loaded tools are on offer to the model now, flattened like any namespace's.
    const next = modelCalls()[1];
    expect(toolNames(next).filter((n) => !toolNames(modelCalls()[0]).includes(n)).length).toBeGreaterThan(0);
    expect(textOf(toolResultOf(bodyOf(next), 'tooluse_ts'))).toMatch(/^Loaded tools/);
  });

  it('edits a file with apply_patch, the freeform custom tool, and sends the custom call and its output back', async () => {
    const patch = '*** Begin Patch\n*** Update File: greeting.txt\n@@\n-hello\n+hello, patched\n*** End Patch\n';
    h.emulator.enqueue({ content: [thinking('Patch the greeting.', 'sig-patch'), toolUse('tooluse_ap1', 'apply_patch', { input: patch })] });
    h.emulator.enqueue({ content: [{ text: 'Patched greeting.txt.' }] });
    const run = await ws.run({
      gatewayUrl: proxy.url,
      apiKey: TEST_KEY,
      model: CODEX_KNOWN_MODEL,
      prompt: 'Change "hello" to "hello, patched" in greeting.txt.',
      files: { 'greeting.txt': 'hello\nworld\n' },
    });
    expectCleanRun(run, 2);
    expect(run.stdout.trim()).toBe('Patched greeting.txt.');
    expect(await ws.read(run.cwd, 'greeting.txt')).toBe('hello, patched\nworld\n');

    // Codex got a custom_tool_call with the raw patch, ran it, and sent both items back.
    const history = codexRequests()[1].input;
    expect(history).toContainEqual(expect.objectContaining({ type: 'custom_tool_call', call_id: 'tooluse_ap1', name: 'apply_patch', input: patch }));
    const output = history.find((i) => i.type === 'custom_tool_call_output' && i.call_id === 'tooluse_ap1');
    expect(output?.output).toEqual(expect.stringContaining('Success'));
    // Bedrock sees the same call (the patch in the one string parameter) and its result.
    const last = bodyOf(modelCalls()[1]);
    expect(last.messages.flatMap((m) => m.content)).toContainEqual(toolUse('tooluse_ap1', 'apply_patch', { input: patch }));
    expect(textOf(toolResultOf(last, 'tooluse_ap1'))).toContain('Success');
  });
});

describe('reasoning round trip', () => {
  it('sends Claude\'s signed reasoning back before its tool call (model_reasoning_effort = "high")', async () => {
    const reasoning = thinking('The user wants the weekday; ask the shell.', 'sig-claude-42');
    const call = toolUse('tooluse_day', 'exec_command', { cmd: 'echo Tuesday' });
    h.emulator.enqueue({ content: [reasoning, call] });
    h.emulator.enqueue({ content: [{ text: 'It is Tuesday.' }] });
    const run = await ws.run({
      gatewayUrl: proxy.url,
      apiKey: TEST_KEY,
      model: SONNET,
      extraConfig: ['model_reasoning_effort = "high"'],
      prompt: 'What weekday is it?',
    });
    expectCleanRun(run, 2);
    expect(run.stdout.trim()).toBe('It is Tuesday.');

    // Codex asked for high effort and kept the reasoning item (signature as encrypted_content) in its history.
    const [first, second] = codexRequests();
    expect(first.reasoning).toMatchObject({ effort: 'high' });
    expect(second.input).toContainEqual(expect.objectContaining({ type: 'reasoning', encrypted_content: 'sig-claude-42' }));

    const [one, two] = modelCalls().map(bodyOf);
    expect(one.additionalModelRequestFields).toMatchObject({ thinking: { type: 'enabled' } });
    const assistant = two.messages.filter((m) => m.role === 'assistant');
    expect(assistant).toHaveLength(1);
    expect(assistant[0].content).toEqual([reasoning, call]);
    expect(textOf(toolResultOf(two, 'tooluse_day'))).toContain('Tuesday');
  });
});

describe('failures are visible', () => {
  it('a call Bedrock refuses fails the Codex run with the message (so the scenarios above would notice one)', async () => {
    h.emulator.enqueue({ error: { type: 'ValidationException', message: 'Malformed input request: #: extraneous key [bogus] is not permitted' } });
    const run = await ws.run({ gatewayUrl: proxy.url, apiKey: TEST_KEY, model: CODEX_KNOWN_MODEL, prompt: 'Say hi.' });
    expect(run.timedOut).toBe(false);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('extraneous key [bogus]');
  });
});
