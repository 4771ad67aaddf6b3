import { capabilitiesFor } from '../../lambda/src/models/capabilities';
import type { GatewayError } from '../../lambda/src/http/errors';
import { clientErrorOf } from '../support/client-error';
import { chatRequestSchema, type ChatRequest } from '../../lambda/src/schema/chat';
import { translateChatRequest } from '../../lambda/src/translate/chat-request';

const MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';

function plan(extra: Record<string, unknown>, modelId = MODEL) {
  const req = chatRequestSchema.parse({ model: 'client-name', messages: [{ role: 'user', content: 'hi' }], ...extra }) as ChatRequest;
  return translateChatRequest(req, { modelId, caps: capabilitiesFor(modelId) });
}

function rejection(extra: Record<string, unknown>, modelId = MODEL): GatewayError {
  try {
    plan(extra, modelId);
  } catch (err) {
    const e = clientErrorOf(err);
    if (e) return e;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('translateChatRequest: generation parameters', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown> | undefined]>([
    ['nothing set', {}, undefined],
    ['max_tokens', { max_tokens: 100 }, { maxTokens: 100 }],
    ['max_completion_tokens wins over max_tokens', { max_tokens: 100, max_completion_tokens: 50 }, { maxTokens: 50 }],
    ['temperature and top_p', { temperature: 0.2, top_p: 0.9 }, { temperature: 0.2, topP: 0.9 }],
    ['stop as a string', { stop: 'END' }, { stopSequences: ['END'] }],
    ['stop as a list', { stop: ['a', 'b'] }, { stopSequences: ['a', 'b'] }],
    ['nulls are ignored', { temperature: null, stop: null, max_tokens: null }, undefined],
  ])('%s', (_name, extra, expected) => {
    expect(plan(extra).input.inferenceConfig).toEqual(expected);
  });

  it('keeps temperature and drops top_p for models that reject both', () => {
    expect(plan({ temperature: 0.5, top_p: 0.9 }, 'anthropic.claude-sonnet-4-5-20250929-v1:0').input.inferenceConfig).toEqual({ temperature: 0.5 });
  });

  it('sends the Bedrock model id, not the client name', () => {
    expect(plan({}).input.modelId).toBe(MODEL);
  });
});

describe('translateChatRequest: hosted tools (HOSTED_TOOLS)', () => {
  const search = { web_search_options: {} };

  it('leaves web search out and reports it by default', () => {
    const p = plan(search);
    expect(p.ignoredTools).toEqual(['web_search']);
    expect(p.input.additionalModelRequestFields).toBeUndefined();
  });

  it('is a 400 naming web_search_options when the operator rejects hosted tools', () => {
    const req = chatRequestSchema.parse({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...search }) as ChatRequest;
    let thrown: unknown;
    try {
      translateChatRequest(req, { modelId: MODEL, caps: capabilitiesFor(MODEL), hostedTools: 'reject' });
    } catch (err) {
      thrown = err;
    }
    expect(clientErrorOf(thrown)).toMatchObject({ status: 400, param: 'web_search_options', code: 'unsupported_parameter' });
  });
});

describe('translateChatRequest: unsupported parameters', () => {
  it.each([
    ['n > 1', { n: 2 }, 'n'],
    ['logprobs', { logprobs: true }, 'logprobs'],
    ['top_logprobs', { top_logprobs: 3 }, 'top_logprobs'],
    ['logit_bias', { logit_bias: { '50256': -100 } }, 'logit_bias'],
    ['audio output', { modalities: ['text', 'audio'], audio: { voice: 'alloy', format: 'wav' } }, 'audio'],
  ])('%s is a 400 naming the parameter', (_name, extra, param) => {
    const err = rejection(extra);
    expect(err.status).toBe(400);
    expect(err.param).toBe(param);
    expect(err.code).toBe('unsupported_parameter');
  });

  it.each([
    ['seed', { seed: 7 }],
    ['frequency_penalty', { frequency_penalty: 0.5 }],
    ['presence_penalty', { presence_penalty: 0.5 }],
    ['store', { store: true }],
    ['n = 1', { n: 1 }],
    ['logprobs false', { logprobs: false }],
    ['empty logit_bias', { logit_bias: {} }],
  ])('%s is accepted and not sent upstream', (_name, extra) => {
    const input = plan(extra).input;
    expect(input.additionalModelRequestFields).toBeUndefined();
    expect(input.inferenceConfig).toBeUndefined();
  });
});

