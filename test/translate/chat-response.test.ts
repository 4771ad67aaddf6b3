import type { ConverseResponse } from '@aws-sdk/client-bedrock-runtime';
import { toChatCompletion } from '../../lambda/src/translate/chat-response';
import { FINISH_REASONS, finishReason } from '../../lambda/src/translate/finish-reason';
import { toOpenAIUsage } from '../../lambda/src/translate/usage';

const ctx = { id: 'chatcmpl-1', created: 1700000000, model: 'my-model' };

function response(content: NonNullable<ConverseResponse['output']>['message'] extends infer M ? M extends { content?: infer C } ? C : never : never, stopReason = 'end_turn'): ConverseResponse {
  return { output: { message: { role: 'assistant', content } }, stopReason: stopReason as never, usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 }, metrics: { latencyMs: 1 } };
}

describe('toChatCompletion', () => {
  it('has the OpenAI shape', () => {
    expect(toChatCompletion(response([{ text: 'Hello' }]), ctx)).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1700000000,
      model: 'my-model',
      system_fingerprint: null,
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello', refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
    });
  });

  it('keeps every text block, and text written before a tool call', () => {
    const out = toChatCompletion(
      response([{ text: 'Let me ' }, { text: 'check.' }, { toolUse: { toolUseId: 't1', name: 'lookup', input: { q: 'x' } as never } }], 'tool_use'),
      ctx,
    );
    const choice = out.choices[0];
    expect(choice.message.content).toBe('Let me check.');
    expect(choice.message.tool_calls).toEqual([{ id: 't1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }]);
    expect(choice.finish_reason).toBe('tool_calls');
  });

  it('does not lose tool calls cut off by max_tokens', () => {
    const out = toChatCompletion(response([{ toolUse: { toolUseId: 't1', name: 'f', input: {} as never } }], 'max_tokens'), ctx);
    expect(out.choices[0].message.tool_calls).toHaveLength(1);
    expect(out.choices[0].message.content).toBeNull();
    expect(out.choices[0].finish_reason).toBe('tool_calls');
  });

  it('keeps reasoning out of content, with its signature for the round trip', () => {
    const out = toChatCompletion(response([{ reasoningContent: { reasoningText: { text: 'hmm', signature: 'sig' } } }, { text: 'Answer' }]), ctx);
    expect(out.choices[0].message).toMatchObject({ content: 'Answer', reasoning_content: 'hmm', reasoning_signature: 'sig' });
  });

  it('survives redacted reasoning', () => {
    const out = toChatCompletion(response([{ reasoningContent: { redactedContent: new Uint8Array([1, 2, 3]) } }, { text: 'ok' }]), ctx);
    expect(out.choices[0].message.content).toBe('ok');
    expect(out.choices[0].message.thinking_blocks).toEqual([{ type: 'redacted_thinking', data: 'AQID' }]);
  });

  it('wraps reasoning in <think> tags only when asked', () => {
    const out = toChatCompletion(response([{ reasoningContent: { reasoningText: { text: 'hmm' } } }, { text: 'Answer' }]), { ...ctx, thinkTags: true });
    expect(out.choices[0].message.content).toBe('<think>hmm</think>Answer');
    expect(out.choices[0].message.reasoning_content).toBeUndefined();
  });

  it('drops tool calls when tool_choice was none, and extra ones when parallel calls are off', () => {
    const blocks = [{ toolUse: { toolUseId: 'a', name: 'f', input: {} as never } }, { toolUse: { toolUseId: 'b', name: 'f', input: {} as never } }];
    expect(toChatCompletion(response(blocks, 'tool_use'), { ...ctx, dropToolCalls: true }).choices[0].message.tool_calls).toBeUndefined();
    expect(toChatCompletion(response(blocks, 'tool_use'), { ...ctx, maxToolCalls: 1 }).choices[0].message.tool_calls?.map((c) => c.id)).toEqual(['a']);
  });
});

describe('finishReason', () => {
  it.each([
    ['end_turn', false, 'stop'],
    ['stop_sequence', false, 'stop'],
    ['max_tokens', false, 'length'],
    ['model_context_window_exceeded', false, 'length'],
    ['tool_use', true, 'tool_calls'],
    ['tool_use', false, 'stop'],
    ['guardrail_intervened', false, 'content_filter'],
    ['content_filtered', true, 'content_filter'],
    ['malformed_model_output', false, 'stop'],
    ['something_new', false, 'stop'],
    ['constructor', false, 'stop'],
    ['__proto__', false, 'stop'],
    ['toString', true, 'tool_calls'],
    [undefined, false, 'stop'],
  ])('%s (tool calls: %s) → %s', (stop, tools, expected) => {
    expect(finishReason(stop, tools)).toBe(expected);
  });

  it('maps every known Bedrock stop reason to an OpenAI value', () => {
    for (const value of Object.values(FINISH_REASONS)) expect(['stop', 'length', 'tool_calls', 'content_filter']).toContain(value);
  });
});

describe('toOpenAIUsage', () => {
  it('adds cache reads and writes back into prompt_tokens and reports them', () => {
    expect(toOpenAIUsage({ inputTokens: 10, outputTokens: 3, totalTokens: 13, cacheReadInputTokens: 100, cacheWriteInputTokens: 20 })).toEqual({
      prompt_tokens: 130,
      completion_tokens: 3,
      total_tokens: 133,
      prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 20 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });
});
