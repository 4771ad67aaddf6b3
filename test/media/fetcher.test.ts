/**
 * The image URL fetcher against a real HTTP server on 127.0.0.1. Loopback is forbidden by the real
 * policy, so tests that need a fetch to succeed either allow private addresses (the operator's test switch)
 * or narrow the policy to one other loopback address to prove refusals happen before any connection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LookupAddress } from 'node:dns';
import type { GatewayError } from '../../lambda/src/http/errors';
import { clientErrorOf } from '../support/client-error';
import { createMediaFetcher, type MediaFetcherOptions } from '../../lambda/src/media/fetcher';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]);

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
const hits: string[] = [];
let server: Server;
let base: string;
let port: number;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const handler = routes.get(req.url ?? '');
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  routes.clear();
  hits.length = 0;
});

const image = (bytes: Buffer, type = 'image/png'): Handler => (_req, res) => res.writeHead(200, { 'content-type': type, 'content-length': bytes.length }).end(bytes);
const redirect = (to: string, status = 302): Handler => (_req, res) => res.writeHead(status, { location: to }).end();
const resolveTo = (table: Record<string, string[]>) => async (host: string): Promise<LookupAddress[]> => (table[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

async function refusal(urls: string[], opts: MediaFetcherOptions): Promise<GatewayError> {
  const err = await createMediaFetcher(opts).fetchAll(urls).then(() => undefined, (e: unknown) => e);
  expect(clientErrorOf(err)).toBeDefined();
  return clientErrorOf(err) as GatewayError;
}

/** Forbids 127.0.0.2 only, so 127.0.0.1 plays the public internet. */
const narrowed: MediaFetcherOptions = { allowPrivateAddresses: false, isForbidden: (a) => a === '127.0.0.2' };

describe('fetching', () => {
  it('fetches an image with the test switch on', async () => {
    routes.set('/a.png', image(PNG));
    const got = await createMediaFetcher({ allowPrivateAddresses: true }).fetchAll([`${base}/a.png`]);
    const media = got.get(`${base}/a.png`);
    expect(media?.mimeType).toBe('image/png');
    expect(Buffer.from(media?.bytes ?? []).equals(PNG)).toBe(true);
  });

  it('fetches each distinct URL once', async () => {
    routes.set('/a.png', image(PNG));
    routes.set('/b.jpg', image(JPEG, 'image/jpeg'));
    const got = await createMediaFetcher({ allowPrivateAddresses: true }).fetchAll([`${base}/a.png`, `${base}/b.jpg`, `${base}/a.png`]);
    expect([...got.keys()]).toEqual([`${base}/a.png`, `${base}/b.jpg`]);
    expect(hits.sort()).toEqual(['/a.png', '/b.jpg']);
  });

  it('connects to the address it vetted, not to whatever DNS says at connect time', async () => {
    routes.set('/a.png', image(PNG));
    // A .test name never resolves through the system resolver: success proves the pinned lookup was used.
    const opts = { allowPrivateAddresses: true, resolve: resolveTo({ 'images.example.test': ['127.0.0.1'] }) };
    const got = await createMediaFetcher(opts).fetchAll([`http://images.example.test:${port}/a.png`]);
    expect(got.size).toBe(1);
  });

  it('follows up to 3 redirects, relative ones included', async () => {
    routes.set('/r1', redirect(`${base}/r2`, 301));
    routes.set('/r2', redirect('/r3', 307));
    routes.set('/r3', redirect(`${base}/a.png`, 308));
    routes.set('/a.png', image(PNG));
    const got = await createMediaFetcher({ allowPrivateAddresses: true }).fetchAll([`${base}/r1`]);
    expect(got.get(`${base}/r1`)?.mimeType).toBe('image/png');
    expect(hits).toEqual(['/r1', '/r2', '/r3', '/a.png']);
  });
});

