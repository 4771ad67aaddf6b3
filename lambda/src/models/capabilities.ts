/**
 * What each Bedrock model family can do through Converse, as data. Translators consult this table
 * instead of testing model ids. Rows are matched in order against the *foundation model id* (inference
 * profile prefixes are stripped first), so a new model of a known family works without a code change.
 */

export type ToolChoiceMode = 'auto' | 'any' | 'tool';

/**
 * How a family takes reasoning ("thinking") requests.
 * - `claude-budget`: `thinking: {type:"enabled", budget_tokens}` in additionalModelRequestFields.
 * - `claude-adaptive`: `thinking: {type:"adaptive"}` plus an effort.
 * - `nova`: `reasoningConfig: {type:"enabled", maxReasoningEffort}`.
 * - `gpt-oss`: `reasoning_effort` in additionalModelRequestFields.
 * - `always`: the model always reasons and takes no setting (DeepSeek R1).
 * - `none`: no reasoning.
 */
export type ReasoningStyle = 'none' | 'claude-budget' | 'claude-adaptive' | 'nova' | 'gpt-oss' | 'always';

export interface ModelCapabilities {
  /** Family name for logs and error messages. */
  readonly family: string;
  readonly system: boolean;
  readonly tools: boolean;
  readonly toolChoice: readonly ToolChoiceMode[];
  /** Tool use works through ConverseStream (some families only return tool calls unstreamed). */
  readonly streamingTools: boolean;
  readonly images: boolean;
  readonly documents: boolean;
  readonly reasoning: ReasoningStyle;
  /** The model rejects `temperature` and `top_p` set together. */
  readonly samplingExclusive: boolean;
  /** The conversation may end with an assistant turn that the model continues. */
  readonly prefill: boolean;
  /** Maximum number of cachePoint blocks, or 0 when the model has no prompt caching. */
  readonly maxCachePoints: number;
  /** A cachePoint may close the tool list (Claude); Nova caches only system and messages. */
  readonly cacheTools: boolean;
  /** Converse `outputConfig.textFormat` (native JSON-schema output). */
  readonly structuredOutput: boolean;
  /** `toolSpec.strict` is honoured. */
  readonly strictTools: boolean;
  /**
   * Keys of the family's native request that a request's unknown top-level keys (Python's flattened
   * `extra_body`) may carry into `additionalModelRequestFields`. Bedrock validates those fields against the
   * native schema and fails the whole call on any other key (Claude: `extraneous key [k] is not permitted`),
   * so other flattened keys (client telemetry such as Codex's `client_metadata`) are left out and reported.
   * A literal `extra_body` object is the caller's deliberate choice and is forwarded as given.
   */
  readonly extraFields: readonly string[];
}

const BASE: ModelCapabilities = {
  family: 'unknown',
  system: true,
  tools: true,
  toolChoice: ['auto', 'any', 'tool'],
  streamingTools: true,
  images: true,
  documents: true,
  reasoning: 'none',
  samplingExclusive: false,
  prefill: true,
  maxCachePoints: 0,
  cacheTools: false,
  structuredOutput: false,
  strictTools: false,
  extraFields: [],
};

const CLAUDE: ModelCapabilities = { ...BASE, family: 'claude', maxCachePoints: 4, cacheTools: true, extraFields: ['top_k', 'thinking', 'anthropic_beta', 'context_management'] };
const CLAUDE_4: ModelCapabilities = { ...CLAUDE, reasoning: 'claude-budget' };
const CLAUDE_45: ModelCapabilities = { ...CLAUDE_4, samplingExclusive: true, structuredOutput: true, strictTools: true };
/** Claude 4.6 and later: adaptive thinking, and no assistant prefill. */
const CLAUDE_46: ModelCapabilities = { ...CLAUDE_45, reasoning: 'claude-adaptive', prefill: false };
const NOVA: ModelCapabilities = { ...BASE, family: 'nova', maxCachePoints: 4, prefill: false, extraFields: ['inferenceConfig', 'reasoningConfig'] };
const LLAMA: ModelCapabilities = { ...BASE, family: 'llama', toolChoice: ['auto'], streamingTools: false, images: false, documents: true, prefill: false };
const MISTRAL: ModelCapabilities = { ...BASE, family: 'mistral', toolChoice: ['auto', 'any'], images: false, prefill: false, extraFields: ['top_k', 'safe_prompt', 'random_seed'] };
const TEXT_ONLY: Omit<ModelCapabilities, 'family'> = { ...BASE, tools: false, toolChoice: [], streamingTools: false, images: false, documents: false, prefill: false };

