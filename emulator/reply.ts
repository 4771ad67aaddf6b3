import { countInputTokens, countWords, type ConverseBody } from './converse-request';
import { defaultReply, outputText } from './default-reply';
import type { ModelFamily } from './families';
import type { ContentReply, EmulatorDefaults, OutputBlock } from './types';

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

/** A content reply with every default filled in: what both Converse routes render. */
export interface ResolvedReply {
  content: OutputBlock[];
  stopReason: string;
  usage: Usage;
  latencyMs: number;
  /** From the script; when absent the route reports the time it actually took. */
  scriptedLatencyMs?: number;
  deltaDelayMs: number;
  textChunks: number | null;
  midStreamException?: ContentReply['midStreamException'];
  dropAfterDeltas?: number;
}

/**
 * Scripted content wins; without it the default reply answers what the request asks for (see
 * default-reply.ts). Both Converse routes render this one result, so streamed and unstreamed agree.
 */
export function resolveReply(
  reply: ContentReply | undefined,
  body: ConverseBody,
  defaults: EmulatorDefaults,
  family?: ModelFamily,
): ResolvedReply {
  const fallback = reply?.content === undefined ? defaultReply(body, family, defaults) : undefined;
  const content = reply?.content ?? fallback?.content ?? [];
  const hasToolUse = content.some((block) => 'toolUse' in block);
  const scripted = reply?.usage ?? {};
  const inputTokens = scripted.inputTokens ?? countInputTokens(body);
  const outputTokens = scripted.outputTokens ?? content.reduce((sum, b) => sum + countWords(outputText(b)), 0);
  const usage: Usage = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
  if (scripted.cacheReadInputTokens !== undefined) usage.cacheReadInputTokens = scripted.cacheReadInputTokens;
  if (scripted.cacheWriteInputTokens !== undefined) usage.cacheWriteInputTokens = scripted.cacheWriteInputTokens;
  return {
    content,
    stopReason: reply?.stopReason ?? fallback?.stopReason ?? (hasToolUse ? 'tool_use' : 'end_turn'),
    usage,
    latencyMs: reply?.latencyMs ?? defaults.latencyMs,
    scriptedLatencyMs: reply?.latencyMs,
    deltaDelayMs: reply?.deltaDelayMs ?? defaults.deltaDelayMs,
    textChunks: reply?.textChunks ?? defaults.textChunks,
    midStreamException: reply?.midStreamException,
    dropAfterDeltas: reply?.dropAfterDeltas,
  };
}
