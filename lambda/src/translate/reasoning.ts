/**
 * `reasoning_effort` → each family's own reasoning switch. Pure.
 */
import type { InferenceConfiguration } from '@aws-sdk/client-bedrock-runtime';
import type { ModelCapabilities } from '../bedrock/capabilities';
import { invalidRequest } from '../http/errors';

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

export interface ReasoningPlan {
  readonly additionalFields: Record<string, unknown>;
  readonly inferenceConfig: InferenceConfiguration;
  /** Converse `outputConfig.effort` (adaptive-thinking models). */
  readonly outputEffort?: string;
}

/** Claude's extended-thinking budget per effort; Anthropic's minimum budget is 1,024 tokens. */
export const CLAUDE_THINKING_BUDGET: Record<'low' | 'medium' | 'high' | 'xhigh', number> = { low: 2048, medium: 8192, high: 16384, xhigh: 32768 };
const MIN_BUDGET = 1024;
/** Room left for the answer when the client set no max_tokens. */
const ANSWER_ALLOWANCE = 4096;

function isActive(effort: ReasoningEffort | null | undefined): effort is 'low' | 'medium' | 'high' | 'xhigh' {
  return effort === 'low' || effort === 'medium' || effort === 'high' || effort === 'xhigh';
}

/**
 * `inference` is the config built from the client's sampling fields; the plan may change it (thinking
 * models reject custom temperature/top_p and need max_tokens above the budget).
 */
export function planReasoning(
  effort: ReasoningEffort | null | undefined,
  inference: InferenceConfiguration,
  caps: ModelCapabilities,
  forcedToolChoice: boolean,
): ReasoningPlan {
  const none: ReasoningPlan = { additionalFields: {}, inferenceConfig: inference };
  // Models without a reasoning switch answer normally: ignoring the hint does not change what the answer means.
  if (!isActive(effort) || caps.reasoning === 'none' || caps.reasoning === 'always') return none;
  const { temperature: _t, topP: _p, ...unsampled } = inference;

  switch (caps.reasoning) {
    case 'claude-budget': {
      if (forcedToolChoice) {
        throw invalidRequest('Claude cannot think while a tool call is forced; use tool_choice "auto" with reasoning_effort.', 'tool_choice', 'unsupported_parameter');
      }
      let budget = CLAUDE_THINKING_BUDGET[effort];
      let maxTokens = inference.maxTokens ?? budget + ANSWER_ALLOWANCE;
      if (maxTokens <= budget) budget = maxTokens - 1;
      if (budget < MIN_BUDGET) {
        throw invalidRequest(`Reasoning needs a thinking budget of at least ${MIN_BUDGET} tokens below max_tokens; raise max_tokens above ${MIN_BUDGET}.`, 'max_tokens', 'invalid_value');
      }
      maxTokens = Math.max(maxTokens, budget + 1);
      return { additionalFields: { thinking: { type: 'enabled', budget_tokens: budget } }, inferenceConfig: { ...unsampled, maxTokens } };
    }
    case 'claude-adaptive':
      if (forcedToolChoice) {
        throw invalidRequest('Claude cannot think while a tool call is forced; use tool_choice "auto" with reasoning_effort.', 'tool_choice', 'unsupported_parameter');
      }
      return { additionalFields: { thinking: { type: 'adaptive' } }, inferenceConfig: unsampled, outputEffort: effort === 'xhigh' ? 'max' : effort };
    case 'nova': {
      const level = effort === 'xhigh' ? 'high' : effort;
      // Nova's highest level owns the token budget and sampling.
      const config = level === 'high' ? { stopSequences: inference.stopSequences } : inference;
      return { additionalFields: { reasoningConfig: { type: 'enabled', maxReasoningEffort: level } }, inferenceConfig: config };
    }
    case 'gpt-oss':
      return { additionalFields: { reasoning_effort: effort === 'xhigh' ? 'high' : effort }, inferenceConfig: inference };
  }
}
