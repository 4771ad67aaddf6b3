/**
 * Server-sent events written straight to Node's response on the Node server. Hono's `streamSSE` returns a
 * web `ReadableStream` that `@hono/node-server` then reads and copies to the socket: per event a
 * TransformStream, two readers and their promises. Here Hono's `SSEStreamingApi` keeps the framing and its
 * `write` goes to the `ServerResponse` itself, with Node's own backpressure. The Node entry hands this in as
 * `AppDeps.sseTransport`; other runtimes (Lambda) keep `streamSSE` and never load this module, whose import
 * builds a web `Response` (loading Node's fetch implementation, tens of milliseconds of a cold start).
 */
import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';
import type { SseTransport } from '../../http/sse';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { SSEStreamingApi } from 'hono/streaming';

/** The Node response behind a request served by `@hono/node-server` (HTTP/1.1), if there is one. */
export function nodeResponseOf(c: Context): ServerResponse | undefined {
  const outgoing = (c.env as { outgoing?: unknown } | undefined)?.outgoing;
  return outgoing && typeof (outgoing as ServerResponse).writeHead === 'function' && 'socket' in (outgoing as object) ? (outgoing as ServerResponse) : undefined;
}

/**
 * The web `Response` class `@hono/node-server` treats as "already sent" (its `RESPONSE_ALREADY_SENT` is one
 * shared object, and middleware writes into the headers of the response it is handed). Taken at import,
 * before `serve()` replaces the global `Response` with the adapter's own.
 */
const AlreadySent = RESPONSE_ALREADY_SENT.constructor as typeof Response;
const [ALREADY_SENT_HEADER] = [...RESPONSE_ALREADY_SENT.headers.keys()];

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Hono's SSE API (framing, abort bookkeeping) over a Node response instead of a web stream. */
class NodeSseApi extends SSEStreamingApi {
  constructor(private readonly res: ServerResponse) {
    // The web streams the base class wants are never written to; `write` and `close` bypass them.
    super(new WritableStream(), new ReadableStream());
  }

  override async write(input: Uint8Array | string): Promise<this> {
    // Waiting for 'drain' is the backpressure: every event's sender awaits its write.
    if (!this.res.write(input) && !this.res.destroyed) await drained(this.res);
    return this;
  }

  override async close(): Promise<void> {
    this.closed = true;
    this.res.end();
  }
}

/**
 * Starts an event stream on `res`, runs `cb`, and ends the response when it returns. Returns the response
 * the handler hands back to Hono, which carries the headers. They go out, and `cb` starts, on the next turn
 * of the event loop: by then the middleware after the handler has run (CORS appends `Vary` there).
 */
function streamSseToNode(c: Context, res: ServerResponse, cb: (stream: SSEStreamingApi) => Promise<void>): Response {
  c.header('Content-Type', 'text/event-stream');
  c.header('Cache-Control', 'no-cache');
  c.header('Connection', 'keep-alive');
  const response = new AlreadySent(null, { headers: [...c.newResponse(null).headers, [ALREADY_SENT_HEADER, 'true']] });
  const stream = new NodeSseApi(res);
  res.once('close', () => {
    if (!res.writableFinished) stream.abort();
  });
  setImmediate(() => {
    if (!res.destroyed) {
      const headers = Object.fromEntries(c.res.headers);
      delete headers[ALREADY_SENT_HEADER];
      res.writeHead(200, headers);
      res.flushHeaders();
    }
    // The callback (sse.ts) reports its own errors to the client and the log; none may escape unhandled.
    void cb(stream)
      .catch(() => undefined)
      .finally(() => stream.close());
  });
  return response;
}

/** `SseTransport` for requests served by `@hono/node-server`; others fall back to `streamSSE`. */
export const nodeSseTransport: SseTransport = (c, run) => {
  const res = nodeResponseOf(c);
  return res ? streamSseToNode(c, res, run) : undefined;
};
