/**
 * One reply policy: the same Converse answer, streamed or not, reads back the same on both chat-shaped
 * routes: same order of output, same reasoning blocks (signed and redacted), same tool calls. The stream
 * below and the unstreamed response are written by hand from Bedrock's shapes, independently of each other.
 */
import type { ConverseResponse, ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { createApp } from '../../lambda/src/app';
import { auth, fakeBedrock, fakeDeps } from '../support/fake-deps';

const MODEL = 'anthropic.claude-3-7-sonnet-20250219-v1:0';
const REDACTED = new Uint8Array([9, 8, 7]);
const USAGE = { inputTokens: 12, outputTokens: 34, totalTokens: 46 };

/** Interleaved thinking: reasoning, redacted reasoning, text, a call, more reasoning, a call without input, text. */
const UNSTREAMED: ConverseResponse = {
  output: {
    message: {
      role: 'assistant',
      content: [
        { reasoningContent: { reasoningText: { text: 'Let me check.', signature: 'SIG-1' } } },
        { reasoningContent: { redactedContent: REDACTED } },
        { text: "I'll look it up." },
        { toolUse: { toolUseId: 'tooluse_1', name: 'lookup', input: { q: 'rain' } } },
        { reasoningContent: { reasoningText: { text: 'Then the time.', signature: 'SIG-2' } } },
        { toolUse: { toolUseId: 'tooluse_2', name: 'clock', input: {} } },
        { text: 'Done.' },
      ],
    },
  },
  stopReason: 'tool_use',
  usage: USAGE,
  metrics: { latencyMs: 5 },
};

const STREAMED: ConverseStreamOutput[] = [
  { messageStart: { role: 'assistant' } },
  { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: 'Let me ' } } } },
  { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: 'check.' } } } },
  { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'SIG-1' } } } },
  { contentBlockStop: { contentBlockIndex: 0 } },
  { contentBlockDelta: { contentBlockIndex: 1, delta: { reasoningContent: { redactedContent: REDACTED } } } },
  { contentBlockStop: { contentBlockIndex: 1 } },
  { contentBlockDelta: { contentBlockIndex: 2, delta: { text: "I'll look" } } },
  { contentBlockDelta: { contentBlockIndex: 2, delta: { text: ' it up.' } } },
  { contentBlockStop: { contentBlockIndex: 2 } },
  { contentBlockStart: { contentBlockIndex: 3, start: { toolUse: { toolUseId: 'tooluse_1', name: 'lookup' } } } },
  { contentBlockDelta: { contentBlockIndex: 3, delta: { toolUse: { input: '{"q":' } } } },
  { contentBlockDelta: { contentBlockIndex: 3, delta: { toolUse: { input: '"rain"}' } } } },
  { contentBlockStop: { contentBlockIndex: 3 } },
  { contentBlockDelta: { contentBlockIndex: 4, delta: { reasoningContent: { text: 'Then the time.' } } } },
  { contentBlockDelta: { contentBlockIndex: 4, delta: { reasoningContent: { signature: 'SIG-2' } } } },
  { contentBlockStop: { contentBlockIndex: 4 } },
  { contentBlockStart: { contentBlockIndex: 5, start: { toolUse: { toolUseId: 'tooluse_2', name: 'clock' } } } },
  { contentBlockStop: { contentBlockIndex: 5 } },
  { contentBlockDelta: { contentBlockIndex: 6, delta: { text: 'Done.' } } },
  { contentBlockStop: { contentBlockIndex: 6 } },
  { messageStop: { stopReason: 'tool_use' } },
  { metadata: { usage: USAGE, metrics: { latencyMs: 5 } } },
];

const TOOLS_CHAT = [
  { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } },
  { type: 'function', function: { name: 'clock', parameters: { type: 'object', properties: {} } } },
];
const TOOLS_RESPONSES = TOOLS_CHAT.map((t) => ({ type: 'function', ...t.function }));

function app() {
  const bedrock = fakeBedrock({
    converse: async () => UNSTREAMED,
    converseStream: async () =>
      (async function* () {
        yield* STREAMED;
      })(),
  });
  return createApp(fakeDeps({}, bedrock));
}

/** `data:` payloads of an SSE body, [DONE] left out. */
async function ssePayloads(res: Response): Promise<Array<Record<string, any>>> {
  const text = await res.text();
  return text
    .split('\n\n')
    .flatMap((block) => block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()))
    .filter((d) => d !== '' && d !== '[DONE]')
    .map((d) => JSON.parse(d));
}

