/**
 * Node server entry (Fargate, local runs, `npm start`, `npm run demo`).
 */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo, Socket } from 'node:net';
import { createApp } from '../../app';
import { createLeanBedrockRuntime } from '../../aws/lean-runtime/client';
import { ConfigError } from '../../config';
import type { AppLogger } from '../../log/logger';
import { depsFromEnv, StartupError } from '../deps';
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

export async function startServer(env: Readonly<Record<string, string | undefined>>): Promise<RunningServer> {
  const deps = depsFromEnv(env, { leanBedrock: createLeanBedrockRuntime });
  const { config } = deps;
  try {
    await deps.keyStore.load();
  } catch (err) {
    const what = config.apiKeys.secretArn ? `secret ${config.apiKeys.secretArn}` : `parameter ${config.apiKeys.parameterName}`;
    const name = err instanceof Error && err.name !== 'Error' ? `${err.name}: ` : '';
    throw new StartupError(`Cannot read the API key from ${what}: ${name}${err instanceof Error ? err.message : String(err)}`);
  }
  const app = createApp({ ...deps, sseTransport: nodeSseTransport });
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) => reject(new StartupError(`Cannot listen on ${config.host}:${config.port}: ${err.code ?? err.message}`)));
  });
  server.on('clientError', answerClientError);
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    routePrefix: config.routePrefix,
    logger: deps.logger,
    // The response store closes after the last request that could write to it.
    close: () => (closing ??= drain(server, config.shutdownGraceMs, deps.logger).then(() => deps.store?.close())),
  };
}

if (require.main === module) {
  startServer(process.env).then(
    (running) => {
      process.stdout.write(`Bedrock OpenAI gateway listening on ${running.url}\n`);
      // A stray rejection is a bug to log, not a reason to drop every other client's stream.
      process.on('unhandledRejection', (reason) => {
        running.logger.error('unhandled rejection', { error: reason instanceof Error ? { name: reason.name, message: reason.message, stack: reason.stack } : String(reason) });
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
