import { DomainError, formatPath, parsePath } from '../../../lambda/src/errors/domain-error';
import type { GatewayError } from '../../../lambda/src/http/errors';
import { fromDomainError } from '../../../lambda/src/http/render-error';
import { chatRequestSchema } from '../../../lambda/src/schema/chat';
import { responsesRequestSchema } from '../../../lambda/src/schema/responses';
import { parseRequest } from '../../../lambda/src/schema/validate';
import { responsesField, responsesFieldNames } from '../../../lambda/src/translate/responses/field-names';
import { REDACTED_PREFIX } from '../../../lambda/src/translate/responses/input';
import { toChatRequest } from '../../../lambda/src/translate/responses/request';
import { clientErrorOf } from '../../support/client-error';

const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

function build(body: Record<string, unknown>) {
  const req = parseRequest(responsesRequestSchema, { model: MODEL, ...body });
  const built = toChatRequest(req);
  // The typed chat request must still be one the chat schema accepts: the chat API is the contract.
  try {
    return { chat: parseRequest(chatRequestSchema, built.request), built };
  } catch (err) {
    throw err instanceof DomainError ? fromDomainError(err, responsesFieldNames(built.sources)) : err;
  }
}

/** The error as the HTTP boundary renders it. */
function rejection(body: Record<string, unknown>): GatewayError {
  try {
    build(body);
  } catch (err) {
    const e = clientErrorOf(err);
    if (e) return e;
    throw err;
  }
  throw new Error('expected a 400');
}

describe('Responses input → chat messages', () => {
  it('turns a string input into one user message and instructions into a leading system message', () => {
    const { chat } = build({ input: 'Hello', instructions: 'Be brief.' });
    expect(chat.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello' },
    ]);
  });

  it.each([
    ['easy message with string content', { role: 'user', content: 'hi' }, { role: 'user', content: 'hi' }],
    ['typed message with input_text', { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }, { role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    ['developer message', { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'rules' }] }, { role: 'developer', content: [{ type: 'text', text: 'rules' }] }],
    ['system message', { role: 'system', content: 'sys' }, { role: 'system', content: 'sys' }],
    [
      'data-URL image (detail ignored)',
      { role: 'user', content: [{ type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'high' }] },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] },
    ],
    [
      'http image URL',
      { role: 'user', content: [{ type: 'input_image', image_url: 'https://example.com/cat.png', detail: 'auto' }] },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] },
    ],
    [
      'file_data document',
      { role: 'user', content: [{ type: 'input_file', filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' }] },
      { role: 'user', content: [{ type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } }] },
    ],
    [
      'earlier assistant output message',
      { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hi there', annotations: [] }] },
      { role: 'assistant', content: 'Hi there' },
    ],
  ])('%s', (_name, item, expected) => {
    const { chat } = build({ input: [item] });
    expect(chat.messages).toEqual([expected]);
  });

  it('merges consecutive function calls into one assistant message and answers them with tool messages', () => {
    const { chat } = build({
      input: [
        { role: 'user', content: 'weather in Paris and Rome?' },
        { type: 'function_call', id: 'fc_1', call_id: 'call_a', name: 'weather', arguments: '{"city":"Paris"}', status: 'completed' },
        { type: 'function_call', id: 'fc_2', call_id: 'call_b', name: 'weather', arguments: '{"city":"Rome"}', status: 'completed' },
        { type: 'function_call_output', call_id: 'call_a', output: 'sunny' },
        { type: 'function_call_output', call_id: 'call_b', output: [{ type: 'input_text', text: 'rainy' }] },
      ],
    });
    expect(chat.messages).toEqual([
      { role: 'user', content: 'weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_b', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a', content: 'sunny' },
      { role: 'tool', tool_call_id: 'call_b', content: [{ type: 'text', text: 'rainy' }] },
    ]);
  });

  it('attaches a function call to the assistant text right before it', () => {
    const { chat } = build({
      input: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: 'Let me look.' },
        { type: 'function_call', call_id: 'c1', name: 'look', arguments: '{}' },
      ],
    });
    expect(chat.messages[1]).toEqual({ role: 'assistant', content: 'Let me look.', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'look', arguments: '{}' } }] });
  });

  it('turns signed reasoning items into thinking blocks on the assistant output that follows', () => {
    const { chat } = build({
      input: [
        { role: 'user', content: 'think' },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Let me think.' }], encrypted_content: 'SIG-1' },
        { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: `${REDACTED_PREFIX}AAEC` },
        { type: 'function_call', call_id: 'c1', name: 'look', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: 'seen' },
      ],
    });
    expect(chat.messages[1]).toEqual({
      role: 'assistant',
      content: null,
      thinking_blocks: [
        { type: 'thinking', thinking: 'Let me think.', signature: 'SIG-1' },
        { type: 'redacted_thinking', data: 'AAEC' },
      ],
      tool_calls: [{ id: 'c1', type: 'function', function: { name: 'look', arguments: '{}' } }],
    });
  });

  it('prefers reasoning_text content over the summary, and drops unsigned or dangling reasoning', () => {
    const { chat } = build({
      input: [
        { role: 'user', content: 'a' },
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'short' }], content: [{ type: 'reasoning_text', text: 'full text' }], encrypted_content: 'S' },
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'unsigned' }] },
        { role: 'assistant', content: 'answer' },
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'cut off' }], encrypted_content: 'S2' },
        { role: 'user', content: 'b' },
      ],
    });
    expect(chat.messages).toEqual([
      { role: 'user', content: 'a' },
      { role: 'assistant', content: 'answer', thinking_blocks: [{ type: 'thinking', thinking: 'full text', signature: 'S' }] },
      { role: 'user', content: 'b' },
    ]);
  });

  it('starts a new assistant message when reasoning sits between text and a call (order kept)', () => {
    const { chat } = build({
      input: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'first' },
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'then' }], encrypted_content: 'S' },
        { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
      ],
    });
    expect(chat.messages.slice(1)).toEqual([
      { role: 'assistant', content: 'first' },
      { role: 'assistant', content: null, thinking_blocks: [{ type: 'thinking', thinking: 'then', signature: 'S' }], tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
    ]);
  });
});