interface Row {
  readonly match: RegExp;
  readonly caps: ModelCapabilities;
}

/** First match wins: keep specific rows above their family's catch-all. */
export const CAPABILITY_TABLE: readonly Row[] = [
  // Anthropic
  { match: /^anthropic\.claude-(opus|sonnet|haiku)-4-[6-9]/, caps: CLAUDE_46 },
  { match: /^anthropic\.claude-(opus|sonnet|haiku)-[5-9]/, caps: CLAUDE_46 },
  { match: /^anthropic\.claude-(opus|sonnet|haiku)-4-5/, caps: CLAUDE_45 },
  { match: /^anthropic\.claude-opus-4-1/, caps: { ...CLAUDE_4, samplingExclusive: true } },
  { match: /^anthropic\.claude-(opus|sonnet)-4/, caps: CLAUDE_4 },
  { match: /^anthropic\.claude-3-7-sonnet/, caps: CLAUDE_4 },
  { match: /^anthropic\.claude-3-5-haiku/, caps: { ...CLAUDE, images: false } },
  { match: /^anthropic\.claude-3-(haiku|sonnet|opus)|^anthropic\.claude-3-5-sonnet/, caps: { ...CLAUDE, maxCachePoints: 0, cacheTools: false } },
  { match: /^anthropic\.claude-(v2|instant)/, caps: { ...CLAUDE, tools: false, toolChoice: [], images: false, documents: false, maxCachePoints: 0, cacheTools: false } },
  { match: /^anthropic\./, caps: CLAUDE_46 },
  // Amazon
  { match: /^amazon\.nova-micro/, caps: { ...NOVA, images: false, documents: false } },
  { match: /^amazon\.nova-2/, caps: { ...NOVA, reasoning: 'nova' } },
  { match: /^amazon\.nova-premier/, caps: { ...NOVA } },
  { match: /^amazon\.nova/, caps: NOVA },
  { match: /^amazon\.titan-text/, caps: { ...TEXT_ONLY, family: 'titan', system: false } },
  // Meta
  { match: /^meta\.llama3-2-(11b|90b)|^meta\.llama4/, caps: { ...LLAMA, images: true } },
  { match: /^meta\.llama3-(1|2|3)/, caps: LLAMA },
  { match: /^meta\.llama/, caps: { ...LLAMA, tools: false, toolChoice: [] } },
  // Mistral
  { match: /^mistral\.pixtral/, caps: { ...MISTRAL, images: true } },
  { match: /^mistral\.mistral-(large|small)|^mistral\.magistral|^mistral\.ministral|^mistral\.voxtral/, caps: MISTRAL },
  { match: /^mistral\.(mistral-7b|mixtral)/, caps: { ...TEXT_ONLY, family: 'mistral', system: false } },
  { match: /^mistral\./, caps: MISTRAL },
  // DeepSeek
  { match: /^deepseek\.r1/, caps: { ...TEXT_ONLY, family: 'deepseek', reasoning: 'always' } },
  { match: /^deepseek\./, caps: { ...BASE, family: 'deepseek', toolChoice: ['auto', 'any'], images: false, documents: false, prefill: false } },
  // OpenAI open-weight
  { match: /^openai\.gpt-oss/, caps: { ...BASE, family: 'gpt-oss', toolChoice: ['auto', 'any', 'tool'], images: false, documents: false, reasoning: 'gpt-oss', prefill: false } },
  // Others reachable through Converse
  { match: /^cohere\.command-r/, caps: { ...BASE, family: 'cohere', toolChoice: ['auto'], streamingTools: false, images: false, prefill: false } },
  { match: /^cohere\.command/, caps: { ...TEXT_ONLY, family: 'cohere', system: false } },
  { match: /^ai21\.jamba/, caps: { ...BASE, family: 'jamba', toolChoice: ['auto'], images: false, prefill: false } },
  { match: /^qwen\./, caps: { ...BASE, family: 'qwen', toolChoice: ['auto', 'any'], images: false, documents: false, prefill: false } },
];

