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

// Silent upstreams stay silent for longer than any test runs (a latency of ten minutes before the first
// byte, or a stream held after it): a 504 or a timeout event can then only come from the gateway's deadline,
// and the test's own timeout catches a deadline that never fires. A slow machine only makes the answer come
// later, so nothing bounds it from above; the lower bound stays, since a timer never fires early.
const SILENT = { latencyMs: 10 * 60_000 };

describe('timeouts and slow streams', () => {
  it.each([false, true])('an upstream silent past UPSTREAM_TIMEOUT_MS → 504 (stream: %s)', async (stream) => {
    h.emulator.setDefaults(SILENT);
    const [res, ms] = await timed(() => chat({ stream }));
    expect(res.status).toBe(504);
    expectOpenAIError(await res.json(), { type: 'timeout_error', code: 'upstream_timeout' });
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
  });

  it('a stream that stalls past the timeout ends with a timeout error event', async () => {
    h.emulator.enqueue({ content: [{ text: 'slow words here' }] });
    h.emulator.hold(); // the stream opens (the 200 goes out), then no delta ever comes
    const events = await readSse(await chat({ stream: true }));
    expect(events).not.toContain('[DONE]');
    expectOpenAIError(JSON.parse(events.at(-1)!), { type: 'timeout_error', code: 'upstream_timeout' });
  });

  it('a slow but steady stream completes', async () => {
    // The deadline covers the whole call: 5 deltas 20 ms apart stay far inside 1 s even on a loaded machine.
    h.emulator.enqueue({ content: [{ text: 'one two three four five' }], deltaDelayMs: 20 });
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
    h.emulator.setDefaults(SILENT);
    const [res, ms] = await timed(() => h.fetch(path, { method: 'POST', json }));
    expect(res.status).toBe(504);
    expectOpenAIError(await res.json(), { type: 'timeout_error', code: 'upstream_timeout' });
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
  });
});
