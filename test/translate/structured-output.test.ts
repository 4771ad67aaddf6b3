import type { ContentBlock, ConverseResponse, StopReason } from '@aws-sdk/client-bedrock-runtime';
import { capabilitiesFor } from '../../lambda/src/models/capabilities';
import { chatRequestSchema, type ChatRequest } from '../../lambda/src/schema/chat';
import { translateChatRequest } from '../../lambda/src/translate/chat-request';
import { toChatCompletion } from '../../lambda/src/translate/chat-response';
import { ChatStreamTranslator } from '../../lambda/src/translate/chat-stream';
import { normaliseSchema } from '../../lambda/src/translate/structured-output';
import { responseAsEvents } from '../../lambda/src/translate/unstreamed';

const SONNET_45 = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const SONNET_37 = 'anthropic.claude-3-7-sonnet-20250219-v1:0';
const OPUS_46 = 'anthropic.claude-opus-4-6-v1';
const schema = { type: 'object', properties: { name: { type: 'string' }, tags: { type: 'array', items: { type: 'object', properties: { k: { type: 'string' } } } } }, required: ['name'] };
const jsonSchema = { type: 'json_schema', json_schema: { name: 'person', description: 'A person', schema, strict: true } };

function plan(body: Record<string, unknown>, modelId: string) {
  const req = chatRequestSchema.parse({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...body }) as ChatRequest;
  return translateChatRequest(req, { modelId, caps: capabilitiesFor(modelId) });
}

function reply(content: ContentBlock[], stopReason: StopReason = 'end_turn'): ConverseResponse {
  return { output: { message: { role: 'assistant', content } }, stopReason, usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 }, metrics: { latencyMs: 1 } };
}

describe('normaliseSchema', () => {
  it('closes every object, drops $schema, and leaves the rest alone', () => {
    expect(
      normaliseSchema({
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: { a: { type: ['object', 'null'], properties: { b: { type: 'string' } } }, list: { type: 'array', items: { type: 'object', properties: {} } } },
        $defs: { X: { type: 'object', properties: { y: { type: 'integer' } }, additionalProperties: true } },
        anyOf: [{ type: 'object', properties: {} }],
      }),
    ).toEqual({
      type: 'object',
      properties: {
        a: { type: ['object', 'null'], properties: { b: { type: 'string' } }, additionalProperties: false },
        list: { type: 'array', items: { type: 'object', properties: {}, additionalProperties: false } },
      },
      $defs: { X: { type: 'object', properties: { y: { type: 'integer' } }, additionalProperties: false } },
      anyOf: [{ type: 'object', properties: {}, additionalProperties: false }],
      additionalProperties: false,
    });
  });

  it('does not mistake a property named "properties" for a schema keyword', () => {
    expect(normaliseSchema({ type: 'object', properties: { properties: { type: 'string' } } })).toEqual({
      type: 'object',
      properties: { properties: { type: 'string' } },
      additionalProperties: false,
    });
  });
});

describe('json_schema → native outputConfig.textFormat', () => {
  it.each([SONNET_45, OPUS_46, `us.${SONNET_45}`])('%s', (modelId) => {
    const p = plan({ response_format: jsonSchema }, modelId);
    const format = p.input.outputConfig?.textFormat;
    expect(format?.type).toBe('json_schema');
    const def = format?.structure && 'jsonSchema' in format.structure ? format.structure.jsonSchema : undefined;
    expect(def?.name).toBe('person');
    expect(def?.description).toBe('A person');
    expect(typeof def?.schema).toBe('string');
    expect(JSON.parse(def?.schema ?? '')).toEqual(normaliseSchema(schema));
    expect(p.input.toolConfig).toBeUndefined();
    expect(p.answerTool).toBeUndefined();
  });

  it('shares outputConfig with adaptive thinking effort', () => {
    const out = plan({ response_format: jsonSchema, reasoning_effort: 'low' }, OPUS_46).input.outputConfig;
    expect(out?.effort).toBe('low');
    expect(out?.textFormat?.type).toBe('json_schema');
  });
});

