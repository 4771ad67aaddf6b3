/**
 * On Lambda a managed key's usage is written before the last byte is handed over, for plain and streamed
 * bodies alike; without managed keys the app is passed through untouched.
 */
import { writingUsageBeforeTheEnd } from '../../../lambda/src/runtime/lambda/usage-writes';
import type { ManagedKeys } from '../../../lambda/src/keys/managed-keys';

function recorder() {
  const events: string[] = [];
  const managed = { flush: async () => void events.push('flush') } as unknown as ManagedKeys;
  return { events, managed };
}

describe('writingUsageBeforeTheEnd', () => {
  it('writes before a streamed body ends', async () => {
    const { events, managed } = recorder();
    const app = {
      fetch: (_request: Request) =>
        new Response(
          new ReadableStream({
            start(c) {
              c.enqueue(new TextEncoder().encode('data: 1\n\n'));
              c.enqueue(new TextEncoder().encode('data: [DONE]\n\n'));
              c.close();
            },
          }),
          { status: 200, headers: { 'content-type': 'text/event-stream' } },
        ),
    };
    const res = await writingUsageBeforeTheEnd(app, managed).fetch(new Request('http://x/'));
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const chunks: string[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(new TextDecoder().decode(value));
      events.push('chunk');
    }
    expect(chunks.join('')).toBe('data: 1\n\ndata: [DONE]\n\n');
    expect(events).toEqual(['chunk', 'chunk', 'flush']);
  });

  it('writes before a bodiless answer is returned, and keeps the status', async () => {
    const { events, managed } = recorder();
    const res = await writingUsageBeforeTheEnd({ fetch: (_request: Request) => new Response(null, { status: 204 }) }, managed).fetch(new Request('http://x/'));
    expect(res.status).toBe(204);
    expect(events).toEqual(['flush']);
  });

  it('is the app itself without managed keys', () => {
    const app = { fetch: () => new Response('x') };
    expect(writingUsageBeforeTheEnd(app, undefined)).toBe(app);
  });
});
