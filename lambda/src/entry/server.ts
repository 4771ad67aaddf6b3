/**
 * Node server entry (Fargate, local runs, `npm start`, `npm run demo`).
 */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from '../app';
import { ConfigError, hasKeySource, loadConfig } from '../config';
import { buildDeps } from './deps';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections and waits for in-flight requests up to the grace period. */
  close(): Promise<void>;
}

export class StartupError extends Error {}

export async function startServer(env: Readonly<Record<string, string | undefined>>): Promise<RunningServer> {
  const config = loadConfig(env);
  if (!hasKeySource(config)) {
    throw new StartupError('No API key is configured. Set API_KEY (or API_KEYS), API_KEY_SECRET_ARN or API_KEY_PARAM_NAME. For a local try-out, `npm run demo` makes one up.');
  }
  const deps = buildDeps(config);
  try {
    await deps.keyStore.load();
  } catch (err) {
    const what = config.apiKeys.secretArn ? `secret ${config.apiKeys.secretArn}` : `parameter ${config.apiKeys.parameterName}`;
    throw new StartupError(`Cannot read the API key from ${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const app = createApp(deps);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          if ('closeAllConnections' in server) server.closeAllConnections();
          resolve();
        }, config.shutdownGraceMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        if ('closeIdleConnections' in server) server.closeIdleConnections();
      }),
  };
}

if (require.main === module) {
  startServer(process.env).then(
    (running) => {
      process.stdout.write(`Bedrock OpenAI gateway listening on ${running.url}\n`);
      const stop = () => running.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof ConfigError || err instanceof StartupError ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
