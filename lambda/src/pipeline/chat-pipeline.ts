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
import { admitModelCall, resolveModel } from './managed-access';
import { withKeyMetadata } from '../keys/metadata';

/** A request as a route hands it to the pipeline. */
export interface AdaptedRequest {
  /** What the translators see; `stream` decides how the answer goes back. */
  readonly request: ChatRequest;
  /** How the client's API names the chat request's fields, when it is not Chat Completions. */
  readonly fieldNames?: FieldNames;
  /** Hosted tools the route left out of the model's tools (HOSTED_TOOLS=ignore). */
  readonly ignoredTools?: readonly string[];
  /**
   * The encoder for this request's answer, once the model and the translation plan are known. `model` is
   * the name the answer echoes (`ResolvedModel.name`: the default model's when the request named none).
   */
  encoder(plan: ChatPlan, model: string): ReplyEncoder;
  /**
   * Runs once the answer is complete and before its last event or body goes out (the Responses route stores
   * the response here, so the next request can read it at once). A failure fails the request.
   */
  settle?(body: unknown): Promise<void>;
}

export interface ChatShapedRoute {
  /** The request body (parsed JSON) → the adapted request; a body the route cannot serve throws a 400. */
  adapt(body: unknown, c: Context<AppEnv>): AdaptedRequest | Promise<AdaptedRequest>;
}

/** Names the request's top-level keys the model family does not take (left out of the Bedrock call). */
export const IGNORED_FIELDS_HEADER = 'x-gateway-ignored-fields';
/** Names the hosted tools (`web_search`, …) the model was not given (HOSTED_TOOLS=ignore). */
export const IGNORED_TOOLS_HEADER = 'x-gateway-ignored-tools';

/**
 * Tells the client (a header) and the operator (the access log) what the gateway left out. At most 20
 * distinct names, each a plain token, so a client's key names cannot shape the header.
 */
function reportIgnored(c: Context<AppEnv>, header: string, names: readonly string[]): void {
  if (names.length === 0) return;
  const unique = [...new Set(names)];
  const shown = unique.filter((f) => /^[\w.-]{1,64}$/.test(f)).slice(0, 20);
  const rest = unique.length - shown.length;
  const value = [...shown, ...(rest > 0 ? [`+${rest} more`] : [])].join(', ');
  c.header(header, value);
  requestTelemetry(c).note(header === IGNORED_TOOLS_HEADER ? 'ignoredTools' : 'ignoredFields', value);
}

const truncated = (): GatewayError =>
  new GatewayError(502, 'The Bedrock stream ended before the model finished.', { type: 'api_error', code: 'upstream_stream_truncated' });

export function chatShapedHandler(deps: AppDeps, route: ChatShapedRoute) {
  return async function chatShaped(c: Context<AppEnv>): Promise<Response> {
    const adapted = await route.adapt(await readJson(c, deps.config.limits.json), c);
    if (adapted.fieldNames) c.set('fieldNames', adapted.fieldNames);
    const key = c.get('managedKey');
    const req = key ? { ...adapted.request, metadata: withKeyMetadata(adapted.request.metadata, key) } : adapted.request;
    checkChatLimits(req, deps.config.limits);
    const telemetry = requestTelemetry(c);
    telemetry.capturePrompt(req.messages);
    const model = await resolveModel(c, deps, req.model, 'chat');
    // A managed key's budget and limits, before any work on its behalf (fetching its images, Bedrock).
    const callId = await admitModelCall(c, deps, model);
    const fetchedMedia = await fetchRemoteMedia(c, deps, req, model.caps);
    const translated = translateChatRequest(req, {
      modelId: model.modelId,
      caps: model.caps,
      fetchedMedia,
      promptCaching: deps.config.enablePromptCaching,
      hostedTools: deps.config.hostedTools,
    });
    const plan = callId === model.modelId ? translated : { ...translated, input: { ...translated.input, modelId: callId } };
    const encoder = adapted.encoder(plan, model.name);
    reportIgnored(c, IGNORED_FIELDS_HEADER, plan.ignoredFields);
    reportIgnored(c, IGNORED_TOOLS_HEADER, [...(adapted.ignoredTools ?? []), ...plan.ignoredTools]);

    if (!req.stream) {
      const res = await deps.bedrock.converse(plan.input, upstreamSignal(c, deps.config.upstreamTimeoutMs));
      telemetry.observeResponse(res);
      encoder.start();
      replayChunks(res, encoder.context, (chunk) => encoder.chunk(chunk));
      encoder.end(unixSeconds());
      const body = encoder.body();
      await adapted.settle?.(body);
      return c.json(body);
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
        const closing = encoder.end(unixSeconds());
        await adapted.settle?.(encoder.body());
        for (const e of closing) await sink.send(e.data, e.event);
      },
      {
        done: encoder.done,
        logger: deps.logger,
        transport: deps.sseTransport,
        shutdown: deps.shutdown,
        budget: deps.sseBudget,
        merge: encoder.merge?.bind(encoder),
        errorEvent: (err) => encoder.fail(err),
        onError: (err) => {
          abort.abort();
          deps.logger.warn('stream ended with an error', { model: model.modelId, error: err instanceof Error ? err.name : String(err) });
        },
      },
    );
  };
}
