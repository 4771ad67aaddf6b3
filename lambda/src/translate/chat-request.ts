/**
 * A validated Chat Completions request → ConverseStream/Converse input, plus the few things the way back
 * must know. Pure: no SDK client, no environment.
 */
import type {
  ConverseStreamCommandInput,
  GuardrailStreamConfiguration,
  InferenceConfiguration,
  Message,
  OutputConfig,
  PerformanceConfiguration,
  ServiceTier,
  SystemContentBlock,
  ToolConfiguration,
} from '@aws-sdk/client-bedrock-runtime';
import type { ModelCapabilities } from '../models/capabilities';
import { invalidRequest } from '../errors/domain-error';
import { isKnownChatKey, type ChatRequest } from '../schema/chat';
import { applyCachePoints } from './cache-points';
import type { DecodedMedia } from './media';
import { translateMessages } from './messages';
import { isActiveEffort, planReasoning } from './reasoning';
import { planStructuredOutput, type StructuredPlan } from './structured-output';
import { translateTools, type ToolPlan } from './tools';
import { lookupTable } from '../lookup-table';

export interface ChatTranslationContext {
  /** The id sent to Bedrock (foundation model, profile id or ARN). */
  readonly modelId: string;
  readonly caps: ModelCapabilities;
  readonly fetchedMedia?: ReadonlyMap<string, DecodedMedia>;
  /** The operator's ENABLE_PROMPT_CACHING: automatic cache points on models that cache. */
  readonly promptCaching?: boolean;
  /** The operator's HOSTED_TOOLS. @default 'ignore' */
  readonly hostedTools?: 'ignore' | 'reject';
}

export interface ChatPlan {
  readonly input: ConverseStreamCommandInput;
  readonly dropToolCalls: boolean;
  readonly maxToolCalls?: number;
  readonly includeUsage: boolean;
  /** Tools were offered to a model that cannot stream tool use: stream from an unstreamed call. */
  readonly streamFromUnstreamed: boolean;
  /** The structured-output answer tool: a call to it is the answer's content, not a tool call. */
  readonly answerTool?: string;
  /** Text the gateway prefilled for the model; it is the start of the answer's content. */
  readonly contentPrefix?: string;
  /** Unknown top-level request keys left out because the model family does not take them. */
  readonly ignoredFields: readonly string[];
  /** Hosted tools the request asked for that the model is not given (`web_search`). */
  readonly ignoredTools: readonly string[];
}

/** OpenAI's moderation has no Bedrock counterpart the gateway could fill in; guardrails are the way. */
export const MODERATION = 'Moderation results are not available through this gateway; send a Bedrock guardrail (guardrailConfig) instead.';

/** Fields Bedrock cannot honour, where ignoring them would change what the client gets. */
function rejectUnsupported(req: ChatRequest): void {
  if (req.n != null && req.n > 1) throw invalidRequest('Bedrock returns one choice per request; n must be 1.', 'n', 'unsupported_parameter');
  if (req.logprobs) throw invalidRequest('Bedrock does not return log probabilities.', 'logprobs', 'unsupported_parameter');
  if (req.top_logprobs) throw invalidRequest('Bedrock does not return log probabilities.', 'top_logprobs', 'unsupported_parameter');
  if (req.logit_bias && Object.keys(req.logit_bias).length > 0) throw invalidRequest('Bedrock does not support logit_bias.', 'logit_bias', 'unsupported_parameter');
  if ((req as Record<string, unknown>).moderation != null) throw invalidRequest(MODERATION, 'moderation', 'unsupported_parameter');
  if (req.audio != null || req.modalities?.includes('audio')) throw invalidRequest('Audio output is not supported by Bedrock Converse.', req.audio != null ? 'audio' : 'modalities', 'unsupported_parameter');
}

