/**
 * Security: one answer for missing and wrong keys, every key compared every time, keys never in the logs
 * (a real process at LOG_LEVEL=DEBUG), several keys at once, no internals in errors or headers, and CORS
 * only as configured.
 */
import crypto from 'node:crypto';
import { startEmulator, type Emulator } from '../../emulator';
import { createApp } from '../../lambda/src/app';
import { ApiKeyStore } from '../../lambda/src/auth/key-store';
import { auth, chatBody, fakeBedrock, fakeDeps, KEY } from '../support/fake-deps';
import { expectOpenAIError } from '../support/openai-error';
import { MODEL, spawnGateway, stopLeftoverGateways } from './support';

const post = (app: ReturnType<typeof createApp>, headers: Record<string, string>, body = chatBody()) => app.request('/v1/chat/completions', { method: 'POST', headers, body });

describe('API key checks', () => {
  const app = createApp(fakeDeps());
  const json = { 'content-type': 'application/json' };

  it('answers a missing key, a wrong key and a malformed header identically', async () => {
    const variants = [
      json,
      { ...json, authorization: 'Bearer sk-wrong' },
      { ...json, authorization: `Bearer ${KEY}x` },
      { ...json, authorization: `Basic ${Buffer.from(`u:${KEY}`).toString('base64')}` },
      { ...json, authorization: 'Bearer' },
      { ...json, 'x-api-key': 'sk-wrong' },
    ];
    const answers = await Promise.all(
      variants.map(async (headers) => {
        const res = await post(app, headers);
        const names = [...res.headers.keys()].filter((k) => k !== 'x-request-id').sort();
        return { status: res.status, body: await res.text(), names };
      }),
    );
    for (const a of answers) expect(a).toEqual(answers[0]);
    expect(answers[0].status).toBe(401);
    expectOpenAIError(JSON.parse(answers[0].body), { type: 'authentication_error', code: 'invalid_api_key' });
    expect(answers[0].body).not.toContain('sk-wrong');
  });

  it('accepts the key as a Bearer token or as x-api-key', async () => {
    expect((await post(app, auth)).status).toBe(200);
    expect((await post(app, { 'content-type': 'application/json', 'x-api-key': KEY })).status).toBe(200);
  });

  it('compares the presented key against every configured key, whatever matches', async () => {
    const store = new ApiKeyStore({ literal: ['key-one', 'key-two', 'key-three'], fetchers: [], refreshSeconds: 60 });
    const compare = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      for (const presented of ['key-one', 'key-three', 'nope', '', 'x'.repeat(10_000)]) {
        compare.mockClear();
        await store.verify(presented);
        expect(compare).toHaveBeenCalledTimes(3);
      }
    } finally {
      compare.mockRestore();
    }
  });
});

describe('errors and headers', () => {
  const bug = Object.assign(new TypeError(`Cannot read properties of undefined (reading 'x') at /work/main/lambda/src/x.ts:1:1`), { stack: 'TypeError: boom\n    at /srv/app/node_modules/secret/index.js:1:1' });
  const app = createApp(fakeDeps({}, fakeBedrock({ converse: async () => Promise.reject(bug) })));
  const leaks = /\/work\/|\/srv\/|node_modules|\.ts:\d|\.js:\d|\n\s+at |TypeError|Cannot read/;

  it('an unexpected error shows a fixed message, no stack, path or cause', async () => {
    const res = await post(app, auth);
    expect(res.status).toBe(500);
    const text = await res.text();
    expectOpenAIError(JSON.parse(text), { type: 'api_error', code: 'internal_error' });
    expect(text).not.toMatch(leaks);
  });

  it.each([
    ['a 200', auth, chatBody()],
    ['a 400', auth, '{'],
    ['a 401', { 'content-type': 'application/json' }, chatBody()],
    ['a 500', auth, chatBody({ stream: false })],
  ])('%s carries no server, version or framework headers', async (_name, headers, body) => {
    const ok = createApp(fakeDeps());
    const res = await post(_name === 'a 500' ? app : ok, headers, body);
    for (const name of ['server', 'x-powered-by', 'x-aspnet-version', 'via']) expect(res.headers.has(name)).toBe(false);
    expect(await res.text()).not.toMatch(leaks);
  });
});

describe('CORS', () => {
  const preflight = (app: ReturnType<typeof createApp>, origin: string) =>
    app.request('/v1/chat/completions', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });

  it('is off unless ALLOWED_ORIGINS is set', async () => {
    const app = createApp(fakeDeps());
    const res = await preflight(app, 'https://evil.example');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await post(app, { ...auth, origin: 'https://evil.example' });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the configured origins', async () => {
    const app = createApp(fakeDeps({ ALLOWED_ORIGINS: 'https://app.example,https://admin.example' }));
    for (const origin of ['https://app.example', 'https://admin.example']) {
      const res = await preflight(app, origin);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    }
    for (const origin of ['https://evil.example', 'https://app.example.evil.com', 'null']) {
      expect((await preflight(app, origin)).headers.get('access-control-allow-origin')).toBeNull();
    }
    const simple = await post(app, { ...auth, origin: 'https://app.example' });
    expect(simple.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(simple.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });
});

describe('a real process at LOG_LEVEL=DEBUG', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.close());
  afterEach(stopLeftoverGateways);

  it('serves every configured key and never writes a key, right or wrong, to its output', async () => {
    const keys = ['sk-literal-AAAA1111', 'sk-list-BBBB2222', 'sk-list-CCCC3333'];
    const wrong = 'sk-wrong-DDDD4444';
    const gw = await spawnGateway({
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emulator.url,
      AWS_ENDPOINT_URL_BEDROCK: emulator.url,
      API_KEY: keys[0],
      API_KEYS: `${keys[1]}, ${keys[2]}`,
      LOG_LEVEL: 'DEBUG',
      LOG_PROMPTS: 'true',
      METRICS_ENABLED: 'true',
    });
    try {
      const call = (headers: Record<string, string>, body: Record<string, unknown> = {}) =>
        fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], ...body }) });
      for (const key of keys) {
        expect((await call({ authorization: `Bearer ${key}` })).status).toBe(200);
        expect((await call({ 'x-api-key': key }, { stream: true })).status).toBe(200);
      }
      expect((await call({ authorization: `Bearer ${wrong}` })).status).toBe(401);
      expect((await call({ 'x-api-key': wrong })).status).toBe(401);
      expect((await call({ authorization: `Bearer ${keys[1]}` }, { temperature: 'hot' })).status).toBe(400);
      expect((await fetch(`${gw.url}/nope`, { headers: { authorization: `Bearer ${keys[2]}` } })).status).toBe(404);
      gw.child.kill('SIGTERM');
      expect(await gw.exited).toBe(0);
      const output = gw.output();
      expect(output).toContain('"message":"request"'); // the logs were written at all
      expect(output.match(/"message":"request"/g)?.length).toBeGreaterThanOrEqual(10);
      for (const secret of [...keys, wrong]) expect(output).not.toContain(secret);
      // Nor the headers that carry them.
      expect(output).not.toMatch(/"(authorization|x-api-key)"\s*:|Bearer sk-/i);
    } finally {
      gw.child.kill('SIGKILL');
    }
  });
});
