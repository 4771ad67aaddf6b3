/**
 * POST /responses: the Responses API on the chat pipeline. The adapter puts any stored conversation the
 * request continues in front of its input (./stored-responses.ts) and turns it into a typed chat request
 * (and says how its fields are named); the encoder turns the chat chunks into typed Responses events, its
 * last snapshot is the unstreamed `response` object, and the settle step stores it.
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
import { inputItems, withIds } from '../translate/responses/history';
import { toChatRequest } from '../translate/responses/request';
import type { ToolNames } from '../translate/responses/tools';
import { echoOf, type ResponseEcho } from '../translate/responses/response';
import { finalResponse, ResponsesStreamTranslator } from '../translate/responses/stream';
import type { ResponseIds, ResponseObject, ResponseStreamEvent } from '../translate/responses/types';
import { conversationOf, ownerOf } from './stored-responses';

const asSse = (events: readonly ResponseStreamEvent[]): SseEvent[] => events.map((e) => ({ event: e.type, data: e }));

class ResponsesEncoder implements ReplyEncoder {
  readonly done = false;
  private readonly translator: ResponsesStreamTranslator;
  private response?: ResponseObject;

  constructor(
    readonly context: ReplyContext,
    echo: ResponseEcho,
    ids: ResponseIds,
    tools: ToolNames,
  ) {
    this.translator = new ResponsesStreamTranslator(echo, ids, tools);
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
  const { store } = deps;
  return chatShapedHandler(deps, {
    async adapt(body, c) {
      const req = parseRequest(responsesRequestSchema, body);
      // OpenAI's default is store: true; with no store configured, only an explicit true is refused.
      const storing = store !== undefined && req.store !== false;
      const owner = ownerOf(c);
      const conversation = store ? await conversationOf(store, owner, req) : undefined;
      const built = toChatRequest(conversation ? { ...req, model: conversation.model, input: conversation.items } : req, {
        hostedTools: deps.config.hostedTools,
        stored: store !== undefined,
      });
      const ids = newResponseIds();
      return {
        request: built.request,
        fieldNames: responsesFieldNames(built.sources),
        ignoredTools: built.ignoredTools,
        encoder(plan, model) {
          // Reasoning always travels as reasoning items here, never as <think> tags; usage always ends a response.
          const context = replyContext(plan, { id: ids.id, created: ids.createdAt, model, thinkTags: false, includeUsage: true });
          return new ResponsesEncoder(context, { ...echoOf(req, storing), model }, ids, built.toolNames);
        },
        ...(storing && store
          ? {
              async settle(response: unknown) {
                const r = response as ResponseObject;
                await store.put({
                  id: ids.id,
                  owner,
                  createdAt: ids.createdAt,
                  model: r.model,
                  status: r.status,
                  request: { instructions: req.instructions ?? null, tools: req.tools ?? [] },
                  response: r as unknown as Record<string, unknown>,
                  inputItems: withIds(conversation?.items ?? inputItems(req.input)),
                  outputItems: r.output as unknown as Array<Record<string, unknown>>,
                });
              },
            }
          : {}),
      };
    },
  });
}
