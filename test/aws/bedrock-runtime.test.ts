/**
 * The gateway's Bedrock client against the emulator: the SDK's own configuration variables still rule
 * (endpoint, retries), and each call's abort signal still cancels that call despite the middleware cache.
 */
import { startEmulator, type Emulator } from '../../emulator';
import { createBedrockRuntime, type BedrockRuntime } from '../../lambda/src/aws/bedrock-runtime';
import { eventually } from '../emulator/helpers';

const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const input = (text: string) => ({ modelId: MODEL, messages: [{ role: 'user' as const, content: [{ text }] }] });

let emulator: Emulator;
const saved = { ...process.env };

/** A client built with the given AWS_MAX_ATTEMPTS, as the gateway builds it (environment only). */
function runtime(maxAttempts: string): BedrockRuntime {
  process.env.AWS_MAX_ATTEMPTS = maxAttempts;
  return createBedrockRuntime({ region: 'us-east-1' });
}

beforeAll(async () => {
  emulator = await startEmulator();
  process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = emulator.url;
  process.env.AWS_ACCESS_KEY_ID = 'AKIDTEST';
  process.env.AWS_SECRET_ACCESS_KEY = 'test-secret';
  process.env.AWS_CONFIG_FILE = '/dev/null';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/dev/null';
  delete process.env.AWS_PROFILE;
});
afterEach(() => emulator.reset());
afterAll(async () => {
  process.env = saved;
  await emulator.close();
});

it('reaches the endpoint from AWS_ENDPOINT_URL_BEDROCK_RUNTIME over HTTP/1.1, for every command class', async () => {
  const bedrock = runtime('1');
  emulator.enqueue({ content: [{ text: 'one' }] });
  emulator.enqueue({ content: [{ text: 'two' }] });
  expect((await bedrock.converse(input('a'))).output?.message?.content).toEqual([{ text: 'one' }]);
  expect((await bedrock.converse(input('b'))).output?.message?.content).toEqual([{ text: 'two' }]);
  const texts: string[] = [];
  for await (const e of await bedrock.converseStream(input('c'))) if (e.contentBlockDelta?.delta?.text) texts.push(e.contentBlockDelta.delta.text);
  expect(texts.join('')).toBe('Emulated reply to: c');
  expect(emulator.requests.map((r) => [r.operation, r.protocol])).toEqual([
    ['converse', 'http/1.1'],
    ['converse', 'http/1.1'],
    ['converse-stream', 'http/1.1'],
  ]);
  // The second call of a class runs through the cached middleware stack and still sends its own input.
  expect(emulator.requests[1].body).toMatchObject({ messages: [{ content: [{ text: 'b' }] }] });
});

it('retries as AWS_MAX_ATTEMPTS says', async () => {
  emulator.enqueue({ error: { type: 'ThrottlingException' } }, { times: 2 });
  await expect(runtime('3').converse(input('x'))).resolves.toMatchObject({ stopReason: 'end_turn' });
  expect(emulator.requests).toHaveLength(3);

  emulator.reset();
  emulator.enqueue({ error: { type: 'ThrottlingException' } });
  await expect(runtime('1').converse(input('x'))).rejects.toMatchObject({ name: 'ThrottlingException' });
  expect(emulator.requests).toHaveLength(1);
});

it('aborts a waiting call with its own signal and leaves a concurrent call with the same input alone', async () => {
  const bedrock = runtime('1');
  const release = emulator.hold(); // both calls wait at the emulator until released
  const shared = input('same input object');
  const aborted = new AbortController();
  const first = bedrock.converse(shared, aborted.signal);
  const second = bedrock.converse(shared, new AbortController().signal);
  let secondSettled = false;
  void second.then(
    () => (secondSettled = true),
    () => (secondSettled = true),
  );
  await eventually(() => emulator.inFlight === 2);
  aborted.abort();
  // Rejected while its reply is still held back: the abort ended it, not an answer.
  await expect(first).rejects.toMatchObject({ name: 'AbortError' });
  expect(secondSettled).toBe(false);
  release();
  await expect(second).resolves.toMatchObject({ stopReason: 'end_turn' });
});

it('aborts a stream mid-way', async () => {
  const bedrock = runtime('1');
  emulator.enqueue({ content: [{ text: 'one two three four five six seven eight' }] });
  let release = emulator.hold();
  const abort = new AbortController();
  const stream = await bedrock.converseStream(input('s'), abort.signal);
  // Let exactly one delta through; the next stays held, so whatever arrives after the abort came from it.
  const previous = release;
  release = emulator.hold();
  previous();
  const seen: string[] = [];
  const read = (async () => {
    for await (const e of stream) {
      if (e.contentBlockDelta?.delta?.text) {
        seen.push(e.contentBlockDelta.delta.text);
        abort.abort();
      }
    }
  })();
  await expect(read).rejects.toThrow();
  expect(seen).toEqual(['one ']);
  release();
});