describe('translateChatRequest: metadata and extras', () => {
  it('maps metadata and user to requestMetadata, skipping pairs Bedrock would reject', () => {
    expect(plan({ metadata: { team: 'search', 'bad key!': 'x', note: 'ok' }, user: 'u-42' }).input.requestMetadata).toEqual({ team: 'search', note: 'ok', user: 'u-42' });
  });

  it('passes unknown top-level keys and a literal extra_body to additionalModelRequestFields', () => {
    expect(plan({ top_k: 40, extra_body: { anthropic_beta: ['x'] } }).input.additionalModelRequestFields).toEqual({ top_k: 40, anthropic_beta: ['x'] });
  });

  // What Bedrock's native schemas take per family (AWS model parameter docs): Claude top_k/thinking,
  // Nova only inside inferenceConfig, Llama nothing extra. Client telemetry is no model field anywhere.
  it.each([
    ['Claude', MODEL, { top_k: 40 }, { top_k: 40 }, []],
    ['Claude', MODEL, { client_metadata: { session: 's' }, prompt_cache_key: 'k' }, undefined, ['client_metadata']],
    ['Nova', 'amazon.nova-pro-v1:0', { top_k: 40 }, undefined, ['top_k']],
    ['Nova', 'amazon.nova-pro-v1:0', { inferenceConfig: { topK: 40 } }, { inferenceConfig: { topK: 40 } }, []],
    ['Llama', 'meta.llama3-1-70b-instruct-v1:0', { top_k: 40, safe_prompt: true }, undefined, ['top_k', 'safe_prompt']],
    ['Mistral', 'mistral.mistral-large-2407-v1:0', { safe_prompt: true }, { safe_prompt: true }, []],
  ])('%s: flattened keys %j reach additionalModelRequestFields as %j, the rest is reported', (_family, modelId, extra, forwarded, ignored) => {
    const p = plan(extra, modelId);
    expect(p.input.additionalModelRequestFields).toEqual(forwarded);
    expect(p.ignoredFields).toEqual(ignored);
  });

  it('forwards a literal extra_body as given, whatever the family (the caller chose it)', () => {
    expect(plan({ extra_body: { top_k: 7 } }, 'amazon.nova-pro-v1:0').input.additionalModelRequestFields).toEqual({ top_k: 7 });
  });

  it('keeps routing extras (guardrail, latency) out of the model fields for every family', () => {
    const p = plan({ latency: 'optimized' }, 'meta.llama3-1-70b-instruct-v1:0');
    expect(p.input.performanceConfig).toEqual({ latency: 'optimized' });
    expect(p.ignoredFields).toEqual([]);
  });

  it('reports include_usage', () => {
    expect(plan({ stream: true, stream_options: { include_usage: true } }).includeUsage).toBe(true);
    expect(plan({ stream: true }).includeUsage).toBe(false);
  });
});

describe('chatRequestSchema: validation names the field', () => {
  it.each([
    [{ model: 'm', messages: [] }, 'messages'],
    [{ model: 42, messages: [{ role: 'user', content: 'x' }] }, 'model'],
    [{ model: 'm', messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0].role'],
    [{ model: 'm', messages: [{ role: 'user', content: 'x' }], temperature: 3 }, 'temperature'],
    [{ model: 'm', messages: [{ role: 'user', content: 'x' }], stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
    [{ model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 'many' }, 'max_tokens'],
  ])('%j', (body, param) => {
    const result = chatRequestSchema.safeParse(body);
    expect(result.success).toBe(false);
    const path = result.error?.issues[0].path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('').replace(/^\./, '');
    expect(path).toBe(param);
  });
});
