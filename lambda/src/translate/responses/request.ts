/**
 * A validated Responses request → a typed Chat Completions request. Pure. Everything after this point (model
 * capabilities, tools, reasoning, structured output, caching, media) is the chat translation's job, so the
 * Responses API gains whatever the chat path supports without a second copy of the mapping.
 */
import { invalidRequest } from '../../errors/domain-error';
import { isKnownChatKey, type ChatRequest } from '../../schema/chat';
import { MODERATION } from '../chat-request';
import { isKnownResponsesKey, type ResponsesRequest, type TextFormat } from '../../schema/responses';
import type { FieldSources } from './field-names';
import { translateInput } from './input';
import { translateTools, type HostedToolPolicy, type ToolNames } from './tools';

export interface ChatBuild {
  readonly request: ChatRequest;
  /** Where each chat field came from, so errors raised on the chat request name the Responses field. */
  readonly sources: FieldSources;
  /** Bedrock tool name → the namespace or custom tool the client offered, for reading calls back. */
  readonly toolNames: ToolNames;
  /** Hosted tool types left out of the model's tool list. */
  readonly ignoredTools: readonly string[];
}

export interface ResponsesOptions {
  /**
   * The route keeps responses (a store is configured): `store` and `previous_response_id` are its to serve
   * (it has already put the earlier items into `input`). @default false
   */
  readonly stored?: boolean;
  /** HOSTED_TOOLS: hosted tools are left out and reported (`ignore`) or refused (`reject`). @default 'ignore' */
  readonly hostedTools?: HostedToolPolicy;
}

const STATELESS = 'This gateway is stateless: its response store is off.';
const UNSUPPORTED = 'This gateway does not serve this.';

/** Features that need server-side storage or execution the gateway does not have. */
function rejectStateful(req: ResponsesRequest, stored: boolean): void {
  if (req.previous_response_id && !stored) {
    throw invalidRequest(`${STATELESS} Send the full conversation in input (with store: false) instead of previous_response_id.`, 'previous_response_id', 'stateless_gateway');
  }
  // OpenAI's default is store: true; only an explicit true is refused, since clients that really rely on
  // storage say so through previous_response_id.
  if (req.store === true && !stored) throw invalidRequest(`${STATELESS} Set store to false (or leave it out) and send the full conversation each turn.`, 'store', 'stateless_gateway');
  const why = stored ? UNSUPPORTED : STATELESS;
  if (req.conversation != null) throw invalidRequest(`${why} Send the conversation in input or chain responses with previous_response_id instead of a conversation id.`, 'conversation', 'stateless_gateway');
  if (req.background === true) throw invalidRequest(`${why} Background responses are not available; send the request without background.`, 'background', 'stateless_gateway');
  if (req.prompt != null) throw invalidRequest(`${why} Stored prompt templates are not available; send instructions and input instead.`, 'prompt', 'stateless_gateway');
  if ((req as Record<string, unknown>).moderation != null) throw invalidRequest(MODERATION, 'moderation', 'unsupported_parameter');
  req.include?.forEach((value, i) => {
    // Other include values concern hosted tools the gateway never runs; reasoning.encrypted_content is always sent.
    if (value === 'message.output_text.logprobs') throw invalidRequest('Bedrock does not return log probabilities.', ['include', i], 'unsupported_parameter');
  });
}

function responseFormat(format: TextFormat | null | undefined): ChatRequest['response_format'] {
  if (!format) return undefined;
  if (format.type !== 'json_schema') return { type: format.type };
  const { name, schema, description, strict } = format;
  return { type: 'json_schema', json_schema: { name, schema, ...(description ? { description } : {}), ...(strict != null ? { strict } : {}) } };
}

/**
 * Top-level keys the Responses API does not define (Python's flattened `extra_body`) travel on as the chat
 * route's do: as top-level extras, or inside `extra_body` when the chat API gives the key a meaning of its
 * own (`stop`, `n`, …), since the Responses API does not. A literal `extra_body` wins over both.
 */
function extraFields(req: ResponsesRequest): { topLevel: Record<string, unknown>; extraBody?: Record<string, unknown> } {
  const topLevel: Record<string, unknown> = {};
  const nested: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(req)) {
    if (isKnownResponsesKey(k) || v === undefined) continue;
    if (isKnownChatKey(k)) nested[k] = v;
    else topLevel[k] = v;
  }
  const extraBody = Object.keys(nested).length ? { ...nested, ...(req.extra_body ?? {}) } : (req.extra_body ?? undefined);
  return { topLevel, ...(extraBody ? { extraBody } : {}) };
}

/** Keeps the fields that have a value. */
function defined<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v != null)) as Partial<T>;
}

export function toChatRequest(req: ResponsesRequest, options: ResponsesOptions = {}): ChatBuild {
  rejectStateful(req, options.stored === true);
  const tools = translateTools(req, options.hostedTools ?? 'ignore');
  const input = translateInput(req.input);
  const instructions: ChatRequest['messages'] = req.instructions ? [{ role: 'system', content: req.instructions }] : [];
  const effort = req.reasoning?.effort === 'max' ? 'xhigh' : req.reasoning?.effort;
  const extras = extraFields(req);
  const request: ChatRequest = {
    ...extras.topLevel,
    model: req.model,
    messages: [...instructions, ...input.messages],
    ...defined({
      tools: tools.tools.length ? tools.tools : undefined,
      tool_choice: tools.toolChoice,
      parallel_tool_calls: req.parallel_tool_calls,
      max_completion_tokens: req.max_output_tokens,
      temperature: req.temperature,
      top_p: req.top_p,
      top_logprobs: req.top_logprobs,
      reasoning_effort: effort,
      response_format: responseFormat(req.text?.format),
      metadata: req.metadata,
      user: req.user,
      service_tier: req.service_tier,
      prompt_cache_key: req.prompt_cache_key,
      prompt_cache_retention: req.prompt_cache_retention,
      extra_body: extras.extraBody,
    }),
    ...(req.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
  return {
    request,
    sources: { messages: [...instructions.map(() => ({ at: ['instructions'] })), ...input.sources], tools: tools.paths },
    toolNames: tools.names,
    ignoredTools: tools.ignored,
  };
}
