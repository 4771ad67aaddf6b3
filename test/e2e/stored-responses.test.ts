/**
 * Stored responses end to end, with the openai SDK, on both backends: the embedded store (node:sqlite, the
 * Node server's default) and DynamoDB (dynalite speaking DynamoDB's wire protocol to the real
 * @aws-sdk/client-dynamodb). Chaining with previous_response_id, item_reference, retrieve, delete, input
 * items, streamed-then-retrieved, store: false, unknown ids, and a large multimodal input.
 */
import OpenAI from 'openai';
import type { ResponseInputItem } from 'openai/resources/responses/responses';
import { useDynaliteTable } from '../store/dynalite';
import { useHarness } from './harness';

const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
/** Thinks (budget style): its signed reasoning must go back before its tool use. */
const SONNET = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const TABLE = 'gateway-e2e';
const TOOL = { type: 'function' as const, name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] }, strict: false };

type Block = Record<string, any>;
type Body = { messages: Array<{ role: string; content: Block[] }> };

const backends: Array<[string, Record<string, string>]> = [
  ['embedded (node:sqlite)', { RESPONSE_STORE: 'sqlite' }],
  ['DynamoDB (dynalite)', { RESPONSE_STORE: 'dynamodb', STORE_TABLE_NAME: TABLE }],
];

