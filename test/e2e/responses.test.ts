/**
 * Responses API end to end: openai SDK (responses.create / responses.stream) → gateway (real Node server)
 * → real AWS SDK client → emulator.
 */
import OpenAI from 'openai';
import type { ResponseInputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { useHarness } from './harness';

const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
/** Thinks (budget style) and has native structured output. */
const SONNET = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const SHELL_TOOL = {
  type: 'function' as const,
  name: 'shell',
  description: 'Runs a shell command.',
  parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } }, required: ['command'] },
  strict: false,
};

const h = useHarness();

type Body = { system?: unknown; messages: Array<{ role: string; content: Array<Record<string, unknown>> }>; toolConfig?: unknown; additionalModelRequestFields?: Record<string, unknown> };
const sent = (op: 'converse' | 'converse-stream') => h.emulator.lastRequest(op)?.body as Body;

describe('text', () => {
  it('answers responses.create with a response object and sends instructions as the system prompt', async () => {
    h.emulator.enqueue({ content: [{ text: 'Hi!' }], usage: { inputTokens: 7, outputTokens: 2, cacheReadInputTokens: 3 } });
    const res = await h.openai.responses.create({ model: HAIKU, instructions: 'Be brief.', input: 'Hello', max_output_tokens: 50, store: false });
    expect(res).toMatchObject({ object: 'response', status: 'completed', model: HAIKU, output_text: 'Hi!', error: null, incomplete_details: null });
    expect(res.id).toMatch(/^resp_/);
    expect(res.usage).toEqual({ input_tokens: 10, input_tokens_details: { cached_tokens: 3 }, output_tokens: 2, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 12 });
    expect(sent('converse')).toMatchObject({ system: [{ text: 'Be brief.' }], messages: [{ role: 'user', content: [{ text: 'Hello' }] }], inferenceConfig: { maxTokens: 50 } });
  });

  it('streams with responses.stream: typed events in order, increasing sequence numbers, a final response', async () => {
    h.emulator.enqueue({ content: [{ text: 'one two three' }] });
    const stream = h.openai.responses.stream({ model: HAIKU, input: 'count' });
    const events: ResponseStreamEvent[] = [];
    for await (const e of stream) events.push(e);
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('one two three');
    expect(final.status).toBe('completed');
    const deltas = events.filter((e) => e.type === 'response.output_text.delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events[0].type).toBe('response.created');
    expect(events[events.length - 1].type).toBe('response.completed');
  });

  it('reports a max-token stop as incomplete', async () => {
    h.emulator.enqueue({ content: [{ text: 'cut' }], stopReason: 'max_tokens' });
    const res = await h.openai.responses.create({ model: HAIKU, input: 'long story', max_output_tokens: 16 });
    expect(res.status).toBe('incomplete');
    expect(res.incomplete_details).toEqual({ reason: 'max_output_tokens' });
  });
});

describe('function calling, Codex style (full history each turn, store: false, streamed)', () => {
  it('runs a two-turn tool loop and sends Bedrock the tool use and its result', async () => {
    const input: ResponseInputItem[] = [
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'You are a coding agent.' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'List the files.' }] },
    ];
    const request = { model: HAIKU, tools: [SHELL_TOOL], tool_choice: 'auto' as const, parallel_tool_calls: false, store: false, include: ['reasoning.encrypted_content' as const] };

    h.emulator.enqueue({ content: [{ text: 'Listing.' }, { toolUse: { toolUseId: 'tooluse_ls', name: 'shell', input: { command: ['ls'] } } }] });
    const first = await h.openai.responses.stream({ ...request, input }).finalResponse();
    const call = first.output.find((o) => o.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', call_id: 'tooluse_ls', name: 'shell', arguments: '{"command":["ls"]}', status: 'completed' });
    expect(first.output_text).toBe('Listing.');

    // The client replays everything the model produced, then the tool's output.
    input.push(...(first.output as ResponseInputItem[]), { type: 'function_call_output', call_id: 'tooluse_ls', output: 'README.md\nsrc' });
    h.emulator.enqueue({ content: [{ text: 'Two entries.' }] });
    const second = await h.openai.responses.stream({ ...request, input }).finalResponse();
    expect(second.output_text).toBe('Two entries.');

    const body = sent('converse-stream');
    expect(body.system).toEqual([{ text: 'You are a coding agent.' }]);
    expect(body.messages).toEqual([
      { role: 'user', content: [{ text: 'List the files.' }] },
      { role: 'assistant', content: [{ text: 'Listing.' }, { toolUse: { toolUseId: 'tooluse_ls', name: 'shell', input: { command: ['ls'] } } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_ls', content: [{ text: 'README.md\nsrc' }] } }] },
    ]);
    expect(body.toolConfig).toMatchObject({ tools: [{ toolSpec: { name: 'shell', inputSchema: { json: SHELL_TOOL.parameters } } }] });
  });
});

describe('reasoning round trip', () => {
  it('returns Bedrock reasoning as a reasoning item and replays its signature next turn', async () => {
    h.emulator.enqueue({
      content: [
        { reasoningContent: { reasoningText: { text: 'The user wants the date; call the tool.', signature: 'sig-bedrock-123' } } },
        { toolUse: { toolUseId: 'tooluse_date', name: 'shell', input: { command: ['date'] } } },
      ],
    });
    const input: ResponseInputItem[] = [{ role: 'user', content: 'What day is it?' }];
    const request = { model: SONNET, tools: [SHELL_TOOL], reasoning: { effort: 'low' as const, summary: 'auto' as const }, store: false };

    const stream = h.openai.responses.stream({ ...request, input });
    const seen: string[] = [];
    for await (const e of stream) seen.push(e.type);
    const first = await stream.finalResponse();
    expect(seen).toEqual(expect.arrayContaining(['response.reasoning_summary_part.added', 'response.reasoning_summary_text.delta', 'response.reasoning_summary_text.done', 'response.function_call_arguments.done']));
    expect(first.output[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: 'The user wants the date; call the tool.' }], encrypted_content: 'sig-bedrock-123' });
    expect(sent('converse-stream').additionalModelRequestFields).toMatchObject({ thinking: { type: 'enabled' } });

    input.push(...(first.output as ResponseInputItem[]), { type: 'function_call_output', call_id: 'tooluse_date', output: 'Tuesday' });
    h.emulator.enqueue({ content: [{ text: 'It is Tuesday.' }] });
    const second = await h.openai.responses.create({ ...request, input });
    expect(second.output_text).toBe('It is Tuesday.');
    expect(sent('converse').messages[1]).toEqual({
      role: 'assistant',
      content: [
        { reasoningContent: { reasoningText: { text: 'The user wants the date; call the tool.', signature: 'sig-bedrock-123' } } },
        { toolUse: { toolUseId: 'tooluse_date', name: 'shell', input: { command: ['date'] } } },
      ],
    });
  });
});

