/**
 * Operations: one JSON access log line per request (written when a stream ends), EMF metrics per model,
 * prompts only on request, and x-request-id on every response.
 */
import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { createApp } from '../../lambda/src/app';
import { loadConfig } from '../../lambda/src/config';
import { createLogger } from '../../lambda/src/log/logger';
import { RequestTelemetry } from '../../lambda/src/log/request-telemetry';
import { auth, chatBody, fakeBedrock, fakeDeps } from '../support/fake-deps';
import { startHarness } from '../e2e/harness';
import { captureOutput, MODEL, waitFor } from './support';
import { ManagedKeys } from '../../lambda/src/keys/managed-keys';
import { openSqliteKeyStore } from '../../lambda/src/store/sqlite-keys';

type Line = Record<string, unknown>;

function appWith(env: Record<string, string>, bedrock = fakeBedrock()) {
  const deps = fakeDeps({ LOG_LEVEL: 'INFO', METRICS_ENABLED: 'true', ...env }, bedrock);
  return createApp({ ...deps, logger: createLogger(deps.config.logLevel) });
}

const accessLines = (lines: Line[]): Line[] => lines.filter((l) => l.message === 'request');
const emfLines = (lines: Line[]): Line[] => lines.filter((l) => typeof l._aws === 'object');

let out: ReturnType<typeof captureOutput>;
/** Access lines are written in one batch at the end of the event-loop turn (log/access-log.ts). */
const turn = () => new Promise((r) => setImmediate(r));
/** The output so far, once the current turn's batch is out. */
async function written(): Promise<Line[]> {
  await turn();
  return out.json();
}
beforeEach(() => {
  out = captureOutput();
});
afterEach(async () => {
  await turn();
  out.restore();
});

