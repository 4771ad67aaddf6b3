/**
 * Bounded load on stored responses (issue 14): `--chains` conversations at once, each `--turns` turns long,
 * every turn continuing the previous one with `previous_response_id`, against the gateway's DynamoDB store
 * (dynalite on loopback, the real @aws-sdk/client-dynamodb). Then the same conversations with `store:
 * false` and the whole history in `input`, to price what storing costs per turn. Reports lost turns (any
 * previous_response_id that did not resolve, any 5xx) and per-turn latency percentiles of both runs.
 * Everything runs in this process on loopback and stops by itself.
 *
 *   npx tsx scripts/chain-load.ts --chains 64 --turns 10 [--store sqlite]
 */
import { parseArgs } from 'node:util';
import { startEmulator } from '../emulator';
import { startServer } from '../lambda/src/runtime/node/server';
import { startDynalite } from '../test/store/dynalite';

const KEY = 'sk-chain-load';
const MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const TABLE = 'chain-load';

export interface ChainLoadOptions {
  readonly chains: number;
  readonly turns: number;
  /** Give up after this long, whatever is left. */
  readonly maxSeconds: number;
  /** The store to chain on. @default 'dynamodb' */
  readonly store?: 'dynamodb' | 'sqlite';
}

export interface RunFigures {
  readonly turns: number;
  readonly failures: number;
  readonly failureKinds: Record<string, number>;
  readonly latencyMs: { p50: number; p90: number; p99: number };
  readonly seconds: number;
}

export interface ChainLoadResult {
  readonly stored: RunFigures;
  readonly unstored: RunFigures;
  /** Median per-turn latency, stored minus unstored. */
  readonly addedP50Ms: number;
}

const percentile = (sorted: number[], p: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);

async function run(base: string, options: ChainLoadOptions, stored: boolean): Promise<RunFigures> {
  const latencies: number[] = [];
  const failureKinds: Record<string, number> = {};
  const deadline = Date.now() + options.maxSeconds * 1000;
  const started = performance.now();
  const fail = (kind: string) => (failureKinds[kind] = (failureKinds[kind] ?? 0) + 1);

  async function chain(n: number): Promise<void> {
    let previous: string | undefined;
    const history: unknown[] = [];
    for (let turn = 0; turn < options.turns && Date.now() < deadline; turn++) {
      const message = { role: 'user', content: `chain ${n} turn ${turn}` };
      const body = stored
        ? { model: MODEL, input: [message], ...(previous ? { previous_response_id: previous } : {}) }
        : { model: MODEL, store: false, input: [...history, message] };
      const t0 = performance.now();
      let res: Response;
      try {
        res = await fetch(`${base}/responses`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
      } catch (err) {
        fail(err instanceof Error ? err.name : 'error');
        return;
      }
      const json = (await res.json()) as { id?: string; output?: unknown[] };
      latencies.push(performance.now() - t0);
      if (res.status !== 200 || !json.id) {
        fail(`status ${res.status}`);
        return;
      }
      previous = json.id;
      history.push(message, ...(json.output ?? []));
    }
  }

  await Promise.all(Array.from({ length: options.chains }, (_, n) => chain(n)));
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    turns: latencies.length,
    failures: Object.values(failureKinds).reduce((a, b) => a + b, 0),
    failureKinds,
    latencyMs: { p50: round(percentile(sorted, 50)), p90: round(percentile(sorted, 90)), p99: round(percentile(sorted, 99)) },
    seconds: round((performance.now() - started) / 1000),
  };
}

export async function runChainLoad(options: ChainLoadOptions): Promise<ChainLoadResult> {
  const dynamo = await startDynalite();
  const emulator = await startEmulator();
  const saved = { ...process.env };
  try {
    await dynamo.createTable(TABLE);
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emulator.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDLOAD',
      AWS_SECRET_ACCESS_KEY: 'load-secret',
      AWS_MAX_ATTEMPTS: '1',
    });
    const gateway = await startServer({
      PORT: '0',
      HOST: '127.0.0.1',
      API_KEY: KEY,
      AWS_REGION: 'us-east-1',
      LOG_LEVEL: 'SILENT',
      METRICS_ENABLED: 'false',
      ...(options.store === 'sqlite' ? { RESPONSE_STORE: 'sqlite' } : { RESPONSE_STORE: 'dynamodb', STORE_TABLE_NAME: TABLE }),
    });
    try {
      const base = `${gateway.url}/v1`;
      // Warm both paths up first (JIT, schemas, connections), so neither run pays for the first requests.
      const warmUp = { ...options, chains: Math.min(8, options.chains), turns: 2 };
      await run(base, warmUp, true);
      await run(base, warmUp, false);
      const stored = await run(base, options, true);
      const unstored = await run(base, options, false);
      return { stored, unstored, addedP50Ms: Math.round((stored.latencyMs.p50 - unstored.latencyMs.p50) * 100) / 100 };
    } finally {
      await gateway.close();
    }
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await emulator.close();
    await dynamo.close();
  }
}

if (require.main === module) {
  const { values } = parseArgs({
    options: { chains: { type: 'string', default: '64' }, turns: { type: 'string', default: '10' }, 'max-seconds': { type: 'string', default: '120' }, store: { type: 'string', default: 'dynamodb' } },
  });
  const store = values.store === 'sqlite' ? 'sqlite' : 'dynamodb';
  runChainLoad({ chains: Number(values.chains), turns: Number(values.turns), maxSeconds: Number(values['max-seconds']), store }).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      process.exit(result.stored.failures + result.unstored.failures === 0 ? 0 : 1);
    },
    (err: unknown) => {
      process.stderr.write(`chain load failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
