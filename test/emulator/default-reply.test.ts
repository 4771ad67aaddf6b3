import {
  ConverseCommand,
  ConverseStreamCommand,
  type ContentBlock,
  type ConverseCommandInput,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { z } from 'zod';
import { firstWords } from '../../emulator/default-reply';
import { PROTOCOLS, useEmulator, userMessage, type Protocol } from './helpers';

const ctx = useEmulator();

const CLAUDE = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const CLAUDE_THINKING = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const NOVA = 'amazon.nova-lite-v1:0';
const LLAMA = 'meta.llama3-1-8b-instruct-v1:0';

const WEATHER_SCHEMA = {
  type: 'object',
  properties: {
    city: { type: 'string', minLength: 1 },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
    days: { type: 'integer', minimum: 1, maximum: 7 },
    note: { type: 'string' },
  },
  required: ['city', 'unit', 'days'],
};
const TIME_SCHEMA = { type: 'object', properties: { zone: { type: 'string', format: 'date-time' } }, required: ['zone'] };
const TOOLS = [
  { toolSpec: { name: 'get_weather', description: 'Weather', inputSchema: { json: WEATHER_SCHEMA } } },
  { toolSpec: { name: 'get_time', inputSchema: { json: TIME_SCHEMA } } },
  { cachePoint: { type: 'default' } },
];
const PERSON_SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 }, tags: { type: 'array', items: { type: 'string' }, minItems: 1 } },
  required: ['name', 'age', 'tags'],
  additionalProperties: false,
};

const matches = (schema: unknown, value: unknown) => z.fromJSONSchema(schema as never).safeParse(value).success;

interface Answer {
  content: ContentBlock[];
  stopReason?: string;
  outputTokens?: number;
}

/** The streamed events folded back into the blocks Converse would return. */
function fold(events: ConverseStreamOutput[]): Answer {
  const blocks: Array<Record<string, any>> = [];
  const answer: Answer = { content: [] };
  for (const event of events) {
    if (event.contentBlockStart?.start?.toolUse) {
      const { toolUseId, name } = event.contentBlockStart.start.toolUse;
      blocks[event.contentBlockStart.contentBlockIndex!] = { toolUse: { toolUseId, name, input: '' } };
    }
    const delta = event.contentBlockDelta;
    if (delta) {
      const i = delta.contentBlockIndex!;
      const d = delta.delta!;
      if (d.text !== undefined) blocks[i] = { text: (blocks[i]?.text ?? '') + d.text };
      if (d.toolUse) blocks[i].toolUse.input += d.toolUse.input;
      if (d.reasoningContent?.text !== undefined) {
        const prior = blocks[i]?.reasoningContent?.reasoningText ?? { text: '' };
        blocks[i] = { reasoningContent: { reasoningText: { ...prior, text: prior.text + d.reasoningContent.text } } };
      }
      if (d.reasoningContent?.signature !== undefined) blocks[i].reasoningContent.reasoningText.signature = d.reasoningContent.signature;
    }
    if (event.messageStop) answer.stopReason = event.messageStop.stopReason;
    if (event.metadata) answer.outputTokens = event.metadata.usage?.outputTokens;
  }
  answer.content = blocks.map((b) => (b.toolUse ? { toolUse: { ...b.toolUse, input: JSON.parse(b.toolUse.input) } } : b)) as ContentBlock[];
  return answer;
}

/** Asks both ways and checks they agree; returns the unstreamed answer. */
async function ask(protocol: Protocol, input: Omit<ConverseCommandInput, 'messages'> & { messages?: ConverseCommandInput['messages'] }): Promise<Answer> {
  const full = { messages: [userMessage('What is the weather in Paris?')], ...input } as ConverseCommandInput;
  const client = ctx.client(protocol);
  const res = await client.send(new ConverseCommand(full));
  const answer = { content: res.output?.message?.content ?? [], stopReason: res.stopReason, outputTokens: res.usage?.outputTokens };
  const stream = await client.send(new ConverseStreamCommand(full));
  const events: ConverseStreamOutput[] = [];
  for await (const event of stream.stream ?? []) events.push(event);
  expect(fold(events)).toEqual(answer);
  return answer;
}

