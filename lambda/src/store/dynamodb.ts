/**
 * Stored responses in the gateway's DynamoDB table (key schema: ./table-schema.ts). Records:
 *
 * | pk                          | sk                   | holds                                                          |
 * | --------------------------- | -------------------- | -------------------------------------------------------------- |
 * | `response#<owner>#<id>`     | `head`               | owner, id, createdAt, model, status, gen, parts, expiresAt; `body` when parts = 0 |
 * | `response#<owner>#<id>`     | `part#<gen>#<00000>` | one slice of the body, in order                                 |
 * | `item#<owner>#<itemId>`     | `item`               | responseId, expiresAt; the item as JSON (`item`) or, when large, where it sits (`list`, `pos`) |
 *
 * The body is the whole record as gzipped JSON. DynamoDB items are limited to 400 KB, so a body larger than
 * one slice is split into parts written before the head that names them: a reader that sees a head sees its
 * parts. The owner is part of every key, so another owner's lookup finds nothing rather than something to
 * hide. Reads are strongly consistent; a record past `expiresAt` reads as absent before DynamoDB's TTL
 * deletes it.
 */
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { constants, gunzip, gzip } from 'node:zlib';
import type { WriteRequest } from '@aws-sdk/client-dynamodb';
import type { DynamoTable, TableItem } from '../aws/dynamodb';
import { checkStorable, expiryOf, indexedItems, isLive, isValidId, isValidOwner, type IndexedItem, type ItemList } from './records';
import { TABLE_SCHEMA } from './table-schema';
import { reasonOf, StoreUnavailable, type ResponseStore, type StoreOptions, type StoredResponse } from './types';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = TABLE_SCHEMA;

/** Body bytes per item: with keys and attribute names, well under DynamoDB's 409,600-byte item limit. */
export const PART_BYTES = 350_000;
/** An item larger than this (an input message with an image) is indexed by its place in the record instead of copied. */
const INLINE_ITEM_BYTES = 64 * 1024;
/** Parallel single-item deletes (conditional ones cannot be batched). */
const DELETE_CONCURRENCY = 16;
const HEAD = 'head';
const ITEM = 'item';

const responseKey = (owner: string, id: string) => `response#${owner}#${id}`;
const itemKey = (owner: string, itemId: string): TableItem => ({ [PK]: { S: `item#${owner}#${itemId}` }, [SK]: { S: ITEM } });
const partSk = (gen: string, n: number) => `part#${gen}#${String(n).padStart(5, '0')}`;
const num = (v: number) => ({ N: String(v) });

export function dynamoResponseStore(table: DynamoTable, options: StoreOptions): ResponseStore {
  return new DynamoResponseStore(table, options);
}

class DynamoResponseStore implements ResponseStore {
  private readonly clock: () => number;

  constructor(
    private readonly table: DynamoTable,
    private readonly options: StoreOptions,
  ) {
    this.clock = options.clock ?? Date.now;
  }

  async put(r: StoredResponse): Promise<void> {
    checkStorable(r);
    const expiresAt = num(expiryOf(this.clock(), this.options.ttlSeconds));
    const pk = { S: responseKey(r.owner, r.id) };
    const body = await gzipAsync(JSON.stringify(r), { level: constants.Z_BEST_SPEED });
    const gen = randomBytes(6).toString('hex');
    const parts: Buffer[] = [];
    if (body.length > PART_BYTES) for (let at = 0; at < body.length; at += PART_BYTES) parts.push(body.subarray(at, at + PART_BYTES));
    const items = indexedItems(r);
    const head: TableItem = {
      [PK]: pk,
      [SK]: { S: HEAD },
      owner: { S: r.owner },
      id: { S: r.id },
      createdAt: num(r.createdAt),
      model: { S: r.model },
      status: { S: r.status },
      gen: { S: gen },
      parts: num(parts.length),
      [TTL]: expiresAt,
      ...(parts.length === 0 && { body: { B: body } }),
    };
    await this.io('put', async () => {
      await this.table.writeBatch([
        ...parts.map((part, n): WriteRequest => ({ PutRequest: { Item: { [PK]: pk, [SK]: { S: partSk(gen, n) }, body: { B: part }, [TTL]: expiresAt } } })),
        ...items.map((item): WriteRequest => ({ PutRequest: { Item: indexRecord(r, item, expiresAt) } })),
      ]);
      // Last: the response exists, whole, from here on.
      const old = await this.table.putItem(head);
      if (old) await this.dropReplaced(r, gen, old, new Set(items.map((i) => i.id)));
    });
  }

  async get(owner: string, id: string): Promise<StoredResponse | undefined> {
    if (!isValidOwner(owner) || !isValidId(id)) return undefined;
    return this.io('get', () => this.read(owner, id));
  }

  async delete(owner: string, id: string): Promise<boolean> {
    if (!isValidOwner(owner) || !isValidId(id)) return false;
    return this.io('delete', async () => {
      const rows = await this.table.queryPartition(PK, responseKey(owner, id));
      const record = await this.decode(rows);
      if (!record) return false;
      // The index first, so that no item outlives its response; an id a later response took over stays.
      await this.dropIndex(owner, id, indexedItems(record).map((i) => i.id));
      const head = await this.table.deleteItem({ [PK]: { S: responseKey(owner, id) }, [SK]: { S: HEAD } });
      await this.table.writeBatch(rows.filter((row) => row[SK].S !== HEAD).map((row) => ({ DeleteRequest: { Key: { [PK]: row[PK], [SK]: row[SK] } } })));
      return head !== undefined;
    });
  }

