import type { FoundationModelSummary, InferenceProfileSummary } from './types';

/** Default control-plane catalog: a realistic slice of us-east-1, as data. */

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const PROFILE_REGIONS = ['us-east-1', 'us-east-2', 'us-west-2'];
const CREATED = '2024-08-27T00:00:00Z';

export const foundationModelArn = (modelId: string, region = REGION): string =>
  `arn:aws:bedrock:${region}::foundation-model/${modelId}`;

interface ModelRow {
  id: string;
  name: string;
  provider: string;
  input: string[];
  output: string[];
  types: string[];
  streaming?: boolean;
  legacy?: boolean;
}

const TEXT = ['TEXT'];
const TEXT_IMAGE = ['TEXT', 'IMAGE'];
const ON_DEMAND = ['ON_DEMAND'];
const PROFILE_ONLY = ['INFERENCE_PROFILE'];

const MODELS: ModelRow[] = [
  { id: 'anthropic.claude-3-5-haiku-20241022-v1:0', name: 'Claude 3.5 Haiku', provider: 'Anthropic', input: TEXT_IMAGE, output: TEXT, types: ON_DEMAND },
  { id: 'anthropic.claude-sonnet-4-5-20250929-v1:0', name: 'Claude Sonnet 4.5', provider: 'Anthropic', input: TEXT_IMAGE, output: TEXT, types: PROFILE_ONLY },
  { id: 'anthropic.claude-3-7-sonnet-20250219-v1:0', name: 'Claude 3.7 Sonnet', provider: 'Anthropic', input: TEXT_IMAGE, output: TEXT, types: PROFILE_ONLY },
  { id: 'anthropic.claude-3-haiku-20240307-v1:0', name: 'Claude 3 Haiku', provider: 'Anthropic', input: TEXT_IMAGE, output: TEXT, types: ON_DEMAND, legacy: true },
  { id: 'amazon.nova-micro-v1:0', name: 'Nova Micro', provider: 'Amazon', input: TEXT, output: TEXT, types: ON_DEMAND },
  { id: 'amazon.nova-lite-v1:0', name: 'Nova Lite', provider: 'Amazon', input: ['TEXT', 'IMAGE', 'VIDEO'], output: TEXT, types: ON_DEMAND },
  { id: 'amazon.nova-pro-v1:0', name: 'Nova Pro', provider: 'Amazon', input: ['TEXT', 'IMAGE', 'VIDEO'], output: TEXT, types: ON_DEMAND },
  { id: 'meta.llama3-1-8b-instruct-v1:0', name: 'Llama 3.1 8B Instruct', provider: 'Meta', input: TEXT, output: TEXT, types: ON_DEMAND },
  { id: 'mistral.mistral-large-2402-v1:0', name: 'Mistral Large (24.02)', provider: 'Mistral AI', input: TEXT, output: TEXT, types: ON_DEMAND },
  { id: 'deepseek.r1-v1:0', name: 'DeepSeek-R1', provider: 'DeepSeek', input: TEXT, output: TEXT, types: PROFILE_ONLY },
  { id: 'amazon.titan-embed-text-v1', name: 'Titan Embeddings G1 - Text', provider: 'Amazon', input: TEXT, output: ['EMBEDDING'], types: ON_DEMAND, streaming: false },
  { id: 'amazon.titan-embed-text-v2:0', name: 'Titan Text Embeddings V2', provider: 'Amazon', input: TEXT, output: ['EMBEDDING'], types: ON_DEMAND, streaming: false },
  { id: 'cohere.embed-english-v3', name: 'Embed English', provider: 'Cohere', input: TEXT, output: ['EMBEDDING'], types: ON_DEMAND, streaming: false },
  { id: 'cohere.embed-multilingual-v3', name: 'Embed Multilingual', provider: 'Cohere', input: TEXT, output: ['EMBEDDING'], types: ON_DEMAND, streaming: false },
  { id: 'cohere.embed-v4:0', name: 'Embed v4', provider: 'Cohere', input: TEXT_IMAGE, output: ['EMBEDDING'], types: ON_DEMAND, streaming: false },
  { id: 'amazon.nova-2-multimodal-embeddings-v1:0', name: 'Nova Multimodal Embeddings', provider: 'Amazon', input: ['TEXT', 'IMAGE', 'AUDIO', 'VIDEO'], output: ['EMBEDDING'], types: ON_DEMAND, streaming: false },
  { id: 'amazon.nova-canvas-v1:0', name: 'Nova Canvas', provider: 'Amazon', input: TEXT_IMAGE, output: ['IMAGE'], types: ON_DEMAND, streaming: false },
  { id: 'amazon.titan-image-generator-v2:0', name: 'Titan Image Generator G1 v2', provider: 'Amazon', input: TEXT_IMAGE, output: ['IMAGE'], types: ON_DEMAND, streaming: false },
  { id: 'stability.sd3-5-large-v1:0', name: 'Stable Diffusion 3.5 Large', provider: 'Stability AI', input: TEXT_IMAGE, output: ['IMAGE'], types: ON_DEMAND, streaming: false },
  { id: 'stability.stable-image-ultra-v1:1', name: 'Stable Image Ultra v1.1', provider: 'Stability AI', input: TEXT, output: ['IMAGE'], types: ON_DEMAND, streaming: false },
  { id: 'stability.stable-image-core-v1:1', name: 'Stable Image Core v1.1', provider: 'Stability AI', input: TEXT, output: ['IMAGE'], types: ON_DEMAND, streaming: false },
  { id: 'cohere.rerank-v3-5:0', name: 'Rerank 3.5', provider: 'Cohere', input: TEXT, output: TEXT, types: ON_DEMAND, streaming: false },
  { id: 'amazon.rerank-v1:0', name: 'Rerank 1.0', provider: 'Amazon', input: TEXT, output: TEXT, types: ON_DEMAND, streaming: false },
];

