/**
 * The gateway's DynamoDB table (stored responses; managed keys next), as the few calls the store makes.
 * Endpoint, credentials and retry count come from the SDK's own configuration chain
 * (AWS_ENDPOINT_URL_DYNAMODB, AWS_MAX_ATTEMPTS, …), never overridden here. The SDK client is loaded on the
 * first call (scripts/lazy-modules.cjs), so a process that never stores a response never pays for it.
 *
 * Every call has a deadline: past it the call is aborted and rejects with `TableTimeout`, whatever the SDK
 * was doing (connecting, waiting for an answer, backing off between retries, resolving credentials).
 */
import type { AttributeValue, DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';

export type TableItem = Record<string, AttributeValue>;

/** A condition on the item a write replaces or deletes, e.g. `{ expression: '#r = :r', names: {…}, values: {…} }`. */
export interface TableCondition {
  readonly expression: string;
  readonly names?: Record<string, string>;
  readonly values?: TableItem;
}

export interface DynamoTable {
  readonly tableName: string;
  /** One item, strongly consistent. */
  getItem(key: TableItem): Promise<TableItem | undefined>;
  /** Every item of one partition in sort-key order (all pages), strongly consistent. */
  queryPartition(partitionKey: string, value: string): Promise<TableItem[]>;
  /** Writes the item; resolves to the item it replaced, if any. */
  putItem(item: TableItem): Promise<TableItem | undefined>;
  /** Writes the item only when `condition` holds; false when it did not. */
  putItemIf(item: TableItem, condition: TableCondition): Promise<boolean>;
  /**
   * Applies an update expression (`SET …`, `ADD …`) atomically, when `condition` holds; resolves to the item
   * after the update, or undefined when the condition did not hold.
   */
  updateItem(key: TableItem, update: TableCondition, condition?: TableCondition): Promise<TableItem | undefined>;
  /** The items of one partition whose sort key lies between `from` and `to` (inclusive), all pages, strongly consistent. */
  queryRange(partitionKey: string, value: string, sortKey: string, from: string, to: string): Promise<TableItem[]>;
  /** Deletes the item; resolves to it, or undefined when there was none or `condition` did not hold. */
  deleteItem(key: TableItem, condition?: TableCondition): Promise<TableItem | undefined>;
  /** Puts and deletes, unconditionally, in batches of 25 sent side by side; what DynamoDB leaves unprocessed is sent again. */
  writeBatch(requests: readonly WriteRequest[]): Promise<void>;
  /** Closes the client's connections. */
  close(): void;
}

export interface DynamoTableOptions {
  readonly region: string;
  readonly tableName: string;
  /** Deadline of each call, retries included. */
  readonly timeoutMs: number;
  /** Tests only: an endpoint and static credentials instead of the SDK's chains. */
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** A call to the table did not finish within its deadline. */
export class TableTimeout extends Error {
  override readonly name = 'TimeoutError';
}

const BATCH_SIZE = 25;
/** Rounds of re-sending what a BatchWriteItem left unprocessed (throttling), each after a short backoff. */
const BATCH_ROUNDS = 8;

type Sdk = typeof import('@aws-sdk/client-dynamodb');

export function createDynamoTable(options: DynamoTableOptions): DynamoTable {
  const { tableName, timeoutMs } = options;
  let loaded: { sdk: Sdk; client: DynamoDBClient } | undefined;
  let closed = false;
  const load = () => {
    if (loaded) return loaded;
    // A plain `require` on first use: the gateway is CommonJS everywhere (bundles, tsx, Jest).
    const sdk = require('@aws-sdk/client-dynamodb') as Sdk;
    const client = new sdk.DynamoDBClient({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      // Per attempt; the deadline below bounds the whole call. A connection that takes a second is broken.
      requestHandler: { connectionTimeout: Math.min(1_000, timeoutMs), requestTimeout: timeoutMs, throwOnRequestTimeout: true },
    });
    loaded = { sdk, client };
    return loaded;
  };

  /** Runs one SDK call with the deadline; the signal aborts the HTTP request when it passes. */
  async function call<T>(send: (sdk: Sdk, client: DynamoDBClient, signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new TableTimeout(`DynamoDB did not answer within ${timeoutMs} ms`);
        controller.abort(err);
        reject(err);
      }, timeoutMs);
    });
    try {
      const sent = Promise.resolve().then(() => {
        if (closed) throw new Error('the table client is closed');
        const { sdk, client } = load();
        return send(sdk, client, controller.signal);
      });
      return await Promise.race([sent, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Every page of one Query, strongly consistent, each page within the call deadline. */
  async function queryAll(names: Record<string, string>, keyCondition: string, values: TableItem): Promise<TableItem[]> {
    const items: TableItem[] = [];
    let start: TableItem | undefined;
    do {
      const page = await call((sdk, client, abortSignal) =>
        client.send(
          new sdk.QueryCommand({
            TableName: tableName,
            KeyConditionExpression: keyCondition,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
          { abortSignal },
        ),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  return {
    tableName,
    getItem: (key) =>
      call(async (sdk, client, abortSignal) => (await client.send(new sdk.GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }), { abortSignal })).Item),

    queryPartition: (partitionKey, value) => queryAll({ '#pk': partitionKey }, '#pk = :pk', { ':pk': { S: value } }),

    putItemIf: (item, condition) =>
      call(async (sdk, client, abortSignal) => {
        try {
          await client.send(
            new sdk.PutItemCommand({ TableName: tableName, Item: item, ConditionExpression: condition.expression, ExpressionAttributeNames: condition.names, ExpressionAttributeValues: condition.values }),
            { abortSignal },
          );
          return true;
        } catch (err) {
          if (err instanceof sdk.ConditionalCheckFailedException) return false;
          throw err;
        }
      }),

    updateItem: (key, update, condition) =>
      call(async (sdk, client, abortSignal) => {
        const values = { ...update.values, ...condition?.values };
        try {
          const out = await client.send(
            new sdk.UpdateItemCommand({
              TableName: tableName,
              Key: key,
              UpdateExpression: update.expression,
              ExpressionAttributeNames: { ...update.names, ...condition?.names },
              ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
              ...(condition && { ConditionExpression: condition.expression }),
              ReturnValues: 'ALL_NEW',
            }),
            { abortSignal },
          );
          return out.Attributes ?? {};
        } catch (err) {
          if (err instanceof sdk.ConditionalCheckFailedException) return undefined;
          throw err;
        }
      }),

    queryRange: (partitionKey, value, sortKey, from, to) =>
      queryAll({ '#pk': partitionKey, '#sk': sortKey }, '#pk = :pk AND #sk BETWEEN :from AND :to', { ':pk': { S: value }, ':from': { S: from }, ':to': { S: to } }),

    putItem: (item) =>
      call(async (sdk, client, abortSignal) => (await client.send(new sdk.PutItemCommand({ TableName: tableName, Item: item, ReturnValues: 'ALL_OLD' }), { abortSignal })).Attributes),

    deleteItem: (key, condition) =>
      call(async (sdk, client, abortSignal) => {
        try {
          const out = await client.send(
            new sdk.DeleteItemCommand({
              TableName: tableName,
              Key: key,
              ReturnValues: 'ALL_OLD',
              ...(condition && { ConditionExpression: condition.expression, ExpressionAttributeNames: condition.names, ExpressionAttributeValues: condition.values }),
            }),
            { abortSignal },
          );
          return out.Attributes;
        } catch (err) {
          if (err instanceof sdk.ConditionalCheckFailedException) return undefined;
          throw err;
        }
      }),

    async writeBatch(requests) {
      const batches: WriteRequest[][] = [];
      for (let i = 0; i < requests.length; i += BATCH_SIZE) batches.push(requests.slice(i, i + BATCH_SIZE));
      await Promise.all(
        batches.map(async (batch) => {
          let pending = batch;
          for (let round = 0; pending.length > 0; round++) {
            if (round === BATCH_ROUNDS) throw new Error(`DynamoDB left ${pending.length} writes unprocessed after ${BATCH_ROUNDS} rounds`);
            if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 25 * 2 ** round) * Math.random()));
            const out = await call((sdk, client, abortSignal) => client.send(new sdk.BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }), { abortSignal }));
            pending = out.UnprocessedItems?.[tableName] ?? [];
          }
        }),
      );
    },

    close() {
      closed = true;
      loaded?.client.destroy();
    },
  };
}
