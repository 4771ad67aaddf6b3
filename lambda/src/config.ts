/**
 * Gateway configuration, read once from an environment map. Pure: the runtime entries pass `process.env`.
 * Names follow the older Python sample gateway where one existed, so existing deployments keep working.
 */
import * as z from 'zod';
import { ENV } from './env-names';
import type { ModelPrice } from './keys/pricing';
import type { JsonBudget } from './schema/json-budget';
import { lookupTable } from './lookup-table';

/**
 * Deepest nesting a request may have. JSON.parse takes any depth, but the translators and the SDK serialise
 * recursively and run out of stack at a few thousand levels; no real request comes near this.
 */
export const MAX_JSON_DEPTH = 128;

/**
 * One variable's reader: its value from the raw string, reporting a problem through `problem` (and then
 * giving a fallback, so every bad variable is reported at once). Plain functions rather than a zod schema:
 * building the ~60-field schema cost about 8 ms of every Lambda cold start, to parse one map once.
 */
type Reader<T> = (raw: string | undefined, problem: (message: string) => void) => T;

/** Set to something other than whitespace (an empty variable counts as unset). */
const present = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';
const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

function flag<T>(fallback: T): Reader<boolean | T> {
  return (v, problem) => {
    if (!present(v)) return fallback;
    const s = v.trim().toLowerCase();
    if (TRUE.has(s)) return true;
    if (FALSE.has(s)) return false;
    problem(`expected true or false, got "${v}"`);
    return fallback;
  };
}

const bool = (fallback: boolean): Reader<boolean> => flag(fallback) as Reader<boolean>;

/** A boolean whose default depends on other variables: undefined when unset. */
const optionalBool: Reader<boolean | undefined> = flag(undefined);

const int =
  (fallback: number, min: number, max: number): Reader<number> =>
  (v, problem) => {
    if (!present(v)) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      problem(`expected an integer from ${min} to ${max}, got "${v}"`);
      return fallback;
    }
    return n;
  };

/** The value as given; `fallback` only when the variable is unset (an empty value stays empty). */
const text =
  (fallback: string): Reader<string> =>
  (v) =>
    v ?? fallback;

const list: Reader<string[]> = (v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

const optionalString: Reader<string | undefined> = (v) => (present(v) ? v.trim() : undefined);

/** One of `values` after `normalise`; `fallback` when unset or blank. */
const oneOf =
  <const V extends string, F extends V | undefined>(values: readonly V[], fallback: F, normalise: (v: string) => string): Reader<V | F> =>
  (v, problem) => {
    if (!present(v)) return fallback;
    const s = normalise(v.trim());
    if ((values as readonly string[]).includes(s)) return s as V;
    problem(`expected one of ${values.join(', ')}, got "${v}"`);
    return fallback;
  };

const jsonMap: Reader<Record<string, string>> = (v, problem) => {
  if (!present(v)) return {};
  try {
    const parsed: unknown = JSON.parse(v);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && Object.values(parsed).every((x) => typeof x === 'string')) {
      return lookupTable(parsed as Record<string, string>);
    }
  } catch {
    // fall through to the problem below
  }
  problem('expected a JSON object of strings, e.g. {"gpt-4o":"us.anthropic.claude-sonnet-4-5-20250929-v1:0"}');
  return {};
};

const modelPrices: Reader<Record<string, ModelPrice>> = (v, problem) => {
  if (!present(v)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    parsed = undefined;
  }
  // Built only when MODEL_PRICES is set.
  const price = z.number().finite().nonnegative();
  const table = z.record(z.string().min(1), z.strictObject({ input: price, output: price, cache_read: price.optional(), cache_write: price.optional() })).safeParse(parsed);
  if (table.success) return table.data;
  problem('expected a JSON object of model patterns to USD per million tokens, e.g. {"anthropic.claude-3-5-haiku*":{"input":0.8,"output":4}}');
  return {};
};

const STORE_BACKENDS = ['dynamodb', 'sqlite', 'none'] as const;
const TABLE_NAME = /^([A-Za-z0-9_.-]{3,255}|arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[A-Za-z0-9_.-]{3,255})$/;

const tableName: Reader<string | undefined> = (v, problem) => {
  const name = optionalString(v, problem);
  if (name !== undefined && !TABLE_NAME.test(name)) problem('expected a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -) or table ARN');
  return name;
};

