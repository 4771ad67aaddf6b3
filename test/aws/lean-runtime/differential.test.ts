/**
 * The lean runtime client against the full SDK client: the same calls through both, against the emulator
 * (and, for what the emulator cannot script, a raw HTTP server), must give the same results (outputs,
 * stream events, errors with their class, fields and attempts, the gateway's rendering of them) and put
 * the same requests on the wire (bodies, signed headers, retry headers, auth scheme).
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator, type Emulator, type RecordedRequest, type ScriptedReply } from '../../../emulator';
import { createBedrockRuntime, type BedrockRuntime } from '../../../lambda/src/aws/bedrock-runtime';
import { createLeanBedrockRuntime } from '../../../lambda/src/aws/lean-runtime/client';
import { fromBedrockError, fromUpstreamFailure } from '../../../lambda/src/http/upstream-errors';
import { eventually } from '../../emulator/helpers';

const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const EMBEDDING_MODEL = 'amazon.titan-embed-text-v2:0';
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF');

type Client = BedrockRuntime & { close?(): Promise<void> };
type Kind = 'sdk' | 'lean';
const KINDS: readonly Kind[] = ['sdk', 'lean'];

let emulator: Emulator;
const saved = { ...process.env };
const BASE_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDTEST',
  AWS_SECRET_ACCESS_KEY: 'test-secret',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_MAX_ATTEMPTS: '1',
};
const VARIABLE_ENV = ['AWS_PROFILE', 'AWS_RETRY_MODE', 'AWS_BEARER_TOKEN_BEDROCK', 'AWS_AUTH_SCHEME_PREFERENCE', 'AWS_LAMBDA_FUNCTION_NAME', '_X_AMZN_TRACE_ID'];

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  process.env = saved;
  await emulator.close();
});

/** Both clients, built and first called under `env` (the SDK reads its settings on the first call). */
async function withClients<T>(env: Record<string, string>, fn: (client: Client, kind: Kind) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (const kind of KINDS) {
    for (const name of VARIABLE_ENV) delete process.env[name];
    Object.assign(process.env, BASE_ENV, { AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emulator.url }, env);
    const client: Client = kind === 'sdk' ? createBedrockRuntime({ region: 'us-east-1' }) : createLeanBedrockRuntime({ region: 'us-east-1' });
    try {
      results.push(await fn(client, kind));
    } finally {
      await client.close?.();
      process.env = { ...saved };
    }
  }
  return results;
}

/** Fields that differ between any two calls (ids, clocks, jitter) are left out; bytes become arrays. */
function stable(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) => {
      if (key === 'requestId' || key === 'totalRetryDelay' || key === 'latencyMs') return undefined;
      if (v instanceof Uint8Array) return { bytes: Array.from(v) };
      return v;
    }),
  );
}

interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

/**
 * Jest runs tests in a realm of their own, where errors made by Node itself (a refused or reset socket) are
 * not `instanceof Error`; the SDK's retry middleware then wraps them as `AWS SDK error wrapper for <name>:
 * <message>` and drops their fields. Unwrapped here, so both clients are compared as a plain Node process
 * sees them.
 */
function unwrapRealm(err: unknown): unknown {
  const e = err as ErrorLike | undefined;
  const wrapped = /^AWS SDK error wrapper for (\w+): (.*)$/s.exec(e?.message ?? '');
  return wrapped ? { name: wrapped[1], message: wrapped[2], $metadata: e?.$metadata } : err;
}

function describeError(raw: unknown) {
  const err = unwrapRealm(raw);
  const e = (err ?? {}) as ErrorLike;
  const gateway = fromBedrockError(err);
  return {
    class: (err as object | undefined)?.constructor?.name,
    name: e.name,
    message: e.message,
    code: e.code,
    fault: e.$fault,
    status: e.$metadata?.httpStatusCode,
    attempts: e.$metadata?.attempts,
    fields: Object.keys(e).filter((k) => k !== '$metadata' && k !== '$response').sort(),
    gateway: { status: gateway.status, code: gateway.code, message: gateway.message.replace(/ \(Bedrock request id [^)]+\)/, '') },
  };
}

/** What the gateway makes of a connection failure: the error's own class and fields are the HTTP library's. */
function networkView(o: Outcome) {
  if (!('error' in o)) return o;
  const { name, message, gateway, attempts } = o.error;
  return { name, message, gateway, attempts };
}

type Outcome = { ok: unknown } | { error: ReturnType<typeof describeError> };

