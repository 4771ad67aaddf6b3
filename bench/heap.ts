/**
 * What the gateway's heap holds while many slow streams are open: the evidence behind memory changes.
 *
 *   npx tsx bench/heap.ts [--streams=1000] [--delay-ms=500] [--after-ms=5000]
 *
 * Starts the rig, warms a fresh gateway, then opens `streams` paced streams and, `after-ms` later, prints
 * memory after a full GC (RSS, heap, V8 spaces) and a heap snapshot summarised by object type and by the
 * object that first holds each one. The snapshot stays in the printed directory. Writing a snapshot costs the
 * gateway process RSS of its own, so read memory figures from `npm run bench`, not from after this.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { HttpJob, HttpResult } from './procs/http-load';
import { startRig, type ProcessStats } from './lib/rig';
import { chatBody, GATEWAY_HEADERS, REPLY_TEXT } from './phases/requests';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** Self size per node label, and per "label <- label of its first owner". */
function summarise(file: string, top = 25): string {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const { node_fields: nf, node_types: [nodeTypes], edge_fields: ef, edge_types: [edgeTypes] } = snap.snapshot.meta;
  const N = nf.length;
  const E = ef.length;
  const [iType, iName, iSize, iEdges] = ['type', 'name', 'self_size', 'edge_count'].map((f) => nf.indexOf(f));
  const [eType, eTo] = ['type', 'to_node'].map((f) => ef.indexOf(f));
  const count = snap.nodes.length / N;
  const label = (i: number): string => {
    const type = nodeTypes[snap.nodes[i * N + iType]];
    const name = String(snap.strings[snap.nodes[i * N + iName]]).slice(0, 40);
    return type === 'object' || type === 'closure' || type === 'native' ? `${type}:${name}` : type;
  };
  const owner = new Int32Array(count).fill(-1);
  for (let i = 0, e = 0; i < count; i++) {
    for (let k = snap.nodes[i * N + iEdges]; k > 0; k--, e += E) {
      const to = snap.edges[e + eTo] / N;
      if (owner[to] === -1 && edgeTypes[snap.edges[e + eType]] !== 'weak') owner[to] = i;
    }
  }
  const byLabel = new Map<string, [number, number]>();
  const byOwner = new Map<string, [number, number]>();
  const add = (m: Map<string, [number, number]>, key: string, size: number): void => {
    const entry = m.get(key) ?? [0, 0];
    entry[0]++;
    entry[1] += size;
    m.set(key, entry);
  };
  for (let i = 0; i < count; i++) {
    const size = snap.nodes[i * N + iSize];
    add(byLabel, label(i), size);
    add(byOwner, `${label(i)} <- ${owner[i] >= 0 ? label(owner[i]) : '(root)'}`, size);
  }
  const render = (m: Map<string, [number, number]>): string =>
    [...m.entries()]
      .sort((a, b) => b[1][1] - a[1][1])
      .slice(0, top)
      .map(([k, [n, size]]) => `${(size / 2 ** 20).toFixed(2).padStart(8)} MB ${String(n).padStart(8)}  ${k}`)
      .join('\n');
  return `by type:\n${render(byLabel)}\n\nby type and first owner:\n${render(byOwner)}`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flag = (k: string, d: number): number => Number(argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d);
  const streams = flag('streams', 1000);
  const delayMs = flag('delay-ms', 500);
  const afterMs = flag('after-ms', 5000);
  const dir = mkdtempSync(path.join(tmpdir(), 'gateway-heap-'));
  const rig = await startRig(5 * 60_000);
  try {
    const gateway = await rig.startGateway();
    const url = `${gateway.url}/api/v1/chat/completions`;
    await rig.emulator.prepare({ replyText: REPLY_TEXT, textChunks: 20 });
    await rig.loadgen.call<HttpResult>('http', { url, headers: GATEWAY_HEADERS, body: chatBody(true), mode: 'sse', concurrency: 4, requests: 200, maxSeconds: 10 } satisfies HttpJob);
    const idle = await gateway.call<ProcessStats>('gcStats');
    await rig.emulator.prepare({ replyText: REPLY_TEXT, textChunks: 20, deltaDelayMs: delayMs });
    const run = rig.loadgen.call<HttpResult>('http', { url, headers: GATEWAY_HEADERS, body: chatBody(true), mode: 'sse', concurrency: streams, requests: streams, maxSeconds: 120, expectDeltas: 20 } satisfies HttpJob);
    await new Promise((resolve) => setTimeout(resolve, afterMs));
    const open = (await rig.emulator.stats()).openStreams;
    const mid = await gateway.call<ProcessStats>('gcStats');
    const detail = await gateway.call<{ spaces: { name: string; usedMb: number; committedMb: number }[] }>('memoryDetail');
    await gateway.call('heapSnapshot', path.join(dir, 'open.heapsnapshot'));
    const result = await run;
    const mb = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MB`;
    console.log(`${result.count} streams completed, ${result.errors} errors; ${open} upstream streams open at the snapshot`);
    console.log(`after GC: idle RSS ${mb(idle.rssBytes)}, heap ${mb(idle.heapUsedBytes)}; with streams open RSS ${mb(mid.rssBytes)}, heap ${mb(mid.heapUsedBytes)}`);
    console.log(`heap per open stream: ${((mid.heapUsedBytes - idle.heapUsedBytes) / Math.max(open, 1) / 1024).toFixed(1)} KB`);
    console.log(`V8 spaces (used/committed MB): ${detail.spaces.filter((s) => s.committedMb > 0).map((s) => `${s.name} ${s.usedMb.toFixed(1)}/${s.committedMb.toFixed(1)}`).join(', ')}`);
    console.log(`\nsnapshot with streams open (${dir}):\n${summarise(path.join(dir, 'open.heapsnapshot'))}`);
  } finally {
    await rig.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
