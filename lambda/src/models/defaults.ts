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
  /** Image and rerank defaults exist only when the operator sets them (no Region table). */
  readonly image?: string;
  readonly rerank?: string;
}

type DefaultsConfig = Pick<GatewayConfig, 'defaultModel' | 'defaultEmbeddingModel' | 'region' | 'enableCrossRegionInference'> &
  Partial<Pick<GatewayConfig, 'defaultImageModel' | 'defaultRerankModel'>>;

export function defaultModels(config: DefaultsConfig): DefaultModels {
  const regional = config.enableCrossRegionInference ? defaultModelsForRegion(config.region) : undefined;
  return {
    chat: config.defaultModel ?? regional?.chatModel,
    embedding: config.defaultEmbeddingModel ?? regional?.embeddingModel,
    image: config.defaultImageModel,
    rerank: config.defaultRerankModel,
  };
}