describe('structured output', () => {
  it('sends the text.format JSON schema to Bedrock and returns the JSON as output_text', async () => {
    const schema = { type: 'object', properties: { postal_code_field: { type: 'string' } }, required: ['postal_code_field'], additionalProperties: false };
    h.emulator.enqueue({ content: [{ text: '{"postal_code_field":"75001"}' }] });
    const res = await h.openai.responses.create({ model: SONNET, input: 'Paris postal code?', text: { format: { type: 'json_schema', name: 'postal', schema, strict: true } } });
    expect(JSON.parse(res.output_text)).toEqual({ postal_code_field: '75001' });
    expect(res.text?.format).toMatchObject({ type: 'json_schema', name: 'postal' });
    // Claude 4.5 has native structured output: the chat path sends the schema as Converse outputConfig.textFormat.
    const format = (sent('converse') as Body & { outputConfig?: { textFormat?: { type: string; structure: { jsonSchema: { name: string; schema: string } } } } }).outputConfig?.textFormat;
    expect(format).toMatchObject({ type: 'json_schema', structure: { jsonSchema: { name: 'postal' } } });
    expect(JSON.parse(format?.structure.jsonSchema.schema ?? '{}')).toEqual(schema);
  });
});

describe('json_object through the chat path (prefill re-added to the answer)', () => {
  it.each([false, true])('returns the whole JSON object (stream: %s)', async (stream) => {
    h.emulator.enqueue({ content: [{ text: '"ok": true}' }] });
    const request = { model: HAIKU, input: 'Answer in JSON.', text: { format: { type: 'json_object' as const } } };
    const res = stream ? await h.openai.responses.stream(request).finalResponse() : await h.openai.responses.create(request);
    expect(JSON.parse(res.output_text)).toEqual({ ok: true });
    const body = sent(stream ? 'converse-stream' : 'converse');
    expect(body.messages[body.messages.length - 1]).toEqual({ role: 'assistant', content: [{ text: '{' }] });
  });
});

