/**
 * The sliding-window arithmetic of rpm / tpm, with expectations worked out by hand from the definition:
 * estimate(t) = ceil(previous × (1 − elapsed fraction of this minute)) + current.
 */
import { currentMinuteAllowance, minuteOf, retryAfterSeconds } from '../../lambda/src/keys/rate-window';

const MINUTE = 29_000_000 * 60_000;
const at = (seconds: number) => MINUTE + seconds * 1000;

describe('currentMinuteAllowance', () => {
  it.each([
    // limits, previous minute, seconds into this minute → what this minute may hold
    [{ rpm: 10 }, { requests: 0, tokens: 0 }, 0, 10],
    [{ rpm: 10 }, { requests: 10, tokens: 0 }, 0, 0],
    [{ rpm: 10 }, { requests: 10, tokens: 0 }, 30, 5],
    [{ rpm: 10 }, { requests: 10, tokens: 0 }, 54, 9],
    [{ rpm: 10 }, { requests: 10, tokens: 0 }, 59, 9],
    [{ rpm: 60 }, { requests: 7, tokens: 0 }, 20, 55],
  ])('%j, previous %j, %is in: %i requests', (limits, previous, seconds, maxRequests) => {
    expect(currentMinuteAllowance(limits, previous, at(seconds)).maxRequests).toBe(maxRequests);
  });

  it('takes tokens the same way and leaves an unset limit unbounded', () => {
    const a = currentMinuteAllowance({ tpm: 1000 }, { requests: 3, tokens: 600 }, at(15));
    expect(a.maxTokens).toBe(1000 - 450);
    expect(a.maxRequests).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('counts minutes from the epoch', () => {
    expect(minuteOf(at(59.999))).toBe(29_000_000);
    expect(minuteOf(at(60))).toBe(29_000_001);
  });
});

describe('retryAfterSeconds', () => {
  it.each([
    // A full minute and nothing before it: the next minute starts with 10 × (1 − f) weighed in; one more fits when ceil(10(1−f)) ≤ 9, i.e. f ≥ 0.1: 6 s into the next minute.
    [{ rpm: 10 }, { requests: 0, tokens: 0 }, { requests: 10, tokens: 0 }, 0, 66],
    // Previous minute full, 5 now, 30 s in: ceil(10(1−f)) + 5 ≤ 9 needs f ≥ 0.6: 36 s in, 6 s from now.
    [{ rpm: 10 }, { requests: 10, tokens: 0 }, { requests: 5, tokens: 0 }, 30, 6],
    // Tokens: 1000 used this minute of 1000, 10 s in: next minute needs ceil(1000(1−g)) < 1000, any g > 0: 51 s.
    [{ tpm: 1000 }, { requests: 0, tokens: 0 }, { requests: 1, tokens: 1000 }, 10, 51],
  ])('%j, previous %j, current %j at %is: %is', (limits, previous, current, seconds, wait) => {
    expect(retryAfterSeconds(limits, previous, current, at(seconds))).toBe(wait);
  });
});
