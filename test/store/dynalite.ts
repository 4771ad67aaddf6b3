/**
 * Test helper: dynalite (DynamoDB's wire protocol on an in-memory LevelDB, with DynamoDB's validation and
 * its 400 KB item limit) on a random loopback port, and the gateway's table created in it with the key
 * schema the CDK stack creates (lambda/src/store/table-schema.ts).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLE_SCHEMA } from '../../lambda/src/store/table-schema';

// No type declarations ship with dynalite.
const dynalite = require('dynalite') as (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;

export const TEST_CREDENTIALS = { accessKeyId: 'AKIDDYNALITE', secretAccessKey: 'dynalite-secret' };

export interface Dynalite {
  readonly endpoint: string;
  /** An SDK client on this endpoint, for setup and for looking at the raw items. */
  readonly client: DynamoDBClient;
  /** Creates a table with the gateway's key schema and waits until it is active. */
  createTable(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startDynalite(): Promise<Dynalite> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint, credentials: TEST_CREDENTIALS });
  return {
    endpoint,
    client,
    async createTable(name) {
      const { partitionKey, sortKey } = TABLE_SCHEMA;
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [
            { AttributeName: partitionKey, KeyType: 'HASH' },
            { AttributeName: sortKey, KeyType: 'RANGE' },
          ],
          AttributeDefinitions: [
            { AttributeName: partitionKey, AttributeType: 'S' },
            { AttributeName: sortKey, AttributeType: 'S' },
          ],
        }),
      );
      while ((await client.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus !== 'ACTIVE') {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    async close() {
      client.destroy();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * For an end-to-end file: when `enabled`, dynalite with `table` created, found by the gateway the way deployed
 * code finds DynamoDB (AWS_ENDPOINT_URL_DYNAMODB), from beforeAll to afterAll. Call it before `useHarness`, so
 * the endpoint is set when the gateway starts. The accessor returns the running instance (undefined when off).
 */
export function useDynaliteTable(table: string, enabled: boolean): () => Dynalite | undefined {
  let dynamo: Dynalite | undefined;
  beforeAll(async () => {
    if (!enabled) return;
    dynamo = await startDynalite();
    await dynamo.createTable(table);
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  });
  afterAll(async () => {
    await dynamo?.close();
    if (enabled) delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
  });
  return () => dynamo;
}
