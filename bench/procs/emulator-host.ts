/**
 * The emulator in its own process for the benchmark. Its lifetime is tied to the orchestrator (IPC
 * disconnect ends it); everything else — defaults, stats, reset — goes over its HTTP control API.
 */
import { startEmulator } from '../../emulator';
import { serveRpc } from '../lib/rpc';

async function main(): Promise<void> {
  const emulator = await startEmulator({ port: 0, host: '127.0.0.1' });
  serveRpc({
    /** The emulator's own CPU: when it shares a CPU with the load generator, it can be the bottleneck. */
    cpu: () => process.cpuUsage(),
    close: () => emulator.close().then(() => setImmediate(() => process.exit(0))),
  });
  process.send?.({ ready: true, url: emulator.url });
}

setTimeout(() => process.exit(3), Number(process.env.BENCH_MAX_LIFETIME_MS ?? 900_000)).unref();
main().catch((err: unknown) => {
  process.stderr.write(`emulator host failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
