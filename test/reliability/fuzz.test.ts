/**
 * Property-based fuzzing of the HTTP surface with fast-check. The app runs in-process (`app.request`) with
 * the real process dependencies: the real AWS SDK client against the emulator, which refuses malformed
 * Converse input the way Bedrock does. Invariant for every case: a 2xx, or a 4xx in OpenAI's error shape;
 * never a 5xx, never an error event hiding a crash, never an unhandled rejection; and the app keeps serving.
 */
import type { ConverseResponse, ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import fc from 'fast-check';
import { startEmulator, type Emulator } from '../../emulator';
import { createApp } from '../../lambda/src/app';
import { loadConfig } from '../../lambda/src/config';
import { buildDeps } from '../../lambda/src/runtime/deps';
import { EMBEDDED_STATE } from '../../lambda/src/store/embedded';
import { auth, chatBody, fakeBedrock, fakeDeps } from '../support/fake-deps';
import { expectOpenAIError } from '../support/openai-error';
import { watchUnhandled } from './support';

const KEY = 'sk-fuzz';
const VISION_MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const EMBED_MODEL = 'amazon.titan-embed-text-v2:0';
/** Runs per property: the whole file stays within a few seconds on two cores. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);

let emulator: Emulator;
let app: ReturnType<typeof createApp>;
let unhandled: ReturnType<typeof watchUnhandled>;
const counts = new Map<string, number>();

beforeAll(async () => {
  unhandled = watchUnhandled();
  emulator = await startEmulator();
  Object.assign(process.env, { AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emulator.url, AWS_ENDPOINT_URL_BEDROCK: emulator.url, AWS_ACCESS_KEY_ID: 'AKIDEMULATOR', AWS_SECRET_ACCESS_KEY: 'x', AWS_MAX_ATTEMPTS: '1' });
  app = createApp(buildDeps(loadConfig({ API_KEY: KEY, AWS_REGION: 'us-east-1', LOG_LEVEL: 'SILENT', UPSTREAM_TIMEOUT_MS: '5000' }), { embeddedState: EMBEDDED_STATE }));
});
afterAll(async () => {
  await emulator.close();
  unhandled.dispose();
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  // The count goes into docs/operations.md; print it so a run shows what it covered.
  process.stderr.write(`fuzz: ${total} HTTP cases over ${counts.size} properties (${[...counts].map(([k, v]) => `${k}=${v}`).join(', ')})\n`);
  expect(unhandled.errors).toEqual([]);
});

async function send(path: string, body: string, contentType = 'application/json'): Promise<Response> {
  return app.request(path, { method: 'POST', body, headers: { authorization: `Bearer ${KEY}`, 'content-type': contentType } });
}

/** The invariant, checked on one response; returns the status for properties that want more. */
async function expectSafe(name: string, res: Response): Promise<number> {
  counts.set(name, (counts.get(name) ?? 0) + 1);
  const text = await res.text();
  if (res.status >= 500) throw new Error(`${name}: ${res.status} ${text.slice(0, 500)}`);
  if (res.status >= 400) {
    expectOpenAIError(JSON.parse(text));
  } else if ((res.headers.get('content-type') ?? '').includes('text/event-stream')) {
    // A stream may end with a Bedrock-side error event, but never with the gateway's own crash.
    expect(text).not.toContain('internal_error');
  } else {
    expect(() => JSON.parse(text)).not.toThrow();
  }
  return res.status;
}

const post = async (name: string, path: string, value: unknown) => expectSafe(name, await send(path, JSON.stringify(value)));
/** The same as a fast-check predicate (which must not return a value). */
const check = async (name: string, path: string, value: unknown): Promise<void> => {
  await post(name, path, value);
};

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]).toString('base64');

/** A request that uses most of the surface, so mutating one field reaches deep into the translators. */
function richRequest(): Record<string, unknown> {
  return {
    model: VISION_MODEL,
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'Sunny' },
      { role: 'user', content: 'Thanks' },
    ],
    tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }],
    tool_choice: 'auto',
    max_tokens: 50,
    temperature: 0.5,
    stream: false,
    response_format: { type: 'json_schema', json_schema: { name: 'w', schema: { type: 'object', properties: { a: { type: 'string' } } } } },
  };
}

