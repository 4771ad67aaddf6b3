/**
 * The Responses API request (POST /responses), validated with zod. The top level and `input` are checked
 * loosely here; each input item is parsed by its own schema once its `type` is known, so an item the
 * gateway cannot serve gets a 400 that names it (`input[3].type`) rather than a union mismatch.
 */
import * as z from 'zod';
import { FUNCTION_NAME, FUNCTION_NAME_RULE, metadataSchema } from './chat';
import { deferred, keySet, once } from './deferred';
import { modelField } from './model-field';
import { list } from './list';

/** The schemas, built on the first request that needs them (see ./deferred). */
function build() {
  const nullishString = z.string().nullish();

  const inputTextPart = z.object({ type: z.literal('input_text'), text: z.string() }).loose();
  const outputTextPart = z.object({ type: z.literal('output_text'), text: z.string() }).loose();
  const refusalPart = z.object({ type: z.literal('refusal'), refusal: z.string() }).loose();
  const inputImagePart = z
    .object({ type: z.literal('input_image'), image_url: nullishString, file_id: nullishString, detail: nullishString })
    .loose();
  const inputFilePart = z
    .object({ type: z.literal('input_file'), file_data: nullishString, file_id: nullishString, file_url: nullishString, filename: nullishString })
    .loose();

  const contentPart = z.discriminatedUnion('type', [inputTextPart, outputTextPart, refusalPart, inputImagePart, inputFilePart]);

  /** `EasyInputMessage`, an input `message` item and an earlier output `message` item, all alike here. */
  const messageItem = z
    .object({
      type: z.literal('message').optional(),
      role: z.enum(['user', 'assistant', 'system', 'developer']),
      content: z.union([z.string(), list(contentPart)]),
    })
    .loose();

  const functionCallItem = z
    .object({ type: z.literal('function_call'), call_id: z.string().min(1), name: z.string().min(1), arguments: z.string(), namespace: nullishString })
    .loose();

  const customToolCallItem = z
    .object({ type: z.literal('custom_tool_call'), call_id: z.string().min(1), name: z.string().min(1), input: z.string(), namespace: nullishString })
    .loose();

  /** A client-executed tool search the model asked for, and the tools the client loaded for it. */
  const toolSearchCallItem = z
    .object({ type: z.literal('tool_search_call'), call_id: nullishString, id: nullishString, arguments: z.unknown().optional(), execution: nullishString })
    .loose();
  const toolSearchOutputItem = z
    .object({ type: z.literal('tool_search_output'), call_id: nullishString, tools: list(z.object({ type: z.string() }).loose()) })
    .loose();

  const toolOutput = z.union([z.string(), list(z.discriminatedUnion('type', [inputTextPart, inputImagePart, inputFilePart]))]);

  const functionCallOutputItem = z.object({ type: z.literal('function_call_output'), call_id: z.string().min(1), output: toolOutput }).loose();
  const customToolCallOutputItem = z.object({ type: z.literal('custom_tool_call_output'), call_id: z.string().min(1), output: toolOutput }).loose();

  const reasoningItem = z
    .object({
      type: z.literal('reasoning'),
      summary: list(z.object({ type: z.string(), text: z.string() }).loose()).optional(),
      content: list(z.object({ type: z.string(), text: z.string() }).loose()).nullish(),
      encrypted_content: nullishString,
    })
    .loose();

  const functionToolSchema = z
    .object({
      type: z.literal('function'),
      name: z.string().regex(FUNCTION_NAME, FUNCTION_NAME_RULE),
      description: nullishString,
      parameters: z.record(z.string(), z.unknown()).nullish(),
      strict: z.boolean().nullish(),
    })
    .loose();

  /** Freeform text input; `format` is unconstrained text or a grammar (lark or regex) the input must follow. */
  const customToolSchema = z
    .object({
      type: z.literal('custom'),
      name: z.string().min(1),
      description: nullishString,
      format: z
        .union([
          z.object({ type: z.literal('text') }).loose(),
          z.object({ type: z.literal('grammar'), syntax: z.string(), definition: z.string() }).loose(),
        ])
        .nullish(),
    })
    .loose();

  /** Function and custom tools grouped under a name the calls come back with. */
  const namespaceToolSchema = z
    .object({
      type: z.literal('namespace'),
      name: z.string().min(1),
      description: nullishString,
      tools: list(z.object({ type: z.string() }).loose()),
    })
    .loose();

  const toolChoiceSchema = z.union([
    z.enum(['none', 'auto', 'required']),
    z.object({ type: z.string() }).loose(),
  ]);

  const textFormatSchema = z.discriminatedUnion('type', [
    z.object({ type: z.literal('text') }).loose(),
    z.object({ type: z.literal('json_object') }).loose(),
    z
      .object({
        type: z.literal('json_schema'),
        name: z.string(),
        schema: z.record(z.string(), z.unknown()),
        description: z.string().optional(),
        strict: z.boolean().nullish(),
      })
      .loose(),
  ]);

  const responsesRequestSchema = z
    .object({
      model: modelField(),
      input: z.union([z.string(), list(z.record(z.string(), z.unknown()))], {
        error: 'input must be a string or a list of input items (this gateway keeps no conversation state, so input is required).',
      }),
      instructions: nullishString,
      tools: list(z.object({ type: z.string() }).loose()).nullish(),
      tool_choice: toolChoiceSchema.nullish(),
      parallel_tool_calls: z.boolean().nullish(),
      max_output_tokens: z.number().int().positive().nullish(),
      max_tool_calls: z.number().int().positive().nullish(),
      temperature: z.number().min(0).max(2).nullish(),
      top_p: z.number().min(0).max(1).nullish(),
      top_logprobs: z.number().int().min(0).max(20).nullish(),
      reasoning: z
        .object({
          effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']).nullish(),
          summary: z.enum(['auto', 'concise', 'detailed']).nullish(),
          generate_summary: z.enum(['auto', 'concise', 'detailed']).nullish(),
        })
        .loose()
        .nullish(),
      text: z.object({ format: textFormatSchema.nullish(), verbosity: z.enum(['low', 'medium', 'high']).nullish() }).loose().nullish(),
      metadata: metadataSchema(),
      stream: z.boolean().nullish(),
      stream_options: z.object({ include_obfuscation: z.boolean().optional() }).loose().nullish(),
      store: z.boolean().nullish(),
      previous_response_id: nullishString,
      conversation: z.unknown().optional(),
      background: z.boolean().nullish(),
      prompt: z.unknown().optional(),
      include: list(z.string()).nullish(),
      truncation: z.enum(['auto', 'disabled']).nullish(),
      user: z.string().optional(),
      safety_identifier: nullishString,
      service_tier: nullishString,
      prompt_cache_key: nullishString,
      prompt_cache_retention: nullishString,
      context_management: z.unknown().optional(),
      extra_body: z.record(z.string(), z.unknown()).nullish(),
    })
    .loose();

  return {
    responsesRequestSchema,
    messageItem,
    functionCallItem,
    functionCallOutputItem,
    customToolCallItem,
    customToolCallOutputItem,
    toolSearchCallItem,
    toolSearchOutputItem,
    reasoningItem,
    functionToolSchema,
    customToolSchema,
    namespaceToolSchema,
    textFormatSchema,
  };
}

