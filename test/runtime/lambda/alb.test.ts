/**
 * The Lambda entries, driven the way Lambda drives them: an ALB event into `handler` (buffered), and a
 * Function URL event into the streaming handler through a stand-in for the runtime's `awslambda` global.
 * Both call the emulator through the real AWS SDK client.
 */
import type { ALBEvent, ALBResult } from 'aws-lambda';
import { Writable } from 'node:stream';
import { startEmulator, type Emulator } from '../../../emulator';

const KEY = 'sk-lambda-test';
const MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emulator.url,
    AWS_ACCESS_KEY_ID: 'AKIDEMULATOR',
    AWS_SECRET_ACCESS_KEY: 'emulator-secret',
    AWS_REGION: 'us-east-1',
    AWS_MAX_ATTEMPTS: '1',
    API_KEY: KEY,
    LOG_LEVEL: 'SILENT',
  });
});
afterAll(() => emulator.close());

function albEvent(body: unknown, path = '/api/v1/chat/completions'): ALBEvent {
  return {
    requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gw/abc' } },
    httpMethod: 'POST',
    path,
    queryStringParameters: {},
    headers: { host: 'gw.example', authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}

describe('ALB entry (lambda.ts)', () => {
  let handler: (event: ALBEvent, context: unknown) => Promise<ALBResult>;
  beforeAll(() => {
    jest.isolateModules(() => {
      handler = require('../../../lambda/src/runtime/lambda/alb').handler;
    });
  });

  it('answers a chat completion', async () => {
    const res = await handler(albEvent({ model: MODEL, messages: [{ role: 'user', content: 'from lambda' }] }), {});
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '{}').choices[0].message.content).toBe('Emulated reply to: from lambda');
  });

  it('returns a complete SSE body at once for stream: true', async () => {
    const res = await handler(albEvent({ model: MODEL, messages: [{ role: 'user', content: 'a b' }], stream: true }), {});
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toContain('text/event-stream');
    const body = res.isBase64Encoded ? Buffer.from(res.body ?? '', 'base64').toString() : (res.body ?? '');
    expect(body.trim().endsWith('data: [DONE]')).toBe(true);
    expect(body).toContain('"finish_reason":"stop"');
  });

  it('sends event streams as text, not base64', async () => {
    const res = await handler(albEvent({ model: MODEL, messages: [{ role: 'user', content: 'plain text' }], stream: true }), {});
    expect(res.isBase64Encoded).toBe(false);
    expect(res.body).toContain('data: [DONE]');
  });

  // Quotes and backslashes double when the body is escaped into the response JSON, which is what ALB counts.
  const WORD = 'say "x\\y" ';
  it.each([
    ['/chat/completions', { messages: [{ role: 'user', content: 'long' }] }, (body: string) => body.includes('"content":"say')],
    ['/responses', { input: 'long' }, (body: string) => body.includes('response.output_text.delta')],
  ])('%s: a streamed answer past the ALB 1 MB limit ends with an OpenAI error event within it', async (route, request, started) => {
    emulator.enqueue({ content: [{ text: WORD.repeat(100_000) }], textChunks: 4_000 });
    const res = await handler(albEvent({ model: MODEL, stream: true, ...request }, `/api/v1${route}`), {});
    expect(Buffer.byteLength(JSON.stringify(res))).toBeLessThan(1_000_000);
    expect(res.statusCode).toBe(200);
    expect(res.isBase64Encoded).toBe(false);
    const body = res.body ?? '';
    expect(started(body)).toBe(true);
    expect(body).not.toContain('[DONE]');
    const events = body.trim().split('\n\n');
    const last = JSON.parse(events[events.length - 1].split('\n').find((l) => l.startsWith('data: '))!.slice(6));
    expect(last).toMatchObject({ error: { type: 'api_error', code: 'response_too_large', message: expect.stringContaining('response size limit') } });
    // The budget is used, not wasted: the answer fills most of the limit before it is cut.
    expect(Buffer.byteLength(JSON.stringify(res))).toBeGreaterThan(900_000);
  });

  it('joins consecutive text chunks, so a long answer of one-word chunks arrives whole', async () => {
    const text = 'word '.repeat(10_000);
    emulator.enqueue({ content: [{ text }], textChunks: 10_000 });
    const res = await handler(albEvent({ model: MODEL, messages: [{ role: 'user', content: 'long' }], stream: true }), {});
    const events = (res.body ?? '').trim().split('\n\n').map((e) => e.slice('data: '.length));
    expect(events[events.length - 1]).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
    // The role chunk, the joined text, and the closing chunk(s) with finish_reason: far fewer than 10,000.
    expect(chunks.length).toBeLessThan(100);
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe(text);
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  it('rejects a missing key with an OpenAI 401', async () => {
    const event = albEvent({ model: MODEL, messages: [] });
    delete event.headers?.authorization;
    const res = await handler(event, {});
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body ?? '{}').error.type).toBe('authentication_error');
  });
});

