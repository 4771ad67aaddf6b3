/**
 * POST /responses: the Responses API, served statelessly on the chat pipeline. The adapter turns the request
 * into a typed chat request (and says how its fields are named); the encoder turns the chat chunks into
 * typed Responses events, and its last snapshot is the unstreamed `response` object.
 */
import type { AppDeps } from '../deps';
import type { GatewayError } from '../http/errors';
import { chatShapedHandler } from '../pipeline/chat-pipeline';
import type { ReplyEncoder, SseEvent } from '../pipeline/reply-encoder';
import { responsesRequestSchema } from '../schema/responses';
import { parseRequest } from '../schema/validate';
import type { ChatCompletionChunk } from '../translate/chat-stream';
import { replyContext, type ReplyContext } from '../translate/reply';
import { responsesFieldNames } from '../translate/responses/field-names';
import { newResponseIds } from '../translate/responses/ids';
import { toChatRequest } from '../translate/responses/request';
import { echoOf, type ResponseEcho } from '../translate/responses/response';
import { finalResponse, ResponsesStreamTranslator } from '../translate/responses/stream';
import type { ResponseIds, ResponseObject, ResponseStreamEvent } from '../translate/responses/types';

const asSse = (events: readonly ResponseStreamEvent[]): SseEvent[] => events.map((e) => ({ event: e.type, data: e }));

class ResponsesEncoder implements ReplyEncoder {
  readonly done = false;
  private readonly translator: ResponsesStreamTranslator;
  private response?: ResponseObject;

  constructor(
    readonly context: ReplyContext,
    echo: ResponseEcho,
    ids: ResponseIds,
  ) {
    this.translator = new ResponsesStreamTranslator(echo, ids);
  }

  start(): readonly SseEvent[] {
    return asSse(this.translator.start());
  }

  chunk(chunk: ChatCompletionChunk): readonly SseEvent[] {
    return asSse(this.translator.onChunk(chunk));
  }

  end(now: number): readonly SseEvent[] {
    const events = this.translator.end(now);
    this.response = finalResponse(events);
    return asSse(events);
  }

  fail(err: GatewayError): SseEvent {
    const failed = this.translator.fail(err);
    return { event: failed.type, data: failed };
  }

  body(): unknown {
    return this.response;
  }
}

export function responsesHandler(deps: AppDeps) {
  return chatShapedHandler(deps, {
    adapt(body) {
      const req = parseRequest(responsesRequestSchema, body);
      const built = toChatRequest(req);
      return {
        request: built.request,
        fieldNames: responsesFieldNames(built.sources),
        encoder(plan, model) {
          const ids = newResponseIds();
          // Reasoning always travels as reasoning items here, never as <think> tags; usage always ends a response.
          const context = replyContext(plan, { id: ids.id, created: ids.createdAt, model, thinkTags: false, includeUsage: true });
          return new ResponsesEncoder(context, { ...echoOf(req), model }, ids);
        },
      };
    },
  });
}
