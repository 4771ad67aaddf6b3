/**
 * Managed API keys end to end, on both backends (the embedded store and DynamoDB through dynalite): the
 * admin API, a managed key on every model route with the openai SDK and plain HTTP, its model list, rpm /
 * tpm limits and budget (50 requests at once), usage and cost, requestMetadata, application inference
 * profiles, revocation and expiry, the admin API refused to it, and its stored responses kept to itself.
 * Two gateway processes on one store share limits and see a revocation within KEY_CACHE_SECONDS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import OpenAI from 'openai';
import { APPLICATION_PROFILE_ARN } from '../../emulator/catalog';
import { startServer, type RunningServer } from '../../lambda/src/runtime/node/server';
import { useDynaliteTable } from '../store/dynalite';
import { TEST_KEY, useHarness } from './harness';

const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const NOVA = 'amazon.nova-micro-v1:0';
const TITAN_EMBED = 'amazon.titan-embed-text-v2:0';
const TABLE = 'gateway-keys-e2e';
/** USD per million tokens. */
const HAIKU_PRICE = { input: 0.8, output: 4, cache_read: 0.08, cache_write: 1 };

const dir = mkdtempSync(join(tmpdir(), 'managed-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const backends: Array<[string, Record<string, string>]> = [
  ['embedded (node:sqlite)', { RESPONSE_STORE: 'sqlite', STORE_SQLITE_PATH: join(dir, 'state.db') }],
  ['DynamoDB (dynalite)', { RESPONSE_STORE: 'dynamodb', STORE_TABLE_NAME: TABLE }],
];

interface CreatedKey {
  readonly id: string;
  readonly key: string;
  readonly name: string;
  readonly [field: string]: unknown;
}

type ErrorBody = { error: { type: string; code: string | null; message: string; param: string | null } };

describe.each(backends)('managed keys on the %s store', (_name, backendEnv) => {
  const dynamo = useDynaliteTable(TABLE, backendEnv.RESPONSE_STORE === 'dynamodb');
  const env = { ...backendEnv, KEY_CACHE_SECONDS: '1', MODEL_PRICES: JSON.stringify({ 'anthropic.claude-3-5-haiku*': HAIKU_PRICE }) };
  const h = useHarness(env);

  const admin = (method: string, path: string, json?: unknown, key = TEST_KEY) =>
    h.fetch(`/api/v1/admin${path}`, { method, json, headers: { authorization: `Bearer ${key}` } });
  async function createKey(body: Record<string, unknown>): Promise<CreatedKey> {
    const res = await admin('POST', '/keys', body);
    expect(res.status).toBe(201);
    return (await res.json()) as CreatedKey;
  }
  const client = (key: string) => new OpenAI({ baseURL: h.baseURL, apiKey: key, maxRetries: 0, timeout: 20_000 });
  const chat = (key: string, model = HAIKU, content = 'Say hi') =>
    h.fetch('/api/v1/chat/completions', { method: 'POST', headers: { authorization: `Bearer ${key}` }, json: { model, messages: [{ role: 'user', content }] } });
  const converseCalls = () => h.emulator.requests.filter((r) => r.operation === 'converse' || r.operation === 'converse-stream').length;

  it('creates a key whose secret is answered once and stored only as its hash', async () => {
    const created = await createKey({ name: 'team-a', models: ['anthropic.claude-3-5-haiku*'], limits: { rpm: 60 }, budget: { usd: 200 }, metadata: { team: 'a' } });
    expect(created).toMatchObject({ object: 'gateway.api_key', name: 'team-a', status: 'active', limits: { rpm: 60 }, budget: { usd: 200, period: 'month' } });
    expect(created.id).toMatch(/^key_[0-9a-f]{16}$/);
    expect(created.key).toMatch(/^sk-bgw_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);

    const listed = await (await admin('GET', '/keys')).json();
    expect(listed).toMatchObject({ object: 'list', has_more: false });
    expect(listed.data.map((k: CreatedKey) => k.id)).toContain(created.id);
    const one = await (await admin('GET', `/keys/${created.id}`)).json();
    expect(one).toMatchObject({ id: created.id, name: 'team-a', key_hint: `sk-bgw_…${created.key.slice(-4)}` });
    expect(one.key).toBeUndefined();
    // The 43 random characters after `sk-bgw_<16 hex>_` (they may hold `_` themselves).
    const secret = created.key.slice('sk-bgw_'.length + 17);
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(JSON.stringify(one)).not.toContain(secret);
    const table = dynamo();
    if (table) {
      const items = await table.client.send(new ScanCommand({ TableName: TABLE }));
      expect(JSON.stringify(items.Items)).not.toContain(secret);
      expect(JSON.stringify(items.Items)).toContain(created.id);
    }
  });

  it.each([
    ['an unknown field', { name: 'x', modles: ['a'] }, 'modles'],
    ['no name', { models: ['a'] }, 'name'],
    ['a zero rpm', { name: 'x', limits: { rpm: 0 } }, 'limits.rpm'],
    ['an empty budget', { name: 'x', budget: { period: 'day' } }, 'budget'],
    ['metadata Bedrock refuses', { name: 'x', metadata: { 'a;b': 'c' } }, 'metadata.a;b'],
    ['an expiry that is no time', { name: 'x', expires_at: 'next week' }, 'expires_at'],
    ['a profile that is not an application inference profile', { name: 'x', inference_profiles: { '*': 'us.anthropic.claude' } }, 'inference_profiles.*'],
  ])('refuses a key with %s: 400 naming the field', async (_case, body, param) => {
    const res = await admin('POST', '/keys', body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error).toMatchObject({ type: 'invalid_request_error', param });
  });

  it('a managed key calls chat, Responses and embeddings; Bedrock gets its id, name and metadata as requestMetadata', async () => {
    const k = await createKey({ name: 'search team', metadata: { team: 'search', cost_center: '42' } });
    const openai = client(k.key);
    h.emulator.enqueue({ content: [{ text: 'Hi.' }] });
    const completion = await openai.chat.completions.create({ model: HAIKU, messages: [{ role: 'user', content: 'Say hi' }], metadata: { trace: 't-1', team: 'spoofed' } });
    expect(completion.choices[0].message.content).toBe('Hi.');
    expect((h.emulator.lastRequest('converse')?.body as { requestMetadata: unknown }).requestMetadata).toEqual({
      gateway_key_id: k.id,
      gateway_key_name: 'search team',
      team: 'search',
      cost_center: '42',
      trace: 't-1',
    });
    h.emulator.enqueue({ content: [{ text: 'Hello.' }] });
    const response = await openai.responses.create({ model: HAIKU, input: 'Say hello' });
    expect(response.output_text).toBe('Hello.');
    expect((h.emulator.lastRequest('converse')?.body as { requestMetadata: Record<string, string> }).requestMetadata.gateway_key_id).toBe(k.id);
    const embedded = await openai.embeddings.create({ model: TITAN_EMBED, input: 'hello' });
    expect(embedded.data[0].embedding.length).toBeGreaterThan(0);
  });

  it('models: another model is 403 model_not_allowed before any Bedrock call, and /models lists only what the key may call', async () => {
    const k = await createKey({ name: 'haiku only', models: ['anthropic.claude-3-5-haiku*', 'fast'] });
    const before = converseCalls();
    const refused = await chat(k.key, NOVA);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorBody).error).toMatchObject({ code: 'model_not_allowed', param: 'model' });
    const embed = await h.fetch('/api/v1/embeddings', { method: 'POST', headers: { authorization: `Bearer ${k.key}` }, json: { model: TITAN_EMBED, input: 'x' } });
    expect(embed.status).toBe(403);
    expect(converseCalls()).toBe(before);
    expect(h.emulator.requests.some((r) => r.operation === 'invoke')).toBe(false);
    expect((await chat(k.key, HAIKU)).status).toBe(200);

    const ids = (await client(k.key).models.list()).data.map((m) => m.id);
    expect(ids.length).toBeGreaterThan(0);
    // Haiku by its ids and profiles, and the emulator's application profile whose model is Haiku.
    expect(ids.filter((id) => !/anthropic\.claude-3-5-haiku/.test(id))).toEqual(['team-chat-claude-haiku']);
    expect(ids).not.toContain(NOVA);
    const rootIds = (await h.openai.models.list()).data.map((m) => m.id);
    expect(rootIds).toContain(NOVA);
  });

  it('rpm: of 50 requests at once at most the limit reach Bedrock; the rest are 429 rate_limit_exceeded with Retry-After', async () => {
    const k = await createKey({ name: 'rpm', limits: { rpm: 10 } });
    const before = converseCalls();
    const results = await Promise.all(Array.from({ length: 50 }, () => chat(k.key)));
    const ok = results.filter((r) => r.status === 200);
    const limited = results.filter((r) => r.status === 429);
    expect(ok.length + limited.length).toBe(50);
    // Exactly the limit, but for a run that straddles a minute boundary (the sliding estimate rounds up).
    expect(ok.length).toBeLessThanOrEqual(10);
    expect(ok.length).toBeGreaterThanOrEqual(9);
    expect(converseCalls() - before).toBe(ok.length);
    expect(ok[0].headers.get('x-ratelimit-limit-requests')).toBe('10');
    const body = (await limited[0].json()) as ErrorBody;
    expect(body.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited[0].headers.get('retry-after'))).toBeLessThanOrEqual(120);
  });

  it('tpm: once the window has used its tokens, the next request is 429 (tokens), written to the store or not yet', async () => {
    const k = await createKey({ name: 'tpm', limits: { tpm: 20 } });
    h.emulator.enqueue({ content: [{ text: 'a reply of several words' }], usage: { inputTokens: 15, outputTokens: 10 } });
    const first = await chat(k.key);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit-tokens')).toBe('20');
    const refused = await chat(k.key);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as ErrorBody).error).toMatchObject({ type: 'tokens', code: 'rate_limit_exceeded' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('budget: 50 requests at once overrun a token budget by no more than the requests in flight; then 429 insufficient_quota', async () => {
    const k = await createKey({ name: 'budget', budget: { tokens: 100, period: 'day' } });
    const perRequest = { inputTokens: 7, outputTokens: 5 };
    h.emulator.enqueue({ content: [{ text: 'ok' }], usage: perRequest }, { times: 60 });
    const results = await Promise.all(Array.from({ length: 50 }, () => chat(k.key)));
    const admitted = results.filter((r) => r.status === 200).length;
    expect(admitted + results.filter((r) => r.status === 429).length).toBe(50);
    // The documented bound: spend ≤ budget + (requests in flight when it was reached) × their size.
    expect(admitted * 12).toBeLessThanOrEqual(100 + 50 * 12);
    const after = await chat(k.key);
    expect(after.status).toBe(429);
    expect(((await after.json()) as ErrorBody).error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_quota' });
    const wait = Number(after.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(86_400);
  });

  it('a USD budget is spent at the operator\'s prices', async () => {
    const k = await createKey({ name: 'usd', budget: { usd: 0.00001 } });
    h.emulator.enqueue({ content: [{ text: 'ok' }], usage: { inputTokens: 100, outputTokens: 100 } });
    expect((await chat(k.key)).status).toBe(200);
    const res = await chat(k.key);
    expect(res.status).toBe(429);
    expect(((await res.json()) as ErrorBody).error.code).toBe('insufficient_quota');
  });

  it('usage: Bedrock\'s token counts (cache tokens included) per model and per day, with cost at the operator\'s prices', async () => {
    const k = await createKey({ name: 'usage' });
    const u = { inputTokens: 120, outputTokens: 30, cacheReadInputTokens: 1000, cacheWriteInputTokens: 200 };
    h.emulator.enqueue({ content: [{ text: 'one' }], usage: u }, { times: 2 });
    expect((await chat(k.key)).status).toBe(200);
    const stream = await client(k.key).chat.completions.create({ model: HAIKU, messages: [{ role: 'user', content: 'hi' }], stream: true });
    for await (const _chunk of stream) void _chunk;
    h.emulator.enqueue({ content: [{ text: 'nova' }], usage: { inputTokens: 3, outputTokens: 4 } });
    expect((await chat(k.key, NOVA)).status).toBe(200);

    const byModel = await (await admin('GET', `/usage?key_id=${k.id}&group_by=model`)).json();
    const haiku = byModel.data.find((r: { model: string }) => r.model === HAIKU);
    expect(haiku).toMatchObject({ key_id: k.id, key_name: 'usage', requests: 2, input_tokens: 240, output_tokens: 60, cache_read_tokens: 2000, cache_write_tokens: 400 });
    const expectedUsd = 2 * (120 * 0.8 + 30 * 4 + 1000 * 0.08 + 200 * 1) / 1e6;
    expect(haiku.cost_usd).toBeCloseTo(expectedUsd, 9);
    expect(byModel.data.find((r: { model: string }) => r.model === NOVA)).toMatchObject({ requests: 1, input_tokens: 3, output_tokens: 4, cost_usd: 0, unpriced_requests: 1 });

    const byDay = await (await admin('GET', `/usage?key_id=${k.id}&group_by=day`)).json();
    expect(byDay.data).toEqual([expect.objectContaining({ key_id: k.id, date: new Date().toISOString().slice(0, 10), requests: 3, input_tokens: 243 })]);
    expect(byDay.data[0].model).toBeUndefined();
    const all = await (await admin('GET', '/usage')).json();
    expect(all.data.some((r: { key_id: string }) => r.key_id === k.id)).toBe(true);
    const bad = await admin('GET', '/usage?group_by=week');
    expect(bad.status).toBe(400);
    const iso = await (await admin('GET', `/usage?key_id=${k.id}&from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${Math.floor(Date.now() / 1000)}`)).json();
    expect(iso.data.reduce((n: number, r: { requests: number }) => n + r.requests, 0)).toBe(3);
  });

  it('images and rerank obey the key\'s model list and count in its usage', async () => {
    const limited = await createKey({ name: 'chat only', models: ['anthropic.*'] });
    const images = (key: string) =>
      h.fetch('/api/v1/images/generations', { method: 'POST', headers: { authorization: `Bearer ${key}` }, json: { model: 'amazon.nova-canvas-v1:0', prompt: 'a red kite' } });
    const rerank = (key: string) =>
      h.fetch('/api/v1/rerank', { method: 'POST', headers: { authorization: `Bearer ${key}` }, json: { model: 'cohere.rerank-v3-5:0', query: 'kites', documents: ['a kite', 'a boat'] } });
    for (const res of [await images(limited.key), await rerank(limited.key)]) {
      expect(res.status).toBe(403);
      expect(((await res.json()) as ErrorBody).error.code).toBe('model_not_allowed');
    }
    expect(h.emulator.requests.some((r) => r.operation === 'invoke')).toBe(false);

    const open = await createKey({ name: 'all models' });
    expect((await images(open.key)).status).toBe(200);
    expect((await rerank(open.key)).status).toBe(200);
    const usage = await (await admin('GET', `/usage?key_id=${open.id}`)).json();
    expect(usage.data.map((r: { model: string; requests: number }) => [r.model, r.requests]).sort()).toEqual([
      ['amazon.nova-canvas-v1:0', 1],
      ['cohere.rerank-v3-5:0', 1],
    ]);
  });

  it('a model maps to the key\'s application inference profile', async () => {
    const k = await createKey({ name: 'profiled', inference_profiles: { 'anthropic.claude-3-5-haiku*': APPLICATION_PROFILE_ARN } });
    expect((await chat(k.key, HAIKU)).status).toBe(200);
    expect(h.emulator.lastRequest('converse')?.modelId).toBe(APPLICATION_PROFILE_ARN);
    expect((await chat(TEST_KEY, HAIKU)).status).toBe(200);
    expect(h.emulator.lastRequest('converse')?.modelId).toBe(HAIKU);
  });

  it('revoked and expired keys are 401; an update takes effect at once', async () => {
    const k = await createKey({ name: 'soon gone' });
    expect((await chat(k.key)).status).toBe(200);
    const patched = await admin('PATCH', `/keys/${k.id}`, { models: [NOVA] });
    expect(patched.status).toBe(200);
    expect((await chat(k.key, HAIKU)).status).toBe(403);
    const deleted = await admin('DELETE', `/keys/${k.id}`);
    expect(await deleted.json()).toEqual({ id: k.id, object: 'gateway.api_key.deleted', deleted: true });
    const revoked = await chat(k.key, NOVA);
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as ErrorBody).error.code).toBe('invalid_api_key');
    // Deleted as far as the API goes; kept for reports.
    expect((await admin('GET', `/keys/${k.id}`)).status).toBe(404);
    expect((await admin('DELETE', `/keys/${k.id}`)).status).toBe(404);
    expect((await admin('PATCH', `/keys/${k.id}`, { name: 'back' })).status).toBe(404);
    const all = await (await admin('GET', '/keys?include_revoked=true')).json();
    expect(all.data.find((x: CreatedKey) => x.id === k.id)).toMatchObject({ status: 'revoked', revoked_at: expect.any(Number) });
    const live = await (await admin('GET', '/keys')).json();
    expect(live.data.map((x: CreatedKey) => x.id)).not.toContain(k.id);

    // Expiry: a key created already past its time, and one moved there by an update, are refused at once.
    const past = await createKey({ name: 'expired', expires_at: Math.floor(Date.now() / 1000) - 60 });
    expect(past.status).toBe('expired');
    expect((await chat(past.key)).status).toBe(401);
    const later = await createKey({ name: 'expiring', expires_at: new Date(Date.now() + 86_400_000).toISOString() });
    expect(later).toMatchObject({ status: 'active', expires_at: expect.any(Number) });
    expect((await chat(later.key)).status).toBe(200);
    expect((await admin('PATCH', `/keys/${later.id}`, { expires_at: Math.floor(Date.now() / 1000) - 1 })).status).toBe(200);
    expect((await chat(later.key)).status).toBe(401);
  });

  it('a managed key is never admin: 403 on every /admin method; a wrong key is 401', async () => {
    const k = await createKey({ name: 'not admin' });
    for (const [method, path, body] of [
      ['GET', '/keys'],
      ['POST', '/keys', { name: 'mine' }],
      ['GET', `/keys/${k.id}`],
      ['PATCH', `/keys/${k.id}`, { limits: null }],
      ['DELETE', `/keys/${k.id}`],
      ['GET', '/usage'],
    ] as const) {
      const res = await admin(method, path, body, k.key);
      expect([method, path, res.status]).toEqual([method, path, 403]);
    }
    expect((await admin('GET', '/keys', undefined, 'sk-bgw_0123456789abcdef_' + 'A'.repeat(43))).status).toBe(401);
    expect((await chat(k.key)).status).toBe(200);
  });

  it('a key\'s stored responses are visible to that key only', async () => {
    const [a, b] = [await createKey({ name: 'a' }), await createKey({ name: 'b' })];
    h.emulator.enqueue({ content: [{ text: 'Paris.' }] });
    const first = await client(a.key).responses.create({ model: HAIKU, input: 'Capital of France?' });
    expect((await client(a.key).responses.retrieve(first.id)).id).toBe(first.id);
    for (const other of [client(b.key), h.openai]) {
      await expect(other.responses.retrieve(first.id)).rejects.toMatchObject({ status: 404 });
      await expect(other.responses.create({ model: HAIKU, input: 'more', previous_response_id: first.id })).rejects.toMatchObject({ status: 404 });
    }
  });

  describe('with a second gateway process on the same store', () => {
    let second: RunningServer;
    beforeAll(async () => {
      second = await startServer({ PORT: '0', HOST: '127.0.0.1', API_KEY: TEST_KEY, AWS_REGION: 'us-east-1', LOG_LEVEL: 'SILENT', ...env });
    });
    afterAll(() => second.close());
    const chatOn = (base: string, key: string) =>
      fetch(`${base}/api/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: HAIKU, messages: [{ role: 'user', content: 'hi' }] }) });

    it('both processes together admit no more than the rpm limit', async () => {
      const k = await createKey({ name: 'shared rpm', limits: { rpm: 8 } });
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => chatOn(i % 2 ? h.gateway.url : second.url, k.key)));
      const ok = results.filter((r) => r.status === 200).length;
      expect(ok).toBeLessThanOrEqual(8);
      expect(ok).toBeGreaterThanOrEqual(7);
      expect(results.filter((r) => r.status === 429).length).toBe(40 - ok);
    });

    it('a key revoked through one process is refused by the other within KEY_CACHE_SECONDS', async () => {
      const k = await createKey({ name: 'revoke me' });
      expect((await chatOn(second.url, k.key)).status).toBe(200);
      expect((await admin('DELETE', `/keys/${k.id}`)).status).toBe(200);
      const revokedAt = Date.now();
      let status = 200;
      while (status === 200 && Date.now() - revokedAt < 10_000) {
        status = (await chatOn(second.url, k.key)).status;
        if (status === 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe(401);
    });
  });
});
