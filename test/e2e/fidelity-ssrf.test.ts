/**
 * The SSRF guard end to end, with ALLOW_PRIVATE_URL_FETCH at its default (off): image URLs that point at
 * the gateway's own network are refused before any connection, and Bedrock is never called.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { startHarness, type Harness } from './harness';

const VISION = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
let h: Harness;
let trap: Server;
let trapPort: number;
let trapHits = 0;

beforeAll(async () => {
  h = await startHarness();
  // A server the gateway must never reach: any hit means the guard let a loopback URL through.
  trap = createServer((_req, res) => {
    trapHits++;
    res.writeHead(200, { 'content-type': 'image/png' }).end();
  });
  await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
  trapPort = (trap.address() as AddressInfo).port;
});
afterAll(async () => {
  trap.closeAllConnections();
  await new Promise((resolve) => trap.close(resolve));
  await h.close();
});
beforeEach(() => h.emulator.reset());

describe('refused image URLs', () => {
  it('an image URL for a model that cannot see is refused without being fetched', async () => {
    const err = await h.openai.chat.completions
      .create({ model: 'us.meta.llama3-3-70b-instruct-v1:0', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `http://127.0.0.1:${trapPort}/x.png` } }] }] })
      .catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).message).toContain('does not accept image input');
    expect(trapHits).toBe(0);
  });


  it.each([
    ['loopback', () => `http://127.0.0.1:${trapPort}/x.png`],
    ['localhost by name', () => `http://localhost:${trapPort}/x.png`],
    ['IPv6 loopback', () => `http://[::1]:${trapPort}/x.png`],
    ['IPv4-mapped loopback', () => `http://[::ffff:127.0.0.1]:${trapPort}/x.png`],
    ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/iam/security-credentials/'],
    ['a private network address', () => 'http://10.0.0.1/x.png'],
    ['a non-http scheme', () => 'file:///etc/passwd'],
  ])('%s', async (_name, url) => {
    const err = await h.openai.chat.completions
      .create({ model: VISION, messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: url() } }] }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toMatch(/^messages/);
    expect(trapHits).toBe(0);
    expect(h.emulator.lastRequest('converse')).toBeUndefined();
  });
});
