import type { IncomingMessage, ServerResponse } from 'node:http';
import { constants as h2constants, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';

export type HeaderMap = Record<string, string | string[] | undefined>;

/**
 * One request/response pair, the same for HTTP/1.1 and HTTP/2, so route handlers never care which
 * protocol the SDK picked (BedrockRuntimeClient speaks h2c, BedrockClient HTTP/1.1).
 */
export interface Exchange {
  readonly method: string;
  /** Raw path, still percent-encoded (model ids may be ARNs with encoded ':' and '/'). */
  readonly rawPath: string;
  readonly query: URLSearchParams;
  readonly headers: HeaderMap;
  readonly protocol: 'h2' | 'http/1.1';
  /** Aborted when the client goes away before the response ended, or the emulator closes. */
  readonly signal: AbortSignal;
  readonly closed: boolean;
  /** True once the status line/headers went out: an error can then no longer be a proper response. */
  readonly started: boolean;
  body(): Promise<Buffer>;
  start(status: number, headers: Record<string, string>): void;
  /** Writes one chunk on its own; resolves once handed to the socket (false if the exchange is gone). */
  write(chunk: Uint8Array): Promise<boolean>;
  end(chunk?: Uint8Array | string): void;
  /** Kills the transport without a proper end: the socket on HTTP/1.1, the stream (RST_STREAM) on HTTP/2. */
  drop(): void;
  onClose(listener: () => void): void;
}

type AnyRequest = IncomingMessage | Http2ServerRequest;
type AnyResponse = ServerResponse | Http2ServerResponse;

export function exchangeFor(req: IncomingMessage, res: ServerResponse): Exchange;
export function exchangeFor(req: Http2ServerRequest, res: Http2ServerResponse): Exchange;
export function exchangeFor(req: AnyRequest, res: AnyResponse): Exchange {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const controller = new AbortController();
  const closeListeners: Array<() => void> = [];
  let closed = false;
  let started = false;
  res.on('close', () => {
    closed = true;
    if (!res.writableFinished) controller.abort();
    for (const listener of closeListeners) listener();
  });
  // The one place the two protocols differ: how to fail without a response.
  const drop = (): void => {
    if ('stream' in res) res.stream.close(h2constants.NGHTTP2_INTERNAL_ERROR);
    else res.socket?.destroy();
  };
  const writable = res as NodeJS.WritableStream & { writeHead(status: number, headers: Record<string, string>): void };
  return {
    method: req.method ?? 'GET',
    rawPath: url.pathname,
    query: url.searchParams,
    headers: req.headers as HeaderMap,
    protocol: 'stream' in res ? 'h2' : 'http/1.1',
    signal: controller.signal,
    get closed() {
      return closed;
    },
    get started() {
      return started;
    },
    async body() {
      const chunks: Buffer[] = [];
      for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
      return Buffer.concat(chunks);
    },
    start(status, headers) {
      started = true;
      writable.writeHead(status, headers);
    },
    write(chunk) {
      if (closed) return Promise.resolve(false);
      return new Promise((resolve) => {
        // The callback may never come once the stream is torn down, so closing settles it too.
        closeListeners.push(() => resolve(false));
        writable.write(chunk, (err?: Error | null) => resolve(!err));
      });
    },
    end(chunk) {
      if (closed) return;
      if (chunk === undefined) writable.end();
      else writable.end(chunk);
    },
    drop,
    onClose(listener) {
      if (closed) listener();
      else closeListeners.push(listener);
    },
  };
}