  async getItem(owner: string, itemId: string): Promise<Record<string, unknown> | undefined> {
    if (!isValidOwner(owner) || !isValidId(itemId)) return undefined;
    return this.io('getItem', async () => {
      const row = await this.table.getItem(itemKey(owner, itemId));
      if (!row || !isLive(Number(row[TTL]?.N), this.clock())) return undefined;
      if (row.item?.S !== undefined) return parseJson('getItem', row.item.S) as Record<string, unknown>;
      const responseId = row.responseId?.S;
      const record = responseId ? await this.read(owner, responseId) : undefined;
      const item = record?.[row.list?.S as ItemList]?.[Number(row.pos?.N)];
      return item && item.id === itemId ? item : undefined;
    });
  }

  async close(): Promise<void> {
    this.table.close();
  }

  /** The record, reading once more if a concurrent replace of the same id left the first read without its parts. */
  private async read(owner: string, id: string): Promise<StoredResponse | undefined> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.decode(await this.table.queryPartition(PK, responseKey(owner, id)));
      } catch (err) {
        if (!(err instanceof IncompleteRecord) || attempt === 1) throw err;
      }
    }
  }

  /** A partition's rows → the live record, or undefined (no head, expired). */
  private async decode(rows: readonly TableItem[]): Promise<StoredResponse | undefined> {
    const head = rows.find((row) => row[SK].S === HEAD);
    if (!head || !isLive(Number(head[TTL]?.N), this.clock())) return undefined;
    const count = Number(head.parts?.N ?? 0);
    let body: Uint8Array;
    if (count === 0) {
      if (!head.body?.B) throw new StoreUnavailable('get', 'unreadable record');
      body = head.body.B;
    } else {
      const prefix = `part#${head.gen?.S}#`;
      const parts = rows.filter((row) => row[SK].S?.startsWith(prefix)).sort((a, b) => (a[SK].S! < b[SK].S! ? -1 : 1));
      if (parts.length !== count || parts.some((p) => !p.body?.B)) throw new IncompleteRecord();
      body = Buffer.concat(parts.map((p) => p.body.B!));
    }
    let text: string;
    try {
      text = (await gunzipAsync(body)).toString('utf8');
    } catch (err) {
      throw new StoreUnavailable('get', 'unreadable record', { cause: err });
    }
    return parseJson('get', text) as StoredResponse;
  }

  /** After `put` replaced a record: the old version's parts, and the index entries only the old version had. */
  private async dropReplaced(r: StoredResponse, gen: string, oldHead: TableItem, kept: ReadonlySet<string>): Promise<void> {
    const rows = await this.table.queryPartition(PK, responseKey(r.owner, r.id));
    const stale = rows.filter((row) => row[SK].S !== HEAD && !row[SK].S?.startsWith(`part#${gen}#`));
    let old: StoredResponse | undefined;
    try {
      old = await this.decode([oldHead, ...stale]);
    } catch {
      old = undefined; // an unreadable old version has no index entries worth finding
    }
    if (old) await this.dropIndex(r.owner, r.id, indexedItems(old).map((i) => i.id).filter((id) => !kept.has(id)));
    await this.table.writeBatch(stale.map((row) => ({ DeleteRequest: { Key: { [PK]: row[PK], [SK]: row[SK] } } })));
  }

  /** Deletes the index entries of `itemIds` that still point at response `id`. */
  private async dropIndex(owner: string, id: string, itemIds: readonly string[]): Promise<void> {
    await mapLimit(itemIds, DELETE_CONCURRENCY, (itemId) =>
      this.table.deleteItem(itemKey(owner, itemId), { expression: '#r = :r', names: { '#r': 'responseId' }, values: { ':r': { S: id } } }),
    );
  }

  /** Runs table calls, turning whatever they throw into `StoreUnavailable`. */
  private async io<T>(operation: StoreUnavailable['operation'], fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof StoreUnavailable || err instanceof RangeError) throw err;
      throw new StoreUnavailable(operation, err instanceof IncompleteRecord ? 'incomplete record' : reasonOf(err), { cause: err });
    }
  }
}

/** A head whose parts are not all there: a concurrent replace of the same id, or a damaged record. */
class IncompleteRecord extends Error {
  override readonly name = 'IncompleteRecord';
}

function indexRecord(r: StoredResponse, { id, list, pos, item }: IndexedItem, expiresAt: { N: string }): TableItem {
  const json = JSON.stringify(item);
  const where: TableItem = Buffer.byteLength(json) <= INLINE_ITEM_BYTES ? { item: { S: json } } : { list: { S: list }, pos: num(pos) };
  return { ...itemKey(r.owner, id), owner: { S: r.owner }, responseId: { S: r.id }, [TTL]: expiresAt, ...where };
}

function parseJson(operation: StoreUnavailable['operation'], text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new StoreUnavailable(operation, 'unreadable record', { cause: err });
  }
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
