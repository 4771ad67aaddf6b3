/** Bedrock stop reasons → OpenAI finish reasons. A raw Bedrock string never reaches a client. */
import { lookupTable } from '../lookup-table';

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export const FINISH_REASONS: Readonly<Record<string, FinishReason>> = lookupTable({
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
  // The model produced something unusable; there is no closer OpenAI value, and "stop" is what clients handle.
  malformed_model_output: 'stop',
  malformed_tool_use: 'stop',
});

/**
 * Tool calls that made it out are reported as `tool_calls` even when the model was cut off, so agent loops
 * run them instead of dropping them; content filtering always wins.
 */
export function finishReason(stopReason: string | undefined, hasToolCalls: boolean): FinishReason {
  const mapped = (stopReason && FINISH_REASONS[stopReason]) || 'stop';
  if (mapped === 'content_filter') return mapped;
  if (hasToolCalls) return 'tool_calls';
  return mapped === 'tool_calls' ? 'stop' : mapped;
}
