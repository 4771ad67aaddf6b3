/**
 * The Chat Completions request as OpenAI defines it, validated with zod. Unknown top-level keys are kept
 * (`looseObject`): the Python SDK flattens `extra_body` into the top level, and those reach Bedrock as
 * model-specific fields.
 */
import * as z from 'zod';
import { deferred, keySet, once } from './deferred';
import { modelField } from './model-field';
import { list } from './list';

/** What OpenAI accepts as a function name (and Bedrock as a tool name). */
export const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
export const FUNCTION_NAME_RULE = 'function names must be 1-64 characters of a-z, A-Z, 0-9, _ or -';

/** OpenAI's rule for `metadata`: at most 16 pairs, keys up to 64 characters, values up to 512. */
export const METADATA_LIMITS = { pairs: 16, keyChars: 64, valueChars: 512 } as const;

/** `metadata` as OpenAI takes it (built inside the lazily built schemas). */
export function metadataSchema() {
  const { pairs, keyChars, valueChars } = METADATA_LIMITS;
  return z
    .record(z.string().max(keyChars, `metadata keys are at most ${keyChars} characters`), z.string().max(valueChars, `metadata values are at most ${valueChars} characters`))
    .refine((m) => Object.keys(m).length <= pairs, `metadata holds at most ${pairs} key-value pairs`)
    .nullish();
}

