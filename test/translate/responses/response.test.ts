import type { ConverseResponse } from '@aws-sdk/client-bedrock-runtime';
import { GatewayError } from '../../../lambda/src/http/errors';
import { responsesRequestSchema } from '../../../lambda/src/schema/responses';
import { REDACTED_PREFIX } from '../../../lambda/src/translate/responses/input';
import { echoOf, failureOf } from '../../../lambda/src/translate/responses/response';
import { toResponse } from '../../../lambda/src/translate/responses/stream';
import type { ResponseIds } from '../../../lambda/src/translate/responses/types';

function ids(): ResponseIds {
  let n = 0;
  return { id: 'resp_1', createdAt: 1000, itemId: (prefix) => `${prefix}_${++n}` };
}

const echo = echoOf(responsesRequestSchema.parse({ model: 'claude', input: 'x' }));

function respond(res: Partial<ConverseResponse>) {
  const converse: ConverseResponse = { output: { message: { role: 'assistant', content: [] } }, stopReason: 'end_turn', usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 }, metrics: { latencyMs: 1 }, ...res };
  return toResponse(converse, { id: 'resp_1', created: 1000, model: 'claude', thinkTags: false }, echo, ids(), 2000);
}

const content = (blocks: NonNullable<NonNullable<ConverseResponse['output']>['message']>['content']) => ({ output: { message: { role: 'assistant' as const, content: blocks } } });

describe('chat completion → response object', () => {
  it('wraps text in a completed message item, with usage in Responses terms', () => {
    const r = respond({ ...content([{ text: 'Hello' }, { text: ' world' }]), usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15, cacheReadInputTokens: 4 } });
    expect(r).toMatchObject({
      id: 'resp_1',
      object: 'response',
      created_at: 1000,
      completed_at: 2000,
      status: 'completed',
      error: null,
      incomplete_details: null,
      model: 'claude',
      store: false,
      output_text: 'Hello world',
      output: [{ type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hello world', annotations: [] }] }],
      usage: { input_tokens: 14, input_tokens_details: { cached_tokens: 4 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 19 },
    });
  });

  it('puts reasoning first, then text, then function calls, with the signature in encrypted_content', () => {
    const r = respond({
      ...content([
        { reasoningContent: { reasoningText: { text: 'Think.', signature: 'SIG' } } },
        { reasoningContent: { redactedContent: new Uint8Array([1, 2, 3]) } },
        { text: 'Checking.' },
        { toolUse: { toolUseId: 'tooluse_1', name: 'look', input: { q: 'a' } } },
        { toolUse: { toolUseId: 'tooluse_2', name: 'look', input: {} } },
      ]),
      stopReason: 'tool_use',
    });
    expect(r.status).toBe('completed');
    expect(r.output).toEqual([
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Think.' }], encrypted_content: 'SIG' },
      { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: `${REDACTED_PREFIX}AQID` },
      { type: 'message', id: 'msg_3', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Checking.', annotations: [] }] },
      { type: 'function_call', id: 'fc_4', call_id: 'tooluse_1', name: 'look', arguments: '{"q":"a"}', status: 'completed' },
      { type: 'function_call', id: 'fc_5', call_id: 'tooluse_2', name: 'look', arguments: '{}', status: 'completed' },
    ]);
  });

  it('has no message item when the model only called a tool', () => {
    const r = respond({ ...content([{ toolUse: { toolUseId: 't', name: 'f', input: {} } }]), stopReason: 'tool_use' });
    expect(r.output.map((o) => o.type)).toEqual(['function_call']);
    expect(r.output_text).toBe('');
  });

  it.each([
    ['max_tokens', 'max_output_tokens'],
    ['guardrail_intervened', 'content_filter'],
    ['content_filtered', 'content_filter'],
  ])('stop reason %s is incomplete (%s)', (stopReason, reason) => {
    const r = respond({ ...content([{ text: 'partial' }]), stopReason: stopReason as ConverseResponse['stopReason'] });
    expect(r.status).toBe('incomplete');
    expect(r.incomplete_details).toEqual({ reason });
    expect(r.completed_at).toBeNull();
    expect(r.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
  });

  it('echoes the request settings, with OpenAI defaults where the client set none', () => {
    expect(echo).toEqual({
      model: 'claude',
      instructions: null,
      max_output_tokens: null,
      parallel_tool_calls: true,
      reasoning: { effort: null, summary: null },
      temperature: null,
      text: { format: { type: 'text' } },
      tool_choice: 'auto',
      tools: [],
      top_p: null,
      truncation: 'disabled',
      metadata: {},
      store: false,
      previous_response_id: null,
    });
    const tools = [{ type: 'function', name: 'f', parameters: null, strict: true }];
    const set = echoOf(
      responsesRequestSchema.parse({
        model: 'm',
        input: 'x',
        instructions: 'I',
        max_output_tokens: 50,
        parallel_tool_calls: false,
        reasoning: { effort: 'low', summary: 'auto' },
        temperature: 0.5,
        top_p: 0.5,
        text: { format: { type: 'json_object' }, verbosity: 'low' },
        tool_choice: 'required',
        tools,
        metadata: { a: 'b' },
        user: 'u',
      }),
    );
    expect(set).toEqual({
      model: 'm',
      instructions: 'I',
      max_output_tokens: 50,
      parallel_tool_calls: false,
      reasoning: { effort: 'low', summary: 'auto' },
      temperature: 0.5,
      text: { format: { type: 'json_object' }, verbosity: 'low' },
      tool_choice: 'required',
      tools,
      top_p: 0.5,
      truncation: 'disabled',
      metadata: { a: 'b' },
      user: 'u',
      store: false,
      previous_response_id: null,
    });
  });

  it.each([
    [429, 'rate_limit_exceeded', 'rate_limit_exceeded'],
    [400, 'context_length_exceeded', 'context_length_exceeded'],
    [502, 'model_error', 'server_error'],
  ])('reports a %d %s failure as %s', (status, gatewayCode, code) => {
    const err = new GatewayError(status, 'what happened', { code: gatewayCode });
    expect(failureOf(err)).toEqual({ code, message: 'what happened' });
  });
});
