/**
 * The HTTP load engine: `concurrency` keep-alive workers, each sending one request after another until a
 * request count or a deadline is reached. Latency is measured from `request()` to the last body byte;
 * for streams also to the first content event (time to first chunk).
 */
import http from 'node:http';
import { finishRun, type LoadResult } from '../lib/stats';

/** json: any body; sse: OpenAI chunks; eventstream: Bedrock's binary ConverseStream body. */
export type BodyMode = 'json' | 'sse' | 'eventstream';

export interface HttpJob {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly mode: BodyMode;
  readonly concurrency: number;
  readonly requests: number;
  readonly maxSeconds: number;
  /** Requests sent (and not measured) before the measured part starts. */
  readonly warmup?: number;
  /** sse: how many content deltas each stream must carry (the upstream delta count). */
  readonly expectDeltas?: number;
  /** Every n-th request uses `altBody`/`altMode` (e.g. a streaming request in a JSON run). */
  readonly altEvery?: number;
  readonly altBody?: string;
  readonly altMode?: BodyMode;
}

export interface HttpResult extends LoadResult {
  /** sse: streams whose content-event count differed from `expectDeltas` (merged or lost deltas). */
  readonly deltaCountMismatches?: number;
  /** sse: socket reads that carried more than one content event. */
  readonly multiEventReads?: number;
  readonly contentEvents?: number;
  /** CPU the load generator itself used per request, ms. */
  readonly clientCpuMsPerRequest: number;
}

interface One {
  latency: number;
  ttfc: number;
  contentEvents: number;
  multiReads: number;
}

const CONTENT = /"content":"(?!")/;

function once(agent: http.Agent, url: URL, job: HttpJob, body: string, mode: BodyMode): Promise<One> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let ttfc = Number.NaN;
    let contentEvents = 0;
    let multiReads = 0;
    const req = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...job.headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        let pending = '';
        let sawDone = false;
        if (mode !== 'eventstream') res.setEncoding('utf8');
        res.on('data', (chunk: string | Buffer) => {
          if (mode === 'json') {
            text += chunk as string;
          } else if (mode === 'eventstream') {
            if (Number.isNaN(ttfc) && (chunk as Buffer).includes('contentBlockDelta')) ttfc = performance.now() - start;
          } else {
            pending += chunk as string;
            const events = pending.split('\n\n');
            pending = events.pop() ?? '';
            let inThisRead = 0;
            for (const ev of events) {
              if (ev === 'data: [DONE]') sawDone = true;
              else if (ev.startsWith('data: {"error"')) text = ev;
              if (!CONTENT.test(ev)) continue;
              if (Number.isNaN(ttfc)) ttfc = performance.now() - start;
              contentEvents += 1;
              inThisRead += 1;
            }
            if (inThisRead > 1) multiReads += 1;
          }
        });
        res.on('end', () => {
          const latency = performance.now() - start;
          if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}: ${(text || pending).slice(0, 200)}`));
          if (mode === 'sse' && !sawDone) return reject(new Error(`bad stream end: ${text.slice(-200)}`));
          resolve({ latency, ttfc, contentEvents, multiReads });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function runHttpJob(job: HttpJob): Promise<HttpResult> {
  const url = new URL(job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency, maxFreeSockets: job.concurrency });
  const latencies = new Float64Array(job.requests);
  const ttfcs = new Float64Array(job.requests);
  let issued = 0;
  let done = 0;
  let errors = 0;
  let mismatches = 0;
  let multiReads = 0;
  let contentEvents = 0;
  const errorSamples: string[] = [];
  const pick = (n: number): [string, BodyMode] => (job.altEvery && n % job.altEvery === job.altEvery - 1 ? [job.altBody ?? job.body, job.altMode ?? job.mode] : [job.body, job.mode]);

  // Warm-up: connections, JIT, lazy paths on both sides.
  let warm = job.warmup ?? 0;
  await Promise.all(
    Array.from({ length: Math.min(job.concurrency, Math.max(warm, 0)) }, async () => {
      while (warm-- > 0) await once(agent, url, job, job.body, job.mode).catch(() => undefined);
    }),
  );

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + job.maxSeconds * 1000;
  const worker = async (): Promise<void> => {
    while (issued < job.requests && performance.now() < deadline) {
      const n = issued++;
      const [body, mode] = pick(n);
      try {
        const r = await once(agent, url, job, body, mode);
        latencies[done] = r.latency;
        ttfcs[done] = r.ttfc;
        done += 1;
        if (mode === 'sse') {
          contentEvents += r.contentEvents;
          multiReads += r.multiReads;
          if (job.expectDeltas !== undefined && r.contentEvents !== job.expectDeltas) mismatches += 1;
        }
      } catch (err) {
        errors += 1;
        if (errorSamples.length < 5) errorSamples.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  const streaming = job.mode !== 'json' || job.altMode !== undefined;
  const { result, cpuMsPerRequest } = finishRun({ done, errors, errorSamples, startedAt: t0, cpuAtStart: cpu0, latencies, ttfcs: streaming ? ttfcs : undefined });
  agent.destroy();
  return {
    ...result,
    clientCpuMsPerRequest: cpuMsPerRequest,
    ...(job.mode === 'sse' || job.altMode === 'sse' ? { deltaCountMismatches: mismatches, multiEventReads: multiReads, contentEvents } : {}),
  };
}
