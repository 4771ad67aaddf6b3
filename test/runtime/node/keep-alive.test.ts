/**
 * The Node server's connection timeouts on loopback: an idle keep-alive connection must stay usable for as
 * long as a load balancer in front may reuse it (issue 16: Node's 5 s default made the ALB answer 502s).
 */
import { connect, type Socket } from 'node:net';
import { startServer, type RunningServer } from '../../../lambda/src/runtime/node/server';

/** Node's own keep-alive timeout, which the server used before it was configurable. */
const NODE_DEFAULT_KEEP_ALIVE_MS = 5_000;

const BASE_ENV = { PORT: '0', HOST: '127.0.0.1', API_KEY: 'sk-keep-alive', AWS_REGION: 'us-east-1', LOG_LEVEL: 'SILENT', SHUTDOWN_GRACE_MS: '500' };

/** Sends one keep-alive GET /health on the socket and resolves with the status line of the answer. */
function getHealth(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const end = text.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(text);
      if (end >= 0 && length && text.length >= end + 4 + Number(length[1])) {
        socket.off('data', onData);
        socket.off('close', onClose);
        resolve(text.split('\r\n')[0]);
      }
    };
    const onClose = () => reject(new Error('the server closed the connection'));
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.write('GET /health HTTP/1.1\r\nhost: gateway\r\nconnection: keep-alive\r\n\r\n');
  });
}

describe('Node server keep-alive', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it.each([
    ['the default (above an ALB default idle timeout of 60 s)', {}, 65],
    ['KEEP_ALIVE_TIMEOUT_SECONDS=905', { KEEP_ALIVE_TIMEOUT_SECONDS: '905' }, 905],
  ])('%s sets the keep-alive timeout and keeps the headers timeout within the request timeout', async (_name, env, seconds) => {
    server = await startServer({ ...BASE_ENV, ...env });
    expect(server.timeouts.keepAliveMs).toBe(seconds * 1000);
    // Above the request timeout, Node would silently stop enforcing both (a trickled body held forever).
    expect(server.timeouts.headersMs).toBeGreaterThan(0);
    expect(server.timeouts.headersMs).toBeLessThanOrEqual(server.timeouts.requestMs);
  });

  it('keeps an idle connection usable past Node’s default 5 s, and past the headers and request timeouts', async () => {
    server = await startServer({ ...BASE_ENV, KEEP_ALIVE_TIMEOUT_SECONDS: '60', REQUEST_TIMEOUT_MS: '2000' });
    expect(server.timeouts.headersMs).toBeLessThan(NODE_DEFAULT_KEEP_ALIVE_MS);
    const { port } = server;
    const socket = connect(port, '127.0.0.1');
    try {
      expect(await getHealth(socket)).toBe('HTTP/1.1 200 OK');
      // Idle for longer than Node's default; a generous margin only makes the old behaviour fail more surely.
      await new Promise((r) => setTimeout(r, NODE_DEFAULT_KEEP_ALIVE_MS + 1_500));
      expect(socket.destroyed).toBe(false);
      expect(await getHealth(socket)).toBe('HTTP/1.1 200 OK');
    } finally {
      socket.destroy();
    }
  }, 30_000);

  it('refuses a keep-alive timeout out of range at start-up', async () => {
    await expect(startServer({ ...BASE_ENV, KEEP_ALIVE_TIMEOUT_SECONDS: '0' })).rejects.toThrow(/KEEP_ALIVE_TIMEOUT_SECONDS: expected an integer from 1 to 7200/);
  });
});