/** Hosted tools the model cannot be given: reported as ignored, or refused when the operator says so. */
function hostedTools(req: ChatRequest, policy: 'ignore' | 'reject'): string[] {
  if ((req as Record<string, unknown>).web_search_options == null) return [];
  if (policy === 'reject') throw invalidRequest('Web search is not available through this gateway.', 'web_search_options', 'unsupported_parameter');
  return ['web_search'];
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

/** Extras that are Converse request fields rather than model fields (see `routingFields`). */
const ROUTING_KEYS: ReadonlySet<string> = new Set(['guardrailConfig', 'guardrail_config', 'performanceConfig', 'latency']);

interface Extras {
  readonly fields: Record<string, unknown>;
  /** Unknown top-level keys the model family does not take, left out of the Bedrock request. */
  readonly ignored: string[];
}

/**
 * Unknown top-level keys (Python's flattened extra_body) that the family's native request takes, routing
 * fields, and a literal extra_body object as given.
 */
function extraFields(req: ChatRequest, caps: ModelCapabilities): Extras {
  const fields: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const [k, v] of Object.entries(req)) {
    if (isKnownChatKey(k) || v === undefined) continue;
    if (ROUTING_KEYS.has(k) || caps.extraFields.includes(k)) fields[k] = v;
    else ignored.push(k);
  }
  return { fields: { ...fields, ...(req.extra_body ?? {}) }, ignored };
}

