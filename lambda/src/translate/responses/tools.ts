/**
 * Responses tools → the chat function tools the translation sends to Bedrock, and the table that turns the
 * model's calls back into what the client offered. Pure.
 *
 * - `function`: a function, as on the chat route.
 * - `namespace`: its function and custom tools, each flattened under a name Bedrock accepts
 *   (`<namespace>__<name>`); calls come back with `name` and `namespace`.
 * - `custom`: freeform text input (optionally following a grammar) has no Bedrock equivalent, so the model
 *   gets a function with one string parameter, `input`, and the grammar in its description; calls come back
 *   as `custom_tool_call` items carrying the raw string.
 * - `tool_search` run by the client (`execution: "client"`, Codex's deferred tools): a function of the same
 *   name; calls come back as `tool_search_call` items, and the tools a `tool_search_output` item in the input
 *   loaded are offered from then on, like the request's own.
 * - hosted tools (`web_search`, `file_search`, `code_interpreter`, `mcp`, a server-side `tool_search`, …)
 *   need a server the gateway does not run: by policy they are left out of the model's list and reported, or
 *   refused with a 400.
 */
import { createHash } from 'node:crypto';
import { invalidRequest, type FieldPath } from '../../errors/domain-error';
import { FUNCTION_NAME, type ChatRequest } from '../../schema/chat';
import { customToolSchema, functionToolSchema, namespaceToolSchema, type CustomTool, type FunctionTool, type ResponsesRequest } from '../../schema/responses';
import { parseAt } from '../../schema/validate';

type ChatTool = NonNullable<ChatRequest['tools']>[number];

/** What the client offered under a Bedrock tool name. */
export interface ToolRef {
  readonly kind: 'function' | 'custom' | 'tool_search';
  /** The name the client gave the tool. */
  readonly name: string;
  readonly namespace?: string;
}

/** Bedrock tool name → the client's tool. Names not in it are plain functions under their own name. */
export type ToolNames = ReadonlyMap<string, ToolRef>;

/** What the gateway does with hosted tools it cannot run (HOSTED_TOOLS). */
export type HostedToolPolicy = 'ignore' | 'reject';

export interface ResponsesToolPlan {
  readonly tools: ChatTool[];
  /** Chat `tools[i]` → the Responses field it came from (`['tools', 3]` or `['tools', 1, 'tools', 0]`). */
  readonly paths: FieldPath[];
  readonly toolChoice?: ChatRequest['tool_choice'];
  readonly names: ToolNames;
  /** Hosted tool types left out of the model's list. */
  readonly ignored: string[];
}

/** The argument a custom tool's freeform input travels in. */
export const CUSTOM_INPUT = 'input';

/** The Bedrock name of a client-executed tool search. */
export const TOOL_SEARCH = 'tool_search';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The Bedrock name of a client tool: its own name, or `<namespace>__<name>`; a name Bedrock would refuse
 * (over 64 characters, other characters) is shortened and given a stable hash so calls map back.
 */
