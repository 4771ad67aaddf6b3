/**
 * Issue 18, finding 5: a Bedrock endpoint that misbehaves on the wire, driven on loopback against the real
 * server process. A reset is a 502 `upstream_connection_error` (the SDK names it a TimeoutError; it is not the
 * gateway's deadline), and bytes the SDK cannot read (HTML, broken JSON, event-stream frames with a bad
 * checksum or cut short, before or after the first event) are a 502 `upstream_invalid_response` with one
 * warning line in the log, never a 500 logged as an unhandled error with its stack.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator, type Emulator } from '../../emulator';
import { EVENTSTREAM_CONTENT_TYPE, eventFrame } from '../../emulator/eventstream';
import { expectOpenAIError } from '../support/openai-error';
import { MODEL, spawnGateway, stopLeftoverGateways, waitFor, type GatewayProcess } from './support';

type Answer = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const frames = (...parts: Uint8Array[]): Buffer => Buffer.concat(parts.map((p) => Buffer.from(p)));
const start = eventFrame('messageStart', { role: 'assistant' });
const delta = eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'hello ' } });
/** A frame whose prelude checksum is wrong (a flipped bit in the length it covers). */
const badCrc = (): Buffer => {
  const frame = Buffer.from(delta);
  frame[11] ^= 0xff;
  return frame;
};

const send =
  (status: number, type: string, body: string | Buffer): Answer =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  };

let answer: Answer = send(200, 'application/json', '{}');
let upstream: http.Server;
let emulator: Emulator;
let gw: GatewayProcess;

beforeAll(async () => {
  emulator = await startEmulator();
  upstream = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  // The control plane (model catalog) is the emulator; only the runtime endpoint misbehaves.
  gw = await spawnGateway({ API_KEY: 'k', AWS_ENDPOINT_URL_BEDROCK_RUNTIME: url, AWS_ENDPOINT_URL_BEDROCK: emulator.url });
}, 60_000);

afterAll(async () => {
  await stopLeftoverGateways();
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
  await emulator.close();
});

const chat = (stream: boolean) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], stream }),
  });

/** The gateway's log lines for one request id. */
const logFor = (requestId: string): Array<Record<string, unknown>> =>
  gw
    .output()
    .split('\n')
    .flatMap((l) => {
      try {
        const j = JSON.parse(l) as Record<string, unknown>;
        return j.requestId === requestId ? [j] : [];
      } catch {
        return [];
      }
    });

describe.each([false, true])('stream: %s', (stream) => {
  it('a connection reset before any byte → 502 upstream_connection_error, not 504', async () => {
    answer = (req) => req.socket.resetAndDestroy();
    const res = await chat(stream);
    expect(res.status).toBe(502);
    expectOpenAIError(await res.json(), { type: 'api_error', code: 'upstream_connection_error' });
  });

  const unreadable: Array<[string, Answer]> = [
    ['an HTML page with 200', send(200, 'text/html', '<html><body>Service maintenance</body></html>')],
    ['broken JSON', send(200, 'application/json', '{"output": {"message": {"ro')],
    ['an event-stream frame with a bad checksum', send(200, EVENTSTREAM_CONTENT_TYPE, badCrc())],
    ['a truncated event-stream frame', send(200, EVENTSTREAM_CONTENT_TYPE, Buffer.from(start).subarray(0, 20))],
  ];
  it.each(unreadable)('%s → 502 upstream_invalid_response, one warning line, no stack', async (_name, a) => {
    answer = a;
    const res = await chat(stream);
    expect(res.status).toBe(502);
    expectOpenAIError(await res.json(), { type: 'api_error', code: 'upstream_invalid_response' });
    const lines = logFor(res.headers.get('x-request-id')!);
    const warnings = lines.filter((l) => l.message === 'upstream answer unreadable');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].level).toBe('WARN');
    expect(lines.some((l) => l.message === 'unhandled error')).toBe(false);
    expect(JSON.stringify(lines)).not.toContain('"stack"');
  });
});

describe('mid-stream', () => {
  it.each([
    ['a bad checksum', frames(start, delta, badCrc())],
    ['a truncated frame', frames(start, delta, Buffer.from(delta).subarray(0, 30))],
  ])('%s after the first events ends the stream with an upstream_invalid_response error event', async (_name, body) => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': EVENTSTREAM_CONTENT_TYPE });
      res.end(body);
    };
    const res = await chat(true);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('hello ');
    expect(text).not.toContain('[DONE]');
    const last = text.trim().split('\n\n').at(-1)!;
    expectOpenAIError(JSON.parse(last.replace(/^data: /, '')), { code: 'upstream_invalid_response' });
    // The log travels over the child's stdout pipe, which may arrive after the stream's last byte.
    const id = res.headers.get('x-request-id')!;
    await waitFor(() => logFor(id).some((l) => l.message === 'request'), 10_000, 'the access line of the stream');
    const lines = logFor(id);
    expect(lines.filter((l) => l.message === 'upstream answer unreadable')).toHaveLength(1);
    expect(lines.some((l) => l.message === 'unhandled error')).toBe(false);
  });
});
