import type { KeyVerifier } from './middleware/auth';
import type { BedrockRuntime } from './aws/bedrock-runtime';
import type { GatewayConfig } from './config';
import type { AppLogger } from './log/logger';
import type { ModelCatalog } from './models/catalog-cache';
import type { ModelResolver } from './models/resolver';
import type { SseBudget, SseTransport } from './http/sse';
import type { ResponseStore } from './store/types';
import type { DecodedMedia } from './translate/media';

/** Fetches http(s) media URLs for image parts (with the SSRF guard). */
export interface MediaFetcher {
  fetchAll(urls: readonly string[], signal?: AbortSignal): Promise<ReadonlyMap<string, DecodedMedia>>;
}

/** Everything the app needs from the outside world, built once per process by a runtime entry. */
export interface AppDeps {
  readonly config: GatewayConfig;
  readonly bedrock: BedrockRuntime;
  readonly keys: KeyVerifier;
  readonly models: ModelResolver;
  readonly logger: AppLogger;
  readonly media?: MediaFetcher;
  /** The control-plane model catalog (cached); absent in tests that need no listing. */
  readonly catalog?: ModelCatalog;
  /** How event streams reach the client when the runtime has a faster way than a web stream (the Node server). */
  readonly sseTransport?: SseTransport;
  /** A size cap on event streams, for a runtime whose platform limits the whole response (ALB → Lambda). */
  readonly sseBudget?: SseBudget;
  /** Stored Responses (`store`, `previous_response_id`, `item_reference`); absent when RESPONSE_STORE=none. */
  readonly store?: ResponseStore;
}
