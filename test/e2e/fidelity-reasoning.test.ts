/**
 * Reasoning end to end with the openai SDK: reasoning stays out of content, and thinking + tool use works
 * over several turns because the signature the client got back reaches Bedrock again.
 */
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { readSse, useHarness } from './harness';

const SONNET_37 = 'us.anthropic.claude-3-7-sonnet-20250219-v1:0';
const h = useHarness();

const tools: ChatCompletionTool[] = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }];
interface Sent {
  messages: Array<{ role: string; content: Array<Record<string, any>> }>;
  additionalModelRequestFields?: Record<string, any>;
  inferenceConfig?: Record<string, unknown>;
}
const modelCalls = () => h.emulator.requests.filter((r) => r.operation === 'converse' || r.operation === 'converse-stream').map((r) => r.body as Sent);

function script(): void {
  h.emulator.enqueue({ content: [{ reasoningContent: { reasoningText: { text: 'First I look it up.', signature: 'sig-1' } } }, { toolUse: { toolUseId: 'tu_1', name: 'lookup', input: { q: 'a' } } }] });
  h.emulator.enqueue({ content: [{ reasoningContent: { reasoningText: { text: 'One more lookup.', signature: 'sig-2' } } }, { toolUse: { toolUseId: 'tu_2', name: 'lookup', input: { q: 'b' } } }] });
  h.emulator.enqueue({ content: [{ reasoningContent: { reasoningText: { text: 'Now I can answer.', signature: 'sig-3' } } }, { text: 'The answer is 42.' }] });
}

function expectRoundTrips(): void {
  const calls = modelCalls();
  expect(calls).toHaveLength(3);
  for (const call of calls) expect(call.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 8192 } });
  // Each turn re-sends the previous turns' signed reasoning first in their assistant messages.
  expect(calls[2].messages[1].content[0]).toEqual({ reasoningContent: { reasoningText: { text: 'First I look it up.', signature: 'sig-1' } } });
  expect(calls[2].messages[3].content[0]).toEqual({ reasoningContent: { reasoningText: { text: 'One more lookup.', signature: 'sig-2' } } });
}

describe('thinking + tools over several turns', () => {
  it('non-streamed: reasoning_content and reasoning_signature come back on the assistant message as the SDK returned it', async () => {
    script();
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the answer?' }];
    for (let turn = 0; turn < 4; turn++) {
      const res = await h.openai.chat.completions.create({ model: SONNET_37, messages, tools, reasoning_effort: 'medium', temperature: 0.7 });
      const msg = res.choices[0].message as typeof res.choices[0]['message'] & { reasoning_content?: string; reasoning_signature?: string };
      expect(msg.reasoning_content).toBeTruthy();
      expect(msg.content ?? '').not.toContain(msg.reasoning_content);
      messages.push(msg);
      if (res.choices[0].finish_reason !== 'tool_calls') break;
      for (const call of msg.tool_calls ?? []) messages.push({ role: 'tool', tool_call_id: call.id, content: 'found' });
    }
    expect(messages.at(-1)).toMatchObject({ content: 'The answer is 42.', reasoning_content: 'Now I can answer.', reasoning_signature: 'sig-3' });
    expectRoundTrips();
    // Claude thinking rejects a custom temperature; the gateway leaves it out.
    expect(modelCalls()[0].inferenceConfig?.temperature).toBeUndefined();
  });

  it('streamed with the SDK stream helper: the message it assembles round-trips (via thinking_blocks)', async () => {
    script();
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the answer?' }];
    for (let turn = 0; turn < 4; turn++) {
      const final = await h.openai.chat.completions.stream({ model: SONNET_37, messages, tools, reasoning_effort: 'medium' }).finalChatCompletion();
      const msg = final.choices[0].message;
      messages.push(msg as ChatCompletionMessageParam);
      if (final.choices[0].finish_reason !== 'tool_calls') break;
      for (const call of msg.tool_calls ?? []) messages.push({ role: 'tool', tool_call_id: call.id, content: 'found' });
    }
    expect(messages.at(-1)).toMatchObject({ content: 'The answer is 42.', thinking_blocks: [{ type: 'thinking', thinking: 'Now I can answer.', signature: 'sig-3' }] });
    expectRoundTrips();
  });

  it('streamed: reasoning arrives as delta.reasoning_content, never in delta.content', async () => {
    h.emulator.enqueue({ content: [{ reasoningContent: { reasoningText: { text: 'Thinking hard about it.', signature: 'sig' } } }, { text: 'Done.' }] });
    const res = await h.fetch('/api/v1/chat/completions', { method: 'POST', json: { model: SONNET_37, messages: [{ role: 'user', content: 'q' }], stream: true, reasoning_effort: 'low' } });
    const deltas = (await readSse(res)).slice(0, -1).map((e) => JSON.parse(e).choices[0]?.delta ?? {});
    expect(deltas.map((d) => d.reasoning_content ?? '').join('')).toBe('Thinking hard about it.');
    expect(deltas.map((d) => d.content ?? '').join('')).toBe('Done.');
    expect(deltas.filter((d) => d.reasoning_signature).map((d) => d.reasoning_signature)).toEqual(['sig']);
  });

  it('redacted reasoning does not crash anything and round-trips', async () => {
    h.emulator.enqueue({ content: [{ reasoningContent: { redactedContent: Buffer.from('opaque').toString('base64') } }, { reasoningContent: { reasoningText: { text: 't', signature: 's' } } }, { toolUse: { toolUseId: 'tu_1', name: 'lookup', input: {} } }] });
    h.emulator.enqueue({ content: [{ text: 'ok' }] });
    const first = await h.openai.chat.completions.create({ model: SONNET_37, messages: [{ role: 'user', content: 'q' }], tools, reasoning_effort: 'low' });
    const msg = first.choices[0].message;
    await h.openai.chat.completions.create({ model: SONNET_37, tools, reasoning_effort: 'low', messages: [{ role: 'user', content: 'q' }, msg, { role: 'tool', tool_call_id: 'tu_1', content: 'r' }] });
    const resent = modelCalls()[1].messages[1].content;
    expect(Buffer.from(resent[0].reasoningContent.redactedContent, 'base64').toString()).toBe('opaque');
    expect(resent[1]).toEqual({ reasoningContent: { reasoningText: { text: 't', signature: 's' } } });
  });
});