async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: stable(await run()) };
  } catch (err) {
    return { error: describeError(err) };
  }
}

async function streamOutcome(client: Client, input: Parameters<Client['converseStream']>[0], signal?: AbortSignal) {
  const events: unknown[] = [];
  const result = await outcome(async () => {
    for await (const event of await client.converseStream(input, signal)) events.push(stable(event));
    return 'completed';
  });
  return { events, result };
}

const SIGNED_HEADERS = /SignedHeaders=([^,]+)/;
const CREDENTIAL = /Credential=[^/]+\/\d{8}\/([^,]+)/;

/** A recorded request without what legitimately differs per call (date, invocation id, signature, UA). */
function wire(r: RecordedRequest | { headers: Record<string, string | string[] | undefined>; body: unknown }) {
  const h = r.headers as Record<string, string | undefined>;
  const auth = h.authorization ?? '';
  return {
    ...('operation' in r ? { operation: r.operation, modelId: r.modelId } : {}),
    body: r.body,
    headers: {
      'content-type': h['content-type'],
      'content-length': h['content-length'],
      accept: h.accept,
      'amz-sdk-request': h['amz-sdk-request'],
      'x-amz-content-sha256': h['x-amz-content-sha256'],
      'x-amzn-trace-id': h['x-amzn-trace-id'],
      host: h.host,
    },
    auth: auth.startsWith('Bearer ') ? auth : { scheme: auth.split(' ')[0], scope: CREDENTIAL.exec(auth)?.[1], signed: SIGNED_HEADERS.exec(auth)?.[1] },
  };
}

/** Runs `call` through both clients with the same script; returns both sides for one equality check. */
async function differential(script: ScriptedReply[], call: (client: Client) => Promise<unknown>, env: Record<string, string> = {}) {
  return withClients(env, async (client) => {
    emulator.reset();
    for (const reply of script) emulator.enqueue(reply, { operations: ['converse', 'converse-stream', 'invoke'] });
    const result = await call(client);
    return { result, wire: emulator.requests.map(wire) };
  });
}

const richInput = {
  modelId: MODEL,
  system: [{ text: 'You are terse.' }, { cachePoint: { type: 'default' as const } }],
  messages: [
    {
      role: 'user' as const,
      content: [
        { text: 'Describe these, then call the tool.' },
        { image: { format: 'png' as const, source: { bytes: PNG } } },
        { document: { format: 'pdf' as const, name: 'spec', source: { bytes: PDF } } },
        { cachePoint: { type: 'default' as const } },
      ],
    },
    {
      role: 'assistant' as const,
      content: [
        { reasoningContent: { reasoningText: { text: 'The user wants weather.', signature: 'sig-1' } } },
        { reasoningContent: { redactedContent: Uint8Array.from([1, 2, 3]) } },
        { toolUse: { toolUseId: 'tool-1', name: 'weather', input: { city: 'Paris', days: [1, 2], nested: { ok: true, n: null } } } },
      ],
    },
    {
      role: 'user' as const,
      content: [{ toolResult: { toolUseId: 'tool-1', status: 'success' as const, content: [{ json: { temp: 21.5 } }, { text: 'sunny' }] } }],
    },
  ],
  inferenceConfig: { maxTokens: 2048, temperature: 0.2, topP: 0.9, stopSequences: ['\n\nHuman:'] },
  toolConfig: {
    tools: [
      { toolSpec: { name: 'weather', description: 'Weather by city', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } } },
      { cachePoint: { type: 'default' as const } },
    ],
    toolChoice: { auto: {} },
  },
  additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 1024 }, top_k: 40 },
  outputConfig: { textFormat: { type: 'json_schema' as const, structure: { jsonSchema: { name: 'answer', schema: JSON.stringify({ type: 'object' }) } } } },
  requestMetadata: { tenant: 'acme', 'request-kind': 'test' },
  performanceConfig: { latency: 'standard' as const },
  serviceTier: { type: 'default' as const },
};

const richReply: ScriptedReply = {
  content: [
    { reasoningContent: { reasoningText: { text: 'Thinking it over.', signature: 'sig-2' } } },
    { reasoningContent: { redactedContent: Buffer.from([9, 8, 7]).toString('base64') } },
    { text: 'Here is the forecast.' },
    { toolUse: { toolUseId: 'tool-2', name: 'weather', input: { city: 'Lyon' } } },
  ],
  usage: { inputTokens: 120, outputTokens: 30, cacheReadInputTokens: 64, cacheWriteInputTokens: 16 },
  textChunks: 3,
};