describe('Responses parameters → chat parameters', () => {
  it('maps generation, reasoning, output format, tools and streaming', () => {
    const { chat } = build({
      input: 'x',
      max_output_tokens: 300,
      temperature: 0.2,
      top_p: 0.9,
      reasoning: { effort: 'high', summary: 'auto' },
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } } }, strict: true } },
      tools: [{ type: 'function', name: 'look', description: 'Looks', parameters: { type: 'object', properties: {} }, strict: false }],
      tool_choice: { type: 'function', name: 'look' },
      parallel_tool_calls: false,
      metadata: { job: '7' },
      stream: true,
      store: false,
      include: ['reasoning.encrypted_content', 'web_search_call.results'],
      prompt_cache_key: 'k1',
      user: 'u1',
      truncation: 'auto',
    });
    expect(chat).toMatchObject({
      max_completion_tokens: 300,
      temperature: 0.2,
      top_p: 0.9,
      reasoning_effort: 'high',
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } } }, strict: true } },
      tools: [{ type: 'function', function: { name: 'look', description: 'Looks', parameters: { type: 'object', properties: {} }, strict: false } }],
      tool_choice: { type: 'function', function: { name: 'look' } },
      parallel_tool_calls: false,
      metadata: { job: '7' },
      stream: true,
      stream_options: { include_usage: true },
      prompt_cache_key: 'k1',
      user: 'u1',
    });
    // Responses-only fields do not leak into the chat request (they would reach the model as extra fields).
    for (const key of ['store', 'include', 'truncation', 'reasoning', 'text', 'input', 'instructions', 'max_output_tokens']) expect(chat).not.toHaveProperty(key);
  });

  it.each([
    [{ type: 'text' }, { type: 'text' }],
    [{ type: 'json_object' }, { type: 'json_object' }],
  ])('maps text.format %j', (format, expected) => {
    expect(build({ input: 'x', text: { format } }).chat.response_format).toEqual(expected);
  });

  it('maps reasoning effort "max" to the highest chat effort', () => {
    expect(build({ input: 'x', reasoning: { effort: 'max' } }).chat.reasoning_effort).toBe('xhigh');
  });

  it('offers only the allowed functions for allowed_tools', () => {
    const { chat, built } = build({
      input: 'x',
      tools: [
        { type: 'function', name: 'a', parameters: null, strict: null },
        { type: 'function', name: 'b', parameters: null, strict: null },
      ],
      tool_choice: { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'b' }] },
    });
    expect(chat.tools?.map((t) => t.function.name)).toEqual(['b']);
    expect(chat.tool_choice).toBe('required');
    expect(built.sources.tools).toEqual([['tools', 1]]);
  });

  it('passes unknown top-level keys on (flattened extra_body) but not known Responses keys', () => {
    const { chat } = build({ input: 'x', top_k: 5, service_tier: 'auto', safety_identifier: 's' });
    expect(chat).toMatchObject({ top_k: 5, service_tier: 'auto' });
    expect(chat).not.toHaveProperty('safety_identifier');
  });

  it('treats an absent store as false', () => {
    expect(() => build({ input: 'x' })).not.toThrow();
    expect(() => build({ input: 'x', store: false })).not.toThrow();
  });
});