describe.each(backends)('stored responses on the %s store', (_name, env) => {
  useDynaliteTable(TABLE, env.RESPONSE_STORE === 'dynamodb');
  const h = useHarness(env);
  const sent = (op: 'converse' | 'converse-stream' = 'converse') => h.emulator.lastRequest(op)?.body as Body;

  it('stores by default and chains text turns with previous_response_id', async () => {
    h.emulator.enqueue({ content: [{ text: 'Paris.' }] });
    const first = await h.openai.responses.create({ model: HAIKU, input: 'Capital of France?' });
    expect((first as unknown as { store: boolean }).store).toBe(true);
    h.emulator.enqueue({ content: [{ text: 'About 2 million.' }] });
    const second = await h.openai.responses.create({ model: HAIKU, input: 'Its population?', previous_response_id: first.id });
    expect(second.previous_response_id).toBe(first.id);
    expect(sent().messages).toEqual([
      { role: 'user', content: [{ text: 'Capital of France?' }] },
      { role: 'assistant', content: [{ text: 'Paris.' }] },
      { role: 'user', content: [{ text: 'Its population?' }] },
    ]);
  });

  it('continues a tool call with its output, and sends signed reasoning back before the tool use', async () => {
    const thinking = { reasoningContent: { reasoningText: { text: 'Look it up.', signature: 'SIG-A' } } };
    const toolUse = { toolUse: { toolUseId: 'tooluse_1', name: 'lookup', input: { q: 'rain' } } };
    h.emulator.enqueue({ content: [thinking, toolUse], stopReason: 'tool_use' });
    const first = await h.openai.responses.create({ model: SONNET, input: 'Will it rain?', tools: [TOOL], reasoning: { effort: 'low' } });
    const call = first.output.find((o) => o.type === 'function_call')!;
    h.emulator.enqueue({ content: [{ text: 'Yes.' }] });
    await h.openai.responses.create({
      model: SONNET,
      previous_response_id: first.id,
      tools: [TOOL],
      reasoning: { effort: 'low' },
      input: [{ type: 'function_call_output', call_id: (call as { call_id: string }).call_id, output: 'rain at 5pm' }],
    });
    const messages = sent().messages;
    expect(messages[1]).toEqual({ role: 'assistant', content: [thinking, toolUse] });
    expect(messages[2]).toEqual({ role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_1', content: [{ text: 'rain at 5pm' }] } }] });

    // Another model cannot verify that signature: switching models drops the reasoning, keeps the rest.
    h.emulator.enqueue({ content: [{ text: 'Still yes.' }] });
    await h.openai.responses.create({ model: HAIKU, previous_response_id: first.id, tools: [TOOL], input: [{ type: 'function_call_output', call_id: 'tooluse_1', output: 'rain' }] });
    expect(sent().messages[1]).toEqual({ role: 'assistant', content: [toolUse] });
  });

  it('resolves item_reference to the caller\'s stored items', async () => {
    h.emulator.enqueue({ content: [{ text: 'Noted: blue.' }] });
    const first = await h.openai.responses.create({ model: HAIKU, input: 'My favourite colour is blue.' });
    const message = first.output.find((o) => o.type === 'message')!;
    h.emulator.enqueue({ content: [{ text: 'Blue.' }] });
    await h.openai.responses.create({
      model: HAIKU,
      store: false,
      input: [{ role: 'user', content: 'My favourite colour is blue.' }, { type: 'item_reference', id: message.id } as ResponseInputItem, { role: 'user', content: 'Which colour?' }],
    });
    expect(sent().messages[1]).toEqual({ role: 'assistant', content: [{ text: 'Noted: blue.' }] });
  });

  it('retrieves, lists input items page by page, deletes (then 404)', async () => {
    h.emulator.enqueue({ content: [{ text: 'Done.' }] });
    const created = await h.openai.responses.create({
      model: HAIKU,
      input: [
        { role: 'user', content: 'one' },
        { role: 'user', content: 'two' },
        { role: 'user', content: 'three' },
      ],
    });
    const got = await h.openai.responses.retrieve(created.id);
    expect(got).toMatchObject({ id: created.id, status: 'completed', output_text: 'Done.', store: true });
    expect(got.output).toEqual(created.output);

    const page1 = await h.openai.responses.inputItems.list(created.id, { limit: 2, order: 'asc' });
    expect(page1.data.map((i) => (i as { content: unknown }).content)).toEqual(['one', 'two']);
    expect(page1.has_more).toBe(true);
    const page2 = await h.openai.responses.inputItems.list(created.id, { limit: 2, order: 'asc', after: page1.data[1].id });
    expect(page2.data.map((i) => (i as { content: unknown }).content)).toEqual(['three']);
    expect(page2.has_more).toBe(false);
    const all: string[] = [];
    for await (const item of h.openai.responses.inputItems.list(created.id, { limit: 1 })) all.push((item as unknown as { content: string }).content);
    expect(all).toEqual(['three', 'two', 'one']);

    expect(await h.openai.responses.delete(created.id)).toEqual({ id: created.id, object: 'response', deleted: true });
    const gone = await h.openai.responses.retrieve(created.id).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(OpenAI.NotFoundError);
    const again = await h.fetch(`/v1/responses/${created.id}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
  });

  it('stores a streamed response when it completes; it is readable at once', async () => {
    h.emulator.enqueue({ content: [{ text: 'streamed answer' }] });
    const stream = h.openai.responses.stream({ model: HAIKU, input: 'stream it' });
    const final = await stream.finalResponse();
    const got = await h.openai.responses.retrieve(final.id);
    expect(got.output_text).toBe('streamed answer');
    // The SDK's stream helper adds `parsed: null` to text parts; everything the gateway sent matches.
    expect(final.output).toMatchObject(got.output);
  });

  it('keeps nothing with store: false, and answers unknown ids with a 404 without calling Bedrock', async () => {
    h.emulator.enqueue({ content: [{ text: 'ephemeral' }] });
    const r = await h.openai.responses.create({ model: HAIKU, input: 'x', store: false });
    expect((r as unknown as { store: boolean }).store).toBe(false);
    h.emulator.reset();
    for (const id of [r.id, 'resp_unknown']) {
      expect(await h.openai.responses.retrieve(id).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.NotFoundError);
    }
    const chained = await h.openai.responses.create({ model: HAIKU, input: 'y', previous_response_id: r.id }).catch((e: unknown) => e);
    expect(chained).toBeInstanceOf(OpenAI.NotFoundError);
    const ref = await h.openai.responses.create({ model: HAIKU, input: [{ type: 'item_reference', id: 'msg_nope' } as ResponseInputItem] }).catch((e: unknown) => e);
    expect(ref).toBeInstanceOf(OpenAI.NotFoundError);
    expect((ref as InstanceType<typeof OpenAI.NotFoundError>).param).toBe('input[0].id');
    expect(h.emulator.requests).toHaveLength(0);
  });

  it('round-trips a large multimodal input (over DynamoDB\'s 400 KB item limit) whole', async () => {
    // A valid PNG padded past 600 KB with a text chunk: Bedrock's limit is 3.75 MB, DynamoDB's item 400 KB.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
    const url = `data:image/png;base64,${Buffer.concat([png, Buffer.alloc(600_000, 1)]).toString('base64')}`;
    h.emulator.enqueue({ content: [{ text: 'A pixel.' }] });
    const r = await h.openai.responses.create({ model: SONNET, input: [{ role: 'user', content: [{ type: 'input_image', image_url: url, detail: 'auto' }, { type: 'input_text', text: 'What is it?' }] }] });
    const items = await h.openai.responses.inputItems.list(r.id);
    const part = ((items.data[0] as { content: Array<{ image_url?: string }> }).content ?? [])[0];
    expect(part.image_url).toBe(url);
    h.emulator.enqueue({ content: [{ text: 'Still a pixel.' }] });
    await h.openai.responses.create({ model: SONNET, input: 'And now?', previous_response_id: r.id });
    expect(sent().messages[0].content[0].image.source.bytes).toBeDefined();
  });
});
