/**
 * API keys: held as SHA-256 digests and compared in constant time against every key, so neither the
 * length nor the position of a match shows in timing. Keys from Secrets Manager or SSM are fetched on first
 * use and refreshed after `refreshSeconds`, so a rotated key takes effect without a restart. A refresh runs
 * in the background while the last good keys keep serving: a key source that stalls never holds a request
 * whose key is known (a key that is not waits for the refresh in flight, which the sources bound in time).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export type KeyFetcher = () => Promise<readonly string[]>;

export interface KeyStoreOptions {
  /** Keys given directly (never refreshed). */
  readonly literal: readonly string[];
  /** Remote sources (Secrets Manager, SSM), each returning its current keys. */
  readonly fetchers: readonly KeyFetcher[];
  readonly refreshSeconds: number;
  readonly now?: () => number;
  readonly onRefreshError?: (err: unknown) => void;
}

const digest = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

export class ApiKeyStore {
  private readonly literal: Buffer[];
  private remote: Buffer[] = [];
  private loadedAt = -Infinity;
  private loading?: Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: KeyStoreOptions) {
    this.literal = options.literal.filter((k) => k !== '').map(digest);
    this.now = options.now ?? Date.now;
  }

  /** Fetches remote keys now; throws when a source cannot be read (a startup error for the server). */
  async load(): Promise<void> {
    if (this.options.fetchers.length === 0) return;
    const lists = await Promise.all(this.options.fetchers.map((f) => f()));
    const keys = lists.flat().filter((k) => k !== '');
    if (keys.length === 0) throw new Error('The configured API key source holds no key.');
    this.remote = keys.map(digest);
    this.loadedAt = this.now();
  }

  /** The refresh in flight, or a new one. It rejects only while there are no keys to serve. */
  private refresh(): Promise<void> {
    this.loading ??= this.load()
      .catch((err: unknown) => {
        // A failed refresh keeps the last good keys; with none yet, the caller must fail closed.
        if (this.remote.length === 0) throw err;
        this.loadedAt = this.now();
        this.options.onRefreshError?.(err);
      })
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async fresh(): Promise<void> {
    if (this.options.fetchers.length === 0) return;
    const stale = this.now() - this.loadedAt >= this.options.refreshSeconds * 1000;
    if (!stale) return;
    // Only the first load is waited for; later ones refresh behind the keys already held.
    if (this.remote.length > 0) void this.refresh().catch(() => undefined);
    else await this.refresh();
  }

  private matches(candidate: Buffer): boolean {
    let ok = false;
    for (const key of this.literal) ok = timingSafeEqual(key, candidate) || ok;
    for (const key of this.remote) ok = timingSafeEqual(key, candidate) || ok;
    return ok;
  }

  async verify(presented: string): Promise<boolean> {
    await this.fresh();
    const candidate = digest(presented);
    if (this.matches(candidate)) return true;
    // A key rotated in a moment ago may be what the refresh in flight brings.
    if (!this.loading) return false;
    await this.loading.catch(() => undefined);
    return this.matches(candidate);
  }
}

/**
 * A secret's value: a JSON object with `api_key` (or `api_keys`, a list, for rotation), or the plain key.
 */
export function keysFromSecretString(value: string): string[] {
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as { api_key?: unknown; api_keys?: unknown };
      const keys = [
        ...(typeof parsed.api_key === 'string' ? [parsed.api_key] : []),
        ...(Array.isArray(parsed.api_keys) ? parsed.api_keys.filter((k): k is string => typeof k === 'string') : []),
      ];
      if (keys.length) return keys;
    } catch {
      // not JSON after all: the whole string is the key
    }
  }
  return trimmed ? [trimmed] : [];
}