async function post(path: string, body: Record<string, unknown>): Promise<Response> {
  const res = await app().request(path, { method: 'POST', headers: auth, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return res;
}

describe('Chat Completions: the unstreamed answer is what the stream adds up to', () => {
  const request = { model: MODEL, messages: [{ role: 'user', content: 'Weather and time?' }], tools: TOOLS_CHAT };

  /** A streamed answer assembled the way OpenAI documents chunks: strings appended, tool calls by index. */
  function assemble(chunks: Array<Record<string, any>>) {
    const message: Record<string, any> = { content: '', reasoning_content: '', tool_calls: [] as any[] };
    let finish: string | null = null;
    for (const chunk of chunks) {
      const choice = chunk.choices[0];
      if (!choice) continue;
      const d = choice.delta;
      message.content += d.content ?? '';
      message.reasoning_content += d.reasoning_content ?? '';
      if (d.thinking_blocks) message.thinking_blocks = d.thinking_blocks;
      for (const call of d.tool_calls ?? []) {
        const slot = (message.tool_calls[call.index] ??= { id: undefined, name: '', arguments: '' });
        slot.id ??= call.id;
        slot.name += call.function.name ?? '';
        slot.arguments += call.function.arguments ?? '';
      }
      finish = choice.finish_reason ?? finish;
    }
    return { message, finish };
  }

  it('gives the same content, reasoning, reasoning blocks and tool calls, in the same order', async () => {
    const unstreamed = await (await post('/v1/chat/completions', request)).json();
    const streamed = assemble(await ssePayloads(await post('/v1/chat/completions', { ...request, stream: true })));
    const message = unstreamed.choices[0].message;

    expect(message.content).toBe("I'll look it up.Done.");
    expect(streamed.message.content).toBe(message.content);
    expect(streamed.message.reasoning_content).toBe('Let me check.Then the time.');
    expect(message.reasoning_content).toBe(streamed.message.reasoning_content);
    const blocks = [
      { type: 'thinking', thinking: 'Let me check.', signature: 'SIG-1' },
      { type: 'redacted_thinking', data: Buffer.from(REDACTED).toString('base64') },
      { type: 'thinking', thinking: 'Then the time.', signature: 'SIG-2' },
    ];
    expect(message.thinking_blocks).toEqual(blocks);
    expect(streamed.message.thinking_blocks).toEqual(blocks);
    const calls = [
      { id: 'tooluse_1', name: 'lookup', arguments: '{"q":"rain"}' },
      { id: 'tooluse_2', name: 'clock', arguments: '{}' },
    ];
    expect(message.tool_calls.map((c: any) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments }))).toEqual(calls);
    expect(streamed.message.tool_calls).toEqual(calls);
    expect(unstreamed.choices[0].finish_reason).toBe('tool_calls');
    expect(streamed.finish).toBe('tool_calls');
  });
});

describe('Responses: the unstreamed response is the streamed one', () => {
  const request = { model: MODEL, input: 'Weather and time?', tools: TOOLS_RESPONSES };
  /** Item ids are random per response; compare them by position. */
  const withoutIds = (output: Array<Record<string, unknown>>) => output.map(({ id: _id, ...item }) => item);

  it('holds the same output items in arrival order, redacted reasoning included', async () => {
    const unstreamed = await (await post('/v1/responses', request)).json();
    const events = await ssePayloads(await post('/v1/responses', { ...request, stream: true }));
    const completed = events[events.length - 1];
    expect(completed.type).toBe('response.completed');

    expect(unstreamed.output.map((o: any) => o.type)).toEqual(['reasoning', 'reasoning', 'message', 'function_call', 'reasoning', 'function_call', 'message']);
    expect(withoutIds(completed.response.output)).toEqual(withoutIds(unstreamed.output));
    expect(unstreamed.output[1].encrypted_content).toMatch(/AwgH|CQgH/);
    expect(unstreamed.output.filter((o: any) => o.type === 'reasoning').map((o: any) => o.encrypted_content)).toEqual([
      'SIG-1',
      expect.stringContaining(Buffer.from(REDACTED).toString('base64')),
      'SIG-2',
    ]);
    expect(completed.response.output_text).toBe(unstreamed.output_text);
    expect(completed.response.usage).toEqual(unstreamed.usage);
  });
});
