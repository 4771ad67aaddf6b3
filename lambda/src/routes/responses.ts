/**
 * POST /responses: the Responses API, served statelessly on the chat translation. The request becomes a
 * Chat Completions request, goes through the chat translators to Converse, and the chat answer (or chunks)
 * becomes a `response` object (or typed Responses events).
 */
import type { Context } from 'hono';
import type { AppDeps } from '../deps';
import type { AppEnv } from '../http/env';
import { readJson } from '../http/body';
import { GatewayError } from '../http/errors';
import { toGatewayError } from '../middleware/errors';
import { requestTelemetry } from '../middleware/telemetry';
import { chatRequestSchema } from '../schema/chat';
import { responsesRequestSchema } from '../schema/responses';
import { parseRequest } from '../schema/validate';
import { sseResponse } from '../sse';
import { translateChatRequest } from '../translate/chat-request';
import { toChatCompletion } from '../translate/chat-response';
import { ChatStreamTranslator } from '../translate/chat-stream';
import { unixSeconds } from '../translate/ids';
import { newResponseIds } from '../translate/responses/ids';
import { withResponsesParams } from '../translate/responses/params';
import { toChatRequest } from '../translate/responses/request';
import { echoOf, toResponse } from '../translate/responses/response';
import { ResponsesStreamTranslator } from '../translate/responses/stream';
import { checkChatLimits } from '../translate/limits';
import { fetchRemoteMedia, openUpstreamStream, upstreamSignal } from './upstream';

export function responsesHandler(deps: AppDeps) {
  return async function responses(c: Context<AppEnv>): Promise<Response> {
    const req = parseRequest(responsesRequestSchema, await readJson(c));
    const built = toChatRequest(req);
    const chatReq = withResponsesParams(built.sources, () => parseRequest(chatRequestSchema, built.request));
    withResponsesParams(built.sources, () => checkChatLimits(chatReq, deps.config.limits));
    const telemetry = requestTelemetry(c);
    const model = await deps.models.resolve(req.model, 'chat');
    c.set('model', model.modelId);
    const fetchedMedia = await fetchRemoteMedia(c, deps, chatReq, model.caps, 'input');
    const translation = { modelId: model.modelId, caps: model.caps, fetchedMedia, promptCaching: deps.config.enablePromptCaching };
    const plan = withResponsesParams(built.sources, () => translateChatRequest(chatReq, translation));
    const ids = newResponseIds();
    const echo = echoOf(req);
    // Whatever the plan tells the way back (dropped or capped tool calls, …) reaches the chat translators
    // as it does on the chat route. Reasoning always travels as reasoning items here, never as <think> tags.
    const { input: _input, includeUsage: _includeUsage, streamFromUnstreamed: _unstreamed, ...wayBack } = plan;
    const base = { ...wayBack, id: ids.id, created: ids.createdAt, model: req.model, thinkTags: false };

    if (!req.stream) {
      const res = await deps.bedrock.converse(plan.input, upstreamSignal(c, deps.config.upstreamTimeoutMs));
      telemetry.observeResponse(res);
      return c.json(toResponse(toChatCompletion(res, base), echo, ids, unixSeconds()));
    }

    const { events, abort } = await openUpstreamStream(c, deps, plan);
    const translator = new ResponsesStreamTranslator(new ChatStreamTranslator({ ...base, includeUsage: true }), echo, ids);
    return sseResponse(
      c,
      async (sink) => {
        sink.signal.addEventListener('abort', () => abort.abort(), { once: true });
        for (const e of translator.start()) await sink.send(e, e.type);
        for await (const event of events) {
          telemetry.observe(event);
          for (const e of translator.next(event)) await sink.send(e, e.type);
        }
        if (!translator.complete) {
          throw new GatewayError(502, 'The Bedrock stream ended before the model finished.', { type: 'api_error', code: 'upstream_stream_truncated' });
        }
        for (const e of translator.end(unixSeconds())) await sink.send(e, e.type);
      },
      {
        done: false,
        toError: (err) => toGatewayError(err, deps.logger),
        transport: deps.sseTransport,
        errorEvent: (err) => {
          const failed = translator.fail(err);
          return { event: failed.type, data: failed };
        },
        onError: (err) => {
          abort.abort();
          deps.logger.warn('stream ended with an error', { model: model.modelId, error: err instanceof Error ? err.name : String(err) });
        },
      },
    );
  };
}
