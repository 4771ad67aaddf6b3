/**
 * OpenAI tools and tool_choice → Converse toolConfig. Pure.
 */
import type { Message, Tool, ToolChoice, ToolConfiguration } from '@aws-sdk/client-bedrock-runtime';
import type { ModelCapabilities, ToolChoiceMode } from '../models/capabilities';
import { invalidRequest } from '../errors/domain-error';
import type { CacheMarked, ChatRequest } from '../schema/chat';
import { cachePointFor } from './cache-points';
import { normaliseSchema } from './structured-output';

export interface ToolPlan {
  readonly toolConfig?: ToolConfiguration;
  /** tool_choice "none" with a tool history: Converse still needs toolConfig, so calls are dropped on the way back. */
  readonly dropToolCalls: boolean;
  /** `parallel_tool_calls: false`: Converse has no switch for it, so extra calls are dropped on the way back. */
  readonly maxToolCalls?: number;
}

interface FunctionDef {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
  strict?: boolean | null;
  /** The tool entry's cache marker (`tools[i].cache_control`). */
  marker?: CacheMarked;
}

const EMPTY_SCHEMA = { type: 'object', properties: {} };

/** Converse wants an object schema at the top; OpenAI clients often leave `type` out. */
function inputSchema(fn: FunctionDef, strict: boolean): Record<string, unknown> {
  const params = fn.parameters && Object.keys(fn.parameters).length ? fn.parameters : EMPTY_SCHEMA;
  const typed = params.type === undefined ? { type: 'object', ...params } : params;
  // Strict tools follow the same rules as structured output (closed objects).
  return strict ? normaliseSchema(typed) : typed;
}

function toolSpecs(fn: FunctionDef, caps: ModelCapabilities): Tool[] {
  const description = fn.description?.trim();
  const strict = !!fn.strict && caps.strictTools;
  const point = fn.marker ? cachePointFor(fn.marker) : undefined;
  const spec: Tool = {
    toolSpec: {
      name: fn.name,
      // Converse rejects an empty description; leaving it out is valid.
      ...(description ? { description } : {}),
      inputSchema: { json: inputSchema(fn, strict) as never },
      ...(strict ? { strict: true } : {}),
    },
  };
  return point ? [spec, { cachePoint: point }] : [spec];
}

/** Specs for tools the history used but the request no longer lists (Converse validates history against them). */
function historyTools(messages: readonly Message[], listed: ReadonlySet<string>): Tool[] {
  const names = new Set<string>();
  for (const m of messages) for (const b of m.content ?? []) if (b.toolUse?.name && !listed.has(b.toolUse.name)) names.add(b.toolUse.name);
  return [...names].map((name) => ({ toolSpec: { name, description: 'A tool used earlier in this conversation.', inputSchema: { json: EMPTY_SCHEMA as never } } }));
}

type Choice = { mode: 'none' } | { mode: ToolChoiceMode; name?: string };

function openAIChoice(req: ChatRequest): Choice {
  const choice = req.tool_choice ?? req.function_call;
  if (choice == null || choice === 'auto') return { mode: 'auto' };
  if (choice === 'none') return { mode: 'none' };
  if (choice === 'required') return { mode: 'any' };
  const named = choice as { function?: { name?: unknown }; name?: unknown };
  const name = named.function?.name ?? named.name;
  return typeof name === 'string' ? { mode: 'tool', name } : { mode: 'auto' };
}

function converseChoice(choice: Exclude<Choice, { mode: 'none' }>): ToolChoice {
  if (choice.mode === 'any') return { any: {} };
  if (choice.mode === 'tool') return { tool: { name: choice.name as string } };
  return { auto: {} };
}

export function translateTools(req: ChatRequest, history: readonly Message[], modelId: string, caps: ModelCapabilities): ToolPlan {
  const defs: FunctionDef[] = req.tools?.map((t) => ({ ...t.function, marker: t })) ?? req.functions ?? [];
  const param = req.tools ? 'tools' : 'functions';
  const choice = openAIChoice(req);
  const maxToolCalls = req.parallel_tool_calls === false ? 1 : undefined;
  const hasHistory = history.some((m) => m.content?.some((b) => b.toolUse || b.toolResult));

  if (defs.length > 0 && !caps.tools && choice.mode !== 'none') {
    throw invalidRequest(`Model '${modelId}' does not support tools.`, param, 'unsupported_parameter');
  }
  const seen = new Set<string>();
  for (const [i, d] of defs.entries()) {
    if (seen.has(d.name)) throw invalidRequest(`Tool names must be unique; '${d.name}' appears twice.`, `${param}[${i}]`, 'duplicate_tool');
    seen.add(d.name);
  }
  if (choice.mode === 'tool' && !seen.has(choice.name as string)) {
    throw invalidRequest(`tool_choice names '${choice.name}', which is not in tools.`, 'tool_choice', 'invalid_tool_choice');
  }
  if ((choice.mode === 'any' || choice.mode === 'tool') && defs.length === 0) {
    throw invalidRequest('tool_choice requires tools.', 'tool_choice', 'invalid_tool_choice');
  }
  if (choice.mode !== 'none' && choice.mode !== 'auto' && !caps.toolChoice.includes(choice.mode)) {
    const openaiName = choice.mode === 'any' ? '"required"' : 'a named function';
    throw invalidRequest(`Model '${modelId}' does not support tool_choice ${openaiName}.`, 'tool_choice', 'unsupported_parameter');
  }

  const offered = choice.mode === 'none' ? [] : defs.flatMap((d) => toolSpecs(d, caps));
  const needed = hasHistory ? historyTools(history, new Set(choice.mode === 'none' ? [] : defs.map((d) => d.name))) : [];
  if (choice.mode === 'none') {
    // Offering no tools keeps the model from calling one; a tool history still needs their specs.
    const all = hasHistory ? [...defs.flatMap((d) => toolSpecs(d, caps)), ...historyTools(history, seen)] : [];
    return all.length ? { toolConfig: { tools: all }, dropToolCalls: true, maxToolCalls } : { dropToolCalls: false, maxToolCalls };
  }
  const tools = [...offered, ...needed];
  if (tools.length === 0) return { dropToolCalls: false, maxToolCalls };
  const toolChoice = offered.length && choice.mode !== 'auto' ? converseChoice(choice) : undefined;
  return { toolConfig: { tools, ...(toolChoice ? { toolChoice } : {}) }, dropToolCalls: false, maxToolCalls };
}
