/**
 * Managed API keys at request time, in one place: who a presented key is (`KeyCache`), whether it may make
 * this call now (`SpendTracker` for its budget, `RateLimiter` for rpm / tpm) and what it used
 * (`UsageRecorder`, with the operator's prices). The admin API writes through `store` and tells the cache.
 */
import type { TokenCounts } from '../log/request-telemetry';
import type { KeyRecord, KeyStore, UsageEntry } from '../store/types';
import { KeyCache } from './key-cache';
import { dayOf } from './periods';
import { costNanoUsd, priceOf, type PriceTable } from './pricing';
import { RateLimiter, type Admission } from './rate-limiter';
import { minuteOf } from './rate-window';
import { SpendTracker } from './spend';
import { UsageRecorder } from './usage-recorder';

export interface ManagedKeysOptions {
  readonly prices: PriceTable;
  /** How long a key record is used before it is read again (revocation delay). @default 5000 */
  readonly cacheTtlMs?: number;
  /** How often a key's budget spend is read back from the store. @default 5000 */
  readonly spendRefreshMs?: number;
  /** How often usage is written. @default 1000 */
  readonly flushMs?: number;
  readonly clock?: () => number;
  readonly onUsageWriteError?: (err: unknown, dropped: number) => void;
}

/** The model a request used, by every name a price or a usage row may know it by. */
export interface UsedModel {
  /** The Bedrock id resolved (usage rows are kept under it). */
  readonly modelId: string;
  readonly foundationModelId?: string;
}

export class ManagedKeys {
  readonly cache: KeyCache;
  private readonly limiter: RateLimiter;
  private readonly spend: SpendTracker;
  private readonly recorder: UsageRecorder;
  private readonly clock: () => number;

  constructor(
    readonly store: KeyStore,
    private readonly options: ManagedKeysOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.cache = new KeyCache(store, { ttlMs: options.cacheTtlMs, clock: this.clock });
    this.recorder = new UsageRecorder(store, { flushMs: options.flushMs, onError: options.onUsageWriteError });
    this.limiter = new RateLimiter(store, this.clock, (keyId, minute) => this.recorder.pendingTokens(keyId, minute));
    this.spend = new SpendTracker(store, this.recorder, options.spendRefreshMs, this.clock);
  }

  get hasPrices(): boolean {
    return this.options.prices.length > 0;
  }

  authenticate(presented: string): Promise<KeyRecord | undefined> {
    return this.cache.authenticate(presented);
  }

  /** Budget first (no point counting a request the budget refuses), then the rate window. */
  async admit(key: KeyRecord): Promise<Admission> {
    await this.spend.check(key);
    return this.limiter.admit(key);
  }

  /** One admitted request is over: its usage (Bedrock's counts; none when it failed before an answer). */
  record(key: KeyRecord, model: UsedModel, usage: TokenCounts | undefined): void {
    const now = this.clock();
    const counts = {
      requests: 1,
      inputTokens: usage?.inputTokens ?? 0,
      outputTokens: usage?.outputTokens ?? 0,
      cacheReadTokens: usage?.cacheReadInputTokens ?? 0,
      cacheWriteTokens: usage?.cacheWriteInputTokens ?? 0,
    };
    const price = priceOf(this.options.prices, [model.modelId, model.foundationModelId]);
    const entry: UsageEntry = {
      keyId: key.id,
      model: model.modelId,
      day: dayOf(now),
      ...(key.limits?.tpm !== undefined && { minute: minuteOf(now) }),
      ...counts,
      costNanoUsd: price ? costNanoUsd(price, counts) : 0,
      unpricedRequests: price ? 0 : 1,
    };
    this.recorder.record(entry);
    this.spend.add(key.id, entry);
  }

  /** Writes the usage recorded so far (a Lambda invocation before it returns; a server before it exits). */
  flush(): Promise<void> {
    return this.recorder.flush();
  }

  get pendingUsage(): number {
    return this.recorder.pendingCount;
  }

  /** Writes what is recorded, then releases the store. */
  async close(): Promise<void> {
    this.recorder.close();
    await this.recorder.flush();
    await this.store.close();
  }
}
