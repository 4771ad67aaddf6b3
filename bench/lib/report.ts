/** Targets from the performance issue, checked against the figures, and the stdout table. */
import type { LaneFigures, LaneId } from '../phases/throughput';
import { LANE_TITLES } from '../phases/throughput';
import type { StreamsFigures } from '../phases/streams';
import type { DriftFigures } from '../phases/drift';
import type { LambdaFigures } from '../phases/lambda';
import { round } from './stats';

export interface Target {
  readonly name: string;
  readonly limit: string;
  readonly measured: string;
  readonly met: boolean | null;
}

export interface Figures {
  /** The gateway's BEDROCK_CLIENT in this run. */
  gatewayClient?: 'lean' | 'sdk';
  lanes?: LaneFigures[];
  streams?: StreamsFigures;
  drift?: DriftFigures;
  lambda?: LambdaFigures;
}

const lane = (f: Figures, id: LaneId, c: number) => f.lanes?.find((l) => l.lane === id && l.concurrency === c);
const fmt = (v: number | undefined, digits = 3) => (v === undefined || !Number.isFinite(v) ? 'n/a' : String(round(v, digits)));

function check(name: string, limit: string, value: number | undefined, ok: (v: number) => boolean, unit: string, digits = 3): Target {
  const known = value !== undefined && Number.isFinite(value);
  return { name, limit, measured: known ? `${fmt(value, digits)} ${unit}` : 'not measured', met: known ? ok(value) : null };
}

export function evaluateTargets(f: Figures): Target[] {
  const gw16 = lane(f, 'c-gateway-json', 16);
  const gw1 = lane(f, 'c-gateway-json', 1);
  const sdkDefault16 = lane(f, 'b-sdk-default-json', 16);
  const floor1 = lane(f, 'a-floor-json', 1);
  const gs1 = lane(f, 'd-gateway-stream', 1);
  // The client the gateway runs: the lean one unless the run set BEDROCK_CLIENT=sdk (then its lane is absent or ignored).
  const sdkStream1 = (f.gatewayClient === 'sdk' ? undefined : lane(f, 'b-lean-stream', 1)) ?? lane(f, 'b-sdk-stream', 1);
  const sse = (f.lanes ?? []).filter((l) => l.lane === 'd-gateway-stream');
  const mismatches = sse.reduce((a, l) => a + (l.deltaCountMismatches ?? 0), 0) + (f.streams?.deltaCountMismatches ?? 0);
  const imp = f.lambda?.coldImport[0];
  const targets = [
    check('gateway CPU per non-streaming request, c=16', '<= 0.5 ms', gw16?.cpuMsPerRequest, (v) => v <= 0.5, 'ms'),
    check('gateway CPU per non-streaming request, c=1', '<= 0.5 ms', gw1?.cpuMsPerRequest, (v) => v <= 0.5, 'ms'),
    check('throughput c=16: gateway / SDK default config', '>= 3x', gw16 && sdkDefault16 ? gw16.rps / sdkDefault16.rps : undefined, (v) => v >= 3, 'x', 2),
    check('added latency over the floor, c=1 p50', '<= 0.5 ms', gw1 && floor1 ? gw1.p50Ms - floor1.p50Ms : undefined, (v) => v <= 0.5, 'ms'),
    check('time to first chunk over its client (b), c=1 p50', '<= 1 ms', gs1?.ttfcP50Ms !== undefined && sdkStream1?.ttfcP50Ms !== undefined ? gs1.ttfcP50Ms - sdkStream1.ttfcP50Ms : undefined, (v) => v <= 1, 'ms'),
    check('coalesced deltas (streams whose content-event count != upstream deltas, + multi-event reads when paced)', '= 0', sse.length || f.streams ? mismatches + (f.streams?.multiEventReads ?? 0) : undefined, (v) => v === 0, '', 0),
    check(`peak RSS with ${f.streams?.streams ?? 1000} concurrent slow streams`, '<= 150 MB', f.streams?.peakRssMb, (v) => v <= 150, 'MB', 1),
    check('errors in the concurrent-streams run', '= 0', f.streams ? f.streams.errors + (f.streams.streams - f.streams.completed - f.streams.errors) : undefined, (v) => v === 0, '', 0),
    check(`RSS drift between ${f.drift?.checkpoint ?? '10k'} and ${f.drift?.served ?? '100k'} requests (after GC)`, '<= 10 %', f.drift?.rssDriftPct, (v) => v <= 10, '%', 1),
    check('Lambda bundle, minified', '<= 600 KB', f.lambda ? f.lambda.bundleBytes / 1000 : undefined, (v) => v <= 600, 'KB', 1),
    check(`cold import over an empty process (NODE_OPTIONS ${imp?.nodeOptions ?? ''}, as deployed)`, '<= 80 ms', imp?.overEmptyMs, (v) => v <= 80, 'ms', 1),
    check('network calls while importing the handler', '= 0', f.lambda?.networkAtImport.length, (v) => v === 0, '', 0),
    ...managedKeyRatios(f),
  ];
  return targets;
}