export function bedrockToolName(name: string, namespace?: string | null): string {
  const full = namespace ? `${namespace}__${name}` : name;
  if (FUNCTION_NAME.test(full)) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 55)}_${hash}`;
}

function functionTool(tool: FunctionTool, name: string, nsNote: string): ChatTool {
  const description = [tool.description, nsNote].filter(Boolean).join(' ');
  return {
    type: 'function',
    function: {
      name,
      ...(description ? { description } : {}),
      ...(tool.parameters ? { parameters: tool.parameters } : {}),
      // Responses defaults strict to true; only an explicit choice is passed on, as chat would read it.
      ...(tool.strict != null ? { strict: tool.strict } : {}),
    },
  };
}

function customTool(tool: CustomTool, name: string, nsNote: string): ChatTool {
  const format = tool.format?.type === 'grammar' ? tool.format : undefined;
  const rules = format
    ? `The ${CUSTOM_INPUT} must follow this ${format.syntax} grammar exactly:\n${format.definition}`
    : `The ${CUSTOM_INPUT} is free-form text.`;
  return {
    type: 'function',
    function: {
      name,
      description: [tool.description, nsNote, rules].filter(Boolean).join('\n\n'),
      parameters: {
        type: 'object',
        properties: { [CUSTOM_INPUT]: { type: 'string', description: 'The raw text input of this tool, not JSON-encoded.' } },
        required: [CUSTOM_INPUT],
        additionalProperties: false,
      },
    },
  };
}

export function translateTools(req: ResponsesRequest, hosted: HostedToolPolicy): ResponsesToolPlan {
  const tools: ChatTool[] = [];
  const paths: FieldPath[] = [];
  const names = new Map<string, ToolRef>();
  const ignored: string[] = [];

  const add = (raw: { type: string } & Record<string, unknown>, at: FieldPath, namespace?: { name: string; description?: string | null }): void => {
    const nsNote = namespace ? `(Tool of ${namespace.name}${namespace.description ? `: ${namespace.description}` : ''}.)` : '';
    if (raw.type === 'function') {
      const tool = parseAt(functionToolSchema, raw, at);
      const name = bedrockToolName(tool.name, namespace?.name);
      tools.push(functionTool(tool, name, nsNote));
      if (namespace || name !== tool.name) names.set(name, { kind: 'function', name: tool.name, ...(namespace ? { namespace: namespace.name } : {}) });
    } else if (raw.type === 'custom') {
      const tool = parseAt(customToolSchema, raw, at);
      const name = bedrockToolName(tool.name, namespace?.name);
      tools.push(customTool(tool, name, nsNote));
      names.set(name, { kind: 'custom', name: tool.name, ...(namespace ? { namespace: namespace.name } : {}) });
    } else if (raw.type === TOOL_SEARCH && raw.execution === 'client' && !namespace) {
      const description = typeof raw.description === 'string' ? raw.description : 'Searches for more tools and makes the matches available.';
      const parameters = isRecord(raw.parameters) ? raw.parameters : { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] };
      tools.push({ type: 'function', function: { name: TOOL_SEARCH, description, parameters } });
      names.set(TOOL_SEARCH, { kind: 'tool_search', name: TOOL_SEARCH });
    } else if (namespace) {
      throw invalidRequest(`A namespace holds function and custom tools; '${raw.type}' is not one.`, [...at, 'type'], 'unsupported_tool');
    } else if (hosted === 'reject') {
      throw invalidRequest(`Tools of type '${raw.type}' are not supported: this gateway runs no hosted tools, only function, custom and namespace tools.`, [...at, 'type'], 'unsupported_tool');
    } else {
      ignored.push(raw.type);
      return;
    }
    paths.push(at);
  };

  const offer = (raw: { type: string } & Record<string, unknown>, at: FieldPath): void => {
    if (raw.type !== 'namespace') return add(raw, at);
    const ns = parseAt(namespaceToolSchema, raw, at);
    ns.tools.forEach((inner, j) => add(inner, [...at, 'tools', j], ns));
  };
  (req.tools ?? []).forEach((raw, i) => offer(raw, ['tools', i]));
  // Tools a client-run tool search loaded earlier in the conversation are on offer from then on.
  if (Array.isArray(req.input)) {
    req.input.forEach((item, i) => {
      if (item.type !== 'tool_search_output' || !Array.isArray(item.tools)) return;
      item.tools.forEach((raw: unknown, j: number) => {
        if (!isRecord(raw) || typeof raw.type !== 'string') return;
        const before = tools.length;
        offer(raw as { type: string }, ['input', i, 'tools', j]);
        dropRepeats(tools, paths, before);
      });
    });
  }
  return { names, ignored, ...toolChoice(req, tools, paths) };
}

/** A tool loaded again by a later search (or already offered) is offered once. */
function dropRepeats(tools: ChatTool[], paths: FieldPath[], from: number): void {
  const seen = new Set(tools.slice(0, from).map((t) => t.function.name));
  for (let i = tools.length - 1; i >= from; i--) {
    const name = tools[i].function.name;
    if (seen.has(name) || tools.slice(from, i).some((t) => t.function.name === name)) {
      tools.splice(i, 1);
      paths.splice(i, 1);
    }
  }
}

/** The names a `tool_choice` or `allowed_tools` entry stands for, in Bedrock terms. */
function chosenName(choice: { type?: unknown; name?: unknown; namespace?: unknown }): string | undefined {
  if ((choice.type !== 'function' && choice.type !== 'custom') || typeof choice.name !== 'string') return undefined;
  return bedrockToolName(choice.name, typeof choice.namespace === 'string' ? choice.namespace : undefined);
}

function toolChoice(req: ResponsesRequest, tools: ChatTool[], paths: FieldPath[]): Pick<ResponsesToolPlan, 'toolChoice' | 'tools' | 'paths'> {
  const choice = req.tool_choice;
  if (choice == null || typeof choice === 'string') return { tools, paths, toolChoice: choice ?? undefined };
  const named = chosenName(choice);
  if (named) return { tools, paths, toolChoice: { type: 'function', function: { name: named } } };
  if (choice.type === 'allowed_tools' && Array.isArray(choice.tools) && (choice.mode === 'auto' || choice.mode === 'required')) {
    // Offer only the allowed tools; the chat translator still declares the others if the history used them.
    const allowed = new Set(choice.tools.flatMap((t: Record<string, unknown>) => chosenName(t) ?? []));
    const keep = tools.flatMap((t, i) => (allowed.has(t.function.name) ? [i] : []));
    return { tools: keep.map((i) => tools[i]), paths: keep.map((i) => paths[i]), toolChoice: choice.mode };
  }
  throw invalidRequest(
    `tool_choice of type '${choice.type}' is not supported: use "none", "auto", "required", a function or custom tool, or allowed_tools.`,
    'tool_choice',
    'unsupported_tool',
  );
}
