/** What the figures were measured on: they mean little without it. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { NODE } from './procs';

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly platform: string;
  readonly kernel: string;
  readonly totalMemoryMb: number;
  /** The Node that runs the gateway, the emulator and the load generator. */
  readonly nodeVersion: string;
  readonly loadAverage: { readonly start: readonly number[]; end?: readonly number[] };
  readonly uptime: string;
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  let uptime = '';
  try {
    uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    uptime = 'uptime not available';
  }
  return {
    cpus: os.availableParallelism(),
    cpuModel: cpus[0]?.model ?? 'unknown',
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    totalMemoryMb: Math.round(os.totalmem() / 2 ** 20),
    nodeVersion: execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim(),
    loadAverage: { start: os.loadavg().map((v) => Math.round(v * 100) / 100) },
    uptime,
  };
}
