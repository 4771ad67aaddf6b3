/**
 * The worst requests of issue 18 against a real gateway process on loopback, bounded: each scenario sends a
 * fixed number of requests and stops. Reports each answer's status and code, the gateway's peak RSS (the
 * kernel's high-water mark, VmHWM, so no sample is missed), its RSS after the burst, and how long `/health`
 * took while the requests were in flight (polled every 25 ms).
 *
 *   npx tsx scripts/hostile-burst.ts --scenario shapes          # finding 2: 6 MB bodies of huge shapes
 *   npx tsx scripts/hostile-burst.ts --scenario media --burst 12 # finding 3: 20 image URLs per request
 *   npx tsx scripts/hostile-burst.ts --root <other checkout>     # the same against another tree (before/after)
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from '../emulator';

const KEY = 'sk-hostile-burst';
const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const MIB = 1024 * 1024;

export interface BurstOptions {
  readonly scenario: 'shapes' | 'media';
  /** Media: requests sent at once, and image URLs in each. */
  readonly burst?: number;
  readonly urlsPerRequest?: number;
  /** Media: bytes of each image the loopback server hands out. @default 3.75 MiB (Bedrock's per-image limit) */
  readonly imageBytes?: number;
  /** Shapes: how many keys/parts/pairs/levels (the sizes by default). */
  readonly scale?: number;
  /** The checkout whose lambda/src/runtime/node/server.ts runs. @default this one */
  readonly root?: string;
  /** Extra gateway environment (budgets). */
  readonly env?: Record<string, string>;
  readonly log?: (line: string) => void;
}

export interface BurstResult {
  readonly answers: Array<{ name: string; status: number; code: string | null; ms: number }>;
  readonly rssStartMb: number;
  readonly rssPeakMb: number;
  readonly rssEndMb: number;
  readonly health: { count: number; medianMs: number; maxMs: number };
}

/** VmRSS and VmHWM of a process, in MB (Linux). */
function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/** The shapes: each about 6 MB of JSON. */
function shapeBodies(scale: number): Array<[string, string]> {
  const userHi = '"messages":[{"role":"user","content":"hi"}]';
  const keys = Array.from({ length: scale }, (_, i) => `"x${i}":1`).join(',');
  const parts = Array.from({ length: scale }, () => '{"type":"text","text":"x"}').join(',');
  const pairs = Array.from({ length: Math.round(scale * 0.4) }, (_, i) => `"k${i}":"v"`).join(',');
  const depth = scale * 10;
  return [
    [`${scale} unknown top-level keys`, `{"model":"${MODEL}",${userHi},${keys}}`],
    [`${scale} text parts`, `{"model":"${MODEL}","messages":[{"role":"user","content":[${parts}]}]}`],
    [`${Math.round(scale * 0.4)} metadata pairs`, `{"model":"${MODEL}",${userHi},"metadata":{${pairs}}}`],
    [`an array ${depth} deep`, `{"model":"${MODEL}",${userHi},"x":${'['.repeat(depth)}${']'.repeat(depth)}}`],
  ];
}

/** A PNG of `size` bytes: the signature, then bytes that do not compress. */
function png(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 2654435761) >>> 24;
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return bytes;
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function runHostileBurst(opts: BurstOptions): Promise<BurstResult> {
  const log = opts.log ?? (() => undefined);
  const root = path.resolve(opts.root ?? path.resolve(__dirname, '..'));
  const emulator = await startEmulator();
  const image = png(opts.imageBytes ?? 3.75 * MIB);
  const images = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': image.length });
    res.end(image);
  });
  const imagesUrl = await listen(images);
  const child = spawn(process.execPath, ['--import', 'tsx', 'lambda/src/runtime/node/server.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      API_KEY: KEY,
      LOG_LEVEL: 'WARN',
      ALLOW_PRIVATE_URL_FETCH: 'true',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEMULATOR',
      AWS_SECRET_ACCESS_KEY: 'emulator-secret',
      AWS_MAX_ATTEMPTS: '1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emulator.url,
      AWS_ENDPOINT_URL_BEDROCK: emulator.url,
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const onData = (chunk: Buffer): void => {
        out += chunk.toString('utf8');
        const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
        if (match) resolve(match[1]);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`gateway exited with ${code}: ${out}`)));
    });
    const pid = child.pid!;
    // One warm-up request so start-up allocation is not counted against the burst.
    await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${KEY}` } }).then((r) => r.arrayBuffer());
    const rssStartMb = memoryOf(pid).rss;

    // /health while the burst runs.
    const healthMs: number[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const started = performance.now();
        await fetch(`${url}/health`).then((r) => r.arrayBuffer(), () => undefined);
        healthMs.push(performance.now() - started);
        await new Promise((r) => setTimeout(r, 25));
      }
    })();

    const send = async (name: string, body: string): Promise<BurstResult['answers'][number]> => {
      const started = performance.now();
      const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body });
      const json = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
      const answer = { name, status: res.status, code: json.error?.code ?? null, ms: Math.round(performance.now() - started) };
      log(`${name}: ${answer.status} ${answer.code ?? ''} in ${answer.ms} ms`);
      return answer;
    };

    let answers: BurstResult['answers'];
    if (opts.scenario === 'shapes') {
      answers = [];
      // One at a time: each shape's own cost, as the issue measured it.
      for (const [name, body] of shapeBodies(opts.scale ?? 500_000)) answers.push(await send(name, body));
    } else {
      const urls = opts.urlsPerRequest ?? 20;
      const burst = opts.burst ?? 12;
      const body = (r: number) =>
        JSON.stringify({
          model: MODEL,
          max_tokens: 16,
          messages: [{ role: 'user', content: [{ type: 'text', text: 'describe' }, ...Array.from({ length: urls }, (_, i) => ({ type: 'image_url', image_url: { url: `${imagesUrl}/r${r}/i${i}.png` } }))] }],
        });
      answers = await Promise.all(Array.from({ length: burst }, (_, r) => send(`request ${r}`, body(r))));
    }
    polling = false;
    await poll;
    const { rss, hwm } = memoryOf(pid);
    const sorted = [...healthMs].sort((a, b) => a - b);
    return {
      answers,
      rssStartMb: Math.round(rssStartMb),
      rssPeakMb: Math.round(hwm),
      rssEndMb: Math.round(rss),
      health: { count: sorted.length, medianMs: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0), maxMs: Math.round(sorted.at(-1) ?? 0) },
    };
  } finally {
    child.kill('SIGKILL');
    await exited;
    images.closeAllConnections();
    await new Promise<void>((resolve) => images.close(() => resolve()));
    await emulator.close();
  }
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'shapes' },
      burst: { type: 'string', default: '12' },
      urls: { type: 'string', default: '20' },
      scale: { type: 'string', default: '500000' },
      root: { type: 'string' },
    },
  });
  runHostileBurst({
    scenario: values.scenario === 'media' ? 'media' : 'shapes',
    burst: Number(values.burst),
    urlsPerRequest: Number(values.urls),
    scale: Number(values.scale),
    root: values.root,
    log: (line) => process.stdout.write(`${line}\n`),
  }).then(
    (result) => {
      const { answers, ...figures } = result;
      const statuses: Record<string, number> = {};
      for (const a of answers) statuses[`${a.status} ${a.code ?? ''}`.trim()] = (statuses[`${a.status} ${a.code ?? ''}`.trim()] ?? 0) + 1;
      process.stdout.write(`${JSON.stringify({ statuses, ...figures })}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
