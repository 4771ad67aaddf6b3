import {
  ConverseCommand,
  ConverseStreamCommand,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { defaultReplyText } from '../../emulator';
import { eventually, PROTOCOLS, useEmulator, userMessage } from './helpers';

const MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const ctx = useEmulator();

/** Event names in arrival order. */
async function collect(stream: AsyncIterable<ConverseStreamOutput> | undefined) {
  const events: Array<{ name: string; event: ConverseStreamOutput }> = [];
  for await (const event of stream ?? []) {
    const name = Object.entries(event).find(([key, value]) => key !== '$unknown' && value !== undefined)?.[0];
    events.push({ name: name ?? '?', event });
  }
  return events;
}

describe.each(PROTOCOLS.map((p) => p.protocol))('Converse over %s', (protocol) => {
  it('answers with the default reply, echoing the last user text', async () => {
    const question = 'What is the capital of France?';
    const res = await ctx.client(protocol).send(
      new ConverseCommand({ modelId: MODEL, messages: [userMessage(question)] }),
    );
    expect(res.output?.message?.content).toEqual([{ text: `Emulated reply to: ${question}` }]);
    expect(res.stopReason).toBe('end_turn');
    expect(res.usage).toEqual({ inputTokens: 6, outputTokens: 9, totalTokens: 15 });
    expect(ctx.emulator().lastRequest('converse')).toMatchObject({ modelId: MODEL, protocol });
  });

  it('decodes a URL-encoded ARN model id', async () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123xyz';
    await ctx.client(protocol).send(new ConverseCommand({ modelId: arn, messages: [userMessage('hi')] }));
    expect(ctx.emulator().lastRequest()?.modelId).toBe(arn);
  });

  it('returns scripted content, usage and stop reason', async () => {
    ctx.emulator().enqueue({
      content: [{ text: 'Let me check.' }, { toolUse: { toolUseId: 'tu_1', name: 'get_weather', input: { city: 'Paris' } } }],
      usage: { inputTokens: 11, outputTokens: 7, cacheReadInputTokens: 5, cacheWriteInputTokens: 2 },
      latencyMs: 5,
    });
    const res = await ctx.client(protocol).send(new ConverseCommand({ modelId: MODEL, messages: [userMessage('weather?')] }));
    expect(res.output?.message?.content).toEqual([
      { text: 'Let me check.' },
      { toolUse: { toolUseId: 'tu_1', name: 'get_weather', input: { city: 'Paris' } } },
    ]);
    expect(res.stopReason).toBe('tool_use');
    expect(res.usage).toEqual({ inputTokens: 11, outputTokens: 7, totalTokens: 18, cacheReadInputTokens: 5, cacheWriteInputTokens: 2 });
    expect(res.metrics?.latencyMs).toBe(5);
  });

  it('streams the default reply one word per delta, concatenating to the non-streamed text', async () => {
    const question = 'Tell me  a story\nabout a fox';
    const res = await ctx.client(protocol).send(
      new ConverseStreamCommand({ modelId: MODEL, messages: [userMessage(question)] }),
    );
    const events = await collect(res.stream);
    expect(events.map((e) => e.name)).toEqual([
      'messageStart',
      ...Array<string>(10).fill('contentBlockDelta'),
      'contentBlockStop',
      'messageStop',
      'metadata',
    ]);
    const texts = events.flatMap((e) => (e.event.contentBlockDelta?.delta?.text !== undefined ? [e.event.contentBlockDelta.delta.text] : []));
    expect(texts.join('')).toBe(`Emulated reply to: ${question}`);
    expect(texts[4]).toBe('me  ');
    expect(events.at(-2)?.event.messageStop?.stopReason).toBe('end_turn');
    expect(events.at(-1)?.event.metadata?.usage).toEqual({ inputTokens: 7, outputTokens: 10, totalTokens: 17 });
  });

  it('delivers each delta as it is written, not buffered', async () => {
    const emulator = ctx.emulator();
    emulator.enqueue({ content: [{ text: 'one two three four five' }] });
    let release = emulator.hold();
    const res = await ctx.client(protocol).send(new ConverseStreamCommand({ modelId: MODEL, messages: [userMessage('go')] }));
    const events = res.stream![Symbol.asyncIterator]();
    const nextDelta = async (): Promise<string | undefined> => {
      for (;;) {
        const { value, done } = await events.next();
        if (done) throw new Error('the stream ended before the next delta');
        if (value.contentBlockDelta) return value.contentBlockDelta.delta?.text;
      }
    };
    // One delta at a time: each must reach the client while the next one is still held back at the
    // emulator, which a transport that buffered (until more bytes, or the end) could not do.
    for (const word of ['one ', 'two ', 'three ', 'four ', 'five']) {
      const previous = release;
      release = emulator.hold();
      previous();
      expect(await nextDelta()).toBe(word);
    }
    release();
    const rest = await collect({ [Symbol.asyncIterator]: () => events });
    expect(rest.map((e) => e.name)).toEqual(['contentBlockStop', 'messageStop', 'metadata']);
  });

  it('streams tool use as a start event and at least two input fragments', async () => {
    const input = { city: 'Paris', units: 'celsius', days: 3 };
    ctx.emulator().enqueue({ content: [{ toolUse: { toolUseId: 'tu_9', name: 'forecast', input } }] });
    const res = await ctx.client(protocol).send(new ConverseStreamCommand({ modelId: MODEL, messages: [userMessage('go')] }));
    const events = await collect(res.stream);
    expect(events[1].event.contentBlockStart).toEqual({ contentBlockIndex: 0, start: { toolUse: { toolUseId: 'tu_9', name: 'forecast' } } });
    const fragments = events.flatMap((e) => {
      const fragment = e.event.contentBlockDelta?.delta?.toolUse?.input;
      return fragment === undefined ? [] : [fragment];
    });
    expect(fragments.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(fragments.join(''))).toEqual(input);
    expect(events.find((e) => e.name === 'messageStop')?.event.messageStop?.stopReason).toBe('tool_use');
  });

  it('streams reasoning text, then its signature, then the answer in the next block', async () => {
    ctx.emulator().enqueue({
      content: [
        { reasoningContent: { reasoningText: { text: 'Think it through', signature: 'sig-123' } } },
        { reasoningContent: { redactedContent: Buffer.from('secret').toString('base64') } },
        { text: 'Answer' },
      ],
      textChunks: 2,
    });
    const res = await ctx.client(protocol).send(new ConverseStreamCommand({ modelId: MODEL, messages: [userMessage('go')] }));
    const deltas = (await collect(res.stream)).flatMap((e) => (e.event.contentBlockDelta ? [e.event.contentBlockDelta] : []));
    expect(deltas.map((d) => [d.contentBlockIndex, d.delta])).toEqual([
      [0, { reasoningContent: { text: 'Think it' } }],
      [0, { reasoningContent: { text: ' through' } }],
      [0, { reasoningContent: { signature: 'sig-123' } }],
      [1, { reasoningContent: { redactedContent: new Uint8Array(Buffer.from('secret')) } }],
      [2, { text: 'Ans' }],
      [2, { text: 'wer' }],
    ]);
  });

  it('rejects a bare id of a profile-only model like Bedrock does', async () => {
    const call = ctx.client(protocol).send(
      new ConverseCommand({ modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0', messages: [userMessage('hi')] }),
    );
    await expect(call).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('inference profile') });
  });
});

