/**
 * Bounded load test on loopback: the Bedrock emulator and the gateway each in their own process (as on
 * Fargate), mixed streaming and non-streaming chat completions from this process at a fixed concurrency.
 * Stops itself after --duration seconds or --requests requests, whichever comes first. Reports requests
 * served, errors, latency percentiles, and the gateway's peak and trend of RSS (is memory flat?), and checks
 * that no upstream call is left open and that the gateway drains and exits cleanly.
 *
 *   npx tsx scripts/load-test.ts --duration 60 --concurrency 64,256 --stream-ratio 0.5
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(__dirname, '..');
const KEY = 'sk-load-test';
const MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';

export interface LoadOptions {
  /** Concurrency levels, run one after the other, each for durationSeconds / levels. */
  readonly concurrency: readonly number[];
  readonly durationSeconds: number;
  readonly maxRequests: number;
  /** Share of requests that stream (0..1). */
  readonly streamRatio: number;
  /** Emulator: wait before the first byte, pause between streamed words, words per answer. */
  readonly upstreamLatencyMs: number;
  readonly deltaDelayMs: number;
  readonly words: number;
  /** NODE_OPTIONS for the gateway, e.g. `--max-old-space-size=128` to prove memory stays bounded. */
  readonly gatewayNodeOptions?: string;
  readonly log?: (line: string) => void;
}

export interface LevelResult {
  readonly concurrency: number;
  readonly requests: number;
  readonly errors: number;
  readonly errorKinds: Record<string, number>;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: { p50: number; p90: number; p99: number; max: number };
}

export interface LoadResult {
  readonly levels: LevelResult[];
  readonly totalRequests: number;
  readonly totalErrors: number;
  readonly gateway: {
    rssStartMb: number;
    rssPeakMb: number;
    rssFirstThirdMb: number;
    rssLastThirdMb: number;
    /** RSS at ten even points of the run: flat, or still climbing? */
    rssTimelineMb: number[];
    cpuSeconds: number;
    exitCode: number | null;
  };
  readonly leftOpen: { inFlight: number; openStreams: number };
}

interface Child {
  readonly proc: ChildProcess;
  readonly url: string;
  readonly exited: Promise<number | null>;
}

/** Starts a TypeScript entry in its own Node process and waits for the URL it prints. */
async function start(entry: string, env: Record<string, string>): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(seen);
      if (!match) return;
      proc.stdout!.off('data', onData);
      resolve(match[1]);
    };
    proc.stdout!.on('data', onData);
    void exited.then((code) => reject(new Error(`${entry} exited with ${code} before listening`)));
  });
  proc.stdout!.resume(); // the gateway logs nothing at WARN on success; never let a full pipe block it
  return { proc, url, exited };
}

/** Resident set size and CPU seconds of a process, from /proc (Linux). */
function sample(pid: number): { rssMb: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  return { rssMb: rssKb / 1024, cpuSeconds: ticks / 100 };
}

const percentile = (sorted: number[], p: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);
const round = (n: number): number => Math.round(n * 10) / 10;
const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** One request; resolves with an error kind, or undefined when the answer was complete and well-formed. */
async function oneRequest(base: string, stream: boolean): Promise<string | undefined> {
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, stream, messages: [{ role: 'user', content: 'load test' }] }),
  });
  const text = await res.text();
  if (res.status !== 200) return `http_${res.status}`;
  if (!stream) return (JSON.parse(text) as { choices?: Array<{ message?: { content?: string } }> }).choices?.[0]?.message?.content ? undefined : 'empty_answer';
  if (text.includes('"error"')) return 'stream_error';
  return text.trimEnd().endsWith('data: [DONE]') ? undefined : 'stream_truncated';
}

