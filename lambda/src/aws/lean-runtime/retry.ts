/**
 * The lean client's retry loop: what the SDK's `retryMiddleware` does for one call, over the same retry
 * strategy object the client's configuration chose (standard or adaptive, `AWS_MAX_ATTEMPTS`), with the
 * SDK's own error classification and Retry-After parsing.
 *
 * Why not the middleware itself: per call it awaits two providers, races the token acquisition against the
 * abort signal (a promise, a listener and a `Promise.race` even when nothing can wait), and makes an
 * `Error` (with its stack trace) that it never throws on success; together about 4 % of the gateway's CPU per
 * request in a profile at concurrency 16. Here the providers are read once, only a strategy that can wait
 * (adaptive mode's rate limiter) is raced against the signal, and nothing is made on the way to a success.
 *
 * Kept as the middleware does it: one invocation id per call and an `attempt=N; max=M` header per attempt;
 * the strategy decides every retry and its delay (its capacity, backoff and Retry-After hint); a failure
 * leaves with `$metadata.attempts` and `totalRetryDelay`, a success with the same in its output; an abort
 * while waiting rejects with the `AbortError` the middleware's race makes. `test/aws/lean-runtime/
 * differential.test.ts` holds both clients to the same results and retry headers.
 */
import { randomUUID } from 'node:crypto';
import { getRetryAfterHint, INVOCATION_ID_HEADER, isServerError, isThrottlingError, isTransientError, REQUEST_HEADER, type HttpRequest } from './sdk-parts';
import { abortError } from './transport';

export interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
  readonly $retryLog?: { acquisitionDelay?: number };
}

interface RetryErrorInfo {
  readonly error: unknown;
  readonly errorType: 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR';
  retryAfterHint?: Date;
}

/** The SDK's retry strategy interface (v2), as the client's `retryStrategy()` provides it. */
export interface RetryStrategy {
  readonly mode?: string;
  acquireInitialRetryToken(scope: string): Promise<RetryToken>;
  refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken>;
  recordSuccess(token: RetryToken): void;
}

export interface RetryPolicy {
  readonly strategy: RetryStrategy;
  readonly maxAttempts: number;
  readonly logger?: unknown;
}

interface WithMetadata {
  $metadata?: { attempts?: number; totalRetryDelay?: number };
}

/** Reads the client's retry configuration once; a strategy of the SDK's older (v1) kind is refused. */
export async function retryPolicyOf(config: { retryStrategy(): Promise<unknown>; maxAttempts(): Promise<number>; logger?: unknown }): Promise<RetryPolicy> {
  const strategy = (await config.retryStrategy()) as Partial<RetryStrategy>;
  if (typeof strategy.acquireInitialRetryToken !== 'function' || typeof strategy.refreshRetryTokenForRetry !== 'function' || typeof strategy.recordSuccess !== 'function') {
    throw new Error('The lean Bedrock client needs a retry strategy of the SDK\'s current kind (acquireInitialRetryToken); set BEDROCK_CLIENT=sdk.');
  }
  return { strategy: strategy as RetryStrategy, maxAttempts: await config.maxAttempts(), logger: config.logger };
}

/** Rejects with the middleware's AbortError when the signal fires first. */
function race<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.race([promise, Promise.reject(abortError(signal))]);
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return race(new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), signal).finally(() => clearTimeout(timer));
}

function errorInfoOf(error: unknown, logger: unknown): RetryErrorInfo {
  const e = error as Parameters<typeof isThrottlingError>[0];
  const errorType = isThrottlingError(e) ? 'THROTTLING' : isTransientError(e) ? 'TRANSIENT' : isServerError(e) ? 'SERVER_ERROR' : 'CLIENT_ERROR';
  const info: RetryErrorInfo = { error, errorType };
  const hint = getRetryAfterHint((error as { $response?: unknown } | null)?.$response as never, logger as never);
  if (hint) info.retryAfterHint = hint;
  return info;
}

/** What the middleware throws for a value that is not an Error. */
function asSdkError(error: unknown): Error & WithMetadata {
  if (error instanceof Error) return error;
  if (error instanceof Object) return Object.assign(new Error(), error);
  if (typeof error === 'string') return new Error(error);
  return new Error(`AWS SDK error wrapper for ${String(error)}`);
}

/** Runs `attempt` until it succeeds or the strategy refuses another try. */
export async function withRetries<R extends { output: WithMetadata }>(policy: RetryPolicy, request: HttpRequest, signal: AbortSignal | undefined, attempt: () => Promise<R>): Promise<R> {
  const { strategy, maxAttempts } = policy;
  // Standard mode hands out the first token at once; only adaptive mode's rate limiter can make it wait.
  const first = strategy.acquireInitialRetryToken('');
  let token = await (strategy.mode === 'standard' ? first : race(first, signal));
  let attempts = 0;
  let totalRetryDelay = 0;
  request.headers[INVOCATION_ID_HEADER] = randomUUID();
  for (;;) {
    try {
      request.headers[REQUEST_HEADER] = `attempt=${attempts + 1}; max=${maxAttempts}`;
      const result = await attempt();
      strategy.recordSuccess(token);
      const metadata = (result.output.$metadata ??= {});
      metadata.attempts = attempts + 1;
      metadata.totalRetryDelay = totalRetryDelay;
      return result;
    } catch (e) {
      const info = errorInfoOf(e, policy.logger);
      const error = asSdkError(e);
      try {
        if (signal?.aborted) throw error;
        token = await race(strategy.refreshRetryTokenForRetry(token, info), signal);
      } catch (refused) {
        if (refused !== error && signal?.aborted && (refused as { name?: unknown } | null)?.name === 'AbortError') throw refused;
        const metadata = (error.$metadata ??= {});
        metadata.attempts = attempts + 1;
        metadata.totalRetryDelay = totalRetryDelay;
        throw error;
      }
      attempts = token.getRetryCount();
      const delay = token.getRetryDelay();
      totalRetryDelay += (token.$retryLog?.acquisitionDelay ?? 0) + delay;
      if (delay > 0) await sleep(delay, signal);
    }
  }
}
