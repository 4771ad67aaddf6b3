/**
 * The stored-response routes in-process: another owner's response is a 404 whatever the route, and a store
 * that is down is a 503 for requests that need it while store: false traffic keeps working.
 */
import { createApp } from '../../lambda/src/app';
import { openSqliteStore } from '../../lambda/src/store/sqlite';
import { StoreUnavailable, type ResponseStore, type StoredResponse } from '../../lambda/src/store/types';
import { auth, fakeBedrock, fakeDeps } from '../support/fake-deps';
import { expectOpenAIError } from '../support/openai-error';

const MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const post = (body: Record<string, unknown>) => ({ method: 'POST', headers: auth, body: JSON.stringify({ model: MODEL, ...body }) });

function appWith(store: ResponseStore, bedrock = fakeBedrock()) {
  return createApp({ ...fakeDeps({}, bedrock), store });
}

describe('owners', () => {
  const someoneElses: StoredResponse = {
    id: 'resp_other',
    owner: 'key_team_b',
    createdAt: 1,
    model: MODEL,
    status: 'completed',
    request: {},
    response: { id: 'resp_other', object: 'response', output: [] },
    inputItems: [{ id: 'msg_in_other', type: 'message', role: 'user', content: 'secret' }],
    outputItems: [{ id: 'msg_out_other', type: 'message', role: 'assistant', content: [] }],
  };

  it.each([
    ['GET', '/v1/responses/resp_other'],
    ['GET', '/v1/responses/resp_other/input_items'],
    ['DELETE', '/v1/responses/resp_other'],
  ])('%s %s of another owner\'s response is a 404 that shows none of it', async (method, path) => {
    const store = openSqliteStore({ path: ':memory:', ttlSeconds: 3600, timeoutMs: 1000 });
    await store.put(someoneElses);
    const res = await appWith(store).request(path, { method, headers: auth });
    expect(res.status).toBe(404);
    const text = await res.text();
    expect(text).not.toContain('secret');
    expectOpenAIError(JSON.parse(text), { type: 'not_found_error', code: 'response_not_found' });
    expect(await store.get('key_team_b', 'resp_other')).toBeDefined();
  });

  it('another owner\'s response or item cannot be continued or referenced', async () => {
    const store = openSqliteStore({ path: ':memory:', ttlSeconds: 3600, timeoutMs: 1000 });
    await store.put(someoneElses);
    const bedrock = fakeBedrock();
    const app = appWith(store, bedrock);
    const chained = await app.request('/v1/responses', post({ input: 'x', previous_response_id: 'resp_other' }));
    expect(chained.status).toBe(404);
    expectOpenAIError(await chained.json(), { param: 'previous_response_id' });
    const ref = await app.request('/v1/responses', post({ input: [{ type: 'item_reference', id: 'msg_in_other' }] }));
    expect(ref.status).toBe(404);
    expectOpenAIError(await ref.json(), { param: 'input[0].id', code: 'item_not_found' });
    expect(bedrock.calls).toHaveLength(0);
  });
});

describe('a store that is down', () => {
  const down: ResponseStore = {
    put: async () => Promise.reject(new StoreUnavailable('put', 'ECONNREFUSED')),
    get: async () => Promise.reject(new StoreUnavailable('get', 'TimeoutError')),
    delete: async () => Promise.reject(new StoreUnavailable('delete', 'TimeoutError')),
    getItem: async () => Promise.reject(new StoreUnavailable('getItem', 'TimeoutError')),
    close: async () => undefined,
  };

  it.each([
    ['a stored response (the default)', post({ input: 'x' })],
    ['a stored stream', post({ input: 'x', stream: true })],
    ['previous_response_id', post({ input: 'x', store: false, previous_response_id: 'resp_1' })],
    ['retrieve', { method: 'GET', headers: auth }],
  ])('%s: a 503 with Retry-After, or response.failed once streaming', async (_name, init) => {
    const path = init.method === 'GET' ? '/v1/responses/resp_1' : '/v1/responses';
    const res = await appWith(down).request(path, init);
    if ((init as { body?: string }).body?.includes('"stream":true')) {
      const text = await res.text();
      expect(text).toContain('event: response.failed');
      expect(text).not.toContain('response.completed');
      return;
    }
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expectOpenAIError(await res.json(), { type: 'service_unavailable', code: 'store_unavailable' });
  });

  it('store: false traffic keeps working', async () => {
    const res = await appWith(down).request('/v1/responses', post({ input: 'x', store: false }));
    expect(res.status).toBe(200);
    expect((await res.json()).store).toBe(false);
  });
});
