/**
 * Node server entry (Fargate, local runs, `npm start`, `npm run demo`).
 */
import { getRequestListener, RequestError, serve, type ServerType } from '@hono/node-server';
import { createServer, type ServerOptions } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createApp } from '../../app';
import { createLeanBedrockRuntime } from '../../aws/lean-runtime/client';
import { ConfigError } from '../../config';
import type { AppLogger } from '../../log/logger';
import { errorForLog } from '../../log/error-fields';
import { GatewayError, internalError } from '../../http/errors';
import { depsFromEnv, StartupError } from '../deps';
import { EMBEDDED_STATE } from '../../store/embedded';
import { drain } from './drain';
import { nodeSseTransport } from './sse';

export { StartupError };

export interface RunningServer {
  /** The origin, e.g. http://127.0.0.1:8000; the API is under `routePrefix` (and `/v1`). */
  readonly url: string;
  readonly port: number;
  /** API_ROUTE_PREFIX as applied: '' or a path such as '/api/v1', without a trailing slash. */
  readonly routePrefix: string;
  readonly logger: AppLogger;
  /** The connection timeouts the server applies, read back from Node's server (milliseconds). */
  readonly timeouts: { readonly keepAliveMs: number; readonly headersMs: number; readonly requestMs: number };
  /**
   * Stops accepting connections, lets in-flight requests (streams included) finish up to the grace period
   * (SHUTDOWN_GRACE_MS), then cuts whatever is left. Resolves once every connection is gone and the
   * response store is closed.
   */
  close(): Promise<void>;
}

/**
 * Requests Node's HTTP parser rejects never reach the app; without this they would get a bodiless
 * `400 Bad Request`. Same OpenAI error shape as everything else, then the connection closes.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || err.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, reason, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'The request headers are too large.']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'The request took too long to arrive.']
        : [400, 'Bad Request', 'The request is not valid HTTP.'];
  const body = JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: 'malformed_http' } });
  socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

/**
 * A request `@hono/node-server` cannot turn into a web Request (a Host header holding `/`, a backslash in
 * the path) would get its bodiless 400: the same OpenAI error shape as everything else instead, logged once.
 */
function unbuildableRequest(logger: AppLogger) {
  return (err: unknown): Response => {
    const refused = err instanceof RequestError;
    logger.warn('request refused before routing', { reason: refused ? err.message : err instanceof Error ? err.name : 'unknown' });
    const answer = refused ? new GatewayError(400, 'The request line or its Host header is not valid.', { code: 'malformed_http' }) : internalError();
    return new Response(JSON.stringify(answer.toBody()), { status: answer.status, headers: { 'content-type': 'application/json', connection: 'close' } });
  };
}

/**
 * How long a request (headers and body) may take to arrive before the connection is answered 408 and
 * closed: a client trickling its body would otherwise hold a connection for Node's 300 s default. Node
 * checks every `connectionsCheckingInterval`, so that follows the timeout.
 */
function requestTimeouts(requestTimeoutMs: number): ServerOptions {
  return {
    requestTimeout: requestTimeoutMs,
    headersTimeout: Math.min(60_000, requestTimeoutMs),
    connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(requestTimeoutMs / 4))),
  };
}

/**
 * A load balancer reuses idle connections until its own idle timeout. If the server closes one first, a
 * request the balancer sends on it at that moment fails (an ALB answers 502), so the keep-alive timeout is a
 * setting the stack places above the load balancer's idle timeout. The headers and request timeouts stay as
 * `requestTimeouts` set them: Node 22 applies them only while a request is arriving, never to an idle
 * connection, and a headers timeout above the request timeout silently turns both checks off.
 */
function applyConnectionTimeouts(server: ServerType, keepAliveSeconds: number): void {
  if (!('keepAliveTimeout' in server)) return;
  server.keepAliveTimeout = keepAliveSeconds * 1000;
}

export async function startServer(env: Readonly<Record<string, string | undefined>>): Promise<RunningServer> {
  const deps = depsFromEnv(env, { leanBedrock: createLeanBedrockRuntime, embeddedState: EMBEDDED_STATE });
  const { config } = deps;
  try {
    await deps.keyStore.load();
  } catch (err) {
    const what = config.apiKeys.secretArn ? `secret ${config.apiKeys.secretArn}` : `parameter ${config.apiKeys.parameterName}`;
    const name = err instanceof Error && err.name !== 'Error' ? `${err.name}: ` : '';
    throw new StartupError(`Cannot read the API key from ${what}: ${name}${err instanceof Error ? err.message : String(err)}`);
  }
  const shutdown = new AbortController();
  const app = createApp({ ...deps, sseTransport: nodeSseTransport, shutdown: shutdown.signal });
  const server: ServerType = await new Promise((resolve, reject) => {
    // Node's server with the adapter's listener, built here to hand it an error handler and the timeouts.
    const listener = getRequestListener(app.fetch, { hostname: config.host, errorHandler: unbuildableRequest(deps.logger) });
    const create = ((options: ServerOptions) => createServer({ ...options, ...requestTimeouts(config.requestTimeoutMs) }, listener)) as typeof createServer;
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host, createServer: create }, () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) => reject(new StartupError(`Cannot listen on ${config.host}:${config.port}: ${err.code ?? err.message}`)));
  });
  server.on('clientError', answerClientError);
  applyConnectionTimeouts(server, config.keepAliveTimeoutSeconds);
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    routePrefix: config.routePrefix,
    logger: deps.logger,
    timeouts:
      'keepAliveTimeout' in server
        ? { keepAliveMs: server.keepAliveTimeout, headersMs: server.headersTimeout, requestMs: server.requestTimeout }
        : { keepAliveMs: 0, headersMs: 0, requestMs: 0 },
    // The stores close after the last request that could write to them; recorded usage is written first.
    close: () =>
      (closing ??= drain(server, config.shutdownGraceMs, deps.logger, () => shutdown.abort())
        .then(() => deps.managedKeys?.close())
        .then(() => deps.store?.close())),
  };
}

if (require.main === module) {
  startServer(process.env).then(
    (running) => {
      process.stdout.write(`Bedrock OpenAI gateway listening on ${running.url}\n`);
      // A stray rejection is a bug to log, not a reason to drop every other client's stream.
      process.on('unhandledRejection', (reason) => {
        running.logger.error('unhandled rejection', { error: errorForLog(reason) });
      });
      const stop = (signal: string) => {
        running.logger.info('draining', { signal });
        void running.close().then(() => process.exit(0));
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof ConfigError || err instanceof StartupError ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
