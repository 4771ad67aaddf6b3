/**
 * esbuild bundles for the run, in a temporary directory: the gateway server exactly as the Dockerfile
 * builds it, the Lambda handler exactly as the CDK NodejsFunction builds it (lib/constructs/gateway-function.ts),
 * and the bench's own helper processes.
 */
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';

// The deployables' lazily loaded modules (scripts/lazy-modules.cjs): left out of the main bundles and built
// as their own files beside them, exactly as the Dockerfile and the CDK function ship them.
const { LAZY_MODULES, MAIN_FIELDS, lazyBundleCommands } = require('../../scripts/lazy-modules.cjs') as {
  LAZY_MODULES: string[];
  MAIN_FIELDS: string[];
  lazyBundleCommands(esbuild: string, outDir: string): string[];
};

export interface Bundles {
  readonly dir: string;
  /** Fargate-style server bundle (Dockerfile flags). */
  readonly server: string;
  /** The same server bundle unminified, so CPU profiles name functions and modules. */
  readonly serverReadable: string;
  /** Lambda ALB handler bundle (NodejsFunction flags); its size is the Lambda figure. */
  readonly lambda: string;
  /** What the Lambda bundle is made of (esbuild's metafile). */
  readonly lambdaMeta: Metafile;
  readonly gatewayHost: string;
  readonly loadgen: string;
  readonly emulatorHost: string;
  readonly probe: string;
}

const ROOT = path.join(__dirname, '..', '..');

/** The production flags both deployables share: one minified CJS file for Node 22 with an external map. */
export const PRODUCTION_FLAGS: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: MAIN_FIELDS,
  logLevel: 'warning',
};

export async function buildBundles(): Promise<Bundles> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gateway-bench-'));
  const out = (name: string) => path.join(dir, name);
  const entry = (rel: string) => path.join(ROOT, rel);
  const external = LAZY_MODULES;
  const [, , lambdaBuild] = await Promise.all([
    build({ ...PRODUCTION_FLAGS, external, entryPoints: [entry('lambda/src/runtime/node/server.ts')], outfile: out('server.js') }),
    build({ ...PRODUCTION_FLAGS, external, minify: false, sourcemap: false, entryPoints: [entry('lambda/src/runtime/node/server.ts')], outfile: out('server-readable.js') }),
    // NodejsFunction: --bundle --target=node22 --platform=node --format=cjs --minify --sourcemap
    // --sources-content=false, the AWS SDK bundled (bundleAwsSDK), the lazy modules external.
    build({ ...PRODUCTION_FLAGS, external, metafile: true, entryPoints: [entry('lambda/src/runtime/lambda/alb.ts')], outfile: out('lambda/index.js') }),
    build({
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      logLevel: 'warning',
      entryPoints: {
        'gateway-host': entry('bench/procs/gateway-host.ts'),
        loadgen: entry('bench/procs/loadgen.ts'),
        'emulator-host': entry('bench/procs/emulator-host.ts'),
        probe: entry('bench/procs/probe.ts'),
      },
      outdir: dir,
    }),
  ]);
  for (const command of [...lazyBundleCommands(path.join(ROOT, 'node_modules/.bin/esbuild'), dir), ...lazyBundleCommands(path.join(ROOT, 'node_modules/.bin/esbuild'), out('lambda'))]) {
    execSync(command, { cwd: ROOT, stdio: 'inherit' });
  }
  return {
    dir,
    server: out('server.js'),
    serverReadable: out('server-readable.js'),
    lambda: out('lambda/index.js'),
    lambdaMeta: lambdaBuild.metafile ?? { inputs: {}, outputs: {} },
    gatewayHost: out('gateway-host.js'),
    loadgen: out('loadgen.js'),
    emulatorHost: out('emulator-host.js'),
    probe: out('probe.js'),
  };
}
