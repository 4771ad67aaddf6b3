import type { ChatCompletion } from '../../lambda/src/translate/chat-response';
import { ChatStreamTranslator } from '../../lambda/src/translate/chat-stream';
import { toLegacyChunk, toLegacyCompletion, usesLegacyFunctions } from '../../lambda/src/translate/legacy-functions';

const completion = (toolCalls?: Array<{ id: string; name: string; args: string }>): ChatCompletion => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  system_fingerprint: null,
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: toolCalls ? null : 'hi',
        refusal: null,
        ...(toolCalls ? { tool_calls: toolCalls.map((t) => ({ id: t.id, type: 'function' as const, function: { name: t.name, arguments: t.args } })) } : {}),
      },
      finish_reason: toolCalls ? 'tool_calls' : 'stop',
      logprobs: null,
    },
  ],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
});

describe('legacy functions', () => {
  it.each([
    [{ functions: [{}] }, true],
    [{ tools: [{}], functions: [{}] }, false],
    [{ tools: [{}] }, false],
    [{}, false],
  ])('%j uses the legacy dialect: %s', (req, expected) => {
    expect(usesLegacyFunctions(req)).toBe(expected);
  });

  it('turns the tool call into function_call with finish_reason function_call', () => {
    const out = toLegacyCompletion(completion([{ id: 'c1', name: 'lookup', args: '{"q":1}' }]));
    expect(out.choices[0].message).toEqual({ role: 'assistant', content: null, refusal: null, function_call: { name: 'lookup', arguments: '{"q":1}' } });
    expect(out.choices[0].finish_reason).toBe('function_call');
  });

  it('leaves a plain answer alone', () => {
    const out = toLegacyCompletion(completion());
    expect(out.choices[0].message).toEqual({ role: 'assistant', content: 'hi', refusal: null });
    expect(out.choices[0].finish_reason).toBe('stop');
  });

  it('streams function_call fragments and the legacy finish reason', () => {
    const t = new ChatStreamTranslator({ id: 'x', created: 1, model: 'm', includeUsage: false, maxToolCalls: 1 });
    const saw = { value: false };
    const chunks = [
      { messageStart: { role: 'assistant' as const } },
      { contentBlockStart: { contentBlockIndex: 0, start: { toolUse: { toolUseId: 'c1', name: 'lookup' } } } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input: '{"q":' } } } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input: '1}' } } } },
      { messageStop: { stopReason: 'tool_use' as const } },
    ].flatMap((e) => t.next(e)).map((c) => toLegacyChunk(c, saw));
    const deltas = chunks.map((c) => c.choices[0].delta);
    expect(deltas.flatMap((d) => (d.function_call ? [d.function_call] : []))).toEqual([{ name: 'lookup', arguments: '' }, { arguments: '{"q":' }, { arguments: '1}' }]);
    expect(deltas.some((d) => 'tool_calls' in d)).toBe(false);
    expect(chunks[chunks.length - 1].choices[0].finish_reason).toBe('function_call');
  });
});
