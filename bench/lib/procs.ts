/**
 * Starting the bench processes: Node 22 from node_modules/.bin, optionally pinned to a CPU with taskset,
 * with an IPC channel for the orchestrator. Every process is ended by pid, never by name.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { rpcClient } from './rpc';

export const NODE = path.join(__dirname, '..', '..', 'node_modules', '.bin', 'node');

export interface Placement {
  /** `taskset` found and at least two CPUs: gateway on one CPU, load generator and emulator on another. */
  readonly pinned: boolean;
  readonly gatewayCpu?: string;
  readonly driverCpu?: string;
}

export function placement(cpus: number): Placement {
  const taskset = spawnSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' }).stdout.trim();
  if (!taskset || !existsSync(taskset) || cpus < 2) return { pinned: false };
  return { pinned: true, gatewayCpu: String(cpus - 1), driverCpu: '0' };
}

export interface BenchProcess {
  readonly child: ChildProcess;
  readonly ready: Record<string, unknown>;
  call<T>(method: string, params?: unknown, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly script: string;
  readonly args?: readonly string[];
  readonly env: Record<string, string | undefined>;
  readonly cpu?: string;
  readonly nodeFlags?: readonly string[];
  /** Where the child's stdout goes; the gateway's logs are counted, not shown. */
  readonly onStdout?: (chunk: Buffer) => void;
}

export async function startProcess(opts: StartOptions): Promise<BenchProcess> {
  const nodeArgs = [...(opts.nodeFlags ?? []), opts.script, ...(opts.args ?? [])];
  const [cmd, args] = opts.cpu !== undefined ? ['taskset', ['-c', opts.cpu, NODE, ...nodeArgs]] : [NODE, nodeArgs];
  const child = spawn(cmd, args, { env: opts.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  child.stdout?.on('data', (chunk: Buffer) => opts.onStdout?.(chunk));
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const onMessage = (msg: unknown) => {
      if (msg && typeof msg === 'object' && (msg as { ready?: unknown }).ready) {
        child.off('message', onMessage);
        resolve(msg as Record<string, unknown>);
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`${path.basename(opts.script)} exited with ${code} before it was ready`)));
  });
  const rpc = rpcClient(child);
  return {
    child,
    ready,
    call: rpc.call,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.disconnect?.();
      }),
  };
}