describe('SSRF guard', () => {
  it('refuses loopback with the switch off, before connecting', async () => {
    routes.set('/a.png', image(PNG));
    const err = await refusal([`${base}/a.png`], { allowPrivateAddresses: false });
    expect(err.status).toBe(400);
    expect(err.param).toBe('messages');
    expect(err.code).toBe('invalid_image_url');
    expect(err.message).toMatch(/private, loopback, link-local or metadata/);
    expect(hits).toEqual([]);
  });

  it.each([
    ['the metadata address', 'http://169.254.169.254/latest/meta-data/'],
    ['a private address', 'http://10.0.0.1/x.png'],
    ['IPv6 loopback', 'http://[::1]/x.png'],
    ['an IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/x.png'],
    ['a decimal-encoded loopback', 'http://2130706433/x.png'],
  ])('refuses %s literal', async (_name, url) => {
    expect((await refusal([url], { allowPrivateAddresses: false })).code).toBe('invalid_image_url');
  });

  it('refuses a name that resolves to a private address, or to any private address among others', async () => {
    const resolve = resolveTo({ 'inside.test': ['10.1.2.3'], 'mixed.test': ['93.184.216.34', '169.254.169.254'] });
    expect((await refusal(['http://inside.test/x.png'], { allowPrivateAddresses: false, resolve })).message).toMatch(/private/);
    expect((await refusal(['http://mixed.test/x.png'], { allowPrivateAddresses: false, resolve })).message).toMatch(/private/);
  });

  it('re-checks every redirect hop', async () => {
    routes.set('/hop', redirect(`http://127.0.0.2:${port}/secret.png`));
    routes.set('/hop-by-name', redirect(`http://rebind.test:${port}/secret.png`));
    routes.set('/secret.png', image(PNG));
    expect((await refusal([`${base}/hop`], narrowed)).message).toMatch(/private/);
    const resolve = resolveTo({ 'rebind.test': ['127.0.0.2'] });
    expect((await refusal([`${base}/hop-by-name`], { ...narrowed, resolve })).message).toMatch(/private/);
    expect(hits).toEqual(['/hop', '/hop-by-name']);
  });

  it('stops after 3 redirects', async () => {
    for (let i = 0; i < 5; i++) routes.set(`/loop${i}`, redirect(`/loop${i + 1}`));
    expect((await refusal([`${base}/loop0`], narrowed)).message).toMatch(/redirects too many times/);
    expect(hits).toHaveLength(4);
  });

  it.each([
    ['ftp URLs', 'ftp://127.0.0.1/x.png', /only http and https/],
    ['credentials in the URL', 'http://user:pw@127.0.0.1/x.png', /credentials/],
    ['names that do not resolve', 'http://nowhere.test/x.png', /does not resolve/],
  ])('refuses %s', async (_name, url, message) => {
    expect((await refusal([url], { ...narrowed, resolve: resolveTo({}) })).message).toMatch(message);
  });
});

describe('content checks and limits', () => {
  it.each([
    ['HTML', 'text/html', Buffer.from('<html></html>'), /content type 'text\/html'/],
    ['SVG', 'image/svg+xml', Buffer.from('<svg/>'), /content type 'image\/svg\+xml'/],
    ['a PNG type over JPEG bytes', 'image/png', JPEG, /not the png image/],
  ])('refuses %s', async (_name, type, bytes, message) => {
    routes.set('/x', image(bytes, type));
    expect((await refusal([`${base}/x`], narrowed)).message).toMatch(message);
  });

  it('refuses a non-200 answer', async () => {
    expect((await refusal([`${base}/missing.png`], narrowed)).message).toMatch(/HTTP 404/);
  });

  it('refuses a body over the size cap, declared or not', async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(5000)]);
    routes.set('/declared.png', image(big));
    routes.set('/chunked.png', (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(big.subarray(0, 2000));
      res.end(big.subarray(2000));
    });
    expect((await refusal([`${base}/declared.png`], { ...narrowed, maxBytes: 1000 })).message).toMatch(/larger than 1000 bytes/);
    expect((await refusal([`${base}/chunked.png`], { ...narrowed, maxBytes: 1000 })).message).toMatch(/larger than 1000 bytes/);
  });

  it('gives up on a server that does not answer in time', async () => {
    routes.set('/slow.png', () => undefined); // never answers: only the timeout can end the fetch
    const err = await refusal([`${base}/slow.png`], { ...narrowed, timeoutMs: 200 });
    expect(err.code).toBe('image_fetch_timeout');
  });

  it('caps the number of URLs per request', async () => {
    const urls = Array.from({ length: 3 }, (_, i) => `${base}/${i}.png`);
    expect((await refusal(urls, { ...narrowed, maxUrls: 2 })).code).toBe('too_many_images');
    expect(hits).toEqual([]);
  });
});

