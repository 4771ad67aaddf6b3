/**
 * API keys: held as SHA-256 digests and compared in constant time against every key, so neither the
 * length nor the position of a match shows in timing. Keys from Secrets Manager or SSM are fetched on first
 * use and refreshed after `refreshSeconds`, so a rotated key takes effect without a restart.
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

  private async fresh(): Promise<void> {
    if (this.options.fetchers.length === 0) return;
    const stale = this.now() - this.loadedAt >= this.options.refreshSeconds * 1000;
    if (!stale) return;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    try {
      await this.loading;
    } catch (err) {
      // A failed refresh keeps the last good keys; with none yet, the caller must fail closed.
      if (this.remote.length === 0) throw err;
      this.loadedAt = this.now();
      this.options.onRefreshError?.(err);
    }
  }

  async verify(presented: string): Promise<boolean> {
    await this.fresh();
    const candidate = digest(presented);
    let ok = false;
    for (const key of this.literal) ok = timingSafeEqual(key, candidate) || ok;
    for (const key of this.remote) ok = timingSafeEqual(key, candidate) || ok;
    return ok;
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
