import type { TokenUsage } from '@aws-sdk/client-bedrock-runtime';

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

/**
 * Bedrock counts cache reads and writes apart from `inputTokens`; OpenAI's `prompt_tokens` includes cached
 * tokens, so they are added back.
 */
export function toOpenAIUsage(usage: TokenUsage | undefined): OpenAIUsage {
  const cached = usage?.cacheReadInputTokens ?? 0;
  const written = usage?.cacheWriteInputTokens ?? 0;
  const prompt = (usage?.inputTokens ?? 0) + cached + written;
  const completion = usage?.outputTokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cached, cache_write_tokens: written },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}
