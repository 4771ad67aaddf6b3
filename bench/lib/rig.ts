/**
 * The bench rig: bundles, the emulator process, the load generator process and gateway processes, placed
 * on CPUs so the gateway has one to itself when taskset is available.
 */
import os from 'node:os';
import { buildBundles, type Bundles } from './build';
import { EmulatorControl } from './emulator-control';
import { placement, startProcess, type BenchProcess, type Placement } from './procs';

export const API_KEY = 'sk-bench-local-key';
export const REGION = 'us-east-1';
/** A profile id the emulator's catalog serves on demand, like the gateway's us-east-1 default. */
export const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

export interface GatewayProcess extends BenchProcess {
  readonly url: string;
  /** Bytes the gateway wrote to stdout (its logs) since start. */
  logBytes(): number;
}

export interface ProcessStats {
  readonly cpuUserUs: number;
  readonly cpuSystemUs: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly maxRssBytes: number;
}

export interface Rig {
  readonly bundles: Bundles;
  readonly placement: Placement;
  readonly emulator: EmulatorControl;
  readonly loadgen: BenchProcess;
  /** CPU the emulator process used so far, ms. */
  emulatorCpuMs(): Promise<number>;
  /** Environment shared by every process that talks to Bedrock: the SDK's own variables, never code. */
  readonly awsEnv: Record<string, string>;
  startGateway(extraEnv?: Record<string, string>, nodeFlags?: readonly string[]): Promise<GatewayProcess>;
  close(): Promise<void>;
}

export async function startRig(lifetimeMs: number, gatewayEnv: Record<string, string> = {}): Promise<Rig> {
  const bundles = await buildBundles();
  const where = placement(os.availableParallelism());
  const baseEnv = { PATH: process.env.PATH, HOME: process.env.HOME, BENCH_MAX_LIFETIME_MS: String(lifetimeMs) };
  const emulatorProc = await startProcess({ script: bundles.emulatorHost, env: baseEnv, cpu: where.driverCpu });
  const emulatorUrl = String(emulatorProc.ready.url);
  const awsEnv = {
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emulatorUrl,
    AWS_ENDPOINT_URL_BEDROCK: emulatorUrl,
    AWS_ACCESS_KEY_ID: 'AKIDBENCHLOCAL',
    AWS_SECRET_ACCESS_KEY: 'bench-local-secret',
    AWS_REGION: REGION,
    AWS_MAX_ATTEMPTS: '1',
    // No shared config or credential files: the bench must not pick up a developer's profile.
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  const loadgen = await startProcess({ script: bundles.loadgen, env: { ...baseEnv, ...awsEnv }, cpu: where.driverCpu });
  const gateways: GatewayProcess[] = [];
  return {
    bundles,
    placement: where,
    emulator: new EmulatorControl(emulatorUrl),
    loadgen,
    awsEnv,
    emulatorCpuMs: async () => {
      const c = await emulatorProc.call<{ user: number; system: number }>('cpu');
      return (c.user + c.system) / 1000;
    },
    async startGateway(extraEnv = {}, nodeFlags = []) {
      let logBytes = 0;
      const proc = await startProcess({
        script: bundles.gatewayHost,
        env: {
          ...baseEnv,
          ...awsEnv,
          BENCH_SERVER_BUNDLE: bundles.server,
          // As the Dockerfile runs it.
          NODE_ENV: 'production',
          NODE_OPTIONS: '--enable-source-maps',
          PORT: '0',
          HOST: '127.0.0.1',
          API_KEY,
          LOG_LEVEL: 'INFO',
          ...gatewayEnv,
          ...extraEnv,
        },
        cpu: where.gatewayCpu,
        nodeFlags: ['--expose-gc', ...nodeFlags],
        onStdout: (chunk) => (logBytes += chunk.length),
      });
      const gateway: GatewayProcess = { ...proc, url: String(proc.ready.url), logBytes: () => logBytes };
      gateways.push(gateway);
      return gateway;
    },
    async close() {
      await Promise.all([...gateways.map((g) => g.stop()), loadgen.stop(), emulatorProc.stop()]);
    },
  };
}

export function cpuMs(a: ProcessStats, b: ProcessStats): number {
  return (b.cpuUserUs - a.cpuUserUs + (b.cpuSystemUs - a.cpuSystemUs)) / 1000;
}
