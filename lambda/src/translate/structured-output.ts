/**
 * `response_format` → how this model is made to answer in JSON. Pure.
 *
 * - json_schema, model with native structured output: Converse `outputConfig.textFormat`.
 * - json_schema, other models with tools: a synthetic tool whose input schema is the requested schema,
 *   forced with tool_choice; its input comes back as the message `content` (streamed as content deltas).
 * - json_object: an instruction, plus a `{` prefill (re-added to the answer) where the model continues an
 *   assistant turn, else the synthetic tool with an open object schema, else the instruction alone.
 * - Models without tools get the instruction (with the schema) alone.
 */
import type { OutputFormat, Tool, ToolChoice } from '@aws-sdk/client-bedrock-runtime';
import type { ModelCapabilities } from '../models/capabilities';
import type { ResponseFormat } from '../schema/chat';

type Schema = Record<string, unknown>;

export interface StructuredPlan {
  /** Native JSON-schema output (Converse `outputConfig.textFormat`). */
  readonly textFormat?: OutputFormat;
  /** The synthetic answer tool, to add to the offered tools. */
  readonly tool?: Tool;
  /** Its name: a call to it is the answer, not a tool call. */
  readonly toolName?: string;
  /** The tool choice that forces it, when the model and the request allow forcing. */
  readonly toolChoice?: ToolChoice;
  /** Text added to the system prompt. */
  readonly instruction?: string;
  /** Assistant prefill; the caller re-adds it to the output. */
  readonly prefill?: string;
}

export interface StructuredContext {
  readonly caps: ModelCapabilities;
  /** Names of every tool in the request's toolConfig: the answer tool must not clash with them. */
  readonly takenToolNames: ReadonlySet<string>;
  /** The client offers its own tools this turn: forcing the answer tool would starve them. */
  readonly clientToolsOffered: boolean;
  /** The conversation already ends with an assistant turn (a client prefill). */
  readonly endsWithAssistant: boolean;
  /**
   * Reasoning was asked for on a model that cannot think with a prefill or a forced tool. json_object then
   * relies on the instruction; json_schema still forces its tool (the schema matters more than the thinking).
   */
  readonly reasoningWanted: boolean;
}

const OPEN_OBJECT: Schema = { type: 'object', additionalProperties: true };
const JSON_ONLY = 'Respond with a single valid JSON value and nothing else: no prose, no Markdown code fences.';

const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The schema as Bedrock's structured output requires: every object closed with `additionalProperties:
 * false` (as OpenAI's strict mode also requires), and no `$schema` keyword.
 */
export function normaliseSchema(schema: unknown): Schema {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isSchema(node)) return node;
    const out: Schema = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$schema') continue;
      if (key === 'properties' || key === 'patternProperties' || key === '$defs' || key === 'definitions') {
        out[key] = isSchema(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)])) : value;
      } else if (['items', 'prefixItems', 'anyOf', 'oneOf', 'allOf', 'not', 'if', 'then', 'else', 'contains'].includes(key)) {
        out[key] = walk(value);
      } else out[key] = value;
    }
    const types = Array.isArray(node.type) ? node.type : [node.type];
    if (types.includes('object') || isSchema(node.properties)) out.additionalProperties = false;
    return out;
  };
  const root = walk(schema);
  return isSchema(root) ? root : { type: 'object' };
}

/** A tool name Converse accepts, unlike any of the client's tools. */
function answerToolName(wanted: string | undefined, taken: ReadonlySet<string>): string {
  const base = (wanted ?? '').replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'json_answer';
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base.slice(0, 58)}_${i}`;
  return name;
}

/** How the answer tool can be forced on this model: a named tool, or `any` when it is the only tool. */
function forcing(name: string, ctx: StructuredContext): ToolChoice | undefined {
  if (ctx.clientToolsOffered) return undefined;
  if (ctx.caps.toolChoice.includes('tool')) return { tool: { name } };
  if (ctx.caps.toolChoice.includes('any') && ctx.takenToolNames.size === 0) return { any: {} };
  return undefined;
}

function toolPlan(name: string, description: string, schema: Schema, ctx: StructuredContext): StructuredPlan {
  const toolChoice = forcing(name, ctx);
  return {
    tool: { toolSpec: { name, description, inputSchema: { json: schema as never } } },
    toolName: name,
    ...(toolChoice ? {} : { instruction: `When you give your final answer, give it by calling the \`${name}\` tool with the answer as its input.` }),
    ...(toolChoice ? { toolChoice } : {}),
  };
}

export function planStructuredOutput(format: ResponseFormat | null | undefined, ctx: StructuredContext): StructuredPlan {
  if (!format || format.type === 'text') return {};
  const { caps } = ctx;

  if (format.type === 'json_schema') {
    const { name, description, schema } = format.json_schema;
    const normalised = normaliseSchema(schema ?? { type: 'object' });
    if (caps.structuredOutput) {
      return {
        textFormat: {
          type: 'json_schema',
          structure: { jsonSchema: { schema: JSON.stringify(normalised), name, ...(description ? { description } : {}) } },
        },
      };
    }
    if (caps.tools) {
      const tool = answerToolName(name, ctx.takenToolNames);
      return toolPlan(tool, description ?? `Give the answer as a ${name} JSON object.`, normalised, ctx);
    }
    return { instruction: `${JSON_ONLY} The JSON must conform to this JSON schema:\n${JSON.stringify(normalised)}` };
  }

  // json_object
  if (caps.prefill && !ctx.endsWithAssistant && !ctx.reasoningWanted && !ctx.clientToolsOffered) {
    return { instruction: `${JSON_ONLY} Answer with a JSON object.`, prefill: '{' };
  }
  const tool = answerToolName('json_answer', ctx.takenToolNames);
  if (caps.tools && !ctx.reasoningWanted && forcing(tool, ctx)) return toolPlan(tool, 'Give the answer as a JSON object.', OPEN_OBJECT, ctx);
  return { instruction: `${JSON_ONLY} Answer with a JSON object.` };
}
