/**
 * On Lambda nothing may run after an invocation returns (the environment is frozen, maybe never thawed), so
 * a managed key's usage is written before the response's last byte is handed over: the body's end waits
 * for the write. Without managed keys, or with nothing recorded, this adds nothing.
 */
import type { ManagedKeys } from '../../keys/managed-keys';

type Fetch = (request: Request, ...rest: any[]) => Response | Promise<Response>;

export function writingUsageBeforeTheEnd<T extends { fetch: Fetch }>(app: T, managed: ManagedKeys | undefined): T {
  if (!managed) return app;
  const fetch: Fetch = async (request, ...rest) => {
    const res = await app.fetch(request, ...rest);
    if (!res.body) {
      await managed.flush();
      return res;
    }
    const reader = res.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (!done) return controller.enqueue(value);
        await managed.flush();
        controller.close();
      },
      cancel: (reason) => reader.cancel(reason),
    });
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
  return { ...app, fetch } as T;
}
