/**
 * HTTP/1.1 to Bedrock over one undici `Pool` per origin: keep-alive, a connect timeout, no header or body
 * timeout (the caller's abort signal bounds a call, as with the SDK's `NodeHttpHandler`). Failures are
 * reported the way `NodeHttpHandler` reports them, so the SDK's retry rules and `http/upstream-errors.ts`
 * read them alike: an abort is an `AbortError`, a refused or reset connection keeps Node's error code.
 * Answer headers are merged as Node's HTTP client merges them for `NodeHttpHandler`.
 */
import { Readable } from 'node:stream';
import { Pool, type Dispatcher } from 'undici';
import { buildQueryString, HttpResponse, type HttpRequest } from './sdk-parts';

export interface TransportOptions {
  /** Upper bound on connections per origin (each in-flight call holds one). @default unlimited */
  readonly maxSockets?: number;
  readonly connectTimeoutMs: number;
}

/** undici's codes for a connection that closed or broke under a request, before its answer started. */
const RESET_CODES = new Set(['UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_DESTROYED']);

/** What `NodeHttpHandler` rejects with on an abort: an `AbortError` whose cause is the signal's reason. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  const error = new Error(reason && !(reason instanceof Error) ? String(reason) : 'Request aborted');
  error.name = 'AbortError';
  if (reason instanceof Error) error.cause = reason;
  return error;
}

/** An undici failure before the answer started → the error `NodeHttpHandler` gives for the same event. */
function asNodeHttpError(err: unknown, signal: AbortSignal | undefined, connectTimeoutMs: number): unknown {
  if (signal?.aborted) return abortError(signal);
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return Object.assign(new Error(`The connection to Bedrock was not established within ${connectTimeoutMs} ms.`), { name: 'TimeoutError', code: 'ETIMEDOUT', cause: err });
  }
  // NodeHttpHandler names a reset socket a TimeoutError (its NODEJS_TIMEOUT_ERROR_CODES); so does this.
  if (typeof code === 'string' && RESET_CODES.has(code)) return Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET', cause: err });
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT') return Object.assign(err as Error, { name: 'TimeoutError' });
  return err;
}

/** A stream cut after its answer started: Node's code for it, so it reads as a connection error. */
function normaliseStreamError(err: Error & { code?: string }): void {
  if (err.code !== undefined && RESET_CODES.has(err.code)) err.code = 'ECONNRESET';
}

