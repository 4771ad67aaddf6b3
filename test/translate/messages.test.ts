import type { ContentBlock } from '@aws-sdk/client-bedrock-runtime';
import { capabilitiesFor } from '../../lambda/src/models/capabilities';
import type { GatewayError } from '../../lambda/src/http/errors';
import { clientErrorOf } from '../support/client-error';
import type { ChatMessage } from '../../lambda/src/schema/chat';
import { LEADING_USER_PLACEHOLDER, translateMessages } from '../../lambda/src/translate/messages';

const CLAUDE = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const ctx = (modelId = CLAUDE) => ({ modelId, caps: capabilitiesFor(modelId) });
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

function errorOf(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    const e = clientErrorOf(err);
    if (e) return e;
    throw err;
  }
  throw new Error('expected a GatewayError');
}

describe('translateMessages: system and roles', () => {
  it.each<[string, ChatMessage[], { system: string[]; roles: string[] }]>([
    ['system string', [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }], { system: ['be brief'], roles: ['user'] }],
    [
      'system and developer, text-part arrays, in order',
      [
        { role: 'system', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] },
        { role: 'developer', content: 'three' },
        { role: 'user', content: 'hi' },
      ],
      { system: ['one', 'two', 'three'], roles: ['user'] },
    ],
    [
      'consecutive same-role turns merge',
      [
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
        { role: 'assistant', content: 'c' },
        { role: 'assistant', content: 'd' },
        { role: 'user', content: 'e' },
      ],
      { system: [], roles: ['user', 'assistant', 'user'] },
    ],
    ['a leading assistant turn gets a user turn before it', [{ role: 'assistant', content: 'hello' }, { role: 'user', content: 'hi' }], { system: [], roles: ['user', 'assistant', 'user'] }],
    ['blank messages vanish instead of becoming blank blocks', [{ role: 'user', content: 'a' }, { role: 'assistant', content: '' }, { role: 'user', content: 'b' }], { system: [], roles: ['user'] }],
  ])('%s', (_name, input, expected) => {
    const out = translateMessages(input, ctx());
    expect(out.system.map((b) => b.text)).toEqual(expected.system);
    expect(out.messages.map((m) => m.role)).toEqual(expected.roles);
  });

  it('puts the placeholder text in the synthetic leading user turn', () => {
    const out = translateMessages([{ role: 'assistant', content: 'hello' }, { role: 'user', content: 'hi' }], ctx());
    expect(out.messages[0].content).toEqual([{ text: LEADING_USER_PLACEHOLDER }]);
  });

  it('keeps merged content in order', () => {
    const out = translateMessages([{ role: 'user', content: 'a' }, { role: 'user', content: [{ type: 'text', text: 'b' }] }], ctx());
    expect(out.messages[0].content).toEqual([{ text: 'a' }, { text: 'b' }]);
  });

  it('folds the system prompt into the first user turn for models without system support', () => {
    const out = translateMessages([{ role: 'system', content: 'rules' }, { role: 'user', content: 'hi' }], ctx('mistral.mistral-7b-instruct-v0:2'));
    expect(out.system).toEqual([]);
    expect(out.messages[0].content).toEqual([{ text: 'rules' }, { text: 'hi' }]);
  });

  it('rejects an assistant-last history for models without prefill, naming messages', () => {
    const err = errorOf(() => translateMessages([{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'Sure' }], ctx('amazon.nova-pro-v1:0')));
    expect(err.status).toBe(400);
    expect(err.param).toBe('messages');
  });

  it('allows an assistant-last history (prefill) for Claude', () => {
    const out = translateMessages([{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'Sure' }], ctx());
    expect(out.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('rejects a history with no content at all', () => {
    expect(errorOf(() => translateMessages([{ role: 'system', content: 'x' }], ctx())).param).toBe('messages');
  });
});

describe('translateMessages: tools in history', () => {
  const call = (id: string, name = 'get_weather', args = '{"city":"Paris"}') => ({ id, type: 'function' as const, function: { name, arguments: args } });

  it('turns tool calls into toolUse and groups consecutive results into one user turn', () => {
    const out = translateMessages(
      [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: 'Checking.', tool_calls: [call('c1'), call('c2', 'get_time', '{}')] },
        { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
        { role: 'tool', tool_call_id: 'c2', content: [{ type: 'text', text: 'noon' }] },
      ],
      ctx(),
    );
    expect(out.messages).toHaveLength(3);
    expect(out.messages[1].content).toEqual<ContentBlock[]>([
      { text: 'Checking.' },
      { toolUse: { toolUseId: 'c1', name: 'get_weather', input: { city: 'Paris' } as never } },
      { toolUse: { toolUseId: 'c2', name: 'get_time', input: {} as never } },
    ]);
    expect(out.messages[2]).toEqual({
      role: 'user',
      content: [
        { toolResult: { toolUseId: 'c1', content: [{ text: 'sunny' }] } },
        { toolResult: { toolUseId: 'c2', content: [{ text: 'noon' }] } },
      ],
    });
    expect(out.hasToolHistory).toBe(true);
  });

  it('repairs a tool call whose result is missing with an error result', () => {
    const out = translateMessages(
      [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: null, tool_calls: [call('c1')] },
        { role: 'user', content: 'never mind' },
      ],
      ctx(),
    );
    expect(out.messages[2].content?.[0]).toEqual({ toolResult: { toolUseId: 'c1', content: [{ text: expect.any(String) }], status: 'error' } });
    expect(out.messages[2].content?.[1]).toEqual({ text: 'never mind' });
  });

  it.each([
    ['a result for an unknown call', [{ role: 'user', content: 'go' }, { role: 'tool', tool_call_id: 'nope', content: 'x' }] as ChatMessage[], 'messages'],
    [
      'invalid JSON arguments',
      [{ role: 'user', content: 'go' }, { role: 'assistant', content: null, tool_calls: [call('c1', 'f', '{not json')] }] as ChatMessage[],
      'messages[1].tool_calls[0].function.arguments',
    ],
    [
      'arguments that are not an object',
      [{ role: 'user', content: 'go' }, { role: 'assistant', content: null, tool_calls: [call('c1', 'f', '[1,2]')] }] as ChatMessage[],
      'messages[1].tool_calls[0].function.arguments',
    ],
  ])('rejects %s with a 400 naming the field', (_name, input, param) => {
    const err = errorOf(() => translateMessages(input, ctx()));
    expect(err.status).toBe(400);
    expect(err.param).toBe(param);
  });

  it('pairs legacy function_call / function messages by name', () => {
    const out = translateMessages(
      [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: null, function_call: { name: 'lookup', arguments: '{"q":1}' } },
        { role: 'function', name: 'lookup', content: 'found' },
      ],
      ctx(),
    );
    const use = out.messages[1].content?.[0].toolUse;
    const result = out.messages[2].content?.[0].toolResult;
    expect(use?.name).toBe('lookup');
    expect(result?.toolUseId).toBe(use?.toolUseId);
  });
});

