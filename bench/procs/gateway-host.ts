/**
 * Bench-only launcher for the gateway. It loads the production-style bundle of lambda/src/runtime/node/server.ts
 * (path in BENCH_SERVER_BUNDLE), starts it from the environment like `node server.js` would, and answers
 * the orchestrator's CPU/memory questions over the IPC channel — the app itself gains no endpoint.
 */
import v8 from 'node:v8';
import type { startServer as StartServer } from '../../lambda/src/runtime/node/server';
import { serveRpc } from '../lib/rpc';

interface ProcessStats {
  readonly cpuUserUs: number;
  readonly cpuSystemUs: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** Peak resident set size of the process so far. */
  readonly maxRssBytes: number;
}

function stats(): ProcessStats {
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  return { cpuUserUs: cpu.user, cpuSystemUs: cpu.system, rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
}

async function main(): Promise<void> {
  const bundle = process.env.BENCH_SERVER_BUNDLE;
  if (!bundle) throw new Error('BENCH_SERVER_BUNDLE is not set');
  // A plain runtime require: the bundle is loaded exactly as built, not re-bundled into this file.
  const { startServer } = module.require(bundle) as { startServer: typeof StartServer };
  const running = await startServer(process.env);
  serveRpc({
    stats,
    /** Full GC first, so leak checks compare live memory rather than garbage not yet collected. */
    gcStats: () => {
      (globalThis as { gc?: () => void }).gc?.();
      return stats();
    },
    /** Where resident memory goes: V8 spaces (committed vs used) and what V8 knows of malloc. */
    memoryDetail: () => ({
      memoryUsage: process.memoryUsage(),
      spaces: v8.getHeapSpaceStatistics().map((s) => ({ name: s.space_name, usedMb: s.space_used_size / 2 ** 20, committedMb: s.physical_space_size / 2 ** 20 })),
      heap: v8.getHeapStatistics(),
    }),
    /** A heap snapshot file, for finding what a phase keeps alive (bench diagnostics only). */
    heapSnapshot: (file: string) => v8.writeHeapSnapshot(file),
    close: async () => {
      await running.close();
      setImmediate(() => process.exit(0));
      return true;
    },
  });
  process.send?.({ ready: true, url: running.url });
}

// Never outlive a run, even if the orchestrator is killed hard.
setTimeout(() => process.exit(3), Number(process.env.BENCH_MAX_LIFETIME_MS ?? 900_000)).unref();
main().catch((err: unknown) => {
  process.stderr.write(`gateway host failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
