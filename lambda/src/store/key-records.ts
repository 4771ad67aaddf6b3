/** What both key-store backends agree on: the usage row arithmetic and the window's lifetime. */
import type { UsageCounts, UsageEntry, UsageRow } from './types';

/** A rate window is read for the minute it counts and the next one (the sliding estimate); then it may go. */
export const WINDOW_TTL_SECONDS = 180;

export const ZERO_USAGE: UsageCounts = Object.freeze({
  requests: 0,
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  costNanoUsd: 0,
  unpricedRequests: 0,
});

export const USAGE_FIELDS = ['requests', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'costNanoUsd', 'unpricedRequests'] as const;

function combine(a: UsageCounts, b: UsageCounts, sign: 1 | -1): UsageCounts {
  const out: Record<string, number> = {};
  for (const f of USAGE_FIELDS) out[f] = a[f] + sign * b[f];
  return out as unknown as UsageCounts;
}

export const addCounts = (a: UsageCounts, b: UsageCounts): UsageCounts => combine(a, b, 1);
export const subtractCounts = (a: UsageCounts, b: UsageCounts): UsageCounts => combine(a, b, -1);

/** Tokens a rate window and a token budget count: everything Bedrock processed for the request. */
export const totalTokens = (u: UsageCounts): number => u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens;

/** Entries for the same key, model, day and minute merged into one (a batch flush writes each once). */
export function mergeEntries(entries: readonly UsageEntry[]): UsageEntry[] {
  const merged = new Map<string, UsageEntry>();
  for (const e of entries) {
    const k = `${e.keyId}\n${e.model}\n${e.day}\n${e.minute ?? ''}`;
    const prev = merged.get(k);
    merged.set(k, prev ? { ...prev, ...addCounts(prev, e) } : e);
  }
  return [...merged.values()];
}

export const byKeyDayModel = (a: UsageRow, b: UsageRow): number =>
  a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : a.day < b.day ? -1 : a.day > b.day ? 1 : a.model < b.model ? -1 : a.model > b.model ? 1 : 0;
