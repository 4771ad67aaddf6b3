/**
 * Managed key records, cached briefly so a request with a managed key pays no store round trip in the
 * common case. A record is used for `ttlMs` after it was read; past half that, the next request refreshes it
 * in the background; past all of it, the request waits for a fresh read. So a revoked, expired or changed key
 * takes effect everywhere within `ttlMs` (and at once in the process that changed it). Unknown ids are cached
 * too, so a stream of made-up keys cannot turn into a stream of store reads.
 */
import type { KeyRecord, KeyStore } from '../store/types';
import { claimedKeyId, secretMatches } from './secret';

interface Entry {
  record: KeyRecord | undefined;
  readAt: number;
  refreshing?: Promise<KeyRecord | undefined>;
}

export interface KeyCacheOptions {
  /** How long a read record is used. @default 5000 */
  readonly ttlMs?: number;
  /** Most records held; the oldest go first. @default 10000 */
  readonly maxEntries?: number;
  readonly clock?: () => number;
}

export class KeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly clock: () => number;

  constructor(
    private readonly store: KeyStore,
    options: KeyCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 5_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.clock = options.clock ?? Date.now;
  }

  /** The live key a presented secret belongs to, or undefined (not a managed key, unknown, wrong, revoked, expired). */
  async authenticate(presented: string): Promise<KeyRecord | undefined> {
    const id = claimedKeyId(presented);
    if (!id) return undefined;
    const record = await this.get(id);
    if (!record || !secretMatches(presented, record.secretHash)) return undefined;
    return isUsable(record, this.clock()) ? record : undefined;
  }

  /** The record of `id` as this cache sees it (the store's, at most `ttlMs` old). */
  async get(id: string): Promise<KeyRecord | undefined> {
    const now = this.clock();
    const entry = this.entries.get(id);
    if (entry) {
      const age = now - entry.readAt;
      if (age < this.ttlMs) {
        if (age >= this.ttlMs / 2) void this.refresh(id, entry).catch(() => undefined);
        return entry.record;
      }
      return this.refresh(id, entry);
    }
    const fresh: Entry = { record: undefined, readAt: -Infinity };
    return this.refresh(id, fresh);
  }

  /** What the admin API just wrote (or undefined for a key that is gone): this process sees it at once. */
  set(id: string, record: KeyRecord | undefined): void {
    this.remember(id, { record, readAt: this.clock() });
  }

  private refresh(id: string, entry: Entry): Promise<KeyRecord | undefined> {
    entry.refreshing ??= this.store
      .getKey(id)
      .then((record) => {
        this.remember(id, { record, readAt: this.clock() });
        return record;
      })
      .finally(() => (entry.refreshing = undefined));
    return entry.refreshing;
  }

  private remember(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}

/** Not revoked and not past `expiresAt` (unix seconds). */
export function isUsable(record: KeyRecord, nowMs: number): boolean {
  return record.revokedAt === undefined && (record.expiresAt === undefined || record.expiresAt * 1000 > nowMs);
}