const schemas = once(build);
type Schemas = ReturnType<typeof build>;

export const responsesRequestSchema = deferred(() => schemas().responsesRequestSchema);
export const messageItem = deferred(() => schemas().messageItem);
export const functionCallItem = deferred(() => schemas().functionCallItem);
export const functionCallOutputItem = deferred(() => schemas().functionCallOutputItem);
export const reasoningItem = deferred(() => schemas().reasoningItem);
export const functionToolSchema = deferred(() => schemas().functionToolSchema);
export const customToolSchema = deferred(() => schemas().customToolSchema);
export const namespaceToolSchema = deferred(() => schemas().namespaceToolSchema);
export const customToolCallItem = deferred(() => schemas().customToolCallItem);
export const customToolCallOutputItem = deferred(() => schemas().customToolCallOutputItem);
export const toolSearchCallItem = deferred(() => schemas().toolSearchCallItem);
export const toolSearchOutputItem = deferred(() => schemas().toolSearchOutputItem);

export type ResponsesRequest = z.infer<Schemas['responsesRequestSchema']>;
export type MessageItem = z.infer<Schemas['messageItem']>;
export type ReasoningItem = z.infer<Schemas['reasoningItem']>;
export type FunctionTool = z.infer<Schemas['functionToolSchema']>;
export type CustomTool = z.infer<Schemas['customToolSchema']>;
export type TextFormat = z.infer<Schemas['textFormatSchema']>;

/**
 * Whether the Responses API defines a top-level key. The others (Python's flattened `extra_body`) are handed
 * to the chat translation, which passes them to the model as provider-specific fields.
 */
export const isKnownResponsesKey = keySet(() => [...Object.keys(schemas().responsesRequestSchema.shape), 'access_programs', 'image', 'moderation', 'prompt_cache_options']);
