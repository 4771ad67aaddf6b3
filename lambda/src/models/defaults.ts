/**
 * The default chat and embedding models: the operator's DEFAULT_MODEL / DEFAULT_EMBEDDING_MODEL, else the
 * Region table. The table holds inference profiles, so (as in the CDK app) it applies only while
 * cross-Region inference is on.
 */
import { defaultModelsForRegion } from '../models/region-defaults';
import type { GatewayConfig } from '../config';

export interface DefaultModels {
  readonly chat?: string;
  readonly embedding?: string;
}

export function defaultModels(config: Pick<GatewayConfig, 'defaultModel' | 'defaultEmbeddingModel' | 'region' | 'enableCrossRegionInference'>): DefaultModels {
  const regional = config.enableCrossRegionInference ? defaultModelsForRegion(config.region) : undefined;
  return {
    chat: config.defaultModel ?? regional?.chatModel,
    embedding: config.defaultEmbeddingModel ?? regional?.embeddingModel,
  };
}
