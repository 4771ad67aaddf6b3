/**
 * Usage writes, off the request's path: finished requests' usage is held in memory and written in one batch
 * (one atomic ADD per key, model and day) every `flushMs`, or when a runtime asks (`flush()`: a Lambda
 * invocation before it ends, a server before it exits). A failed write is kept and tried again with the next
 * batch; past `maxPending` rows the oldest are dropped and logged, so a store outage cannot grow memory
 * without bound. Requests that write the same row (key, model, day, rate window) are added up in memory.
 */
import { addCounts, totalTokens, ZERO_USAGE } from '../store/key-records';
import type { KeyStore, UsageCounts, UsageEntry } from '../store/types';

export interface UsageRecorderOptions {
  /** Milliseconds between batched writes; 0 writes each request's usage as soon as it is over. @default 1000 */
  readonly flushMs?: number;
  /** Most usage rows (key, model, day, minute) held while writes fail. @default 10000 */
  readonly maxPending?: number;
  readonly onError?: (err: unknown, dropped: number) => void;
}

/** Entries that write to the same usage row and rate window add up here, so a batch holds one per row. */
const rowOf = (e: UsageEntry): string => `${e.keyId}\n${e.model}\n${e.day}\n${e.minute ?? ''}`;

export class UsageRecorder {
  private pending = new Map<string, UsageEntry>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private readonly flushMs: number;
  private readonly maxPending: number;

  constructor(
    private readonly store: KeyStore,
    private readonly options: UsageRecorderOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 1_000;
    this.maxPending = options.maxPending ?? 10_000;
  }

  record(entry: UsageEntry): void {
    this.add(entry);
    if (this.flushMs === 0) {
      void this.flush();
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.flushMs);
      this.timer.unref?.();
    }
  }

  private add(entry: UsageEntry): void {
    const row = rowOf(entry);
    const held = this.pending.get(row);
    this.pending.set(row, held ? { ...held, ...addCounts(held, entry) } : entry);
  }

  /** Usage of `keyId` recorded here and not yet written. */
  pendingFor(keyId: string): UsageCounts {
    let sum = ZERO_USAGE;
    for (const e of this.pending.values()) if (e.keyId === keyId) sum = addCounts(sum, e);
    return sum;
  }

  /** Tokens of `keyId` recorded here in rate window `minute` and not yet written. */
  pendingTokens(keyId: string, minute: number): number {
    let sum = 0;
    for (const e of this.pending.values()) if (e.keyId === keyId && e.minute === minute) sum += totalTokens(e);
    return sum;
  }

  /** Usage rows waiting to be written. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Writes everything recorded so far; resolves when it is written (or kept for the next try). Never rejects. */
  async flush(): Promise<void> {
    if (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.store
      .addUsage([...batch.values()])
      .catch((err: unknown) => {
        // Kept for the next write, added to whatever was recorded meanwhile; the oldest rows go past the cap.
        const kept = this.pending;
        this.pending = batch;
        for (const e of kept.values()) this.add(e);
        const dropped = Math.max(0, this.pending.size - this.maxPending);
        for (const row of [...this.pending.keys()].slice(0, dropped)) this.pending.delete(row);
        this.options.onError?.(err, dropped);
      })
      .finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