async function runLevel(base: string, concurrency: number, seconds: number, budget: { left: number }, streamRatio: number): Promise<LevelResult> {
  const latencies: number[] = [];
  const errorKinds: Record<string, number> = {};
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let sent = 0;
  async function worker(): Promise<void> {
    while (performance.now() < deadline && budget.left > 0) {
      budget.left -= 1;
      // Deterministic mix: every request index decides by the ratio, so runs are comparable.
      const stream = (sent++ * streamRatio) % 1 >= 1 - streamRatio - 1e-9;
      const t0 = performance.now();
      const kind = await oneRequest(base, stream).catch((err: unknown) => `network_${err instanceof Error ? err.name : 'error'}`);
      latencies.push(performance.now() - t0);
      if (kind) errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const errors = Object.values(errorKinds).reduce((a, b) => a + b, 0);
  return {
    concurrency,
    requests: latencies.length,
    errors,
    errorKinds,
    seconds: round(elapsed),
    requestsPerSecond: round(latencies.length / elapsed),
    latencyMs: { p50: round(percentile(latencies, 50)), p90: round(percentile(latencies, 90)), p99: round(percentile(latencies, 99)), max: round(latencies.at(-1) ?? 0) },
  };
}

export async function runLoadTest(o: LoadOptions): Promise<LoadResult> {
  const log = o.log ?? (() => undefined);
  const emulator = await start('emulator/main.ts', { PORT: '0' });
  const gateway = await start('lambda/src/runtime/node/server.ts', {
    PORT: '0',
    HOST: '127.0.0.1',
    API_KEY: KEY,
    LOG_LEVEL: 'WARN',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emulator.url,
    AWS_ENDPOINT_URL_BEDROCK: emulator.url,
    AWS_ACCESS_KEY_ID: 'AKIDEMULATOR',
    AWS_SECRET_ACCESS_KEY: 'emulator-secret',
    SHUTDOWN_GRACE_MS: '5000',
    ...(o.gatewayNodeOptions ? { NODE_OPTIONS: o.gatewayNodeOptions } : {}),
  }).catch(async (err: unknown) => {
    emulator.proc.kill('SIGKILL');
    await emulator.exited;
    throw err;
  });
  const killAll = (): void => {
    gateway.proc.kill('SIGKILL');
    emulator.proc.kill('SIGKILL');
  };
  // A hard stop in case anything hangs: the test must end on its own.
  const watchdog = setTimeout(killAll, (o.durationSeconds + 60) * 1000);
  watchdog.unref();
  let sampler: NodeJS.Timeout | undefined;
  try {
    const control = (route: string, body?: unknown) =>
      fetch(`${emulator.url}/__emulator/${route}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json() as Promise<Record<string, number>>);
    const replyText = Array.from({ length: o.words }, (_, i) => `word${i}`).join(' ');
    await control('defaults', { latencyMs: o.upstreamLatencyMs, deltaDelayMs: o.deltaDelayMs, replyText });

    const pid = gateway.proc.pid!;
    const rss: number[] = [];
    const warm = await runLevel(gateway.url, 8, 1, { left: 200 }, o.streamRatio); // JIT and connection pools
    if (warm.errors) log(`warm-up errors: ${JSON.stringify(warm.errorKinds)}`);
    const rssStart = sample(pid).rssMb;
    const cpuStart = sample(pid).cpuSeconds;
    sampler = setInterval(() => rss.push(sample(pid).rssMb), 250);

    const budget = { left: o.maxRequests };
    const levels: LevelResult[] = [];
    for (const concurrency of o.concurrency) {
      const level = await runLevel(gateway.url, concurrency, o.durationSeconds / o.concurrency.length, budget, o.streamRatio);
      levels.push(level);
      log(`concurrency ${concurrency}: ${level.requests} requests (${level.requestsPerSecond}/s), ${level.errors} errors, p50 ${level.latencyMs.p50} ms, p99 ${level.latencyMs.p99} ms, RSS now ${round(rss.at(-1) ?? 0)} MB`);
    }
    clearInterval(sampler);
    const cpuSeconds = sample(pid).cpuSeconds - cpuStart;

    // Nothing may be left open upstream once every client has its answer.
    let stats = await control('stats');
    for (let i = 0; i < 50 && (stats.inFlight > 0 || stats.openStreams > 0); i++) {
      await new Promise((r) => setTimeout(r, 100));
      stats = await control('stats');
    }
    gateway.proc.kill('SIGTERM');
    const exitCode = await gateway.exited;
    const third = Math.max(1, Math.floor(rss.length / 3));
    return {
      levels,
      totalRequests: levels.reduce((a, l) => a + l.requests, 0),
      totalErrors: levels.reduce((a, l) => a + l.errors, 0),
      gateway: {
        rssStartMb: round(rssStart),
        rssPeakMb: round(Math.max(rssStart, ...rss)),
        rssFirstThirdMb: round(mean(rss.slice(0, third))),
        rssLastThirdMb: round(mean(rss.slice(-third))),
        rssTimelineMb: Array.from({ length: 10 }, (_, i) => round(rss[Math.floor((i * rss.length) / 10)] ?? 0)),
        cpuSeconds: round(cpuSeconds),
        exitCode,
      },
      leftOpen: { inFlight: stats.inFlight, openStreams: stats.openStreams },
    };
  } finally {
    clearTimeout(watchdog);
    clearInterval(sampler);
    // Wait for both processes to be gone: a caller (the Jest worker running load-smoke) must not be left
    // holding a child that is still exiting.
    killAll();
    await Promise.all([gateway.exited, emulator.exited]);
  }
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '60' },
      requests: { type: 'string', default: '1000000' },
      concurrency: { type: 'string', default: '16,64,256' },
      'stream-ratio': { type: 'string', default: '0.5' },
      'latency-ms': { type: 'string', default: '20' },
      'delta-delay-ms': { type: 'string', default: '2' },
      words: { type: 'string', default: '40' },
      'gateway-node-options': { type: 'string' },
    },
  });
  const options: LoadOptions = {
    durationSeconds: Math.min(Number(values.duration), 600),
    maxRequests: Number(values.requests),
    concurrency: values.concurrency.split(',').map(Number),
    streamRatio: Number(values['stream-ratio']),
    upstreamLatencyMs: Number(values['latency-ms']),
    deltaDelayMs: Number(values['delta-delay-ms']),
    words: Number(values.words),
    gatewayNodeOptions: values['gateway-node-options'],
    log: (line) => process.stdout.write(`${line}\n`),
  };
  runLoadTest(options).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      const clean = result.totalErrors === 0 && result.leftOpen.inFlight === 0 && result.leftOpen.openStreams === 0 && result.gateway.exitCode === 0;
      process.exit(clean ? 0 : 1);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
