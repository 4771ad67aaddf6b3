/**
 * Reasoning across turns: what the gateway returns (reasoning_content, reasoning_signature, thinking_blocks,
 * streamed or not) comes back in the next request and is re-sent to Bedrock as reasoningContent.
 */
import type { ConverseResponse, ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { capabilitiesFor } from '../../lambda/src/models/capabilities';
import { chatRequestSchema, type ChatRequest } from '../../lambda/src/schema/chat';
import { translateChatRequest } from '../../lambda/src/translate/chat-request';
import { toChatCompletion } from '../../lambda/src/translate/chat-response';
import { ChatStreamTranslator, type ChatCompletionChunk } from '../../lambda/src/translate/chat-stream';
import { responseAsEvents } from '../../lambda/src/translate/unstreamed';

const SONNET_37 = 'anthropic.claude-3-7-sonnet-20250219-v1:0';
const ctx = { id: 'chatcmpl-1', created: 1, model: 'claude' };
const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];

const thinkingThenTool: ConverseResponse = {
  output: {
    message: {
      role: 'assistant',
      content: [
        { reasoningContent: { reasoningText: { text: 'I need the weather.', signature: 'sig-1' } } },
        { text: 'Checking.' },
        { toolUse: { toolUseId: 'tu_1', name: 'get_weather', input: { city: 'Oslo' } } },
      ],
    },
  },
  stopReason: 'tool_use',
  usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
  metrics: { latencyMs: 1 },
};

function nextRequest(assistant: Record<string, unknown>, modelId = SONNET_37) {
  const req = chatRequestSchema.parse({
    model: 'm',
    reasoning_effort: 'low',
    tools,
    messages: [{ role: 'user', content: 'weather in Oslo?' }, assistant, { role: 'tool', tool_call_id: 'tu_1', content: 'rain' }],
  }) as ChatRequest;
  return translateChatRequest(req, { modelId, caps: capabilitiesFor(modelId) }).input;
}

/** What an SDK's stream accumulator builds from the chunks (string fields concatenated). */
function accumulate(chunks: ChatCompletionChunk[]) {
  const msg: Record<string, unknown> = { role: 'assistant', content: '' };
  const calls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> = [];
  for (const c of chunks) {
    const d = c.choices[0]?.delta;
    if (!d) continue;
    for (const key of ['content', 'reasoning_content', 'reasoning_signature'] as const) {
      if (d[key]) msg[key] = String(msg[key] ?? '') + d[key];
    }
    for (const t of d.tool_calls ?? []) {
      if (t.id) calls[t.index] = { id: t.id, type: 'function', function: { name: t.function.name ?? '', arguments: '' } };
      calls[t.index].function.arguments += t.function.arguments;
    }
  }
  return { ...msg, tool_calls: calls };
}

