import type { ConverseStreamCommandInput, ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { createApp } from '../../lambda/src/app';
import { auth, fakeBedrock, fakeDeps } from '../support/fake-deps';
import { expectOpenAIError } from '../support/openai-error';
import { TEXT_MESSAGE_EVENTS } from '../support/responses-events';

const MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const body = (extra: Record<string, unknown> = {}) => JSON.stringify({ model: MODEL, input: 'hi', ...extra });

/** SSE text → [{event, data}] (what a client reads, framing included). */
function parseSse(text: string): Array<{ event: string | undefined; data: string }> {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      return {
        event: lines.find((l) => l.startsWith('event:'))?.slice(6).trim(),
        data: lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n'),
      };
    });
}

describe('responses route', () => {
  it.each(['/api/v1/responses', '/v1/responses'])('answers under %s with a response object built from Converse', async (path) => {
    const bedrock = fakeBedrock();
    const app = createApp(fakeDeps({}, bedrock));
    const res = await app.request(path, { method: 'POST', headers: auth, body: body({ instructions: 'Be brief.', max_output_tokens: 64 }) });
    expect(res.status).toBe(200);
    const json = await res.json();
    expect(json).toMatchObject({ object: 'response', status: 'completed', model: MODEL, store: false, output_text: 'ok', max_output_tokens: 64, instructions: 'Be brief.' });
    expect(json.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(json.output[0].id).toMatch(/^msg_/);
    const input = bedrock.calls[0] as ConverseStreamCommandInput;
    expect(input.system).toEqual([{ text: 'Be brief.' }]);
    expect(input.messages).toEqual([{ role: 'user', content: [{ text: 'hi' }] }]);
    expect(input.inferenceConfig?.maxTokens).toBe(64);
  });

  it('refuses stored state with a 400 that names the param', async () => {
    const app = createApp(fakeDeps());
    const res = await app.request('/api/v1/responses', { method: 'POST', headers: auth, body: body({ previous_response_id: 'resp_abc' }) });
    expect(res.status).toBe(400);
    expectOpenAIError(await res.json(), { type: 'invalid_request_error', param: 'previous_response_id', code: 'stateless_gateway' });
  });

  it('names the Responses param when the chat translation rejects an item', async () => {
    const app = createApp(fakeDeps());
    const input = [
      { role: 'user', content: 'go' },
      { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{not json' },
    ];
    const res = await app.request('/api/v1/responses', { method: 'POST', headers: auth, body: body({ input }) });
    expect(res.status).toBe(400);
    expectOpenAIError(await res.json(), { param: 'input[1].arguments' });
  });

  it('streams typed events with event: lines, ending in response.completed and no [DONE]', async () => {
    const app = createApp(fakeDeps());
    const res = await app.request('/api/v1/responses', { method: 'POST', headers: auth, body: body({ stream: true }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = parseSse(await res.text());
    for (const e of events) expect(JSON.parse(e.data).type).toBe(e.event);
    expect(events.map((e) => e.event)).toEqual([...TEXT_MESSAGE_EVENTS]);
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);
  });

  it('makes an upstream error before the stream starts a plain HTTP error', async () => {
    const throttled = Object.assign(new Error('Too many requests'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
    const app = createApp(fakeDeps({}, fakeBedrock({ converseStream: async () => Promise.reject(throttled) })));
    const res = await app.request('/api/v1/responses', { method: 'POST', headers: auth, body: body({ stream: true }) });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expectOpenAIError(await res.json(), { type: 'rate_limit_error' });
  });

  it('ends a stream that breaks midway with response.failed', async () => {
    async function* broken(): AsyncGenerator<ConverseStreamOutput> {
      yield { messageStart: { role: 'assistant' } };
      yield { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'partial' } } };
      throw Object.assign(new Error('The model stream failed.'), { name: 'ModelStreamErrorException' });
    }
    const app = createApp(fakeDeps({}, fakeBedrock({ converseStream: async () => broken() })));
    const res = await app.request('/api/v1/responses', { method: 'POST', headers: auth, body: body({ stream: true }) });
    const events = parseSse(await res.text());
    const final = events[events.length - 1];
    expect(final.event).toBe('response.failed');
    const data = JSON.parse(final.data);
    expect(data.sequence_number).toBe(events.length - 1);
    expect(data.response).toMatchObject({ status: 'failed', error: { code: 'server_error', message: 'The model stream failed.' } });
    expect(data.response.output[0].content[0].text).toBe('partial');
  });

  it('reports a stream that stops before the model finished as failed', async () => {
    async function* truncated(): AsyncGenerator<ConverseStreamOutput> {
      yield { messageStart: { role: 'assistant' } };
      yield { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'cut' } } };
    }
    const app = createApp(fakeDeps({}, fakeBedrock({ converseStream: async () => truncated() })));
    const res = await app.request('/api/v1/responses', { method: 'POST', headers: auth, body: body({ stream: true }) });
    const events = parseSse(await res.text());
    expect(events.map((e) => e.event).slice(-1)).toEqual(['response.failed']);
    expect(events.map((e) => e.event)).not.toContain('response.completed');
  });
});
