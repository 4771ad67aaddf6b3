/**
 * Request/response over a child process's IPC channel: the orchestrator asks, a bench process answers.
 * Kept tiny on purpose: the processes it connects are measured, and IPC is idle while they are.
 */
import type { ChildProcess } from 'node:child_process';

interface RpcRequest {
  readonly rpc: number;
  readonly method: string;
  readonly params: unknown;
}

interface RpcReply {
  readonly rpc: number;
  readonly result?: unknown;
  readonly error?: string;
}

export type RpcHandlers = Record<string, (params: never) => unknown>;

/** Child side: answer requests until the parent goes away (then exit, so no bench process outlives a run). */
export function serveRpc(handlers: RpcHandlers): void {
  if (!process.send) throw new Error('This bench process must be started with an IPC channel.');
  process.on('message', (raw: unknown) => {
    const msg = raw as Partial<RpcRequest>;
    if (typeof msg.rpc !== 'number' || typeof msg.method !== 'string') return;
    const rpc = msg.rpc;
    const handler = handlers[msg.method] as ((p: unknown) => unknown) | undefined;
    const reply = (r: RpcReply): void => void process.send?.(r);
    if (!handler) return reply({ rpc, error: `unknown method ${msg.method}` });
    Promise.resolve()
      .then(() => handler(msg.params))
      .then(
        (result) => reply({ rpc, result }),
        (err: unknown) => reply({ rpc, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
      );
  });
  process.on('disconnect', () => process.exit(0));
}

/** Parent side: a typed `call` bound to one child. */
export function rpcClient(child: ChildProcess): { call<T>(method: string, params?: unknown, timeoutMs?: number): Promise<T> } {
  let next = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  child.on('message', (raw: unknown) => {
    const msg = raw as Partial<RpcReply>;
    if (typeof msg.rpc !== 'number') return;
    const p = pending.get(msg.rpc);
    if (!p) return;
    pending.delete(msg.rpc);
    if (msg.error !== undefined) p.reject(new Error(msg.error));
    else p.resolve(msg.result);
  });
  child.on('exit', (code, signal) => {
    for (const p of pending.values()) p.reject(new Error(`bench process exited (${code ?? signal})`));
    pending.clear();
  });
  return {
    call<T>(method: string, params?: unknown, timeoutMs = 300_000): Promise<T> {
      const rpc = next++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(rpc);
          reject(new Error(`${method} timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(rpc, {
          resolve: (v) => (clearTimeout(timer), resolve(v as T)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        });
        child.send({ rpc, method, params } satisfies RpcRequest);
      });
    },
  };
}
