/**
 * HTTP/1.1 to Bedrock over one undici `Pool` per origin: keep-alive, a connect timeout, no header or body
 * timeout (the caller's abort signal bounds a call, as with the SDK's `NodeHttpHandler`). Failures are
 * reported the way `NodeHttpHandler` reports them, so the SDK's retry rules and `http/upstream-errors.ts`
 * read them alike: an abort is an `AbortError`, a refused or reset connection keeps Node's error code.
 */
import type { Readable } from 'node:stream';
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
    let answer: Dispatcher.ResponseData;
    try {
      answer = await this.pool(origin).request({
        method: request.method as 'POST',
        path: request.path + query,
        headers: request.headers,
        body: request.body as string | Uint8Array | undefined,
        signal,
      });
    } catch (err) {
      throw asNodeHttpError(err, signal, this.options.connectTimeoutMs);
    }
    const headers: Record<string, string> = {};
    for (const name in answer.headers) {
      const value = answer.headers[name];
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    let body: Uint8Array | Readable = answer.body;
    if (collect || answer.statusCode >= 300) {
      try {
        body = new Uint8Array(await answer.body.arrayBuffer());
      } catch (err) {
        throw asNodeHttpError(err, signal, this.options.connectTimeoutMs);
      }
    } else {
      answer.body.on('error', normaliseStreamError);
    }
    return new HttpResponse({ statusCode: answer.statusCode, reason: undefined, headers, body });
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
    this.pools.clear();
  }
}
