/**
 * The Responses request reaches Bedrock through the chat translation, whose 400s name chat params
 * (`messages[2].tool_calls[0].function.arguments`). This maps them back to what the client sent
 * (`input[5].arguments`). Pure.
 */
import { GatewayError } from '../../http/errors';
import type { MessageSource } from './input';

export interface ParamSources {
  /** One per chat message, in order. */
  readonly messages: readonly MessageSource[];
  /** Chat `tools[i]` → index into the Responses `tools`. */
  readonly tools: readonly number[];
}

const TOP_LEVEL: Readonly<Record<string, string>> = {
  messages: 'input',
  max_completion_tokens: 'max_output_tokens',
  max_tokens: 'max_output_tokens',
  reasoning_effort: 'reasoning.effort',
  stream_options: 'stream',
};

function messageParam(index: number, rest: string, sources: ParamSources): string {
  const source = sources.messages[index];
  if (!source) return 'input';
  if (source.at === 'instructions') return 'instructions';
  const call = /^\.tool_calls\[(\d+)\](?:\.function)?(.*)$/.exec(rest);
  if (call && source.toolCalls?.[Number(call[1])]) return source.toolCalls[Number(call[1])] + call[2];
  if (source.contentField && rest.startsWith('.content')) return `${source.at}.${source.contentField}${rest.slice('.content'.length)}`;
  return source.at + rest;
}

export function responsesParam(param: string, sources: ParamSources): string {
  const message = /^messages\[(\d+)\](.*)$/.exec(param);
  if (message) return messageParam(Number(message[1]), message[2], sources);
  const tool = /^tools\[(\d+)\](?:\.function)?(.*)$/.exec(param);
  if (tool) return `tools[${sources.tools[Number(tool[1])] ?? tool[1]}]${tool[2]}`;
  const format = /^response_format(?:\.json_schema)?(.*)$/.exec(param);
  if (format) return `text.format${format[1]}`;
  const [head, ...tail] = param.split('.');
  const mapped = TOP_LEVEL[head.replace(/\[.*$/, '')];
  return mapped ? [mapped, ...tail].join('.') : param;
}

/** Runs a chat-side step; a GatewayError it throws is re-issued with the Responses param name. */
export function withResponsesParams<T>(sources: ParamSources, step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (!(err instanceof GatewayError) || !err.param) throw err;
    const param = responsesParam(err.param, sources);
    if (param === err.param) throw err;
    throw new GatewayError(err.status, err.message.replace(`'${err.param}'`, `'${param}'`), {
      type: err.type,
      param,
      code: err.code,
      retryAfterSeconds: err.retryAfterSeconds,
    });
  }
}
