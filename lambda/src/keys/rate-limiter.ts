/**
 * `limits.rpm` / `limits.tpm` across every gateway process: one atomic admission per request in the store
 * (see `KeyStore.admit`), so between them all processes admit no more requests in a minute than the limit
 * allows. Keys without limits never get here. The previous minute's counts, which no longer change (but for
 * the tokens of requests finishing late), are read once per key and minute and kept for a few seconds.
 */
import { DomainError } from '../errors/domain-error';
import type { KeyRecord, KeyStore, WindowCounts } from '../store/types';
import { currentMinuteAllowance, minuteOf, retryAfterSeconds } from './rate-window';

const PREVIOUS_TTL_MS = 5_000;

/** What an admitted request may tell its client (OpenAI's `x-ratelimit-*` headers). */
export interface Admission {
  readonly limitRequests?: number;
  readonly remainingRequests?: number;
  readonly limitTokens?: number;
  readonly remainingTokens?: number;
}

export class RateLimiter {
  private readonly previous = new Map<string, { minute: number; counts: WindowCounts; readAt: number }>();

  constructor(
    private readonly store: KeyStore,
    private readonly clock: () => number = Date.now,
    /** Tokens this process recorded for a key's window and has not written yet (they count at once). */
    private readonly unwrittenTokens: (keyId: string, minute: number) => number = () => 0,
  ) {}

  /** Counts the request, or throws 429 (`requests_limited` / `tokens_limited`) with Retry-After. */
  async admit(key: KeyRecord): Promise<Admission> {
    const limits = key.limits;
    if (!limits || (limits.rpm === undefined && limits.tpm === undefined)) return {};
    const now = this.clock();
    const minute = minuteOf(now);
    const prev = await this.previousOf(key.id, minute - 1, now);
    const allowance = currentMinuteAllowance(limits, prev, now);
    const maxRequests = allowance.maxRequests;
    const unwritten = limits.tpm === undefined ? 0 : this.unwrittenTokens(key.id, minute);
    const maxTokens = allowance.maxTokens - unwritten;
    const stored = await this.store.admit(key.id, minute, maxRequests, maxTokens);
    const result = { ...stored, tokens: stored.tokens + unwritten };
    if (result.admitted) {
      return {
        ...(limits.rpm !== undefined && { limitRequests: limits.rpm, remainingRequests: Math.max(0, maxRequests - result.requests) }),
        ...(limits.tpm !== undefined && { limitTokens: limits.tpm, remainingTokens: Math.max(0, allowance.maxTokens - result.tokens) }),
      };
    }
    const wait = retryAfterSeconds(limits, prev, result, now);
    const byRequests = limits.rpm !== undefined && stored.requests + 1 > maxRequests;
    if (byRequests) {
      throw new DomainError('requests_limited', `Rate limit reached for this API key on requests per minute (RPM): limit ${limits.rpm}. Please try again in ${wait}s.`, null, 'rate_limit_exceeded', wait);
    }
    throw new DomainError('tokens_limited', `Rate limit reached for this API key on tokens per minute (TPM): limit ${limits.tpm}. Please try again in ${wait}s.`, null, 'rate_limit_exceeded', wait);
  }

  private async previousOf(keyId: string, minute: number, now: number): Promise<WindowCounts> {
    const held = this.previous.get(keyId);
    if (held && held.minute === minute && now - held.readAt < PREVIOUS_TTL_MS) return held.counts;
    const counts = await this.store.readWindow(keyId, minute);
    this.previous.set(keyId, { minute, counts, readAt: now });
    return counts;
  }
}