const simple = (text: string) => ({ modelId: MODEL, messages: [{ role: 'user' as const, content: [{ text }] }] });

describe('the same results through the SDK client and the lean client', () => {
  it('Converse with every request feature the gateway sends and every reply block', async () => {
    const [sdk, lean] = await differential([richReply], (c) => outcome(() => c.converse(richInput)));
    expect(sdk.result).toMatchObject({ ok: { stopReason: 'tool_use', output: { message: { content: expect.arrayContaining([{ text: 'Here is the forecast.' }]) } } } });
    // Bytes travel as base64, not as a serialised Buffer object.
    expect(JSON.stringify(sdk.wire[0].body)).toContain(Buffer.from(PNG).toString('base64'));
    expect(lean).toEqual(sdk);
  });

  it('ConverseStream with every event type', async () => {
    const [sdk, lean] = await differential([richReply], (c) => streamOutcome(c, richInput));
    const kinds = new Set((sdk.result as { events: object[] }).events.map((e) => Object.keys(e)[0]));
    expect([...kinds].sort()).toEqual(['contentBlockDelta', 'contentBlockStart', 'contentBlockStop', 'messageStart', 'messageStop', 'metadata']);
    expect(lean).toEqual(sdk);
  });

  it('InvokeModel (embeddings)', async () => {
    const [sdk, lean] = await differential([], (c) => outcome(() => c.invokeModel(EMBEDDING_MODEL, { inputText: 'hello', dimensions: 256 })));
    expect(sdk.result).toMatchObject({ ok: { embedding: expect.any(Array) } });
    expect(lean).toEqual(sdk);
  });

  const ERRORS = ['ValidationException', 'AccessDeniedException', 'ResourceNotFoundException', 'ThrottlingException', 'ServiceQuotaExceededException', 'ModelNotReadyException', 'ModelTimeoutException', 'ModelErrorException', 'InternalServerException', 'ServiceUnavailableException'];

  it.each([...ERRORS.map((type) => ({ type, status: undefined as number | undefined })), { type: 'BrandNewException', status: 400 }, { type: 'BrandNewFault', status: 500 }])(
    'the error $type from Converse and ConverseStream',
    async ({ type, status }) => {
      const error = { error: { type, message: `scripted ${type}`, ...(status ? { status } : {}) } };
      const [sdk, lean] = await differential([error, error], async (c) => [await outcome(() => c.converse(simple('a'))), await streamOutcome(c, simple('b'))]);
      expect(sdk.result).toMatchObject([{ error: { status: expect.any(Number) } }, { result: { error: expect.any(Object) } }]);
      expect(lean).toEqual(sdk);
    },
  );

  it.each(['InternalServerException', 'ModelStreamErrorException', 'ValidationException', 'ThrottlingException', 'ServiceUnavailableException', 'BrandNewStreamException'])(
    'the mid-stream exception %s',
    async (type) => {
      const [sdk, lean] = await differential([{ content: [{ text: 'one two three four' }], midStreamException: { type, afterDeltas: 2 } }], (c) => streamOutcome(c, simple('s')));
      expect((sdk.result as { events: unknown[] }).events.length).toBeGreaterThan(2);
      expect(sdk.result).toMatchObject({ result: { error: expect.any(Object) } });
      expect(lean).toEqual(sdk);
    },
  );

  it('a connection dropped before the answer, and one dropped mid-stream', async () => {
    const [sdk, lean] = await differential([{ dropConnection: true }, { content: [{ text: 'one two three four' }], dropAfterDeltas: 2 }], async (c) => {
      const before = await outcome(() => c.converse(simple('a')));
      const { events, result } = await streamOutcome(c, simple('b'));
      // Cut mid-stream, node:http says `aborted` and undici `other side closed`; both carry Node's ECONNRESET.
      const midStream = 'error' in result ? { code: result.error.code, gateway: result.error.gateway } : result;
      return [networkView(before), { events, midStream }];
    });
    // A reset before the answer: the SDK's NodeHttpHandler names it a TimeoutError, and the lean client does too.
    expect(sdk.result).toMatchObject([{ name: 'TimeoutError', message: 'socket hang up', gateway: { code: 'upstream_connection_error' } }, { midStream: { code: 'ECONNRESET', gateway: { code: 'upstream_connection_error' } } }]);
    expect(lean).toEqual(sdk);
  });

  it('a refused connection', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    await new Promise((r) => closed.close(r));
    const [sdk, lean] = await withClients({ AWS_ENDPOINT_URL_BEDROCK_RUNTIME: `http://127.0.0.1:${port}` }, async (c) => networkView(await outcome(() => c.converse(simple('a')))));
    expect(sdk).toMatchObject({ message: expect.stringContaining('ECONNREFUSED') });
    expect(lean).toEqual(sdk);
  });

  it.each([
    { mode: 'standard', attempts: '3', throttles: 2, outcome: 'ok' },
    { mode: 'standard', attempts: '2', throttles: 2, outcome: 'error' },
    { mode: 'adaptive', attempts: '2', throttles: 1, outcome: 'ok' },
  ])('throttling with AWS_RETRY_MODE=$mode and AWS_MAX_ATTEMPTS=$attempts after $throttles throttles', async ({ mode, attempts, throttles, outcome: expected }) => {
    const script: ScriptedReply[] = [...Array.from({ length: throttles }, () => ({ error: { type: 'ThrottlingException' } })), { content: [{ text: 'finally' }] }];
    const [sdk, lean] = await differential(script, (c) => outcome(() => c.converse(simple('retry me'))), { AWS_RETRY_MODE: mode, AWS_MAX_ATTEMPTS: attempts });
    expect(sdk.result).toMatchObject(expected === 'ok' ? { ok: { $metadata: { attempts: throttles + 1 } } } : { error: { attempts: Number(attempts) } });
    expect(sdk.wire.map((w) => w.headers['amz-sdk-request'])).toEqual(Array.from({ length: Math.min(throttles + 1, Number(attempts)) }, (_, i) => `attempt=${i + 1}; max=${attempts}`));
    expect(lean).toEqual(sdk);
  }, 60_000);

  it('a bearer token from AWS_BEARER_TOKEN_BEDROCK instead of SigV4', async () => {
    const [sdk, lean] = await differential([], (c) => outcome(() => c.converse(simple('key'))), { AWS_BEARER_TOKEN_BEDROCK: 'bedrock-api-key-test' });
    expect(sdk.wire[0].auth).toBe('Bearer bedrock-api-key-test');
    expect(lean).toEqual(sdk);
  });

  it('the X-Amzn-Trace-Id header on Lambda (recursion detection)', async () => {
    const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    const [sdk, lean] = await differential([], (c) => outcome(() => c.converse(simple('trace'))), { AWS_LAMBDA_FUNCTION_NAME: 'gateway', _X_AMZN_TRACE_ID: trace });
    expect(sdk.wire[0].headers['x-amzn-trace-id']).toBe(trace);
    expect(lean).toEqual(sdk);
  });

  describe('aborts', () => {
    it('a signal aborted before the call', async () => {
      const [sdk, lean] = await differential([], (c) => outcome(() => c.converse(simple('never'), AbortSignal.abort())));
      expect(sdk).toMatchObject({ result: { error: { name: 'AbortError' } }, wire: [] });
      expect(lean).toEqual(sdk);
    });

    it('a call aborted while Bedrock has not answered', async () => {
      const [sdk, lean] = await differential([], async (c) => {
        const release = emulator.hold();
        const abort = new AbortController();
        const pending = outcome(() => c.converse(simple('held'), abort.signal));
        await eventually(() => emulator.inFlight === 1);
        abort.abort();
        const result = await pending;
        release();
        return result;
      });
      expect(sdk.result).toMatchObject({ error: { name: 'AbortError' } });
      // Only the results: whether the emulator recorded a request its client had left depends on timing.
      expect(lean.result).toEqual(sdk.result);
    });

    it('a stream aborted mid-way: the same events before it and the same gateway error', async () => {
      const [sdk, lean] = await differential([{ content: [{ text: 'one two three four five six' }] }], async (c) => {
        let release = emulator.hold();
        const abort = new AbortController();
        const stream = await c.converseStream(simple('s'), abort.signal);
        const previous = release;
        release = emulator.hold();
        previous();
        const seen: unknown[] = [];
        let failure: unknown;
        try {
          for await (const e of stream) {
            seen.push(stable(e));
            if (e.contentBlockDelta) abort.abort();
          }
        } catch (err) {
          failure = err;
        }
        release();
        const gateway = fromUpstreamFailure(failure, abort.signal);
        return { seen, failed: failure !== undefined, gateway: { status: gateway.status, code: gateway.code } };
      });
      expect(sdk.result).toMatchObject({ failed: true, gateway: { status: 499 } });
      expect(lean).toEqual(sdk);
    });
  });
});

