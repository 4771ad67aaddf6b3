import { BedrockClient } from '@aws-sdk/client-bedrock';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startEmulator, type Emulator } from '../../emulator';

export const credentials = { accessKeyId: 'x', secretAccessKey: 'y' };

/** Both transports the gateway may use: the runtime client's default (h2c) and HTTP/1.1. */
export const PROTOCOLS = [
  { protocol: 'h2', handler: (): NodeHttpHandler | undefined => undefined },
  { protocol: 'http/1.1', handler: (): NodeHttpHandler | undefined => new NodeHttpHandler() },
] as const;

export type Protocol = (typeof PROTOCOLS)[number]['protocol'];

/** Retries off: a scripted error must reach the test, not be retried into the next queued reply. */
export function runtimeClient(emulator: Emulator, protocol: Protocol): BedrockRuntimeClient {
  const handler = PROTOCOLS.find((p) => p.protocol === protocol)?.handler();
  return new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: emulator.url,
    credentials,
    maxAttempts: 1,
    ...(handler ? { requestHandler: handler } : {}),
  });
}

export function controlClient(emulator: Emulator): BedrockClient {
  return new BedrockClient({ region: 'us-east-1', endpoint: emulator.url, credentials, maxAttempts: 1 });
}

/** One emulator and one client per protocol for a whole test file, reset between tests. */
export function useEmulator(): {
  emulator: () => Emulator;
  client: (protocol: Protocol) => BedrockRuntimeClient;
} {
  let emulator: Emulator | undefined;
  const clients = new Map<Protocol, BedrockRuntimeClient>();
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterEach(() => emulator?.reset());
  afterAll(async () => {
    for (const client of clients.values()) client.destroy();
    await emulator?.close();
  });
  const get = (): Emulator => {
    if (!emulator) throw new Error('emulator not started');
    return emulator;
  };
  return {
    emulator: get,
    client(protocol) {
      let client = clients.get(protocol);
      if (!client) {
        client = runtimeClient(get(), protocol);
        clients.set(protocol, client);
      }
      return client;
    },
  };
}

export const userMessage = (text: string) => ({ role: 'user' as const, content: [{ text }] });

/**
 * Waits until `predicate` holds, polling; fails after `timeoutMs`. Wait for states the emulator's counters
 * report (open streams, calls in flight), not for time: the deadline only ends a wait for what never comes.
 */
export async function eventually(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
