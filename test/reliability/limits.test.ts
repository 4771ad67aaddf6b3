/**
 * Request limits: refused with a 400 naming the part, before anything is decoded or sent upstream.
 */
import fc from 'fast-check';
import { createApp } from '../../lambda/src/app';
import type { MediaFetcher } from '../../lambda/src/deps';
import { base64DecodedBytes } from '../../lambda/src/translate/limits';
import { expectOpenAIError } from '../support/openai-error';
import { auth, fakeBedrock, fakeDeps } from '../support/fake-deps';

const VISION_MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const MIB = 1024 * 1024;
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A buffer that sniffs as PNG, `size` bytes long. */
function png(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  bytes.set(PNG_MAGIC);
  return bytes;
}
const pngUrl = (size: number) => `data:image/png;base64,${png(size).toString('base64')}`;
const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(size - 9)]).toString('base64');

const imagePart = (size: number) => ({ type: 'image_url', image_url: { url: pngUrl(size) } });
const filePart = (size: number, i = 0) => ({ type: 'file', file: { filename: `doc${i}.pdf`, file_data: `data:application/pdf;base64,${pdf(size)}` } });

function setup(env: Record<string, string> = {}, media?: MediaFetcher) {
  const bedrock = fakeBedrock();
  const app = createApp({ ...fakeDeps(env, bedrock), ...(media ? { media } : {}) });
  const post = async (body: Record<string, unknown>) => {
    const res = await app.request('/v1/chat/completions', { method: 'POST', headers: auth, body: JSON.stringify({ model: VISION_MODEL, ...body }) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  return { bedrock, post };
}

const userWith = (parts: unknown[]) => ({ messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, ...parts] }] });

describe('per-part size limits', () => {
  it.each([
    ['an image just under 3.75 MB', [imagePart(3.75 * MIB)], 200, undefined],
    ['an image over 3.75 MB', [imagePart(3.75 * MIB + 1)], 400, 'image_too_large'],
    ['a document just under 4.5 MB', [filePart(4.5 * MIB)], 200, undefined],
    ['a document over 4.5 MB', [filePart(4.5 * MIB + 1)], 400, 'document_too_large'],
  ])('%s', async (_name, parts, status, code) => {
    const { bedrock, post } = setup();
    const res = await post(userWith(parts));
    expect(res.status).toBe(status);
    if (code) {
      expectOpenAIError(res.json, { type: 'invalid_request_error', code, param: 'messages[0].content[1]' });
      expect(bedrock.calls).toHaveLength(0);
    } else {
      expect(bedrock.calls).toHaveLength(1);
    }
  });

  it('reads the limits from MAX_IMAGE_BYTES and MAX_DOCUMENT_BYTES', async () => {
    const { post } = setup({ MAX_IMAGE_BYTES: '2048', MAX_DOCUMENT_BYTES: '4096' });
    expect((await post(userWith([imagePart(2049)]))).json).toMatchObject({ error: { code: 'image_too_large' } });
    expect((await post(userWith([imagePart(2048)]))).status).toBe(200);
    expect((await post(userWith([filePart(4097)]))).json).toMatchObject({ error: { code: 'document_too_large' } });
  });

  it('holds images fetched from URLs to the same limit', async () => {
    const media: MediaFetcher = { fetchAll: async (urls) => new Map(urls.map((u) => [u, { mimeType: 'image/png', bytes: png(5000) }])) };
    const { post } = setup({ MAX_IMAGE_BYTES: '4096' }, media);
    const res = await post(userWith([{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }]));
    expectOpenAIError(res.json, { code: 'image_too_large' });
  });
});

describe('count limits', () => {
  it.each([
    ['20 images', { ...userWith(Array.from({ length: 20 }, () => imagePart(64))) }, 200, undefined],
    ['21 images', { ...userWith(Array.from({ length: 21 }, () => imagePart(64))) }, 400, 'too_many_images'],
    ['5 documents', { ...userWith(Array.from({ length: 5 }, (_, i) => filePart(64, i))) }, 200, undefined],
    ['6 documents', { ...userWith(Array.from({ length: 6 }, (_, i) => filePart(64, i))) }, 400, 'too_many_documents'],
  ])('%s', async (_name, body, status, code) => {
    const { bedrock, post } = setup();
    const res = await post(body);
    expect(res.status).toBe(status);
    if (code) expectOpenAIError(res.json, { code });
    expect(bedrock.calls).toHaveLength(code ? 0 : 1);
  });

  const tool = (i: number) => ({ type: 'function', function: { name: `tool_${i}`, parameters: { type: 'object', properties: {} } } });
  it.each([
    [128, 200],
    [129, 400],
  ])('%i tools → %i', async (n, status) => {
    const { bedrock, post } = setup();
    const res = await post({ messages: [{ role: 'user', content: 'hi' }], tools: Array.from({ length: n }, (_, i) => tool(i)) });
    expect(res.status).toBe(status);
    if (status === 400) expectOpenAIError(res.json, { code: 'too_many_tools', param: 'tools' });
    expect(bedrock.calls).toHaveLength(status === 200 ? 1 : 0);
  });

  it('accepts thousands of messages and refuses more than MAX_MESSAGES', async () => {
    const turns = (n: number) => Array.from({ length: n }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `turn ${i}` }));
    const { post } = setup();
    expect((await post({ messages: turns(5001) })).status).toBe(200);
    expect((await post({ messages: turns(10_001) })).json).toMatchObject({ error: { code: 'too_many_messages', param: 'messages' } });
    const strict = setup({ MAX_MESSAGES: '10', MAX_TOOLS: '1' });
    expect((await strict.post({ messages: turns(11) })).status).toBe(400);
    expect((await strict.post({ messages: turns(10) })).status).toBe(200);
    expect((await strict.post({ messages: turns(1), tools: [tool(1), tool(2)] })).json).toMatchObject({ error: { code: 'too_many_tools' } });
  });
});

