/**
 * `npm run bench`: the gateway's reproducible benchmark on loopback. Builds production-style bundles,
 * starts the emulator, a load generator and gateway processes (pinned to separate CPUs when taskset is
 * available), runs the phases, prints a table and writes bench/results/latest.json.
 *
 *   npm run bench                       full run (a few minutes)
 *   npm run bench -- --quick            smaller, for a smoke check
 *   npm run bench -- --only=lanes,lambda --rounds=5 --seconds=3 --out=/tmp/x.json
 *   npm run bench -- --only=streams --stream-delay-ms=250 --gateway-env=NODE_OPTIONS=--max-semi-space-size=4  (what-ifs)
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeMachine } from './lib/machine';
import { evaluateTargets, renderReport, type Figures } from './lib/report';
import { startRig } from './lib/rig';
import { runDrift } from './phases/drift';
import { runLambda } from './phases/lambda';
import { runStreams } from './phases/streams';
import { runThroughput } from './phases/throughput';

const PHASES = ['lanes', 'streams', 'drift', 'lambda'] as const;
type Phase = (typeof PHASES)[number];

function parseArgs(argv: readonly string[]) {
  const flags = new Map(argv.filter((a) => a.startsWith('--')).map((a) => {
    const [k, v] = a.slice(2).split('=');
    return [k, v ?? 'true'] as const;
  }));
  const quick = flags.get('quick') === 'true';
  const num = (k: string, fallback: number) => (flags.has(k) ? Number(flags.get(k)) : fallback);
  const only = (flags.get('only')?.split(',') ?? PHASES) as Phase[];
  for (const p of only) if (!PHASES.includes(p)) throw new Error(`unknown phase ${p}; phases: ${PHASES.join(', ')}`);
  return {
    quick,
    only,
    out: flags.get('out') ?? path.join(__dirname, 'results', 'latest.json'),
    throughput: { rounds: num('rounds', quick ? 1 : 5), seconds: num('seconds', quick ? 1 : 3), concurrencies: [1, 16], maxRequests: 200_000 },
    streams: { streams: num('streams', quick ? 200 : 1000), deltas: num('stream-deltas', 20), delayMs: num('stream-delay-ms', 100) },
    drift: { checkpoint: num('drift-checkpoint', quick ? 2_000 : 10_000), total: num('drift-total', quick ? 10_000 : 100_000), concurrency: 16, maxSeconds: num('drift-seconds', quick ? 20 : 90) },
    coldSamples: num('cold-samples', quick ? 3 : 11),
    /** Extra environment for every gateway process, for what-if runs (recorded in the JSON). */
    gatewayEnv: Object.fromEntries(
      argv.filter((a) => a.startsWith('--gateway-env=')).map((a) => {
        const [name, ...value] = a.slice('--gateway-env='.length).split('=');
        return [name, value.join('=')];
      }),
    ),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const machine = describeMachine();
  const log = (s: string) => process.stderr.write(`${s}\n`);
  log(`bench: ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.nodeVersion}, ${machine.uptime}`);
  const started = Date.now();
  const rig = await startRig(15 * 60_000, args.gatewayEnv);
  log(`placement: ${rig.placement.pinned ? `gateway on CPU ${rig.placement.gatewayCpu}, emulator + load generator on CPU ${rig.placement.driverCpu}` : 'not pinned (no taskset or one CPU)'}`);
  const figures: Figures = { gatewayClient: args.gatewayEnv.BEDROCK_CLIENT === 'sdk' ? 'sdk' : 'lean' };
  try {
    if (args.only.includes('lanes')) {
      log('lanes (a)-(d)…');
      const gateway = await rig.startGateway();
      try {
        figures.lanes = await runThroughput(rig, gateway, args.throughput, log);
      } finally {
        await gateway.stop();
      }
    }
    if (args.only.includes('streams')) {
      log(`${args.streams.streams} concurrent slow streams…`);
      figures.streams = await runStreams(rig, args.streams);
    }
    if (args.only.includes('drift')) {
      log(`memory drift over ${args.drift.total} requests…`);
      figures.drift = await runDrift(rig, args.drift);
    }
    if (args.only.includes('lambda')) {
      log('Lambda bundle, cold import, ALB event…');
      figures.lambda = await runLambda(rig, args.coldSamples);
    }
  } finally {
    await rig.close();
    rmSync(rig.bundles.dir, { recursive: true, force: true });
  }
  machine.loadAverage.end = os.loadavg().map((v) => Math.round(v * 100) / 100);
  const targets = evaluateTargets(figures);
  process.stdout.write(`${renderReport(figures, targets)}\n`);
  const result = {
    date: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine,
    settings: {
      placement: rig.placement,
      gateway: 'esbuild bundle of lambda/src/runtime/node/server.ts (Dockerfile flags), NODE_ENV=production, NODE_OPTIONS=--enable-source-maps, LOG_LEVEL=INFO, AWS_MAX_ATTEMPTS=1',
      loadGenerator: 'node:http keep-alive agent, one socket per concurrent worker, separate process',
      ...args,
    },
    figures,
    targets,
  };
  mkdirSync(path.dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(result, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
  log(`wrote ${path.relative(process.cwd(), args.out)}`);
}

// The run is bounded: whatever happens, it ends (child processes exit with their IPC channel).
setTimeout(() => {
  process.stderr.write('bench: time limit reached, stopping\n');
  process.exit(2);
}, 15 * 60_000).unref();

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
