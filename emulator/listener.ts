import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { exchangeFor, type Exchange } from './exchange';

/** First bytes of the HTTP/2 connection preface; no HTTP/1.x request line starts with them. */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0');

export interface DualListener {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves HTTP/1.1 and cleartext HTTP/2 ("prior knowledge", as the SDK's NodeHttp2Handler does for
 * http:// endpoints) on one port: each connection's first bytes decide which server gets the socket.
 */
export async function listenDual(
  handle: (exchange: Exchange) => void,
  opts: { port: number; host: string },
): Promise<DualListener> {
  const h1 = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => handle(exchangeFor(req, res)));
  const h2 = http2.createServer({ settings: { maxConcurrentStreams: 1000 } }, (req, res) =>
    handle(exchangeFor(req, res)),
  );
  const sockets = new Set<net.Socket>();
  const sessions = new Set<http2.Http2Session>();
  h2.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    // A broken session must not take the process down; the client sees the reset.
    session.on('error', () => undefined);
  });

  const outer = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setNoDelay(true);
    let seen = Buffer.alloc(0);
    const sniff = (chunk: Buffer): void => {
      seen = Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, H2_PREFACE.length);
      const isH2 = seen.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
      if (isH2 && seen.length < H2_PREFACE.length) return; // need more bytes to decide
      socket.off('data', sniff);
      socket.pause();
      socket.unshift(seen);
      if (isH2) {
        h2.emit('connection', socket);
      } else {
        h1.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', sniff);
  });

  await new Promise<void>((resolve, reject) => {
    outer.once('error', reject);
    outer.listen(opts.port, opts.host, () => {
      outer.off('error', reject);
      resolve();
    });
  });
  const address = outer.address() as net.AddressInfo;

  return {
    port: address.port,
    async close() {
      const closing = new Promise<void>((resolve) => outer.close(() => resolve()));
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
      h1.closeAllConnections();
      await closing;
    },
  };
}
