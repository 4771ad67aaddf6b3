/**
 * One suite, both backends: the embedded SQLite store and the DynamoDB store, the latter through the real
 * @aws-sdk/client-dynamodb against dynalite (found through AWS_ENDPOINT_URL_DYNAMODB, as deployed code
 * finds its endpoint). Time is a clock the tests move; nothing sleeps.
 */
import { randomBytes } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoTable } from '../../lambda/src/aws/dynamodb';
import { dynamoResponseStore } from '../../lambda/src/store/dynamodb';
import { openSqliteStore } from '../../lambda/src/store/sqlite';
import { ROOT_OWNER, StoreUnavailable, type ResponseStore, type StoredResponse } from '../../lambda/src/store/types';
import { startDynalite, TEST_CREDENTIALS, type Dynalite } from './dynalite';

const TTL_SECONDS = 30 * 86_400;
const START = Date.UTC(2025, 0, 1);
const OTHER_OWNER = 'key_0123456789abcdef';

let dynamo: Dynalite;
const savedEnv = { ...process.env };
beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable('gateway-state');
  // The production path: no endpoint option, the SDK's own environment variables.
  Object.assign(process.env, { AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey });
});
afterAll(async () => {
  process.env = savedEnv;
  await dynamo.close();
});

interface Backend {
  readonly name: string;
  open(clock: () => number): ResponseStore;
}

const BACKENDS: Backend[] = [
  { name: 'sqlite', open: (clock) => openSqliteStore({ path: ':memory:', ttlSeconds: TTL_SECONDS, timeoutMs: 2_000, clock }) },
  {
    name: 'dynamodb',
    open: (clock) => dynamoResponseStore(createDynamoTable({ region: 'us-east-1', tableName: 'gateway-state', timeoutMs: 5_000 }), { ttlSeconds: TTL_SECONDS, timeoutMs: 5_000, clock }),
  },
];

let serial = 0;
/** A fresh response id for each use, so tests sharing a store never see each other's records. */
const nextId = () => `resp_${(++serial).toString().padStart(4, '0')}${randomBytes(4).toString('hex')}`;

function response(id: string, overrides: Partial<StoredResponse> = {}): StoredResponse {
  const output = [
    { id: `rs_${id}`, type: 'reasoning', summary: [], encrypted_content: 'c2lnbmF0dXJl' },
    { id: `fc_${id}`, type: 'function_call', call_id: `call_${id}`, name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' },
    { id: `ctc_${id}`, type: 'custom_tool_call', call_id: `call_c_${id}`, name: 'apply_patch', input: '*** Begin Patch' },
    { id: `msg_${id}`, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Ensoleillé ☀️, 21 °C', annotations: [] }] },
  ];
  return {
    id,
    owner: ROOT_OWNER,
    createdAt: START / 1000,
    model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    status: 'completed',
    request: { instructions: 'Be brief.', tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }], store: true },
    response: { id, object: 'response', created_at: START / 1000, status: 'completed', output, usage: { input_tokens: 12, output_tokens: 34, total_tokens: 46 } },
    inputItems: [
      { id: `msg_in_${id}`, type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }] },
      { type: 'function_call_output', call_id: 'call_earlier', output: 'no id: stored, not indexed' },
    ],
    outputItems: output,
    ...overrides,
  };
}

/** An input message carrying an incompressible image (random bytes, base64), `bytes` long before encoding. */
function imageInput(id: string, bytes: number): Record<string, unknown> {
  return { id, type: 'message', role: 'user', content: [{ type: 'input_image', image_url: `data:image/png;base64,${randomBytes(bytes).toString('base64')}` }] };
}

