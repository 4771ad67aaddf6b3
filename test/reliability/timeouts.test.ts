/**
 * Upstream timeouts (UPSTREAM_TIMEOUT_MS, here 1 s) end to end: a silent upstream is a 504 before the first
 * byte and a timeout error event after it; slow but steady streams are left alone; nothing stays open.
 */
import { readSse, useHarness } from '../e2e/harness';
import { expectOpenAIError } from '../support/openai-error';
import { expectNoUpstreamLeaks, failOnUnhandledRejections, MODEL, timed } from './support';

const TIMEOUT_MS = 1000;
const h = useHarness({ AWS_MAX_ATTEMPTS: '3', UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS) });
failOnUnhandledRejections();
expectNoUpstreamLeaks(h);

const chat = (extra: Record<string, unknown> = {}) => h.fetch('/v1/chat/completions', { method: 'POST', json: { model: MODEL, messages: [{ role: 'user', content: 'hi' }], ...extra } });

describe('timeouts and slow streams', () => {
  it.each([false, true])('an upstream silent past UPSTREAM_TIMEOUT_MS → 504 (stream: %s)', async (stream) => {
    h.emulator.enqueue({ content: [{ text: 'late' }], latencyMs: 10_000 });
    const [res, ms] = await timed(() => chat({ stream }));
    expect(res.status).toBe(504);
    expectOpenAIError(await res.json(), { type: 'timeout_error', code: 'upstream_timeout' });
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(TIMEOUT_MS + 1500);
  });

  it('a stream that stalls past the timeout ends with a timeout error event', async () => {
    h.emulator.enqueue({ content: [{ text: 'slow words here' }], deltaDelayMs: 5000 });
    const [events, ms] = await timed(async () => readSse(await chat({ stream: true })));
    expect(ms).toBeLessThan(TIMEOUT_MS + 1500);
    expect(events).not.toContain('[DONE]');
    expectOpenAIError(JSON.parse(events.at(-1)!), { type: 'timeout_error', code: 'upstream_timeout' });
  });

  it('a slow but steady stream completes', async () => {
    h.emulator.enqueue({ content: [{ text: 'one two three four five' }], deltaDelayMs: 100 });
    const events = await readSse(await chat({ stream: true }));
    expect(events.at(-1)).toBe('[DONE]');
    expect(events.length).toBeGreaterThanOrEqual(7);
  });
});


describe('timeouts on the other model routes', () => {
  it.each([
    ['/v1/responses', { model: MODEL, input: 'hi' }],
    ['/v1/responses', { model: MODEL, input: 'hi', stream: true }],
    ['/v1/embeddings', { model: 'amazon.titan-embed-text-v2:0', input: ['a', 'b'] }],
  ])('%s → 504 when the upstream is silent past UPSTREAM_TIMEOUT_MS', async (path, json) => {
    h.emulator.setDefaults({ latencyMs: 10_000 });
    const [res, ms] = await timed(() => h.fetch(path, { method: 'POST', json }));
    expect(res.status).toBe(504);
    expectOpenAIError(await res.json(), { type: 'timeout_error', code: 'upstream_timeout' });
    expect(ms).toBeLessThan(TIMEOUT_MS + 1500);
  });
});