describe('images', () => {
  it('sends an input_image data URL to Bedrock as an image block', async () => {
    const res = await h.openai.responses.create({
      model: SONNET,
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'What is this?' }, { type: 'input_image', image_url: `data:image/png;base64,${PNG}`, detail: 'high' }] }],
    });
    expect(res.status).toBe('completed');
    expect(sent('converse').messages[0].content).toEqual([{ text: 'What is this?' }, { image: { format: 'png', source: { bytes: PNG } } }]);
  });
});

describe('errors', () => {
  it('surfaces Bedrock throttling as the SDK RateLimitError (create and stream)', async () => {
    h.emulator.enqueue({ error: { type: 'ThrottlingException' } });
    await expect(h.openai.responses.create({ model: HAIKU, input: 'x' })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    h.emulator.enqueue({ error: { type: 'ThrottlingException' } });
    await expect(h.openai.responses.stream({ model: HAIKU, input: 'x' }).finalResponse()).rejects.toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('ends a stream that fails midway with response.failed, which the SDK hands back as a failed response', async () => {
    h.emulator.enqueue({ content: [{ text: 'partial answer here' }], midStreamException: { type: 'modelStreamErrorException', message: 'model fell over', afterDeltas: 1 } });
    const stream = h.openai.responses.stream({ model: HAIKU, input: 'x' });
    const seen: string[] = [];
    for await (const e of stream) seen.push(e.type);
    const final = await stream.finalResponse();
    expect(seen[seen.length - 1]).toBe('response.failed');
    expect(final.status).toBe('failed');
    expect(final.error).toMatchObject({ code: 'server_error', message: expect.stringContaining('model fell over') });
  });

  it('answers an unknown previous_response_id with a 404 naming it, before any upstream call', async () => {
    const err = await h.openai.responses.create({ model: HAIKU, input: 'x', previous_response_id: 'resp_earlier' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).param).toBe('previous_response_id');
    expect(h.emulator.requests).toHaveLength(0);
  });


  it('leaves hosted tools out of the model\'s tools and names them in x-gateway-ignored-tools', async () => {
    const { data, response } = await h.openai.responses.create({ model: HAIKU, input: 'x', store: false, tools: [SHELL_TOOL, { type: 'web_search' }] }).withResponse();
    expect(data.status).toBe('completed');
    expect(response.headers.get('x-gateway-ignored-tools')).toBe('web_search');
    expect((sent('converse').toolConfig as { tools: Array<{ toolSpec: { name: string } }> }).tools.map((t) => t.toolSpec.name)).toEqual(['shell']);
  });
});

describe('client telemetry never reaches the model', () => {
  // Codex CLI sends these on every request; the strict emulator refuses any of them in Claude's native body.
  const telemetry = { client_metadata: { session_id: 's-1', turn_id: 't-1' }, prompt_cache_key: 'pck-1', safety_identifier: 'u-1' };

  it.each([false, true])('a Codex-style request to Claude succeeds (stream: %s) and sends none of it to Bedrock', async (stream) => {
    const res = await h.fetch('/v1/responses', { method: 'POST', json: { model: HAIKU, input: 'hi', store: false, stream, ...telemetry } });
    expect(res.status).toBe(200);
    await res.text();
    expect(res.headers.get('x-gateway-ignored-fields')).toBe('client_metadata');
    const body = sent(stream ? 'converse-stream' : 'converse');
    expect(JSON.stringify(body)).not.toMatch(/client_metadata|pck-1|safety_identifier/);
  });
});

describe('Codex-style tools: namespace, custom (freeform) and hosted', () => {
  const tools = [
    SHELL_TOOL,
    { type: 'namespace', name: 'multi_agent_v1', description: 'Sub-agents.', tools: [{ type: 'function', name: 'spawn_agent', parameters: { type: 'object', properties: { task: { type: 'string' } }, required: ['task'] } }] },
    { type: 'custom', name: 'apply_patch', description: 'Edit files with a patch.', format: { type: 'grammar', syntax: 'lark', definition: 'start: begin_patch hunk+ end_patch' } },
    { type: 'web_search', external_web_access: true },
  ];
  const PATCH = '*** Begin Patch\n*** Add File: hello.txt\n+hi "there"\n*** End Patch';

  it.each([false, true])('a custom tool call comes back as custom_tool_call with the raw input (stream: %s), and round-trips', async (stream) => {
    h.emulator.enqueue({ content: [{ toolUse: { toolUseId: 'tooluse_p', name: 'apply_patch', input: { input: PATCH } } }], stopReason: 'tool_use' });
    const body = { model: HAIKU, input: 'add hello.txt', store: false, tools } as never;
    const res = stream ? await h.openai.responses.stream(body).finalResponse() : await h.openai.responses.create(body);
    expect(res.output).toEqual([expect.objectContaining({ type: 'custom_tool_call', call_id: 'tooluse_p', name: 'apply_patch', input: PATCH, status: 'completed' })]);
    const offered = (sent(stream ? 'converse-stream' : 'converse').toolConfig as { tools: Array<{ toolSpec: { name: string } }> }).tools.map((t) => t.toolSpec.name);
    expect(offered).toEqual(['shell', 'multi_agent_v1__spawn_agent', 'apply_patch']);

    h.emulator.enqueue({ content: [{ text: 'Patched.' }] });
    const next = await h.openai.responses.create({
      model: HAIKU,
      store: false,
      tools,
      input: [{ role: 'user', content: 'add hello.txt' }, ...(res.output as never[]), { type: 'custom_tool_call_output', call_id: 'tooluse_p', output: 'Success.' }],
    } as never);
    expect(next.output_text).toBe('Patched.');
    const history = sent('converse').messages;
    expect(history[1].content).toEqual([{ toolUse: { toolUseId: 'tooluse_p', name: 'apply_patch', input: { input: PATCH } } }]);
    expect(history[2].content).toEqual([{ toolResult: { toolUseId: 'tooluse_p', content: [{ text: 'Success.' }] } }]);
  });

  it('a namespaced call comes back with its name and namespace', async () => {
    h.emulator.enqueue({ content: [{ toolUse: { toolUseId: 'tooluse_s', name: 'multi_agent_v1__spawn_agent', input: { task: 'lint' } } }], stopReason: 'tool_use' });
    const res = await h.openai.responses.create({ model: HAIKU, input: 'delegate', store: false, tools } as never);
    expect(res.output).toEqual([expect.objectContaining({ type: 'function_call', name: 'spawn_agent', namespace: 'multi_agent_v1', arguments: '{"task":"lint"}' })]);
  });
});
