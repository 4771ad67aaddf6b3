/**
 * Lane (b): the AWS SDK calling the emulator in-process, with the gateway's own client configuration
 * (createBedrockRuntime), with the SDK's defaults (HTTP/2 handler), and the lean client the Node server uses
 * by default (createLeanBedrockRuntime), to show what each Bedrock client itself costs.
 */
import { BedrockRuntimeClient, type ConverseCommandInput } from '@aws-sdk/client-bedrock-runtime';
import { createBedrockRuntime, wrapClient, type BedrockRuntime } from '../../lambda/src/aws/bedrock-runtime';
import { createLeanBedrockRuntime } from '../../lambda/src/aws/lean-runtime/client';
import { finishRun, type LoadResult } from '../lib/stats';

export type SdkConfig = 'gateway' | 'default' | 'lean';

export interface SdkJob {
  readonly config: SdkConfig;
  readonly region: string;
  readonly input: ConverseCommandInput;
  readonly stream: boolean;
  readonly concurrency: number;
  readonly requests: number;
  readonly maxSeconds: number;
  readonly warmup?: number;
}

export interface SdkResult extends LoadResult {
  /** CPU of this process per call: the SDK's cost plus a thin loop. */
  readonly cpuMsPerRequest: number;
}

const clients = new Map<SdkConfig, BedrockRuntime>();

/** One client per configuration for the life of the process, as an application would hold it. */
function clientFor(config: SdkConfig, region: string): BedrockRuntime {
  let client = clients.get(config);
  if (!client) {
    client = config === 'gateway' ? createBedrockRuntime({ region }) : config === 'lean' ? createLeanBedrockRuntime({ region }) : wrapClient(new BedrockRuntimeClient({ region }));
    clients.set(config, client);
  }
  return client;
}

async function once(client: BedrockRuntime, job: SdkJob): Promise<{ latency: number; ttfc: number }> {
  const start = performance.now();
  if (!job.stream) {
    await client.converse(job.input);
    return { latency: performance.now() - start, ttfc: Number.NaN };
  }
  let ttfc = Number.NaN;
  for await (const event of await client.converseStream(job.input)) {
    if (Number.isNaN(ttfc) && event.contentBlockDelta) ttfc = performance.now() - start;
  }
  return { latency: performance.now() - start, ttfc };
}

export async function runSdkJob(job: SdkJob): Promise<SdkResult> {
  const client = clientFor(job.config, job.region);
  let warm = job.warmup ?? 0;
  await Promise.all(
    Array.from({ length: Math.min(job.concurrency, Math.max(warm, 0)) }, async () => {
      while (warm-- > 0) await once(client, job).catch(() => undefined);
    }),
  );
  const latencies = new Float64Array(job.requests);
  const ttfcs = new Float64Array(job.requests);
  let issued = 0;
  let done = 0;
  let errors = 0;
  const errorSamples: string[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + job.maxSeconds * 1000;
  const worker = async (): Promise<void> => {
    while (issued < job.requests && performance.now() < deadline) {
      issued += 1;
      try {
        const r = await once(client, job);
        latencies[done] = r.latency;
        ttfcs[done] = r.ttfc;
        done += 1;
      } catch (err) {
        errors += 1;
        if (errorSamples.length < 5) errorSamples.push(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  const { result, cpuMsPerRequest } = finishRun({ done, errors, errorSamples, startedAt: t0, cpuAtStart: cpu0, latencies, ttfcs: job.stream ? ttfcs : undefined });
  return { ...result, cpuMsPerRequest };
}
