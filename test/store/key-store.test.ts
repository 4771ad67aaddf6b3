/**
 * The managed-key store contract, one suite for both backends: the embedded SQLite store and DynamoDB
 * (dynalite with the real @aws-sdk/client-dynamodb, found through AWS_ENDPOINT_URL_DYNAMODB). Admission is
 * checked under concurrency: many admissions at once never pass the limit between them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDynamoTable } from '../../lambda/src/aws/dynamodb';
import { dynamoKeyStore } from '../../lambda/src/store/dynamodb-keys';
import { openSqliteKeyStore } from '../../lambda/src/store/sqlite-keys';
import type { KeyRecord, KeyStore, UsageEntry } from '../../lambda/src/store/types';
import { startDynalite, TEST_CREDENTIALS, type Dynalite } from './dynalite';

let dynamo: Dynalite;
let dir: string;
const savedEnv = { ...process.env };
beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable('gateway-keys');
  dir = mkdtempSync(join(tmpdir(), 'keys-'));
  Object.assign(process.env, { AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey });
});
afterAll(async () => {
  process.env = savedEnv;
  await dynamo.close();
  rmSync(dir, { recursive: true, force: true });
});

const dynamoStore = () => dynamoKeyStore(createDynamoTable({ region: 'us-east-1', tableName: 'gateway-keys', timeoutMs: 5_000 }));
const BACKENDS: Array<[string, () => KeyStore]> = [
  ['sqlite', () => openSqliteKeyStore({ path: join(dir, 'state.db'), timeoutMs: 2_000 })],
  ['dynamodb', dynamoStore],
];

const keyId = () => `key_${randomBytes(8).toString('hex')}`;
const record = (id = keyId(), extra: Partial<KeyRecord> = {}): KeyRecord => ({ id, name: 'team a', secretHash: 'ab'.repeat(32), hint: 'wxyz', createdAt: 1_700_000_000, ...extra });
const usage = (keyId: string, model: string, day: string, n: number, minute?: number): UsageEntry => ({
  keyId,
  model,
  day,
  minute,
  requests: 1,
  inputTokens: n,
  outputTokens: 2 * n,
  cacheReadTokens: 3,
  cacheWriteTokens: 4,
  costNanoUsd: 1000 * n,
  unpricedRequests: 0,
});

describe.each(BACKENDS)('the managed-key store on %s', (_name, open) => {
  let store: KeyStore;
  beforeAll(() => {
    store = open();
  });
  afterAll(() => store.close());

  it('creates a key once, reads it, lists it, updates it', async () => {
    const k = record(keyId(), { models: ['anthropic.*'], limits: { rpm: 5 }, budget: { tokens: 100, period: 'day' }, metadata: { team: 'a' } });
    expect(await store.createKey(k)).toBe(true);
    expect(await store.createKey({ ...k, name: 'other' })).toBe(false);
    expect(await store.getKey(k.id)).toEqual(k);
    expect((await store.listKeys()).map((x) => x.id)).toContain(k.id);
    expect(await store.updateKey({ ...k, revokedAt: 1_700_000_100 })).toBe(true);
    expect((await store.getKey(k.id))?.revokedAt).toBe(1_700_000_100);
    expect(await store.updateKey(record())).toBe(false);
    expect(await store.getKey(keyId())).toBeUndefined();
  });

  it('admits exactly the limit when 50 admissions race', async () => {
    const id = keyId();
    const results = await Promise.all(Array.from({ length: 50 }, () => store.admit(id, 29_000_000, 10, Number.MAX_SAFE_INTEGER)));
    expect(results.filter((r) => r.admitted)).toHaveLength(10);
    expect(await store.readWindow(id, 29_000_000)).toEqual({ requests: 10, tokens: 0 });
    // Another minute is another window.
    expect((await store.admit(id, 29_000_001, 10, Number.MAX_SAFE_INTEGER)).admitted).toBe(true);
  });

  it('refuses while the window has used its tokens, and refuses a zero allowance without counting', async () => {
    const id = keyId();
    await store.addUsage([usage(id, 'm', '2026-12-03', 10, 29_000_000)]);
    // 10 + 20 + 3 + 4 = 37 tokens in that minute.
    expect(await store.readWindow(id, 29_000_000)).toEqual({ requests: 0, tokens: 37 });
    expect((await store.admit(id, 29_000_000, 5, 37)).admitted).toBe(false);
    expect((await store.admit(id, 29_000_000, 5, 38)).admitted).toBe(true);
    expect((await store.admit(id, 29_000_000, 0, 1000)).admitted).toBe(false);
    expect(await store.readWindow(id, 29_000_000)).toEqual({ requests: 1, tokens: 37 });
  });

  it('adds usage per key, day and model, and reads a range in key, day, model order', async () => {
    const [a, b] = [keyId(), keyId()].sort();
    await Promise.all([
      store.addUsage([usage(a, 'm2', '2026-12-02', 1), usage(a, 'm1', '2026-12-02', 2), usage(a, 'm1', '2026-12-02', 3)]),
      store.addUsage([usage(a, 'm1', '2026-12-03', 5), usage(b, 'm1', '2026-12-01', 7), usage(a, 'm1', '2026-11-30', 9)]),
    ]);
    const rows = await store.readUsage([b, a], '2026-12-01', '2026-12-03');
    expect(rows.map((r) => [r.keyId === a ? 'a' : 'b', r.day, r.model, r.requests, r.inputTokens, r.outputTokens, r.cacheReadTokens, r.cacheWriteTokens, r.costNanoUsd])).toEqual([
      ['a', '2026-12-02', 'm1', 2, 5, 10, 6, 8, 5000],
      ['a', '2026-12-02', 'm2', 1, 1, 2, 3, 4, 1000],
      ['a', '2026-12-03', 'm1', 1, 5, 10, 3, 4, 5000],
      ['b', '2026-12-01', 'm1', 1, 7, 14, 3, 4, 7000],
    ]);
  });

  it('loses no usage when 40 writers add to the same row at once', async () => {
    const id = keyId();
    await Promise.all(Array.from({ length: 40 }, () => store.addUsage([usage(id, 'm', '2026-12-03', 1)])));
    const [row] = await store.readUsage([id], '2026-12-03', '2026-12-03');
    expect(row).toMatchObject({ requests: 40, inputTokens: 40, outputTokens: 80, cacheReadTokens: 120, cacheWriteTokens: 160, costNanoUsd: 40_000 });
  });
});

it('two SQLite connections to one file share one limit (two processes on one volume)', async () => {
  const path = join(dir, 'shared.db');
  const [one, two] = [openSqliteKeyStore({ path, timeoutMs: 2_000 }), openSqliteKeyStore({ path, timeoutMs: 2_000 })];
  const id = keyId();
  const results = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? one : two).admit(id, 1, 7, Number.MAX_SAFE_INTEGER)));
  expect(results.filter((r) => r.admitted)).toHaveLength(7);
  await one.close();
  await two.close();
});