describe('access log', () => {
  it('writes one line per request with id, route, model, status, latency and tokens', async () => {
    const app = appWith({});
    const res = await app.request('/v1/chat/completions', { method: 'POST', headers: { ...auth, 'x-request-id': 'req-log-1' }, body: chatBody() });
    expect(res.status).toBe(200);
    await res.text();
    const [line, ...rest] = accessLines(await written());
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ level: 'INFO', requestId: 'req-log-1', method: 'POST', path: '/v1/chat/completions', status: 200, model: MODEL, inputTokens: 1, outputTokens: 1 });
    expect(typeof line.latencyMs).toBe('number');
    expect(line).not.toHaveProperty('errorType');
  });

  it('writes a stream’s line only when the stream ends, with time to first token and usage', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const bedrock = fakeBedrock({
      converseStream: async () =>
        (async function* (): AsyncGenerator<ConverseStreamOutput> {
          yield { messageStart: { role: 'assistant' } };
          yield { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'first' } } };
          await gate;
          yield { contentBlockDelta: { contentBlockIndex: 0, delta: { text: ' second' } } };
          yield { messageStop: { stopReason: 'end_turn' } };
          yield { metadata: { usage: { inputTokens: 7, outputTokens: 2, totalTokens: 9, cacheReadInputTokens: 5 }, metrics: { latencyMs: 1 } } };
        })(),
    });
    const app = appWith({}, bedrock);
    const res = await app.request('/v1/chat/completions', { method: 'POST', headers: auth, body: chatBody({ stream: true }) });
    const reader = res.body!.getReader();
    await reader.read();
    const firstSeen = performance.now(); // after the gateway saw the first token
    await new Promise((r) => setTimeout(r, 30));
    expect(accessLines(await written())).toEqual([]);
    const released = performance.now(); // before the stream can end
    release();
    while (!(await reader.read()).done);
    await new Promise((r) => setImmediate(r));
    const [line] = accessLines(await written());
    expect(line).toMatchObject({ status: 200, model: MODEL, inputTokens: 7, outputTokens: 2, cacheReadInputTokens: 5 });
    // On the gateway's clock the first token came before `firstSeen` and the end after `released`, however
    // slow the machine: a time to first token taken at the end of the stream would break this. (The log
    // rounds each value to 0.1 ms.)
    expect((line.latencyMs as number) - (line.timeToFirstTokenMs as number)).toBeGreaterThanOrEqual(released - firstSeen - 0.1);
  });

  it('names the error type of a failed request and of a stream that failed midway', async () => {
    const bedrock = fakeBedrock({
      converseStream: async () =>
        (async function* (): AsyncGenerator<ConverseStreamOutput> {
          yield { messageStart: { role: 'assistant' } };
          throw Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
        })(),
    });
    const app = appWith({}, bedrock);
    const bad = await app.request('/v1/chat/completions', { method: 'POST', headers: auth, body: chatBody({ temperature: 'hot' }) });
    expect(bad.status).toBe(400);
    const stream = await app.request('/v1/chat/completions', { method: 'POST', headers: auth, body: chatBody({ stream: true }) });
    expect(await stream.text()).toContain('rate_limit_exceeded');
    await new Promise((r) => setImmediate(r));
    const [first, second] = accessLines(await written());
    expect(first).toMatchObject({ status: 400, errorType: 'invalid_request_error', errorCode: 'invalid_value', errorStatus: 400 });
    expect(second).toMatchObject({ status: 200, model: MODEL, errorType: 'rate_limit_error', errorCode: 'rate_limit_exceeded', errorStatus: 429 });
  });

  it('logs a client that leaves mid-stream as 499 client_closed_request, and the upstream call is aborted', async () => {
    let upstream: AbortSignal | undefined;
    const bedrock = fakeBedrock({
      converseStream: async (_input, signal) => {
        upstream = signal;
        return (async function* (): AsyncGenerator<ConverseStreamOutput> {
          yield { messageStart: { role: 'assistant' } };
          yield { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'first' } } };
          if (!signal?.aborted) await new Promise((resolve) => signal?.addEventListener('abort', resolve));
          throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
        })();
      },
    });
    const app = appWith({}, bedrock);
    const res = await app.request('/v1/chat/completions', { method: 'POST', headers: auth, body: chatBody({ stream: true }) });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    await waitFor(() => upstream?.aborted === true && accessLines(out.json()).length > 0, 10_000, 'upstream aborted and request logged');
    const [line] = accessLines(await written());
    expect(line).toMatchObject({ status: 200, errorCode: 'client_closed_request', errorStatus: 499 });
  });

  it('leaves prompts and completions out unless LOG_PROMPTS is on', async () => {
    const secretPrompt = 'my-private-prompt-text';
    for (const logPrompts of ['false', 'true']) {
      const capture = captureOutput();
      const app = appWith({ LOG_PROMPTS: logPrompts });
      const res = await app.request('/v1/chat/completions', { method: 'POST', headers: auth, body: chatBody({ messages: [{ role: 'user', content: secretPrompt }] }) });
      await res.text();
      await turn();
      const all = capture.lines().join('\n');
      const [line] = accessLines(capture.json());
      capture.restore();
      if (logPrompts === 'true') {
        expect(line.prompt).toEqual([{ role: 'user', content: secretPrompt }]);
        expect(line.completion).toBe('ok');
      } else {
        expect(all).not.toContain(secretPrompt);
        expect(line).not.toHaveProperty('completion');
      }
    }
  });

  it('logs the prompt of a /responses request too when LOG_PROMPTS is on (both routes share one pipeline)', async () => {
    const secretPrompt = 'my-private-responses-prompt';
    for (const logPrompts of ['false', 'true']) {
      const capture = captureOutput();
      const app = appWith({ LOG_PROMPTS: logPrompts });
      const body = JSON.stringify({ model: MODEL, instructions: 'Be brief.', input: secretPrompt });
      const res = await app.request('/v1/responses', { method: 'POST', headers: auth, body });
      await res.text();
      await turn();
      const all = capture.lines().join('\n');
      const [line] = accessLines(capture.json());
      capture.restore();
      if (logPrompts === 'true') {
        expect(line.prompt).toEqual([
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: secretPrompt },
        ]);
        expect(line.completion).toBe('ok');
      } else {
        expect(all).not.toContain(secretPrompt);
        expect(line).not.toHaveProperty('prompt');
      }
    }
  });

  it('skips successful requests when LOG_LEVEL filters INFO out, but keeps 5xx lines', async () => {
    const bedrock = fakeBedrock({ converse: async () => Promise.reject(new TypeError('bug')) });
    const app = appWith({ LOG_LEVEL: 'ERROR', METRICS_ENABLED: 'false' }, bedrock);
    await (await app.request('/v1/chat/completions', { method: 'POST', headers: auth, body: chatBody() })).text();
    await (await app.request('/nope')).text();
    const lines = accessLines(await written());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'ERROR', status: 500, errorCode: 'internal_error' });
  });

  it('keeps /health probes out of the log', async () => {
    const app = appWith({});
    expect((await app.request('/health')).status).toBe(200);
    expect(out.lines()).toEqual([]);
  });
});