describe('Converse request validation', () => {
  it.each([
    ['an assistant first turn', [{ role: 'assistant', content: [{ text: 'hi' }] }], 'must start with a user message'],
    ['two user turns in a row', [userMessage('a'), userMessage('b')], 'must alternate'],
    ['an empty content list', [{ role: 'user', content: [] }], 'content field in the message is empty'],
    [
      'tool blocks without toolConfig',
      [
        userMessage('weather?'),
        { role: 'assistant', content: [{ toolUse: { toolUseId: 't', name: 'w', input: {} } }] },
        { role: 'user', content: [{ toolResult: { toolUseId: 't', content: [{ text: 'sunny' }] } }] },
      ],
      'toolConfig field must be defined',
    ],
  ] as const)('rejects %s', async (_case, messages, message) => {
    const call = ctx.client('h2').send(new ConverseCommand({ modelId: MODEL, messages: messages as never }));
    await expect(call).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining(message), $metadata: { httpStatusCode: 400 } });
  });

  it.each([
    ['17 pairs', Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])), 'less than or equal to 16'],
    ['a key with a character Bedrock refuses', { 'team!': 'a' }, 'regular expression pattern'],
    ['a value with a character Bedrock refuses', { team: 'a;b' }, 'regular expression pattern'],
  ])('rejects requestMetadata with %s', async (_case, requestMetadata, message) => {
    const call = ctx.client('h2').send(new ConverseCommand({ modelId: MODEL, messages: [userMessage('x')], requestMetadata }));
    await expect(call).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining(message), $metadata: { httpStatusCode: 400 } });
  });

  it('takes 16 requestMetadata pairs of the allowed characters', async () => {
    const requestMetadata = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`team:k${i} @$#=/+,.-_`, 'value with spaces 1.2/3']));
    const res = await ctx.client('h2').send(new ConverseCommand({ modelId: MODEL, messages: [userMessage('x')], requestMetadata }));
    expect(res.stopReason).toBe('end_turn');
  });

  it('uses configured defaults for text and chunking', async () => {
    ctx.emulator().setDefaults({ replyText: 'Fixed answer here', textChunks: 1 });
    const res = await ctx.client('h2').send(new ConverseStreamCommand({ modelId: MODEL, messages: [userMessage('x')] }));
    const deltas = (await collect(res.stream)).filter((e) => e.name === 'contentBlockDelta');
    expect(deltas.map((d) => d.event.contentBlockDelta?.delta?.text)).toEqual(['Fixed answer here']);
  });

  it('matches queued replies by model id, in FIFO order, for the given number of calls', async () => {
    const emulator = ctx.emulator();
    emulator.enqueue({ content: [{ text: 'for nova' }] }, { modelId: 'amazon.nova-micro-v1:0', times: 2 });
    emulator.enqueue({ content: [{ text: 'first' }] });
    emulator.enqueue({ content: [{ text: 'second' }] });
    const ask = async (modelId: string) => {
      const res = await ctx.client('h2').send(new ConverseCommand({ modelId, messages: [userMessage('q')] }));
      return res.output?.message?.content?.[0]?.text;
    };
    expect(await ask(MODEL)).toBe('first');
    expect(await ask('amazon.nova-micro-v1:0')).toBe('for nova');
    expect(await ask('amazon.nova-micro-v1:0')).toBe('for nova');
    expect(await ask('amazon.nova-micro-v1:0')).toBe('second');
    expect(await ask(MODEL)).toBe(defaultReplyText({ messages: [userMessage('q')] }));
  });
});

describe('hold', () => {
  it('keeps a call from answering until released, and reset() releases it too', async () => {
    const emulator = ctx.emulator();
    const settled: string[] = [];
    const ask = (text: string) =>
      ctx
        .client('h2')
        .send(new ConverseCommand({ modelId: MODEL, messages: [userMessage(text)] }))
        .then((res) => {
          settled.push(text);
          return res.output?.message?.content?.[0]?.text;
        });
    const release = emulator.hold();
    const first = ask('one');
    await eventually(() => emulator.inFlight === 1);
    expect(settled).toEqual([]);
    release();
    await expect(first).resolves.toBe('Emulated reply to: one');

    emulator.hold();
    const second = ask('two');
    await eventually(() => emulator.inFlight === 1);
    expect(settled).toEqual(['one']);
    emulator.reset();
    await expect(second).resolves.toBe('Emulated reply to: two');
  });
});
