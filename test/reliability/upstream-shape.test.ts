/**
 * Issue 18, finding 4: an answer Bedrock garbled is a 502 `upstream_invalid_response` (an error event once
 * streaming), never a 200 with empty content, `finish_reason: "stop"` and zero usage.
 */
import type { ConverseResponse, ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { createApp } from '../../lambda/src/app';
import { auth, chatBody, fakeBedrock, fakeDeps } from '../support/fake-deps';
import { expectOpenAIError } from '../support/openai-error';

const unstreamed = (res: unknown) => createApp(fakeDeps({}, fakeBedrock({ converse: async () => res as ConverseResponse })));
const streamed = (events: unknown[]) =>
  createApp(
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

describe.each([
  ['/v1/chat/completions', (extra: Record<string, unknown> = {}) => chatBody(extra)],
  ['/v1/responses', (extra: Record<string, unknown> = {}) => JSON.stringify({ model: 'anthropic.claude-3-5-haiku-20241022-v1:0', input: 'hi', store: false, ...extra })],
])('%s', (path, body) => {
  it.each([
    ['an empty body', {}],
    ['output that is no message', { output: 42, stopReason: 'end_turn' }],
    ['a message without content', { output: { message: { role: 'assistant' } }, stopReason: 'end_turn' }],
    ['no stop reason', { output: { message: { role: 'assistant', content: [{ text: 'hi' }] } } }],
    ['a text block of the wrong type', { output: { message: { role: 'assistant', content: [{ text: 42 }] } }, stopReason: 'end_turn' }],
  ])('unstreamed, %s: 502 upstream_invalid_response', async (_name, res) => {
    const out = await unstreamed(res).request(path, { method: 'POST', headers: auth, body: body() });
    expect(out.status).toBe(502);
    expectOpenAIError(await out.json(), { type: 'api_error', code: 'upstream_invalid_response' });
  });

  const opening = [{ messageStart: { role: 'assistant' } }, { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'fine ' } } }];
  it.each([
    ['a delta whose payload has the wrong type', [{ contentBlockDelta: { contentBlockIndex: 0, delta: { text: { not: 'a string' } } } }, { messageStop: { stopReason: 'end_turn' } }]],
    // Found by the fuzzer: an object that cannot become a string threw while looking the reason up (a 500).
    ['a stop reason that is an object without toString', [{ messageStop: { stopReason: { toString: undefined } } }]],
    ['a stop reason that is a number', [{ messageStop: { stopReason: 3 } }]],
  ])('streamed, %s: the stream ends with an error, not a finish', async (_name, rest) => {
    const events = [...opening, ...rest];
    const text = await (await streamed(events).request(path, { method: 'POST', headers: auth, body: body({ stream: true }) })).text();
    // Chat streams end with OpenAI's error object; Responses with response.failed (whose codes are OpenAI's
    // fixed set: server_error here) and the message.
    if (path.endsWith('/responses')) expect(text).toMatch(/event: response\.failed[\s\S]*"code":"server_error","message":"Bedrock returned an answer of an unexpected shape/);
    else expect(text).toContain('"code":"upstream_invalid_response"');
    expect(text).not.toContain('[DONE]');
    expect(text).not.toContain('response.completed');
    expect(text).not.toContain('"finish_reason":"stop"');
  });
});