describe('byte and concurrency budgets (issue 18, finding 3)', () => {
  /** A PNG of `size` bytes (the signature, then zeros). */
  const pngOf = (size: number) => Buffer.concat([PNG.subarray(0, 8), Buffer.alloc(size - 8)]);
  /** Answers after `gate` opens, so fetches stay in flight while the test looks. */
  const gated = (bytes: Buffer, gate: Promise<void>): Handler => (_req, res) => void gate.then(() => res.writeHead(200, { 'content-type': 'image/png' }).end(bytes));

  it('refuses a request whose images add up to more than its budget, naming the limit', async () => {
    routes.set('/a.png', image(pngOf(3000)));
    routes.set('/b.png', image(pngOf(3000)));
    const err = await refusal([`${base}/a.png`, `${base}/b.png`], { allowPrivateAddresses: true, maxRequestBytes: 5000 });
    expect([err.status, err.code]).toEqual([400, 'image_urls_too_large']);
    expect(err.message).toContain('5000 bytes');
  });

  it('fetches a request whose images add up to its budget exactly', async () => {
    routes.set('/a.png', image(pngOf(2500)));
    routes.set('/b.png', image(pngOf(2500)));
    const got = await createMediaFetcher({ allowPrivateAddresses: true, maxRequestBytes: 5000 }).fetchAll([`${base}/a.png`, `${base}/b.png`]);
    expect(got.size).toBe(2);
  });

  it.each([
    ['in-flight bytes', { maxBytes: 4000, maxInflightBytes: 10_000 }, 3],
    ['concurrent fetches', { maxConcurrentFetches: 4 }, 3],
  ])('answers 503 with Retry-After when the process cap on %s is full, before connecting, and admits again once released', async (_name, caps, urls) => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    for (let i = 0; i < 6; i++) routes.set(`/g${i}.png`, gated(pngOf(100), gate));
    const fetcher = createMediaFetcher({ allowPrivateAddresses: true, ...caps });
    let release!: () => void;
    const first = fetcher.fetchAll(Array.from({ length: urls }, (_, i) => `${base}/g${i}.png`), undefined, (r) => (release = r));
    const second = fetcher.fetchAll([`${base}/g3.png`, `${base}/g4.png`]).then(() => undefined, (e: unknown) => clientErrorOf(e) as GatewayError);
    const err = await second;
    expect([err?.status, err?.code, err?.retryAfterSeconds]).toEqual([503, 'image_fetch_busy', 2]);
    expect(hits.filter((h) => h === '/g3.png' || h === '/g4.png')).toHaveLength(0);
    open();
    expect((await first).size).toBe(urls);
    // The first request still holds its (now small) bytes; fetches are over: room for the next one.
    expect((await fetcher.fetchAll([`${base}/g4.png`])).size).toBe(1);
    release();
    expect((await fetcher.fetchAll([`${base}/g5.png`, `${base}/g3.png`, `${base}/g4.png`])).size).toBe(3);
  });

  it('gives the bytes back when a request fails', async () => {
    routes.set('/big.png', image(pngOf(3000)));
    routes.set('/ok.png', image(pngOf(100)));
    const fetcher = createMediaFetcher({ allowPrivateAddresses: true, maxBytes: 4000, maxInflightBytes: 4000, maxRequestBytes: 2000 });
    for (let i = 0; i < 3; i++) await expect(fetcher.fetchAll([`${base}/big.png`])).rejects.toBeDefined();
    let held = false;
    await fetcher.fetchAll([`${base}/ok.png`], undefined, () => (held = true));
    expect(held).toBe(true);
    // Held (unreleased) 100 bytes + a new worst case of 2000 fit in 4000: nothing leaked from the failures.
    expect((await fetcher.fetchAll([`${base}/ok.png`])).size).toBe(1);
  });
});