export function defaultFoundationModels(): FoundationModelSummary[] {
  return MODELS.map((row) => ({
    modelArn: foundationModelArn(row.id),
    modelId: row.id,
    modelName: row.name,
    providerName: row.provider,
    inputModalities: [...row.input],
    outputModalities: [...row.output],
    responseStreamingSupported: row.streaming ?? true,
    customizationsSupported: [],
    inferenceTypesSupported: [...row.types],
    modelLifecycle: { status: row.legacy ? 'LEGACY' : 'ACTIVE' },
  }));
}

/** The application profile every default catalog carries; its id is what callers pass as modelId. */
export const APPLICATION_PROFILE_ARN = `arn:aws:bedrock:${REGION}:${ACCOUNT}:application-inference-profile/abc123xyz`;

function systemProfile(modelId: string, modelName: string): InferenceProfileSummary {
  const id = `us.${modelId}`;
  return {
    inferenceProfileName: `US ${modelName}`,
    description: `Routes requests to ${modelName} in ${PROFILE_REGIONS.join(', ')}.`,
    createdAt: CREATED,
    updatedAt: CREATED,
    inferenceProfileArn: `arn:aws:bedrock:${REGION}:${ACCOUNT}:inference-profile/${id}`,
    models: PROFILE_REGIONS.map((region) => ({ modelArn: foundationModelArn(modelId, region) })),
    inferenceProfileId: id,
    status: 'ACTIVE',
    type: 'SYSTEM_DEFINED',
  };
}

export function defaultInferenceProfiles(): InferenceProfileSummary[] {
  const system = MODELS.filter((row) => row.types.includes('INFERENCE_PROFILE')).map((row) =>
    systemProfile(row.id, row.name),
  );
  const application: InferenceProfileSummary = {
    inferenceProfileName: 'team-chat-claude-haiku',
    description: 'Application profile for cost tracking',
    createdAt: CREATED,
    updatedAt: CREATED,
    inferenceProfileArn: APPLICATION_PROFILE_ARN,
    models: [{ modelArn: foundationModelArn('anthropic.claude-3-5-haiku-20241022-v1:0') }],
    inferenceProfileId: 'abc123xyz',
    status: 'ACTIVE',
    type: 'APPLICATION',
  };
  return [...system, application];
}
