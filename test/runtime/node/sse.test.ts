import { Hono } from 'hono';
import { useHarness, readSse } from '../../e2e/harness';
import { failOnUnhandledRejections, expectNoUpstreamLeaks } from '../../reliability/support';
import { nodeResponseOf } from '../../../lambda/src/runtime/node/sse';

const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const ORIGIN = 'https://app.example';

describe('nodeResponseOf', () => {
  it.each([
    ['app.request() (no runtime bindings)', undefined],
    ['a Lambda event', { event: {}, lambdaContext: {} }],
    ['an object without a socket', { outgoing: { writeHead: () => undefined } }],
  ])('is undefined for %s', async (_name, env) => {
    const app = new Hono();
    let found: unknown = 'not called';
    app.get('/', (c) => {
      found = nodeResponseOf(c);
      return c.text('ok');
    });
    await app.request('/', {}, env);
    expect(found).toBeUndefined();
  });
});

describe('streams written straight to the Node response', () => {
  const h = useHarness({ ALLOWED_ORIGINS: `${ORIGIN},https://admin.example` });
  failOnUnhandledRejections();
  expectNoUpstreamLeaks(h);

  const chat = (stream: boolean, headers: Record<string, string> = {}) =>
    h.fetch('/api/v1/chat/completions', { method: 'POST', headers: { origin: ORIGIN, ...headers }, json: { model: MODEL, stream, messages: [{ role: 'user', content: 'one two three' }] } });

  it('send the headers Hono would have sent, CORS and request id included, then every event', async () => {
    const plain = await chat(false);
    await plain.text();
    for (let i = 0; i < 3; i++) {
      const res = await chat(true, { 'x-request-id': `req-${i}` });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/event-stream');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('x-request-id')).toBe(`req-${i}`);
      // The same CORS headers as a non-streaming response, the Vary that CORS adds after the handler too,
      // and nothing piled up from earlier streams.
      for (const name of ['access-control-allow-origin', 'access-control-expose-headers', 'vary']) {
        expect([name, res.headers.get(name)]).toEqual([name, plain.headers.get(name)]);
      }
      expect(res.headers.get('vary')).toBe('Origin');
      expect(res.headers.has('x-hono-already-sent')).toBe(false);
      const events = await readSse(res);
      expect(events.at(-1)).toBe('[DONE]');
      const text = events.slice(0, -1).map((e) => JSON.parse(e).choices[0]?.delta?.content ?? '').join('');
      expect(text).toBe('Emulated reply to: one two three');
    }
  });

  it('leave the error event as the last word when Bedrock fails mid-stream', async () => {
    h.emulator.enqueue({ content: [{ text: 'a b c d' }], midStreamException: { type: 'ModelStreamErrorException', afterDeltas: 2 } });
    const res = await chat(true);
    expect(res.status).toBe(200);
    const events = await readSse(res);
    expect(events).not.toContain('[DONE]');
    expect(JSON.parse(events.at(-1)!).error).toEqual(expect.objectContaining({ type: expect.any(String), message: expect.any(String) }));
  });
});
