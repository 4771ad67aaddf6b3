import type { GatewayConfig } from './config';

/** The route prefix the outputs point at; set explicitly so the printed URL and the handler agree. */
export const API_ROUTE_PREFIX = '/api/v1';

/**
 * Handler settings shared by every target. The API key location is added by the target, because Fargate
 * injects the key itself while the Lambda targets read it at run time.
 */
export function handlerEnvironment(config: GatewayConfig): Record<string, string> {
  const { models } = config;
  return {
    API_ROUTE_PREFIX,
    LOG_LEVEL: config.logLevel,
    ENABLE_CROSS_REGION_INFERENCE: String(models.enableCrossRegionInference),
    ENABLE_APPLICATION_INFERENCE_PROFILES: String(models.enableApplicationInferenceProfiles),
    ENABLE_PROMPT_CACHING: String(models.enablePromptCaching),
    ...(models.defaultModel ? { DEFAULT_MODEL: models.defaultModel } : {}),
    ...(models.defaultEmbeddingModel ? { DEFAULT_EMBEDDING_MODEL: models.defaultEmbeddingModel } : {}),
    ...(models.modelAllowlist.length > 0 ? { MODEL_ALLOWLIST: models.modelAllowlist.join(',') } : {}),
  };
}
