/**
 * Names that every plain object answers from Object.prototype (`constructor`, `__proto__`, `toString`, …),
 * sent wherever the gateway looks a caller's or Bedrock's string up in a table. A model named `constructor`
 * was a 500 on every route (the alias table answered with a function) and a stop reason `constructor` gave
 * a final chunk without `finish_reason`; the tables are now prototype-less (lambda/src/lookup-table.ts).
 */
import { createApp } from '../../lambda/src/app';
import { fromBedrockError } from '../../lambda/src/http/upstream-errors';
import { lookupTable } from '../../lambda/src/lookup-table';
import { FINISH_REASONS, finishReason } from '../../lambda/src/translate/finish-reason';
import { auth, fakeBedrock, fakeDeps } from '../support/fake-deps';
import { expectOpenAIError } from '../support/openai-error';

const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
const CLAUDE = 'anthropic.claude-3-5-haiku-20241022-v1:0';
/** A model that takes images, so the media type is what decides. */
const VISION = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

describe('lookupTable', () => {
  it.each(NAMES)('answers only its own keys, not %s', (name) => {
    const table = lookupTable({ a: 1 });
    expect(table[name]).toBeUndefined();
    expect(table.a).toBe(1);
    expect(Object.isFrozen(table)).toBe(true);
  });

  it('keeps a key named __proto__ as a key', () => {
    const table = lookupTable(JSON.parse('{"__proto__":"x","b":"y"}') as Record<string, string>);
    expect(table.__proto__).toBe('x');
    expect(Object.getPrototypeOf(table)).toBeNull();
  });
});

describe.each(NAMES)('the name %s', (name) => {
  // An alias table configured, as operators do: the lookup that answered with a function.
  const bedrock = fakeBedrock();
  const app = createApp(fakeDeps({ MODEL_ALIASES: JSON.stringify({ 'gpt-4o': CLAUDE }) }, bedrock));
  const post = (path: string, body: unknown) => app.request(path, { method: 'POST', headers: auth, body: JSON.stringify(body) });
  const lastModelId = () => (bedrock.calls[bedrock.calls.length - 1] as { modelId: unknown }).modelId;

  // Without a model catalog a name that is no alias goes to Bedrock as written (Bedrock refuses it there).
  it.each([
    ['/v1/chat/completions', { model: name, messages: [{ role: 'user', content: 'hi' }] }],
    ['/v1/chat/completions', { model: name, messages: [{ role: 'user', content: 'hi' }], stream: true }],
    ['/v1/responses', { model: name, input: 'hi', store: false }],
  ])('as the model of %s goes to Bedrock as that string, not an alias', async (path, body) => {
    const res = await post(path, body);
    expect(res.status).toBe(200);
    await res.text();
    expect(lastModelId()).toBe(name);
  });

  it.each([
    ['/v1/embeddings', { model: name, input: 'hi' }],
    ['/v1/images/generations', { model: name, prompt: 'hi' }],
    ['/v1/rerank', { model: name, query: 'q', documents: ['a'] }],
  ])('as the model of %s is a model the route does not serve (400)', async (path, body) => {
    const res = await post(path, body);
    expect(res.status).toBe(400);
    expectOpenAIError(await res.json(), { code: 'model_not_supported' });
  });

  it('as a service_tier is refused by name', async () => {
    const res = await post('/v1/chat/completions', { model: CLAUDE, messages: [{ role: 'user', content: 'hi' }], service_tier: name });
    expect(res.status).toBe(400);
    expectOpenAIError(await res.json(), { param: 'service_tier' });
  });

  it("as an image's media type is refused as an unsupported type", async () => {
    const content = [{ type: 'image_url', image_url: { url: `data:${name};base64,iVBORw0KGgo=` } }];
    const res = await post('/v1/chat/completions', { model: VISION, messages: [{ role: 'user', content }] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/Unsupported image type/);
  });

  it('as a Responses input item type is refused as unsupported', async () => {
    const res = await post('/v1/responses', { model: CLAUDE, input: [{ type: name, id: 'x' }], store: false });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(`type '${name}' are not supported`);
  });

  it('as a Bedrock stop reason finishes like an unknown one', () => {
    expect(finishReason(name, false)).toBe('stop');
    expect(finishReason(name, true)).toBe('tool_calls');
    expect(Object.keys(FINISH_REASONS)).not.toContain(name);
  });

  it('as the name of an upstream error maps like an unknown error', () => {
    const unknown = fromBedrockError(Object.assign(new Error('x'), { name: 'SomethingNew', $metadata: { httpStatusCode: 400 } }));
    const named = fromBedrockError(Object.assign(new Error('x'), { name, $metadata: { httpStatusCode: 400 } }));
    expect({ status: named.status, code: named.code }).toEqual({ status: unknown.status, code: unknown.code });
  });
});