/** Headers Node's HTTP parser keeps only the first of, when an answer repeats them. */
const SINGLE_VALUED = new Set(['age', 'authorization', 'content-length', 'content-type', 'etag', 'expires', 'from', 'host', 'if-modified-since', 'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'proxy-authorization', 'referer', 'retry-after', 'server', 'user-agent']);

const JOINERS = new Map([
  ['cookie', '; '],
  ['set-cookie', ','],
]);

/** An empty header map without a prototype, as Node's `IncomingMessage.headers` is (a `constructor` header is a name like any other). */
const answerHeaders = (): Record<string, string> => Object.create(null) as Record<string, string>;

/**
 * One answer header (name lower-cased) into the map the SDK's deserializer reads, merged as Node's HTTP
 * client merges a repeated one for `NodeHttpHandler`: the first kept for single-valued headers, `; ` for
 * `cookie`, `,` for `set-cookie` (an array, which the handler joins), `, ` for the rest (the differential test
 * checks a repeated request id).
 */
function addAnswerHeader(headers: Record<string, string>, name: string, value: string): void {
  // Node leaves a `__proto__` header out of the map altogether.
  if (name === '__proto__') return;
  const held = headers[name];
  if (held === undefined) headers[name] = value;
  else if (!SINGLE_VALUED.has(name)) headers[name] = `${held}${JOINERS.get(name) ?? ', '}${value}`;
}

interface Answer {
  statusCode: number;
  headers: Record<string, string>;
  body: Uint8Array | Readable;
}

/**
 * One request through undici's handler interface. A whole answer (Converse, InvokeModel, any error) goes
 * straight into one buffer; a successful stream's body is a `Readable` fed as bytes arrive, with
 * backpressure (undici pauses the socket until the reader asks for more). Nothing else is made per call:
 * no async resource, no promise wrapper, no header parser of undici's. The caller's signal aborts the
 * request at any point: before the answer, the promise rejects; after it, the body is destroyed with the
 * signal's reason, and destroying the body early aborts the request.
 */
function dispatchAnswer(pool: Dispatcher, options: Dispatcher.DispatchOptions, signal: AbortSignal | undefined, stream: boolean): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let abort: ((err?: Error) => void) | undefined;
    let statusCode = 0;
    const headers = answerHeaders();
    const chunks: Buffer[] = [];
    let size = 0;
    let body: Readable | undefined;
    let finished = false;
    const reason = () => (signal?.reason instanceof Error ? signal.reason : new Error('Request aborted'));
    const onAbort = () => (body ? body.destroy(reason()) : abort?.(reason()));
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      finished = true;
      signal?.removeEventListener('abort', onAbort);
    };
    pool.dispatch(options, {
      onConnect(abortRequest) {
        if (signal?.aborted) abortRequest(reason());
        else abort = abortRequest;
      },
      onHeaders(status, raw, resumeReading) {
        // 1xx informational answers come before the real one.
        if (status < 200) return true;
        statusCode = status;
        for (let i = 0; i + 1 < raw.length; i += 2) addAnswerHeader(headers, raw[i].toString('latin1').toLowerCase(), raw[i + 1].toString('utf8'));
        if (stream && status < 300) {
          body = new Readable({
            read: () => resumeReading(),
            destroy: (err, callback) => {
              // The reader left (or the signal fired) before the end: stop the request too.
              if (!finished) {
                settle();
                abort?.(err ?? new Error('Request aborted'));
              }
              callback(err);
            },
          });
          resolve({ statusCode, headers, body });
        }
        return true;
      },
      onData(chunk) {
        if (body) return body.push(chunk);
        chunks.push(chunk);
        size += chunk.length;
        return true;
      },
      onComplete() {
        settle();
        if (body) {
          body.push(null);
          return;
        }
        const whole = new Uint8Array(size);
        let offset = 0;
        for (const chunk of chunks) {
          whole.set(chunk, offset);
          offset += chunk.length;
        }
        resolve({ statusCode, headers, body: whole });
      },
      onError(err) {
        const wasFinished = finished;
        settle();
        if (!body) reject(err);
        else if (!wasFinished) {
          normaliseStreamError(err);
          body.destroy(err);
        }
      },
    });
  });
}

export class UndiciTransport {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly options: TransportOptions) {}

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.options.maxSockets ?? null,
        connect: { timeout: this.options.connectTimeoutMs },
        headersTimeout: 0,
        bodyTimeout: 0,
        keepAliveTimeout: 10_000,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /**
   * Sends a signed request. `collect` reads the whole body first (Converse, InvokeModel, and every error
   * answer), which the SDK's deserializer takes as it is; otherwise the body stays a stream (ConverseStream).
   */
  async send(request: HttpRequest, signal: AbortSignal | undefined, collect: boolean): Promise<HttpResponse> {
    if (signal?.aborted) throw abortError(signal);
    const port = request.port ? `:${request.port}` : '';
    const origin = `${request.protocol}//${request.hostname}${port}`;
    const query = request.query && Object.keys(request.query).length > 0 ? `?${buildQueryString(request.query)}` : '';
    const options: Dispatcher.DispatchOptions = {
      method: request.method as 'POST',
      path: request.path + query,
      headers: request.headers,
      body: request.body as string | Uint8Array | undefined,
    };
    try {
      return new HttpResponse({ reason: undefined, ...(await dispatchAnswer(this.pool(origin), options, signal, !collect)) });
    } catch (err) {
      throw asNodeHttpError(err, signal, this.options.connectTimeoutMs);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
    this.pools.clear();
  }
}