/** Every field and nested field of the rich request, as a path. */
const PATHS: ReadonlyArray<ReadonlyArray<string | number>> = (() => {
  const paths: Array<Array<string | number>> = [];
  const walk = (value: unknown, path: Array<string | number>): void => {
    paths.push(path);
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  walk(richRequest(), []);
  return [...paths.slice(1), ['stream_options'], ['n'], ['stop'], ['reasoning_effort'], ['logit_bias'], ['metadata'], ['an_unknown_field'], ['extra_body']];
})();

function setPath(target: Record<string, unknown>, path: ReadonlyArray<string | number>, value: unknown): Record<string, unknown> {
  let node = target as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]] = value;
  return target;
}

/** Nested arrays or objects, `depth` levels deep, built without recursion. */
function nested(depth: number, asObject: boolean): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = asObject ? { a: value } : [value];
  return value;
}

/** The same nesting as JSON text, for depths JSON.stringify itself cannot reach. */
const nestedJson = (depth: number, asObject: boolean): string =>
  asObject ? `${'{"a":'.repeat(depth)}"leaf"${'}'.repeat(depth)}` : `${'['.repeat(depth)}"leaf"${']'.repeat(depth)}`;

const anyJson = fc.jsonValue({ maxDepth: 4 });

describe('chat completions under fuzzing', () => {
  it('the rich request itself is served', async () => {
    expect(await post('baseline', '/v1/chat/completions', richRequest())).toBe(200);
    expect(await post('baseline', '/v1/chat/completions', { ...richRequest(), stream: true })).toBe(200);
  });

  it('arbitrary JSON bodies', async () => {
    await fc.assert(fc.asyncProperty(anyJson, (body) => check('arbitrary-json', '/v1/chat/completions', body)), { numRuns: RUNS });
  });

  it('a wrong value in any one field, streaming or not', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PATHS), anyJson, fc.boolean(), (path, value, stream) =>
        check('wrong-field', '/v1/chat/completions', setPath({ ...richRequest(), stream }, path, value)),
      ),
      { numRuns: RUNS * 4 },
    );
  });

  it('huge strings and unusual Unicode (lone surrogates, NULs, RTL) in content and names', async () => {
    const weird = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('\ud800', '\udfff\ud800', '\u0000', '\u202e', '𝕏'.repeat(50)));
    await fc.assert(
      fc.asyncProperty(weird, fc.integer({ min: 0, max: 50_000 }), fc.constantFrom(...PATHS.filter((p) => typeof richRequest()[p[0]] !== 'undefined')), async (s, pad, path) => {
        const body = setPath(richRequest(), path, s + 'x'.repeat(pad));
        await post('strings', '/v1/chat/completions', body);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('deep nesting anywhere (up to 100 000 levels)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 100_000 }), fc.boolean(), fc.constantFrom(...PATHS), async (depth, asObject, path) => {
        const body = JSON.stringify(setPath(richRequest(), path, '__DEEP__')).replace('"__DEEP__"', nestedJson(depth, asObject));
        await expectSafe('deep-nesting', await send('/v1/chat/completions', body));
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('data URLs that lie about their type or are not base64', async () => {
    const mime = fc.constantFrom('image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml', 'application/pdf', 'text/plain', '', 'x/x;charset=utf-8');
    const payload = fc.oneof(
      fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('base64')),
      fc.constantFrom(PNG, '%%%not-base64%%%', '====', 'a', 'ab=c', ' '),
      fc.string({ maxLength: 40 }),
    );
    const encoding = fc.constantFrom(';base64,', ',', ';base64', ';utf8,');
    await fc.assert(
      fc.asyncProperty(mime, encoding, payload, fc.boolean(), async (m, enc, data, asFile) => {
        const url = `data:${m}${enc}${data}`;
        const part = asFile ? { type: 'file', file: { filename: 'f.pdf', file_data: url } } : { type: 'image_url', image_url: { url } };
        const status = await post('data-urls', '/v1/chat/completions', { model: VISION_MODEL, messages: [{ role: 'user', content: [{ type: 'text', text: 'see' }, part] }] });
        expect([200, 400]).toContain(status);
      }),
      { numRuns: RUNS },
    );
  });

  it('thousands of messages in any role order', async () => {
    const role = fc.constantFrom('user', 'assistant', 'system', 'developer', 'tool');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12_000 }), fc.array(role, { minLength: 1, maxLength: 5 }), async (n, roles) => {
        const messages = Array.from({ length: n }, (_, i) => {
          const r = roles[i % roles.length];
          return r === 'tool' ? { role: r, tool_call_id: `t${i}`, content: 'x' } : { role: r, content: `m${i}` };
        });
        await post('many-messages', '/v1/chat/completions', { model: VISION_MODEL, messages });
      }),
      { numRuns: 20 },
    );
  });

  it('enormous tool lists and schemas', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 200 }), async (tools, props, depth) => {
        const properties = Object.fromEntries(Array.from({ length: props }, (_, i) => [`p${i}`, { type: 'string', description: 'd'.repeat(20) }]));
        const parameters = { type: 'object', properties: { ...properties, deep: nested(depth, true) } };
        const body = {
          model: VISION_MODEL,
          messages: [{ role: 'user', content: 'hi' }],
          tools: Array.from({ length: tools }, (_, i) => ({ type: 'function', function: { name: `t${i}`, parameters } })),
        };
        await post('tool-schemas', '/v1/chat/completions', body);
      }),
      { numRuns: 20 },
    );
  });
});

