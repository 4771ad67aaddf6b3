/**
 * The lean client's retry loop against the SDK's own retry middleware, driven by the same scripted strategy:
 * the same calls into the strategy (error types, Retry-After hints), the same headers per attempt, the same
 * result or error (name, message, attempts, retry delay). The differential test covers the real strategies
 * over HTTP; this covers what the emulator cannot script (non-Error throws, Retry-After, aborts while waiting).
 */
import { retryMiddleware } from '@smithy/core/retry';
import { HttpRequest, HttpResponse } from '../../../lambda/src/aws/lean-runtime/sdk-parts';
import { withRetries, type RetryStrategy, type RetryToken } from '../../../lambda/src/aws/lean-runtime/retry';

/** One attempt: it fails (and may abort the call first, as a transport does when the caller leaves) or answers. */
type Step = { fail: unknown; abort?: true } | { ok: string };
interface Scenario {
  readonly name: string;
  readonly mode: 'standard' | 'adaptive';
  readonly steps: readonly Step[];
  /** Per refresh: the delay of the next token, or 'refuse'. */
  readonly refresh: ReadonlyArray<number | 'refuse'>;
  /** Abort the call while the strategy is asked for the n-th retry (1-based); it then hangs or answers. */
  readonly abortAt?: { refresh: number; then: 'hang' | 'answer' };
}

const throttled = (headers: Record<string, string> = {}) =>
  Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 429 }, $response: new HttpResponse({ statusCode: 429, headers, body: undefined }) });
const FUTURE = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3_600_000);

