/**
 * End-to-end harness: the Bedrock emulator and the gateway's real Node server on loopback, the gateway's
 * real AWS SDK client pointed at the emulator through the SDK's standard endpoint variable, and an
 * `openai` SDK client pointed at the gateway.
 */
import OpenAI from 'openai';
import { startEmulator, type Emulator } from '../../emulator';
import { startServer, type RunningServer } from '../../lambda/src/runtime/node/server';

export const TEST_KEY = 'sk-test-e2e-key';

export interface Harness {
  readonly emulator: Emulator;
  readonly gateway: RunningServer;
  /** Base URL of the API, e.g. http://127.0.0.1:1234/api/v1 */
  readonly baseURL: string;
  readonly openai: OpenAI;
  /** Raw fetch against the gateway with the test key. */
  fetch(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const emulator = await startEmulator();
  // The SDK reads these itself; the gateway never overrides them.
  process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = emulator.url;
  process.env.AWS_ENDPOINT_URL_BEDROCK = emulator.url;
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEMULATOR';
  process.env.AWS_SECRET_ACCESS_KEY = 'emulator-secret';
  process.env.AWS_MAX_ATTEMPTS = env.AWS_MAX_ATTEMPTS ?? '1';
  delete process.env.AWS_PROFILE;
  const gateway = await startServer({
    PORT: '0',
    HOST: '127.0.0.1',
    API_KEY: TEST_KEY,
    AWS_REGION: 'us-east-1',
    LOG_LEVEL: 'SILENT',
    SHUTDOWN_GRACE_MS: '1000',
    ...env,
  });
  const baseURL = `${gateway.url}/api/v1`;
  const openai = new OpenAI({ baseURL, apiKey: TEST_KEY, maxRetries: 0, timeout: 20_000 });
  return {
    emulator,
    gateway,
    baseURL,
    openai,
    fetch(path, init = {}) {
      const { json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${TEST_KEY}`);
      if (json !== undefined) headers.set('content-type', 'application/json');
      return fetch(`${gateway.url}${path}`, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body });
    },
    async close() {
      await gateway.close();
      await emulator.close();
    },
  };
}

/**
 * One harness for the whole test file: started before its first test, closed after its last, with the
 * emulator's queue and records cleared before each test. The returned object forwards to that harness.
 */
export function useHarness(env: Record<string, string> = {}): Harness {
  let current: Harness | undefined;
  beforeAll(async () => {
    current = await startHarness(env);
  });
  afterAll(async () => {
    await current?.close();
  });
  beforeEach(() => current?.emulator.reset());
  return new Proxy({} as Harness, {
    get(_target, key) {
      if (!current) throw new Error('The harness starts in beforeAll; use it inside tests or hooks.');
      return current[key as keyof Harness];
    },
  });
}

/** Reads an SSE body into its `data:` payloads (raw strings), for checks the SDK would hide. */
export async function readSse(res: Response): Promise<string[]> {
  const text = await res.text();
  return text
    .split('\n\n')
    .map((block) => block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n'))
    .filter((d) => d !== '');
}
