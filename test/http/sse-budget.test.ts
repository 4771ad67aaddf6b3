/**
 * Event streams under a size budget (the ALB → Lambda runtime): consecutive text chunks are joined, anything
 * else goes out as it came, and a stream that would pass the budget ends with an OpenAI error event.
 */
import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { createApp } from '../../lambda/src/app';
import type { SseBudget } from '../../lambda/src/http/sse';
import { auth, chatBody, fakeBedrock, fakeDeps } from '../support/fake-deps';

const BYTES: SseBudget = { maxBytes: 1_000_000, reserveBytes: 2_048, sizeOf: (frame) => Buffer.byteLength(frame) };

/** A fake Bedrock whose stream yields these events between messageStart and messageStop. */
function streaming(events: ConverseStreamOutput[], stopReason = 'end_turn') {
  return fakeBedrock({
    converseStream: async () =>
      (async function* (): AsyncGenerator<ConverseStreamOutput> {
        yield { messageStart: { role: 'assistant' } };
        yield* events;
        yield { messageStop: { stopReason: stopReason as 'end_turn' } };
        yield { metadata: { usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 }, metrics: { latencyMs: 1 } } };
      })(),
  });
}

const text = (s: string, index = 0): ConverseStreamOutput => ({ contentBlockDelta: { contentBlockIndex: index, delta: { text: s } } });

async function chunks(budget: SseBudget | undefined, events: ConverseStreamOutput[], extra: Record<string, unknown> = {}, stopReason?: string) {
  const app = createApp({ ...fakeDeps(), bedrock: streaming(events, stopReason), ...(budget ? { sseBudget: budget } : {}) });
  const res = await app.request('/api/v1/chat/completions', { method: 'POST', headers: auth, body: chatBody({ stream: true, ...extra }) });
  const frames = (await res.text()).trim().split('\n\n').map((f) => f.replace(/^data: /, ''));
  return { done: frames.at(-1) === '[DONE]', chunks: frames.filter((f) => f !== '[DONE]').map((f) => JSON.parse(f)) };
}

const TEXT = ['Hel', 'lo ', 'wor', 'ld'].map((s) => text(s));

describe('SSE under a budget', () => {
  it.each([
    ['without a budget, one chunk per delta', undefined, 4],
    ['with a budget, the deltas joined', BYTES, 1],
  ])('%s', async (_name, budget, textChunks) => {
    const { done, chunks: out } = await chunks(budget, TEXT);
    expect(done).toBe(true);
    const withText = out.filter((c) => typeof c.choices[0]?.delta?.content === 'string' && c.choices[0].delta.content !== '');
    expect(withText).toHaveLength(textChunks);
    expect(withText.map((c) => c.choices[0].delta.content).join('')).toBe('Hello world');
    expect(out.at(-1).choices[0].finish_reason).toBe('stop');
  });

  it('keeps tool-call deltas and the closing chunk apart from the text', async () => {
    const tool: ConverseStreamOutput[] = [
      { contentBlockStart: { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'tu1', name: 'f' } } } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '{"a":' } } } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '1}' } } } },
      { contentBlockStop: { contentBlockIndex: 1 } },
    ];
    const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'number' } } } } }];
    const plain = await chunks(undefined, [...TEXT, ...tool], { tools }, 'tool_use');
    const joined = await chunks(BYTES, [...TEXT, ...tool], { tools }, 'tool_use');
    const calls = (r: typeof plain) => r.chunks.filter((c) => c.choices[0]?.delta?.tool_calls).map((c) => c.choices);
    expect(calls(joined)).toEqual(calls(plain));
    expect(calls(joined)).toHaveLength(3);
    expect(joined.chunks.length).toBe(plain.chunks.length - 3);
    expect(joined.chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
  });

  it('ends a stream that would pass the budget with the error event and no [DONE]', async () => {
    const small: SseBudget = { ...BYTES, maxBytes: 6_000 };
    const { done, chunks: out } = await chunks(small, Array.from({ length: 400 }, () => text('0123456789 ')));
    expect(done).toBe(false);
    expect(out.at(-1)).toMatchObject({ error: { type: 'api_error', code: 'response_too_large' } });
    // What fitted went out before the error, joined, and only the last delta was dropped.
    const sent = out.slice(0, -1).map((c) => c.choices[0]?.delta?.content ?? '').join('');
    expect(sent.length).toBeGreaterThan(1_000);
    expect(sent).toBe('0123456789 '.repeat(sent.length / 11));
    expect(out.length).toBeLessThan(10);
  });
});
