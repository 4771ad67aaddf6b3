/**
 * Many slow streams in one gateway process: the emulator paces every stream (`deltas` deltas, `delayMs`
 * apart) so they are all open at once. A fresh gateway process, so its peak RSS belongs to this phase.
 */
import type { HttpJob, HttpResult } from '../procs/http-load';
import { cpuMs, type ProcessStats, type Rig } from '../lib/rig';
import { chatBody, GATEWAY_HEADERS, REPLY_TEXT } from './requests';

export interface StreamsOptions {
  readonly streams: number;
  readonly deltas: number;
  readonly delayMs: number;
}

export interface StreamsFigures extends StreamsOptions {
  readonly completed: number;
  readonly errors: number;
  readonly errorSamples: string[];
  readonly idleRssMb: number;
  readonly peakRssMb: number;
  /** Highest V8 heap in use seen while sampling (every 100 ms): the JS objects' share of the peak. */
  readonly peakHeapUsedMb: number;
  /** Highest number of upstream streams the emulator saw open at once. */
  readonly peakOpenUpstreamStreams: number;
  readonly deltaCountMismatches: number;
  /** Socket reads carrying more than one content event although deltas were `delayMs` apart. */
  readonly multiEventReads: number;
  readonly seconds: number;
  readonly ttfcP50Ms: number;
  readonly ttfcP99Ms: number;
  /** CPU per stream in each process: shows which one limits how fast streams can start. */
  readonly cpuMsPerStream: { readonly gateway: number; readonly emulator: number; readonly loadGenerator: number };
}

const MB = 2 ** 20;

export async function runStreams(rig: Rig, opts: StreamsOptions): Promise<StreamsFigures> {
  const gateway = await rig.startGateway();
  try {
    const url = `${gateway.url}/api/v1/chat/completions`;
    await rig.emulator.prepare({ replyText: REPLY_TEXT, textChunks: opts.deltas });
    // Warm the code paths (not the memory) with a few quick streams first.
    await rig.loadgen.call<HttpResult>('http', { url, headers: GATEWAY_HEADERS, body: chatBody(true), mode: 'sse', concurrency: 4, requests: 200, maxSeconds: 10 } satisfies HttpJob);
    const idle = await gateway.call<ProcessStats>('gcStats');
    const emulatorCpu0 = await rig.emulatorCpuMs();
    await rig.emulator.prepare({ replyText: REPLY_TEXT, textChunks: opts.deltas, deltaDelayMs: opts.delayMs });
    let peakOpen = 0;
    let peakHeap = 0;
    const poll = setInterval(() => {
      rig.emulator.stats().then((s) => (peakOpen = Math.max(peakOpen, s.openStreams)), () => undefined);
      gateway.call<ProcessStats>('stats').then((s) => (peakHeap = Math.max(peakHeap, s.heapUsedBytes)), () => undefined);
    }, 100);
    const expectedSeconds = (opts.deltas * opts.delayMs) / 1000;
    let result: HttpResult;
    try {
      result = await rig.loadgen.call<HttpResult>('http', {
        url,
        headers: GATEWAY_HEADERS,
        body: chatBody(true),
        mode: 'sse',
        concurrency: opts.streams,
        requests: opts.streams,
        maxSeconds: expectedSeconds * 10 + 30,
        expectDeltas: opts.deltas,
      } satisfies HttpJob);
    } finally {
      clearInterval(poll);
    }
    const after = await gateway.call<ProcessStats>('stats');
    const perStream = (ms: number) => ms / Math.max(1, result.count + result.errors);
    const cpuMsPerStream = {
      gateway: perStream(cpuMs(idle, after)),
      emulator: perStream((await rig.emulatorCpuMs()) - emulatorCpu0),
      loadGenerator: result.clientCpuMsPerRequest,
    };
    return {
      cpuMsPerStream,
      ...opts,
      completed: result.count,
      errors: result.errors,
      errorSamples: result.errorSamples,
      idleRssMb: idle.rssBytes / MB,
      peakRssMb: after.maxRssBytes / MB,
      peakHeapUsedMb: peakHeap / MB,
      peakOpenUpstreamStreams: peakOpen,
      deltaCountMismatches: result.deltaCountMismatches ?? Number.NaN,
      multiEventReads: result.multiEventReads ?? Number.NaN,
      seconds: result.seconds,
      ttfcP50Ms: result.ttfcMs?.p50 ?? Number.NaN,
      ttfcP99Ms: result.ttfcMs?.p99 ?? Number.NaN,
    };
  } finally {
    await gateway.stop();
  }
}
