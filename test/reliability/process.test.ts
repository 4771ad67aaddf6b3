/**
 * The gateway as a real process: SIGTERM drains in-flight streams up to SHUTDOWN_GRACE_MS and exits, an
 * unreadable API key secret stops the start with a clear message, and a rotated secret takes effect within
 * API_KEY_REFRESH_SECONDS without a restart.
 */
import { startEmulator, type Emulator } from '../../emulator';
import { readSse } from '../e2e/harness';
import { MODEL, spawnGateway, startSecretsStub, waitFor, type GatewayProcess } from './support';

const KEY = 'sk-process-test';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gw-key';
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const upstreamEnv = () => ({ AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emulator.url, AWS_ENDPOINT_URL_BEDROCK: emulator.url });

function chat(gw: GatewayProcess, key = KEY, stream = false): Promise<Response> {
  return fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, stream, messages: [{ role: 'user', content: 'hi' }] }),
  });
}

describe('SIGTERM', () => {
  it('lets an in-flight stream finish, refuses new connections, then exits 0', async () => {
    const gw = await spawnGateway({ ...upstreamEnv(), API_KEY: KEY, SHUTDOWN_GRACE_MS: '10000' });
    emulator.enqueue({ content: [{ text: 'one two three four five six seven eight' }], deltaDelayMs: 150 });
    const res = await chat(gw, KEY, true);
    const reading = readSse(res);
    await waitFor(() => emulator.openStreams === 1, 3000, 'stream open');
    const signalledAt = Date.now();
    gw.child.kill('SIGTERM');
    await waitFor(() => gw.output().includes('"draining"'), 3000, 'drain started');
    await expect(fetch(`${gw.url}/health`)).rejects.toThrow();
    const events = await reading;
    const streamEndedAt = Date.now();
    expect(events.at(-1)).toBe('[DONE]');
    expect(events.filter((e) => e.includes('"content":"')).length).toBeGreaterThanOrEqual(8);
    expect(await gw.exited).toBe(0);
    expect(Date.now()).toBeGreaterThanOrEqual(streamEndedAt);
    expect(streamEndedAt - signalledAt).toBeGreaterThan(500);
    expect(gw.output()).toContain('"server stopped"');
  });

  it('cuts what is still running at the deadline and exits', async () => {
    const gw = await spawnGateway({ ...upstreamEnv(), API_KEY: KEY, SHUTDOWN_GRACE_MS: '500' });
    emulator.enqueue({ content: [{ text: 'a b c d e f g h i j k l m n o p q r s t' }], deltaDelayMs: 500 });
    const res = await chat(gw, KEY, true);
    const reading = readSse(res).catch(() => ['(connection cut)']);
    await waitFor(() => emulator.openStreams === 1, 3000, 'stream open');
    const signalledAt = Date.now();
    gw.child.kill('SIGTERM');
    expect(await gw.exited).toBe(0);
    const exitMs = Date.now() - signalledAt;
    expect(exitMs).toBeGreaterThanOrEqual(400);
    expect(exitMs).toBeLessThan(3000);
    expect(await reading).not.toContain('[DONE]');
    expect(gw.output()).toContain('shutdown grace period over');
    await waitFor(() => emulator.openStreams === 0 && emulator.inFlight === 0, 3000, 'upstream closed');
  });
});

describe('API key secret', () => {
  it.each([
    ['Secrets Manager refuses', { type: 'AccessDeniedException', status: 400 }, /AccessDeniedException/],
    ['Secrets Manager fails', { type: 'InternalServiceError', status: 500 }, /InternalServiceError/],
  ])('%s at start: exit 1 with a message naming the secret and the cause', async (_name, failWith, cause) => {
    const stub = await startSecretsStub('unused');
    stub.failWith = failWith;
    try {
      const gw = await spawnGateway({ API_KEY_SECRET_ARN: SECRET_ARN, AWS_ENDPOINT_URL_SECRETS_MANAGER: stub.url }, { expectExit: true });
      expect(await gw.exited).toBe(1);
      const output = gw.output();
      expect(output).toContain(`Cannot read the API key from secret ${SECRET_ARN}`);
      expect(output).toMatch(cause);
      expect(output).not.toMatch(/\n\s+at /); // a message, not a stack trace
      expect(stub.calls).toBeGreaterThanOrEqual(1);
    } finally {
      await stub.close();
    }
  });

  it('an unreachable Secrets Manager endpoint is a startup error too', async () => {
    const stub = await startSecretsStub('unused');
    await stub.close(); // a port nothing listens on
    const gw = await spawnGateway({ API_KEY_SECRET_ARN: SECRET_ARN, AWS_ENDPOINT_URL_SECRETS_MANAGER: stub.url }, { expectExit: true });
    expect(await gw.exited).toBe(1);
    expect(gw.output()).toMatch(/Cannot read the API key from secret .*ECONNREFUSED/s);
  });

  it('rotation takes effect within API_KEY_REFRESH_SECONDS, without a restart', async () => {
    const stub = await startSecretsStub(JSON.stringify({ api_keys: ['sk-old-1', 'sk-old-2'] }));
    const gw = await spawnGateway({ ...upstreamEnv(), API_KEY_SECRET_ARN: SECRET_ARN, AWS_ENDPOINT_URL_SECRETS_MANAGER: stub.url, API_KEY_REFRESH_SECONDS: '1' });
    try {
      expect((await chat(gw, 'sk-old-1')).status).toBe(200);
      expect((await chat(gw, 'sk-old-2')).status).toBe(200);
      expect((await chat(gw, 'sk-new')).status).toBe(401);
      stub.secret = JSON.stringify({ api_key: 'sk-new' });
      const rotatedAt = Date.now();
      let status = 0;
      while (Date.now() - rotatedAt < 3000 && status !== 200) {
        status = (await chat(gw, 'sk-new')).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe(200);
      expect(Date.now() - rotatedAt).toBeLessThan(2500);
      expect((await chat(gw, 'sk-old-1')).status).toBe(401);
      // A refresh that fails keeps the last good keys instead of locking everyone out.
      stub.failWith = { type: 'InternalServiceError', status: 500 };
      await new Promise((r) => setTimeout(r, 1100));
      expect((await chat(gw, 'sk-new')).status).toBe(200);
      expect(gw.output()).toContain('API key refresh failed');
    } finally {
      gw.child.kill('SIGTERM');
      await gw.exited;
      await stub.close();
    }
  });
});
