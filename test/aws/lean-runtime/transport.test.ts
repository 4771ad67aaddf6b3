/**
 * The lean transport reads answer headers as the SDK's `NodeHttpHandler` does: Node's HTTP client merges a
 * repeated header (first kept, `; `, array or `, `) and the handler joins arrays with `,`. The expectation
 * is what `node:http` itself gives for the same bytes, not a table of this module's rules.
 */
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { HttpRequest } from '../../../lambda/src/aws/lean-runtime/sdk-parts';
import { UndiciTransport } from '../../../lambda/src/aws/lean-runtime/transport';

const HEADER_LINES = [
  'Content-Type: application/json',
  'content-type: text/plain',
  'X-Amzn-RequestId: first',
  'x-amzn-requestid: second',
  'Set-Cookie: a=1',
  'Set-Cookie: b=2',
  'Cookie: c=3',
  'Cookie: d=4',
  'Retry-After: 1',
  'Retry-After: 2',
  'X-Amzn-ErrorType: ValidationException',
];
/** Names that are Object.prototype members (undici's own header parser, which the transport does not use, throws on them). */
const ODD_LINES = ['__proto__: not-a-prototype', 'constructor: just-a-name', 'toString: also-a-name'];

let server: Server;
let port: number;

beforeAll(async () => {
  // A raw socket server, so the answer carries exactly these lines (repeats and case included).
  server = createServer((socket) => {
    socket.once('data', (head: Buffer) => {
      const body = '{"message":"bad"}';
      const odd = head.toString('latin1').startsWith('POST /odd ') ? ODD_LINES : [];
      socket.end([`HTTP/1.1 400 Bad Request`, ...HEADER_LINES, ...odd, `Content-Length: ${body.length}`, 'Connection: close', '', body].join('\r\n'));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** What NodeHttpHandler hands the deserializer: Node's merged headers, arrays joined with `,`. */
async function viaNodeHttp(path: string): Promise<Record<string, string>> {
  const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path });
  req.end('{}');
  const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
  res.resume();
  await once(res, 'end');
  return Object.fromEntries(Object.entries(res.headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, Array.isArray(value) ? value.join(',') : value]])));
}

describe('answer headers through the lean transport', () => {
  it.each([
    ['a whole answer (Converse, InvokeModel, errors)', true, '/plain'],
    ['a whole answer with header names that are Object.prototype members', true, '/odd'],
    ['an answer to a stream', false, '/plain'],
    ['an answer to a stream with header names that are Object.prototype members', false, '/odd'],
  ])('%s: the same map as node:http gives NodeHttpHandler', async (_name, collect, path) => {
    const transport = new UndiciTransport({ connectTimeoutMs: 5_000 });
    try {
      const request = new HttpRequest({ protocol: 'http:', hostname: '127.0.0.1', port, method: 'POST', path, headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/json' }, body: '{}' });
      const response = await transport.send(request, undefined, collect);
      const expected = await viaNodeHttp(path);
      expect(expected).toMatchObject({ 'x-amzn-requestid': 'first, second', cookie: 'c=3; d=4', 'set-cookie': 'a=1,b=2', 'content-type': 'application/json' });
      expect({ ...response.headers }).toEqual(expected);
      expect(Object.getPrototypeOf(response.headers)).toBeNull();
      expect(Buffer.from(response.body as Uint8Array).toString('utf8')).toBe('{"message":"bad"}');
    } finally {
      await transport.close();
    }
  });
});
