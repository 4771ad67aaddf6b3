/**
 * The model catalog, cached with a TTL and refreshed stale-while-revalidate: readers get the last good
 * catalog at once and a refresh starts behind them. One load runs at a time; after a failure the next
 * attempt waits `retryMs`, so a control-plane outage costs one call per interval, not one per request.
 * Nothing loads until the first reader asks.
 */
import type { Catalog, CatalogEntry } from './catalog-entries';

export type CatalogStatus = 'fresh' | 'stale' | 'unavailable';

export interface CatalogCacheOptions {
  load(signal: AbortSignal): Promise<Catalog>;
  readonly ttlMs: number;
  /** Wait after a failed load before trying again. */
  readonly retryMs: number;
  /** Upper bound on one load (all its pages). */
  readonly loadTimeoutMs: number;
  /** An unknown name forces a reload at most this often (a new application profile becomes usable). */
  readonly recheckMs: number;
  readonly now?: () => number;
  onError?(err: unknown): void;
}

/** What model resolution needs from the catalog. */
export interface CatalogView {
  /** The catalog as it is now, without waiting; starts a refresh when it is due. */
  current(): Catalog | undefined;
  /** The catalog as it is now, if one was loaded; never starts a load. */
  peek(): Catalog | undefined;
  /** Looks `name` up, reloading (bounded by `maxWaitMs`) when it is unknown and a reload is allowed. */
  lookup(name: string, maxWaitMs: number): Promise<{ entry?: CatalogEntry; loaded: boolean }>;
}

/** A promise that settles by `ms` at the latest (resolving undefined), without keeping the process alive. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, ms, undefined);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** What the /models route needs on top: waiting for a first load and saying how fresh the answer is. */
export interface ModelCatalog extends CatalogView {
  ready(maxWaitMs: number): Promise<Catalog | undefined>;
  status(): CatalogStatus;
  readonly lastError?: string;
}

export class CatalogCache implements ModelCatalog {
  private catalog?: Catalog;
  private loadedAt = -Infinity;
  private attemptedAt = -Infinity;
  private failedAt = -Infinity;
  private inflight?: Promise<Catalog | undefined>;
  private error?: string;
  private readonly now: () => number;

  constructor(private readonly options: CatalogCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The last load's failure, when the catalog is not fresh because of it. */
  get lastError(): string | undefined {
    return this.error;
  }

  status(): CatalogStatus {
    if (!this.catalog) return 'unavailable';
    return this.now() - this.loadedAt < this.options.ttlMs ? 'fresh' : 'stale';
  }

  current(): Catalog | undefined {
    if (this.due()) void this.refresh();
    return this.catalog;
  }

  peek(): Catalog | undefined {
    return this.catalog;
  }

  /** The current catalog, waiting up to `maxWaitMs` when there is none yet. */
  async ready(maxWaitMs: number): Promise<Catalog | undefined> {
    const catalog = this.current();
    if (catalog || !this.inflight) return catalog;
    return within(this.inflight, maxWaitMs);
  }

  async lookup(name: string, maxWaitMs: number): Promise<{ entry?: CatalogEntry; loaded: boolean }> {
    const known = this.current()?.find(name);
    if (known) return { entry: known, loaded: true };
    const now = this.now();
    if (!this.inflight && now - this.attemptedAt >= this.options.recheckMs && now - this.failedAt >= this.options.retryMs) void this.refresh();
    if (this.inflight) await within(this.inflight, maxWaitMs);
    return { entry: this.catalog?.find(name), loaded: this.catalog !== undefined };
  }

  /** Starts a load unless one is running; never rejects. */
  refresh(): Promise<Catalog | undefined> {
    this.inflight ??= this.loadOnce().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private due(): boolean {
    if (this.inflight || this.now() - this.failedAt < this.options.retryMs) return false;
    return !this.catalog || this.now() - this.loadedAt >= this.options.ttlMs;
  }

  private async loadOnce(): Promise<Catalog | undefined> {
    this.attemptedAt = this.now();
    try {
      const catalog = await this.options.load(AbortSignal.timeout(this.options.loadTimeoutMs));
      this.catalog = catalog;
      this.loadedAt = this.now();
      this.error = undefined;
      return catalog;
    } catch (err) {
      this.failedAt = this.now();
      this.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      this.options.onError?.(err);
      return this.catalog;
    }
  }
}