describe.each(PROTOCOLS.map((p) => p.protocol))('default replies over %s (streamed and unstreamed agree)', (protocol) => {
  it.each([
    ['any: the first tool', { any: {} }, 'get_weather', WEATHER_SCHEMA],
    ['tool: the named one', { tool: { name: 'get_time' } }, 'get_time', TIME_SCHEMA],
  ])('toolChoice %s is answered with a call whose input fits its schema', async (_case, toolChoice, name, schema) => {
    const { content, stopReason, outputTokens } = await ask(protocol, { modelId: CLAUDE, toolConfig: { tools: TOOLS as never, toolChoice: toolChoice as never } });
    expect(content).toHaveLength(1);
    expect(content[0].toolUse).toMatchObject({ name, toolUseId: expect.stringMatching(/^tooluse_/) });
    expect(matches(schema, content[0].toolUse?.input)).toBe(true);
    expect(stopReason).toBe('tool_use');
    expect(outputTokens).toBeGreaterThan(0);
  });

  it('toolChoice auto (or none) keeps the text reply', async () => {
    const { content, stopReason } = await ask(protocol, { modelId: CLAUDE, toolConfig: { tools: TOOLS as never, toolChoice: { auto: {} } } });
    expect(content).toEqual([{ text: 'Emulated reply to: What is the weather in Paris?' }]);
    expect(stopReason).toBe('end_turn');
  });

  it('a json_schema output format is answered with JSON that fits the schema', async () => {
    const outputConfig = { textFormat: { type: 'json_schema', structure: { jsonSchema: { name: 'person', schema: JSON.stringify(PERSON_SCHEMA) } } } };
    const { content, stopReason } = await ask(protocol, { modelId: CLAUDE_THINKING, outputConfig: outputConfig as never });
    expect(content).toHaveLength(1);
    const parsed = JSON.parse(content[0].text ?? 'not json');
    expect(matches(PERSON_SCHEMA, parsed)).toBe(true);
    expect(parsed).toEqual({ name: '', age: 0, tags: [''] });
    expect(stopReason).toBe('end_turn');
  });

  it.each([
    [3, 'Emulated reply to:', 'max_tokens'],
    [5, 'Emulated reply to: What is', 'max_tokens'],
    [9, 'Emulated reply to: What is the weather in Paris?', 'end_turn'],
    [100, 'Emulated reply to: What is the weather in Paris?', 'end_turn'],
  ])('maxTokens %i cuts the reply to %j and stops with %s', async (maxTokens, text, stopReason) => {
    const answer = await ask(protocol, { modelId: LLAMA, inferenceConfig: { maxTokens } });
    expect(answer).toEqual({ content: [{ text }], stopReason, outputTokens: Math.min(maxTokens, 9) });
  });

  it.each([
    ['Claude thinking', CLAUDE_THINKING, { thinking: { type: 'enabled', budget_tokens: 1024 } }],
    ['Claude adaptive thinking', CLAUDE_THINKING, { thinking: { type: 'adaptive' } }],
    ['Nova reasoningConfig', NOVA, { reasoningConfig: { type: 'enabled', maxReasoningEffort: 'low' } }],
  ])('%s puts a signed reasoning block before the answer', async (_case, modelId, fields) => {
    const { content, stopReason } = await ask(protocol, { modelId, additionalModelRequestFields: fields as never });
    expect(content).toHaveLength(2);
    expect(content[0].reasoningContent?.reasoningText).toEqual({
      text: 'Emulated reasoning about: What is the weather in Paris?',
      signature: expect.stringMatching(/^[A-Za-z0-9+/]{20,}={0,2}$/),
    });
    expect(content[1]).toEqual({ text: 'Emulated reply to: What is the weather in Paris?' });
    expect(stopReason).toBe('end_turn');
  });

  it.each([
    ['Claude without thinking', CLAUDE, {}],
    ['Claude with thinking disabled', CLAUDE, { thinking: { type: 'disabled' } }],
    ['Nova with reasoning disabled', NOVA, { reasoningConfig: { type: 'disabled' } }],
  ])('%s answers without reasoning', async (_case, modelId, fields) => {
    const { content } = await ask(protocol, { modelId, additionalModelRequestFields: fields as never });
    expect(content.map((b) => Object.keys(b)[0])).toEqual(['text']);
  });

  it('reasoning tokens count toward maxTokens, then a forced tool call that does not fit is left out', async () => {
    const { content, stopReason, outputTokens } = await ask(protocol, {
      modelId: CLAUDE_THINKING,
      inferenceConfig: { maxTokens: 4 },
      additionalModelRequestFields: { thinking: { type: 'adaptive' } },
      toolConfig: { tools: TOOLS as never, toolChoice: { any: {} } },
    });
    expect(content).toEqual([{ reasoningContent: { reasoningText: { text: 'Emulated reasoning about: What', signature: expect.any(String) } } }]);
    expect(stopReason).toBe('max_tokens');
    expect(outputTokens).toBe(4);
  });

  it('a scripted reply wins over every default', async () => {
    ctx.emulator().enqueue({ content: [{ text: 'scripted answer' }] }, { times: 2 });
    const answer = await ask(protocol, {
      modelId: CLAUDE,
      inferenceConfig: { maxTokens: 1 },
      toolConfig: { tools: TOOLS as never, toolChoice: { any: {} } },
    });
    expect(answer).toEqual({ content: [{ text: 'scripted answer' }], stopReason: 'end_turn', outputTokens: 2 });
  });

  it('a configured reply text is cut by maxTokens too', async () => {
    ctx.emulator().setDefaults({ replyText: 'one two three four' });
    const answer = await ask(protocol, { modelId: CLAUDE, inferenceConfig: { maxTokens: 2 } });
    expect(answer).toEqual({ content: [{ text: 'one two' }], stopReason: 'max_tokens', outputTokens: 2 });
  });
});

describe('firstWords: the emulator cuts at whitespace-separated words', () => {
  it.each([
    ['one two three', 2, 'one two'],
    ['  lead and  trail  ', 2, '  lead and'],
    ['line\nbreak here', 2, 'line\nbreak'],
    ['one two', 5, 'one two'],
    ['one two', 0, ''],
  ])('firstWords(%j, %i) = %j', (text, limit, expected) => {
    expect(firstWords(text, limit)).toBe(expected);
  });
});
