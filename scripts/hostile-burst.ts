/**
 * The worst requests of issue 18 against a real gateway process on loopback, bounded: each scenario sends a
 * fixed number of requests and stops. Reports each answer's status and code, the gateway's peak RSS (the
 * kernel's high-water mark, VmHWM, so no sample is missed), its RSS after the burst, and how long `/health`
 * took while the requests were in flight (polled every 25 ms).
 *
 *   npx tsx scripts/hostile-burst.ts --scenario shapes          # finding 2: 6 MB bodies of huge shapes
 *   npx tsx scripts/hostile-burst.ts --scenario media --burst 12 # finding 3: 20 image URLs per request
 *   npx tsx scripts/hostile-burst.ts --scenario key-stall --rounds 5  # finding 1: time to recover
 *   npx tsx scripts/hostile-burst.ts --root <other checkout>     # the same against another tree (before/after)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';

const KEY = 'sk-hostile-burst';
const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const MIB = 1024 * 1024;

export interface BurstOptions {
  readonly scenario: 'shapes' | 'media' | 'key-stall';
  /** Key stall: how many stall-and-recover rounds. */
  readonly rounds?: number;
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
  /** Key stall: per round, the slowest request with the held key while the secret endpoint hung, and the
   * time from the endpoint answering again to the rotated key being accepted. */
  readonly keyStall?: Array<{ slowestKnownKeyMs: number; recoverMs: number }>;
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

/** Runs a TypeScript entry of `cwd` as its own process and waits for its "listening on <url>" line. */
async function start(cwd: string, entry: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string; exited: Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer): void => {
      out += chunk.toString('utf8');
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (match) resolve(match[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code}: ${out}`)));
  });
  return { child, url, exited };
}

export async function runHostileBurst(opts: BurstOptions): Promise<BurstResult> {
  const log = opts.log ?? (() => undefined);
  const root = path.resolve(opts.root ?? path.resolve(__dirname, '..'));
  // Its own process, as Bedrock is: decoding the large Converse bodies must not slow this process's clock.
  const emulator = await start(path.resolve(__dirname, '..'), 'emulator/main.ts', { PORT: '0' });
  const image = png(opts.imageBytes ?? 3.75 * MIB);
  const images = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': image.length });
    res.end(image);
  });
  const imagesUrl = await listen(images);
  // Secrets Manager (JSON 1.1) on loopback: answers the current secret, or holds every request while stalled.
  const secret = { value: JSON.stringify({ api_key: KEY }), stall: false, calls: 0 };
  const secrets = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      secret.calls++;
      if (secret.stall) return;
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gw', Name: 'gw', SecretString: secret.value, VersionId: 'v1' }));
    });
  });
  const secretsUrl = await listen(secrets);
  const keyEnv: Record<string, string> =
    opts.scenario === 'key-stall'
      ? { API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gw', API_KEY_REFRESH_SECONDS: '1', AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsUrl }
      : { API_KEY: KEY };
  let gateway: Awaited<ReturnType<typeof start>> | undefined;
  try {
    gateway = await start(root, 'lambda/src/runtime/node/server.ts', {
      PORT: '0',
      HOST: '127.0.0.1',
      ...keyEnv,
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
    });
    const { url } = gateway;
    const pid = gateway.child.pid!;
    // One warm-up request so start-up allocation is not counted against the burst.
    await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${KEY}` } }).then((r) => r.arrayBuffer());
    const rssStartMb = memoryOf(pid).rss;

    // Built before /health is polled: building 24 MB of JSON here would block this process's own timers.
    const shapes = opts.scenario === 'shapes' ? shapeBodies(opts.scale ?? 500_000) : [];

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

    let answers: BurstResult['answers'] = [];
    let keyStall: BurstResult['keyStall'];
    if (opts.scenario === 'key-stall') {
      keyStall = [];
      const ask = async (key: string): Promise<[number, number]> => {
        const started = performance.now();
        const res = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(30_000) });
        await res.arrayBuffer();
        return [res.status, performance.now() - started];
      };
      let current = KEY;
      for (let round = 0; round < (opts.rounds ?? 5); round++) {
        secret.stall = true;
        const callsAtStall = secret.calls;
        let slowest = 0;
        // Requests with the held key until a refresh has reached the hung endpoint, then a few more.
        for (let extra = 5; extra > 0; ) {
          const [status, ms] = await ask(current);
          if (status !== 200) throw new Error(`the held key got ${status} while the key source hung`);
          slowest = Math.max(slowest, ms);
          if (secret.calls > callsAtStall) extra--;
          await new Promise((r) => setTimeout(r, 100));
        }
        const next = `sk-rotated-${round}`;
        secret.value = JSON.stringify({ api_key: next });
        secret.stall = false;
        const recovered = performance.now();
        while ((await ask(next))[0] !== 200) await new Promise((r) => setTimeout(r, 100));
        const recoverMs = Math.round(performance.now() - recovered);
        keyStall.push({ slowestKnownKeyMs: Math.round(slowest), recoverMs });
        log(`round ${round}: slowest request with the held key ${Math.round(slowest)} ms; rotated key accepted ${recoverMs} ms after recovery`);
        current = next;
      }
    } else if (opts.scenario === 'shapes') {
      answers = [];
      // One at a time: each shape's own cost, as the issue measured it.
      for (const [name, body] of shapes) answers.push(await send(name, body));
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
      ...(keyStall ? { keyStall } : {}),
    };
  } finally {
    for (const proc of [gateway, emulator]) {
      proc?.child.kill('SIGKILL');
      await proc?.exited;
    }
    for (const server of [images, secrets]) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
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
      rounds: { type: 'string', default: '5' },
    },
  });
  runHostileBurst({
    scenario: values.scenario === 'media' || values.scenario === 'key-stall' ? values.scenario : 'shapes',
    rounds: Number(values.rounds),
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