describe.each(BACKENDS)('$name response store', (backend) => {
  let now = START;
  let store: ResponseStore;
  beforeAll(() => {
    store = backend.open(() => now);
  });
  afterAll(() => store.close());

  it('returns what was put, whole, at once (read-after-write)', async () => {
    const r = response(nextId());
    await store.put(r);
    expect(await store.get(ROOT_OWNER, r.id)).toEqual(r);
  });

  it('finds every input and output item with an id, and only those', async () => {
    const r = response(nextId());
    await store.put(r);
    for (const item of [...r.inputItems, ...r.outputItems].filter((i) => typeof i.id === 'string')) {
      expect(await store.getItem(ROOT_OWNER, item.id as string)).toEqual(item);
    }
    expect(await store.getItem(ROOT_OWNER, 'call_earlier')).toBeUndefined();
  });

  it('answers absent for unknown, malformed or overlong ids instead of failing', async () => {
    for (const id of ['resp_unknown', '', 'x'.repeat(5_000), 'resp_#', 'résumé_☃']) {
      expect(await store.get(ROOT_OWNER, id)).toBeUndefined();
      expect(await store.getItem(ROOT_OWNER, id)).toBeUndefined();
      expect(await store.delete(ROOT_OWNER, id)).toBe(false);
    }
    expect(await store.get('', 'resp_x')).toBeUndefined();
    expect(await store.get('ro#ot', 'resp_x')).toBeUndefined();
  });

  it('keeps each owner to its own responses and items', async () => {
    const r = response(nextId());
    await store.put(r);
    expect(await store.get(OTHER_OWNER, r.id)).toBeUndefined();
    expect(await store.getItem(OTHER_OWNER, `msg_${r.id}`)).toBeUndefined();
    expect(await store.delete(OTHER_OWNER, r.id)).toBe(false);
    // The other owner's attempt changed nothing.
    expect(await store.get(ROOT_OWNER, r.id)).toEqual(r);
    // The same ids under another owner are a separate record.
    const theirs = response(r.id, { owner: OTHER_OWNER, model: 'amazon.nova-pro-v1:0' });
    await store.put(theirs);
    expect(await store.get(OTHER_OWNER, r.id)).toEqual(theirs);
    expect(await store.get(ROOT_OWNER, r.id)).toEqual(r);
  });

  it('deletes a response and its items; a second delete finds nothing', async () => {
    const r = response(nextId());
    await store.put(r);
    expect(await store.delete(ROOT_OWNER, r.id)).toBe(true);
    expect(await store.get(ROOT_OWNER, r.id)).toBeUndefined();
    for (const item of r.outputItems) expect(await store.getItem(ROOT_OWNER, item.id as string)).toBeUndefined();
    expect(await store.delete(ROOT_OWNER, r.id)).toBe(false);
  });

  it('resolves an item id two responses hold to the later one, and deleting the earlier keeps it', async () => {
    const first = response(nextId());
    const shared = first.outputItems[3];
    await store.put(first);
    const second = response(nextId(), { inputItems: [first.inputItems[0], { ...shared, status: 'completed', replayed: true }] });
    await store.put(second);
    expect(await store.getItem(ROOT_OWNER, shared.id as string)).toEqual({ ...shared, status: 'completed', replayed: true });
    expect(await store.delete(ROOT_OWNER, first.id)).toBe(true);
    expect(await store.getItem(ROOT_OWNER, shared.id as string)).toEqual({ ...shared, status: 'completed', replayed: true });
    expect(await store.getItem(ROOT_OWNER, `fc_${first.id}`)).toBeUndefined();
  });

  it('replaces a response put again under its id, items included', async () => {
    const id = nextId();
    const v1 = response(id, { status: 'in_progress', outputItems: [{ id: `msg_old_${id}`, type: 'message', role: 'assistant', content: [] }] });
    await store.put(v1);
    const v2 = response(id);
    await store.put(v2);
    expect(await store.get(ROOT_OWNER, id)).toEqual(v2);
    expect(await store.getItem(ROOT_OWNER, `msg_old_${id}`)).toBeUndefined();
    expect(await store.getItem(ROOT_OWNER, `msg_${id}`)).toEqual(v2.outputItems[3]);
  });

  it('forgets a response once its retention has passed', async () => {
    const r = response(nextId());
    await store.put(r);
    now += (TTL_SECONDS - 1) * 1000;
    expect(await store.get(ROOT_OWNER, r.id)).toEqual(r);
    now += 1000;
    expect(await store.get(ROOT_OWNER, r.id)).toBeUndefined();
    expect(await store.getItem(ROOT_OWNER, `msg_${r.id}`)).toBeUndefined();
    expect(await store.delete(ROOT_OWNER, r.id)).toBe(false);
    // Retention counts from each write.
    const later = response(nextId());
    await store.put(later);
    now += (TTL_SECONDS - 1) * 1000;
    expect(await store.get(ROOT_OWNER, later.id)).toEqual(later);
  });

  it('round-trips a record of several megabytes (images in the input) and finds its large item', async () => {
    const id = nextId();
    const image = imageInput(`msg_img_${id}`, 1_500_000);
    const r = response(id, { inputItems: [image, imageInput(`msg_img2_${id}`, 700_000)] });
    await store.put(r);
    expect(await store.get(ROOT_OWNER, id)).toEqual(r);
    expect(await store.getItem(ROOT_OWNER, `msg_img_${id}`)).toEqual(image);
    expect(await store.delete(ROOT_OWNER, id)).toBe(true);
    expect(await store.getItem(ROOT_OWNER, `msg_img_${id}`)).toBeUndefined();
  });

  it('loses nothing under 64 concurrent writers, each reading back at once', async () => {
    const records = Array.from({ length: 64 }, (_, i) => response(nextId(), { model: `model-${i}` }));
    const readBack = await Promise.all(
      records.map(async (r) => {
        await store.put(r);
        return [await store.get(ROOT_OWNER, r.id), await store.getItem(ROOT_OWNER, `fc_${r.id}`)];
      }),
    );
    expect(readBack).toEqual(records.map((r) => [r, r.outputItems[1]]));
    const again = await Promise.all(records.map((r) => store.get(ROOT_OWNER, r.id)));
    expect(again).toEqual(records);
  });

  it('refuses to store what the gateway must never produce', async () => {
    await expect(store.put(response(''))).rejects.toThrow(RangeError);
    await expect(store.put(response(nextId(), { owner: 'a#b' }))).rejects.toThrow(RangeError);
    await expect(store.put(response(nextId(), { owner: '' }))).rejects.toThrow(RangeError);
    await expect(store.put(response(nextId(), { createdAt: Number.NaN }))).rejects.toThrow(RangeError);
  });
});