/** The schemas, built on the first request that needs them (see ./deferred). */
function build() {
  const textPart = z.object({ type: z.literal('text'), text: z.string() }).loose();
  /** Anthropic-style cache marker (`{type:"ephemeral", ttl?}`), as LiteLLM-era clients send it. */
  const cacheControl = z.object({ type: z.string(), ttl: z.string().optional() }).loose().nullish();
  /** OpenAI's explicit cache breakpoint on a content part. */
  const cacheBreakpoint = z.object({ mode: z.string().optional(), ttl: z.string().optional() }).loose().nullish();
  const cacheMarkers = { cache_control: cacheControl, prompt_cache_breakpoint: cacheBreakpoint };

  const imagePart = z
    .object({
      type: z.literal('image_url'),
      image_url: z.union([z.object({ url: z.string(), detail: z.string().nullish() }).loose(), z.string()]),
      ...cacheMarkers,
    })
    .loose();

  const filePart = z
    .object({
      type: z.literal('file'),
      file: z
        .object({ file_data: z.string().optional(), file_id: z.string().optional(), filename: z.string().optional() })
        .loose(),
      ...cacheMarkers,
    })
    .loose();

  const audioPart = z.object({ type: z.literal('input_audio'), input_audio: z.unknown() }).loose();
  const refusalPart = z.object({ type: z.literal('refusal'), refusal: z.string() }).loose();

  const textOnlyPart = textPart.extend(cacheMarkers);
  const userPart = z.discriminatedUnion('type', [textOnlyPart, imagePart, filePart, audioPart]);

  const toolCallSchema = z
    .object({
      id: z.string(),
      type: z.literal('function').optional(),
      function: z.object({ name: z.string().min(1), arguments: z.string() }).loose(),
    })
    .loose();

  const thinkingBlock = z
    .object({ type: z.enum(['thinking', 'redacted_thinking']), thinking: z.string().optional(), signature: z.string().optional(), data: z.string().optional() })
    .loose();

  const systemMessage = z.object({ role: z.enum(['system', 'developer']), content: z.union([z.string(), list(textOnlyPart)]), name: z.string().optional() }).loose();
  const userMessage = z.object({ role: z.literal('user'), content: z.union([z.string(), list(userPart)]), name: z.string().optional() }).loose();
  const assistantMessage = z
    .object({
      role: z.literal('assistant'),
      content: z.union([z.string(), list(z.union([textOnlyPart, refusalPart])), z.null()]).optional(),
      tool_calls: list(toolCallSchema).optional(),
      function_call: z.object({ name: z.string(), arguments: z.string() }).loose().nullish(),
      reasoning_content: z.string().nullish(),
      reasoning_signature: z.string().nullish(),
      thinking_blocks: list(thinkingBlock).nullish(),
      name: z.string().optional(),
    })
    .loose();
  const toolMessage = z.object({ role: z.literal('tool'), tool_call_id: z.string(), content: z.union([z.string(), list(textOnlyPart)]) }).loose();
  const functionMessage = z.object({ role: z.literal('function'), name: z.string(), content: z.string().nullable() }).loose();

  const messageSchema = z.discriminatedUnion('role', [systemMessage, userMessage, assistantMessage, toolMessage, functionMessage]);

  const functionDef = z
    .object({
      name: z.string().regex(FUNCTION_NAME, FUNCTION_NAME_RULE),
      description: z.string().optional(),
      parameters: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    })
    .loose();

  const toolSchema = z.object({ type: z.literal('function'), function: functionDef, ...cacheMarkers }).loose();

  const toolChoiceSchema = z.union([
    z.enum(['none', 'auto', 'required']),
    z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }).loose(),
  ]);

  const responseFormatSchema = z.discriminatedUnion('type', [
    z.object({ type: z.literal('text') }).loose(),
    z.object({ type: z.literal('json_object') }).loose(),
    z
      .object({
        type: z.literal('json_schema'),
        json_schema: z
          .object({ name: z.string(), description: z.string().optional(), schema: z.record(z.string(), z.unknown()).optional(), strict: z.boolean().nullish() })
          .loose(),
      })
      .loose(),
  ]);

  const chatRequestSchema = z
    .object({
      model: modelField(),
      messages: list(messageSchema, (a) => a.min(1, 'messages must hold at least one message')),
      max_tokens: z.number().int().positive().nullish(),
      max_completion_tokens: z.number().int().positive().nullish(),
      temperature: z.number().min(0).max(2).nullish(),
      top_p: z.number().min(0).max(1).nullish(),
      stop: z.union([z.string(), list(z.string(), (a) => a.max(4, 'stop takes at most 4 sequences'))]).nullish(),
      n: z.number().int().min(1).nullish(),
      stream: z.boolean().nullish(),
      stream_options: z.object({ include_usage: z.boolean().optional() }).loose().nullish(),
      user: z.string().optional(),
      metadata: metadataSchema(),
      seed: z.number().int().nullish(),
      frequency_penalty: z.number().min(-2).max(2).nullish(),
      presence_penalty: z.number().min(-2).max(2).nullish(),
      logit_bias: z.record(z.string(), z.number()).nullish(),
      logprobs: z.boolean().nullish(),
      top_logprobs: z.number().int().min(0).max(20).nullish(),
      store: z.boolean().nullish(),
      service_tier: z.string().nullish(),
      modalities: list(z.string()).nullish(),
      audio: z.unknown().optional(),
      prediction: z.unknown().optional(),
      tools: list(toolSchema).nullish(),
      tool_choice: toolChoiceSchema.nullish(),
      parallel_tool_calls: z.boolean().nullish(),
      functions: list(functionDef).nullish(),
      function_call: z.union([z.enum(['none', 'auto']), z.object({ name: z.string() }).loose()]).nullish(),
      response_format: responseFormatSchema.nullish(),
      reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']).nullish(),
      prompt_cache_key: z.string().nullish(),
      prompt_cache_options: z.object({ mode: z.enum(['implicit', 'explicit']).optional(), ttl: z.string().optional() }).loose().nullish(),
      extra_body: z.record(z.string(), z.unknown()).nullish(),
    })
    .loose();

  return { chatRequestSchema, messageSchema, toolCallSchema, userPart, responseFormatSchema };
}

const schemas = once(build);
type Schemas = ReturnType<typeof build>;

export const chatRequestSchema = deferred(() => schemas().chatRequestSchema);

export type ChatRequest = z.infer<Schemas['chatRequestSchema']>;
export type ChatMessage = z.infer<Schemas['messageSchema']>;
export type ToolCall = z.infer<Schemas['toolCallSchema']>;
export type UserContentPart = z.infer<Schemas['userPart']>;
export type ResponseFormat = z.infer<Schemas['responseFormatSchema']>;

/** The cache markers a content part may carry. */
export interface CacheMarked {
  cache_control?: { type: string; ttl?: string } | null;
  prompt_cache_breakpoint?: { mode?: string; ttl?: string } | null;
}

/** Whether the gateway understands a top-level key; the others are passed to the model as extra fields. */
export const isKnownChatKey = keySet(() => [...Object.keys(schemas().chatRequestSchema.shape), 'web_search_options', 'verbosity', 'safety_identifier', 'prompt_cache_retention', 'moderation']);
