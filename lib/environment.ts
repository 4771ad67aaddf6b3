import { ENV, type EnvName } from '../lambda/src/env-names';
import type { GatewayConfig } from './config';

/** The route prefix the outputs point at; set explicitly so the printed URL and the handler agree. */
export const API_ROUTE_PREFIX = '/api/v1';

/** Environment variables for the gateway code: only names it reads (lambda/src/env-names.ts). */
export type HandlerEnvironment = { readonly [K in EnvName]?: string };

/**
 * Handler settings shared by every target. The API key location comes from the ApiKey construct and is
 * added beside these by the stack. `stateTableName` is the table the stack created when the config stores
 * responses in DynamoDB.
 */
export function handlerEnvironment(config: GatewayConfig, stateTableName?: string): HandlerEnvironment {
  const { models, responseStore } = config;
  if ((responseStore.kind === 'dynamodb') !== (stateTableName !== undefined)) {
    throw new Error(`responseStore=${responseStore.kind} ${stateTableName === undefined ? 'needs' : 'takes no'} state table`);
  }
  return {
    [ENV.API_ROUTE_PREFIX]: API_ROUTE_PREFIX,
    [ENV.LOG_LEVEL]: config.logLevel,
    [ENV.ENABLE_CROSS_REGION_INFERENCE]: String(models.enableCrossRegionInference),
    [ENV.ENABLE_APPLICATION_INFERENCE_PROFILES]: String(models.enableApplicationInferenceProfiles),
    [ENV.ENABLE_PROMPT_CACHING]: String(models.enablePromptCaching),
    // One namespace per stack, so that its dashboard and alarms only show its own traffic.
    [ENV.METRICS_NAMESPACE]: config.monitoring.namespace,
    ...(models.defaultModel ? { [ENV.DEFAULT_MODEL]: models.defaultModel } : {}),
    ...(models.defaultEmbeddingModel ? { [ENV.DEFAULT_EMBEDDING_MODEL]: models.defaultEmbeddingModel } : {}),
    ...(models.defaultImageModel ? { [ENV.DEFAULT_IMAGE_MODEL]: models.defaultImageModel } : {}),
    ...(models.defaultRerankModel ? { [ENV.DEFAULT_RERANK_MODEL]: models.defaultRerankModel } : {}),
    ...(models.modelAllowlist.length > 0 ? { [ENV.MODEL_ALLOWLIST]: models.modelAllowlist.join(',') } : {}),
    // Named even when off: a Fargate task left to the default would keep responses in its own memory.
    ...(responseStore.kind === 'dynamodb'
      ? {
          [ENV.RESPONSE_STORE]: 'dynamodb',
          [ENV.STORE_TABLE_NAME]: stateTableName,
          [ENV.RESPONSE_TTL_DAYS]: String(responseStore.ttlDays),
          [ENV.MANAGED_KEYS]: String(responseStore.managedKeys.enabled),
          ...(responseStore.managedKeys.enabled && {
            [ENV.KEY_CACHE_SECONDS]: String(responseStore.managedKeys.cacheSeconds),
            ...(responseStore.managedKeys.modelPrices !== undefined && { [ENV.MODEL_PRICES]: responseStore.managedKeys.modelPrices }),
          }),
        }
      : { [ENV.RESPONSE_STORE]: 'none' }),
  };
}