describe('huge shapes (issue 18, finding 2): refused from the text by the default budgets, or served', () => {
  const pairs = (n: number, prefix: string) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, 'v']));
  it('top-level keys, object keys, content parts and metadata pairs around their limits', async () => {
    const shape = fc.record({
      topLevel: fc.integer({ min: 0, max: 400 }),
      schemaKeys: fc.integer({ min: 0, max: 3000 }),
      parts: fc.integer({ min: 1, max: 30_000 }),
      metadata: fc.integer({ min: 0, max: 40 }),
      stream: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(shape, async ({ topLevel, schemaKeys, parts, metadata, stream }) => {
        const body = {
          model: VISION_MODEL,
          stream,
          messages: [{ role: 'user', content: Array.from({ length: parts }, (_, i) => ({ type: 'text', text: `p${i}` })) }],
          tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: pairs(schemaKeys, 'k') } } }],
          ...(metadata ? { metadata: pairs(metadata, 'm') } : {}),
          ...pairs(topLevel, 'x_'),
        };
        const status = await post('huge-shapes', '/v1/chat/completions', body);
        const over = Object.keys(body).length > 128 || schemaKeys > 1000 || parts > 20_000 || metadata > 16;
        expect(status).toBe(over ? 400 : 200);
      }),
      { numRuns: 25 },
    );
  });

  it('very long arrays and many values anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 300_000 }), fc.constantFrom(...PATHS), fc.constantFrom('0', '{}', '[]', '"s"'), async (n, path, item) => {
        const body = JSON.stringify(setPath(richRequest(), path, '__LONG__')).replace('"__LONG__"', `[${Array.from({ length: n }, () => item).join(',')}]`);
        await expectSafe('long-arrays', await send('/v1/chat/completions', body));
      }),
      // The counterexample a CI run found: zod's issue list for 61,651 wrong tool calls overflowed the stack.
      { numRuns: 15, examples: [[61_651, ['messages', 2, 'tool_calls'], '{}']] },
    );
  });

  // Every array the gateway validates (a tool's JSON Schema goes to Bedrock as written), and the Responses
  // input, at the default item budget (100,000) with every item wrong: one 400, whatever the array.
  const arrayPaths = PATHS.filter((path) => !path.includes('parameters') && Array.isArray(path.reduce<any>((node, key) => node?.[key], richRequest())));
  const arrayCases = [...arrayPaths.map((path) => ['/v1/chat/completions', path] as const), ['/v1/responses', ['input']] as const];
  it.each(arrayCases.flatMap(([route, path]) => ['0', '{}'].map((item) => [route, path, item] as const)))('%s: %j of 100,000 items %s', async (route, path, item) => {
    const base = route === '/v1/responses' ? { model: VISION_MODEL, input: [] } : richRequest();
    const body = JSON.stringify(setPath(base, path, '__LONG__')).replace('"__LONG__"', `[${Array(100_000).fill(item).join(',')}]`);
    const res = await send(route, body);
    expect(await expectSafe('wrong-items', res)).toBe(400);
  });
});