describe('translateMessages: images and documents', () => {
  it('accepts image/jpg as jpeg', () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]).toString('base64');
    const out = translateMessages([{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/jpg;base64,${jpeg}` } }] }], ctx('anthropic.claude-3-7-sonnet-20250219-v1:0'));
    expect(out.messages[0].content?.[0].image?.format).toBe('jpeg');
  });

  it('decodes a data URL image and checks the bytes', () => {
    const out = translateMessages([{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_1PX}` } }, { type: 'text', text: 'what?' }] }], ctx('anthropic.claude-3-7-sonnet-20250219-v1:0'));
    const image = out.messages[0].content?.[0].image;
    expect(image?.format).toBe('png');
    expect(Buffer.from(image?.source?.bytes as Uint8Array).subarray(1, 4).toString()).toBe('PNG');
  });

  it.each([
    ['a data URL that lies about its type', `data:image/jpeg;base64,${PNG_1PX}`, 'invalid_image_format'],
    ['a data URL that is not base64', 'data:image/png;base64,@@@', 'invalid_base64'],
    ['bytes that are no image', `data:image/png;base64,${Buffer.from('hello world').toString('base64')}`, 'invalid_image'],
  ])('rejects %s', (_name, url, code) => {
    const err = errorOf(() => translateMessages([{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }], ctx('anthropic.claude-3-7-sonnet-20250219-v1:0')));
    expect(err.code).toBe(code);
    expect(err.param).toBe('messages[0].content[0]');
  });

  it('rejects images for a model that cannot see, naming the model and the part', () => {
    const err = errorOf(() => translateMessages([{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_1PX}` } }] }], ctx()));
    expect(err.message).toContain(CLAUDE);
    expect(err.param).toBe('messages[0].content[1]');
  });

  it('turns a PDF file part into a document block with a sanitised, unique name', () => {
    const pdf = Buffer.from('%PDF-1.4\n%%EOF').toString('base64');
    const out = translateMessages(
      [
        {
          role: 'user',
          content: [
            { type: 'file', file: { file_data: `data:application/pdf;base64,${pdf}`, filename: 'Q3 report (final).v2.pdf' } },
            { type: 'file', file: { file_data: pdf, filename: 'Q3 report (final).v2.pdf' } },
          ],
        },
      ],
      ctx('anthropic.claude-3-7-sonnet-20250219-v1:0'),
    );
    const docs = out.messages[0].content?.map((b) => b.document);
    expect(docs?.map((d) => [d?.format, d?.name])).toEqual([
      ['pdf', 'Q3 report (final)-v2'],
      ['pdf', 'Q3 report (final)-v2 (2)'],
    ]);
  });

  it('rejects audio input clearly', () => {
    const err = errorOf(() => translateMessages([{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] }], ctx()));
    expect(err.code).toBe('unsupported_content');
  });
});

describe('translateMessages: reasoning round trip', () => {
  it('re-sends signed reasoning before the text of the assistant turn', () => {
    const out = translateMessages(
      [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a', reasoning_content: 'thought', reasoning_signature: 'sig' },
        { role: 'user', content: 'q2' },
      ],
      ctx('anthropic.claude-3-7-sonnet-20250219-v1:0'),
    );
    expect(out.messages[1].content).toEqual([{ reasoningContent: { reasoningText: { text: 'thought', signature: 'sig' } } }, { text: 'a' }]);
  });

  it('drops unsigned reasoning, which Bedrock would reject', () => {
    const out = translateMessages([{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a', reasoning_content: 'thought' }, { role: 'user', content: 'q2' }], ctx());
    expect(out.messages[1].content).toEqual([{ text: 'a' }]);
  });
});
