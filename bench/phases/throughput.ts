/**
 * Lanes (a)–(d) at each concurrency, interleaved round by round so slow drift in machine load hits every
 * lane alike; each figure is the median over rounds.
 */
import type { HttpJob, HttpResult } from '../procs/http-load';
import type { SdkJob, SdkResult } from '../procs/sdk-load';
import { median } from '../lib/stats';
import { cpuMs, REGION, type GatewayProcess, type ProcessStats, type Rig } from '../lib/rig';
import { chatBody, DELTAS, emulatorPath, GATEWAY_HEADERS, REPLY_TEXT, sdkInput } from './requests';

export type LaneId =
  | 'a-floor-json'
  | 'a-floor-stream'
  | 'b-sdk-json'
  | 'b-sdk-stream'
  | 'b-sdk-default-json'
  | 'b-sdk-default-stream'
  | 'b-lean-json'
  | 'b-lean-stream'
  | 'c-gateway-json'
  | 'd-gateway-stream'
  | 'e-managed-json'
  | 'e-managed-rpm-json';

export const LANE_TITLES: Record<LaneId, string> = {
  'a-floor-json': '(a) emulator direct, Converse',
  'a-floor-stream': '(a) emulator direct, ConverseStream',
  'b-sdk-json': '(b) SDK (gateway config), converse',
  'b-sdk-stream': '(b) SDK (gateway config), converseStream',
  'b-sdk-default-json': '(b) SDK default config (h2), converse',
  'b-sdk-default-stream': '(b) SDK default config (h2), converseStream',
  'b-lean-json': '(b) lean client, converse',
  'b-lean-stream': '(b) lean client, converseStream',
  'c-gateway-json': '(c) gateway, non-streaming',
  'd-gateway-stream': '(d) gateway, streaming',
  'e-managed-json': '(e) gateway, managed key, non-streaming',
  'e-managed-rpm-json': '(e) gateway, managed key with rpm, non-streaming',
};

export interface LaneFigures {
  readonly lane: LaneId;
  readonly concurrency: number;
  readonly rounds: number;
  readonly requests: number;
  readonly errors: number;
  readonly errorSamples: string[];
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly ttfcP50Ms?: number;
  readonly ttfcP99Ms?: number;
  /** Gateway process CPU per request (lanes c, d); SDK process CPU per call (lane b). */
  readonly cpuMsPerRequest?: number;
  readonly logBytesPerRequest?: number;
  readonly deltaCountMismatches?: number;
  readonly multiEventReads?: number;
}

export interface ThroughputOptions {
  readonly rounds: number;
  readonly seconds: number;
  readonly concurrencies: readonly number[];
  readonly maxRequests: number;
}

type Run = (concurrency: number, warmup: boolean) => Promise<{ result: HttpResult | SdkResult; cpuMs?: number; logBytes?: number }>;