const GEO_PREFIX = /^(us|eu|apac|jp|au|ca|us-gov|global)\./;

/** `us.anthropic.claude-…` → `anthropic.claude-…`; foundation-model ARNs → their id. */
export function foundationModelId(modelId: string): string {
  const arn = /^arn:aws[\w-]*:bedrock:[^:]*:[^:]*:(?:foundation-model|inference-profile)\/(.+)$/.exec(modelId);
  const id = arn ? arn[1] : modelId;
  return id.replace(GEO_PREFIX, '');
}

/**
 * Capabilities of a model id (foundation model, inference profile id or ARN). Application-profile ARNs
 * carry no family in their id: the caller resolves them to a foundation model first (the catalog does).
 * Unknown families get permissive defaults so Bedrock, not the gateway, decides.
 */
export function capabilitiesFor(modelId: string): ModelCapabilities {
  const id = foundationModelId(modelId);
  for (const row of CAPABILITY_TABLE) if (row.match.test(id)) return row.caps;
  return BASE;
}

// ---------------------------------------------------------------------------------------------------------
// Image generation and reranking (InvokeModel only). Each family's rules are data here; the strategies in
// translate/images/ and translate/rerank/ read them and never test model ids.

/** How a family takes `size`. */
export type ImageSizeRule =
  /** Any width×height within bounds: each side in [min, max] and a multiple of `multiple`, the long side at most `maxAspect` times the short, fewer than `maxPixels` pixels. */
  | { readonly kind: 'range'; readonly min: number; readonly max: number; readonly multiple: number; readonly maxAspect: number; readonly maxPixels: number }
  /** Only these width×height pairs. */
  | { readonly kind: 'list'; readonly sizes: readonly string[] }
  /** No pixel size: the nearest of these aspect ratios (`w:h`) is sent. */
  | { readonly kind: 'aspect'; readonly ratios: readonly string[] };

export type ImageFamilyName = 'nova-canvas' | 'titan-image' | 'stability';

export interface ImageModelRules {
  readonly family: ImageFamilyName;
  /** For messages. */
  readonly name: string;
  readonly maxPromptChars: number;
  /** Most images one request may ask for (`n`). */
  readonly maxImages: number;
  /** Images one InvokeModel call returns; `n` above it is split into parallel calls. */
  readonly imagesPerCall: number;
  readonly size: ImageSizeRule;
  readonly defaultSize: string;
  /** OpenAI `output_format` values the model can produce; the first is its default. */
  readonly outputFormats: readonly string[];
  /** OpenAI `quality` values the model honours (`hd`, `high`, `xhigh` and `max` mean Bedrock's `premium`). */
  readonly qualities: readonly string[];
  /** `style` values the model takes (Nova Canvas's named styles). */
  readonly styles: readonly string[];
  /** Provider extras a request may carry (top level or in `extra_body`), in the gateway's snake_case names. */
  readonly extras: readonly string[];
  readonly seedMax: number;
  /** `cfg_scale` bounds, when the model takes one. */
  readonly cfgScale?: readonly [number, number];
}

const STANDARD_QUALITIES = ['auto', 'standard', 'low', 'medium'];
const PREMIUM_QUALITIES = [...STANDARD_QUALITIES, 'hd', 'high', 'xhigh', 'max'];

const NOVA_CANVAS: ImageModelRules = {
  family: 'nova-canvas',
  name: 'Nova Canvas',
  maxPromptChars: 1024,
  maxImages: 5,
  imagesPerCall: 5,
  size: { kind: 'range', min: 320, max: 4096, multiple: 16, maxAspect: 4, maxPixels: 4_194_304 },
  defaultSize: '1024x1024',
  outputFormats: ['png'],
  qualities: PREMIUM_QUALITIES,
  styles: [
    '3D_ANIMATED_FAMILY_FILM', 'DESIGN_SKETCH', 'FLAT_VECTOR_ILLUSTRATION', 'GRAPHIC_NOVEL_ILLUSTRATION',
    'MAXIMALISM', 'MIDCENTURY_RETRO', 'PHOTOREALISM', 'SOFT_DIGITAL_PAINTING',
  ],
  extras: ['negative_prompt', 'seed', 'cfg_scale'],
  seedMax: 858_993_459,
  cfgScale: [1.1, 10],
};

