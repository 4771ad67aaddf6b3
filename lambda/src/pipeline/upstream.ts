/**
 * The pipeline's steps around the Bedrock call: fetching remote images, the upstream signal (client
 * disconnect + deadline), and opening a stream so that errors before the first byte stay plain HTTP errors.
 */
import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import type { Context } from 'hono';
import type { AppDeps } from '../deps';
import { invalidRequest } from '../errors/domain-error';
import { requestTelemetry, type AppEnv } from '../http/env';
import type { ModelCapabilities } from '../models/capabilities';
import type { ChatRequest } from '../schema/chat';
import type { ChatPlan } from '../translate/chat-request';
import { checkFetchedMedia } from '../translate/limits';
import type { DecodedMedia } from '../translate/media';
import { responseAsEvents } from '../translate/unstreamed';

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
 * Fetches the request's image URLs and checks them against the size limits. A model that cannot see gets
 * its 400 from the translator, without the gateway fetching anything first.
 */
export async function fetchRemoteMedia(
  c: Context<AppEnv>,
  deps: AppDeps,
  req: ChatRequest,
  caps: ModelCapabilities,
): Promise<ReadonlyMap<string, DecodedMedia> | undefined> {
  const urls = caps.images ? remoteImageUrls(req) : [];
  if (urls.length === 0) return undefined;
  if (!deps.media) throw invalidRequest('This gateway does not fetch image URLs; send images as data: URLs.', ['messages'], 'invalid_image_url');
  // The fetched bytes count against the process's budget until the request is over (they live on in the call).
  const media = await deps.media.fetchAll(urls, c.req.raw.signal, (release) => requestTelemetry(c).onComplete(release));
  checkFetchedMedia(media, deps.config.limits);
  return media;
}

/**
 * The client's disconnect and the upstream timeout (and `extra`, when given), as one signal for the SDK
 * call, aborted with the reason of whichever fires first. The timer and the listeners go when the request
 * ends: `AbortSignal.timeout` would keep every finished request's signals alive until UPSTREAM_TIMEOUT_MS
 * passed (measured: ~1.5 KB each, hundreds of MB at a few hundred requests a second), and `AbortSignal.any`
 * costs about 8 µs a call against under 1 µs for two listeners (Node 22, measured alone).
 */
export function upstreamSignal(c: Context<AppEnv>, timeoutMs: number, extra?: AbortSignal): AbortSignal {
  const upstream = new AbortController();
  const scope = requestTelemetry(c);
  const timer = setTimeout(() => {
    const reason = new DOMException('The upstream call timed out.', 'TimeoutError');
    // Set before the abort: what the abort sets off is rendered as this request's timeout.
    scope.upstreamDeadline = AbortSignal.abort(reason);
    upstream.abort(reason);
  }, timeoutMs);
  timer.unref();
  const sources = extra ? [c.req.raw.signal, extra] : [c.req.raw.signal];
  const follow = (event: Event) => upstream.abort((event.target as AbortSignal).reason);
  for (const source of sources) {
    if (source.aborted) upstream.abort(source.reason);
    else source.addEventListener('abort', follow, { once: true });
  }
  scope.onComplete(() => {
    clearTimeout(timer);
    for (const source of sources) source.removeEventListener('abort', follow);
  });
  return upstream.signal;
}

export interface UpstreamStream {
  readonly events: AsyncIterable<ConverseStreamOutput> | Iterable<ConverseStreamOutput>;
  /** Aborts the upstream call (client gone, or the stream failed on our side). */
  readonly abort: AbortController;
}

/**
 * Opens the upstream stream before the route answers, so errors before the first byte are plain HTTP
 * errors. Models that cannot stream tool use are called unstreamed and replayed as stream events.
 */
export async function openUpstreamStream(c: Context<AppEnv>, deps: AppDeps, plan: ChatPlan): Promise<UpstreamStream> {
  const abort = new AbortController();
  const signal = upstreamSignal(c, deps.config.upstreamTimeoutMs, abort.signal);
  const events = plan.streamFromUnstreamed
    ? responseAsEvents(await deps.bedrock.converse(plan.input, signal))
    : await deps.bedrock.converseStream(plan.input, signal);
  return { events, abort };
}