export async function runThroughput(rig: Rig, gateway: GatewayProcess, opts: ThroughputOptions, log: (s: string) => void): Promise<LaneFigures[]> {
  await rig.emulator.prepare({ replyText: REPLY_TEXT, textChunks: DELTAS });
  // One real gateway call tells us the exact Converse body it sends; lanes (a) and (b) send the same.
  await rig.loadgen.call('http', { url: `${gateway.url}/api/v1/chat/completions`, headers: GATEWAY_HEADERS, body: chatBody(false), mode: 'json', concurrency: 1, requests: 1, maxSeconds: 10 } satisfies HttpJob);
  const recorded = (await rig.emulator.requests()).find((r) => r.operation === 'converse');
  if (!recorded) throw new Error('the gateway did not call Converse on the emulator');
  const wireBody = JSON.stringify(recorded.body);

  // Warm-up long enough for V8 to optimise the SDK's and the gateway's hot paths: with 100-320 requests the
  // first measured round of a fresh gateway ran up to a third slower than the next ones.
  const limits = (concurrency: number, warmup: boolean) => ({
    concurrency,
    requests: warmup ? Math.max(2000, concurrency * 100) : opts.maxRequests,
    maxSeconds: warmup ? 5 : opts.seconds,
  });
  const http = (url: string, body: string, mode: HttpJob['mode'], headers: Record<string, string>): Run => async (concurrency, warmup) => ({
    result: await rig.loadgen.call<HttpResult>('http', { url, headers, body, mode, expectDeltas: mode === 'sse' ? DELTAS : undefined, ...limits(concurrency, warmup) } satisfies HttpJob),
  });
  const sdk = (config: SdkJob['config'], stream: boolean): Run => async (concurrency, warmup) => ({
    result: await rig.loadgen.call<SdkResult>('sdk', { config, stream, region: REGION, input: sdkInput(recorded.body), ...limits(concurrency, warmup) } satisfies SdkJob),
  });
  const viaGateway = (inner: Run): Run => async (concurrency, warmup) => {
    const before = await gateway.call<ProcessStats>('stats');
    const logs0 = gateway.logBytes();
    const { result } = await inner(concurrency, warmup);
    const after = await gateway.call<ProcessStats>('stats');
    return { result, cpuMs: cpuMs(before, after), logBytes: gateway.logBytes() - logs0 };
  };
  const emu = rig.emulator.url;
  const json = { 'content-type': 'application/json' };
  // Managed keys (the gateway's embedded store): one with a model list and a budget, one with an rpm
  // limit too high to refuse, which pays an atomic admission per request.
  const managedHeaders = async (body: Record<string, unknown>) => {
    const res = await fetch(`${gateway.url}/api/v1/admin/keys`, { method: 'POST', headers: GATEWAY_HEADERS, body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`creating a managed key failed: HTTP ${res.status} ${await res.text()}`);
    const { key } = (await res.json()) as { key: string };
    return { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  };
  const managed = await managedHeaders({ name: 'bench', models: ['*'], budget: { tokens: 1e12 } });
  const managedRpm = await managedHeaders({ name: 'bench-rpm', models: ['*'], limits: { rpm: 1e9 } });
  const runs: Record<LaneId, Run> = {
    'a-floor-json': http(`${emu}${emulatorPath('converse')}`, wireBody, 'json', json),
    'a-floor-stream': http(`${emu}${emulatorPath('converse-stream')}`, wireBody, 'eventstream', json),
    'b-sdk-json': sdk('gateway', false),
    'b-sdk-stream': sdk('gateway', true),
    'b-sdk-default-json': sdk('default', false),
    'b-sdk-default-stream': sdk('default', true),
    'b-lean-json': sdk('lean', false),
    'b-lean-stream': sdk('lean', true),
    'c-gateway-json': viaGateway(http(`${gateway.url}/api/v1/chat/completions`, chatBody(false), 'json', GATEWAY_HEADERS)),
    'd-gateway-stream': viaGateway(http(`${gateway.url}/api/v1/chat/completions`, chatBody(true), 'sse', GATEWAY_HEADERS)),
    'e-managed-json': viaGateway(http(`${gateway.url}/api/v1/chat/completions`, chatBody(false), 'json', managed)),
    'e-managed-rpm-json': viaGateway(http(`${gateway.url}/api/v1/chat/completions`, chatBody(false), 'json', managedRpm)),
  };

  const cells = opts.concurrencies.flatMap((c) => (Object.keys(runs) as LaneId[]).map((lane) => ({ lane, concurrency: c })));
  const samples = new Map<string, Array<{ result: HttpResult | SdkResult; cpuMs?: number; logBytes?: number }>>();
  for (let round = 0; round < opts.rounds; round += 1) {
    for (const { lane, concurrency } of cells) {
      // The emulator records every request; clearing it keeps its memory (and speed) flat across lanes.
      await rig.emulator.prepare({ replyText: REPLY_TEXT, textChunks: DELTAS });
      if (round === 0) await runs[lane](concurrency, true);
      const sample = await runs[lane](concurrency, false);
      const key = `${lane}@${concurrency}`;
      samples.set(key, [...(samples.get(key) ?? []), sample]);
      log(`  round ${round + 1}/${opts.rounds} ${key.padEnd(26)} ${Math.round(sample.result.rps)} req/s, p50 ${sample.result.latencyMs.p50.toFixed(3)} ms`);
    }
  }
  return cells.map(({ lane, concurrency }) => figures(lane, concurrency, samples.get(`${lane}@${concurrency}`) ?? []));
}

function figures(lane: LaneId, concurrency: number, runs: Array<{ result: HttpResult | SdkResult; cpuMs?: number; logBytes?: number }>): LaneFigures {
  const pick = (f: (r: HttpResult & SdkResult) => number | undefined) => median(runs.map((r) => f(r.result as HttpResult & SdkResult) ?? Number.NaN));
  const sum = (f: (r: HttpResult) => number | undefined) => runs.reduce((acc, r) => acc + (f(r.result as HttpResult) ?? 0), 0);
  const handled = (r: HttpResult | SdkResult) => r.count + r.errors;
  const gatewayCpu = runs.every((r) => r.cpuMs !== undefined) ? median(runs.map((r) => (r.cpuMs ?? 0) / handled(r.result))) : undefined;
  const sdkCpu = lane.startsWith('b-') ? pick((r) => r.cpuMsPerRequest) : undefined;
  const streaming = lane.endsWith('stream');
  return {
    lane,
    concurrency,
    rounds: runs.length,
    requests: sum((r) => r.count),
    errors: sum((r) => r.errors),
    errorSamples: runs.flatMap((r) => r.result.errorSamples).slice(0, 3),
    rps: pick((r) => r.rps),
    p50Ms: pick((r) => r.latencyMs.p50),
    p99Ms: pick((r) => r.latencyMs.p99),
    ...(streaming ? { ttfcP50Ms: pick((r) => r.ttfcMs?.p50), ttfcP99Ms: pick((r) => r.ttfcMs?.p99) } : {}),
    ...(gatewayCpu !== undefined ? { cpuMsPerRequest: gatewayCpu, logBytesPerRequest: median(runs.map((r) => (r.logBytes ?? 0) / handled(r.result))) } : {}),
    ...(sdkCpu !== undefined ? { cpuMsPerRequest: sdkCpu } : {}),
    ...(lane === 'd-gateway-stream' ? { deltaCountMismatches: sum((r) => r.deltaCountMismatches), multiEventReads: sum((r) => r.multiEventReads) } : {}),
  };
}
