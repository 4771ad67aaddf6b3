/**
 * The Responses `response` object, and the pieces the stream state machine shares with it (echoed request
 * fields, status, usage). Pure.
 */
import type { ResponsesRequest } from '../../schema/responses';
import type { FinishReason } from '../finish-reason';
import type { OpenAIUsage } from '../usage';
import type { OutputItem, ResponseIds, ResponseObject, ResponseStatus, ResponseUsage } from './types';

/** What a failed response reports: the error the client is shown (the HTTP layer's error satisfies it). */
export interface Failure {
  readonly status: number;
  readonly code: string | null;
  readonly message: string;
}

/** Request fields the response object repeats, as OpenAI's does. */
export type ResponseEcho = Pick<
  ResponseObject,
  | 'model'
  | 'instructions'
  | 'max_output_tokens'
  | 'parallel_tool_calls'
  | 'reasoning'
  | 'temperature'
  | 'text'
  | 'tool_choice'
  | 'tools'
  | 'top_p'
  | 'truncation'
  | 'metadata'
  | 'user'
  | 'store'
  | 'previous_response_id'
>;

/** The request fields a response repeats; `stored` says whether this response is kept. */
export function echoOf(req: ResponsesRequest, stored = false): ResponseEcho {
  return {
    store: stored,
    previous_response_id: req.previous_response_id ?? null,
    model: req.model,
    instructions: req.instructions ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    parallel_tool_calls: req.parallel_tool_calls ?? true,
    reasoning: { effort: req.reasoning?.effort ?? null, summary: req.reasoning?.summary ?? req.reasoning?.generate_summary ?? null },
    temperature: req.temperature ?? null,
    text: { ...(req.text ?? {}), format: req.text?.format ?? { type: 'text' } },
    tool_choice: req.tool_choice ?? 'auto',
    tools: req.tools ?? [],
    top_p: req.top_p ?? null,
    truncation: req.truncation ?? 'disabled',
    metadata: req.metadata ?? {},
    ...(req.user !== undefined ? { user: req.user } : {}),
  };
}

export function toResponseUsage(usage: OpenAIUsage): ResponseUsage {
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { cached_tokens: usage.prompt_tokens_details.cached_tokens },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: usage.completion_tokens_details.reasoning_tokens },
    total_tokens: usage.total_tokens,
  };
}

export interface Outcome {
  readonly status: Extract<ResponseStatus, 'completed' | 'incomplete'>;
  readonly incomplete_details: ResponseObject['incomplete_details'];
}

/** A cut-off or filtered answer is `incomplete`, with the reason OpenAI uses. */
export function outcomeOf(finish: FinishReason | null): Outcome {
  if (finish === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finish === 'content_filter') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

export function outputTextOf(output: readonly OutputItem[]): string {
  return output.flatMap((item) => (item.type === 'message' ? item.content.map((c) => c.text) : [])).join('');
}

interface State {
  status: ResponseStatus;
  output: OutputItem[];
  usage?: ResponseUsage | null;
  incomplete_details?: ResponseObject['incomplete_details'];
  error?: ResponseObject['error'];
  completedAt?: number | null;
}

export function responseObject(echo: ResponseEcho, ids: ResponseIds, state: State): ResponseObject {
  return {
    id: ids.id,
    object: 'response',
    created_at: ids.createdAt,
    status: state.status,
    completed_at: state.completedAt ?? null,
    background: false,
    error: state.error ?? null,
    incomplete_details: state.incomplete_details ?? null,
    output: state.output,
    output_text: outputTextOf(state.output),
    usage: state.usage ?? null,
    ...echo,
  };
}

/** How a mid-stream failure is reported in `response.error`, with the codes OpenAI's clients act on. */
export function failureOf(err: Failure): { code: string; message: string } {
  const code = err.status === 429 ? 'rate_limit_exceeded' : err.code === 'context_length_exceeded' ? err.code : 'server_error';
  return { code, message: err.message };
}
