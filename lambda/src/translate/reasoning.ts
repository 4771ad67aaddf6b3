/**
 * `reasoning_effort` → each family's own reasoning switch. Pure.
 */
import type { InferenceConfiguration, Message } from '@aws-sdk/client-bedrock-runtime';
import type { ModelCapabilities } from '../models/capabilities';
import { invalidRequest } from '../errors/domain-error';

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max';
type ActiveEffort = 'low' | 'medium' | 'high' | 'xhigh' | 'max';

export interface ReasoningPlan {
  readonly additionalFields: Record<string, unknown>;
  readonly inferenceConfig: InferenceConfiguration;
  /** Converse `outputConfig.effort` (adaptive-thinking models). */
  readonly outputEffort?: string;
  /** Reasoning was switched on for this request. */
  readonly active: boolean;
}

export interface ReasoningContext {
  readonly caps: ModelCapabilities;
  /** A tool call is forced (tool_choice required/named, or the structured-output tool). */
  readonly forcedToolChoice: boolean;
  /** The Converse messages about to be sent, to check Claude's rules for thinking in tool loops. */
  readonly messages: readonly Message[];
}

/** Claude's extended-thinking budget per effort; Anthropic's minimum budget is 1,024 tokens. */
export const CLAUDE_THINKING_BUDGET: Record<ActiveEffort, number> = { low: 2048, medium: 8192, high: 16384, xhigh: 32768, max: 32768 };
export const MIN_THINKING_BUDGET = 1024;
/** Room left for the answer when the client set no max_tokens. */
const ANSWER_ALLOWANCE = 4096;

export function isActiveEffort(effort: ReasoningEffort | null | undefined): effort is ActiveEffort {
  return effort === 'low' || effort === 'medium' || effort === 'high' || effort === 'xhigh' || effort === 'max';
}

const isClaude = (caps: ModelCapabilities) => caps.reasoning === 'claude-budget' || caps.reasoning === 'claude-adaptive';

/**
 * With thinking on, Claude requires the assistant turn that made the pending tool calls to start with its
 * (signed) thinking block. Clients that do not send reasoning back cannot satisfy that, so for them the
 * continuation turn runs without thinking instead of failing upstream.
 */
export function toolTurnLacksThinking(messages: readonly Message[]): boolean {
  const last = messages[messages.length - 1];
  const previous = messages[messages.length - 2];
  if (!last || last.role !== 'user' || !previous || previous.role !== 'assistant') return false;
  if (!last.content?.some((b) => b.toolResult)) return false;
  return !previous.content?.[0]?.reasoningContent;
}

/** Claude's budget: the effort's budget, kept below max_tokens with room for an answer. */
function claudeBudget(effort: ActiveEffort, inference: InferenceConfiguration): { budget: number; maxTokens: number } {
  const wanted = CLAUDE_THINKING_BUDGET[effort];
  if (inference.maxTokens === undefined) return { budget: wanted, maxTokens: wanted + ANSWER_ALLOWANCE };
  const maxTokens = inference.maxTokens;
  // OpenAI counts reasoning inside max_completion_tokens, as Anthropic does inside max_tokens: the budget
  // must fit below it, and at most half of it goes to thinking when the client's limit is tight.
  const budget = Math.min(wanted, Math.max(MIN_THINKING_BUDGET, Math.floor(maxTokens / 2)));
  if (budget >= maxTokens) {
    throw invalidRequest(
      `Reasoning needs a thinking budget of at least ${MIN_THINKING_BUDGET} tokens below max_tokens; raise max_tokens above ${MIN_THINKING_BUDGET} or leave reasoning_effort unset.`,
      'max_tokens',
      'invalid_value',
    );
  }
  return { budget, maxTokens };
}

/**
 * `inference` is the config built from the client's sampling fields; the plan may change it (thinking
 * models reject custom temperature/top_p and need max_tokens above the budget).
 */
export function planReasoning(effort: ReasoningEffort | null | undefined, inference: InferenceConfiguration, ctx: ReasoningContext): ReasoningPlan {
  const { caps } = ctx;
  const none: ReasoningPlan = { additionalFields: {}, inferenceConfig: inference, active: false };
  // Models without a reasoning switch answer normally: ignoring the hint does not change what the answer means.
  if (!isActiveEffort(effort) || caps.reasoning === 'none' || caps.reasoning === 'always') return none;
  // Claude cannot think while a tool call is forced; the forced call is what the client asked for.
  if (isClaude(caps) && (ctx.forcedToolChoice || toolTurnLacksThinking(ctx.messages))) return none;
  const { temperature: _t, topP: _p, ...unsampled } = inference;

  switch (caps.reasoning) {
    case 'claude-budget': {
      const { budget, maxTokens } = claudeBudget(effort, inference);
      return { additionalFields: { thinking: { type: 'enabled', budget_tokens: budget } }, inferenceConfig: { ...unsampled, maxTokens }, active: true };
    }
    case 'claude-adaptive':
      return {
        additionalFields: { thinking: { type: 'adaptive' } },
        inferenceConfig: unsampled,
        outputEffort: effort === 'xhigh' || effort === 'max' ? 'max' : effort,
        active: true,
      };
    case 'nova': {
      const level = effort === 'low' || effort === 'medium' ? effort : 'high';
      // Nova's highest level owns the token budget and sampling.
      const config = level === 'high' ? (inference.stopSequences ? { stopSequences: inference.stopSequences } : {}) : inference;
      return { additionalFields: { reasoningConfig: { type: 'enabled', maxReasoningEffort: level } }, inferenceConfig: config, active: true };
    }
    case 'gpt-oss':
      return { additionalFields: { reasoning_effort: effort === 'low' || effort === 'medium' ? effort : 'high' }, inferenceConfig: inference, active: true };
  }
}
