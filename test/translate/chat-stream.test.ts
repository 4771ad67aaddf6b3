import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { ChatStreamTranslator, type ChatCompletionChunk } from '../../lambda/src/translate/chat-stream';
import type { ReplyContext } from '../../lambda/src/translate/reply';
import { responseAsEvents } from '../../lambda/src/translate/unstreamed';

const base: ReplyContext = { id: 'chatcmpl-s', created: 1700000000, model: 'm', includeUsage: false };

function run(events: ConverseStreamOutput[], ctx: Partial<ReplyContext> = {}): ChatCompletionChunk[] {
  const t = new ChatStreamTranslator({ ...base, ...ctx });
  return events.flatMap((e) => t.next(e));
}

const deltas = (chunks: ChatCompletionChunk[]) => chunks.filter((c) => c.choices.length).map((c) => c.choices[0].delta);
const start: ConverseStreamOutput = { messageStart: { role: 'assistant' } };
const text = (i: number, t: string): ConverseStreamOutput => ({ contentBlockDelta: { contentBlockIndex: i, delta: { text: t } } });
const toolStart = (i: number, id: string, name: string): ConverseStreamOutput => ({ contentBlockStart: { contentBlockIndex: i, start: { toolUse: { toolUseId: id, name } } } });
const toolDelta = (i: number, input: string): ConverseStreamOutput => ({ contentBlockDelta: { contentBlockIndex: i, delta: { toolUse: { input } } } });
const stop = (reason: string): ConverseStreamOutput => ({ messageStop: { stopReason: reason as never } });
const meta: ConverseStreamOutput = { metadata: { usage: { inputTokens: 4, outputTokens: 2, totalTokens: 6 }, metrics: { latencyMs: 1 } } };

describe('ChatStreamTranslator', () => {
  it('emits role first, one chunk per delta, finish_reason last, all under one id', () => {
    const chunks = run([start, text(0, 'Hel'), text(0, 'lo'), { contentBlockStop: { contentBlockIndex: 0 } }, stop('end_turn'), meta]);
    expect(deltas(chunks)).toEqual([{ role: 'assistant', content: '' }, { content: 'Hel' }, { content: 'lo' }, {}]);
    expect(chunks.map((c) => c.choices[0]?.finish_reason)).toEqual([null, null, null, 'stop']);
    expect(new Set(chunks.map((c) => c.id))).toEqual(new Set(['chatcmpl-s']));
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && !('usage' in c))).toBe(true);
  });

  it('adds a usage chunk with empty choices, and usage:null elsewhere, only with include_usage', () => {
    const chunks = run([start, text(0, 'x'), stop('end_turn'), meta], { includeUsage: true });
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it('numbers tool calls densely from 0 whatever blocks came first', () => {
    const chunks = run([
      start,
      { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: 'think' } } } },
      text(1, 'Sure.'),
      toolStart(2, 'call_a', 'f'),
      toolDelta(2, '{"a":'),
      toolDelta(2, '1}'),
      toolStart(3, 'call_b', 'g'),
      toolDelta(3, '{}'),
      stop('tool_use'),
    ]);
    const calls = deltas(chunks).flatMap((d) => d.tool_calls ?? []);
    expect(calls).toEqual([
      { index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '' } },
      { index: 0, function: { arguments: '{"a":' } },
      { index: 0, function: { arguments: '1}' } },
      { index: 1, id: 'call_b', type: 'function', function: { name: 'g', arguments: '' } },
      { index: 1, function: { arguments: '{}' } },
    ]);
    expect(deltas(chunks).find((d) => d.reasoning_content)).toEqual({ reasoning_content: 'think' });
    expect(chunks[chunks.length - 1].choices[0].finish_reason).toBe('tool_calls');
  });

  it('keeps at most one tool call when parallel calls are off, and none for tool_choice none', () => {
    const events = [start, toolStart(0, 'a', 'f'), toolDelta(0, '{}'), toolStart(1, 'b', 'f'), toolDelta(1, '{}'), stop('tool_use')];
    expect(deltas(run(events, { maxToolCalls: 1 })).flatMap((d) => d.tool_calls ?? []).map((c) => c.index)).toEqual([0, 0]);
    expect(deltas(run(events, { dropToolCalls: true })).flatMap((d) => d.tool_calls ?? [])).toEqual([]);
  });

  it('wraps reasoning in <think> tags inside content when asked', () => {
    const chunks = run([start, { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: 'a' } } } }, { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: 'b' } } } }, text(1, 'X'), stop('end_turn')], { thinkTags: true });
    expect(deltas(chunks).map((d) => d.content ?? '').join('')).toBe('<think>ab</think>X');
  });

  it('is complete only after messageStop', () => {
    const t = new ChatStreamTranslator(base);
    t.next(start);
    t.next(text(0, 'x'));
    expect(t.complete).toBe(false);
    t.next(stop('end_turn'));
    expect(t.complete).toBe(true);
  });
});

describe('responseAsEvents', () => {
  it('replays a Converse response as a stream with the same content', () => {
    const events = [
      ...responseAsEvents({
        output: { message: { role: 'assistant', content: [{ text: 'hi' }, { toolUse: { toolUseId: 't', name: 'f', input: { x: 1 } as never } }] } },
        stopReason: 'tool_use',
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
        metrics: { latencyMs: 1 },
      }),
    ];
    const chunks = run(events);
    expect(deltas(chunks).map((d) => d.content ?? '').join('')).toBe('hi');
    expect(deltas(chunks).flatMap((d) => d.tool_calls ?? []).map((c) => c.function.arguments).join('')).toBe('{"x":1}');
    expect(chunks[chunks.length - 1].choices[0].finish_reason).toBe('tool_calls');
  });
});
