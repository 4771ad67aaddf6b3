/**
 * A/B of two gateway server bundles under the same load, alternating runs so machine noise hits both:
 *
 *   npx tsx bench/ab.ts <server-a.js> <server-b.js> [--stream] [--rounds=7] [--seconds=3] [--concurrency=16]
 *                       [--env-a=NAME=value …] [--env-b=NAME=value …]
 *
 * Build a bundle with the Dockerfile flags, e.g. `npx esbuild lambda/src/runtime/node/server.ts --bundle
 * --platform=node --target=node22 --format=cjs --minify --outfile=/tmp/a/server.js`, change the code,
 * build /tmp/b/server.js, then compare. The same bundle twice with `--env-b=LOG_LEVEL=WARN` prices a setting.
 * Prints median gateway CPU per request and req/s for each.
 */
import path from 'node:path';
import type { HttpJob, HttpResult } from './procs/http-load';
import { median } from './lib/stats';
import { cpuMs, startRig, type GatewayProcess, type ProcessStats } from './lib/rig';
import { chatBody, DELTAS, GATEWAY_HEADERS, REPLY_TEXT } from './phases/requests';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const bundles = argv.filter((a) => !a.startsWith('--')).map((p) => path.resolve(p));
  if (bundles.length !== 2) throw new Error('usage: ab.ts <server-a.js> <server-b.js> [--stream] [--rounds=7] [--seconds=3]');
  const flag = (k: string, d: number) => Number(argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d);
  const stream = argv.includes('--stream');
  const rounds = flag('rounds', 7);
  const seconds = flag('seconds', 3);
  const concurrency = flag('concurrency', 16);
  const rig = await startRig(10 * 60_000);
  try {
    const gateways: GatewayProcess[] = [];
    const envOf = (side: 'a' | 'b') =>
      Object.fromEntries(argv.filter((a) => a.startsWith(`--env-${side}=`)).map((a) => {
        const [name, ...value] = a.slice(`--env-${side}=`.length).split('=');
        return [name, value.join('=')];
      }));
    for (const [i, bundle] of bundles.entries()) gateways.push(await rig.startGateway({ BENCH_SERVER_BUNDLE: bundle, ...envOf(i === 0 ? 'a' : 'b') }));
    const job = (g: GatewayProcess, requests: number, maxSeconds: number): HttpJob => ({
      url: `${g.url}/api/v1/chat/completions`,
      headers: GATEWAY_HEADERS,
      body: chatBody(stream),
      mode: stream ? 'sse' : 'json',
      expectDeltas: stream ? DELTAS : undefined,
      concurrency,
      requests,
      maxSeconds,
    });
    const cpu: number[][] = [[], []];
    const rps: number[][] = [[], []];
    for (let r = 0; r < rounds; r += 1) {
      for (const i of r % 2 === 0 ? [0, 1] : [1, 0]) {
        const g = gateways[i];
        await rig.emulator.prepare({ replyText: REPLY_TEXT, textChunks: DELTAS });
        if (r === 0) await rig.loadgen.call('http', job(g, 2000, 10));
        const before = await g.call<ProcessStats>('stats');
        const res = await rig.loadgen.call<HttpResult>('http', job(g, 1_000_000, seconds));
        const after = await g.call<ProcessStats>('stats');
        if (res.errors) throw new Error(`${bundles[i]}: ${res.errors} errors, e.g. ${res.errorSamples[0]}`);
        cpu[i].push(cpuMs(before, after) / res.count);
        rps[i].push(res.rps);
      }
    }
    for (const i of [0, 1]) {
      process.stdout.write(`${'AB'[i]} ${bundles[i]}: CPU ${median(cpu[i]).toFixed(3)} ms/request (runs ${cpu[i].map((v) => v.toFixed(3)).join(' ')}), ${Math.round(median(rps[i]))} req/s\n`);
    }
    process.stdout.write(`B/A CPU ratio ${(median(cpu[1]) / median(cpu[0])).toFixed(3)}, req/s ratio ${(median(rps[1]) / median(rps[0])).toFixed(3)}\n`);
  } finally {
    await rig.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`ab failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
