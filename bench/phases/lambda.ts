/**
 * The Lambda deployable: bundle size (as the CDK NodejsFunction builds it), cold import time over an
 * empty Node process, network activity at import, and ALB events end to end through the bundled handler.
 */
import type { Metafile } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { median } from '../lib/stats';
import { NODE } from '../lib/procs';
import { API_KEY, MODEL, REGION, type Rig } from '../lib/rig';
import { REPLY_TEXT } from './requests';

export interface ColdImport {
  readonly nodeOptions: string;
  readonly emptyProcessMs: number;
  readonly withImportMs: number;
  /** withImport − empty: what loading the handler adds to a cold start. */
  readonly overEmptyMs: number;
  /** Measured inside the process around require(): the same cost without process noise. */
  readonly requireMs: number;
}

export interface LambdaFigures {
  readonly bundleBytes: number;
  readonly bundleGzipBytes: number;
  readonly serverBundleBytes: number;
  readonly coldImport: ColdImport[];
  readonly samples: number;
  readonly networkAtImport: string[];
  readonly importRssMb: number;
  readonly alb: Record<string, unknown>;
  /** Largest contributors to the bundle, KB of minified output per package (app files as one). */
  readonly composition: Array<[string, number]>;
}

/** Bytes of output per npm package, from esbuild's metafile: where the bundle's size comes from. */
function composition(meta: Metafile): Array<[string, number]> {
  const output = Object.values(meta.outputs).find((o) => o.entryPoint !== undefined);
  const byPackage = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? '(gateway code)';
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + bytesInOutput);
  }
  return [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => [k, Math.round(v / 100) / 10]);
}

function lambdaEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // What the function's configuration and the Lambda runtime put in the environment.
  return {
    PATH: process.env.PATH,
    API_KEY,
    AWS_REGION: REGION,
    LOG_LEVEL: 'INFO',
    AWS_ACCESS_KEY_ID: 'AKIDBENCHLOCAL',
    AWS_SECRET_ACCESS_KEY: 'bench-local-secret',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    // The stack's response table (never called here: the chat lane stores nothing).
    RESPONSE_STORE: 'dynamodb',
    STORE_TABLE_NAME: 'bench-gateway-state',
    ...extra,
  };
}

function wallMs(args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync(NODE, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr.toString().slice(0, 500)}`);
  return performance.now() - t0;
}

function probe(rig: Rig, mode: 'import' | 'alb', env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out = execFileSync(NODE, [rig.bundles.probe, mode, rig.bundles.lambda], { env, encoding: 'utf8', timeout: 120_000 });
  // The probe's answer is its last line that is not a log line (access lines still held are written at exit).
  const lines = out.trim().split('\n').flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
  return lines.filter((l) => !('level' in l && 'message' in l)).pop() ?? {};
}

function coldImport(rig: Rig, nodeOptions: string, samples: number): ColdImport {
  const env = lambdaEnv(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {});
  const empty: number[] = [];
  const loaded: number[] = [];
  const requireMs: number[] = [];
  const load = `require(${JSON.stringify(rig.bundles.lambda)})`;
  wallMs(['-e', load], env); // first run warms the page cache
  for (let i = 0; i < samples; i += 1) {
    empty.push(wallMs(['-e', '0'], env));
    loaded.push(wallMs(['-e', load], env));
    requireMs.push(Number(probe(rig, 'import', env).importMs));
  }
  const e = median(empty);
  const l = median(loaded);
  return { nodeOptions: nodeOptions || '(none)', emptyProcessMs: e, withImportMs: l, overEmptyMs: l - e, requireMs: median(requireMs) };
}

export async function runLambda(rig: Rig, samples: number): Promise<LambdaFigures> {
  const bundle = readFileSync(rig.bundles.lambda);
  const imported = probe(rig, 'import', lambdaEnv());
  await rig.emulator.prepare({ replyText: REPLY_TEXT, textChunks: 20 });
  const alb = probe(rig, 'alb', lambdaEnv({ ...rig.awsEnv, BENCH_MODEL: MODEL }));
  return {
    bundleBytes: bundle.length,
    bundleGzipBytes: gzipSync(bundle).length,
    serverBundleBytes: statSync(rig.bundles.server).size,
    // The function runs without NODE_OPTIONS (lib/constructs/gateway-function.ts); the first entry is the
    // target's. Node's source-map flag, which it used to set, is measured for comparison.
    coldImport: [coldImport(rig, '', samples), coldImport(rig, '--enable-source-maps', samples)],
    samples,
    networkAtImport: (imported.networkAtImport as string[] | undefined) ?? ['probe failed'],
    importRssMb: Number(imported.rssBytes) / 2 ** 20,
    alb,
    composition: composition(rig.bundles.lambdaMeta),
  };
}
