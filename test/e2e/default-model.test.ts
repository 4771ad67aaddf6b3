/**
 * No model named, end to end: openai SDK and raw HTTP → gateway → emulator. The default model answers on
 * every model route and the answer names it (unit and route cases: test/routes/default-model.test.ts).
 */
import { emulatorVector } from '../../emulator';
import { useHarness } from './harness';

const CHAT_DEFAULT = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const EMBEDDING_DEFAULT = 'amazon.titan-embed-text-v2:0';

const h = useHarness({ DEFAULT_MODEL: CHAT_DEFAULT, DEFAULT_EMBEDDING_MODEL: EMBEDDING_DEFAULT });
const calledWith = () => h.emulator.requests.filter((r) => r.modelId !== undefined).map((r) => r.modelId);

describe('an empty model through the openai SDK', () => {
  it('chat: the default model answers, streamed or not, and is the model named', async () => {
    const res = await h.openai.chat.completions.create({ model: '', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.model).toBe(CHAT_DEFAULT);
    expect(res.choices[0].message.content).toBe('Emulated reply to: hi');
    const stream = await h.openai.chat.completions.create({ model: '', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const models = new Set<string>();
    for await (const chunk of stream) models.add(chunk.model);
    expect([...models]).toEqual([CHAT_DEFAULT]);
    expect(calledWith()).toEqual([CHAT_DEFAULT, CHAT_DEFAULT]);
  });

  it('responses: the default model answers and is the model named', async () => {
    const res = await h.openai.responses.create({ model: '', input: 'hi' });
    expect(res.model).toBe(CHAT_DEFAULT);
    expect(res.output_text).toBe('Emulated reply to: hi');
    expect(calledWith()).toEqual([CHAT_DEFAULT]);
  });

  it('embeddings: the embedding default answers and is the model named', async () => {
    const res = await h.openai.embeddings.create({ model: '', input: 'hi', encoding_format: 'float' });
    expect(res.model).toBe(EMBEDDING_DEFAULT);
    expect(res.data[0].embedding).toEqual(emulatorVector('hi', 1024));
    expect(calledWith()).toEqual([EMBEDDING_DEFAULT]);
  });
});

describe('no model key at all (raw HTTP)', () => {
  it.each([
    ['/api/v1/chat/completions', { messages: [{ role: 'user', content: 'hi' }] }],
    ['/api/v1/responses', { input: 'hi' }],
  ])('%s answers with the default model', async (path, json) => {
    const res = await h.fetch(path, { method: 'POST', json });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { model: string }).model).toBe(CHAT_DEFAULT);
    expect(calledWith()).toEqual([CHAT_DEFAULT]);
  });
});
