/**
 * Leak check: a fresh gateway serves `total` requests (every 10th streaming); live memory after a full GC
 * is compared at `checkpoint` and at the end. Bounded in time: it reports how many requests it managed.
 */
import type { HttpJob, HttpResult } from '../procs/http-load';
import type { GatewayProcess, ProcessStats, Rig } from '../lib/rig';
import { chatBody, DELTAS, GATEWAY_HEADERS, REPLY_TEXT } from './requests';

export interface DriftOptions {
  readonly checkpoint: number;
  readonly total: number;
  readonly concurrency: number;
  readonly maxSeconds: number;
}

export interface DriftFigures extends DriftOptions {
  readonly served: number;
  readonly errors: number;
  readonly errorSamples: string[];
  readonly rssAtCheckpointMb: number;
  readonly rssAtEndMb: number;
  readonly heapAtCheckpointMb: number;
  readonly heapAtEndMb: number;
  readonly rssDriftPct: number;
  /** process.memoryUsage() after GC at the checkpoint and at the end, MB: which part moved. */
  readonly memoryAtCheckpointMb: Record<string, number>;
  readonly memoryAtEndMb: Record<string, number>;
  readonly heapDriftPct: number;
  readonly seconds: number;
}

const MB = 2 ** 20;

async function memory(gateway: GatewayProcess): Promise<Record<string, number>> {
  const detail = await gateway.call<{ memoryUsage: Record<string, number> }>('memoryDetail');
  return Object.fromEntries(Object.entries(detail.memoryUsage).map(([k, v]) => [k, Math.round((v / MB) * 10) / 10]));
}
/** Requests per load job: the emulator's request log is cleared between jobs. */
const BATCH = 10_000;

export async function runDrift(rig: Rig, opts: DriftOptions): Promise<DriftFigures> {
  const gateway = await rig.startGateway();
  const t0 = performance.now();
  const deadline = t0 + opts.maxSeconds * 1000;
  let served = 0;
  let errors = 0;
  const errorSamples: string[] = [];
  const serve = async (until: number): Promise<void> => {
    while (served + errors < until && performance.now() < deadline) {
      await rig.emulator.prepare({ replyText: REPLY_TEXT, textChunks: DELTAS });
      const r = await rig.loadgen.call<HttpResult>('http', {
        url: `${gateway.url}/api/v1/chat/completions`,
        headers: GATEWAY_HEADERS,
        body: chatBody(false),
        mode: 'json',
        altEvery: 10,
        altBody: chatBody(true),
        altMode: 'sse',
        concurrency: opts.concurrency,
        requests: Math.min(BATCH, until - served - errors),
        maxSeconds: Math.max(1, (deadline - performance.now()) / 1000),
      } satisfies HttpJob);
      served += r.count;
      errors += r.errors;
      errorSamples.push(...r.errorSamples.slice(0, 3 - errorSamples.length));
    }
  };
  try {
    await serve(opts.checkpoint);
    const first = await gateway.call<ProcessStats>('gcStats');
    const memoryAtCheckpointMb = await memory(gateway);
    const atCheckpoint = served + errors;
    await serve(opts.total);
    const last = await gateway.call<ProcessStats>('gcStats');
    const memoryAtEndMb = await memory(gateway);
    const pct = (a: number, b: number) => ((b - a) / a) * 100;
    return {
      ...opts,
      checkpoint: atCheckpoint,
      served,
      errors,
      errorSamples,
      rssAtCheckpointMb: first.rssBytes / MB,
      rssAtEndMb: last.rssBytes / MB,
      heapAtCheckpointMb: first.heapUsedBytes / MB,
      heapAtEndMb: last.heapUsedBytes / MB,
      rssDriftPct: pct(first.rssBytes, last.rssBytes),
      memoryAtCheckpointMb,
      memoryAtEndMb,
      heapDriftPct: pct(first.heapUsedBytes, last.heapUsedBytes),
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await gateway.stop();
  }
}
