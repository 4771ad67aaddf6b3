import { countInputTokens, countWords, defaultReplyText, type ConverseBody } from './converse-request';
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

function outputText(block: OutputBlock): string {
  if ('text' in block) return block.text;
  if ('toolUse' in block) return JSON.stringify(block.toolUse.input ?? {});
  if ('reasoningText' in block.reasoningContent) return block.reasoningContent.reasoningText.text;
  return '';
}

export function resolveReply(
  reply: ContentReply | undefined,
  body: ConverseBody,
  defaults: EmulatorDefaults,
): ResolvedReply {
  const content = reply?.content ?? [{ text: defaults.replyText ?? defaultReplyText(body) }];
  const hasToolUse = content.some((block) => 'toolUse' in block);
  const scripted = reply?.usage ?? {};
  const inputTokens = scripted.inputTokens ?? countInputTokens(body);
  const outputTokens = scripted.outputTokens ?? content.reduce((sum, b) => sum + countWords(outputText(b)), 0);
  const usage: Usage = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
  if (scripted.cacheReadInputTokens !== undefined) usage.cacheReadInputTokens = scripted.cacheReadInputTokens;
  if (scripted.cacheWriteInputTokens !== undefined) usage.cacheWriteInputTokens = scripted.cacheWriteInputTokens;
  return {
    content,
    stopReason: reply?.stopReason ?? (hasToolUse ? 'tool_use' : 'end_turn'),
    usage,
    latencyMs: reply?.latencyMs ?? defaults.latencyMs,
    scriptedLatencyMs: reply?.latencyMs,
    deltaDelayMs: reply?.deltaDelayMs ?? defaults.deltaDelayMs,
    textChunks: reply?.textChunks ?? defaults.textChunks,
    midStreamException: reply?.midStreamException,
    dropAfterDeltas: reply?.dropAfterDeltas,
  };
}
