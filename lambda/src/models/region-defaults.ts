/**
 * Default chat and embedding models per AWS Region, shared by the handler (runtime fallback from AWS_REGION)
 * and the CDK app (DEFAULT_MODEL when the stack's region is known). Pure data: no AWS SDK or CDK imports,
 * so both sides can load it.
 *
 * Why profiles and not bare model ids: Claude 4.x models are only invocable on demand through an inference
 * profile. Where a geography profile exists for the source Region (us., eu., jp., au.) we pick it so that
 * traffic stays inside that geography; elsewhere the global. profile is the only one the Region can call.
 * Bedrock's catalogue changes often: operators override either default with DEFAULT_MODEL /
 * DEFAULT_EMBEDDING_MODEL (or the CDK context keys of the same meaning).
 */
import { lookupTable } from '../lookup-table';

export interface RegionDefaults {
  /** Inference profile id used when a request names no model (or when aliasing is on). */
  readonly chatModel: string;
  /** Model or profile id used for /embeddings when a request names no model. */
  readonly embeddingModel: string;
}

const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const TITAN_V2 = 'amazon.titan-embed-text-v2:0';
const COHERE_V4 = 'cohere.embed-v4:0';

const us = { chatModel: `us.${SONNET}`, embeddingModel: TITAN_V2 };
const eu = { chatModel: `eu.${SONNET}`, embeddingModel: TITAN_V2 };
/** EU Regions without Titan v2 in-Region: Cohere's EU profile keeps embeddings inside the EU. */
const euCohere = { chatModel: `eu.${SONNET}`, embeddingModel: `eu.${COHERE_V4}` };
const jp = { chatModel: `jp.${SONNET}`, embeddingModel: TITAN_V2 };
const jpCohere = { chatModel: `jp.${SONNET}`, embeddingModel: `global.${COHERE_V4}` };
const au = { chatModel: `au.${SONNET}`, embeddingModel: TITAN_V2 };
const auCohere = { chatModel: `au.${SONNET}`, embeddingModel: `global.${COHERE_V4}` };
const worldwide = { chatModel: `global.${SONNET}`, embeddingModel: TITAN_V2 };
const worldwideCohere = { chatModel: `global.${SONNET}`, embeddingModel: `global.${COHERE_V4}` };

/**
 * Every commercial Region that serves bedrock-runtime. GovCloud and China are left out on purpose: their
 * model line-up differs and operators there set DEFAULT_MODEL explicitly.
 */
export const REGION_DEFAULTS: Readonly<Record<string, RegionDefaults>> = lookupTable({
  // United States: the us. geography.
  'us-east-1': us,
  'us-east-2': us,
  'us-west-1': { ...us, embeddingModel: `us.${COHERE_V4}` },
  'us-west-2': us,
  // Europe: the eu. geography.
  'eu-central-1': eu,
  'eu-central-2': eu,
  'eu-west-1': euCohere,
  'eu-west-2': eu,
  'eu-west-3': euCohere,
  'eu-north-1': euCohere,
  'eu-south-1': euCohere,
  'eu-south-2': euCohere,
  // Japan: the jp. geography (Tokyo and Osaka).
  'ap-northeast-1': jp,
  'ap-northeast-3': jpCohere,
  // Australia: the au. geography (Sydney and Melbourne).
  'ap-southeast-2': au,
  'ap-southeast-4': auCohere,
  // Other Asia Pacific Regions: Claude 4.5 has no apac. profile, so the global one.
  'ap-northeast-2': worldwide,
  'ap-south-1': worldwide,
  'ap-south-2': worldwideCohere,
  'ap-southeast-1': worldwideCohere,
  'ap-southeast-3': worldwideCohere,
  'ap-southeast-5': worldwideCohere,
  'ap-southeast-6': worldwideCohere,
  'ap-southeast-7': worldwideCohere,
  'ap-east-2': worldwideCohere,
  // The Americas outside the US, the Middle East and Africa: global only.
  'ca-central-1': worldwide,
  'ca-west-1': worldwideCohere,
  'sa-east-1': worldwide,
  'mx-central-1': worldwideCohere,
  'me-central-1': worldwideCohere,
  'me-south-1': worldwideCohere,
  'il-central-1': worldwideCohere,
  'af-south-1': worldwideCohere,
});

/** The defaults for a Region, or undefined for a Region the table does not know (the caller decides). */
export function defaultModelsForRegion(region: string): RegionDefaults | undefined {
  return REGION_DEFAULTS[region];
}
