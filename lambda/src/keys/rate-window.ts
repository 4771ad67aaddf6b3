/**
 * The sliding 60-second window of `limits.rpm` / `limits.tpm`, as pure arithmetic. Counters live per UTC
 * minute in the store; the window's estimate at a moment is the current minute's count plus the previous
 * minute's count weighted by how much of it still lies within the last 60 seconds (the estimate rounds up,
 * so it never admits more than a uniform spread of the previous minute would allow).
 */
import type { WindowCounts } from '../store/types';

export const minuteOf = (nowMs: number): number => Math.floor(nowMs / 60_000);

export interface WindowLimits {
  readonly rpm?: number;
  readonly tpm?: number;
}

/** The most the current minute may hold, given the previous minute: what `KeyStore.admit` is called with. */
export function currentMinuteAllowance(limits: WindowLimits, previous: WindowCounts, nowMs: number): { readonly maxRequests: number; readonly maxTokens: number } {
  const still = 1 - (nowMs % 60_000) / 60_000;
  return {
    maxRequests: limits.rpm === undefined ? Number.MAX_SAFE_INTEGER : limits.rpm - Math.ceil(previous.requests * still),
    maxTokens: limits.tpm === undefined ? Number.MAX_SAFE_INTEGER : limits.tpm - Math.ceil(previous.tokens * still),
  };
}

/** Whole seconds (at least 1) until the window would admit one more request, for Retry-After. */
export function retryAfterSeconds(limits: WindowLimits, previous: WindowCounts, current: WindowCounts, nowMs: number): number {
  const fits = (prev: WindowCounts, cur: WindowCounts, fraction: number): boolean => {
    const still = 1 - fraction;
    const requestsOk = limits.rpm === undefined || Math.ceil(prev.requests * still) + cur.requests + 1 <= limits.rpm;
    const tokensOk = limits.tpm === undefined || Math.ceil(prev.tokens * still) + cur.tokens < limits.tpm;
    return requestsOk && tokensOk;
  };
  const fraction = (nowMs % 60_000) / 60_000;
  for (let s = 1; s <= 120; s++) {
    const f = fraction + s / 60;
    if (f < 1 ? fits(previous, current, f) : fits(current, { requests: 0, tokens: 0 }, f - 1)) return s;
  }
  return 120;
}
