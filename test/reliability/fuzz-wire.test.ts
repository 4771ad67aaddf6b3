/**
 * Fuzzing at the wire, against the real Node server: bytes that are not UTF-8, bodies that stop short,
 * content types that lie, malformed HTTP. Every answer is an OpenAI-shaped 4xx (or a 2xx for a valid
 * request), never a 5xx or a hang, and the server keeps serving the next client.
 */
import fc from 'fast-check';
import net from 'node:net';
import { TEST_KEY, useHarness } from '../e2e/harness';
import { expectOpenAIError } from '../support/openai-error';
import { failOnUnhandledRejections, MODEL, waitFor } from './support';

const h = useHarness();
failOnUnhandledRejections();
let cases = 0;
afterAll(() => {
  process.stderr.write(`fuzz-wire: ${cases} raw HTTP cases\n`);
});

const VALID = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });

async function postBytes(body: Uint8Array | string, contentType?: string): Promise<Response> {
  cases += 1;
  const headers: Record<string, string> = { authorization: `Bearer ${TEST_KEY}` };
  if (contentType !== undefined) headers['content-type'] = contentType;
  return fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers, body: typeof body === 'string' ? body : Buffer.from(body) });
}

async function expectSafe(res: Response): Promise<void> {
  const text = await res.text();
  expect(res.status).toBeLessThan(500);
  if (res.status >= 400) expectOpenAIError(JSON.parse(text));
}

/** Writes raw bytes on a fresh connection and returns whatever comes back before the server closes it. */
function raw(bytes: string | Buffer, opts: { endAfterWrite?: boolean; destroyAfterMs?: number } = {}): Promise<string> {
  cases += 1;
  return new Promise((resolve) => {
    const socket = net.connect(h.gateway.port, '127.0.0.1');
    let received = '';
    socket.on('data', (d) => (received += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(received));
    socket.write(bytes);
    if (opts.endAfterWrite) socket.end();
    if (opts.destroyAfterMs !== undefined) setTimeout(() => socket.destroy(), opts.destroyAfterMs);
  });
}

const statusOf = (response: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
const bodyOf = (response: string): unknown => JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));

async function stillServing(): Promise<void> {
  const res = await postBytes(VALID, 'application/json');
  expect(res.status).toBe(200);
  await res.text();
  await waitFor(() => h.emulator.inFlight === 0, 2000, 'upstream idle');
}

describe('bytes that are not UTF-8 or not JSON', () => {
  it('random bytes under random content types', async () => {
    const contentType = fc.constantFrom(undefined, 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', 'application/json; charset=latin1', '');
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), contentType, async (bytes, type) => {
        await expectSafe(await postBytes(bytes, type));
      }),
      { numRuns: 150 },
    );
    await stillServing();
  });

  it('valid JSON whose strings hold invalid UTF-8 sequences', async () => {
    const invalid = fc.constantFrom([0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0x80]);
    await fc.assert(
      fc.asyncProperty(fc.array(invalid, { minLength: 1, maxLength: 5 }), async (seqs) => {
        const [before, after] = VALID.split('"hi"');
        const body = Buffer.concat([Buffer.from(`${before}"h`), ...seqs.map((s) => Buffer.from(s)), Buffer.from(`i"${after}`)]);
        const res = await postBytes(body, 'application/json');
        expect([200, 400]).toContain(res.status);
        await expectSafe(res);
      }),
      { numRuns: 50 },
    );
  });

  it('a valid request under any content type is served', async () => {
    for (const type of [undefined, 'text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await postBytes(VALID, type);
      expect(res.status).toBe(200);
      await res.text();
    }
  });
});

describe('bodies that stop short', () => {
  it('every prefix of a valid body, sent with its true length, is a 400', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: VALID.length - 1 }), async (n) => {
        const res = await postBytes(VALID.slice(0, n), 'application/json');
        expect(res.status).toBe(400);
        await expectSafe(res);
      }),
      { numRuns: 60 },
    );
  });

  it('a body shorter than its Content-Length, then the client hangs up', async () => {
    for (const [sent, destroyAfterMs] of [[10, 0], [VALID.length - 5, 50], [0, 20]] as const) {
      const head = `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TEST_KEY}\r\ncontent-type: application/json\r\ncontent-length: ${VALID.length}\r\n\r\n`;
      const response = await raw(head + VALID.slice(0, sent), { destroyAfterMs });
      // The client left before finishing: nothing may come back, and certainly no 5xx.
      expect(statusOf(response) === 0 || statusOf(response) < 500).toBe(true);
    }
    await stillServing();
  });

  it('a body shorter than its Content-Length, with the write side closed', async () => {
    const head = `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TEST_KEY}\r\ncontent-type: application/json\r\ncontent-length: ${VALID.length}\r\n\r\n`;
    const response = await raw(head + VALID.slice(0, 20), { endAfterWrite: true });
    expect(statusOf(response) === 0 || statusOf(response) < 500).toBe(true);
    await stillServing();
  });
});

describe('huge shapes on the wire (issue 18, finding 2)', () => {
  it('bodies of many keys, parts, pairs, levels or values get a 200 or an OpenAI-shaped 400, and the server keeps serving', async () => {
    const shape = fc.constantFrom('keys', 'parts', 'pairs', 'depth', 'values');
    await fc.assert(
      fc.asyncProperty(shape, fc.integer({ min: 1, max: 400_000 }), async (kind, n) => {
        const hi = '"messages":[{"role":"user","content":"hi"}]';
        const many = (item: (i: number) => string) => Array.from({ length: n }, (_, i) => item(i)).join(',');
        const body = {
          keys: () => `{"model":"${MODEL}",${hi},${many((i) => `"x${i}":0`)}}`,
          parts: () => `{"model":"${MODEL}","messages":[{"role":"user","content":[${many(() => '{"type":"text","text":"x"}')}]}]}`,
          pairs: () => `{"model":"${MODEL}",${hi},"metadata":{${many((i) => `"k${i}":"v"`)}}}`,
          depth: () => `{"model":"${MODEL}",${hi},"x":${'['.repeat(n)}${']'.repeat(n)}}`,
          values: () => `{"model":"${MODEL}",${hi},"x":[${many(() => '[0,0,0,0,0,0,0,0,0]')}]}`,
        }[kind]();
        const res = await postBytes(body, 'application/json');
        const text = await res.text();
        expect(res.status === 200 || res.status === 400).toBe(true);
        if (res.status === 400) expectOpenAIError(JSON.parse(text));
      }),
      { numRuns: 20 },
    );
    await stillServing();
  });
});

describe('malformed HTTP', () => {
  it.each([
    ['garbage instead of a request line → 400', 'NOT HTTP AT ALL\r\n\r\n', 400],
    ['a bad chunk size → 400', `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`, 400],
    ['both Content-Length and chunked → 400', `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\ntransfer-encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`, 400],
    ['headers larger than the server takes → 431', `GET /health HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
  ])('%s, with an OpenAI error body', async (_name, request, status) => {
    const response = await raw(request);
    expect(statusOf(response)).toBe(status);
    expectOpenAIError(bodyOf(response), { type: 'invalid_request_error' });
    await stillServing();
  });

  it('random bytes as the whole request never get a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (bytes) => {
        const response = await raw(Buffer.from(bytes), { destroyAfterMs: 100 });
        const status = statusOf(response);
        expect(status === 0 || status < 500).toBe(true);
      }),
      { numRuns: 40 },
    );
    await stillServing();
  });
});
