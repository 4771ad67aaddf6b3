/**
 * Managed keys in the gateway's DynamoDB table (key schema: ./table-schema.ts), beside the stored responses:
 *
 * | pk                 | sk                  | holds                                                           |
 * | ------------------ | ------------------- | --------------------------------------------------------------- |
 * | `keys`             | `<keyId>`           | the key record as JSON (`record`); one partition, so a Query lists them |
 * | `window#<keyId>`   | `<unix minute>`     | `requests`, `tokens` of one rate window; expires after 3 minutes |
 * | `usage#<keyId>`    | `<day>#<model>`     | the day's counters for one model (ADD, so writers never lose an update) |
 *
 * Admission is one conditional UpdateItem (`ADD requests 1` only while under the limits), so concurrent
 * gateways cannot admit more than the limit between them.
 */
import type { DynamoTable, TableItem } from '../aws/dynamodb';
import { byKeyDayModel, mergeEntries, totalTokens, USAGE_FIELDS, WINDOW_TTL_SECONDS } from './key-records';
import { TABLE_SCHEMA } from './table-schema';
import { reasonOf, StoreUnavailable, type KeyRecord, type KeyStore, type KeyStoreOperation, type UsageEntry, type UsageRow, type WindowCounts } from './types';

const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = TABLE_SCHEMA;
const KEYS = 'keys';
const QUERY_CONCURRENCY = 16;
const num = (v: number) => ({ N: String(v) });
const windowKey = (keyId: string, minute: number): TableItem => ({ [PK]: { S: `window#${keyId}` }, [SK]: { S: String(minute) } });
const usageKey = (keyId: string, day: string, model: string): TableItem => ({ [PK]: { S: `usage#${keyId}` }, [SK]: { S: `${day}#${model}` } });

export function dynamoKeyStore(table: DynamoTable, options: { readonly clock?: () => number } = {}): KeyStore {
  const clock = options.clock ?? Date.now;

  async function guard<T>(operation: KeyStoreOperation, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof StoreUnavailable) throw err;
      throw new StoreUnavailable(operation, reasonOf(err), { cause: err });
    }
  }

  const parse = (operation: KeyStoreOperation, item: TableItem | undefined): KeyRecord | undefined => {
    if (!item) return undefined;
    try {
      return JSON.parse(item.record?.S ?? '') as KeyRecord;
    } catch (err) {
      throw new StoreUnavailable(operation, 'unreadable record', { cause: err });
    }
  };

  const counts = (item: TableItem | undefined): WindowCounts => ({ requests: Number(item?.requests?.N ?? 0), tokens: Number(item?.tokens?.N ?? 0) });
  const windowExpiry = () => num(Math.floor(clock() / 1000) + WINDOW_TTL_SECONDS);

  return {
    createKey: (key) =>
      guard('createKey', () =>
        table.putItemIf({ [PK]: { S: KEYS }, [SK]: { S: key.id }, record: { S: JSON.stringify(key) } }, { expression: 'attribute_not_exists(#pk)', names: { '#pk': PK } }),
      ),

    getKey: (id) => guard('getKey', async () => parse('getKey', await table.getItem({ [PK]: { S: KEYS }, [SK]: { S: id } }))),

    listKeys: () =>
      guard('listKeys', async () => (await table.queryPartition(PK, KEYS)).map((item) => parse('listKeys', item)!).sort((a, b) => (a.id < b.id ? -1 : 1))),

    updateKey: (key) =>
      guard('updateKey', async () => {
        const out = await table.updateItem(
          { [PK]: { S: KEYS }, [SK]: { S: key.id } },
          { expression: 'SET #record = :record', names: { '#record': 'record' }, values: { ':record': { S: JSON.stringify(key) } } },
          { expression: 'attribute_exists(#pk)', names: { '#pk': PK } },
        );
        return out !== undefined;
      }),

    admit: (keyId, minute, maxRequests, maxTokens) =>
      guard('admit', async () => {
        if (maxRequests >= 1 && maxTokens > 0) {
          const after = await table.updateItem(
            windowKey(keyId, minute),
            { expression: 'SET #ttl = :ttl ADD #requests :one', names: { '#ttl': TTL, '#requests': 'requests' }, values: { ':ttl': windowExpiry(), ':one': num(1) } },
            {
              expression: '(attribute_not_exists(#requests) OR #requests < :maxRequests) AND (attribute_not_exists(#tokens) OR #tokens < :maxTokens)',
              names: { '#tokens': 'tokens' },
              values: { ':maxRequests': num(maxRequests), ':maxTokens': num(maxTokens) },
            },
          );
          if (after) return { admitted: true, ...counts(after) };
        }
        return { admitted: false, ...counts(await table.getItem(windowKey(keyId, minute))) };
      }),

    readWindow: (keyId, minute) => guard('readWindow', async () => counts(await table.getItem(windowKey(keyId, minute)))),

    addUsage: (entries: readonly UsageEntry[]) =>
      guard('addUsage', async () => {
        const writes: Array<Promise<unknown>> = [];
        for (const e of mergeEntries(entries)) {
          const names: Record<string, string> = {};
          const values: TableItem = {};
          const adds = USAGE_FIELDS.map((f, i) => {
            names[`#f${i}`] = f;
            values[`:v${i}`] = num(e[f]);
            return `#f${i} :v${i}`;
          });
          writes.push(table.updateItem(usageKey(e.keyId, e.day, e.model), { expression: `ADD ${adds.join(', ')}`, names, values }));
          if (e.minute !== undefined) {
            writes.push(
              table.updateItem(windowKey(e.keyId, e.minute), {
                expression: 'SET #ttl = :ttl ADD #tokens :tokens',
                names: { '#ttl': TTL, '#tokens': 'tokens' },
                values: { ':ttl': windowExpiry(), ':tokens': num(totalTokens(e)) },
              }),
            );
          }
        }
        await Promise.all(writes);
      }),

    readUsage: (keyIds, from, to) =>
      guard('readUsage', async () => {
        // One Query per key, at most QUERY_CONCURRENCY at a time (a report over every key of a large gateway).
        const pages: TableItem[][] = [];
        for (let i = 0; i < keyIds.length; i += QUERY_CONCURRENCY) {
          const batch = keyIds.slice(i, i + QUERY_CONCURRENCY);
          pages.push(...(await Promise.all(batch.map((keyId) => table.queryRange(PK, `usage#${keyId}`, SK, `${from}#`, `${to}#\uffff`)))));
        }
        const rows: UsageRow[] = [];
        pages.forEach((items, i) => {
          for (const item of items) {
            const sk = item[SK]?.S ?? '';
            const cut = sk.indexOf('#');
            const row: Record<string, unknown> = { keyId: keyIds[i], day: sk.slice(0, cut), model: sk.slice(cut + 1) };
            for (const f of USAGE_FIELDS) row[f] = Number(item[f]?.N ?? 0);
            rows.push(row as unknown as UsageRow);
          }
        });
        return rows.sort(byKeyDayModel);
      }),

    async close() {
      // The table client is shared with the response store, which closes it.
    },
  };
}