describe('json_schema → forced answer tool for models without native structured output', () => {
  it.each<[string, string, object]>([
    ['Claude 3.7', SONNET_37, { tool: { name: 'person' } }],
    ['Nova', 'amazon.nova-pro-v1:0', { tool: { name: 'person' } }],
    ['Mistral (any = the only tool)', 'mistral.mistral-large-2407-v1:0', { any: {} }],
    ['gpt-oss', 'openai.gpt-oss-120b-1:0', { tool: { name: 'person' } }],
  ])('%s', (_name, modelId, choice) => {
    const p = plan({ response_format: jsonSchema }, modelId);
    expect(p.input.outputConfig).toBeUndefined();
    expect(p.answerTool).toBe('person');
    expect(p.input.toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'person', description: 'A person', inputSchema: { json: normaliseSchema(schema) } } }],
      toolChoice: choice,
    });
  });

  it('Llama (auto only) gets the tool plus an instruction to answer with it', () => {
    const p = plan({ response_format: jsonSchema }, 'meta.llama3-3-70b-instruct-v1:0');
    expect(p.input.toolConfig?.toolChoice).toBeUndefined();
    expect(p.input.system?.at(-1)?.text).toContain('`person`');
  });

  it('with the client’s own tools offered, the answer tool joins them unforced, under a name that does not clash', () => {
    const tools = [{ type: 'function', function: { name: 'person', parameters: { type: 'object', properties: {} } } }];
    const p = plan({ response_format: jsonSchema, tools }, SONNET_37);
    expect(p.input.toolConfig?.tools?.map((t) => t.toolSpec?.name)).toEqual(['person', 'person_2']);
    expect(p.input.toolConfig?.toolChoice).toBeUndefined();
    expect(p.answerTool).toBe('person_2');
  });

  it('a tool history without listed tools still forces the answer tool (history specs are not on offer)', () => {
    const messages = [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'found' },
    ];
    const p = plan({ messages, response_format: jsonSchema }, SONNET_37);
    expect(p.input.toolConfig?.tools?.map((t) => t.toolSpec?.name)).toEqual(['lookup', 'person']);
    expect(p.input.toolConfig?.toolChoice).toEqual({ tool: { name: 'person' } });
  });

  it('Mistral with history tools cannot force by `any` (it could pick a history tool): unforced, with the instruction', () => {
    const messages = [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'found' },
    ];
    const p = plan({ messages, response_format: jsonSchema }, 'mistral.mistral-large-2407-v1:0');
    expect(p.input.toolConfig?.toolChoice).toBeUndefined();
    expect(p.input.system?.at(-1)?.text).toContain('`person`');
  });

  it('forcing the answer tool turns Claude thinking off (it cannot think with a forced tool)', () => {
    const input = plan({ response_format: jsonSchema, reasoning_effort: 'high' }, SONNET_37).input;
    expect(input.toolConfig?.toolChoice).toEqual({ tool: { name: 'person' } });
    expect(input.additionalModelRequestFields).toBeUndefined();
  });

  it('models without tools get the schema in an instruction', () => {
    const p = plan({ response_format: jsonSchema }, 'deepseek.r1-v1:0');
    expect(p.input.toolConfig).toBeUndefined();
    expect(p.input.system?.at(-1)?.text).toContain('"additionalProperties":false');
  });

  it('the answer tool comes back as content with finish_reason stop, not as a tool call', () => {
    const res = reply([{ toolUse: { toolUseId: 't', name: 'person', input: { name: 'Ada', tags: [] } } }], 'tool_use');
    const choice = toChatCompletion(res, { id: 'x', created: 1, model: 'm', answerTool: 'person' }).choices[0];
    expect(choice.message.content).toBe('{"name":"Ada","tags":[]}');
    expect(choice.message.tool_calls).toBeUndefined();
    expect(choice.finish_reason).toBe('stop');
  });

  it('streams the answer tool input as content deltas, finishing with stop', () => {
    const res = reply([{ toolUse: { toolUseId: 't', name: 'person', input: { name: 'Ada Lovelace', tags: [{ k: 'math' }] } } }], 'tool_use');
    const translator = new ChatStreamTranslator({ id: 'x', created: 1, model: 'm', includeUsage: false, answerTool: 'person' });
    const chunks = [...responseAsEvents(res)].flatMap((e) => translator.next(e));
    expect(chunks.every((c) => !c.choices[0]?.delta.tool_calls)).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(JSON.stringify({ name: 'Ada Lovelace', tags: [{ k: 'math' }] }));
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe('stop');
  });
});

describe('json_object', () => {
  it('Claude with prefill: an instruction and a "{" prefill that the answer gets back', () => {
    const p = plan({ response_format: { type: 'json_object' } }, SONNET_37);
    expect(p.input.messages?.at(-1)).toEqual({ role: 'assistant', content: [{ text: '{' }] });
    expect(p.input.system?.at(-1)?.text).toMatch(/JSON/);
    expect(p.contentPrefix).toBe('{');
    const res = reply([{ text: '"a": 1}' }]);
    expect(toChatCompletion(res, { id: 'x', created: 1, model: 'm', contentPrefix: '{' }).choices[0].message.content).toBe('{"a": 1}');
    const translator = new ChatStreamTranslator({ id: 'x', created: 1, model: 'm', includeUsage: false, contentPrefix: '{' });
    const text = [...responseAsEvents(res)].flatMap((e) => translator.next(e)).map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('{"a": 1}');
  });

  it('models without prefill get the answer tool with an open object schema', () => {
    const p = plan({ response_format: { type: 'json_object' } }, 'amazon.nova-pro-v1:0');
    expect(p.input.toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'json_answer', description: expect.any(String), inputSchema: { json: { type: 'object', additionalProperties: true } } } }],
      toolChoice: { tool: { name: 'json_answer' } },
    });
    expect(p.answerTool).toBe('json_answer');
    expect(p.contentPrefix).toBeUndefined();
  });

  it('Claude thinking keeps reasoning and relies on the instruction alone', () => {
    const p = plan({ response_format: { type: 'json_object' }, reasoning_effort: 'low' }, SONNET_37);
    expect(p.input.toolConfig).toBeUndefined();
    expect(p.contentPrefix).toBeUndefined();
    expect(p.input.system?.at(-1)?.text).toMatch(/JSON/);
    expect(p.input.additionalModelRequestFields).toMatchObject({ thinking: { type: 'enabled' } });
  });

  it('models without tools or prefill get the instruction in the first user turn when they have no system prompt', () => {
    const p = plan({ response_format: { type: 'json_object' } }, 'mistral.mistral-7b-instruct-v0:2');
    expect(p.input.system).toBeUndefined();
    expect(p.input.messages?.[0].content?.[0].text).toMatch(/JSON/);
  });

  it('text leaves everything as it was', () => {
    expect(plan({ response_format: { type: 'text' } }, SONNET_37).input).toEqual(plan({}, SONNET_37).input);
  });
});