describe('dynamodb record layout', () => {
  const timeout = 5_000;
  const store = () => dynamoResponseStore(createDynamoTable({ region: 'us-east-1', tableName: 'gateway-state', timeoutMs: timeout }), { ttlSeconds: TTL_SECONDS, timeoutMs: timeout });
  const partition = async (pk: string) =>
    (await dynamo.client.send(new QueryCommand({ TableName: 'gateway-state', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: pk } }, ConsistentRead: true }))).Items ?? [];

  it('splits a record over the 400 KB item limit into parts, each under it, and deletes them all', async () => {
    const s = store();
    const id = nextId();
    await s.put(response(id, { inputItems: [imageInput(`msg_img_${id}`, 900_000)] }));
    const rows = await partition(`response#${ROOT_OWNER}#${id}`);
    expect(rows.map((r) => r.sk.S)).toEqual(['head', expect.stringMatching(/^part#\w+#00000$/), expect.stringMatching(/^part#\w+#00001$/), expect.stringMatching(/^part#\w+#00002$/)]);
    for (const row of rows) expect(row.body?.B?.length ?? 0).toBeLessThan(400 * 1024 - 1024);
    // The large item is indexed by its place, not copied.
    const [index] = await partition(`item#${ROOT_OWNER}#msg_img_${id}`);
    expect(index).toMatchObject({ responseId: { S: id }, list: { S: 'inputItems' }, pos: { N: '0' } });
    expect(index.item).toBeUndefined();
    await s.delete(ROOT_OWNER, id);
    expect(await partition(`response#${ROOT_OWNER}#${id}`)).toEqual([]);
    expect(await partition(`item#${ROOT_OWNER}#msg_img_${id}`)).toEqual([]);
    await s.close();
  });

  it('leaves no parts of a replaced version behind', async () => {
    const s = store();
    const id = nextId();
    await s.put(response(id, { inputItems: [imageInput(`msg_a_${id}`, 600_000)] }));
    await s.put(response(id, { inputItems: [imageInput(`msg_b_${id}`, 600_000)] }));
    const parts = (await partition(`response#${ROOT_OWNER}#${id}`)).filter((r) => r.sk.S !== 'head');
    expect(new Set(parts.map((p) => p.sk.S!.split('#')[1])).size).toBe(1);
    expect(await partition(`item#${ROOT_OWNER}#msg_a_${id}`)).toEqual([]);
    await s.close();
  });

  it('turns a missing table into StoreUnavailable', async () => {
    const s = dynamoResponseStore(createDynamoTable({ region: 'us-east-1', tableName: 'no-such-table', timeoutMs: timeout }), { ttlSeconds: TTL_SECONDS, timeoutMs: timeout });
    const err = await s.get(ROOT_OWNER, 'resp_1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailable);
    expect(err).toMatchObject({ operation: 'get', reason: 'ResourceNotFoundException', kind: 'unavailable', code: 'store_unavailable' });
    // The client-facing message names no AWS internals.
    expect((err as Error).message).toBe("The gateway's state store is unavailable right now. Retry shortly.");
    await s.close();
  });
});