const ENV_READERS = {
  [ENV.PORT]: int(8000, 0, 65535),
  [ENV.HOST]: text('0.0.0.0'),
  [ENV.API_ROUTE_PREFIX]: (v: string | undefined) => normalisePrefix(v ?? '/api/v1'),
  [ENV.API_KEY]: optionalString,
  [ENV.API_KEYS]: list,
  [ENV.API_KEY_SECRET_ARN]: optionalString,
  [ENV.API_KEY_PARAM_NAME]: optionalString,
  [ENV.API_KEY_REFRESH_SECONDS]: int(300, 0, 86_400),
  [ENV.AWS_REGION]: optionalString,
  [ENV.AWS_DEFAULT_REGION]: optionalString,
  [ENV.DEFAULT_MODEL]: optionalString,
  [ENV.DEFAULT_EMBEDDING_MODEL]: optionalString,
  [ENV.DEFAULT_IMAGE_MODEL]: optionalString,
  [ENV.DEFAULT_RERANK_MODEL]: optionalString,
  [ENV.ALLOWED_ORIGINS]: list,
  [ENV.LOG_LEVEL]: oneOf(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'], 'INFO', (s) => s.toUpperCase()),
  [ENV.LOG_PROMPTS]: bool(false),
  [ENV.MAX_BODY_BYTES]: int(20 * 1024 * 1024, 1024, 200 * 1024 * 1024),
  [ENV.UPSTREAM_TIMEOUT_MS]: int(300_000, 1_000, 3_600_000),
  [ENV.SHUTDOWN_GRACE_MS]: int(25_000, 0, 600_000),
  // Longer than the idle timeout of a load balancer in front (ALB's default is 60 s), or it reuses closed connections.
  [ENV.KEEP_ALIVE_TIMEOUT_SECONDS]: int(65, 1, 7_200),
  [ENV.ENABLE_CROSS_REGION_INFERENCE]: bool(true),
  [ENV.ENABLE_APPLICATION_INFERENCE_PROFILES]: bool(true),
  [ENV.ENABLE_PROMPT_CACHING]: bool(false),
  [ENV.MODEL_ALLOWLIST]: list,
  [ENV.MODEL_ALIASES]: jsonMap,
  [ENV.ALIAS_GPT_TO_DEFAULT]: bool(false),
  [ENV.MODEL_CATALOG_TTL_SECONDS]: int(600, 0, 86_400),
  [ENV.REASONING_AS_THINK_TAGS]: bool(false),
  [ENV.HOSTED_TOOLS]: oneOf(['ignore', 'reject'], 'ignore', (s) => s.toLowerCase()),
  [ENV.ALLOW_PRIVATE_URL_FETCH]: bool(false),
  // Request limits checked before any upstream call (Bedrock documents 20 images of 3.75 MB and 5 documents of 4.5 MB).
  [ENV.MAX_MESSAGES]: int(10_000, 1, 1_000_000),
  [ENV.MAX_TOOLS]: int(128, 1, 100_000),
  [ENV.MAX_IMAGES]: int(20, 0, 10_000),
  [ENV.MAX_DOCUMENTS]: int(5, 0, 10_000),
  [ENV.MAX_IMAGE_BYTES]: int(3_932_160, 1024, 200 * 1024 * 1024),
  [ENV.MAX_DOCUMENT_BYTES]: int(4_718_592, 1024, 200 * 1024 * 1024),
  // Shape budgets checked on the body's text before JSON.parse, and content parts on the typed request (issue 18).
  [ENV.MAX_JSON_VALUES]: int(1_000_000, 1_000, 100_000_000),
  [ENV.MAX_ARRAY_ITEMS]: int(100_000, 16, 10_000_000),
  [ENV.MAX_OBJECT_KEYS]: int(1_000, 16, 10_000_000),
  [ENV.MAX_TOP_LEVEL_KEYS]: int(128, 16, 100_000),
  [ENV.MAX_CONTENT_PARTS]: int(20_000, 1, 10_000_000),
  // Image URLs the gateway fetches: one request's total, and what the whole process holds and runs at once.
  [ENV.IMAGE_FETCH_MAX_REQUEST_BYTES]: int(20 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
  [ENV.IMAGE_FETCH_MAX_INFLIGHT_BYTES]: int(128 * 1024 * 1024, 1024, 16 * 1024 * 1024 * 1024),
  [ENV.IMAGE_FETCH_MAX_CONCURRENT]: int(64, 1, 10_000),
  // Node server: how long a request's headers and body may take to arrive (issue 18).
  [ENV.REQUEST_TIMEOUT_MS]: int(120_000, 1_000, 3_600_000),
  [ENV.METRICS_ENABLED]: optionalBool,
  [ENV.METRICS_NAMESPACE]: text('BedrockOpenAIGateway'),
  [ENV.RESPONSE_STORE]: oneOf(STORE_BACKENDS, undefined, (s) => s.toLowerCase()),
  [ENV.RESPONSE_TTL_DAYS]: int(30, 1, 3650),
  [ENV.STORE_TABLE_NAME]: tableName,
  [ENV.STORE_SQLITE_PATH]: optionalString,
  [ENV.STORE_TIMEOUT_MS]: int(5_000, 100, 60_000),
  [ENV.MANAGED_KEYS]: bool(true),
  [ENV.KEY_CACHE_SECONDS]: int(5, 0, 300),
  [ENV.USAGE_FLUSH_MS]: int(1_000, 0, 60_000),
  [ENV.MODEL_PRICES]: modelPrices,
  [ENV.AWS_LAMBDA_FUNCTION_NAME]: optionalString,
  [ENV.BEDROCK_CLIENT]: oneOf(['lean', 'sdk'], undefined, (s) => s.toLowerCase()),
} satisfies Record<string, Reader<unknown>>;

type Env = { readonly [K in keyof typeof ENV_READERS]: ReturnType<(typeof ENV_READERS)[K]> };

/** Every variable read; every problem reported at once, naming the variable. */
function readEnv(env: Readonly<Record<string, string | undefined>>): Env {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, read] of Object.entries(ENV_READERS) as Array<[string, Reader<unknown>]>) {
    const raw = env[name];
    out[name] = read(typeof raw === 'string' ? raw : undefined, (message) => problems.push(`${name}: ${message}`));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as Env;
}

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

export interface GatewayConfig {
  readonly port: number;
  readonly host: string;
  /** Route prefix without a trailing slash, e.g. `/api/v1`. Routes are also served under `/v1`. */
  readonly routePrefix: string;
  readonly apiKeys: {
    /** Keys given directly (API_KEY and API_KEYS). */
    readonly literal: readonly string[];
    readonly secretArn?: string;
    readonly parameterName?: string;
    readonly refreshSeconds: number;
  };
  readonly region: string;
  readonly defaultModel?: string;
  readonly defaultEmbeddingModel?: string;
  /** /images/generations when a request names no model (or a DALL-E / gpt-image name, with ALIAS_GPT_TO_DEFAULT). */
  readonly defaultImageModel?: string;
  /** /rerank when a request names no model. */
  readonly defaultRerankModel?: string;
  readonly allowedOrigins: readonly string[];
  readonly logLevel: LogLevel;
  /** Log prompts and completions. Off unless the operator asks. */
  readonly logPrompts: boolean;
  readonly maxBodyBytes: number;
  readonly upstreamTimeoutMs: number;
  readonly shutdownGraceMs: number;
  /** Node server: the time a request's headers and body may take to arrive (then 408). */
  readonly requestTimeoutMs: number;
  /** How long the Node server keeps an idle keep-alive connection open; must exceed a load balancer's idle timeout. */
  readonly keepAliveTimeoutSeconds: number;
  readonly enableCrossRegionInference: boolean;
  readonly enableApplicationInferenceProfiles: boolean;
  readonly enablePromptCaching: boolean;
  readonly modelAllowlist: readonly string[];
  readonly modelAliases: Readonly<Record<string, string>>;
  readonly aliasGptToDefault: boolean;
  readonly catalogTtlSeconds: number;
  readonly reasoningAsThinkTags: boolean;
  /**
   * Hosted tools the gateway cannot run (Responses `web_search`, `file_search`, …; chat `web_search_options`):
   * left out of the model's tools and named in `x-gateway-ignored-tools` (`ignore`), or a 400 (`reject`).
   */
  readonly hostedTools: 'ignore' | 'reject';
  readonly allowPrivateUrlFetch: boolean;
  /** Budgets of the image-URL fetcher (media/fetcher.ts). */
  readonly imageFetch: { readonly maxRequestBytes: number; readonly maxInflightBytes: number; readonly maxConcurrent: number };
  readonly limits: RequestLimits;
  /** CloudWatch embedded-metric-format lines on stdout (default: on in Lambda, off elsewhere). */
  readonly metrics: { readonly enabled: boolean; readonly namespace: string };
  readonly store: StoreConfig;
  /**
   * Which Bedrock runtime client serves Converse, ConverseStream and InvokeModel: `lean`
   * (aws/lean-runtime/, the Node server's default) or `sdk` (the full SDK client; Lambda's default and only
   * choice, since the lean client's HTTP library is not bundled into the function).
   */
  readonly bedrockClient: 'lean' | 'sdk';
  /** Running as a Lambda function (AWS_LAMBDA_FUNCTION_NAME is set). */
  readonly inLambda: boolean;
  readonly managedKeys: ManagedKeysConfig;
}

/** Managed API keys (the admin API); they live in the state store, so they are off without one. */
export interface ManagedKeysConfig {
  readonly enabled: boolean;
  /** How long a key record is used before it is read again: a revoked key stops working within this. */
  readonly cacheSeconds: number;
  /** How often recorded usage is written (0: at once). */
  readonly usageFlushMs: number;
  /** USD per million tokens by model pattern, for usage cost and USD budgets. */
  readonly prices: Readonly<Record<string, ModelPrice>>;
}

/**
 * Where stored Responses live. RESPONSE_STORE names the backend; unset, it is DynamoDB when STORE_TABLE_NAME
 * is set, else SQLite (in memory unless STORE_SQLITE_PATH) outside Lambda, and none in Lambda, where each
 * instance's memory is its own and a follow-up turn could miss the turn it continues.
 */
export type StoreConfig = (
  | { readonly backend: 'dynamodb'; readonly tableName: string }
  | { readonly backend: 'sqlite'; /** A file, or `:memory:`. */ readonly path: string }
  /** Nothing is stored: `store: true` and `previous_response_id` are refused. */
  | { readonly backend: 'none' }
) & {
  /** RESPONSE_STORE named the backend (false: the default above chose it). */
  readonly explicit: boolean;
  /** Retention from each write. */
  readonly ttlDays: number;
  /** Longest wait for one store call (a DynamoDB request, a SQLite lock) before a 503. */
  readonly timeoutMs: number;
};

/** Counts and sizes Bedrock refuses anyway, checked before translating so a bad request costs nothing upstream. */
export interface RequestLimits {
  readonly maxMessages: number;
  readonly maxTools: number;
  readonly maxImages: number;
  readonly maxDocuments: number;
  /** Decoded bytes per image. */
  readonly maxImageBytes: number;
  /** Decoded bytes per document. */
  readonly maxDocumentBytes: number;
  /** Shape of the body, checked on its text before parsing (schema/json-budget.ts). */
  readonly json: JsonBudget;
  /** Content parts in all messages together. */
  readonly maxContentParts: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid gateway configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function normalisePrefix(prefix: string): string {
  const trimmed = prefix.trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** Parses the environment; every problem is reported at once, naming the variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): GatewayConfig {
  const e = readEnv(env);
  const store = storeConfig(e);
  const literal = [...(e.API_KEY ? [e.API_KEY] : []), ...e.API_KEYS];
  return {
    port: e.PORT,
    host: e.HOST,
    routePrefix: e.API_ROUTE_PREFIX,
    apiKeys: { literal, secretArn: e.API_KEY_SECRET_ARN, parameterName: e.API_KEY_PARAM_NAME, refreshSeconds: e.API_KEY_REFRESH_SECONDS },
    region: e.AWS_REGION ?? e.AWS_DEFAULT_REGION ?? 'us-east-1',
    defaultModel: e.DEFAULT_MODEL,
    defaultEmbeddingModel: e.DEFAULT_EMBEDDING_MODEL,
    defaultImageModel: e.DEFAULT_IMAGE_MODEL,
    defaultRerankModel: e.DEFAULT_RERANK_MODEL,
    allowedOrigins: e.ALLOWED_ORIGINS,
    logLevel: e.LOG_LEVEL,
    logPrompts: e.LOG_PROMPTS,
    maxBodyBytes: e.MAX_BODY_BYTES,
    upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    keepAliveTimeoutSeconds: e.KEEP_ALIVE_TIMEOUT_SECONDS,
    enableCrossRegionInference: e.ENABLE_CROSS_REGION_INFERENCE,
    enableApplicationInferenceProfiles: e.ENABLE_APPLICATION_INFERENCE_PROFILES,
    enablePromptCaching: e.ENABLE_PROMPT_CACHING,
    modelAllowlist: e.MODEL_ALLOWLIST,
    modelAliases: e.MODEL_ALIASES,
    aliasGptToDefault: e.ALIAS_GPT_TO_DEFAULT,
    catalogTtlSeconds: e.MODEL_CATALOG_TTL_SECONDS,
    reasoningAsThinkTags: e.REASONING_AS_THINK_TAGS,
    hostedTools: e.HOSTED_TOOLS,
    allowPrivateUrlFetch: e.ALLOW_PRIVATE_URL_FETCH,
    imageFetch: { maxRequestBytes: e.IMAGE_FETCH_MAX_REQUEST_BYTES, maxInflightBytes: e.IMAGE_FETCH_MAX_INFLIGHT_BYTES, maxConcurrent: e.IMAGE_FETCH_MAX_CONCURRENT },
    limits: {
      maxMessages: e.MAX_MESSAGES,
      maxTools: e.MAX_TOOLS,
      maxImages: e.MAX_IMAGES,
      maxDocuments: e.MAX_DOCUMENTS,
      maxImageBytes: e.MAX_IMAGE_BYTES,
      maxDocumentBytes: e.MAX_DOCUMENT_BYTES,
      json: { maxDepth: MAX_JSON_DEPTH, maxValues: e.MAX_JSON_VALUES, maxArrayItems: e.MAX_ARRAY_ITEMS, maxObjectKeys: e.MAX_OBJECT_KEYS, maxTopLevelKeys: e.MAX_TOP_LEVEL_KEYS },
      maxContentParts: e.MAX_CONTENT_PARTS,
    },
    metrics: { enabled: e.METRICS_ENABLED ?? e.AWS_LAMBDA_FUNCTION_NAME !== undefined, namespace: e.METRICS_NAMESPACE },
    store,
    managedKeys: {
      enabled: e.MANAGED_KEYS && store.backend !== 'none',
      cacheSeconds: e.KEY_CACHE_SECONDS,
      usageFlushMs: e.USAGE_FLUSH_MS,
      prices: e.MODEL_PRICES,
    },
    bedrockClient: bedrockClient(e),
    inLambda: e.AWS_LAMBDA_FUNCTION_NAME !== undefined,
  };
}

function bedrockClient(e: Env): 'lean' | 'sdk' {
  const inLambda = e.AWS_LAMBDA_FUNCTION_NAME !== undefined;
  if (inLambda && e.BEDROCK_CLIENT === 'lean') {
    throw new ConfigError([`${ENV.BEDROCK_CLIENT}: lean is not bundled into the Lambda function; unset it or use sdk`]);
  }
  return e.BEDROCK_CLIENT ?? (inLambda ? 'sdk' : 'lean');
}

/** The store settings, or a ConfigError for a combination that cannot work. */
function storeConfig(e: Env): StoreConfig {
  const inLambda = e.AWS_LAMBDA_FUNCTION_NAME !== undefined;
  const explicit = e.RESPONSE_STORE !== undefined;
  const backend = e.RESPONSE_STORE ?? (e.STORE_TABLE_NAME ? 'dynamodb' : inLambda ? 'none' : 'sqlite');
  const common = { explicit, ttlDays: e.RESPONSE_TTL_DAYS, timeoutMs: e.STORE_TIMEOUT_MS };
  switch (backend) {
    case 'dynamodb':
      if (!e.STORE_TABLE_NAME) throw new ConfigError([`${ENV.RESPONSE_STORE}: dynamodb needs ${ENV.STORE_TABLE_NAME} (the CDK stack sets it)`]);
      return { backend, tableName: e.STORE_TABLE_NAME, ...common };
    case 'sqlite':
      if (inLambda) {
        throw new ConfigError([`${ENV.RESPONSE_STORE}: sqlite cannot serve Lambda, where every instance keeps its own copy; use dynamodb (${ENV.STORE_TABLE_NAME}) or none`]);
      }
      return { backend, path: e.STORE_SQLITE_PATH ?? ':memory:', ...common };
    case 'none':
      return { backend, ...common };
  }
}

/** True when at least one API key source is configured; the server refuses to start otherwise. */
export function hasKeySource(config: GatewayConfig): boolean {
  return config.apiKeys.literal.length > 0 || !!config.apiKeys.secretArn || !!config.apiKeys.parameterName;
}
