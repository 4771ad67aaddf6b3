/**
 * What each model family does with `additionalModelRequestFields`, as data. Bedrock merges those fields
 * into the model's native request body and validates the result there, so the rules are the native
 * schema's, not Converse's. Sources and confidence per row are in docs/emulator.md; where a family's
 * behaviour is unknown the row says `otherKeys: 'accept'` rather than guess a rejection.
 *
 * Known independently of the gateway on purpose: nothing here may come from lambda/src.
 */

/** Where Converse takes a native field from: a path into the Converse request, or always (the conversation itself). */
export interface ConverseSource {
  /** Dotted path into the Converse body; the native field is set when that path holds a value. `null`: always set. */
  readonly path: string | null;
  /** The Converse field Bedrock names in the conflict message, when it differs from the native key. */
  readonly name?: string;
}

export interface ModelFamily {
  readonly family: string;
  /** Tested against the foundation-model id (profile prefix and ARN already resolved); first match wins. */
  readonly match: RegExp;
  /** Native keys the request may add that Converse never sets. */
  readonly accepts: readonly string[];
  /** 'reject': any key outside the native schema fails (Bedrock's JSON-schema check); 'accept': passed through unchecked. */
  readonly otherKeys: 'reject' | 'accept';
  /** Native keys Converse fills itself: sending one while Converse also fills it is a conflict. */
  readonly setByConverse: Readonly<Record<string, ConverseSource>>;
  /** Further native checks on the merged request: each returns Bedrock's message for a violation. */
  readonly nativeChecks?: readonly NativeCheck[];
  /** Whether these additional fields switch the model's reasoning on (the default reply then reasons). */
  readonly reasoningOn?: (fields: Readonly<Record<string, unknown>>) => boolean;
}

/** A check of the Converse body and its additional fields; the error message when it fails, else undefined. */
export type NativeCheck = (body: Readonly<Record<string, unknown>>, fields: Readonly<Record<string, unknown>>) => string | undefined;

const ALWAYS: ConverseSource = { path: null };
const from = (path: string, name?: string): ConverseSource => ({ path, name });
const inference = (field: 'maxTokens' | 'temperature' | 'topP' | 'stopSequences'): ConverseSource =>
  from(`inferenceConfig.${field}`, field);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const typeOf = (value: unknown): unknown => (isObject(value) ? value.type : undefined);

export const THINKING_BUDGET_MESSAGE = '`max_tokens` must be greater than `thinking.budget_tokens`.';

/** Claude: thinking spends from max_tokens, so its budget must fit below it, unless interleaved thinking spreads it over a turn. */
const thinkingBudgetFits: NativeCheck = (body, fields) => {
  const { thinking, anthropic_beta: betas } = fields;
  const maxTokens = isObject(body.inferenceConfig) ? body.inferenceConfig.maxTokens : undefined;
  if (!isObject(thinking) || thinking.type !== 'enabled' || typeof thinking.budget_tokens !== 'number') return undefined;
  if (typeof maxTokens !== 'number') return undefined;
  if (Array.isArray(betas) && betas.some((beta) => typeof beta === 'string' && beta.startsWith('interleaved-thinking'))) return undefined;
  return thinking.budget_tokens >= maxTokens ? THINKING_BUDGET_MESSAGE : undefined;
};

export const MODEL_FAMILIES: readonly ModelFamily[] = [
  {
    family: 'anthropic-claude',
    match: /^anthropic\.claude/,
    // reasoning_config: the name Claude 3.7 launched with on Bedrock, before `thinking`.
    accepts: ['anthropic_version', 'anthropic_beta', 'top_k', 'thinking', 'reasoning_config', 'output_config', 'context_management'],
    otherKeys: 'reject',
    setByConverse: {
      messages: ALWAYS,
      system: from('system'),
      max_tokens: inference('maxTokens'),
      temperature: inference('temperature'),
      top_p: inference('topP'),
      stop_sequences: inference('stopSequences'),
      tools: from('toolConfig.tools', 'toolConfig'),
      tool_choice: from('toolConfig.toolChoice', 'toolChoice'),
    },
    nativeChecks: [thinkingBudgetFits],
    reasoningOn: (f) => ['enabled', 'adaptive'].includes(typeOf(f.thinking) as string) || typeOf(f.reasoning_config) === 'enabled',
  },
  {
    family: 'amazon-nova',
    match: /^amazon\.nova/,
    // inferenceConfig is merged with the one Converse builds (topK lives there).
    accepts: ['inferenceConfig', 'reasoningConfig', 'schemaVersion'],
    otherKeys: 'reject',
    setByConverse: { messages: ALWAYS, system: from('system'), toolConfig: from('toolConfig') },
    reasoningOn: (f) => typeOf(f.reasoningConfig) === 'enabled',
  },
  {
    family: 'amazon-titan-text',
    match: /^amazon\.titan-text/,
    accepts: ['textGenerationConfig'],
    otherKeys: 'reject',
    setByConverse: { inputText: ALWAYS },
  },
  {
    family: 'meta-llama',
    match: /^meta\.llama/,
    accepts: [],
    otherKeys: 'reject',
    setByConverse: {
      prompt: ALWAYS,
      max_gen_len: inference('maxTokens'),
      temperature: inference('temperature'),
      top_p: inference('topP'),
    },
  },
  {
    family: 'cohere-command-r',
    match: /^cohere\.command-r/,
    accepts: ['documents', 'search_queries_only', 'k', 'prompt_truncation', 'frequency_penalty', 'presence_penalty', 'seed', 'return_prompt', 'raw_prompting'],
    otherKeys: 'reject',
    setByConverse: {
      message: ALWAYS,
      chat_history: ALWAYS,
      preamble: from('system', 'system'),
      max_tokens: inference('maxTokens'),
      temperature: inference('temperature'),
      p: inference('topP'),
      stop_sequences: inference('stopSequences'),
      tools: from('toolConfig.tools', 'toolConfig'),
    },
  },
  {
    family: 'mistral',
    match: /^mistral\./,
    accepts: ['top_k', 'safe_prompt', 'random_seed'],
    otherKeys: 'accept',
    setByConverse: {
      max_tokens: inference('maxTokens'),
      temperature: inference('temperature'),
      top_p: inference('topP'),
      stop: inference('stopSequences'),
      tools: from('toolConfig.tools', 'toolConfig'),
      tool_choice: from('toolConfig.toolChoice', 'toolChoice'),
    },
  },
  {
    family: 'deepseek',
    match: /^deepseek\./,
    accepts: [],
    otherKeys: 'accept',
    setByConverse: {
      max_tokens: inference('maxTokens'),
      temperature: inference('temperature'),
      top_p: inference('topP'),
      stop: inference('stopSequences'),
    },
  },
  {
    family: 'openai-gpt-oss',
    match: /^openai\.gpt-oss/,
    accepts: ['reasoning_effort'],
    otherKeys: 'accept',
    setByConverse: {
      messages: ALWAYS,
      max_completion_tokens: inference('maxTokens'),
      temperature: inference('temperature'),
      top_p: inference('topP'),
      stop: inference('stopSequences'),
      tools: from('toolConfig.tools', 'toolConfig'),
      tool_choice: from('toolConfig.toolChoice', 'toolChoice'),
    },
  },
];

/** The family of a foundation-model id, or undefined for a model the emulator has no rules for (then nothing is checked). */
export function familyOf(foundationModelId: string): ModelFamily | undefined {
  return MODEL_FAMILIES.find((row) => row.match.test(foundationModelId));
}
