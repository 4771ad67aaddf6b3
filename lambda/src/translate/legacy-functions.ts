/**
 * Requests that use the legacy `functions` field (instead of `tools`) get the legacy answer shape back:
 * one `function_call` on the message (or `delta.function_call` fragments when streaming) and
 * `finish_reason: "function_call"`, as OpenAI answers them. Pure: a mapping over the tools-shaped output.
 */
import type { ChatCompletion } from './chat-response';
import type { ChatCompletionChunk } from './chat-stream';

type Choice = ChatCompletion['choices'][number];
type ChunkChoice = ChatCompletionChunk['choices'][number];

export interface LegacyFunctionCall {
  name: string;
  arguments: string;
}

export type LegacyChatCompletion = Omit<ChatCompletion, 'choices'> & {
  choices: Array<
    Omit<Choice, 'message' | 'finish_reason'> & {
      message: Omit<Choice['message'], 'tool_calls'> & { function_call?: LegacyFunctionCall };
      finish_reason: Choice['finish_reason'] | 'function_call';
    }
  >;
};

export type LegacyChatCompletionChunk = Omit<ChatCompletionChunk, 'choices'> & {
  choices: Array<
    Omit<ChunkChoice, 'delta' | 'finish_reason'> & {
      delta: Omit<ChunkChoice['delta'], 'tool_calls'> & { function_call?: Partial<LegacyFunctionCall> };
      finish_reason: ChunkChoice['finish_reason'] | 'function_call';
    }
  >;
};

/** True when the client speaks the legacy function-calling dialect. */
export function usesLegacyFunctions(req: { tools?: unknown[] | null; functions?: unknown[] | null }): boolean {
  return !req.tools?.length && !!req.functions?.length;
}

export function toLegacyCompletion(completion: ChatCompletion): LegacyChatCompletion {
  return {
    ...completion,
    choices: completion.choices.map(({ message, finish_reason, ...rest }) => {
      const { tool_calls, ...plain } = message;
      const call = tool_calls?.[0];
      return call
        ? { ...rest, message: { ...plain, function_call: { name: call.function.name, arguments: call.function.arguments } }, finish_reason: 'function_call' as const }
        : { ...rest, message: plain, finish_reason };
    }),
  };
}

/** Maps a tools-shaped chunk; the first tool call (index 0) becomes `function_call`, later ones are dropped. */
export function toLegacyChunk(chunk: ChatCompletionChunk, sawCall: { value: boolean }): LegacyChatCompletionChunk {
  return {
    ...chunk,
    choices: chunk.choices.map(({ delta, finish_reason, ...rest }) => {
      const { tool_calls, ...plain } = delta;
      const fragment = tool_calls?.find((t) => t.index === 0);
      if (fragment) sawCall.value = true;
      const legacyDelta = fragment
        ? { ...plain, function_call: fragment.function.name !== undefined ? { name: fragment.function.name, arguments: fragment.function.arguments } : { arguments: fragment.function.arguments } }
        : plain;
      return { ...rest, delta: legacyDelta, finish_reason: finish_reason === 'tool_calls' && sawCall.value ? 'function_call' : finish_reason };
    }),
  };
}
