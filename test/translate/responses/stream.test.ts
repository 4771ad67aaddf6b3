import type { ContentBlock, ConverseResponse, ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { ResponseStream } from 'openai/lib/responses/ResponseStream';
import { GatewayError } from '../../../lambda/src/http/errors';
import { responsesRequestSchema } from '../../../lambda/src/schema/responses';
import { ChatStreamTranslator, type ChatCompletionChunk } from '../../../lambda/src/translate/chat-stream';
import { REDACTED_PREFIX } from '../../../lambda/src/translate/responses/input';
import { echoOf } from '../../../lambda/src/translate/responses/response';
import { ResponsesStreamTranslator, toResponse } from '../../../lambda/src/translate/responses/stream';
import type { ToolNames } from '../../../lambda/src/translate/responses/tools';
import type { LifecycleEvent, ResponseIds, ResponseStreamEvent } from '../../../lambda/src/translate/responses/types';
import { responseAsEvents } from '../../../lambda/src/translate/unstreamed';
import { TEXT_MESSAGE_EVENTS } from '../../support/responses-events';

function ids(): ResponseIds {
  let n = 0;
  return { id: 'resp_1', createdAt: 1000, itemId: (prefix) => `${prefix}_${++n}` };
}

const echo = echoOf(responsesRequestSchema.parse({ model: 'claude', input: 'x' }));
const USAGE = { inputTokens: 10, outputTokens: 5, totalTokens: 15, cacheReadInputTokens: 2 };

const CONTEXT = { id: 'resp_1', created: 1000, model: 'claude', includeUsage: true, thinkTags: false };

/** Bedrock events → chat chunks → Responses events, as the pipeline wires the two translators. */
function translator(tools?: ToolNames) {
  const chat = new ChatStreamTranslator(CONTEXT);
  const responses = new ResponsesStreamTranslator(echo, ids(), tools);
  return {
    start: () => responses.start(),
    next: (event: ConverseStreamOutput) => chat.next(event).flatMap((chunk) => responses.onChunk(chunk)),
    end: (now: number) => responses.end(now),
    fail: (err: GatewayError) => responses.fail(err),
    onChunk: (chunk: ChatCompletionChunk) => responses.onChunk(chunk),
    get complete() {
      return chat.complete;
    },
  };
}

function converse(blocks: ContentBlock[], stopReason: ConverseResponse['stopReason'] = 'end_turn'): ConverseResponse {
  return { output: { message: { role: 'assistant', content: blocks } }, stopReason, usage: USAGE, metrics: { latencyMs: 1 } };
}

/** The stream the gateway would send for this Converse answer. */
function stream(events: Iterable<ConverseStreamOutput>, tools?: ToolNames): ResponseStreamEvent[] {
  const t = translator(tools);
  const out = t.start();
  for (const e of events) out.push(...t.next(e));
  expect(t.complete).toBe(true);
  return [...out, ...t.end(2000)];
}

const types = (events: ResponseStreamEvent[]) => events.map((e) => e.type);
const last = (events: ResponseStreamEvent[]) => events[events.length - 1] as LifecycleEvent;

/** Runs events through the openai SDK's own stream accumulator, which validates order, ids and indexes. */
async function throughSdk(events: ResponseStreamEvent[]) {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const e of events) controller.enqueue(new TextEncoder().encode(`${JSON.stringify(e)}\n`));
      controller.close();
    },
  });
  const seen: string[] = [];
  const sdk = ResponseStream.fromReadableStream(body);
  sdk.on('event', (e) => seen.push(e.type));
  const final = await sdk.finalResponse();
  return { final, seen };
}

