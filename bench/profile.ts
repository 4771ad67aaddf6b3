/**
 * CPU profile of the gateway under load, summarised per module (the evidence behind hot-path changes):
 *
 *   npx tsx bench/profile.ts [--stream] [--seconds=8] [--concurrency=16] [--delay-ms=0] [--log-level=INFO]
 *
 * With --delay-ms the emulator paces deltas and the measured run is one wave of `concurrency` streams
 * (the concurrent-streams phase); otherwise it is closed-loop load for `seconds`.
 *
 * The gateway runs the unminified server bundle with --cpu-prof; the profile stays in the printed directory.
 */
import { copyFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { HttpJob, HttpResult } from './procs/http-load';
import { summariseProfile } from './lib/cpuprofile';
import { cpuMs, startRig, type ProcessStats } from './lib/rig';
import { chatBody, DELTAS, GATEWAY_HEADERS, REPLY_TEXT } from './phases/requests';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flag = (k: string, d: number) => Number(argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d);
  const stream = argv.includes('--stream');
  const seconds = flag('seconds', 8);
  const concurrency = flag('concurrency', 16);
  const delayMs = flag('delay-ms', 0);
  const logLevel = argv.find((a) => a.startsWith('--log-level='))?.split('=')[1] ?? 'INFO';
  const dir = mkdtempSync(path.join(tmpdir(), 'gateway-profile-'));
  const rig = await startRig(5 * 60_000);
  try {
    const gateway = await rig.startGateway(
      { BENCH_SERVER_BUNDLE: rig.bundles.serverReadable, NODE_OPTIONS: '', LOG_LEVEL: logLevel },
      ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200'],
    );
    await rig.emulator.prepare({ replyText: REPLY_TEXT, textChunks: DELTAS });
    const job = (requests: number, maxSeconds: number): HttpJob => ({
      url: `${gateway.url}/api/v1/chat/completions`,
      headers: GATEWAY_HEADERS,
      body: chatBody(stream),
      mode: stream ? 'sse' : 'json',
      concurrency,
      requests,
      maxSeconds,
    });
    await rig.loadgen.call('http', { ...job(2000, 20), concurrency: Math.min(concurrency, 16) });
    await rig.emulator.prepare({ replyText: REPLY_TEXT, textChunks: DELTAS, deltaDelayMs: delayMs });
    const before = await gateway.call<ProcessStats>('stats');
    const r = await rig.loadgen.call<HttpResult>('http', delayMs ? job(concurrency, 120) : job(1_000_000, seconds));
    const after = await gateway.call<ProcessStats>('stats');
    process.stdout.write(`${r.count} requests, ${r.errors} errors, ${Math.round(r.rps)} req/s, p50 ${r.latencyMs.p50.toFixed(3)} ms, gateway CPU ${(cpuMs(before, after) / r.count).toFixed(3)} ms/request\n`);
    await gateway.call('close').catch(() => undefined);
    await new Promise((resolve) => gateway.child.once('exit', resolve));
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no profile written in ${dir}`);
    // Keep the bundle next to the profile: line numbers in the profile point into it.
    copyFileSync(rig.bundles.serverReadable, path.join(dir, 'server-readable.js'));
    const s = summariseProfile(path.join(dir, file), rig.bundles.serverReadable, path.basename(rig.bundles.serverReadable));
    const pct = (ms: number) => `${((ms / s.totalMs) * 100).toFixed(1).padStart(5)} %`;
    process.stdout.write(`profile ${path.join(dir, file)} (${s.totalMs.toFixed(0)} ms busy, warm-up included)\n`);
    process.stdout.write('\ninclusive by module:\n');
    for (const [k, v] of s.byInclusive) process.stdout.write(`  ${pct(v)}  ${k}\n`);
    process.stdout.write('\nself by module:\n');
    for (const [k, v] of s.bySelf) process.stdout.write(`  ${pct(v)}  ${k}\n`);
    process.stdout.write('\nhottest functions (self):\n');
    for (const [k, v] of s.topFunctions) process.stdout.write(`  ${pct(v)}  ${k}\n`);
  } finally {
    await rig.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`profile failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
