import type { ToolConfiguration } from '@aws-sdk/client-bedrock-runtime';
import { capabilitiesFor } from '../../lambda/src/models/capabilities';
import type { GatewayError } from '../../lambda/src/http/errors';
import { clientErrorOf } from '../support/client-error';
import { chatRequestSchema, type ChatRequest } from '../../lambda/src/schema/chat';
import { translateChatRequest } from '../../lambda/src/translate/chat-request';

const CLAUDE = 'anthropic.claude-3-7-sonnet-20250219-v1:0';
const weather = { type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };
const time = { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } };
const toolHistory = [
  { role: 'user', content: 'weather?' },
  { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
  { role: 'tool', tool_call_id: 'c1', content: 'rain' },
];

function plan(body: Record<string, unknown>, modelId = CLAUDE) {
  const req = chatRequestSchema.parse({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...body }) as ChatRequest;
  return translateChatRequest(req, { modelId, caps: capabilitiesFor(modelId) });
}

function rejection(body: Record<string, unknown>, modelId = CLAUDE): GatewayError {
  try {
    plan(body, modelId);
  } catch (err) {
    const e = clientErrorOf(err);
    if (e) return e;
    throw err;
  }
  throw new Error('expected a rejection');
}

const toolConfig = (body: Record<string, unknown>, modelId = CLAUDE): ToolConfiguration | undefined => plan(body, modelId).input.toolConfig;

describe('tools → toolConfig.tools', () => {
  it('maps name, description and parameters to toolSpec', () => {
    expect(toolConfig({ tools: [weather] })?.tools).toEqual([
      { toolSpec: { name: 'get_weather', description: 'Weather for a city', inputSchema: { json: weather.function.parameters } } },
    ]);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['blank', '   '],
  ])('leaves out a %s description instead of sending one Bedrock rejects', (_name, description) => {
    const spec = toolConfig({ tools: [{ type: 'function', function: { name: 'f', description } }] })?.tools?.[0].toolSpec;
    expect(spec).toEqual({ name: 'f', inputSchema: { json: { type: 'object', properties: {} } } });
  });

  it('adds the top-level object type a schema left out', () => {
    const spec = toolConfig({ tools: [{ type: 'function', function: { name: 'f', parameters: { properties: { a: { type: 'string' } } } } }] })?.tools?.[0].toolSpec;
    expect(spec?.inputSchema?.json).toEqual({ type: 'object', properties: { a: { type: 'string' } } });
  });

  it('passes strict to models that honour it, with closed objects; ignores it elsewhere', () => {
    const strict = { type: 'function', function: { ...weather.function, strict: true } };
    const sonnet45 = toolConfig({ tools: [strict] }, 'anthropic.claude-sonnet-4-5-20250929-v1:0')?.tools?.[0].toolSpec;
    expect(sonnet45?.strict).toBe(true);
    expect(sonnet45?.inputSchema?.json).toMatchObject({ additionalProperties: false });
    const older = toolConfig({ tools: [strict] })?.tools?.[0].toolSpec;
    expect(older?.strict).toBeUndefined();
    expect(older?.inputSchema?.json).toEqual(weather.function.parameters);
  });

  it('accepts legacy functions / function_call', () => {
    expect(toolConfig({ functions: [weather.function], function_call: { name: 'get_weather' } })).toEqual({
      tools: [expect.objectContaining({ toolSpec: expect.objectContaining({ name: 'get_weather' }) })],
      toolChoice: { tool: { name: 'get_weather' } },
    });
  });

  it('rejects duplicate tool names', () => {
    expect(rejection({ tools: [weather, weather] }).param).toBe('tools[1]');
  });
});

describe('tool_choice', () => {
  it.each<[string, unknown, ToolConfiguration['toolChoice']]>([
    ['unset → auto (Converse default, nothing sent)', undefined, undefined],
    ['auto', 'auto', undefined],
    ['required → any', 'required', { any: {} }],
    ['named function → tool', { type: 'function', function: { name: 'get_time' } }, { tool: { name: 'get_time' } }],
  ])('%s', (_name, choice, expected) => {
    expect(toolConfig({ tools: [weather, time], tool_choice: choice })?.toolChoice).toEqual(expected);
  });

  it('none without tool history sends no tools at all', () => {
    const p = plan({ tools: [weather], tool_choice: 'none' });
    expect(p.input.toolConfig).toBeUndefined();
    expect(p.dropToolCalls).toBe(false);
  });

  it('none with tool history still sends the toolConfig Bedrock requires, and drops any call on the way back', () => {
    const p = plan({ messages: toolHistory, tools: [weather], tool_choice: 'none' });
    expect(p.input.toolConfig?.tools?.map((t) => t.toolSpec?.name)).toEqual(['get_weather']);
    expect(p.input.toolConfig?.toolChoice).toBeUndefined();
    expect(p.dropToolCalls).toBe(true);
  });

  it('tool history without a tools list still gets specs for the tools it used', () => {
    const p = plan({ messages: toolHistory });
    expect(p.input.toolConfig?.tools?.map((t) => t.toolSpec?.name)).toEqual(['get_weather']);
  });

  it.each([
    ['Llama: required', 'meta.llama3-3-70b-instruct-v1:0', 'required', '"required"'],
    ['Llama: named', 'meta.llama3-3-70b-instruct-v1:0', { type: 'function', function: { name: 'get_weather' } }, 'a named function'],
    ['Mistral: named', 'mistral.mistral-large-2407-v1:0', { type: 'function', function: { name: 'get_weather' } }, 'a named function'],
    ['DeepSeek V3: named', 'deepseek.v3-v1:0', { type: 'function', function: { name: 'get_weather' } }, 'a named function'],
  ])('%s is a clear 400 naming the model', (_name, modelId, choice, what) => {
    const err = rejection({ tools: [weather], tool_choice: choice }, modelId);
    expect(err.status).toBe(400);
    expect(err.param).toBe('tool_choice');
    expect(err.message).toContain(modelId);
    expect(err.message).toContain(what);
  });

  it.each([
    ['Mistral', 'mistral.mistral-large-2407-v1:0'],
    ['Nova', 'amazon.nova-pro-v1:0'],
    ['gpt-oss', 'openai.gpt-oss-120b-1:0'],
  ])('%s takes required', (_name, modelId) => {
    expect(toolConfig({ tools: [weather], tool_choice: 'required' }, modelId)?.toolChoice).toEqual({ any: {} });
  });

  it('rejects a named function that is not offered, and forcing without tools', () => {
    expect(rejection({ tools: [weather], tool_choice: { type: 'function', function: { name: 'nope' } } }).code).toBe('invalid_tool_choice');
    expect(rejection({ tool_choice: 'required' }).code).toBe('invalid_tool_choice');
  });

  it('rejects tools for models without tool use', () => {
    const err = rejection({ tools: [weather] }, 'deepseek.r1-v1:0');
    expect(err.param).toBe('tools');
    expect(err.message).toContain('deepseek.r1-v1:0');
  });
});

describe('parallel_tool_calls and streaming support', () => {
  it('false caps tool calls at one on the way back', () => {
    expect(plan({ tools: [weather], parallel_tool_calls: false }).maxToolCalls).toBe(1);
    expect(plan({ tools: [weather] }).maxToolCalls).toBeUndefined();
  });

  it('streams from an unstreamed call for models that cannot stream tool use', () => {
    expect(plan({ tools: [weather], stream: true }, 'meta.llama3-3-70b-instruct-v1:0').streamFromUnstreamed).toBe(true);
    expect(plan({ tools: [weather], stream: true }).streamFromUnstreamed).toBe(false);
    expect(plan({ stream: true }, 'meta.llama3-3-70b-instruct-v1:0').streamFromUnstreamed).toBe(false);
  });
});
