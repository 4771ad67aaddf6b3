/**
 * The one pipeline of the chat-shaped routes (/chat/completions, /responses): parse → limits → prompt
 * capture → resolve the model → fetch media → translate → Bedrock (call or stream) → encode. A route
 * supplies only its adapter (its request → a typed chat request) and its reply encoder.
 */
import type { Context } from 'hono';
import type { AppDeps } from '../deps';
import type { FieldNames } from '../errors/domain-error';
import { readJson } from '../http/body';
import { requestTelemetry, type AppEnv } from '../http/env';
import { GatewayError } from '../http/errors';
import { sseResponse } from '../http/sse';
import type { ChatRequest } from '../schema/chat';
import { translateChatRequest, type ChatPlan } from '../translate/chat-request';
import { ChatStreamTranslator } from '../translate/chat-stream';
import { unixSeconds } from '../translate/ids';
import { checkChatLimits } from '../translate/limits';
import { replayChunks } from '../translate/reply';
import type { ReplyEncoder } from './reply-encoder';
import { fetchRemoteMedia, openUpstreamStream, upstreamSignal } from './upstream';

/** A request as a route hands it to the pipeline. */
export interface AdaptedRequest {
  /** What the translators see; `stream` decides how the answer goes back. */
  readonly request: ChatRequest;
  /** How the client's API names the chat request's fields, when it is not Chat Completions. */
  readonly fieldNames?: FieldNames;
  /**
   * The encoder for this request's answer, once the model and the translation plan are known. `model` is
   * the name the answer echoes (`ResolvedModel.name`: the default model's when the request named none).
   */
  encoder(plan: ChatPlan, model: string): ReplyEncoder;
}

export interface ChatShapedRoute {
  /** The request body (parsed JSON) → the adapted request; a body the route cannot serve throws a 400. */
  adapt(body: unknown): AdaptedRequest;
}

/** Names the request's top-level keys the model family does not take (left out of the Bedrock call). */
export const IGNORED_FIELDS_HEADER = 'x-gateway-ignored-fields';

/** At most 20 names, each a plain token, so a client's key names cannot shape the header. */
function ignoredFieldsHeader(fields: readonly string[]): string {
  const names = fields.filter((f) => /^[\w.-]{1,64}$/.test(f)).slice(0, 20);
  const rest = fields.length - names.length;
  return [...names, ...(rest > 0 ? [`+${rest} more`] : [])].join(', ');
}

const truncated = (): GatewayError =>
  new GatewayError(502, 'The Bedrock stream ended before the model finished.', { type: 'api_error', code: 'upstream_stream_truncated' });

export function chatShapedHandler(deps: AppDeps, route: ChatShapedRoute) {
  return async function chatShaped(c: Context<AppEnv>): Promise<Response> {
    const adapted = route.adapt(await readJson(c));
    if (adapted.fieldNames) c.set('fieldNames', adapted.fieldNames);
    const req = adapted.request;
    checkChatLimits(req, deps.config.limits);
    const telemetry = requestTelemetry(c);
    telemetry.capturePrompt(req.messages);
    const model = await deps.models.resolve(req.model, 'chat');
    c.set('model', model.modelId);
    const fetchedMedia = await fetchRemoteMedia(c, deps, req, model.caps);
    const plan = translateChatRequest(req, { modelId: model.modelId, caps: model.caps, fetchedMedia, promptCaching: deps.config.enablePromptCaching });
    const encoder = adapted.encoder(plan, model.name);
    if (plan.ignoredFields.length) c.header(IGNORED_FIELDS_HEADER, ignoredFieldsHeader(plan.ignoredFields));

    if (!req.stream) {
      const res = await deps.bedrock.converse(plan.input, upstreamSignal(c, deps.config.upstreamTimeoutMs));
      telemetry.observeResponse(res);
      encoder.start();
      replayChunks(res, encoder.context, (chunk) => encoder.chunk(chunk));
      encoder.end(unixSeconds());
      return c.json(encoder.body());
    }

    const { events, abort } = await openUpstreamStream(c, deps, plan);
    const translator = new ChatStreamTranslator(encoder.context);
    return sseResponse(
      c,
      async (sink) => {
        sink.signal.addEventListener('abort', () => abort.abort(), { once: true });
        for (const e of encoder.start()) await sink.send(e.data, e.event);
        for await (const event of events) {
          telemetry.observe(event);
          for (const chunk of translator.next(event)) {
            for (const e of encoder.chunk(chunk)) await sink.send(e.data, e.event);
          }
        }
        if (!translator.complete) throw truncated();
        for (const e of encoder.end(unixSeconds())) await sink.send(e.data, e.event);
      },
      {
        done: encoder.done,
        logger: deps.logger,
        transport: deps.sseTransport,
        errorEvent: (err) => encoder.fail(err),
        onError: (err) => {
          abort.abort();
          deps.logger.warn('stream ended with an error', { model: model.modelId, error: err instanceof Error ? err.name : String(err) });
        },
      },
    );
  };
}
