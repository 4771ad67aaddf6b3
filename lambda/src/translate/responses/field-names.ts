/**
 * The Responses request reaches Bedrock through the chat translation, whose errors name chat fields
 * (`messages[2].tool_calls[0].function.arguments`). These tables say where each chat field came from in
 * what the client sent (`input[5].arguments`), so the HTTP boundary can name it. Pure: paths in, paths out.
 */
import type { FieldNames, FieldPath } from '../../errors/domain-error';
import type { MessageSource } from './input';
import { lookupTable } from '../../lookup-table';

export interface FieldSources {
  /** One per chat message, in order. */
  readonly messages: readonly MessageSource[];
  /** Chat `tools[i]` → where it stands in the Responses `tools` (`['tools', 3]`, or inside a namespace). */
  readonly tools: readonly FieldPath[];
}

/** Chat top-level fields the Responses API names differently. */
const TOP_LEVEL: Readonly<Record<string, FieldPath>> = lookupTable({
  messages: ['input'],
  max_completion_tokens: ['max_output_tokens'],
  max_tokens: ['max_output_tokens'],
  reasoning_effort: ['reasoning', 'effort'],
  stream_options: ['stream'],
  response_format: ['text', 'format'],
});

/** Drops the chat-only wrapper object (`function`, `json_schema`) that follows a path's head. */
function unwrap(rest: FieldPath, wrapper: string): FieldPath {
  return rest[0] === wrapper ? rest.slice(1) : rest;
}

function messageField(source: MessageSource | undefined, rest: FieldPath): FieldPath {
  if (!source) return ['input'];
  if (source.at[0] === 'instructions') return ['instructions'];
  const [head, index] = rest;
  if (head === 'tool_calls' && typeof index === 'number' && source.toolCalls?.[index]) return [...source.toolCalls[index], ...unwrap(rest.slice(2), 'function')];
  if (head === 'content' && source.contentField) return [...source.at, source.contentField, ...rest.slice(1)];
  return [...source.at, ...rest];
}

export function responsesField(path: FieldPath, sources: FieldSources): FieldPath {
  const [head, index] = path;
  if (head === 'messages' && typeof index === 'number') return messageField(sources.messages[index], path.slice(2));
  if (head === 'tools' && typeof index === 'number') return [...(sources.tools[index] ?? ['tools', index]), ...unwrap(path.slice(2), 'function')];
  if (head === 'response_format') return [...TOP_LEVEL.response_format, ...unwrap(path.slice(1), 'json_schema')];
  const mapped = typeof head === 'string' ? TOP_LEVEL[head] : undefined;
  return mapped ? [...mapped, ...path.slice(1)] : path;
}

/** The field names of one Responses request, for the HTTP boundary. */
export function responsesFieldNames(sources: FieldSources): FieldNames {
  return (path) => responsesField(path, sources);
}