describe('EMF metrics', () => {
  it('publishes per-model counts, latency and tokens, and errors by type', async () => {
    const app = appWith({ LOG_LEVEL: 'SILENT', METRICS_NAMESPACE: 'TestGateway' });
    await (await app.request('/v1/chat/completions', { method: 'POST', headers: auth, body: chatBody() })).text();
    await (await app.request('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: chatBody() })).text();
    const [ok, unauthorized, byType] = emfLines(await written());
    const aws = (l: Line) => (l._aws as { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }> }).CloudWatchMetrics[0];
    expect(aws(ok).Namespace).toBe('TestGateway');
    expect(aws(ok).Dimensions).toEqual([['service', 'model']]);
    expect(ok).toMatchObject({ model: MODEL, Requests: 1, Errors: 0, InputTokens: 1, OutputTokens: 1 });
    expect(typeof ok.Latency).toBe('number');
    expect(unauthorized).toMatchObject({ model: 'none', Requests: 1, Errors: 1 });
    expect(aws(byType).Dimensions).toEqual([['service', 'model', 'errorType']]);
    expect(byType).toMatchObject({ model: 'none', errorType: 'invalid_api_key', Errors: 1 });
  });

  it('names a managed key (id and name, never the secret) in the access log and in a per-key metric set', async () => {
    const deps = fakeDeps({ LOG_LEVEL: 'INFO', METRICS_ENABLED: 'true', METRICS_NAMESPACE: 'TestGateway' });
    const store = openSqliteKeyStore({ path: ':memory:', timeoutMs: 1_000 });
    const managedKeys = new ManagedKeys(store, { prices: [], flushMs: 0 });
    const app = createApp({ ...deps, logger: createLogger('INFO'), managedKeys });
    const created = await app.request('/v1/admin/keys', { method: 'POST', headers: auth, body: JSON.stringify({ name: 'team-x' }) });
    const { id, key } = (await created.json()) as { id: string; key: string };
    const res = await app.request('/v1/chat/completions', { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: chatBody() });
    expect(res.status).toBe(200);
    await res.text();
    const lines = await written();
    const chatLine = accessLines(lines).find((l) => l.path === '/v1/chat/completions');
    expect(chatLine).toMatchObject({ keyId: id, keyName: 'team-x', status: 200 });
    const perKey = emfLines(lines).find((l) => l.keyId === id);
    expect((perKey!._aws as { CloudWatchMetrics: Array<{ Dimensions: string[][] }> }).CloudWatchMetrics[0].Dimensions).toEqual([['service', 'keyId']]);
    expect(perKey).toMatchObject({ Requests: 1, InputTokens: 1, OutputTokens: 1 });
    expect(JSON.stringify(lines)).not.toContain(key.slice('sk-bgw_'.length + 17));
    await managedKeys.close();
  });

  it('is off by default outside Lambda and on by default inside it', () => {
    expect(loadConfig({}).metrics.enabled).toBe(false);
    expect(loadConfig({ AWS_LAMBDA_FUNCTION_NAME: 'gw' }).metrics.enabled).toBe(true);
    expect(loadConfig({ AWS_LAMBDA_FUNCTION_NAME: 'gw', METRICS_ENABLED: 'false' }).metrics.enabled).toBe(false);
    expect(() => loadConfig({ METRICS_ENABLED: 'maybe' })).toThrow(/METRICS_ENABLED/);
  });
});

describe('x-request-id', () => {
  const app = appWith({ LOG_LEVEL: 'SILENT', METRICS_ENABLED: 'false', MAX_BODY_BYTES: '2048' });
  it.each([
    ['a 404', '/nope', { method: 'GET' }, 404],
    ['a 401', '/v1/chat/completions', { method: 'POST', body: chatBody() }, 401],
    ['a 400', '/v1/chat/completions', { method: 'POST', headers: auth, body: '{' }, 400],
    ['a 413', '/v1/chat/completions', { method: 'POST', headers: auth, body: chatBody({ messages: [{ role: 'user', content: 'x'.repeat(5000) }] }) }, 413],
    ['a 200', '/v1/chat/completions', { method: 'POST', headers: auth, body: chatBody() }, 200],
    ['a stream', '/v1/chat/completions', { method: 'POST', headers: auth, body: chatBody({ stream: true }) }, 200],
  ])('is echoed on %s and generated when absent', async (_name, path, init: RequestInit, status) => {
    const given = await app.request(path, { ...init, headers: { ...(init.headers as Record<string, string>), 'x-request-id': 'abc-123' } });
    expect(given.status).toBe(status);
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const made = await app.request(path, init);
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('replaces an id that could inject into logs', async () => {
    const res = await app.request('/nope', { headers: { 'x-request-id': 'evil"\\}{' } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    [64, true],
    [65, false],
    [255, false],
  ])('keeps a client id of %i characters: %s (issue 18, finding 6)', async (length, kept) => {
    const id = 'a'.repeat(length);
    const res = await app.request('/nope', { headers: { 'x-request-id': id } });
    if (kept) expect(res.headers.get('x-request-id')).toBe(id);
    else expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('request lifetime', () => {
  it.each([
    ['a plain response', false, ['handler']],
    ['a stream that ends after its handler returned', true, ['handler', 'stream']],
    ['a stream that ends before its handler returned', true, ['stream', 'handler']],
  ])('completes once, after %s', (_name, streaming, order) => {
    const t = new RequestTelemetry();
    const done = jest.fn();
    t.onComplete(done);
    if (streaming) t.streamStarted();
    for (const step of order) {
      expect(done).not.toHaveBeenCalled();
      if (step === 'handler') t.handlerReturned();
      else t.streamEnded();
    }
    expect(done).toHaveBeenCalledTimes(1);
    t.streamEnded();
    const late = jest.fn();
    t.onComplete(late);
    expect([done.mock.calls.length, late.mock.calls.length]).toEqual([1, 1]);
  });

  it('clears the upstream deadline timer when the request ends, not when it would fire', async () => {
    const TIMEOUT = 123_456;
    const set = jest.spyOn(global, 'setTimeout');
    const clear = jest.spyOn(global, 'clearTimeout');
    try {
      const app = appWith({ UPSTREAM_TIMEOUT_MS: String(TIMEOUT), LOG_LEVEL: 'SILENT', METRICS_ENABLED: 'false' });
      const deadlines = () => set.mock.results.filter((_r, i) => set.mock.calls[i][1] === TIMEOUT).map((r) => r.value as unknown);
      const cleared = (timer: unknown) => clear.mock.calls.some(([t]) => t === timer);

      await (await app.request('/v1/chat/completions', { method: 'POST', headers: auth, body: chatBody() })).text();
      expect(deadlines()).toHaveLength(1);
      expect(cleared(deadlines()[0])).toBe(true);

      const res = await app.request('/v1/chat/completions', { method: 'POST', headers: auth, body: chatBody({ stream: true }) });
      expect(deadlines()).toHaveLength(2);
      expect(cleared(deadlines()[1])).toBe(false); // the stream is still open
      await res.text();
      await new Promise((r) => setImmediate(r));
      expect(cleared(deadlines()[1])).toBe(true);
    } finally {
      set.mockRestore();
      clear.mockRestore();
    }
  });
});

describe('token counts on every model route (real server, emulator)', () => {
  let h: Awaited<ReturnType<typeof startHarness>>;
  beforeAll(async () => {
    h = await startHarness({ LOG_LEVEL: 'INFO' });
  });
  afterAll(() => h.close());

  it.each([
    ['/v1/chat/completions', { model: MODEL, messages: [{ role: 'user', content: 'one two three' }], stream: true }],
    ['/v1/responses', { model: MODEL, input: 'one two three' }],
    ['/v1/responses', { model: MODEL, input: 'one two three', stream: true }],
    ['/v1/embeddings', { model: 'amazon.titan-embed-text-v2:0', input: ['one two three', 'four'] }],
  ])('%s', async (path, json) => {
    const res = await h.fetch(path, { method: 'POST', json });
    expect(res.status).toBe(200);
    await res.text();
    // The line is written when the server side of the request ends, which may be just after the client saw the end.
    await waitFor(() => accessLines(out.json()).some((l) => l.path === path), 10_000, 'access log line');
    const [line] = accessLines(await written()).filter((l) => l.path === path);
    expect(line.inputTokens as number).toBeGreaterThan(0);
    if (path !== '/v1/embeddings') expect(line.outputTokens as number).toBeGreaterThan(0);
    if ('stream' in json) expect(line.timeToFirstTokenMs as number).toBeGreaterThan(0);
  });
});

describe('billing units on the image and rerank routes', () => {
  it('the access log counts pictures and search units, never the prompt; EMF publishes them per model', async () => {
    const bedrock = fakeBedrock({
      invokeModel: async (modelId) => (modelId.includes('rerank') ? { results: [{ index: 0, relevance_score: 0.5 }] } : { images: ['aGk=', 'aGk='] }),
    });
    const app = appWith({}, bedrock);
    const post = (path: string, body: unknown) => app.request(path, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/v1/images/generations', { model: 'amazon.nova-canvas-v1:0', prompt: 'secret lighthouse', n: 2 })).status).toBe(200);
    expect((await post('/v1/rerank', { model: 'amazon.rerank-v1:0', query: 'secret query', documents: ['a'] })).status).toBe(200);
    const [images, rerank] = accessLines(await written());
    expect(images).toMatchObject({ path: '/v1/images/generations', model: 'amazon.nova-canvas-v1:0', images: 2 });
    expect(rerank).toMatchObject({ path: '/v1/rerank', model: 'amazon.rerank-v1:0', searchUnits: 1 });
    expect(JSON.stringify(out.json())).not.toMatch(/secret/);
    const [imageMetrics, rerankMetrics] = emfLines(await written());
    expect(imageMetrics).toMatchObject({ model: 'amazon.nova-canvas-v1:0', Images: 2 });
    expect(rerankMetrics).toMatchObject({ model: 'amazon.rerank-v1:0', SearchUnits: 1 });
  });
});
