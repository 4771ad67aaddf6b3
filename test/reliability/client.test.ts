/**
 * Misbehaving clients, end to end: a client that leaves must end the upstream call (counted by the
 * emulator), and a client that stops reading must stall the upstream stream instead of being buffered.
 */
import http from 'node:http';
import { TEST_KEY, useHarness } from '../e2e/harness';
import { failOnUnhandledRejections, MODEL, waitFor } from './support';

const h = useHarness();
failOnUnhandledRejections();

const body = (stream: boolean) => ({ model: MODEL, stream, messages: [{ role: 'user', content: 'hi' }] });
const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');

/** Starts a request and resolves with its controller once `ready` says the moment to leave has come. */
async function leaveWhen(stream: boolean, ready: (res: Response) => Promise<void>): Promise<void> {
  const controller = new AbortController();
  const res = await h.fetch('/v1/chat/completions', { method: 'POST', json: body(stream), signal: controller.signal });
  await ready(res);
  controller.abort();
}

describe('client disconnects', () => {
  it('mid-stream: the upstream stream is closed and stops producing', async () => {
    h.emulator.enqueue({ content: [{ text: words(200) }], deltaDelayMs: 20 });
    await leaveWhen(true, async (res) => {
      const reader = res.body!.getReader();
      await reader.read();
      await waitFor(() => h.emulator.openStreams === 1, 10_000, 'upstream stream open');
    });
    await waitFor(() => h.emulator.openStreams === 0 && h.emulator.inFlight === 0, 10_000, 'upstream stream closed');
    const sent = h.emulator.streamedBytes;
    await new Promise((r) => setTimeout(r, 100));
    expect(h.emulator.streamedBytes).toBe(sent);
  });

  it.each([false, true])('before the first byte (stream: %s): the pending upstream call is dropped at once', async (stream) => {
    // Ten minutes before its first byte: only the gateway dropping the call brings inFlight back to 0.
    h.emulator.enqueue({ content: [{ text: 'late' }], latencyMs: 10 * 60_000 });
    const controller = new AbortController();
    const pending = h.fetch('/v1/chat/completions', { method: 'POST', json: body(stream), signal: controller.signal }).catch(() => undefined);
    await waitFor(() => h.emulator.inFlight === 1, 10_000, 'upstream call started');
    controller.abort();
    await pending;
    await waitFor(() => h.emulator.inFlight === 0, 10_000, 'upstream call dropped');
  });

  it('fifty clients leaving mid-stream at once leak nothing, and the gateway keeps serving', async () => {
    h.emulator.setDefaults({ deltaDelayMs: 20, replyText: words(100) });
    await Promise.all(
      Array.from({ length: 50 }, () =>
        leaveWhen(true, async (res) => {
          await res.body!.getReader().read();
        }),
      ),
    );
    await waitFor(() => h.emulator.openStreams === 0 && h.emulator.inFlight === 0, 10_000, 'all upstream streams closed');
    h.emulator.setDefaults({ deltaDelayMs: 0, replyText: 'still here' });
    const res = await h.openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'ping' }] });
    expect(res.choices[0].message.content).toBe('still here');
  });
});

describe('slow readers (backpressure)', () => {
  it('a reader that stops stalls the upstream stream instead of the gateway buffering it, then gets all of it', async () => {
    const DELTA = 16 * 1024;
    const DELTAS = 2000; // 32 MB: far more than the socket buffers between the three processes hold
    h.emulator.enqueue({ content: [{ text: `${'x'.repeat(DELTA - 1)} `.repeat(DELTAS) }] });
    const before = h.emulator.streamedBytes;
    const res: http.IncomingMessage = await new Promise((resolve, reject) => {
      const req = http.request(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' } }, resolve);
      req.on('error', reject);
      req.end(JSON.stringify(body(true)));
    });
    res.pause();
    // Wait until the upstream stops advancing (unchanged over five samples) or passes half of the reply. A
    // gateway that buffered would let the emulator write all 32 MB; one that applies backpressure holds it to
    // what the buffers between the processes take. A slow machine can only make the upstream advance less.
    let last = -1;
    let unchanged = 0;
    for (let i = 0; i < 100 && unchanged < 5 && h.emulator.streamedBytes - before < (DELTA * DELTAS) / 2; i++) {
      unchanged = h.emulator.streamedBytes === last ? unchanged + 1 : 0;
      last = h.emulator.streamedBytes;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(h.emulator.streamedBytes - before).toBeLessThan((DELTA * DELTAS) / 2);
    expect(h.emulator.openStreams).toBe(1);

    let received = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (received += chunk));
    res.resume();
    await new Promise((resolve) => res.on('end', resolve));
    const deltas = received.split('\n\n').filter((e) => e.includes('"content":"xxx')).length;
    expect(deltas).toBe(DELTAS);
    expect(received.trimEnd().endsWith('data: [DONE]')).toBe(true);
    await waitFor(() => h.emulator.openStreams === 0, 10_000, 'upstream stream closed');
  });
});
