/**
 * POST /chat/completions: validate → resolve model → translate → Bedrock → translate back (JSON or SSE).
 */
import type { Context } from 'hono';
import type { AppDeps } from '../deps';
import { readJson } from '../http/body';
import { toGatewayError } from '../middleware/errors';
import { requestTelemetry } from '../middleware/telemetry';
import { chatRequestSchema, type ChatRequest } from '../schema/chat';
import { parseRequest } from '../schema/validate';
import { sseResponse } from '../sse';
import { translateChatRequest } from '../translate/chat-request';
import { toChatCompletion } from '../translate/chat-response';
import { ChatStreamTranslator } from '../translate/chat-stream';
import { newId, unixSeconds } from '../translate/ids';
import type { DecodedMedia } from '../translate/media';
import { responseAsEvents } from '../translate/unstreamed';
import { checkChatLimits, checkFetchedMedia } from '../translate/limits';
import { GatewayError } from '../http/errors';

/** http(s) image URLs in user messages, which the gateway fetches before translating. */
export function remoteImageUrls(req: ChatRequest): string[] {
  const urls: string[] = [];
  for (const m of req.messages) {
    if (m.role !== 'user' || typeof m.content === 'string') continue;
    for (const p of m.content) {
      if (p.type !== 'image_url') continue;
      const url = typeof p.image_url === 'string' ? p.image_url : p.image_url.url;
      if (/^https?:\/\//i.test(url)) urls.push(url);
    }
  }
  return urls;
}

/**
 * The client's disconnect and the upstream timeout, as one signal for the SDK call. The timer is cleared
 * when the request ends: `AbortSignal.timeout` would keep every finished request's signals alive until
 * UPSTREAM_TIMEOUT_MS passed (measured: ~1.5 KB each, hundreds of MB at a few hundred requests a second).
 */
export function upstreamSignal(c: Context, timeoutMs: number, extra?: AbortSignal): AbortSignal {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DOMException('The upstream call timed out.', 'TimeoutError')), timeoutMs);
  timer.unref();
  const scope = requestTelemetry(c);
  scope.upstreamDeadline = deadline.signal;
  scope.onComplete(() => clearTimeout(timer));
  const signals = [c.req.raw.signal, deadline.signal];
  if (extra) signals.push(extra);
  return AbortSignal.any(signals);
}

export function chatCompletionsHandler(deps: AppDeps) {
  return async function chatCompletions(c: Context): Promise<Response> {
    const req = parseRequest(chatRequestSchema, await readJson(c));
    checkChatLimits(req, deps.config.limits);
    const telemetry = requestTelemetry(c);
    telemetry.capturePrompt(req.messages);
    const model = await deps.models.resolve(req.model, 'chat');
    c.set('model' as never, model.modelId as never);
    // A model that cannot see gets its 400 from the translator, without the gateway fetching anything first.
    const urls = model.caps.images ? remoteImageUrls(req) : [];
    let fetchedMedia: ReadonlyMap<string, DecodedMedia> | undefined;
    if (urls.length) {
      if (!deps.media) throw new GatewayError(400, 'This gateway does not fetch image URLs; send images as data: URLs.', { param: 'messages', code: 'invalid_image_url' });
      fetchedMedia = await deps.media.fetchAll(urls, c.req.raw.signal);
      checkFetchedMedia(fetchedMedia, deps.config.limits);
    }
    const plan = translateChatRequest(req, { modelId: model.modelId, caps: model.caps, fetchedMedia, promptCaching: deps.config.enablePromptCaching });
    const base = {
      id: newId('chatcmpl'),
      created: unixSeconds(),
      model: req.model,
      dropToolCalls: plan.dropToolCalls,
      maxToolCalls: plan.maxToolCalls,
      thinkTags: deps.config.reasoningAsThinkTags,
      answerTool: plan.answerTool,
      contentPrefix: plan.contentPrefix,
    };

    if (!req.stream) {
      const res = await deps.bedrock.converse(plan.input, upstreamSignal(c, deps.config.upstreamTimeoutMs));
      telemetry.observeResponse(res);
      return c.json(toChatCompletion(res, base));
    }

    // Open the upstream stream before answering, so errors before the first byte are plain HTTP errors.
    const abort = new AbortController();
    const signal = upstreamSignal(c, deps.config.upstreamTimeoutMs, abort.signal);
    const events = plan.streamFromUnstreamed
      ? responseAsEvents(await deps.bedrock.converse(plan.input, signal))
      : await deps.bedrock.converseStream(plan.input, signal);
    const translator = new ChatStreamTranslator({ ...base, includeUsage: plan.includeUsage });
    return sseResponse(
      c,
      async (sink) => {
        sink.signal.addEventListener('abort', () => abort.abort(), { once: true });
        for await (const event of events) {
          telemetry.observe(event);
          for (const chunk of translator.next(event)) await sink.send(chunk);
        }
        if (!translator.complete) {
          throw new GatewayError(502, 'The Bedrock stream ended before the model finished.', { type: 'api_error', code: 'upstream_stream_truncated' });
        }
      },
      {
        toError: (err) => toGatewayError(err, deps.logger),
        onError: (err) => {
          abort.abort();
          deps.logger.warn('stream ended with an error', { model: model.modelId, error: err instanceof Error ? err.name : String(err) });
        },
      },
    );
  };
}
