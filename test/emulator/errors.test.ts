import {
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { PROTOCOLS, eventually, useEmulator, userMessage } from './helpers';

const MODEL = 'amazon.nova-micro-v1:0';
const ctx = useEmulator();
const PROTOCOL_NAMES = PROTOCOLS.map((p) => p.protocol);

const ERRORS = [
  ['ValidationException', 400],
  ['AccessDeniedException', 403],
  ['ResourceNotFoundException', 404],
  ['ModelTimeoutException', 408],
  ['ModelErrorException', 424],
  ['ThrottlingException', 429],
  ['ModelNotReadyException', 429],
  ['InternalServerException', 500],
  ['ServiceUnavailableException', 503],
] as const;

describe.each(PROTOCOL_NAMES)('scripted errors over %s', (protocol) => {
  it.each(ERRORS)('%s surfaces as the SDK exception with status %i', async (type, status) => {
    ctx.emulator().enqueue({ error: { type, message: `scripted ${type}` } }, { operations: ['converse', 'converse-stream'] });
    const call = ctx.client(protocol).send(new ConverseCommand({ modelId: MODEL, messages: [userMessage('hi')] }));
    await expect(call).rejects.toMatchObject({ name: type, message: `scripted ${type}`, $metadata: { httpStatusCode: status } });
  });

  it('fails ConverseStream before any event with the HTTP error', async () => {
    ctx.emulator().enqueue({ error: { type: 'ThrottlingException' } });
    const call = ctx.client(protocol).send(new ConverseStreamCommand({ modelId: MODEL, messages: [userMessage('hi')] }));
    await expect(call).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
  });

  it('honours an explicit status', async () => {
    ctx.emulator().enqueue({ error: { type: 'ServiceUnavailableException', status: 502 } });
    const call = ctx.client(protocol).send(new ConverseCommand({ modelId: MODEL, messages: [userMessage('hi')] }));
    await expect(call).rejects.toMatchObject({ name: 'ServiceUnavailableException', $metadata: { httpStatusCode: 502 } });
  });

  it('drops the connection without a response', async () => {
    ctx.emulator().enqueue({ dropConnection: true });
    const call = ctx.client(protocol).send(new ConverseCommand({ modelId: MODEL, messages: [userMessage('hi')] }));
    await expect(call).rejects.toThrow();
    // The next call is served normally on a fresh connection.
    const res = await ctx.client(protocol).send(new ConverseCommand({ modelId: MODEL, messages: [userMessage('again')] }));
    expect(res.output?.message?.content?.[0]?.text).toBe('Emulated reply to: again');
  });

  it.each([
    ['modelStreamErrorException', 'ModelStreamErrorException'],
    ['ThrottlingException', 'ThrottlingException'],
    ['validationException', 'ValidationException'],
    ['InternalServerException', 'InternalServerException'],
    ['serviceUnavailableException', 'ServiceUnavailableException'],
  ])('delivers a mid-stream %s after the scripted deltas as %s', async (type, name) => {
    ctx.emulator().enqueue({ content: [{ text: 'one two three four' }], midStreamException: { type, message: 'boom', afterDeltas: 2 } });
    const res = await ctx.client(protocol).send(new ConverseStreamCommand({ modelId: MODEL, messages: [userMessage('hi')] }));
    const received: ConverseStreamOutput[] = [];
    const consume = async () => {
      for await (const event of res.stream ?? []) received.push(event);
    };
    await expect(consume()).rejects.toMatchObject({ name, message: 'boom' });
    expect(received.map((e) => e.contentBlockDelta?.delta?.text).filter(Boolean)).toEqual(['one ', 'two ']);
    expect(received.some((e) => e.messageStop)).toBe(false);
  });

  it('breaks the stream when the connection drops after N deltas', async () => {
    ctx.emulator().enqueue({ content: [{ text: 'one two three four' }], dropAfterDeltas: 1 });
    const res = await ctx.client(protocol).send(new ConverseStreamCommand({ modelId: MODEL, messages: [userMessage('hi')] }));
    const received: ConverseStreamOutput[] = [];
    const consume = async () => {
      for await (const event of res.stream ?? []) received.push(event);
    };
    await expect(consume()).rejects.toThrow();
    expect(received.filter((e) => e.contentBlockDelta)).toHaveLength(1);
    await eventually(() => ctx.emulator().openStreams === 0);
  });

  it('scripts an error for InvokeModel only when asked to', async () => {
    const emulator = ctx.emulator();
    emulator.enqueue({ error: { type: 'ThrottlingException' } }, { operations: ['invoke'] });
    const converse = await ctx.client(protocol).send(new ConverseCommand({ modelId: MODEL, messages: [userMessage('hi')] }));
    expect(converse.stopReason).toBe('end_turn');
    const invoke = ctx.client(protocol).send(
      new InvokeModelCommand({ modelId: 'amazon.titan-embed-text-v2:0', body: JSON.stringify({ inputText: 'hi' }) }),
    );
    await expect(invoke).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
  });
});

describe('client aborts', () => {
  it.each(PROTOCOL_NAMES)('closes the upstream stream when the client aborts (%s)', async (protocol) => {
    const emulator = ctx.emulator();
    emulator.enqueue({ content: [{ text: 'a b c d e f g h i j' }], deltaDelayMs: 100 });
    const abort = new AbortController();
    const res = await ctx.client(protocol).send(
      new ConverseStreamCommand({ modelId: MODEL, messages: [userMessage('hi')] }),
      { abortSignal: abort.signal },
    );
    expect(emulator.openStreams).toBe(1);
    expect(emulator.inFlight).toBe(1);
    let deltas = 0;
    const consume = async () => {
      for await (const event of res.stream ?? []) {
        if (event.contentBlockDelta) deltas += 1;
        if (deltas === 2) abort.abort();
      }
    };
    // Over HTTP/1.1 the SDK rethrows the abort; over h2 the iteration just ends. Either way it stops early.
    await consume().catch(() => undefined);
    expect(deltas).toBe(2);
    // Well before the ~800 ms the rest of the stream would take: the emulator noticed the abort.
    await eventually(() => emulator.openStreams === 0 && emulator.inFlight === 0, 300);
  });
});
