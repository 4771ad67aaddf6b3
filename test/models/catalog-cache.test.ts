import { CatalogCache, within } from '../../lambda/src/models/catalog-cache';
import { indexCatalog, type Catalog, type CatalogEntry } from '../../lambda/src/models/catalog-entries';

const entry = (id: string): CatalogEntry => ({ id, invokeId: id, kind: 'chat', source: 'foundation-model', foundationModelId: id, ownedBy: 'x', created: 0, otherNames: [] });
const catalogOf = (...ids: string[]): Catalog => indexCatalog(ids.map(entry));

/** A load the test settles by hand, and a clock it moves by hand. */
function harness(opts: { ttlMs?: number; retryMs?: number; recheckMs?: number } = {}) {
  let time = 1_000_000;
  const pending: Array<{ resolve: (c: Catalog) => void; reject: (e: unknown) => void }> = [];
  const errors: unknown[] = [];
  const cache = new CatalogCache({
    ttlMs: opts.ttlMs ?? 60_000,
    retryMs: opts.retryMs ?? 5_000,
    recheckMs: opts.recheckMs ?? 10_000,
    loadTimeoutMs: 1_000,
    now: () => time,
    load: () => new Promise<Catalog>((resolve, reject) => pending.push({ resolve, reject })),
    onError: (e) => errors.push(e),
  });
  const flush = () => new Promise((r) => setImmediate(r));
  return {
    cache,
    pending,
    errors,
    advance: (ms: number) => {
      time += ms;
    },
    async settle(result: Catalog | Error) {
      const next = pending.shift();
      if (!next) throw new Error('no load in flight');
      if (result instanceof Error) next.reject(result);
      else next.resolve(result);
      await flush();
    },
  };
}

describe('CatalogCache', () => {
  it('loads nothing until asked', () => {
    const h = harness();
    expect(h.pending).toHaveLength(0);
    expect(h.cache.status()).toBe('unavailable');
  });

  it('starts one load for many readers and serves it once done', async () => {
    const h = harness();
    expect(h.cache.current()).toBeUndefined();
    h.cache.current();
    void h.cache.ready(50);
    expect(h.pending).toHaveLength(1);
    await h.settle(catalogOf('a'));
    expect(h.cache.current()?.find('a')?.id).toBe('a');
    expect(h.cache.status()).toBe('fresh');
    expect(h.pending).toHaveLength(0);
  });

  it('serves the stale catalog at once and refreshes behind it', async () => {
    const h = harness({ ttlMs: 1000 });
    h.cache.current();
    await h.settle(catalogOf('a'));
    h.advance(1000);
    expect(h.cache.status()).toBe('stale');
    expect(h.cache.current()?.find('a')).toBeDefined();
    expect(h.pending).toHaveLength(1);
    await h.settle(catalogOf('b'));
    expect(h.cache.current()?.find('b')).toBeDefined();
    expect(h.cache.current()?.find('a')).toBeUndefined();
  });

  it('keeps the last good catalog when a refresh fails, and waits retryMs before the next try', async () => {
    const h = harness({ ttlMs: 1000, retryMs: 5000 });
    h.cache.current();
    await h.settle(catalogOf('a'));
    h.advance(1000);
    h.cache.current();
    await h.settle(new Error('down'));
    expect(h.errors).toHaveLength(1);
    expect(h.cache.lastError).toBe('Error: down');
    expect(h.cache.current()?.find('a')).toBeDefined();
    h.advance(4999);
    h.cache.current();
    expect(h.pending).toHaveLength(0);
    h.advance(1);
    h.cache.current();
    expect(h.pending).toHaveLength(1);
    await h.settle(catalogOf('a'));
    expect(h.cache.lastError).toBeUndefined();
  });

  it('bounds the wait for a first load', async () => {
    const h = harness();
    // The load stays pending until settled below: resolving at all means the wait gave up on it.
    await expect(h.cache.ready(30)).resolves.toBeUndefined();
    expect(h.pending).toHaveLength(1);
    await h.settle(catalogOf('a'));
    await expect(h.cache.ready(30)).resolves.toBeDefined();
  });

  describe('lookup', () => {
    it('reloads for an unknown name at most every recheckMs', async () => {
      const h = harness({ recheckMs: 10_000 });
      h.cache.current();
      await h.settle(catalogOf('a'));
      h.advance(10_000);
      const first = h.cache.lookup('new', 1000);
      expect(h.pending).toHaveLength(1);
      await h.settle(catalogOf('a', 'new'));
      await expect(first).resolves.toMatchObject({ entry: { id: 'new' }, loaded: true });
      await expect(h.cache.lookup('other', 1000)).resolves.toEqual({ entry: undefined, loaded: true });
      expect(h.pending).toHaveLength(0);
    });

    it('says when there is no catalog to look in', async () => {
      const h = harness();
      const result = h.cache.lookup('x', 1000);
      await h.settle(new Error('down'));
      await expect(result).resolves.toEqual({ entry: undefined, loaded: false });
    });

    it('gives up waiting after maxWaitMs', async () => {
      const h = harness();
      await expect(h.cache.lookup('x', 20)).resolves.toEqual({ entry: undefined, loaded: false });
      expect(h.pending).toHaveLength(1);
    });
  });
});

describe('within', () => {
  it('gives the value of a promise that settles in time', async () => {
    await expect(within(Promise.resolve('value'), 50)).resolves.toBe('value');
  });

  it('gives undefined for a promise that never settles, once the time is up', async () => {
    await expect(within(new Promise<string>(() => undefined), 20)).resolves.toBeUndefined();
  });
});
