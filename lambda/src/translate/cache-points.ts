/**
 * Prompt caching → Converse `cachePoint` blocks. Pure.
 *
 * Clients mark cache boundaries on content parts (Anthropic's `cache_control`, OpenAI's
 * `prompt_cache_breakpoint`); the operator may also ask for automatic points (ENABLE_PROMPT_CACHING):
 * after the system prompt, after the tools, and after the last message, which moves forward with the
 * conversation so each turn reads the previous turn's prefix from the cache. Bedrock rejects more points
 * than the model allows and rejects points on models without caching, so this is the one place that
 * enforces both.
 */
import type { CachePointBlock, ContentBlock, Message, SystemContentBlock, Tool } from '@aws-sdk/client-bedrock-runtime';
import type { ModelCapabilities } from '../models/capabilities';
import type { CacheMarked } from '../schema/chat';

const POINT: CachePointBlock = { type: 'default' };

/** The cachePoint a content part asks for, if any. Only TTLs Bedrock knows are passed on. */
export function cachePointFor(part: CacheMarked): CachePointBlock | undefined {
  const control = part.cache_control;
  if (control) return control.ttl === '5m' || control.ttl === '1h' ? { type: 'default', ttl: control.ttl } : { ...POINT };
  // OpenAI's breakpoint TTLs (30m, 12h) have no Bedrock equivalent; the default lifetime applies.
  if (part.prompt_cache_breakpoint) return { ...POINT };
  return undefined;
}

export interface CacheTargets {
  system: SystemContentBlock[];
  messages: Message[];
  tools?: Tool[];
}

export interface CacheOptions {
  readonly caps: ModelCapabilities;
  /** Add the automatic points (operator switch, unless the client asked for explicit points only). */
  readonly automatic: boolean;
}

type Block = SystemContentBlock | ContentBlock | Tool;
const isPoint = (b: Block): boolean => 'cachePoint' in b && b.cachePoint !== undefined;

/** A point needs content before it and is pointless right after another one. */
function tidy<T extends Block>(blocks: T[]): T[] {
  return blocks.filter((b, i) => !isPoint(b) || (i > 0 && !isPoint(blocks[i - 1])));
}

function endWithPoint<T extends Block>(blocks: T[], point: T): void {
  if (blocks.length > 0 && !isPoint(blocks[blocks.length - 1])) blocks.push(point);
}

/** Every list that may hold points, in prompt order (tools, system, messages): the order caching reads. */
function lists(t: CacheTargets): Block[][] {
  return [...(t.tools ? [t.tools] : []), t.system, ...t.messages.map((m) => m.content ?? [])];
}

/**
 * Rewrites the targets in place: strips every point for models without caching (or tool points where the
 * model cannot cache tools), adds the automatic points, and keeps at most `caps.maxCachePoints`, dropping
 * the earliest so the points nearest the moving end of the conversation survive.
 */
export function applyCachePoints(t: CacheTargets, opts: CacheOptions): void {
  const { caps } = opts;
  if (t.tools && (!caps.cacheTools || caps.maxCachePoints === 0)) t.tools = t.tools.filter((b) => !isPoint(b));
  t.system = tidy(t.system);
  for (const m of t.messages) m.content = tidy(m.content ?? []);
  if (t.tools) t.tools = tidy(t.tools);

  if (caps.maxCachePoints === 0) {
    t.system = t.system.filter((b) => !isPoint(b));
    for (const m of t.messages) m.content = (m.content ?? []).filter((b) => !isPoint(b));
    return;
  }
  if (opts.automatic) {
    endWithPoint<SystemContentBlock>(t.system, { cachePoint: { ...POINT } });
    if (t.tools && caps.cacheTools) endWithPoint<Tool>(t.tools, { cachePoint: { ...POINT } });
    const last = t.messages[t.messages.length - 1];
    // A trailing assistant turn is a prefill the client may change next time; cache up to the user turn.
    const end = last?.role === 'assistant' ? t.messages[t.messages.length - 2] : last;
    if (end?.content) endWithPoint<ContentBlock>(end.content, { cachePoint: { ...POINT } });
  }

  let excess = lists(t).reduce((n, blocks) => n + blocks.filter(isPoint).length, 0) - caps.maxCachePoints;
  for (const blocks of lists(t)) {
    for (let i = 0; excess > 0 && i < blocks.length; ) {
      if (isPoint(blocks[i])) {
        blocks.splice(i, 1);
        excess--;
      } else i++;
    }
  }
}
