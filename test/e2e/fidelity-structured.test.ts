/**
 * Structured output end to end: the openai SDK's parse() and stream helpers with a zod schema, on a
 * model with native structured output and on models served through the forced answer tool.
 */
import { zodFunction, zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { useHarness } from './harness';

const NATIVE = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const SONNET_37 = 'us.anthropic.claude-3-7-sonnet-20250219-v1:0';
const NOVA = 'us.amazon.nova-pro-v1:0';

const Person = z.object({ name: z.string(), born: z.number(), fields: z.array(z.object({ name: z.string() })) });
const ada = { name: 'Ada Lovelace', born: 1815, fields: [{ name: 'mathematics' }, { name: 'computing' }] };
const format = zodResponseFormat(Person, 'person');

const h = useHarness();

interface Sent {
  messages: Array<{ role: string; content: Array<Record<string, unknown>> }>;
  system?: Array<{ text?: string }>;
  toolConfig?: { tools: Array<{ toolSpec: { name: string; inputSchema: { json: Record<string, unknown> } } }>; toolChoice?: Record<string, unknown> };
  outputConfig?: { textFormat?: { type: string; structure: { jsonSchema: { schema: string; name: string } } } };
}
const lastSent = () => (h.emulator.lastRequest('converse') ?? h.emulator.lastRequest('converse-stream'))?.body as Sent;

describe('chat.completions.parse() with zod', () => {
  it('native: the schema goes to outputConfig.textFormat as a JSON string, and the answer parses', async () => {
    h.emulator.enqueue({ content: [{ text: JSON.stringify(ada) }] });
    const res = await h.openai.chat.completions.parse({ model: NATIVE, messages: [{ role: 'user', content: 'Who was Ada?' }], response_format: format });
    expect(res.choices[0].message.parsed).toEqual(ada);
    const textFormat = lastSent().outputConfig?.textFormat;
    expect(textFormat?.type).toBe('json_schema');
    expect(textFormat?.structure.jsonSchema.name).toBe('person');
    const schema = JSON.parse(textFormat?.structure.jsonSchema.schema ?? '{}');
    expect(schema).toMatchObject({ type: 'object', additionalProperties: false, required: ['name', 'born', 'fields'] });
    expect(schema.$schema).toBeUndefined();
    expect(lastSent().toolConfig).toBeUndefined();
  });

  it.each([
    ['Claude 3.7', SONNET_37],
    ['Nova', NOVA],
  ])('%s: a forced answer tool carries the schema; its input comes back as the parsed content', async (_name, model) => {
    h.emulator.enqueue({ content: [{ toolUse: { toolUseId: 'tu', name: 'person', input: ada } }] });
    const res = await h.openai.chat.completions.parse({ model, messages: [{ role: 'user', content: 'Who was Ada?' }], response_format: format });
    expect(res.choices[0].message.parsed).toEqual(ada);
    expect(res.choices[0].message.tool_calls ?? []).toEqual([]);
    expect(res.choices[0].finish_reason).toBe('stop');
    expect(lastSent().toolConfig?.toolChoice).toEqual({ tool: { name: 'person' } });
    expect(lastSent().toolConfig?.tools[0].toolSpec.inputSchema.json).toMatchObject({ type: 'object', additionalProperties: false });
  });

  it('streamed through the answer tool: content deltas the SDK stream helper parses', async () => {
    h.emulator.enqueue({ content: [{ toolUse: { toolUseId: 'tu', name: 'person', input: ada } }] });
    const stream = h.openai.chat.completions.stream({ model: SONNET_37, messages: [{ role: 'user', content: 'Who was Ada?' }], response_format: format });
    const pieces: string[] = [];
    stream.on('content.delta', ({ delta }) => pieces.push(delta));
    const final = await stream.finalChatCompletion();
    expect(final.choices[0].message.parsed).toEqual(ada);
    expect(pieces.length).toBeGreaterThan(1);
    expect(final.choices[0].finish_reason).toBe('stop');
  });

  it('streamed natively: plain text deltas', async () => {
    h.emulator.enqueue({ content: [{ text: JSON.stringify(ada) }], textChunks: 5 });
    const final = await h.openai.chat.completions.stream({ model: NATIVE, messages: [{ role: 'user', content: 'Who was Ada?' }], response_format: format }).finalChatCompletion();
    expect(final.choices[0].message.parsed).toEqual(ada);
  });

  it('strict zod tools: parse() gives parsed arguments, and strict reaches models that honour it', async () => {
    h.emulator.enqueue({ content: [{ toolUse: { toolUseId: 'tu', name: 'save_person', input: ada } }] });
    const res = await h.openai.chat.completions.parse({ model: NATIVE, messages: [{ role: 'user', content: 'Save Ada.' }], tools: [zodFunction({ name: 'save_person', parameters: Person })] });
    const call = res.choices[0].message.tool_calls?.[0];
    expect(call?.type === 'function' ? call.function.parsed_arguments : undefined).toEqual(ada);
    expect(lastSent().toolConfig?.tools[0].toolSpec).toMatchObject({ name: 'save_person', strict: true });
  });
});

describe('json_object', () => {
  it('Claude: a "{" prefill the answer gets back, so the content is one JSON object', async () => {
    h.emulator.enqueue({ content: [{ text: '"answer": 42}' }] });
    const res = await h.openai.chat.completions.create({ model: SONNET_37, messages: [{ role: 'user', content: 'Answer in JSON.' }], response_format: { type: 'json_object' } });
    expect(JSON.parse(res.choices[0].message.content ?? '')).toEqual({ answer: 42 });
    expect(lastSent().messages.at(-1)).toEqual({ role: 'assistant', content: [{ text: '{' }] });
  });

  it('Claude streamed: the first delta carries the prefill', async () => {
    h.emulator.enqueue({ content: [{ text: '"answer": 42}' }] });
    const final = await h.openai.chat.completions.stream({ model: SONNET_37, messages: [{ role: 'user', content: 'JSON please' }], response_format: { type: 'json_object' } }).finalChatCompletion();
    expect(JSON.parse(final.choices[0].message.content ?? '')).toEqual({ answer: 42 });
  });

  it('Nova (no prefill): the answer tool with an open object schema', async () => {
    h.emulator.enqueue({ content: [{ toolUse: { toolUseId: 'tu', name: 'json_answer', input: { answer: 42, extra: ['any', 'shape'] } } }] });
    const res = await h.openai.chat.completions.create({ model: NOVA, messages: [{ role: 'user', content: 'JSON please' }], response_format: { type: 'json_object' } });
    expect(JSON.parse(res.choices[0].message.content ?? '')).toEqual({ answer: 42, extra: ['any', 'shape'] });
    expect(lastSent().toolConfig?.tools[0].toolSpec.inputSchema.json).toEqual({ type: 'object', additionalProperties: true });
  });
});