describe('malformed Bedrock answers (issue 18, finding 4): 502 upstream_invalid_response or a served answer, never a 500', () => {
  const bedrockAnswer = fc.oneof(
    fc.anything(),
    fc.record({ output: fc.oneof(fc.anything(), fc.record({ message: fc.record({ role: fc.anything(), content: fc.array(fc.oneof(fc.anything(), fc.record({ text: fc.anything() }), fc.record({ toolUse: fc.anything() }))) }, { requiredKeys: [] }) })), stopReason: fc.oneof(fc.string(), fc.anything()), usage: fc.anything() }, { requiredKeys: [] }),
  );
  const streamEvent = fc.oneof(
    fc.constant({ messageStart: { role: 'assistant' } }),
    fc.record({ contentBlockDelta: fc.record({ contentBlockIndex: fc.oneof(fc.nat(3), fc.anything()), delta: fc.oneof(fc.record({ text: fc.anything() }), fc.record({ toolUse: fc.anything() }), fc.anything()) }, { requiredKeys: [] }) }),
    fc.record({ contentBlockStart: fc.anything() }),
    fc.record({ contentBlockStop: fc.anything() }),
    fc.record({ messageStop: fc.record({ stopReason: fc.oneof(fc.constant('end_turn'), fc.anything()) }, { requiredKeys: [] }) }),
    fc.record({ metadata: fc.anything() }),
    fc.anything(),
  );

  /** What a garbled answer may be reported as: a wrong shape, or a stream that stopped before the model did. */
  const UPSTREAM_FAULTS = ['upstream_invalid_response', 'upstream_stream_truncated'];

  async function expectUpstreamSafe(res: Response): Promise<void> {
    const text = await res.text();
    counts.set('bedrock-answers', (counts.get('bedrock-answers') ?? 0) + 1);
    expect(text).not.toContain('internal_error');
    if (res.status !== 200) {
      expect(res.status).toBe(502);
      expect(UPSTREAM_FAULTS).toContain((JSON.parse(text) as { error: { code: string } }).error.code);
    } else if ((res.headers.get('content-type') ?? '').includes('text/event-stream')) {
      // Either a finished stream or an error event, never both, never neither.
      const done = text.includes('data: [DONE]');
      const failed = UPSTREAM_FAULTS.some((code) => text.includes(`"code":"${code}"`));
      expect(done !== failed).toBe(true);
    } else {
      expect((JSON.parse(text) as { choices: unknown[] }).choices).toHaveLength(1);
    }
  }

  it('unstreamed Converse answers of any shape', async () => {
    await fc.assert(
      fc.asyncProperty(bedrockAnswer, async (answer) => {
        const fake = createApp(fakeDeps({}, fakeBedrock({ converse: async () => answer as ConverseResponse })));
        await expectUpstreamSafe(await fake.request('/v1/chat/completions', { method: 'POST', headers: auth, body: chatBody() }));
      }),
      { numRuns: RUNS },
    );
  });

  it('streams of any events in any order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(streamEvent, { maxLength: 12 }), async (events) => {
        const fake = createApp(
          fakeDeps(
            {},
            fakeBedrock({
              converseStream: async () =>
                (async function* () {
                  yield* events as ConverseStreamOutput[];
                })(),
            }),
          ),
        );
        await expectUpstreamSafe(await fake.request('/v1/chat/completions', { method: 'POST', headers: auth, body: chatBody({ stream: true }) }));
      }),
      // A counterexample a run found: a stop reason that cannot become a string threw while being looked up.
      { numRuns: RUNS, examples: [[[{ messageStop: { stopReason: { toString: undefined } } }]]] },
    );
  });
});

describe('other routes under fuzzing', () => {
  it.each([
    ['/v1/embeddings', { model: EMBED_MODEL, input: 'hello' }],
    ['/v1/responses', { model: VISION_MODEL, input: 'hello' }],
  ])('%s: arbitrary bodies and wrong fields', async (path, valid) => {
    expect(await post(`baseline${path}`, path, valid)).toBe(200);
    const field = fc.constantFrom(...Object.keys(valid), 'dimensions', 'encoding_format', 'instructions', 'tools', 'text', 'stream', 'max_output_tokens', 'reasoning');
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyJson.map((body) => ({ body })), fc.tuple(field, anyJson).map(([k, v]) => ({ body: { ...valid, [k]: v } }))), ({ body }) => check(path, path, body)),
      { numRuns: RUNS },
    );
  });

  it('models routes with arbitrary ids', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 100 }), async (id) => {
        const res = await app.request(`/v1/models/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${KEY}` } });
        await expectSafe('model-ids', res);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('afterwards', () => {
  it('still serves, with no upstream call left open', async () => {
    expect(await post('after', '/v1/chat/completions', richRequest())).toBe(200);
    expect(emulator.inFlight).toBe(0);
    expect(emulator.openStreams).toBe(0);
  });
});
