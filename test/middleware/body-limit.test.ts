import { Hono } from 'hono';
import { bodyLimitFast } from '../../lambda/src/middleware/body-limit';

function app(maxSize: number, guardBody = false) {
  const a = new Hono();
  if (guardBody) {
    // On the Node server, touching `raw.body` is what turns the lightweight request into a full one.
    a.use(async (c, next) => {
      Object.defineProperty(c.req.raw, 'body', {
        get() {
          throw new Error('raw.body was touched');
        },
      });
      await next();
    });
  }
  a.use(bodyLimitFast(maxSize, (c) => c.json({ error: 'too large' }, 413)));
  a.post('/', async (c) => c.text(`read ${(await c.req.text()).length}`));
  return a;
}

describe('bodyLimitFast', () => {
  it('decides a declared Content-Length over the limit without touching the body', async () => {
    const res = await app(10, true).request('/', { method: 'POST', headers: { 'content-length': '11' }, body: 'x'.repeat(11) });
    expect(res.status).toBe(413);
  });

  it('passes a declared Content-Length within the limit to the handler', async () => {
    const res = await app(10).request('/', { method: 'POST', headers: { 'content-length': '10' }, body: '0123456789' });
    expect([res.status, await res.text()]).toEqual([200, 'read 10']);
  });

  it.each([
    [11, 413],
    [10, 200],
  ])('counts a body without a declared length (%i bytes) as Hono does', async (size, status) => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(size));
        c.close();
      },
    });
    const res = await app(10).request('/', { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(status);
  });

  it('lets Transfer-Encoding win over Content-Length, so a lying length cannot smuggle a large body', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(50));
        c.close();
      },
    });
    const res = await app(10).request('/', { method: 'POST', headers: { 'content-length': '5', 'transfer-encoding': 'chunked' }, body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
  });
});
