/**
 * Chat Completions end to end: openai SDK → gateway (real Node server) → real AWS SDK client → emulator.
 */
import OpenAI from 'openai';
import { readSse, TEST_KEY, useHarness } from './harness';
import { expectOpenAIError } from '../support/openai-error';

const MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const h = useHarness();

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('non-streaming', () => {
  it('answers in OpenAI shape and sends Bedrock a valid Converse request', async () => {
    const res = await h.openai.chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'No emojis.' }] },
        { role: 'user', content: 'Hello' },
        { role: 'user', content: 'there' },
      ],
      max_completion_tokens: 64,
      temperature: 0.3,
      stop: 'END',
    });
    expect(res.object).toBe('chat.completion');
    expect(res.id).toMatch(/^chatcmpl-/);
    expect(res.model).toBe(MODEL);
    expect(res.choices[0].message.content).toBe('Emulated reply to: Hello there');
    expect(res.choices[0].finish_reason).toBe('stop');
    expect(res.usage?.total_tokens).toBe((res.usage?.prompt_tokens ?? 0) + (res.usage?.completion_tokens ?? 0));

    const sent = h.emulator.lastRequest('converse');
    expect(sent?.modelId).toBe(MODEL);
    expect(sent?.body).toMatchObject({
      system: [{ text: 'Be brief.' }, { text: 'No emojis.' }],
      messages: [{ role: 'user', content: [{ text: 'Hello' }, { text: 'there' }] }],
      inferenceConfig: { maxTokens: 64, temperature: 0.3, stopSequences: ['END'] },
    });
  });

  it('reports cache usage from Bedrock counters', async () => {
    h.emulator.enqueue({ content: [{ text: 'cached' }], usage: { inputTokens: 5, outputTokens: 2, cacheReadInputTokens: 100, cacheWriteInputTokens: 7 } });
    const res = await h.openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] });
    expect(res.usage).toMatchObject({ prompt_tokens: 112, completion_tokens: 2, total_tokens: 114, prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 7 } });
  });

  it('returns tool calls with text written before them', async () => {
    h.emulator.enqueue({ content: [{ text: 'Looking it up.' }, { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Oslo' } } }] });
    const res = await h.openai.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
    });
    const msg = res.choices[0].message;
    expect(msg.content).toBe('Looking it up.');
    expect(msg.tool_calls).toEqual([{ id: 'tooluse_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }]);
    expect(res.choices[0].finish_reason).toBe('tool_calls');
  });
});

describe('legacy functions', () => {
  const functions = [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }];

  it('answers with function_call and finish_reason function_call', async () => {
    h.emulator.enqueue({ content: [{ toolUse: { toolUseId: 'tooluse_9', name: 'get_weather', input: { city: 'Rome' } } }] });
    const res = await h.openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Weather in Rome?' }], functions });
    expect(res.choices[0].message.function_call).toEqual({ name: 'get_weather', arguments: '{"city":"Rome"}' });
    expect(res.choices[0].message.tool_calls).toBeUndefined();
    expect(res.choices[0].finish_reason).toBe('function_call');
    expect((h.emulator.lastRequest('converse')?.body as { toolConfig: { tools: unknown[] } }).toolConfig.tools).toHaveLength(1);
  });

  it('streams function_call fragments the SDK helper assembles', async () => {
    h.emulator.enqueue({ content: [{ toolUse: { toolUseId: 'tooluse_9', name: 'get_weather', input: { city: 'Rome' } } }] });
    const runner = h.openai.chat.completions.stream({ model: MODEL, messages: [{ role: 'user', content: 'Weather in Rome?' }], functions });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0].message.function_call).toEqual({ name: 'get_weather', arguments: '{"city":"Rome"}' });
    expect(final.choices[0].finish_reason).toBe('function_call');
  });
});

describe('streaming', () => {
  it('streams each upstream delta as its own chunk, role first, finish last, usage on request', async () => {
    h.emulator.enqueue({ content: [{ text: 'one two three' }], usage: { inputTokens: 3, outputTokens: 3 } });
    const stream = await h.openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'count' }], stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    const contents = chunks.flatMap((c) => (c.choices[0]?.delta.content ? [c.choices[0].delta.content] : []));
    expect(contents).toEqual(['one ', 'two ', 'three']);
    const withChoices = chunks.filter((c) => c.choices.length);
    expect(withChoices[withChoices.length - 1].choices[0].finish_reason).toBe('stop');
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 });
  });

  it('sends no usage chunk without include_usage, and ends with [DONE]', async () => {
    const res = await h.fetch('/api/v1/chat/completions', { method: 'POST', json: { model: MODEL, messages: [{ role: 'user', content: 'hi' }], stream: true } });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = await readSse(res);
    expect(events[events.length - 1]).toBe('[DONE]');
    const parsed = events.slice(0, -1).map((e) => JSON.parse(e));
    expect(parsed.every((c) => c.choices.length === 1 && !('usage' in c))).toBe(true);
  });

  it('delivers the first chunk while the upstream stream is still open (no buffering)', async () => {
    h.emulator.enqueue({ content: [{ text: 'a b c d' }], deltaDelayMs: 150 });
    const stream = await h.openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }], stream: true });
    let openWhenFirstContent = -1;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content && openWhenFirstContent < 0) openWhenFirstContent = h.emulator.openStreams;
    }
    expect(openWhenFirstContent).toBe(1);
  });

  it('streams tool calls the SDK helper can assemble', async () => {
    h.emulator.enqueue({
      content: [
        { text: 'Calling two tools.' },
        { toolUse: { toolUseId: 'call_a', name: 'get_weather', input: { city: 'Oslo' } } },
        { toolUse: { toolUseId: 'call_b', name: 'get_time', input: { tz: 'CET' } } },
      ],
    });
    const runner = h.openai.chat.completions.stream({
      model: MODEL,
      messages: [{ role: 'user', content: 'both' }],
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
        { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } } } } },
      ],
    });
    const final = await runner.finalChatCompletion();
    const msg = final.choices[0].message;
    expect(msg.content).toBe('Calling two tools.');
    expect(msg.tool_calls?.map((c) => [c.id, c.type === 'function' ? c.function.name : '', c.type === 'function' ? JSON.parse(c.function.arguments) : null])).toEqual([
      ['call_a', 'get_weather', { city: 'Oslo' }],
      ['call_b', 'get_time', { tz: 'CET' }],
    ]);
    expect(final.choices[0].finish_reason).toBe('tool_calls');
  });
});

