import { ENV, type EnvName } from '../lambda/src/env-names';
import type { GatewayConfig } from './config';

/** The route prefix the outputs point at; set explicitly so the printed URL and the handler agree. */
export const API_ROUTE_PREFIX = '/api/v1';

/** Environment variables for the gateway code: only names it reads (lambda/src/env-names.ts). */
export type HandlerEnvironment = { readonly [K in EnvName]?: string };

/**
 * Handler settings shared by every target. The API key location is added by the target, because Fargate
 * injects the key itself while the Lambda targets read it at run time.
 */
export function handlerEnvironment(config: GatewayConfig): HandlerEnvironment {
  const { models } = config;
  return {
    [ENV.API_ROUTE_PREFIX]: API_ROUTE_PREFIX,
    [ENV.LOG_LEVEL]: config.logLevel,
    [ENV.ENABLE_CROSS_REGION_INFERENCE]: String(models.enableCrossRegionInference),
    [ENV.ENABLE_APPLICATION_INFERENCE_PROFILES]: String(models.enableApplicationInferenceProfiles),
    [ENV.ENABLE_PROMPT_CACHING]: String(models.enablePromptCaching),
    ...(models.defaultModel ? { [ENV.DEFAULT_MODEL]: models.defaultModel } : {}),
    ...(models.defaultEmbeddingModel ? { [ENV.DEFAULT_EMBEDDING_MODEL]: models.defaultEmbeddingModel } : {}),
    ...(models.modelAllowlist.length > 0 ? { [ENV.MODEL_ALLOWLIST]: models.modelAllowlist.join(',') } : {}),
  };
}
