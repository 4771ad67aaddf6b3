/**
 * Issue 18, findings 2 and 3, against the real server process: bodies of huge shapes are refused from their
 * text, before they cost memory; image URLs are held to a per-request byte budget (400) and a process-wide
 * cap on in-flight bytes (503 + Retry-After). The bounded script (scripts/hostile-burst.ts) runs here in a
 * smoke form; its full figures are in docs/operations.md.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator, type Emulator } from '../../emulator';
import { runHostileBurst } from '../../scripts/hostile-burst';
import { expectOpenAIError } from '../support/openai-error';
import { spawnGateway, stopLeftoverGateways, waitFor } from './support';

afterEach(stopLeftoverGateways);

describe('scripts/hostile-burst.ts (smoke)', () => {
  it('shapes: keys, parts, metadata pairs and depth beyond the defaults are 400s naming the limit, without the memory', async () => {
    const result = await runHostileBurst({ scenario: 'shapes', scale: 150_000 });
    expect(result.answers.map((a) => [a.status, a.code])).toEqual([
      [400, 'too_many_keys'],
      [400, 'too_many_items'],
      [400, 'too_many_keys'],
      [400, 'json_too_deep'],
    ]);
    // Before the budgets these took the gateway's peak RSS up by hundreds of MB (833 MB at the sizes).
    expect(result.rssPeakMb - result.rssStartMb).toBeLessThan(200);
  }, 120_000);

  it('media: a small burst ends in 200s and 503s only, well under the task memory', async () => {
    const result = await runHostileBurst({ scenario: 'media', burst: 4, urlsPerRequest: 5, imageBytes: 256 * 1024, env: { IMAGE_FETCH_MAX_INFLIGHT_BYTES: String(2 * 5 * 3_932_160) } });
    expect(result.answers.every((a) => a.status === 200 || (a.status === 503 && a.code === 'image_fetch_busy'))).toBe(true);
    expect(result.answers.some((a) => a.status === 200)).toBe(true);
    expect(result.rssPeakMb).toBeLessThan(1024);
  }, 120_000);
  it('key-stall: the held key is served while the secret endpoint hangs, and the rotated key gets in after it recovers', async () => {
    const result = await runHostileBurst({ scenario: 'key-stall', rounds: 1 });
    // The script throws when the held key is refused during the stall, and waits for the rotated key.
    expect(result.keyStall).toHaveLength(1);
  }, 120_000);
});

describe('image URL budgets on the real server', () => {
  const IMAGE = 256 * 1024;
  /** While fetching, a request reserves Bedrock's per-image limit for each URL (the size is not known yet). */
  const RESERVED_PER_URL = 3_932_160;
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(IMAGE - 8)]);
  let emulator: Emulator;
  let images: http.Server;
  let imagesUrl: string;
  /** Image requests answer only once the gate opens (so admitted requests stay in flight). */
  let gate: Promise<void> = Promise.resolve();
  let seen = 0;

  beforeAll(async () => {
    emulator = await startEmulator();
    images = http.createServer((req, res) => {
      seen++;
      req.resume();
      void gate.then(() => res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length }).end(png));
    });
    await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
    imagesUrl = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    images.closeAllConnections();
    await new Promise<void>((resolve) => images.close(() => resolve()));
    await emulator.close();
  });

  const gateway = (env: Record<string, string>) =>
    spawnGateway({ API_KEY: 'k', ALLOW_PRIVATE_URL_FETCH: 'true', AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emulator.url, AWS_ENDPOINT_URL_BEDROCK: emulator.url, ...env });
  const chat = (url: string, r: number, urls: number) =>
    fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, ...Array.from({ length: urls }, (_, i) => ({ type: 'image_url', image_url: { url: `${imagesUrl}/r${r}/${i}.png` } }))] }],
      }),
    });

  it('a request whose images add up to more than IMAGE_FETCH_MAX_REQUEST_BYTES is a 400 naming the limit', async () => {
    const gw = await gateway({ IMAGE_FETCH_MAX_REQUEST_BYTES: String(4 * IMAGE) });
    const over = await chat(gw.url, 0, 5);
    expect(over.status).toBe(400);
    const body = (await over.json()) as { error: { message: string } };
    expectOpenAIError(body, { type: 'invalid_request_error', code: 'image_urls_too_large' });
    expect(body.error.message).toContain(String(4 * IMAGE));
    expect((await chat(gw.url, 1, 4)).status).toBe(200);
  });

  it('requests beyond IMAGE_FETCH_MAX_INFLIGHT_BYTES get 503 with Retry-After before any fetch, and are served once there is room', async () => {
    const gw = await gateway({ IMAGE_FETCH_MAX_INFLIGHT_BYTES: String(2 * 5 * RESERVED_PER_URL) });
    let open!: () => void;
    gate = new Promise<void>((resolve) => (open = resolve));
    seen = 0;
    const first = [chat(gw.url, 0, 5), chat(gw.url, 1, 5)];
    await waitFor(() => seen === 10, 10_000, 'the first two requests fetching');
    const refused = await Promise.all([chat(gw.url, 2, 5), chat(gw.url, 3, 1)]);
    for (const res of refused) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('2');
      expectOpenAIError(await res.json(), { code: 'image_fetch_busy' });
    }
    expect(seen).toBe(10);
    open();
    expect((await Promise.all(first)).map((r) => r.status)).toEqual([200, 200]);
    expect((await chat(gw.url, 4, 5)).status).toBe(200);
  });
});