describe('what the gateway cannot serve is a 400 naming the param', () => {
  it.each([
    ['previous_response_id', { previous_response_id: 'resp_1' }, 'previous_response_id', /stateless/],
    ['store: true', { store: true }, 'store', /stateless/],
    ['conversation', { conversation: 'conv_1' }, 'conversation', /stateless/],
    ['background', { background: true }, 'background', /stateless/],
    ['stored prompts', { prompt: { id: 'pmpt_1' } }, 'prompt', /stateless/],
    ['logprobs', { include: ['reasoning.encrypted_content', 'message.output_text.logprobs'] }, 'include[1]', /log prob/],
    ['a hosted tool inside a namespace', { tools: [{ type: 'namespace', name: 'ns', description: 'd', tools: [{ type: 'web_search' }] }] }, 'tools[0].tools[0].type', /namespace/],
    ['a bad function name inside a namespace', { tools: [{ type: 'namespace', name: 'ns', description: 'd', tools: [{ type: 'function', name: 'bad name' }] }] }, 'tools[0].tools[0].name', /function names/],
    ['a hosted tool choice', { tool_choice: { type: 'file_search' } }, 'tool_choice', /file_search/],
    ['a web search call item', { input: [{ role: 'user', content: 'a' }, { type: 'web_search_call', id: 'ws_1' }] }, 'input[1].type', /web_search_call/],
    ['an item reference', { input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].type', /stateless/],
    ['a computer call output', { input: [{ type: 'computer_call_output', call_id: 'c' }] }, 'input[0].type', /computer_call_output/],
    ['an item without a type', { input: [{ content: 'x' }] }, 'input[0].type', /type/],
    ['an uploaded image', { input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1', detail: 'auto' }] }] }, 'input[0].content[0].file_id', /file ids/i],
    ['a file URL', { input: [{ role: 'user', content: [{ type: 'input_file', file_url: 'https://x/a.pdf' }] }] }, 'input[0].content[0].file_url', /file_data/],
    ['an image in a system message', { input: [{ role: 'system', content: [{ type: 'input_image', image_url: 'data:image/png;base64,AA==', detail: 'auto' }] }] }, 'input[0].content[0].type', /text only/],
    ['an image in a tool output', { input: [{ type: 'function_call_output', call_id: 'c', output: [{ type: 'input_image', image_url: 'data:,', detail: 'auto' }] }] }, 'input[0].output[0].type', /text only/],
    ['a function call without call_id', { input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'input[0].call_id', /call_id/],
    ['a bad tool name (chat schema)', { tools: [{ type: 'function', name: 'bad name!', parameters: null, strict: null }] }, 'tools[0].name', /tools\[0\]\.name/],
    ['a bad message role', { input: [{ role: 'robot', content: 'x' }] }, 'input[0].role', /role/],
  ])('%s', (_name, body, param, message) => {
    const err = rejection({ input: 'x', ...body });
    expect(err.status).toBe(400);
    expect(err.param).toBe(param);
    expect(err.message).toMatch(message);
  });
});

describe('chat params are renamed to the Responses params the client sent', () => {
  const sources = {
    messages: [{ at: ['instructions'] }, { at: ['input', 0] }, { at: ['input', 2], toolCalls: [['input', 2], ['input', 3]] }, { at: ['input', 4], contentField: 'output' }],
    tools: [['tools', 2], ['tools', 5]],
  };
  it.each([
    ['messages', 'input'],
    ['messages[0].content', 'instructions'],
    ['messages[1].content[2].image_url', 'input[0].content[2].image_url'],
    ['messages[2].tool_calls[1].function.arguments', 'input[3].arguments'],
    ['messages[3].content', 'input[4].output'],
    ['tools[1].function.name', 'tools[5].name'],
    ['tools', 'tools'],
    ['max_tokens', 'max_output_tokens'],
    ['max_completion_tokens', 'max_output_tokens'],
    ['reasoning_effort', 'reasoning.effort'],
    ['response_format.json_schema.schema', 'text.format.schema'],
    ['tool_choice', 'tool_choice'],
    ['temperature', 'temperature'],
  ])('%s → %s', (chat, expected) => {
    expect(formatPath(responsesField(parsePath(chat), sources))).toBe(expected);
  });
});

describe('Responses tool types', () => {
  const fn = (name: string) => ({ type: 'function', name, description: `${name} it`, parameters: { type: 'object', properties: { a: { type: 'string' } } }, strict: null });
  const patch = { type: 'custom', name: 'apply_patch', description: 'Edit files.', format: { type: 'grammar', syntax: 'lark', definition: 'start: "*** Begin Patch"' } };

  it('flattens namespace tools under <namespace>__<name> and remembers where each came from', () => {
    const { chat, built } = build({ input: 'x', tools: [fn('shell'), { type: 'namespace', name: 'multi_agent_v1', description: 'Agents.', tools: [fn('spawn_agent'), fn('wait')] }] });
    expect(chat.tools?.map((t) => t.function.name)).toEqual(['shell', 'multi_agent_v1__spawn_agent', 'multi_agent_v1__wait']);
    expect(chat.tools?.[1].function.description).toMatch(/^spawn_agent it .*multi_agent_v1: Agents\./);
    expect(built.toolNames.get('multi_agent_v1__wait')).toEqual({ kind: 'function', name: 'wait', namespace: 'multi_agent_v1' });
    expect(built.sources.tools).toEqual([['tools', 0], ['tools', 1, 'tools', 0], ['tools', 1, 'tools', 1]]);
  });

  it('offers a custom tool as a function with one string parameter and its grammar in the description', () => {
    const { chat, built } = build({ input: 'x', tools: [patch] });
    const tool = chat.tools?.[0].function;
    expect(tool?.name).toBe('apply_patch');
    expect(tool?.parameters).toEqual({ type: 'object', properties: { input: expect.objectContaining({ type: 'string' }) }, required: ['input'], additionalProperties: false });
    expect(tool?.description).toContain('Edit files.');
    expect(tool?.description).toContain('lark grammar');
    expect(tool?.description).toContain('start: "*** Begin Patch"');
    expect(built.toolNames.get('apply_patch')).toEqual({ kind: 'custom', name: 'apply_patch' });
  });

  it('leaves hosted tools out and reports them, or refuses them when the operator says so', () => {
    const body = { model: MODEL, input: 'x', tools: [fn('f'), { type: 'web_search', external_web_access: true }, { type: 'image_generation' }] };
    const built = toChatRequest(parseRequest(responsesRequestSchema, body));
    expect(built.request.tools?.map((t) => t.function.name)).toEqual(['f']);
    expect(built.ignoredTools).toEqual(['web_search', 'image_generation']);
    let thrown: unknown;
    try {
      toChatRequest(parseRequest(responsesRequestSchema, body), { hostedTools: 'reject' });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect(fromDomainError(thrown as DomainError)).toMatchObject({ status: 400, param: 'tools[1].type', code: 'unsupported_tool' });
  });

  it.each([
    [{ type: 'custom', name: 'apply_patch' }, 'apply_patch'],
    [{ type: 'function', name: 'wait', namespace: 'multi_agent_v1' }, 'multi_agent_v1__wait'],
  ])('maps tool_choice %j to the Bedrock name', (choice, name) => {
    const { chat } = build({ input: 'x', tools: [patch, { type: 'namespace', name: 'multi_agent_v1', description: 'd', tools: [fn('wait')] }], tool_choice: choice });
    expect(chat.tool_choice).toEqual({ type: 'function', function: { name } });
  });

  it('sends custom tool calls and their outputs back as tool calls with the input as the one argument', () => {
    const { chat } = build({
      input: [
        { role: 'user', content: 'fix it' },
        { type: 'custom_tool_call', id: 'ctc_1', call_id: 'call_1', name: 'apply_patch', input: '*** Begin Patch\n"quoted"', status: 'completed' },
        { type: 'custom_tool_call_output', call_id: 'call_1', output: 'Done!' },
        { type: 'function_call', call_id: 'call_2', name: 'wait', namespace: 'multi_agent_v1', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_2', output: 'waited' },
      ],
    });
    expect(chat.messages.slice(1)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'apply_patch', arguments: JSON.stringify({ input: '*** Begin Patch\n"quoted"' }) } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'Done!' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'multi_agent_v1__wait', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_2', content: 'waited' },
    ]);
  });

  it('names a namespaced tool as the client sent it when the chat translation rejects it', () => {
    const { built } = build({ input: 'x', tools: [fn('a'), { type: 'namespace', name: 'ns', description: 'd', tools: [fn('b'), fn('c')] }] });
    expect(formatPath(responsesField(parsePath('tools[2].function.name'), built.sources))).toBe('tools[1].tools[1].name');
  });
});

describe('client-run tool search (Codex deferred tools)', () => {
  const search = { type: 'tool_search', execution: 'client', description: 'Find tools.', parameters: { type: 'object', properties: { query: { type: 'string' } } } };
  const loaded = { type: 'namespace', name: 'multi_agent_v1', description: 'Agents.', tools: [{ type: 'function', name: 'spawn_agent', parameters: { type: 'object' } }] };

  it('offers a client tool search as a function and leaves a server one out as hosted', () => {
    const body = { model: MODEL, input: 'x', tools: [search, { type: 'tool_search', execution: 'server' }] };
    const built = toChatRequest(parseRequest(responsesRequestSchema, body));
    expect(built.request.tools?.map((t) => t.function)).toEqual([{ name: 'tool_search', description: 'Find tools.', parameters: search.parameters }]);
    expect(built.toolNames.get('tool_search')).toEqual({ kind: 'tool_search', name: 'tool_search' });
    expect(built.ignoredTools).toEqual(['tool_search']);
  });

  it('offers the tools a tool_search_output loaded, once, and replays the search as a tool call and its result', () => {
    const { chat, built } = build({
      tools: [search],
      input: [
        { role: 'user', content: 'delegate' },
        { type: 'tool_search_call', id: 'tsc_1', call_id: 'call_s', execution: 'client', status: 'completed', arguments: { query: 'agents' } },
        { type: 'tool_search_output', call_id: 'call_s', execution: 'client', status: 'completed', tools: [loaded, loaded] },
      ],
    });
    expect(chat.tools?.map((t) => t.function.name)).toEqual(['tool_search', 'multi_agent_v1__spawn_agent']);
    expect(built.sources.tools).toEqual([['tools', 0], ['input', 2, 'tools', 0, 'tools', 0]]);
    expect(chat.messages.slice(1)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_s', type: 'function', function: { name: 'tool_search', arguments: '{"query":"agents"}' } }] },
      { role: 'tool', tool_call_id: 'call_s', content: 'Loaded tools, callable from now on: multi_agent_v1, multi_agent_v1.' },
    ]);
  });
});
