/**
 * A validated Chat Completions request → ConverseStream/Converse input, plus the few things the way back
 * must know. Pure: no SDK client, no environment.
 */
import type { ConverseStreamCommandInput, InferenceConfiguration } from '@aws-sdk/client-bedrock-runtime';
import type { ModelCapabilities } from '../bedrock/capabilities';
import { invalidRequest } from '../http/errors';
import { KNOWN_CHAT_KEYS, type ChatRequest } from '../schema/chat';
import type { DecodedMedia } from './media';
import { translateMessages } from './messages';
import { planReasoning } from './reasoning';
import { translateTools } from './tools';

export interface ChatTranslationContext {
  /** The id sent to Bedrock (foundation model, profile id or ARN). */
  readonly modelId: string;
  readonly caps: ModelCapabilities;
  readonly fetchedMedia?: ReadonlyMap<string, DecodedMedia>;
}

export interface ChatPlan {
  readonly input: ConverseStreamCommandInput;
  readonly dropToolCalls: boolean;
  readonly maxToolCalls?: number;
  readonly includeUsage: boolean;
  /** Tools were offered to a model that cannot stream tool use: stream from an unstreamed call. */
  readonly streamFromUnstreamed: boolean;
}

/** Fields Bedrock cannot honour, where ignoring them would change what the client gets. */
function rejectUnsupported(req: ChatRequest): void {
  if (req.n != null && req.n > 1) throw invalidRequest('Bedrock returns one choice per request; n must be 1.', 'n', 'unsupported_parameter');
  if (req.logprobs) throw invalidRequest('Bedrock does not return log probabilities.', 'logprobs', 'unsupported_parameter');
  if (req.top_logprobs) throw invalidRequest('Bedrock does not return log probabilities.', 'top_logprobs', 'unsupported_parameter');
  if (req.logit_bias && Object.keys(req.logit_bias).length > 0) throw invalidRequest('Bedrock does not support logit_bias.', 'logit_bias', 'unsupported_parameter');
  if (req.audio != null || req.modalities?.includes('audio')) throw invalidRequest('Audio output is not supported by Bedrock Converse.', req.audio != null ? 'audio' : 'modalities', 'unsupported_parameter');
  if ((req as Record<string, unknown>).web_search_options != null) throw invalidRequest('Web search is not available through this gateway.', 'web_search_options', 'unsupported_parameter');
}

/** Bedrock requestMetadata: at most 16 pairs, keys and values from a restricted character set. */
const METADATA_KEY = /^[a-zA-Z0-9\s:_@$#=/+,.-]{1,256}$/;
const METADATA_VALUE = /^[a-zA-Z0-9\s:_@$#=/+,.-]{0,256}$/;

function requestMetadata(req: ChatRequest): Record<string, string> | undefined {
  const pairs = Object.entries({ ...(req.metadata ?? {}), ...(req.user ? { user: req.user } : {}) }).filter(
    ([k, v]) => METADATA_KEY.test(k) && METADATA_VALUE.test(v),
  );
  return pairs.length ? Object.fromEntries(pairs.slice(0, 16)) : undefined;
}

/** Unknown top-level keys (Python's flattened extra_body) and a literal extra_body object. */
function extraFields(req: ChatRequest): Record<string, unknown> {
  const extras: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(req)) if (!KNOWN_CHAT_KEYS.has(k) && v !== undefined) extras[k] = v;
  return { ...extras, ...(req.extra_body ?? {}) };
}

function inferenceConfig(req: ChatRequest, caps: ModelCapabilities): InferenceConfiguration {
  const config: InferenceConfiguration = {};
  const maxTokens = req.max_completion_tokens ?? req.max_tokens;
  if (maxTokens != null) config.maxTokens = maxTokens;
  if (req.temperature != null) config.temperature = req.temperature;
  // Models that reject both keep the temperature: it is the knob clients set on purpose far more often.
  if (req.top_p != null && !(caps.samplingExclusive && req.temperature != null)) config.topP = req.top_p;
  if (req.stop != null) {
    const stops = (typeof req.stop === 'string' ? [req.stop] : req.stop).filter((s) => s !== '');
    if (stops.length) config.stopSequences = stops;
  }
  return config;
}

export function translateChatRequest(req: ChatRequest, ctx: ChatTranslationContext): ChatPlan {
  rejectUnsupported(req);
  const { system, messages } = translateMessages(req.messages, ctx);
  const tools = translateTools(req, messages, ctx.modelId, ctx.caps);
  const forced = !!tools.toolConfig?.toolChoice && !('auto' in tools.toolConfig.toolChoice && tools.toolConfig.toolChoice.auto);
  const reasoning = planReasoning(req.reasoning_effort, inferenceConfig(req, ctx.caps), ctx.caps, forced);

  const additional = { ...reasoning.additionalFields, ...extraFields(req) };
  const metadata = requestMetadata(req);
  const input: ConverseStreamCommandInput = {
    modelId: ctx.modelId,
    messages,
    ...(system.length ? { system } : {}),
    ...(Object.keys(reasoning.inferenceConfig).length ? { inferenceConfig: reasoning.inferenceConfig } : {}),
    ...(tools.toolConfig ? { toolConfig: tools.toolConfig } : {}),
    ...(Object.keys(additional).length ? { additionalModelRequestFields: additional as never } : {}),
    ...(reasoning.outputEffort ? { outputConfig: { effort: reasoning.outputEffort } } : {}),
    ...(metadata ? { requestMetadata: metadata } : {}),
  };
  return {
    input,
    dropToolCalls: tools.dropToolCalls,
    maxToolCalls: tools.maxToolCalls,
    includeUsage: req.stream_options?.include_usage === true,
    streamFromUnstreamed: !!tools.toolConfig && !ctx.caps.streamingTools,
  };
}
