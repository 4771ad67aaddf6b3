/**
 * The load generator process (pinned away from the gateway): HTTP lanes against the emulator or the
 * gateway, and the in-process SDK lane. Driven by the orchestrator over IPC; exits with its parent.
 */
import { serveRpc } from '../lib/rpc';
import { runHttpJob, type HttpJob } from './http-load';
import { runSdkJob, type SdkJob } from './sdk-load';

serveRpc({
  http: (job: HttpJob) => runHttpJob(job),
  sdk: (job: SdkJob) => runSdkJob(job),
});
process.send?.({ ready: true });
setTimeout(() => process.exit(3), Number(process.env.BENCH_MAX_LIFETIME_MS ?? 900_000)).unref();
