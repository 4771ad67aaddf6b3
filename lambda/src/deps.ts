import type { KeyVerifier } from './middleware/auth';
import type { BedrockRuntime } from './aws/bedrock-runtime';
import type { GatewayConfig } from './config';
import type { AppLogger } from './log/logger';
import type { ModelCatalog } from './models/catalog-cache';
import type { ModelResolver } from './models/resolver';
import type { SseBudget, SseTransport } from './http/sse';
import type { ResponseStore } from './store/types';
import type { ManagedKeys } from './keys/managed-keys';
import type { DecodedMedia } from './translate/media';

/** Fetches http(s) media URLs for image parts (with the SSRF guard). */
export interface MediaFetcher {
  /**
   * `hold` receives the function that gives the request's fetched bytes back to the process-wide budget; the
   * caller runs it when the request is over (the bytes live on in the Bedrock call). Without `hold` they are
   * given back when the fetch returns.
   */
  fetchAll(urls: readonly string[], signal?: AbortSignal, hold?: (release: () => void) => void): Promise<ReadonlyMap<string, DecodedMedia>>;
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
  /** Managed API keys, their limits and usage (the admin API); absent without a state store or with MANAGED_KEYS=false. */
  readonly managedKeys?: ManagedKeys;
  /** Aborted when a draining server's grace period is over: open streams end with an error event. */
  readonly shutdown?: AbortSignal;
}