/** Managed key over root key, same run and concurrency: CPU per request and throughput (reported, no target). */
function managedKeyRatios(f: Figures): Target[] {
  const root = lane(f, 'c-gateway-json', 16);
  return (['e-managed-json', 'e-managed-rpm-json'] as const).flatMap((id) => {
    const m = lane(f, id, 16);
    if (!root || !m) return [];
    const what = id === 'e-managed-json' ? 'managed key (no rpm)' : 'managed key with rpm';
    return [
      { name: `${what} / root key, CPU per request, c=16`, limit: 'reported', measured: `${fmt(m.cpuMsPerRequest! / root.cpuMsPerRequest!, 2)} x`, met: null },
      { name: `${what} / root key, req/s, c=16`, limit: 'reported', measured: `${fmt(m.rps / root.rps, 2)} x`, met: null },
    ];
  });
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')).join('\n');
}

export function renderReport(f: Figures, targets: Target[]): string {
  const out: string[] = [];
  if (f.lanes?.length) {
    const rows = [['lane', 'conc', 'req/s', 'p50 ms', 'p99 ms', 'TTFC p50', 'CPU ms/req', 'errors']];
    for (const l of f.lanes) {
      rows.push([LANE_TITLES[l.lane], String(l.concurrency), fmt(l.rps, 0), fmt(l.p50Ms), fmt(l.p99Ms), fmt(l.ttfcP50Ms), fmt(l.cpuMsPerRequest), String(l.errors)]);
    }
    out.push(table(rows));
  }
  if (f.streams) {
    const s = f.streams;
    out.push(`\n${s.streams} concurrent streams (${s.deltas} deltas, ${s.delayMs} ms apart): ${s.completed} completed, ${s.errors} errors, peak RSS ${fmt(s.peakRssMb, 1)} MB (idle ${fmt(s.idleRssMb, 1)} MB, peak V8 heap used ${fmt(s.peakHeapUsedMb, 1)} MB), ${s.peakOpenUpstreamStreams} upstream streams open at peak, TTFC p50 ${fmt(s.ttfcP50Ms, 1)} ms / p99 ${fmt(s.ttfcP99Ms, 1)} ms, in ${fmt(s.seconds, 1)} s; CPU ms per stream: gateway ${fmt(s.cpuMsPerStream.gateway)}, emulator ${fmt(s.cpuMsPerStream.emulator)}, load generator ${fmt(s.cpuMsPerStream.loadGenerator)}`);
  }
  if (f.drift) {
    const d = f.drift;
    out.push(`Drift: ${d.served} requests in ${fmt(d.seconds, 1)} s; after GC RSS ${fmt(d.rssAtCheckpointMb, 1)} -> ${fmt(d.rssAtEndMb, 1)} MB (${fmt(d.rssDriftPct, 1)} %), heap ${fmt(d.heapAtCheckpointMb, 1)} -> ${fmt(d.heapAtEndMb, 1)} MB (${fmt(d.heapDriftPct, 1)} %); memoryUsage MB ${JSON.stringify(d.memoryAtCheckpointMb)} -> ${JSON.stringify(d.memoryAtEndMb)}`);
  }
  if (f.lambda) {
    const l = f.lambda;
    out.push(`Lambda bundle ${fmt(l.bundleBytes / 1000, 1)} KB minified, ${fmt(l.bundleGzipBytes / 1000, 1)} KB gzipped (server bundle ${fmt(l.serverBundleBytes / 1000, 1)} KB)`);
    out.push(`  largest parts (KB): ${l.composition.map(([k, v]) => `${k} ${v}`).join(', ')}`);
    for (const c of l.coldImport) {
      out.push(`Cold import (NODE_OPTIONS ${c.nodeOptions}): empty node ${fmt(c.emptyProcessMs, 1)} ms, with handler ${fmt(c.withImportMs, 1)} ms, +${fmt(c.overEmptyMs, 1)} ms; require() alone ${fmt(c.requireMs, 1)} ms (median of ${l.samples})`);
    }
    out.push(`ALB event end to end: ${JSON.stringify(l.alb)}`);
  }
  out.push('\nTargets:');
  out.push(table([['target', 'limit', 'measured', 'met'], ...targets.map((t) => [t.name, t.limit, t.measured, t.met === null ? 'n/a' : t.met ? 'yes' : 'NO'])]));
  return out.join('\n');
}
