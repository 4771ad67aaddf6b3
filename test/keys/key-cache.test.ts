/**
 * The managed-key cache: one store read per key per TTL, a background refresh in the second half, a wait
 * past it, revocation and expiry honoured, unknown ids cached too, and a presented secret checked in full.
 */
import { KeyCache } from '../../lambda/src/keys/key-cache';
import { hashSecret, newManagedKey } from '../../lambda/src/keys/secret';
import type { KeyRecord, KeyStore } from '../../lambda/src/store/types';

function fakeStore(records: Map<string, KeyRecord>) {
  const reads: string[] = [];
  const store = {
    async getKey(id: string) {
      reads.push(id);
      return records.get(id);
    },
  } as unknown as KeyStore;
  return { store, reads };
}

describe('KeyCache', () => {
  const { id, key } = newManagedKey();
  const record: KeyRecord = { id, name: 'a', secretHash: hashSecret(key), hint: key.slice(-4), createdAt: 0 };
  let now = 1_000_000;
  const clock = () => now;

  it('reads a key once per TTL and refreshes it in the background in the second half', async () => {
    const records = new Map([[id, record]]);
    const { store, reads } = fakeStore(records);
    const cache = new KeyCache(store, { ttlMs: 5_000, clock });
    expect(await cache.authenticate(key)).toEqual(record);
    now += 2_000;
    expect(await cache.authenticate(key)).toEqual(record);
    expect(reads).toHaveLength(1);
    // Second half: served from the cache, a refresh starts behind it, which sees the revocation.
    records.set(id, { ...record, revokedAt: 1 });
    now += 1_000;
    expect(await cache.authenticate(key)).toEqual(record);
    await new Promise((r) => setImmediate(r));
    expect(reads).toHaveLength(2);
    expect(await cache.authenticate(key)).toBeUndefined();
  });

  it('waits for a fresh read once the TTL has passed', async () => {
    const records = new Map([[id, record]]);
    const { store, reads } = fakeStore(records);
    const cache = new KeyCache(store, { ttlMs: 5_000, clock });
    await cache.authenticate(key);
    records.delete(id);
    now += 5_000;
    expect(await cache.authenticate(key)).toBeUndefined();
    expect(reads).toHaveLength(2);
  });

  it('refuses an expired key, a wrong secret of the right shape, and anything not shaped like a managed key without a read', async () => {
    const { store, reads } = fakeStore(new Map([[id, { ...record, expiresAt: Math.floor(now / 1000) - 1 }]]));
    const cache = new KeyCache(store, { ttlMs: 5_000, clock });
    expect(await cache.authenticate(key)).toBeUndefined();
    const forged = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    expect(await cache.authenticate(forged)).toBeUndefined();
    expect(await cache.authenticate('sk-some-root-key')).toBeUndefined();
    expect(reads).toEqual([id]);
  });

  it('caches unknown ids too, so made-up keys do not become store reads', async () => {
    const { store, reads } = fakeStore(new Map());
    const cache = new KeyCache(store, { ttlMs: 5_000, clock });
    const other = newManagedKey();
    for (let i = 0; i < 20; i++) expect(await cache.authenticate(other.key)).toBeUndefined();
    expect(reads).toEqual([other.id]);
  });
});
