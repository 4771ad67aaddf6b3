import { ApiKeyStore, keysFromSecretString } from '../../lambda/src/auth/key-store';

describe('ApiKeyStore', () => {
  it('accepts any configured literal key and nothing else', async () => {
    const store = new ApiKeyStore({ literal: ['alpha', 'beta'], fetchers: [], refreshSeconds: 60 });
    await expect(store.verify('alpha')).resolves.toBe(true);
    await expect(store.verify('beta')).resolves.toBe(true);
    await expect(store.verify('alph')).resolves.toBe(false);
    await expect(store.verify('')).resolves.toBe(false);
  });

  it('fetches once, caches, and picks up a rotated key after the refresh interval', async () => {
    let now = 0;
    let current = 'old';
    const fetcher = jest.fn(async () => [current]);
    const store = new ApiKeyStore({ literal: [], fetchers: [fetcher], refreshSeconds: 60, now: () => now });
    await expect(store.verify('old')).resolves.toBe(true);
    current = 'new';
    now = 59_000;
    await expect(store.verify('new')).resolves.toBe(false);
    expect(fetcher).toHaveBeenCalledTimes(1);
    now = 60_000;
    await expect(store.verify('new')).resolves.toBe(true);
    await expect(store.verify('old')).resolves.toBe(false);
    expect(fetcher).toHaveBeenCalledTimes(2);
  });

  it('keeps the last good keys when a refresh fails, and fails closed with none', async () => {
    let now = 0;
    let fail = false;
    const onRefreshError = jest.fn();
    const store = new ApiKeyStore({ literal: [], fetchers: [async () => (fail ? Promise.reject(new Error('down')) : ['k'])], refreshSeconds: 1, now: () => now, onRefreshError });
    await expect(store.verify('k')).resolves.toBe(true);
    fail = true;
    now = 5_000;
    await expect(store.verify('k')).resolves.toBe(true);
    // The refresh runs behind the held keys: let it settle.
    await new Promise(setImmediate);
    expect(onRefreshError).toHaveBeenCalledTimes(1);
    const cold = new ApiKeyStore({ literal: [], fetchers: [async () => Promise.reject(new Error('down'))], refreshSeconds: 1 });
    await expect(cold.verify('k')).rejects.toThrow('down');
  });

  it('shares one fetch between concurrent first requests', async () => {
    const fetcher = jest.fn(async () => ['k']);
    const store = new ApiKeyStore({ literal: [], fetchers: [fetcher], refreshSeconds: 60 });
    await Promise.all([store.verify('k'), store.verify('k'), store.verify('x')]);
    expect(fetcher).toHaveBeenCalledTimes(1);
  });
});

describe('keysFromSecretString', () => {
  it.each([
    ['{"api_key":"abc"}', ['abc']],
    ['{"api_keys":["a","b"]}', ['a', 'b']],
    ['{"api_key":"a","api_keys":["b"]}', ['a', 'b']],
    ['plain-key\n', ['plain-key']],
    ['{not json', ['{not json']],
    ['', []],
  ])('%j → %j', (value, keys) => {
    expect(keysFromSecretString(value)).toEqual(keys);
  });
});

describe('a key source that stalls (issue 18, finding 1)', () => {
  it('never holds a request with a known key: the refresh runs behind the keys already held', async () => {
    let now = 0;
    let stall = false;
    const fetcher = jest.fn(async (): Promise<string[]> => (stall ? new Promise<string[]>(() => undefined) : ['k']));
    const store = new ApiKeyStore({ literal: [], fetchers: [fetcher], refreshSeconds: 1, now: () => now });
    await expect(store.verify('k')).resolves.toBe(true);
    stall = true;
    now = 5_000;
    // The refresh below never settles; answering at all is the point.
    await expect(store.verify('k')).resolves.toBe(true);
    await expect(store.verify('k')).resolves.toBe(true);
    expect(fetcher).toHaveBeenCalledTimes(2);
  });

  it('lets a key rotated in a moment ago in once the refresh in flight brings it', async () => {
    let now = 0;
    let current = 'old';
    let release: () => void = () => undefined;
    const fetcher = jest.fn(async () => {
      if (current === 'new') await new Promise<void>((resolve) => (release = resolve));
      return [current];
    });
    const store = new ApiKeyStore({ literal: [], fetchers: [fetcher], refreshSeconds: 1, now: () => now });
    await expect(store.verify('old')).resolves.toBe(true);
    current = 'new';
    now = 5_000;
    const pending = store.verify('new');
    release();
    await expect(pending).resolves.toBe(true);
  });
});