const SCENARIOS: Scenario[] = [
  { name: 'success at once', mode: 'standard', steps: [{ ok: 'a' }], refresh: [] },
  { name: 'two throttles, then success', mode: 'standard', steps: [{ fail: throttled() }, { fail: throttled() }, { ok: 'b' }], refresh: [5, 7] },
  { name: 'a refused retry', mode: 'standard', steps: [{ fail: throttled() }], refresh: ['refuse'] },
  { name: 'adaptive mode', mode: 'adaptive', steps: [{ fail: throttled() }, { ok: 'c' }], refresh: [1] },
  { name: 'x-amz-retry-after', mode: 'standard', steps: [{ fail: throttled({ 'x-amz-retry-after': '1500' }) }, { ok: 'd' }], refresh: [0] },
  { name: 'Retry-After as a date', mode: 'standard', steps: [{ fail: throttled({ 'Retry-After': FUTURE.toUTCString() }) }, { ok: 'e' }], refresh: [0] },
  { name: 'a server error', mode: 'standard', steps: [{ fail: Object.assign(new Error('oops'), { name: 'InternalServerException', $fault: 'server', $metadata: { httpStatusCode: 500 } }) }], refresh: ['refuse'] },
  { name: 'a connection reset', mode: 'standard', steps: [{ fail: Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' }) }, { ok: 'f' }], refresh: [0] },
  { name: 'a thrown string', mode: 'standard', steps: [{ fail: 'plain words' }], refresh: ['refuse'] },
  { name: 'a thrown object', mode: 'standard', steps: [{ fail: { name: 'Odd', message: 'not an Error' } }], refresh: ['refuse'] },
  { name: 'a thrown number', mode: 'standard', steps: [{ fail: 42 }], refresh: ['refuse'] },
  { name: 'an abort during an attempt', mode: 'standard', steps: [{ fail: throttled(), abort: true }, { ok: 'never' }], refresh: [0] },
  { name: 'an abort while the strategy waits', mode: 'standard', steps: [{ fail: throttled() }, { ok: 'never' }], refresh: [0], abortAt: { refresh: 1, then: 'hang' } },
  { name: 'an abort during the backoff', mode: 'standard', steps: [{ fail: throttled() }, { ok: 'never' }], refresh: [50], abortAt: { refresh: 1, then: 'answer' } },
];

interface Trace {
  calls: unknown[];
  headers: Array<Record<string, string>>;
  outcome: unknown;
}

const token = (count: number, delay: number): RetryToken => ({ getRetryCount: () => count, getRetryDelay: () => delay, $retryLog: { acquisitionDelay: count ? 1 : 0 } });

/** Runs one scenario through `run`, with a strategy that follows the script and records what it is told. */
async function trace(s: Scenario, run: (strategy: RetryStrategy, request: HttpRequest, signal: AbortSignal, attempt: () => Promise<{ output: { $metadata: object; text: string } }>) => Promise<unknown>): Promise<Trace> {
  const calls: unknown[] = [];
  const headers: Array<Record<string, string>> = [];
  const controller = new AbortController();
  let refreshes = 0;
  const strategy: RetryStrategy = {
    mode: s.mode,
    acquireInitialRetryToken: async (scope) => {
      calls.push(['acquire', scope]);
      return token(0, 0);
    },
    refreshRetryTokenForRetry: async (t, info) => {
      refreshes += 1;
      const hint = info.retryAfterHint ? Math.floor(info.retryAfterHint.getTime() / 1000) : undefined;
      calls.push(['refresh', t.getRetryCount(), info.errorType, hint === undefined ? undefined : hint - Math.floor(Date.now() / 1000) > 0]);
      const next = s.refresh[refreshes - 1];
      if (s.abortAt?.refresh === refreshes) {
        controller.abort(new Error('client went away'));
        if (s.abortAt.then === 'hang') return new Promise(() => undefined);
      }
      if (next === 'refuse' || next === undefined) throw new Error('No retry token available');
      return token(t.getRetryCount() + 1, next);
    },
    recordSuccess: (t) => calls.push(['success', t.getRetryCount()]),
  };
  let step = 0;
  const attempt = async () => {
    const current = s.steps[step++];
    if ('fail' in current) {
      if (current.abort) controller.abort(new Error('client went away'));
      throw current.fail;
    }
    return { output: { $metadata: {}, text: current.ok } };
  };
  const request = new HttpRequest({ method: 'POST', hostname: 'example.com', path: '/', headers: { 'content-type': 'application/json' } });
  const seen = () => {
    const h = request.headers;
    headers.push({ request: h['amz-sdk-request'], invocation: typeof h['amz-sdk-invocation-id'] === 'string' && /^[0-9a-f-]{36}$/.test(h['amz-sdk-invocation-id']) ? 'uuid' : String(h['amz-sdk-invocation-id']) });
  };
  const recorded = async () => {
    seen();
    return attempt();
  };
  let outcome: unknown;
  try {
    const out = (await run(strategy, request, controller.signal, recorded)) as { output: { $metadata: object; text: string } };
    outcome = { ok: out.output };
  } catch (e) {
    const err = e as Error & { $metadata?: unknown; cause?: unknown };
    outcome = { error: { isError: err instanceof Error, name: err.name, message: err.message, metadata: err.$metadata, cause: (err.cause as Error | undefined)?.message, odd: (err as { odd?: unknown }).odd } };
  }
  if (step > 0) expect(new Set(headers.map((h) => h.invocation))).toEqual(new Set(['uuid']));
  return { calls, headers, outcome };
}

describe('the lean retry loop does what the SDK retry middleware does', () => {
  it.each(SCENARIOS)('$name', async (s) => {
    const viaSdk = await trace(s, (strategy, request, signal, attempt) =>
      retryMiddleware({ retryStrategy: async () => strategy, maxAttempts: async () => 3 } as never)((async () => attempt()) as never, { __smithy_context: { abortSignal: signal } } as never)({ input: {}, request } as never),
    );
    const viaLean = await trace(s, (strategy, request, signal, attempt) => withRetries({ strategy, maxAttempts: 3 }, request, signal, attempt));
    expect(viaLean).toEqual(viaSdk);
  });

  it.each([
    ['two throttles, then success', { ok: { text: 'b', $metadata: { attempts: 3, totalRetryDelay: 14 } } }],
    ['a refused retry', { error: expect.objectContaining({ name: 'ThrottlingException', metadata: { httpStatusCode: 429, attempts: 1, totalRetryDelay: 0 } }) }],
    ['a thrown number', { error: expect.objectContaining({ isError: true, message: 'AWS SDK error wrapper for 42' }) }],
    ['an abort during an attempt', { error: expect.objectContaining({ name: 'ThrottlingException', metadata: { httpStatusCode: 429, attempts: 1, totalRetryDelay: 0 } }) }],
    ['an abort during the backoff', { error: expect.objectContaining({ name: 'AbortError', message: 'Request aborted', cause: 'client went away' }) }],
  ])('%s ends as expected (checked by hand, not only against the middleware)', async (name, expected) => {
    const s = SCENARIOS.find((x) => x.name === name)!;
    const viaLean = await trace(s, (strategy, request, signal, attempt) => withRetries({ strategy, maxAttempts: 3 }, request, signal, attempt));
    expect(viaLean.outcome).toEqual(expected);
  });

  it('tells the strategy of a Retry-After hint and the error type', async () => {
    const s = SCENARIOS.find((x) => x.name === 'x-amz-retry-after')!;
    const viaLean = await trace(s, (strategy, request, signal, attempt) => withRetries({ strategy, maxAttempts: 3 }, request, signal, attempt));
    expect(viaLean.calls).toEqual([['acquire', ''], ['refresh', 0, 'THROTTLING', true], ['success', 1]]);
    expect(viaLean.headers.map((h) => h.request)).toEqual(['attempt=1; max=3', 'attempt=2; max=3']);
  });
});