describe('Function URL streaming entry (stream.ts)', () => {
  it('streams through awslambda.streamifyResponse with status and headers first', async () => {
    const written: string[] = [];
    let metadata: { statusCode: number; headers: Record<string, string> } | undefined;
    const globals = globalThis as Record<string, unknown>;
    globals.awslambda = {
      streamifyResponse: (fn: unknown) => fn,
      HttpResponseStream: { from: (stream: Writable, meta: typeof metadata) => ((metadata = meta), stream) },
    };
    let handler!: (event: unknown, stream: Writable, context: unknown) => Promise<void>;
    jest.isolateModules(() => {
      handler = require('../../../lambda/src/runtime/lambda/stream').handler;
    });
    const sink = new Writable({
      write(chunk, _enc, cb) {
        written.push(chunk.toString());
        cb();
      },
    });
    const event = {
      version: '2.0',
      rawPath: '/api/v1/chat/completions',
      rawQueryString: '',
      headers: { host: 'x.lambda-url.us-east-1.on.aws', authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      requestContext: { http: { method: 'POST', path: '/api/v1/chat/completions', sourceIp: '127.0.0.1' }, domainName: 'x.lambda-url.us-east-1.on.aws' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'one two three' }], stream: true }),
      isBase64Encoded: false,
    };
    await handler(event, sink, {});
    delete globals.awslambda;
    expect(metadata?.statusCode).toBe(200);
    expect(metadata?.headers['content-type']).toContain('text/event-stream');
    const text = written.join('');
    expect(text).toContain('"content":"one "');
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
    expect(written.length).toBeGreaterThan(3);
  });
});

describe('start-up checks (the same on every runtime)', () => {
  it.each(['alb', 'stream'])('the %s entry refuses to start without any API key source, saying what to set', (entry) => {
    const saved = process.env.API_KEY;
    delete process.env.API_KEY;
    try {
      jest.isolateModules(() => {
        expect(() => require(`../../../lambda/src/runtime/lambda/${entry}`)).toThrow(/No API key is configured\. Set API_KEY/);
      });
    } finally {
      process.env.API_KEY = saved;
    }
  });
});

describe('ALB events the adapter cannot build a request from (issue 18, finding 6)', () => {
  let handler: (event: ALBEvent, context: unknown) => Promise<ALBResult>;
  beforeAll(() => {
    jest.isolateModules(() => {
      handler = require('../../../lambda/src/runtime/lambda/alb').handler;
    });
  });
  let consoleError: jest.SpyInstance;
  beforeEach(() => {
    consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => consoleError.mockRestore());

  const valid = () => albEvent({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
  it.each<[string, (e: ALBEvent) => ALBEvent]>([
    ['a body marked base64 that is not', (e) => ({ ...e, body: '%%% not base64 %%%', isBase64Encoded: true })],
    ['a header value with CR/LF', (e) => ({ ...e, headers: { ...e.headers, 'x-note': 'a\r\nx-injected: 1' } })],
    ['a multi-value header value with LF', (e) => ({ ...e, headers: undefined, multiValueHeaders: { host: ['gw.example'], authorization: [`Bearer ${KEY}`], 'x-note': ['a\nb'] } })],
  ])('%s: an OpenAI-shaped 400, without console.error', async (_name, change) => {
    const event = change(valid());
    const res = await handler(event, {});
    expect(res.statusCode).toBe(400);
    const contentType = res.headers?.['content-type'] ?? res.multiValueHeaders?.['content-type']?.[0];
    expect(contentType).toBe('application/json');
    expect(event.multiValueHeaders ? res.multiValueHeaders : res.headers).toBeDefined();
    expect(JSON.parse(res.body ?? '{}')).toMatchObject({ error: { type: 'invalid_request_error', code: 'malformed_http' } });
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('still serves a body that really is base64', async () => {
    const event = valid();
    const res = await handler({ ...event, body: Buffer.from(event.body ?? '').toString('base64'), isBase64Encoded: true }, {});
    expect(res.statusCode).toBe(200);
  });
});
