/**
 * Shared pieces of the reliability suite: unhandled-rejection detectors, stdout capture (the Powertools
 * logger and metrics write JSON lines there), a real gateway child process, and a Secrets Manager stub.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';

/** Collects unhandled rejections and uncaught exceptions while installed. */
export function watchUnhandled(): { readonly errors: unknown[]; dispose(): void } {
  const errors: unknown[] = [];
  const onError = (err: unknown): void => {
    errors.push(err);
  };
  process.on('unhandledRejection', onError);
  process.on('uncaughtException', onError);
  return {
    errors,
    dispose() {
      process.off('unhandledRejection', onError);
      process.off('uncaughtException', onError);
    },
  };
}

/**
 * Lines written to stdout and stderr while installed. Powertools writes through its own Console on them
 * (INFO and DEBUG to stdout, WARN and ERROR to stderr), so replacing `write` sees every line.
 */
export function captureOutput(): { lines(): string[]; json(): Array<Record<string, unknown>>; restore(): void } {
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((s) => s.write);
  let buffer = '';
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      buffer += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    }) as typeof stream.write;
  }
  const lines = (): string[] => buffer.split('\n').filter((l) => l.trim() !== '');
  return {
    lines,
    json: () =>
      lines().flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
    restore() {
      streams.forEach((s, i) => (s.write = originals[i]));
    },
  };
}

export interface GatewayProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  readonly exited: Promise<number | null>;
}

/** Gateways spawned and not yet exited: what `stopLeftoverGateways` kills. */
const running = new Set<ChildProcess>();

/**
 * Kills (SIGKILL) every gateway a test left running and waits for it to exit. A test that fails before its
 * own SIGTERM would otherwise leave a process behind that also keeps the Jest worker from exiting.
 * Use as `afterEach(stopLeftoverGateways)` in files that spawn gateways.
 */
export async function stopLeftoverGateways(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          if (!child.kill('SIGKILL')) resolve();
        }),
    ),
  );
}

/** Runs `lambda/src/runtime/node/server.ts` as its own process (the way Fargate runs it) and waits for it to listen. */
export async function spawnGateway(env: Record<string, string>, opts: { expectExit?: boolean } = {}): Promise<GatewayProcess> {
  // One process (no tsx CLI wrapper in between), so signals reach the server itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'lambda/src/runtime/node/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEMULATOR',
      AWS_SECRET_ACCESS_KEY: 'emulator-secret',
      AWS_MAX_ATTEMPTS: '1',
      AWS_EC2_METADATA_DISABLED: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => (opts.expectExit ? resolve('') : reject(new Error(`gateway exited with ${code}:\n${output}`))));
  });
  return { child, url, output: () => output, exited };
}

/** A stand-in for Secrets Manager's GetSecretValue (JSON 1.1 protocol) on loopback. */
export interface SecretsStub {
  readonly url: string;
  /** The SecretString served next; set `failWith` instead to answer with an AWS error. */
  secret: string;
  failWith?: { type: string; status: number };
  /** Accept each request and never answer it (a stalled endpoint), until set back to false. */
  stall?: boolean;
  calls: number;
  close(): Promise<void>;
}

export async function startSecretsStub(secret: string): Promise<SecretsStub> {
  const state = { secret, failWith: undefined as SecretsStub['failWith'], stall: false, calls: 0 };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      state.calls += 1;
      if (state.stall) return;
      if (state.failWith) {
        res.writeHead(state.failWith.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': state.failWith.type });
        res.end(JSON.stringify({ __type: state.failWith.type, message: `Stubbed ${state.failWith.type}` }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gw-key', Name: 'gw-key', SecretString: state.secret, VersionId: 'v1' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as SecretsStub;
}

export async function waitFor(check: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = Date.now();
  const value = await run();
  return [value, Date.now() - started];
}

/** Fails the test file if any promise rejection goes unhandled while it runs. */
export function failOnUnhandledRejections(): void {
  let watch: ReturnType<typeof watchUnhandled>;
  beforeAll(() => {
    watch = watchUnhandled();
  });
  afterAll(() => {
    watch.dispose();
    expect(watch.errors).toEqual([]);
  });
}

/** After each test, every upstream call the gateway opened must be closed again. */
export function expectNoUpstreamLeaks(h: { readonly emulator: { readonly inFlight: number; readonly openStreams: number } }): void {
  afterEach(() => waitFor(() => h.emulator.inFlight === 0 && h.emulator.openStreams === 0, 3000, 'upstream calls closed'));
}