describe('thinking round trip', () => {
  it('non-streamed: reasoning_content + reasoning_signature come back as the leading reasoningContent block', () => {
    const message = toChatCompletion(thinkingThenTool, ctx).choices[0].message;
    expect(message).toMatchObject({ reasoning_content: 'I need the weather.', reasoning_signature: 'sig-1', content: 'Checking.' });
    const input = nextRequest({ role: 'assistant', content: message.content, tool_calls: message.tool_calls, reasoning_content: message.reasoning_content, reasoning_signature: message.reasoning_signature });
    expect(input.messages?.[1].content).toEqual([
      { reasoningContent: { reasoningText: { text: 'I need the weather.', signature: 'sig-1' } } },
      { text: 'Checking.' },
      { toolUse: { toolUseId: 'tu_1', name: 'get_weather', input: { city: 'Oslo' } } },
    ]);
    expect(input.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 2048 } });
  });

  it('non-streamed: thinking_blocks (incl. redacted) come back block for block', () => {
    const redacted: ConverseResponse = {
      ...thinkingThenTool,
      output: { message: { role: 'assistant', content: [{ reasoningContent: { redactedContent: Buffer.from('opaque') } }, ...(thinkingThenTool.output?.message?.content ?? [])] } },
    };
    const message = toChatCompletion(redacted, ctx).choices[0].message;
    expect(message.thinking_blocks).toEqual([
      { type: 'redacted_thinking', data: Buffer.from('opaque').toString('base64') },
      { type: 'thinking', thinking: 'I need the weather.', signature: 'sig-1' },
    ]);
    const input = nextRequest({ role: 'assistant', content: message.content, tool_calls: message.tool_calls, thinking_blocks: message.thinking_blocks });
    const blocks = input.messages?.[1].content ?? [];
    expect(Buffer.from(blocks[0].reasoningContent?.redactedContent ?? []).toString()).toBe('opaque');
    expect(blocks[1]).toEqual({ reasoningContent: { reasoningText: { text: 'I need the weather.', signature: 'sig-1' } } });
  });

  it('streamed: accumulated reasoning_content + reasoning_signature round-trip the same way', () => {
    const translator = new ChatStreamTranslator({ ...ctx, includeUsage: false });
    const chunks = [...responseAsEvents(thinkingThenTool)].flatMap((e: ConverseStreamOutput) => translator.next(e));
    const message = accumulate(chunks);
    expect(message).toMatchObject({ reasoning_content: 'I need the weather.', reasoning_signature: 'sig-1', content: 'Checking.' });
    const input = nextRequest(message);
    expect(input.messages?.[1].content?.[0]).toEqual({ reasoningContent: { reasoningText: { text: 'I need the weather.', signature: 'sig-1' } } });
    expect(input.additionalModelRequestFields).toMatchObject({ thinking: { type: 'enabled' } });
  });

  it('streamed: an accumulator that overwrites unknown fields (the openai SDK helper) still round-trips, via thinking_blocks', () => {
    const translator = new ChatStreamTranslator({ ...ctx, includeUsage: false });
    const chunks = [...responseAsEvents(thinkingThenTool)].flatMap((e: ConverseStreamOutput) => translator.next(e));
    const overwritten: Record<string, unknown> = {};
    for (const c of chunks) {
      const { content: _c, tool_calls: _t, role: _r, ...unknown } = c.choices[0]?.delta ?? {};
      Object.assign(overwritten, unknown);
    }
    expect(overwritten.thinking_blocks).toEqual([{ type: 'thinking', thinking: 'I need the weather.', signature: 'sig-1' }]);
    const message = accumulate(chunks);
    const input = nextRequest({ ...message, reasoning_content: 'weather.', ...overwritten });
    expect(input.messages?.[1].content?.[0]).toEqual({ reasoningContent: { reasoningText: { text: 'I need the weather.', signature: 'sig-1' } } });
  });

  it('streamed: redacted reasoning arrives as a thinking_blocks delta, and nothing crashes', () => {
    const translator = new ChatStreamTranslator({ ...ctx, includeUsage: false });
    const chunks = translator.next({ contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { redactedContent: Buffer.from('x') } } } });
    expect(chunks.at(-1)?.choices[0].delta.thinking_blocks).toEqual([{ type: 'redacted_thinking', data: Buffer.from('x').toString('base64') }]);
  });

  it('a client that drops the reasoning still continues the tool loop: thinking is off for that turn', () => {
    const message = toChatCompletion(thinkingThenTool, ctx).choices[0].message;
    const input = nextRequest({ role: 'assistant', content: message.content, tool_calls: message.tool_calls });
    expect(input.messages?.[1].content?.[0]).toEqual({ text: 'Checking.' });
    expect(input.additionalModelRequestFields).toBeUndefined();
  });

  it('a model without reasoning never receives reasoning blocks (conversation switched models)', () => {
    const input = nextRequest({ role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'tu_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }], reasoning_content: 'x', reasoning_signature: 's' }, 'amazon.nova-pro-v1:0');
    expect(input.messages?.[1].content?.some((b) => b.reasoningContent)).toBe(false);
  });

  it('REASONING_AS_THINK_TAGS puts reasoning in content and keeps it out of the separate fields', () => {
    const message = toChatCompletion(thinkingThenTool, { ...ctx, thinkTags: true }).choices[0].message;
    expect(message.content).toBe('<think>I need the weather.</think>Checking.');
    expect(message.reasoning_content).toBeUndefined();
  });
});