describe('Responses stream state machine', () => {
  it('streams text as one message item, in OpenAI order, with dense sequence numbers', async () => {
    const events = stream(responseAsEvents(converse([{ text: 'Hello there' }])));
    expect(types(events)).toEqual([...TEXT_MESSAGE_EVENTS]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect((events[0] as LifecycleEvent).response).toMatchObject({ status: 'in_progress', output: [], usage: null });
    const done = last(events).response;
    expect(done).toMatchObject({ status: 'completed', output_text: 'Hello there', completed_at: 2000 });
    expect(done.usage).toEqual({ input_tokens: 12, input_tokens_details: { cached_tokens: 2 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 17 });
    const { final, seen } = await throughSdk(events);
    expect(seen).toEqual(types(events));
    expect(final.output_text).toBe('Hello there');
  });

  it('streams reasoning, text and function calls as items and ends where the unstreamed response does', async () => {
    const blocks: ContentBlock[] = [
      { reasoningContent: { reasoningText: { text: 'Need the weather.', signature: 'SIG-A' } } },
      { text: 'Checking.' },
      { toolUse: { toolUseId: 'tooluse_1', name: 'weather', input: { city: 'Paris' } } },
      { toolUse: { toolUseId: 'tooluse_2', name: 'clock', input: {} } },
    ];
    const events = stream(responseAsEvents(converse(blocks, 'tool_use')));
    expect(types(events)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const unstreamed = toResponse(converse(blocks, 'tool_use'), CONTEXT, echo, ids(), 2000);
    expect(last(events).response).toEqual(unstreamed);
    expect(last(events).response.output[0]).toEqual({ type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Need the weather.' }], encrypted_content: 'SIG-A' });
    const { final } = await throughSdk(events);
    expect(final.output).toMatchObject(unstreamed.output);
  });

  it('opens a new reasoning item for each signed block (interleaved thinking) and one for redacted reasoning', async () => {
    const events = stream([
      { messageStart: { role: 'assistant' } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: 'one' } } } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'S1' } } } },
      { contentBlockStop: { contentBlockIndex: 0 } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { reasoningContent: { redactedContent: new Uint8Array([9, 9]) } } } },
      { contentBlockStop: { contentBlockIndex: 1 } },
      { contentBlockDelta: { contentBlockIndex: 2, delta: { reasoningContent: { text: 'two' } } } },
      { contentBlockDelta: { contentBlockIndex: 2, delta: { reasoningContent: { signature: 'S2' } } } },
      { contentBlockStop: { contentBlockIndex: 2 } },
      { contentBlockDelta: { contentBlockIndex: 3, delta: { text: 'answer' } } },
      { messageStop: { stopReason: 'end_turn' } },
      { metadata: { usage: USAGE, metrics: { latencyMs: 1 } } },
    ]);
    const output = last(events).response.output;
    expect(output).toEqual([
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'one' }], encrypted_content: 'S1' },
      { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: `${REDACTED_PREFIX}CQk=` },
      { type: 'reasoning', id: 'rs_3', summary: [{ type: 'summary_text', text: 'two' }], encrypted_content: 'S2' },
      { type: 'message', id: 'msg_4', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'answer', annotations: [] }] },
    ]);
    expect((await throughSdk(events)).final.output).toMatchObject(output);
  });

  it('reports a cut-off answer as response.incomplete with an incomplete message', async () => {
    const events = stream(responseAsEvents(converse([{ text: 'partial answer' }], 'max_tokens')));
    expect(last(events).type).toBe('response.incomplete');
    expect(last(events).response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, completed_at: null });
    expect(last(events).response.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
    const { final } = await throughSdk(events);
    expect(final.status).toBe('incomplete');
  });

  it('gives a call streamed without arguments "{}" as its final arguments', () => {
    const events = stream([
      { messageStart: { role: 'assistant' } },
      { contentBlockStart: { contentBlockIndex: 0, start: { toolUse: { toolUseId: 't1', name: 'now' } } } },
      { contentBlockStop: { contentBlockIndex: 0 } },
      { messageStop: { stopReason: 'tool_use' } },
    ]);
    expect(events.find((e) => e.type === 'response.function_call_arguments.done')).toMatchObject({ arguments: '{}' });
    expect(last(events).response.output).toEqual([{ type: 'function_call', id: 'fc_1', call_id: 't1', name: 'now', arguments: '{}', status: 'completed' }]);
  });

  it('maps chat chunks directly: a signature without reasoning text still makes a reasoning item', () => {
    const t = translator();
    const chunk = (delta: ChatCompletionChunk['choices'][0]['delta'], finish: ChatCompletionChunk['choices'][0]['finish_reason'] = null): ChatCompletionChunk => ({
      id: 'x',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      system_fingerprint: null,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    });
    const events = [
      ...t.start(),
      ...t.onChunk(chunk({ role: 'assistant', content: '' })),
      ...t.onChunk(chunk({ reasoning_signature: 'ONLY-SIG' })),
      ...t.onChunk(chunk({ content: 'hi' })),
      ...t.onChunk(chunk({}, 'stop')),
    ];
    expect(types(events).slice(2)).toEqual([
      'response.output_item.added',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
    ]);
    expect(events[3]).toMatchObject({ type: 'response.output_item.done', item: { type: 'reasoning', summary: [], encrypted_content: 'ONLY-SIG' } });
  });

  it('ends a broken stream with response.failed carrying the error and the partial output', async () => {
    const t = translator();
    const events = [
      ...t.start(),
      ...t.next({ messageStart: { role: 'assistant' } }),
      ...t.next({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'half' } } }),
    ];
    expect(t.complete).toBe(false);
    const failed = t.fail(new GatewayError(429, 'Bedrock is throttling requests.', { code: 'rate_limit_exceeded' }));
    events.push(failed);
    expect(failed.sequence_number).toBe(events.length - 1);
    expect(failed.response).toMatchObject({
      status: 'failed',
      error: { code: 'rate_limit_exceeded', message: 'Bedrock is throttling requests.' },
      output: [{ type: 'message', status: 'incomplete', content: [{ type: 'output_text', text: 'half' }] }],
    });
    // The SDK hands a failed response to the caller rather than throwing: status and error tell.
    const { final, seen } = await throughSdk(events);
    expect(seen[seen.length - 1]).toBe('response.failed');
    expect(final.status).toBe('failed');
    expect(final.error?.code).toBe('rate_limit_exceeded');
  });
});

