/**
 * Issue 18, finding 6, against the real server process: requests the HTTP adapter cannot build (a Host
 * header holding `/`) answered in OpenAI's error shape and logged once; a request whose body trickles in is
 * answered 408 after REQUEST_TIMEOUT_MS instead of holding the connection for Node's 300 s default.
 */
import net from 'node:net';
import { expectOpenAIError } from '../support/openai-error';
import { spawnGateway, stopLeftoverGateways, type GatewayProcess } from './support';

afterEach(stopLeftoverGateways);

/** Writes `head` (and `body` chunks, one every `everyMs`) on a fresh connection; resolves with what came back at close. */
function raw(gw: GatewayProcess, head: string, body: string[] = [], everyMs = 0): Promise<string> {
  const { hostname, port } = new URL(gw.url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    socket.on('data', (d) => (received += d.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve(received);
    });
    socket.write(head);
    const rest = [...body];
    if (rest.length) timer = setInterval(() => (rest.length ? socket.write(rest.shift()!) : clearInterval(timer)), everyMs);
  });
}

const statusOf = (response: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
const bodyOf = (response: string): unknown => JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4).replace(/^[0-9a-f]+\r\n|\r\n0\r\n\r\n$/g, ''));

describe('requests the adapter cannot build', () => {
  it.each([
    ['a Host header holding /', 'GET /v1/models HTTP/1.1\r\nHost: evil.example/path\r\nConnection: close\r\n\r\n'],
    ['a Host header holding a path and a port', 'GET /health HTTP/1.1\r\nHost: a/b:80\r\nConnection: close\r\n\r\n'],
  ])('%s: a 400 in OpenAI’s error shape, logged once', async (_name, request) => {
    const gw = await spawnGateway({ API_KEY: 'k' });
    const response = await raw(gw, request);
    expect(statusOf(response)).toBe(400);
    expect(response.toLowerCase()).toContain('content-type: application/json');
    expectOpenAIError(bodyOf(response), { type: 'invalid_request_error', code: 'malformed_http' });
    expect(gw.output().split('\n').filter((l) => l.includes('request refused before routing'))).toHaveLength(1);
  });
});

describe('REQUEST_TIMEOUT_MS', () => {
  it('answers 408 to a body that has not arrived in time, in OpenAI’s error shape, and keeps serving', async () => {
    const gw = await spawnGateway({ API_KEY: 'k', REQUEST_TIMEOUT_MS: '1000' });
    const head = 'POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n';
    // A byte every 200 ms: the connection is never idle, the body is never complete.
    const response = await raw(gw, head, Array.from({ length: 200 }, () => ' '), 200);
    expect(statusOf(response)).toBe(408);
    expectOpenAIError(bodyOf(response), { code: 'malformed_http' });
    const health = await fetch(`${gw.url}/health`);
    expect(health.status).toBe(200);
  });
});
