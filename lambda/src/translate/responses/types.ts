/**
 * The Responses API wire shapes the gateway produces, after OpenAI's own definitions (the `openai` SDK's
 * `resources/responses`). Only what the gateway emits is typed here.
 */

export interface OutputText {
  type: 'output_text';
  text: string;
  annotations: never[];
  logprobs?: never[];
}

export interface MessageOutput {
  type: 'message';
  id: string;
  role: 'assistant';
  status: 'in_progress' | 'completed' | 'incomplete';
  content: OutputText[];
}

export interface SummaryText {
  type: 'summary_text';
  text: string;
}

export interface ReasoningOutput {
  type: 'reasoning';
  id: string;
  summary: SummaryText[];
  /** Bedrock's reasoning signature (or redacted reasoning), so the item can be sent back next turn. */
  encrypted_content?: string | null;
}

export interface FunctionCallOutput {
  type: 'function_call';
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: 'in_progress' | 'completed' | 'incomplete';
  /** The namespace tool the function belongs to, when it came from one. */
  namespace?: string;
}

/** A call to a custom (freeform) tool: `input` is the raw text, not JSON. */
export interface CustomToolCallOutput {
  type: 'custom_tool_call';
  id: string;
  call_id: string;
  name: string;
  input: string;
  status: 'in_progress' | 'completed' | 'incomplete';
  namespace?: string;
}

/** The model asked the client to search for more tools (`tool_search` with `execution: "client"`). */
export interface ToolSearchCallOutput {
  type: 'tool_search_call';
  id: string;
  call_id: string;
  arguments: unknown;
  execution: 'client';
  status: 'in_progress' | 'completed' | 'incomplete';
}

export type OutputItem = MessageOutput | ReasoningOutput | FunctionCallOutput | CustomToolCallOutput | ToolSearchCallOutput;

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  completed_at: number | null;
  background: false;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: OutputItem[];
  /** The SDKs compute this themselves; plain HTTP clients get it from us. */
  output_text: string;
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  temperature: number | null;
  text: { format: Record<string, unknown>; verbosity?: string | null };
  tool_choice: unknown;
  tools: Array<Record<string, unknown>>;
  top_p: number | null;
  truncation: 'auto' | 'disabled';
  usage: ResponseUsage | null;
  metadata: Record<string, string>;
  user?: string;
}

interface Seq {
  sequence_number: number;
}

export type LifecycleEvent = Seq & {
  type: 'response.created' | 'response.in_progress' | 'response.completed' | 'response.incomplete' | 'response.failed';
  response: ResponseObject;
};

export type ItemEvent = Seq & { type: 'response.output_item.added' | 'response.output_item.done'; output_index: number; item: OutputItem };

export type ContentPartEvent = Seq & {
  type: 'response.content_part.added' | 'response.content_part.done';
  item_id: string;
  output_index: number;
  content_index: number;
  part: OutputText;
};

export type TextDeltaEvent = Seq & { type: 'response.output_text.delta'; item_id: string; output_index: number; content_index: number; delta: string; logprobs: never[] };
export type TextDoneEvent = Seq & { type: 'response.output_text.done'; item_id: string; output_index: number; content_index: number; text: string; logprobs: never[] };

export type SummaryPartEvent = Seq & {
  type: 'response.reasoning_summary_part.added' | 'response.reasoning_summary_part.done';
  item_id: string;
  output_index: number;
  summary_index: number;
  part: SummaryText;
};
export type SummaryDeltaEvent = Seq & { type: 'response.reasoning_summary_text.delta'; item_id: string; output_index: number; summary_index: number; delta: string };
export type SummaryDoneEvent = Seq & { type: 'response.reasoning_summary_text.done'; item_id: string; output_index: number; summary_index: number; text: string };

export type ArgumentsDeltaEvent = Seq & { type: 'response.function_call_arguments.delta'; item_id: string; output_index: number; delta: string };
export type ArgumentsDoneEvent = Seq & { type: 'response.function_call_arguments.done'; item_id: string; output_index: number; arguments: string };

export type CustomInputDeltaEvent = Seq & { type: 'response.custom_tool_call_input.delta'; item_id: string; output_index: number; delta: string };
export type CustomInputDoneEvent = Seq & { type: 'response.custom_tool_call_input.done'; item_id: string; output_index: number; input: string };

export type ResponseStreamEvent =
  | LifecycleEvent
  | ItemEvent
  | ContentPartEvent
  | TextDeltaEvent
  | TextDoneEvent
  | SummaryPartEvent
  | SummaryDeltaEvent
  | SummaryDoneEvent
  | ArgumentsDeltaEvent
  | ArgumentsDoneEvent
  | CustomInputDeltaEvent
  | CustomInputDoneEvent;

/** Ids for one response: the response id, its creation time, and a source of item ids (`msg_…`, `rs_…`, `fc_…`). */
export interface ResponseIds {
  readonly id: string;
  readonly createdAt: number;
  readonly itemId: (prefix: 'msg' | 'rs' | 'fc' | 'ctc' | 'tsc') => string;
}
