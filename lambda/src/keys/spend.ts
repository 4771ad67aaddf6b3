/**
 * A key's spend in its budget period, without a store read per request: the period's usage is read from the
 * store at most every `refreshMs` per key (in the background once known), and what this process recorded
 * since is added at once. Another process's spend is seen within `refreshMs`; the budget can therefore be
 * overrun by the requests in flight when it is reached, plus what other processes spend within `refreshMs`.
 */
import { DomainError } from '../errors/domain-error';
import { addCounts, subtractCounts, totalTokens, ZERO_USAGE } from '../store/key-records';
import type { KeyRecord, KeyStore, UsageCounts } from '../store/types';
import { periodOf } from './periods';
import type { UsageRecorder } from './usage-recorder';

interface Entry {
  from: string;
  base: UsageCounts;
  local: UsageCounts;
  readAt: number;
  refreshing?: Promise<void>;
}

export class SpendTracker {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly store: KeyStore,
    private readonly recorder: UsageRecorder,
    private readonly refreshMs = 5_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Throws 429 `insufficient_quota` (Retry-After: until the period rolls over) when the budget is spent. */
  async check(key: KeyRecord): Promise<void> {
    const budget = key.budget;
    if (!budget || (budget.tokens === undefined && budget.usd === undefined)) return;
    const now = this.clock();
    const period = periodOf(budget.period, now);
    let entry = this.entries.get(key.id);
    if (!entry || entry.from !== period.from) {
      entry = { from: period.from, base: ZERO_USAGE, local: ZERO_USAGE, readAt: -Infinity };
      this.entries.set(key.id, entry);
    }
    // Never read yet (or the first read failed): wait for it, so a store outage fails closed.
    if (entry.readAt === -Infinity) await this.refresh(key.id, entry, period.to);
    else if (now - entry.readAt >= this.refreshMs) {
      void this.refresh(key.id, entry, period.to).catch(() => undefined);
    }
    const spent = addCounts(entry.base, entry.local);
    const overTokens = budget.tokens !== undefined && totalTokens(spent) >= budget.tokens;
    const overUsd = budget.usd !== undefined && spent.costNanoUsd >= budget.usd * 1e9;
    if (overTokens || overUsd) {
      const wait = Math.max(1, Math.ceil((period.endsAtMs - now) / 1000));
      const what = overTokens ? `${budget.tokens} tokens` : `${budget.usd} USD`;
      throw new DomainError('quota_exceeded', `This API key has used its budget of ${what} for this ${budget.period}. It renews in ${wait}s.`, null, 'insufficient_quota', wait);
    }
  }

  /** Usage this process just recorded for the key. */
  add(keyId: string, counts: UsageCounts): void {
    const entry = this.entries.get(keyId);
    if (entry) entry.local = addCounts(entry.local, counts);
  }

  private refresh(keyId: string, entry: Entry, to: string): Promise<void> {
    entry.refreshing ??= (async () => {
      // What is recorded here but not yet written counts too (a write racing this read may count twice,
      // for a few seconds, which errs on the side of the budget).
      const pending = this.recorder.pendingFor(keyId);
      const localAtStart = entry.local;
      const rows = await this.store.readUsage([keyId], entry.from, to);
      let base = pending;
      for (const r of rows) base = addCounts(base, r);
      entry.base = base;
      entry.local = subtractCounts(entry.local, localAtStart);
      entry.readAt = this.clock();
    })().finally(() => (entry.refreshing = undefined));
    return entry.refreshing;
  }
}