describe('errors', () => {
  it.each([
    ['ValidationException', 400, OpenAI.BadRequestError],
    ['AccessDeniedException', 403, OpenAI.PermissionDeniedError],
    ['ResourceNotFoundException', 404, OpenAI.NotFoundError],
    ['ThrottlingException', 429, OpenAI.RateLimitError],
    ['ModelNotReadyException', 429, OpenAI.RateLimitError],
    ['ModelTimeoutException', 504, OpenAI.InternalServerError],
    ['ServiceUnavailableException', 503, OpenAI.InternalServerError],
    ['InternalServerException', 502, OpenAI.InternalServerError],
  ])('Bedrock %s → HTTP %i the SDK understands', async (type, status, ErrorClass) => {
    h.emulator.enqueue({ error: { type, message: `scripted ${type}` } });
    const err = await h.openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ErrorClass);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
    expectOpenAIError((err as InstanceType<typeof OpenAI.APIError>).error && { error: (err as InstanceType<typeof OpenAI.APIError>).error });
  });

  it('sends Retry-After with a 429, also for a stream refused before its first byte', async () => {
    h.emulator.enqueue({ error: { type: 'ThrottlingException' } });
    const res = await h.fetch('/api/v1/chat/completions', { method: 'POST', json: { model: MODEL, messages: [{ role: 'user', content: 'x' }], stream: true } });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expectOpenAIError(await res.json(), { type: 'rate_limit_error' });
  });

  it('makes a mid-stream exception visible: an error event and no [DONE]', async () => {
    h.emulator.enqueue({ content: [{ text: 'partial answer here' }], midStreamException: { type: 'modelStreamErrorException', message: 'model fell over', afterDeltas: 1 } });
    const res = await h.fetch('/api/v1/chat/completions', { method: 'POST', json: { model: MODEL, messages: [{ role: 'user', content: 'x' }], stream: true } });
    expect(res.status).toBe(200);
    const events = await readSse(res);
    expect(events).not.toContain('[DONE]');
    const last = JSON.parse(events[events.length - 1]);
    expectOpenAIError(last, { type: 'api_error', code: 'model_error' });
    expect(events.some((e) => e.includes('"finish_reason":"stop"'))).toBe(false);
  });

  it('makes the SDK throw on a mid-stream exception instead of ending normally', async () => {
    h.emulator.enqueue({ content: [{ text: 'partial answer here' }], midStreamException: { type: 'throttlingException', afterDeltas: 2 } });
    const stream = await h.openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }], stream: true });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const c of stream) seen.push(c.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(seen.join('')).toBe('partial answer ');
  });

  it('reports a connection dropped mid-stream as an error, not a finish', async () => {
    h.emulator.enqueue({ content: [{ text: 'a b c d e' }], dropAfterDeltas: 2 });
    const res = await h.fetch('/api/v1/chat/completions', { method: 'POST', json: { model: MODEL, messages: [{ role: 'user', content: 'x' }], stream: true } });
    const events = await readSse(res);
    expect(events).not.toContain('[DONE]');
    expect(JSON.parse(events[events.length - 1]).error).toBeDefined();
  });

  it('maps a connection dropped before any answer to 502', async () => {
    h.emulator.enqueue({ dropConnection: true });
    const err = await h.openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
  });

  it('rejects a wrong key with 401 AuthenticationError', async () => {
    const other = new OpenAI({ baseURL: h.baseURL, apiKey: `${TEST_KEY}-wrong`, maxRetries: 0 });
    await expect(other.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('rejects unsupported parameters with a 400 naming them', async () => {
    const err = await h.openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }], n: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('n');
    expect(h.emulator.requests).toHaveLength(0);
  });
});

describe('client disconnects', () => {
  it('abort the upstream Bedrock stream', async () => {
    h.emulator.enqueue({ content: [{ text: Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ') }], deltaDelayMs: 50 });
    const controller = new AbortController();
    const stream = await h.openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }], stream: true }, { signal: controller.signal });
    let got = 0;
    await (async () => {
      for await (const c of stream) {
        if (c.choices[0]?.delta.content) got++;
        if (got === 2) controller.abort();
      }
    })().catch(() => undefined);
    expect(h.emulator.openStreams).toBe(1);
    await waitFor(() => h.emulator.openStreams === 0);
    expect(h.emulator.openStreams).toBe(0);
  });
});
