/**
 * A DynamoDB store that cannot answer: every operation raises StoreUnavailable, and within the timeout,
 * whether the endpoint refuses connections or accepts them and never answers.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createDynamoTable } from '../../lambda/src/aws/dynamodb';
import { dynamoResponseStore } from '../../lambda/src/store/dynamodb';
import { ROOT_OWNER, StoreUnavailable, type ResponseStore } from '../../lambda/src/store/types';
import { TEST_CREDENTIALS } from './dynalite';

const TIMEOUT_MS = 300;
/** Scheduling slack on a busy CI machine; a store that waited for the SDK's own (absent) timeouts would take minutes. */
const SLACK_MS = 700;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port nothing listens on any more. */
async function refusingEndpoint(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = createServer();
  const endpoint = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return { endpoint, close: async () => {} };
}

/** Accepts connections, reads the requests, never answers. */
async function silentEndpoint(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  const endpoint = await listen(server);
  return {
    endpoint,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const OPERATIONS: [string, (s: ResponseStore) => Promise<unknown>][] = [
  ['put', (s) => s.put({ id: 'resp_1', owner: ROOT_OWNER, createdAt: 1, model: 'm', status: 'completed', request: {}, response: {}, inputItems: [], outputItems: [{ id: 'msg_1', type: 'message' }] })],
  ['get', (s) => s.get(ROOT_OWNER, 'resp_1')],
  ['delete', (s) => s.delete(ROOT_OWNER, 'resp_1')],
  ['getItem', (s) => s.getItem(ROOT_OWNER, 'msg_1')],
];

describe.each([
  ['refuses connections', refusingEndpoint],
  ['accepts connections and never answers', silentEndpoint],
])('a DynamoDB endpoint that %s', (_name, start) => {
  let endpoint: { endpoint: string; close(): Promise<void> };
  let store: ResponseStore;
  beforeAll(async () => {
    endpoint = await start();
    const table = createDynamoTable({ region: 'us-east-1', tableName: 'gateway-state', timeoutMs: TIMEOUT_MS, endpoint: endpoint.endpoint, credentials: TEST_CREDENTIALS });
    store = dynamoResponseStore(table, { ttlSeconds: 60, timeoutMs: TIMEOUT_MS });
  });
  afterAll(async () => {
    await store.close();
    await endpoint.close();
  });

  it.each(OPERATIONS)('%s raises StoreUnavailable within the timeout', async (operation, run) => {
    const started = performance.now();
    const err = await run(store).then(
      () => undefined,
      (e: unknown) => e,
    );
    const elapsed = performance.now() - started;
    expect(err).toBeInstanceOf(StoreUnavailable);
    expect(err).toMatchObject({ operation, kind: 'unavailable' });
    expect(elapsed).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  });
});
