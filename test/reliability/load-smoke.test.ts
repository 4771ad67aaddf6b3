/**
 * A few seconds of the load test (scripts/load-test.ts) so the suite notices when it breaks; the figures
 * in docs/operations.md come from the full run by hand.
 */
import { runLoadTest } from '../../scripts/load-test';

it('serves mixed streaming and non-streaming traffic with no errors, no leaks and a clean drain', async () => {
  const result = await runLoadTest({ concurrency: [16], durationSeconds: 3, maxRequests: 5000, streamRatio: 0.5, upstreamLatencyMs: 5, deltaDelayMs: 1, words: 20 });
  expect(result.totalRequests).toBeGreaterThan(50);
  expect(result.levels[0].errorKinds).toEqual({});
  expect(result.leftOpen).toEqual({ inFlight: 0, openStreams: 0 });
  expect(result.gateway.exitCode).toBe(0);
  expect(result.gateway.rssPeakMb).toBeGreaterThan(0);
}, 30_000);