const TITAN_IMAGE_V2: ImageModelRules = {
  family: 'titan-image',
  name: 'Titan Image Generator v2',
  maxPromptChars: 512,
  maxImages: 5,
  imagesPerCall: 5,
  size: {
    kind: 'list',
    sizes: [
      '1024x1024', '768x768', '512x512', '768x1152', '384x576', '1152x768', '576x384', '768x1280', '384x640',
      '1280x768', '640x384', '896x1152', '448x576', '1152x896', '576x448', '768x1408', '384x704', '1408x768',
      '704x384', '640x1408', '320x704', '1408x640', '704x320', '1152x640', '1173x640',
    ],
  },
  defaultSize: '1024x1024',
  outputFormats: ['png'],
  qualities: PREMIUM_QUALITIES,
  styles: [],
  extras: ['negative_prompt', 'seed', 'cfg_scale'],
  seedMax: 2_147_483_646,
  cfgScale: [1.1, 10],
};

/** Stability on Bedrock: one image per call, an aspect ratio instead of a size, PNG or JPEG. */
const STABILITY: ImageModelRules = {
  family: 'stability',
  name: 'Stability',
  maxPromptChars: 10_000,
  maxImages: 4,
  imagesPerCall: 1,
  size: { kind: 'aspect', ratios: ['1:1', '16:9', '21:9', '2:3', '3:2', '4:5', '5:4', '9:16', '9:21'] },
  defaultSize: '1024x1024',
  outputFormats: ['png', 'jpeg'],
  qualities: STANDARD_QUALITIES,
  styles: [],
  extras: ['negative_prompt', 'seed'],
  seedMax: 4_294_967_294,
};

export const IMAGE_MODEL_TABLE: ReadonlyArray<{ readonly match: RegExp; readonly rules: ImageModelRules }> = [
  { match: /^amazon\.nova-canvas-v1/, rules: NOVA_CANVAS },
  { match: /^amazon\.titan-image-generator-v2/, rules: TITAN_IMAGE_V2 },
  { match: /^stability\.sd3-5-large/, rules: { ...STABILITY, name: 'Stable Diffusion 3.5 Large' } },
  { match: /^stability\.stable-image-ultra/, rules: { ...STABILITY, name: 'Stable Image Ultra' } },
  { match: /^stability\.stable-image-core/, rules: { ...STABILITY, name: 'Stable Image Core' } },
];

/** The image rules of a model id (profiles and ARNs resolved), or undefined for a model the gateway cannot draw with. */
export function imageRulesFor(modelId: string): ImageModelRules | undefined {
  const id = foundationModelId(modelId);
  return IMAGE_MODEL_TABLE.find((row) => row.match.test(id))?.rules;
}

export type RerankFamilyName = 'cohere-rerank' | 'amazon-rerank';

export interface RerankModelRules {
  readonly family: RerankFamilyName;
  readonly name: string;
  /** Documents per request (the Rerank API's bound on sources). */
  readonly maxDocuments: number;
  /** Documents one billed search unit covers. */
  readonly documentsPerSearchUnit: number;
  /** Provider extras a request may carry. */
  readonly extras: readonly string[];
}

export const RERANK_MODEL_TABLE: ReadonlyArray<{ readonly match: RegExp; readonly rules: RerankModelRules }> = [
  { match: /^cohere\.rerank-v3-5/, rules: { family: 'cohere-rerank', name: 'Cohere Rerank 3.5', maxDocuments: 1000, documentsPerSearchUnit: 100, extras: ['max_tokens_per_doc'] } },
  { match: /^amazon\.rerank-v1/, rules: { family: 'amazon-rerank', name: 'Amazon Rerank 1.0', maxDocuments: 1000, documentsPerSearchUnit: 100, extras: [] } },
];

export function rerankRulesFor(modelId: string): RerankModelRules | undefined {
  const id = foundationModelId(modelId);
  return RERANK_MODEL_TABLE.find((row) => row.match.test(id))?.rules;
}
