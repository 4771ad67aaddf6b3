/**
 * Upstream faults, end to end: gateway (real Node server, real AWS SDK with its standard retries) → emulator
 * scripted to fail. For each fault: the documented status or a visible stream error, bounded time, and no
 * upstream call left open afterwards.
 */
import { fromUpstreamFailure } from '../../lambda/src/http/upstream-errors';
import { readSse, useHarness } from '../e2e/harness';
import { expectOpenAIError } from '../support/openai-error';
import { expectNoUpstreamLeaks, failOnUnhandledRejections, MODEL } from './support';

// Three attempts, as the SDK's default: throttling and 5xx are retried with backoff before the client sees them.
const h = useHarness({ AWS_MAX_ATTEMPTS: '3', UPSTREAM_TIMEOUT_MS: '15000' });
failOnUnhandledRejections();
expectNoUpstreamLeaks(h);

const chat = (extra: Record<string, unknown> = {}) => h.fetch('/v1/chat/completions', { method: 'POST', json: { model: MODEL, messages: [{ role: 'user', content: 'hi' }], ...extra } });
const modelCalls = () => h.emulator.requests.filter((r) => r.operation === 'converse' || r.operation === 'converse-stream').length;


describe('throttling', () => {
  it('absorbs a short burst with the SDK’s retries', async () => {
    h.emulator.enqueue({ error: { type: 'ThrottlingException' } }, { times: 2 });
    const res = await chat();
    expect(res.status).toBe(200);
    expect(modelCalls()).toBe(3);
  });

  it.each([false, true])('answers a burst that outlasts the retries with 429 and Retry-After (stream: %s)', async (stream) => {
    h.emulator.enqueue({ error: { type: 'ThrottlingException' } }, { times: 3 });
    const res = await chat({ stream });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(res.headers.get('content-type')).toContain('application/json');
    expectOpenAIError(await res.json(), { type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(modelCalls()).toBe(3);
  });
});

describe('upstream 5xx and connection resets', () => {
  it.each([
    ['InternalServerException', 502, 'api_error', false],
    ['ServiceUnavailableException', 503, 'service_unavailable', true],
    ['ModelNotReadyException', 429, 'rate_limit_error', true],
  ])('%s after the retries → %i %s', async (type, status, errorType, retryAfter) => {
    h.emulator.enqueue({ error: { type } }, { times: 3 });
    const res = await chat();
    expect(res.status).toBe(status);
    expect(res.headers.has('retry-after')).toBe(retryAfter);
    expectOpenAIError(await res.json(), { type: errorType });
  });

  it.each([false, true])('a connection reset before any byte → 502 (stream: %s)', async (stream) => {
    h.emulator.enqueue({ dropConnection: true }, { times: 3 });
    const res = await chat({ stream });
    expect(res.status).toBe(502);
    expectOpenAIError(await res.json(), { code: 'upstream_connection_error' });
  });

  it('a reset mid-stream ends the stream with a visible error and no [DONE]', async () => {
    h.emulator.enqueue({ content: [{ text: 'one two three four' }], dropAfterDeltas: 2 });
    const res = await chat({ stream: true });
    expect(res.status).toBe(200);
    const events = await readSse(res);
    expect(events).not.toContain('[DONE]');
    const text = events.slice(0, -1).map((e) => (JSON.parse(e) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('one two ');
    expectOpenAIError(JSON.parse(events.at(-1)!), { code: 'upstream_connection_error' });
  });
});

describe('exception events mid-stream', () => {
  it.each([
    ['throttlingException', 'rate_limit_exceeded'],
    ['modelStreamErrorException', 'model_error'],
    ['internalServerException', 'upstream_error'],
    ['serviceUnavailableException', 'service_unavailable'],
    ['validationException', 'invalid_request'],
  ])('%s → stream error %s', async (type, code) => {
    h.emulator.enqueue({ content: [{ text: 'a b c' }], midStreamException: { type, afterDeltas: 1 } });
    const events = await readSse(await chat({ stream: true }));
    expect(events).not.toContain('[DONE]');
    expectOpenAIError(JSON.parse(events.at(-1)!), { code });
  });
});

describe('control plane down', () => {
  it('chat keeps working and /models still answers (from the last catalog or configuration)', async () => {
    h.emulator.failControlPlane({ type: 'ServiceUnavailableException' });
    expect((await chat()).status).toBe(200);
    // How long /models may wait for a first catalog is CatalogCache.ready's bound (test/models/catalog-cache.test.ts).
    const models = await h.fetch('/v1/models');
    expect(models.status).toBe(200);
    expect(['fresh', 'stale', 'unavailable']).toContain(models.headers.get('x-model-catalog'));
  });
});

describe('fromUpstreamFailure', () => {
  const aborted = (reason: unknown) => {
    const c = new AbortController();
    c.abort(reason);
    return c.signal;
  };
  const sdkAbort = Object.assign(new Error('Request aborted'), { name: 'AbortError' });
  it.each([
    ['the gateway timeout fired', aborted(new DOMException('timed out', 'TimeoutError')), 504, 'upstream_timeout'],
    ['the client left', aborted(undefined), 499, 'client_closed_request'],
    ['nothing aborted', new AbortController().signal, 500, 'internal_error'],
  ])('an SDK AbortError when %s', (_name, signal, status, code) => {
    const err = fromUpstreamFailure(sdkAbort, signal);
    expect([err.status, err.code]).toEqual([status, code]);
  });
});