describe('base64DecodedBytes', () => {
  it('equals the decoded length for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const b64 = Buffer.from(bytes).toString('base64');
        expect(base64DecodedBytes(b64)).toBe(bytes.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the Responses route', () => {
  it('applies the same limits before any upstream call', async () => {
    const bedrock = fakeBedrock();
    const app = createApp(fakeDeps({ MAX_TOOLS: '2' }, bedrock));
    const tools = Array.from({ length: 3 }, (_, i) => ({ type: 'function', name: `t${i}`, parameters: { type: 'object', properties: {} } }));
    const res = await app.request('/v1/responses', { method: 'POST', headers: auth, body: JSON.stringify({ model: VISION_MODEL, input: 'hi', tools }) });
    expect(res.status).toBe(400);
    expectOpenAIError(await res.json(), { code: 'too_many_tools' });
    expect(bedrock.calls).toHaveLength(0);
    const ok = await app.request('/v1/responses', { method: 'POST', headers: auth, body: JSON.stringify({ model: VISION_MODEL, input: 'hi', tools: tools.slice(0, 2) }) });
    expect(ok.status).toBe(200);
  });
});

describe('shape budgets before parsing (issue 18, finding 2)', () => {
  const parts = (n: number) => Array.from({ length: n }, () => ({ type: 'text', text: 'x' }));
  const pairs = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
  const unknownKeys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x_${i}`, 1]));
  const env = { MAX_TOP_LEVEL_KEYS: '40', MAX_OBJECT_KEYS: '50', MAX_ARRAY_ITEMS: '100', MAX_JSON_VALUES: '5000', MAX_CONTENT_PARTS: '150' };

  it.each([
    ['too many top-level keys', { messages: [{ role: 'user', content: 'hi' }], ...unknownKeys(40) }, 'too_many_keys', null],
    ['an object with too many keys', { messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: pairs(51) } } }] }, 'too_many_keys', 'tools[0].function.parameters.properties'],
    ['an array that is too long', { messages: [{ role: 'user', content: parts(101) }] }, 'too_many_items', 'messages[0].content'],
    ['too many values', { messages: Array.from({ length: 90 }, () => ({ role: 'user', content: parts(20) })) }, 'too_many_values', null],
    ['too many content parts in all messages', { messages: [{ role: 'user', content: parts(80) }, { role: 'assistant', content: 'ok' }, { role: 'user', content: parts(80) }] }, 'too_many_content_parts', 'messages[2].content'],
    ['more metadata pairs than OpenAI takes', { messages: [{ role: 'user', content: 'hi' }], metadata: pairs(17) }, 'invalid_value', 'metadata'],
    ['a metadata value longer than OpenAI takes', { messages: [{ role: 'user', content: 'hi' }], metadata: { k: 'v'.repeat(513) } }, 'invalid_value', 'metadata.k'],
  ])('%s: a 400 naming the field and the limit, no upstream call', async (_name, body, code, param) => {
    const { bedrock, post } = setup(env);
    const res = await post(body);
    expect(res.status).toBe(400);
    expectOpenAIError(res.json, { type: 'invalid_request_error', code, param });
    expect(bedrock.calls).toHaveLength(0);
  });

  it.each([
    ['38 top-level keys', { messages: [{ role: 'user', content: 'hi' }], ...unknownKeys(36) }],
    ['100 parts in one message', { messages: [{ role: 'user', content: parts(100) }] }],
    ['16 metadata pairs', { messages: [{ role: 'user', content: 'hi' }], metadata: pairs(16) }],
  ])('%s just inside the budget: 200', async (_name, body) => {
    const { bedrock, post } = setup(env);
    expect((await post(body)).status).toBe(200);
    expect(bedrock.calls).toHaveLength(1);
  });

  it('names the limit in the message', async () => {
    const { post } = setup(env);
    const res = await post({ messages: [{ role: 'user', content: parts(101) }] });
    expect((res.json.error as { message: string }).message).toMatch(/more than 100 items.*at most 100/);
  });

  it.each([
    ['/v1/responses', { model: VISION_MODEL, input: [{ role: 'user', content: parts(101).map(() => ({ type: 'input_text', text: 'x' })) }] }, 'input[0].content'],
    ['/v1/embeddings', { model: 'amazon.titan-embed-text-v2:0', input: Array.from({ length: 101 }, () => 'x') }, 'input'],
  ])('%s is held to the same budget, in its own field names', async (path, body, param) => {
    const bedrock = fakeBedrock();
    const app = createApp(fakeDeps(env, bedrock));
    const res = await app.request(path, { method: 'POST', headers: auth, body: JSON.stringify(body) });
    expect(res.status).toBe(400);
    expectOpenAIError(await res.json(), { code: 'too_many_items', param });
    expect(bedrock.calls).toHaveLength(0);
  });

  it('defaults fit a long agent session (5,000 items, 128 tools with big schemas)', async () => {
    const { bedrock, post } = setup();
    const tools = Array.from({ length: 128 }, (_, i) => ({ type: 'function', function: { name: `t${i}`, parameters: { type: 'object', properties: pairs(60) } } }));
    const messages = Array.from({ length: 5000 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: [{ type: 'text', text: `turn ${i}` }] }));
    expect((await post({ messages, tools, metadata: pairs(16) })).status).toBe(200);
    expect(bedrock.calls).toHaveLength(1);
  });
});
