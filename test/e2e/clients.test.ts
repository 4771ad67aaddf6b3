/**
 * The README's "Clients" section, client by client where no other suite covers it: the plain `openai` SDK
 * at both base-URL forms (`<host>/api/v1` and `<host>/v1`), and the requests Open WebUI's backend sends to
 * an "OpenAI API" connection (Open WebUI itself is a Python server and does not run in the suite).
 */
import OpenAI from 'openai';
import { readSse, TEST_KEY, useHarness } from './harness';

const CLAUDE = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const TITAN_V2 = 'amazon.titan-embed-text-v2:0';
const h = useHarness();

describe.each(['/api/v1', '/v1'])('the openai SDK with baseURL <host>%s', (prefix) => {
  const client = () => new OpenAI({ baseURL: `${h.gateway.url}${prefix}`, apiKey: TEST_KEY, maxRetries: 0 });

  it('lists models, streams a chat answer, answers a Responses request, embeds', async () => {
    const models = await client().models.list();
    expect(models.data.map((m) => m.id)).toContain(CLAUDE);

    const stream = await client().chat.completions.create({ model: CLAUDE, messages: [{ role: 'user', content: 'Count to five.' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Emulated reply to: Count to five.');

    const response = await client().responses.create({ model: CLAUDE, input: 'Say hello.', store: false });
    expect(response.output_text).toBe('Emulated reply to: Say hello.');

    const vectors = await client().embeddings.create({ model: TITAN_V2, input: ['first text', 'second text'] });
    expect(vectors.data.map((d) => d.index)).toEqual([0, 1]);
  });
});

/**
 * Open WebUI, connection type "OpenAI API", URL `<host>/api/v1`, key = the gateway key. Its backend
 * (backend/open_webui/routers/openai.py) appends `/models` and `/chat/completions` to the URL, sends the key
 * as a bearer token, turns `max_completion_tokens` into `max_tokens` for hosts other than api.openai.com,
 * and relays the SSE body to the browser as it comes.
 */
describe('Open WebUI connection (its requests, as its backend sends them)', () => {
  const headers = { Authorization: `Bearer ${TEST_KEY}`, 'Content-Type': 'application/json' };

  it('"Verify connection" and the model list: GET <url>/models', async () => {
    const res = await fetch(`${h.baseURL}/models`, { headers });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { object: string; data: Array<{ id: string; object: string; owned_by: string }> };
    expect(body.object).toBe('list');
    expect(body.data.find((m) => m.id === CLAUDE)).toMatchObject({ id: CLAUDE, object: 'model', owned_by: expect.any(String) });
  });

  it('a chat turn: POST <url>/chat/completions, streamed, with usage (and forwarded user headers)', async () => {
    const res = await fetch(`${h.baseURL}/chat/completions`, {
      method: 'POST',
      // ENABLE_FORWARD_USER_INFO_HEADERS=true adds these; the gateway ignores them.
      headers: { ...headers, 'X-OpenWebUI-User-Name': 'Ada', 'X-OpenWebUI-User-Id': 'u-1', 'X-OpenWebUI-User-Email': 'ada@example.com', 'X-OpenWebUI-User-Role': 'user' },
      body: JSON.stringify({
        model: CLAUDE,
        messages: [
          { role: 'system', content: 'You are a helpful assistant.' },
          { role: 'user', content: 'Hello' },
        ],
        stream: true,
        stream_options: { include_usage: true },
        temperature: 0.8,
        max_tokens: 512,
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = await readSse(res);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('Emulated reply to: Hello');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) } });
    expect(h.emulator.lastRequest('converse-stream')?.body).toMatchObject({
      system: [{ text: 'You are a helpful assistant.' }],
      inferenceConfig: { maxTokens: 512, temperature: 0.8 },
    });
  });

  it('a background task (chat title): POST <url>/chat/completions, not streamed', async () => {
    h.emulator.enqueue({ content: [{ text: '{"title": "Greetings"}' }] });
    const res = await fetch(`${h.baseURL}/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: CLAUDE, messages: [{ role: 'user', content: '### Task:\nGenerate a concise title…' }], stream: false, max_tokens: 1000 }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as OpenAI.ChatCompletion;
    expect(body.choices[0].message.content).toBe('{"title": "Greetings"}');
  });
});
