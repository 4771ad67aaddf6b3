/**
 * Usage batching: rows add up in memory, one write per batch, a failed write kept (and added to what came
 * meanwhile) for the next one, and a cap on what is held while the store is down.
 */
import { UsageRecorder } from '../../lambda/src/keys/usage-recorder';
import type { KeyStore, UsageEntry } from '../../lambda/src/store/types';

const entry = (keyId: string, model: string, inputTokens: number): UsageEntry => ({
  keyId,
  model,
  day: '2026-12-03',
  requests: 1,
  inputTokens,
  outputTokens: 1,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  costNanoUsd: 0,
  unpricedRequests: 1,
});

function store(failures: number) {
  const writes: UsageEntry[][] = [];
  let left = failures;
  const s = {
    async addUsage(entries: readonly UsageEntry[]) {
      if (left-- > 0) throw new Error('down');
      writes.push([...entries]);
    },
  } as unknown as KeyStore;
  return { s, writes };
}

describe('UsageRecorder', () => {
  it('adds requests of the same key, model and day into one row and writes one batch', async () => {
    const { s, writes } = store(0);
    const r = new UsageRecorder(s, { flushMs: 60_000 });
    r.record(entry('a', 'm', 10));
    r.record(entry('a', 'm', 5));
    r.record(entry('b', 'm', 1));
    expect(r.pendingCount).toBe(2);
    expect(r.pendingFor('a')).toMatchObject({ requests: 2, inputTokens: 15, outputTokens: 2 });
    await r.flush();
    expect(writes).toHaveLength(1);
    expect(writes[0].map((e) => [e.keyId, e.requests, e.inputTokens])).toEqual([
      ['a', 2, 15],
      ['b', 1, 1],
    ]);
    expect(r.pendingCount).toBe(0);
    r.close();
  });

  it('keeps a failed batch and adds it to what was recorded meanwhile', async () => {
    const { s, writes } = store(1);
    const errors: number[] = [];
    const r = new UsageRecorder(s, { flushMs: 60_000, onError: (_e, dropped) => errors.push(dropped) });
    r.record(entry('a', 'm', 10));
    const failing = r.flush();
    r.record(entry('a', 'm', 1));
    await failing;
    expect(errors).toEqual([0]);
    expect(r.pendingFor('a')).toMatchObject({ requests: 2, inputTokens: 11 });
    await r.flush();
    expect(writes).toEqual([[expect.objectContaining({ keyId: 'a', requests: 2, inputTokens: 11 })]]);
    r.close();
  });

  it('drops the oldest rows beyond maxPending while the store is down, and says how many', async () => {
    const { s } = store(Infinity);
    const dropped: number[] = [];
    const r = new UsageRecorder(s, { flushMs: 60_000, maxPending: 3, onError: (_e, n) => dropped.push(n) });
    for (const k of ['a', 'b', 'c', 'd', 'e']) r.record(entry(k, 'm', 1));
    await r.flush();
    expect(dropped).toEqual([2]);
    expect(r.pendingCount).toBe(3);
    expect(r.pendingFor('a').requests).toBe(0);
    expect(r.pendingFor('e').requests).toBe(1);
    r.close();
  });
});
