import { validation } from './errors';
import type { FoundationModelSummary, InferenceProfileSummary } from './types';

const GEO_PREFIX = /^(us|eu|apac|global|jp|au|ca|us-gov)\./;

export function stripGeoPrefix(modelId: string): string {
  return modelId.replace(GEO_PREFIX, '');
}

/**
 * The foundation model a model id, profile id or ARN stands for; application profiles resolve
 * through the catalog. Undefined when an application profile is unknown.
 */
export function resolveFoundationModelId(
  modelId: string,
  profiles: readonly InferenceProfileSummary[],
): string | undefined {
  if (!modelId.startsWith('arn:')) return stripGeoPrefix(modelId);
  // arn:partition:service:region:account:resource, and the resource itself may hold ':' (v2:0).
  const resource = modelId.split(':').slice(5).join(':');
  const [kind, ...rest] = resource.split('/');
  const id = rest.join('/');
  if (kind === 'foundation-model') return id;
  if (kind === 'inference-profile') return stripGeoPrefix(id);
  const profile = profiles.find((p) => p.inferenceProfileArn === modelId);
  const target = profile?.models[0]?.modelArn;
  return target === undefined ? undefined : resolveFoundationModelId(target, profiles);
}

/** Bedrock refuses a bare model id for models that are only served through inference profiles. */
export function assertInvocable(modelId: string, models: readonly FoundationModelSummary[]): void {
  const model = models.find((m) => m.modelId === modelId);
  if (model && !model.inferenceTypesSupported.includes('ON_DEMAND')) {
    throw validation(
      `Invocation of model ID ${modelId} with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
    );
  }
}