describe('custom and namespaced tool calls', () => {
  const TOOLS: ToolNames = new Map([
    ['apply_patch', { kind: 'custom', name: 'apply_patch' }],
    ['multi_agent_v1__wait', { kind: 'function', name: 'wait', namespace: 'multi_agent_v1' }],
  ]);
  const PATCH = '*** Begin Patch\n*** Add File: a.txt\n+say "hi" \\ ünïcode ✓\n*** End Patch';
  const argsJson = JSON.stringify({ input: PATCH });
  /** The call's JSON arguments cut into small fragments, escapes split across them as a model would. */
  const fragments = Array.from({ length: Math.ceil(argsJson.length / 5) }, (_, i) => argsJson.slice(i * 5, i * 5 + 5));

  const streamed: ConverseStreamOutput[] = [
    { messageStart: { role: 'assistant' } },
    { contentBlockStart: { contentBlockIndex: 0, start: { toolUse: { toolUseId: 'call_p', name: 'apply_patch' } } } },
    ...fragments.map((input): ConverseStreamOutput => ({ contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input } } } })),
    { contentBlockStop: { contentBlockIndex: 0 } },
    { contentBlockStart: { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'call_w', name: 'multi_agent_v1__wait' } } } },
    { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '{"ms":5}' } } } },
    { contentBlockStop: { contentBlockIndex: 1 } },
    { messageStop: { stopReason: 'tool_use' } },
    { metadata: { usage: USAGE, metrics: { latencyMs: 1 } } },
  ];

  it('streams a custom call as raw input deltas that add up to the input, and a namespaced call with its namespace', async () => {
    const events = stream(streamed, TOOLS);
    const deltas = events.filter((e) => e.type === 'response.custom_tool_call_input.delta') as Array<{ delta: string }>;
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.map((d) => d.delta).join('')).toBe(PATCH);
    expect(events.find((e) => e.type === 'response.custom_tool_call_input.done')).toMatchObject({ input: PATCH, output_index: 0 });
    const output = last(events).response.output;
    expect(output).toEqual([
      { type: 'custom_tool_call', id: 'ctc_1', call_id: 'call_p', name: 'apply_patch', input: PATCH, status: 'completed' },
      { type: 'function_call', id: 'fc_2', call_id: 'call_w', name: 'wait', namespace: 'multi_agent_v1', arguments: '{"ms":5}', status: 'completed' },
    ]);
    const { final, seen } = await throughSdk(events);
    expect(seen).toContain('response.custom_tool_call_input.delta');
    expect(final.output).toMatchObject(output);
  });

  it('gives the same output unstreamed', () => {
    const res = converse([
      { toolUse: { toolUseId: 'call_p', name: 'apply_patch', input: { input: PATCH } } },
      { toolUse: { toolUseId: 'call_w', name: 'multi_agent_v1__wait', input: { ms: 5 } } },
    ], 'tool_use');
    expect(toResponse(res, CONTEXT, echo, ids(), 2000, TOOLS).output).toEqual(last(stream(streamed, TOOLS)).response.output);
  });
});

describe('client-run tool search', () => {
  it('comes back as a tool_search_call item with parsed arguments, streamed and not', async () => {
    const tools: ToolNames = new Map([['tool_search', { kind: 'tool_search', name: 'tool_search' }]]);
    const blocks: ContentBlock[] = [{ toolUse: { toolUseId: 'call_s', name: 'tool_search', input: { query: 'agents', limit: 3 } } }];
    const events = stream(responseAsEvents(converse(blocks, 'tool_use')), tools);
    const item = { type: 'tool_search_call', id: 'tsc_1', call_id: 'call_s', arguments: { query: 'agents', limit: 3 }, execution: 'client', status: 'completed' };
    expect(last(events).response.output).toEqual([item]);
    expect(types(events).filter((t) => t.startsWith('response.function_call'))).toEqual([]);
    expect(toResponse(converse(blocks, 'tool_use'), CONTEXT, echo, ids(), 2000, tools).output).toEqual([item]);
  });
});
