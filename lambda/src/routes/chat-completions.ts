/**
 * POST /chat/completions: validate → resolve model → translate → Bedrock → translate back (JSON or SSE).
 */
import type { Context } from 'hono';
import type { AppDeps } from '../deps';
import type { AppEnv } from '../http/env';
import { readJson } from '../http/body';
import { toGatewayError } from '../middleware/errors';
import { requestTelemetry } from '../middleware/telemetry';
import { chatRequestSchema } from '../schema/chat';
import { parseRequest } from '../schema/validate';
import { sseResponse } from '../sse';
import { translateChatRequest } from '../translate/chat-request';
import { toChatCompletion } from '../translate/chat-response';
import { ChatStreamTranslator } from '../translate/chat-stream';
import { newId, unixSeconds } from '../translate/ids';
import { toLegacyChunk, toLegacyCompletion, usesLegacyFunctions } from '../translate/legacy-functions';
import { checkChatLimits } from '../translate/limits';
import { GatewayError } from '../http/errors';
import { fetchRemoteMedia, openUpstreamStream, upstreamSignal } from './upstream';

export function chatCompletionsHandler(deps: AppDeps) {
  return async function chatCompletions(c: Context<AppEnv>): Promise<Response> {
    const req = parseRequest(chatRequestSchema, await readJson(c));
    checkChatLimits(req, deps.config.limits);
    const telemetry = requestTelemetry(c);
    telemetry.capturePrompt(req.messages);
    const model = await deps.models.resolve(req.model, 'chat');
    c.set('model', model.modelId);
    const fetchedMedia = await fetchRemoteMedia(c, deps, req, model.caps, 'messages');
    const legacy = usesLegacyFunctions(req);
    const plan = translateChatRequest(req, { modelId: model.modelId, caps: model.caps, fetchedMedia, promptCaching: deps.config.enablePromptCaching });
    const base = {
      id: newId('chatcmpl'),
      created: unixSeconds(),
      model: req.model,
      dropToolCalls: plan.dropToolCalls,
      // The legacy dialect carries one function call per answer.
      maxToolCalls: legacy ? 1 : plan.maxToolCalls,
      thinkTags: deps.config.reasoningAsThinkTags,
      answerTool: plan.answerTool,
      contentPrefix: plan.contentPrefix,
    };

    if (!req.stream) {
      const res = await deps.bedrock.converse(plan.input, upstreamSignal(c, deps.config.upstreamTimeoutMs));
      telemetry.observeResponse(res);
      const completion = toChatCompletion(res, base);
      return c.json(legacy ? toLegacyCompletion(completion) : completion);
    }

    const { events, abort } = await openUpstreamStream(c, deps, plan);
    const translator = new ChatStreamTranslator({ ...base, includeUsage: plan.includeUsage });
    const sawCall = { value: false };
    return sseResponse(
      c,
      async (sink) => {
        sink.signal.addEventListener('abort', () => abort.abort(), { once: true });
        for await (const event of events) {
          telemetry.observe(event);
          for (const chunk of translator.next(event)) await sink.send(legacy ? toLegacyChunk(chunk, sawCall) : chunk);
        }
        if (!translator.complete) {
          throw new GatewayError(502, 'The Bedrock stream ended before the model finished.', { type: 'api_error', code: 'upstream_stream_truncated' });
        }
      },
      {
        toError: (err) => toGatewayError(err, deps.logger),
        transport: deps.sseTransport,
        onError: (err) => {
          abort.abort();
          deps.logger.warn('stream ended with an error', { model: model.modelId, error: err instanceof Error ? err.name : String(err) });
        },
      },
    );
  };
}
