/** Control-plane rows for unit tests, in the SDK's own types. */
import type { FoundationModelSummary, InferenceProfileSummary, InferenceType } from '@aws-sdk/client-bedrock';

export const ACCOUNT = '123456789012';
export const fmArn = (id: string, region = 'us-east-1') => `arn:aws:bedrock:${region}::foundation-model/${id}`;
export const appArn = (id: string) => `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/${id}`;

export function fm(id: string, over: Partial<FoundationModelSummary> = {}): FoundationModelSummary {
  return {
    modelId: id,
    modelArn: fmArn(id),
    providerName: 'Test',
    outputModalities: ['TEXT'],
    responseStreamingSupported: true,
    inferenceTypesSupported: ['ON_DEMAND'],
    modelLifecycle: { status: 'ACTIVE' },
    ...over,
  };
}

export const embeddingFm = (id: string, over: Partial<FoundationModelSummary> = {}) =>
  fm(id, { outputModalities: ['EMBEDDING'], responseStreamingSupported: false, ...over });

export function systemProfile(modelId: string, prefix = 'us', over: Partial<InferenceProfileSummary> = {}): InferenceProfileSummary {
  const id = `${prefix}.${modelId}`;
  return {
    inferenceProfileId: id,
    inferenceProfileName: `${prefix.toUpperCase()} ${modelId}`,
    inferenceProfileArn: `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/${id}`,
    models: [{ modelArn: fmArn(modelId) }, { modelArn: fmArn(modelId, 'us-west-2') }],
    status: 'ACTIVE',
    type: 'SYSTEM_DEFINED',
    createdAt: new Date('2025-01-02T00:00:00Z'),
    ...over,
  };
}

export function appProfile(name: string, modelId: string, id = name.replace(/[^a-z0-9]/gi, '').slice(0, 12), over: Partial<InferenceProfileSummary> = {}): InferenceProfileSummary {
  return {
    inferenceProfileId: id,
    inferenceProfileName: name,
    inferenceProfileArn: appArn(id),
    models: [{ modelArn: fmArn(modelId) }],
    status: 'ACTIVE',
    type: 'APPLICATION',
    createdAt: new Date('2025-03-04T00:00:00Z'),
    ...over,
  };
}

export const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
export const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
export const TITAN_V2 = 'amazon.titan-embed-text-v2:0';

/** Bedrock answers INFERENCE_PROFILE for profile-only models; the SDK's enum type predates that value. */
export const PROFILE_ONLY = ['INFERENCE_PROFILE'] as unknown as InferenceType[];
