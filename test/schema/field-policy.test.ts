/**
 * Every field of the current Chat Completions and Responses request types (read from the `openai` SDK's own
 * type declarations, so a field the SDK adds fails here until it has a policy) is mapped, deliberately
 * ignored, or a 400 naming it: none falls through to the model as a provider extra, where real Bedrock would
 * fail the whole call.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DomainError } from '../../lambda/src/errors/domain-error';
import { capabilitiesFor } from '../../lambda/src/models/capabilities';
import { chatRequestSchema, isKnownChatKey, type ChatRequest } from '../../lambda/src/schema/chat';
import { isKnownResponsesKey, responsesRequestSchema } from '../../lambda/src/schema/responses';
import { parseRequest } from '../../lambda/src/schema/validate';
import { translateChatRequest } from '../../lambda/src/translate/chat-request';
import { toChatRequest } from '../../lambda/src/translate/responses/request';

const SDK = path.join(__dirname, '../../node_modules/openai/resources');
const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';

/** The top-level property names of an interface in a .d.ts file. */
function interfaceKeys(file: string, name: string): string[] {
  const src = readFileSync(path.join(SDK, file), 'utf8');
  const open = src.indexOf('{', src.indexOf(`export interface ${name} {`));
  const keys: string[] = [];
  let depth = 0;
  let line = '';
  for (let i = open; i < src.length; i++) {
    const ch = src[i];
    if (ch === '{') depth++;
    if (ch === '}' && --depth === 0) break;
    if (ch === '\n') {
      const m = /^\s*(\w+)\??:/.exec(line);
      if (m) keys.push(m[1]);
      line = '';
    } else if (depth === 1 && ch !== '{') line += ch;
  }
  return keys;
}

const CHAT_KEYS = interfaceKeys('chat/completions/completions.d.ts', 'ChatCompletionCreateParamsBase');
const RESPONSES_KEYS = interfaceKeys('responses/responses.d.ts', 'ResponseCreateParamsBase');

/** A value a client could send for each field (each field needs one: a new SDK field fails until added). */
const CHAT_SAMPLES: Record<string, unknown> = {
  messages: [{ role: 'user', content: 'hi' }],
  model: 'claude',
  audio: { voice: 'alloy', format: 'wav' },
  frequency_penalty: 0.5,
  function_call: 'auto',
  functions: [{ name: 'f', parameters: { type: 'object' } }],
  logit_bias: { '50256': -100 },
  logprobs: true,
  max_completion_tokens: 64,
  max_tokens: 64,
  metadata: { team: 'a' },
  modalities: ['text'],
  moderation: { model: 'omni-moderation-latest' },
  n: 1,
  parallel_tool_calls: false,
  prediction: { type: 'content', content: 'x' },
  presence_penalty: 0.5,
  prompt_cache_key: 'k',
  prompt_cache_options: { mode: 'implicit' },
  prompt_cache_retention: '24h',
  reasoning_effort: 'low',
  response_format: { type: 'json_object' },
  safety_identifier: 'u',
  seed: 7,
  service_tier: 'auto',
  stop: ['x'],
  store: false,
  stream: true,
  stream_options: { include_usage: true },
  temperature: 0.5,
  tool_choice: 'auto',
  tools: [{ type: 'function', function: { name: 'g', parameters: { type: 'object' } } }],
  top_logprobs: 2,
  top_p: 0.5,
  user: 'u',
  verbosity: 'low',
  web_search_options: {},
};

const RESPONSES_SAMPLES: Record<string, unknown> = {
  access_programs: { enabled: true },
  background: true,
  context_management: [{ type: 'compaction' }],
  conversation: 'conv_1',
  image: { size: '1024x1024' },
  include: ['reasoning.encrypted_content'],
  input: 'hi',
  instructions: 'Be brief.',
  max_output_tokens: 64,
  max_tool_calls: 3,
  metadata: { team: 'a' },
  model: 'claude',
  moderation: { model: 'omni-moderation-latest' },
  parallel_tool_calls: false,
  previous_response_id: 'resp_1',
  prompt: { id: 'pmpt_1' },
  prompt_cache_key: 'k',
  prompt_cache_options: { mode: 'implicit' },
  prompt_cache_retention: '24h',
  reasoning: { effort: 'low', summary: 'auto' },
  safety_identifier: 'u',
  service_tier: 'auto',
  store: false,
  stream: true,
  stream_options: { include_obfuscation: false },
  temperature: 0.5,
  text: { format: { type: 'text' }, verbosity: 'low' },
  tool_choice: 'auto',
  tools: [{ type: 'function', name: 'g', parameters: { type: 'object' }, strict: null }],
  top_logprobs: 2,
  top_p: 0.5,
  truncation: 'auto',
  user: 'u',
};

/** Either a 400 naming the field, or a Bedrock request in which the field is no provider extra. */
function outcome(body: Record<string, unknown>, key: string, toChat: (b: Record<string, unknown>) => ChatRequest): string {
  try {
    const plan = translateChatRequest(toChat(body), { modelId: CLAUDE, caps: capabilitiesFor(CLAUDE) });
    expect(Object.keys(plan.input.additionalModelRequestFields ?? {})).not.toContain(key);
    expect(plan.ignoredFields).not.toContain(key);
    return 'accepted';
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    expect(err.path?.[0]).toBe(key);
    return '400';
  }
}

describe('Chat Completions: every SDK request field has a policy', () => {
  it('reads the field list from the SDK', () => {
    expect(CHAT_KEYS).toEqual(expect.arrayContaining(['messages', 'model', 'tools', 'web_search_options']));
  });

  it.each(CHAT_KEYS)('%s', (key) => {
    expect(CHAT_SAMPLES).toHaveProperty([key]);
    expect(isKnownChatKey(key)).toBe(true);
    const body = { model: 'claude', messages: [{ role: 'user', content: 'hi' }], [key]: CHAT_SAMPLES[key] };
    expect(['accepted', '400']).toContain(outcome(body, key, (b) => parseRequest(chatRequestSchema, b)));
  });
});

describe('Responses: every SDK request field has a policy', () => {
  it('reads the field list from the SDK', () => {
    expect(RESPONSES_KEYS).toEqual(expect.arrayContaining(['input', 'model', 'tools', 'previous_response_id']));
  });

  it.each(RESPONSES_KEYS)('%s', (key) => {
    expect(RESPONSES_SAMPLES).toHaveProperty([key]);
    expect(isKnownResponsesKey(key)).toBe(true);
    const body = { model: 'claude', input: 'hi', [key]: RESPONSES_SAMPLES[key] };
    expect(['accepted', '400']).toContain(outcome(body, key, (b) => toChatRequest(parseRequest(responsesRequestSchema, b)).request));
  });
});