interface Routing {
  guardrailConfig?: GuardrailStreamConfiguration;
  performanceConfig?: PerformanceConfiguration;
  serviceTier?: ServiceTier;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `guardrailConfig` / `guardrail_config`, with camelCase or snake_case keys. */
function guardrail(value: unknown, streaming: boolean): GuardrailStreamConfiguration {
  const pick = (g: Record<string, unknown>, camel: string, snake: string) => g[camel] ?? g[snake];
  const id = isRecord(value) ? pick(value, 'guardrailIdentifier', 'guardrail_identifier') : undefined;
  const version = isRecord(value) ? pick(value, 'guardrailVersion', 'guardrail_version') : undefined;
  if (!isRecord(value) || typeof id !== 'string' || typeof version !== 'string') {
    throw invalidRequest('guardrailConfig needs guardrailIdentifier and guardrailVersion strings.', 'guardrailConfig', 'invalid_value');
  }
  const trace = pick(value, 'trace', 'trace');
  const mode = pick(value, 'streamProcessingMode', 'stream_processing_mode');
  return {
    guardrailIdentifier: id,
    guardrailVersion: version,
    ...(trace === 'enabled' || trace === 'disabled' || trace === 'enabled_full' ? { trace } : {}),
    // Only ConverseStream takes a processing mode.
    ...(streaming && (mode === 'sync' || mode === 'async') ? { streamProcessingMode: mode } : {}),
  };
}

function performance(value: unknown): PerformanceConfiguration {
  const latency = isRecord(value) ? value.latency : value;
  if (latency !== 'standard' && latency !== 'optimized') {
    throw invalidRequest("performanceConfig.latency (or latency) must be 'standard' or 'optimized'.", 'performanceConfig', 'invalid_value');
  }
  return { latency };
}

/** OpenAI's tiers → Bedrock's. `auto`/`default` leave the choice to Bedrock. */
const SERVICE_TIERS: Readonly<Record<string, ServiceTier['type'] | null>> = lookupTable({
  auto: null,
  default: null,
  flex: 'flex',
  priority: 'priority',
  reserved: 'reserved',
  scale: 'reserved',
});

/**
 * Extras that are Converse request fields, not model fields, are taken out of the extras: a guardrail,
 * the latency-optimised variant, and the service tier.
 */
function routingFields(req: ChatRequest, extras: Record<string, unknown>): Routing {
  const routing: Routing = {};
  const guard = extras.guardrailConfig ?? extras.guardrail_config;
  if (guard !== undefined) routing.guardrailConfig = guardrail(guard, req.stream === true);
  const perf = extras.performanceConfig ?? extras.latency;
  if (perf !== undefined) routing.performanceConfig = performance(perf);
  for (const key of ROUTING_KEYS) delete extras[key];
  if (req.service_tier != null) {
    const tier = SERVICE_TIERS[req.service_tier];
    if (tier === undefined) {
      throw invalidRequest(`Unknown service_tier '${req.service_tier}'. Use auto, default, flex or priority.`, 'service_tier', 'invalid_value');
    }
    if (tier) routing.serviceTier = { type: tier };
  }
  return routing;
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

/** Folds the structured-output plan into the conversation and the tool config. */
function applyStructured(plan: StructuredPlan, system: SystemContentBlock[], messages: Message[], tools: ToolPlan, caps: ModelCapabilities): ToolConfiguration | undefined {
  if (plan.instruction) {
    if (caps.system) system.push({ text: plan.instruction });
    else messages[0].content?.unshift({ text: plan.instruction });
  }
  if (plan.prefill) messages.push({ role: 'assistant', content: [{ text: plan.prefill }] });
  if (!plan.tool) return tools.toolConfig;
  const toolChoice = plan.toolChoice ?? tools.toolConfig?.toolChoice;
  return { tools: [...(tools.toolConfig?.tools ?? []), plan.tool], ...(toolChoice ? { toolChoice } : {}) };
}

export function translateChatRequest(req: ChatRequest, ctx: ChatTranslationContext): ChatPlan {
  rejectUnsupported(req);
  const ignoredTools = hostedTools(req, ctx.hostedTools ?? 'ignore');
  const { caps } = ctx;
  const translated = translateMessages(req.messages, ctx);
  const { messages } = translated;
  const tools = translateTools(req, messages, ctx.modelId, caps);

  const structured = planStructuredOutput(req.response_format, {
    caps,
    takenToolNames: new Set((tools.toolConfig?.tools ?? []).flatMap((t) => (t.toolSpec?.name ? [t.toolSpec.name] : []))),
    // Specs kept only for the history's sake are not on offer: the client listed no tools this turn.
    clientToolsOffered: !!(req.tools?.length || req.functions?.length) && !!tools.toolConfig && !tools.dropToolCalls,
    endsWithAssistant: messages[messages.length - 1].role === 'assistant',
    reasoningWanted: isActiveEffort(req.reasoning_effort) && (caps.reasoning === 'claude-budget' || caps.reasoning === 'claude-adaptive'),
  });
  let system = translated.system;
  let toolConfig = applyStructured(structured, system, messages, tools, caps);
  const forced = !!toolConfig?.toolChoice && !toolConfig.toolChoice.auto;
  const reasoning = planReasoning(req.reasoning_effort, inferenceConfig(req, caps), { caps, forcedToolChoice: forced, messages });

  const cache = { system, messages, tools: toolConfig?.tools };
  applyCachePoints(cache, { caps, automatic: !!ctx.promptCaching && req.prompt_cache_options?.mode !== 'explicit' });
  system = cache.system;
  if (toolConfig && cache.tools) toolConfig = { ...toolConfig, tools: cache.tools };

  const extras = extraFields(req, caps);
  const routing = routingFields(req, extras.fields);
  const additional = { ...reasoning.additionalFields, ...extras.fields };
  const outputConfig: OutputConfig = {
    ...(structured.textFormat ? { textFormat: structured.textFormat } : {}),
    ...(reasoning.outputEffort ? { effort: reasoning.outputEffort } : {}),
  };
  const metadata = requestMetadata(req);
  const input: ConverseStreamCommandInput = {
    modelId: ctx.modelId,
    messages: cache.messages,
    ...(system.length ? { system } : {}),
    ...(Object.keys(reasoning.inferenceConfig).length ? { inferenceConfig: reasoning.inferenceConfig } : {}),
    ...(toolConfig ? { toolConfig } : {}),
    ...(Object.keys(additional).length ? { additionalModelRequestFields: additional as never } : {}),
    ...(Object.keys(outputConfig).length ? { outputConfig } : {}),
    ...(metadata ? { requestMetadata: metadata } : {}),
    ...routing,
  };
  return {
    input,
    dropToolCalls: tools.dropToolCalls,
    maxToolCalls: tools.maxToolCalls,
    includeUsage: req.stream_options?.include_usage === true,
    streamFromUnstreamed: !!toolConfig && !caps.streamingTools,
    ignoredFields: extras.ignored,
    ignoredTools,
    ...(structured.toolName ? { answerTool: structured.toolName } : {}),
    ...(structured.prefill ? { contentPrefix: structured.prefill } : {}),
  };
}