/** A server answering each request with the next scripted raw response: what the emulator cannot produce. */
async function rawServer(answers: Array<{ status: number; headers: Record<string, string>; body: string }>) {
  const requests: Array<{ headers: IncomingMessage['headers']; body: unknown }> = [];
  let next = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') });
      const answer = answers[Math.min(next++, answers.length - 1)];
      res.writeHead(answer.status, { 'content-type': 'application/json', 'x-amzn-requestid': `raw-${next}`, ...answer.headers });
      res.end(answer.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    reset: () => {
      requests.length = 0;
      next = 0;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('the same results for answers only a raw server gives', () => {
  const ok = (content: unknown[]) => JSON.stringify({ output: { message: { role: 'assistant', content } }, stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 }, metrics: { latencyMs: 1 } });

  async function rawDifferential(answers: Parameters<typeof rawServer>[0], env: Record<string, string> = {}) {
    const server = await rawServer(answers);
    try {
      return await withClients({ AWS_ENDPOINT_URL_BEDROCK_RUNTIME: server.url, ...env }, async (c) => {
        server.reset();
        const result = await outcome(() => c.converse(simple('raw')));
        return { result, wire: server.requests.map(wire), dates: server.requests.map((r) => String(r.headers['x-amz-date'])) };
      });
    } finally {
      await server.close();
    }
  }

  it('a content block this SDK does not know arrives as $unknown', async () => {
    const [sdk, lean] = await rawDifferential([{ status: 200, headers: {}, body: ok([{ text: 'known' }, { futureBlock: { x: 1 } }]) }]);
    expect(sdk.result).toMatchObject({ ok: { output: { message: { content: [{ text: 'known' }, { $unknown: ['futureBlock', { x: 1 }] }] } } } });
    expect(lean.result).toEqual(sdk.result);
  });

  it('a garbled 200 answer', async () => {
    const [sdk, lean] = await rawDifferential([{ status: 200, headers: {}, body: '{"output": {"message": ' }]);
    expect(sdk.result).toMatchObject({ error: { status: 200 } });
    expect(lean.result).toEqual(sdk.result);
  });

  it('repeated and mixed-case answer headers are read alike (request id, error type)', async () => {
    // The scripted headers come after the server's own lower-case x-amzn-requestid: the id arrives twice.
    const answer = { status: 400, headers: { 'X-Amzn-ErrorType': 'ValidationException', 'X-Amzn-RequestId': 'second-id' }, body: JSON.stringify({ message: 'bad' }) };
    const server = await rawServer([answer]);
    try {
      const [sdk, lean] = await withClients({ AWS_ENDPOINT_URL_BEDROCK_RUNTIME: server.url }, async (c) => {
        server.reset();
        try {
          await c.converse(simple('raw'));
          return { name: 'no error' };
        } catch (e) {
          const err = e as { name?: string; message?: string; $metadata?: { requestId?: string; httpStatusCode?: number } };
          return { name: err.name, message: err.message, requestId: err.$metadata?.requestId, status: err.$metadata?.httpStatusCode };
        }
      });
      expect(sdk).toEqual({ name: 'ValidationException', message: 'bad', requestId: 'raw-1, second-id', status: 400 });
      expect(lean).toEqual(sdk);
    } finally {
      await server.close();
    }
  });

  it('a clock-skew error is retried once with the corrected clock', async () => {
    const serverDate = new Date(Date.now() + 3_600_000).toUTCString();
    const skewed = { status: 403, headers: { date: serverDate, 'x-amzn-errortype': 'InvalidSignatureException' }, body: JSON.stringify({ message: 'Signature expired' }) };
    const [sdk, lean] = await rawDifferential([skewed, { status: 200, headers: {}, body: ok([{ text: 'on time' }]) }], { AWS_MAX_ATTEMPTS: '2' });
    expect(sdk.result).toMatchObject({ ok: { $metadata: { attempts: 2 } } });
    // The retry was signed an hour ahead: the offset taken from the server's Date header.
    const [first, second] = sdk.dates.map((d) => Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +d.slice(9, 11), +d.slice(11, 13), +d.slice(13, 15)));
    expect(second - first).toBeGreaterThan(3_000_000);
    const [leanFirst, leanSecond] = lean.dates.map((d) => Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +d.slice(9, 11), +d.slice(11, 13), +d.slice(13, 15)));
    expect(leanSecond - leanFirst).toBeGreaterThan(3_000_000);
    expect({ result: lean.result, wire: lean.wire }).toEqual({ result: sdk.result, wire: sdk.wire });
  });
});
