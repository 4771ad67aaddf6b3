import { createApp } from '../../lambda/src/app';
import { expectOpenAIError } from '../support/openai-error';
import { auth, chatBody, fakeBedrock, fakeDeps, KEY } from '../support/fake-deps';


describe('chat completions route', () => {
  const app = createApp(fakeDeps());
  const post = (body: BodyInit, headers: Record<string, string> = auth, path = '/api/v1/chat/completions') => app.request(path, { method: 'POST', body, headers });

  it.each(['/api/v1/chat/completions', '/v1/chat/completions'])('answers under %s', async (path) => {
    const res = await post(chatBody(), auth, path);
    expect(res.status).toBe(200);
    expect((await res.json()).choices[0].message.content).toBe('ok');
  });

  it('serves /health without a key', async () => {
    const res = await app.request('/health');
    expect(res.status).toBe(200);
  });

  it('gives a missing and a wrong key the same 401', async () => {
    const missing = await post(chatBody(), { 'content-type': 'application/json' });
    const wrong = await post(chatBody(), { ...auth, authorization: 'Bearer nope' });
    expect([missing.status, wrong.status]).toEqual([401, 401]);
    const [a, b] = [await missing.json(), await wrong.json()];
    expect(a).toEqual(b);
    expectOpenAIError(a, { type: 'authentication_error' });
    expect(JSON.stringify(a)).not.toContain(KEY);
  });

  it.each([
    ['malformed JSON', '{"model":', null],
    ['an empty body', '', null],
    ['a bad field', chatBody({ temperature: 'hot' }), 'temperature'],
    ['a missing messages list', JSON.stringify({ model: 'm' }), 'messages'],
  ])('%s is a 400 naming the field', async (_name, body, param) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const json = await res.json();
    expectOpenAIError(json, { type: 'invalid_request_error', param });
  });

  it('answers unknown routes with an OpenAI 404', async () => {
    const res = await app.request('/nope');
    expect(res.status).toBe(404);
    expectOpenAIError(await res.json(), { type: 'not_found_error' });
  });

  it('rejects a body over the limit with 413', async () => {
    const small = createApp(fakeDeps({ MAX_BODY_BYTES: '2048' }));
    const res = await small.request('/api/v1/chat/completions', { method: 'POST', headers: auth, body: chatBody({ messages: [{ role: 'user', content: 'x'.repeat(5000) }] }) });
    expect(res.status).toBe(413);
    expect((await res.json()).error.type).toBe('request_too_large');
  });

  it('echoes a given x-request-id and makes one up otherwise', async () => {
    const given = await post(chatBody(), { ...auth, 'x-request-id': 'req-123' });
    expect(given.headers.get('x-request-id')).toBe('req-123');
    const made = await post(chatBody());
    expect(made.headers.get('x-request-id')).toMatch(/.{8,}/);
  });

  it('maps throttling to 429 with Retry-After', async () => {
    const throttled = createApp(fakeDeps({}, fakeBedrock({ converse: async () => Promise.reject(Object.assign(new Error('slow down'), { name: 'ThrottlingException' })) })));
    const res = await throttled.request('/api/v1/chat/completions', { method: 'POST', headers: auth, body: chatBody() });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect((await res.json()).error.type).toBe('rate_limit_error');
  });

  it('hides a bug behind a 500 without a stack', async () => {
    const buggy = createApp(fakeDeps({}, fakeBedrock({ converse: async () => Promise.reject(new TypeError('secret internals at /var/task/x.js:1')) })));
    const res = await buggy.request('/api/v1/chat/completions', { method: 'POST', headers: auth, body: chatBody() });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toMatch(/internals|\/var\/task|at /);
  });

  it('sends CORS headers only for configured origins', async () => {
    const open = await app.request('/health', { headers: { origin: 'https://ui.example' } });
    expect(open.headers.get('access-control-allow-origin')).toBeNull();
    const cors = createApp(fakeDeps({ ALLOWED_ORIGINS: 'https://ui.example' }));
    const ok = await cors.request('/health', { headers: { origin: 'https://ui.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://ui.example');
    const other = await cors.request('/health', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('honours a custom route prefix and still serves /v1', async () => {
    const custom = createApp(fakeDeps({ API_ROUTE_PREFIX: '/gateway' }));
    for (const path of ['/gateway/chat/completions', '/v1/chat/completions']) {
      const res = await custom.request(path, { method: 'POST', headers: auth, body: chatBody() });
      expect(res.status).toBe(200);
    }
  });

  it('streams SSE ending in [DONE]', async () => {
    const res = await post(chatBody({ stream: true }));
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
  });

  it('names the flattened keys the model family does not take in x-gateway-ignored-fields, streamed or not', async () => {
    for (const stream of [false, true]) {
      const bedrock = fakeBedrock();
      const app = createApp(fakeDeps({}, bedrock));
      const res = await app.request('/v1/chat/completions', { method: 'POST', headers: auth, body: chatBody({ stream, top_k: 5, client_metadata: { a: 1 } }) });
      await res.text();
      expect(res.status).toBe(200);
      expect(res.headers.get('x-gateway-ignored-fields')).toBe('client_metadata');
      expect((bedrock.calls[0] as { additionalModelRequestFields?: unknown }).additionalModelRequestFields).toEqual({ top_k: 5 });
    }
  });
});
