/**
 * POST /chat/completions: the chat request is already what the pipeline translates; the encoder sends the
 * chat chunks as they are (or in the legacy `functions` dialect) and folds them for an unstreamed answer.
 */
import type { AppDeps } from '../deps';
import type { GatewayError } from '../http/errors';
import { chatShapedHandler } from '../pipeline/chat-pipeline';
import { NO_EVENTS, type ReplyEncoder, type SseEvent } from '../pipeline/reply-encoder';
import { chatRequestSchema, type ChatRequest } from '../schema/chat';
import { parseRequest } from '../schema/validate';
import type { ChatPlan } from '../translate/chat-request';
import { ChatCompletionFold } from '../translate/chat-response';
import type { ChatCompletionChunk } from '../translate/chat-stream';
import { newId, unixSeconds } from '../translate/ids';
import { toLegacyChunk, toLegacyCompletion, usesLegacyFunctions } from '../translate/legacy-functions';
import { replyContext, type ReplyContext } from '../translate/reply';

class ChatEncoder implements ReplyEncoder {
  readonly done = true;
  private readonly fold = new ChatCompletionFold();
  private readonly sawCall = { value: false };

  constructor(
    readonly context: ReplyContext,
    private readonly streaming: boolean,
    private readonly legacy: boolean,
  ) {}

  start(): readonly SseEvent[] {
    return NO_EVENTS;
  }

  chunk(chunk: ChatCompletionChunk): readonly SseEvent[] {
    if (this.streaming) return [{ data: this.legacy ? toLegacyChunk(chunk, this.sawCall) : chunk }];
    this.fold.add(chunk);
    return NO_EVENTS;
  }

  end(): readonly SseEvent[] {
    return NO_EVENTS;
  }

  fail(err: GatewayError): SseEvent {
    return { data: err.toBody() };
  }

  merge(a: SseEvent, b: SseEvent): SseEvent | undefined {
    if (this.legacy) return undefined;
    const first = textOnly(a.data as ChatCompletionChunk);
    const second = textOnly(b.data as ChatCompletionChunk);
    if (first === undefined || second === undefined || (a.data as ChatCompletionChunk).id !== (b.data as ChatCompletionChunk).id) return undefined;
    const chunk = a.data as ChatCompletionChunk;
    return { data: { ...chunk, choices: [{ ...chunk.choices[0], delta: { content: first + second } }] } };
  }

  body(): unknown {
    const completion = this.fold.result(this.context);
    return this.legacy ? toLegacyCompletion(completion) : completion;
  }
}

/** The text of a chunk that carries nothing but answer text, else undefined. */
function textOnly(chunk: ChatCompletionChunk): string | undefined {
  if (chunk.object !== 'chat.completion.chunk' || chunk.usage || chunk.choices.length !== 1) return undefined;
  const [choice] = chunk.choices;
  const keys = Object.keys(choice.delta);
  return choice.finish_reason === null && keys.length === 1 && typeof choice.delta.content === 'string' ? choice.delta.content : undefined;
}

function encoderFor(req: ChatRequest, plan: ChatPlan, model: string, thinkTags: boolean): ReplyEncoder {
  const streaming = req.stream === true;
  const legacy = usesLegacyFunctions(req);
  const context = replyContext(
    // The legacy dialect carries one function call per answer.
    legacy ? { ...plan, maxToolCalls: 1 } : plan,
    { id: newId('chatcmpl'), created: unixSeconds(), model, thinkTags, includeUsage: streaming ? plan.includeUsage : true },
  );
  return new ChatEncoder(context, streaming, legacy);
}

export function chatCompletionsHandler(deps: AppDeps) {
  return chatShapedHandler(deps, {
    adapt(body) {
      const request = parseRequest(chatRequestSchema, body);
      return { request, encoder: (plan, model) => encoderFor(request, plan, model, deps.config.reasoningAsThinkTags) };
    },
  });
}
