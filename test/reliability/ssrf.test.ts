/**
 * SSRF through the HTTP surface of the real server (production policy: ALLOW_PRIVATE_URL_FETCH off): image
 * URLs naming loopback, private, link-local, metadata or IPv6-mapped addresses, in any spelling, are refused
 * with a 400 before any connection is made. Redirect and DNS-rebinding cases need a public first hop, which
 * loopback cannot provide; test/media/fetcher.test.ts covers them with injected resolvers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHarness, type Harness } from '../e2e/harness';
import { expectOpenAIError } from '../support/openai-error';
import { watchUnhandled } from './support';

const VISION_MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
let h: Harness;
let target: http.Server;
let port = 0;
let hits = 0;
let unhandled: ReturnType<typeof watchUnhandled>;

beforeAll(async () => {
  unhandled = watchUnhandled();
  h = await startHarness();
  // What an attacker would want to reach: a service on the gateway's own host.
  target = http.createServer((_req, res) => {
    hits += 1;
    res.writeHead(200, { 'content-type': 'image/png' });
    res.end(PNG);
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  port = (target.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => target.close(resolve));
  await h.close();
  unhandled.dispose();
  expect(unhandled.errors).toEqual([]);
});

const ask = (url: string) =>
  h.fetch('/v1/chat/completions', { method: 'POST', json: { model: VISION_MODEL, messages: [{ role: 'user', content: [{ type: 'text', text: 'see' }, { type: 'image_url', image_url: { url } }] }] } });

describe('image URLs the gateway must not fetch', () => {
  it.each([
    ['loopback', () => `http://127.0.0.1:${port}/a.png`],
    ['localhost', () => `http://localhost:${port}/a.png`],
    ['loopback in short form', () => `http://127.1:${port}/a.png`],
    ['loopback as a decimal number', () => `http://2130706433:${port}/a.png`],
    ['loopback in hex', () => `http://0x7f000001:${port}/a.png`],
    ['IPv6 loopback', () => `http://[::1]:${port}/a.png`],
    ['IPv4-mapped IPv6 loopback', () => `http://[::ffff:127.0.0.1]:${port}/a.png`],
    ['the unspecified address', () => `http://0.0.0.0:${port}/a.png`],
    ['the EC2 metadata service', () => 'http://169.254.169.254/latest/meta-data/iam/security-credentials/'],
    ['the EC2 metadata service over IPv6', () => 'http://[fd00:ec2::254]/latest/meta-data/'],
    ['the ECS task metadata endpoint', () => 'http://169.254.170.2/v2/credentials'],
    ['a private network', () => 'http://10.0.0.1/a.png'],
    ['another private network', () => 'http://192.168.1.10/a.png'],
    ['carrier-grade NAT', () => 'http://100.64.0.1/a.png'],
    ['a mapped private address', () => 'http://[::ffff:10.0.0.1]/a.png'],
    ['a non-http scheme', () => `file:///etc/passwd`],
  ])('%s → 400, nothing fetched', async (_name, url) => {
    const before = hits;
    const res = await ask(url());
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { param: string; code: string; message: string } };
    expectOpenAIError(body, { type: 'invalid_request_error' });
    expect(body.error.param).toMatch(/^messages/);
    expect(hits).toBe(before);
    // Refused on the address, not after a connection attempt failed or timed out (media/fetcher.ts names those).
    expect(body.error.code).not.toBe('image_fetch_timeout');
    expect(body.error.message).not.toMatch(/the connection failed|did not answer in time/);
    expect(h.emulator.requests.filter((r) => r.operation.startsWith('converse'))).toEqual([]);
  });
});
