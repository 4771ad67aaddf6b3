/**
 * CDK context → one typed, validated GatewayConfig, a variant per target holding exactly what that target
 * needs. Every problem is collected and reported together, each naming the context keys to change, so a
 * synth never half-succeeds on a bad combination.
 */
import { defaultModelsForRegion } from '../lambda/src/models/region-defaults';
import { ContextGetter, ContextReader, cidrsOverlap, isIpv4Cidr, likelyTypo } from './config-values';

export const TARGETS = ['lambda', 'fargate', 'lambda-url'] as const;
export type Target = (typeof TARGETS)[number];

export type NetworkConfig =
  /** A new VPC with public subnets (and private ones behind NAT gateways only when natGateways > 0). */
  | { readonly kind: 'new-vpc'; readonly natGateways: number }
  /**
   * An existing VPC without internet access and its private subnets: an internal load balancer, and (for
   * Fargate) interface endpoints for the AWS APIs the tasks call, plus S3 and DynamoDB gateway endpoints on
   * the subnets' route table.
   */
  | { readonly kind: 'private-subnets'; readonly vpcId: string; readonly privateSubnetIds: readonly string[]; readonly routeTableId?: string; readonly endpoints: boolean }
  /** An existing VPC and existing public subnets. */
  | { readonly kind: 'existing-subnets'; readonly vpcId: string; readonly publicSubnetIds: readonly string[] }
  /** New public subnets in an existing VPC, routed to its existing internet gateway. */
  | {
      readonly kind: 'new-subnets';
      readonly vpcId: string;
      readonly internetGatewayId: string;
      readonly subnetCidrs: readonly string[];
      /** An existing route table for the new subnets (its routes to peered or on-premises networks apply). */
      readonly routeTableId?: string;
    };

export type ApiKeySource =
  | { readonly kind: 'generated' }
  | { readonly kind: 'secret'; readonly secretArn: string; readonly kmsKeyArn?: string }
  | { readonly kind: 'parameter'; readonly parameterName: string; readonly kmsKeyArn?: string };

/** A name the app certifies (ACM, DNS validation) and points at the load balancer (Route 53 alias). */
export interface DomainConfig {
  readonly domainName: string;
  readonly hostedZoneId: string;
  readonly hostedZoneName: string;
}

export interface LoadBalancerConfig {
  readonly certificateArn?: string;
  /** The app creates the certificate and the alias record for this name. */
  readonly domain?: DomainConfig;
  /** The operator accepted an internet-facing load balancer without TLS (allowPlainHttp=true). */
  readonly allowPlainHttp: boolean;
  readonly allowedCidrs: readonly string[];
  readonly internal: boolean;
  readonly idleTimeoutSeconds: number;
  readonly accessLogs: boolean;
  /** A WAF web ACL with a rate-based rule: requests per client IP per 5 minutes. Absent means no WAF. */
  readonly wafRateLimit?: number;
}

export interface ModelConfig {
  readonly defaultModel?: string;
  readonly defaultEmbeddingModel?: string;
  /** /images/generations and /rerank without a model; no Region table, so only when set. */
  readonly defaultImageModel?: string;
  readonly defaultRerankModel?: string;
  readonly enableCrossRegionInference: boolean;
  readonly enableApplicationInferenceProfiles: boolean;
  readonly enablePromptCaching: boolean;
  readonly modelAllowlist: readonly string[];
  /** Grant the AWS Marketplace actions Bedrock's automatic subscription to third-party models needs. */
  readonly marketplaceSubscriptions: boolean;
}

export interface LambdaSizing {
  readonly memorySize: number;
  readonly timeoutSeconds: number;
  /** Reserved concurrency: a cap on concurrent requests (and so on Bedrock spend); absent means none. */
  readonly reservedConcurrency?: number;
}

/** How a stopping task lets its in-flight requests (long streams) finish. */
export interface FargateDrain {
  /** The target group keeps in-flight requests running, sending no new ones, this long before ECS stops the task. */
  readonly deregistrationDelaySeconds: number;
  /** Seconds between SIGTERM and SIGKILL; the server drains for all but a few of them. */
  readonly stopTimeoutSeconds: number;
}

export interface FargateSizing {
  readonly cpu: number;
  readonly memory: number;
  readonly desiredCount: number;
  readonly maxCount: number;
  readonly drain: FargateDrain;
}

/** Managed API keys (the admin API), kept in the state table. */
export interface ManagedKeysConfig {
  /** The handler's MANAGED_KEYS. */
  readonly enabled: boolean;
  /** How long a key record is cached (KEY_CACHE_SECONDS): a revoked key stops working within this. */
  readonly cacheSeconds: number;
  /** The operator's price table as JSON (MODEL_PRICES), for usage cost and USD budgets. */
  readonly modelPrices?: string;
}

/** Stored Responses (and managed keys): a DynamoDB table the stack creates, or nothing stored. */
export type ResponseStoreConfig =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'dynamodb';
      /** Retention of each stored response (the handler's RESPONSE_TTL_DAYS). */
      readonly ttlDays: number;
      readonly pointInTimeRecovery: boolean;
      /** What deleting the stack does to the table and its data. */
      readonly removalPolicy: 'destroy' | 'retain';
      readonly managedKeys: ManagedKeysConfig;
    };

/** The dashboard and alarms the stack creates from the handler's logs and metrics. */
export interface MonitoringConfig {
  /** Create the dashboard and the alarms. */
  readonly enabled: boolean;
  /** CloudWatch namespace of the handler's metrics (METRICS_NAMESPACE): one per stack, so dashboards do not mix. */
  readonly namespace: string;
  /** Subscribe this address to a new alarm topic. */
  readonly alarmEmail?: string;
  /** Send alarms to this existing SNS topic. */
  readonly alarmTopicArn?: string;
}

/** What every target shares. */
export interface CommonConfig {
  readonly stackName: string;
  readonly account?: string;
  readonly region?: string;
  readonly apiKey: ApiKeySource;
  readonly models: ModelConfig;
  readonly logRetentionDays: number;
  readonly logLevel: string;
  readonly responseStore: ResponseStoreConfig;
  /** Run the cdk-nag AwsSolutions checks during synth. */
  readonly nag: boolean;
  readonly monitoring: MonitoringConfig;
  /** Cost-allocation tags put on every resource of the stack. */
  readonly tags: Readonly<Record<string, string>>;
}

/** The VPC and the Application Load Balancer of the load-balanced targets (lambda and fargate). */
export interface LoadBalancedConfig {
  /** AZs for new subnets; absent means "the Region's first AZs", resolved at deploy time. */
  readonly availabilityZones?: readonly string[];
  readonly network: NetworkConfig;
  readonly loadBalancer: LoadBalancerConfig;
}

/** target=lambda: a function behind the load balancer (responses buffered by the ALB). */
export interface LambdaConfig extends CommonConfig, LoadBalancedConfig {
  readonly target: 'lambda';
  readonly lambda: LambdaSizing;
}

/** target=lambda-url: a streaming function behind its Function URL; no VPC, no load balancer. */
export interface LambdaUrlConfig extends CommonConfig {
  readonly target: 'lambda-url';
  readonly lambda: LambdaSizing;
}

/** target=fargate: the Node server as a Fargate service behind the load balancer. */
export interface FargateConfig extends CommonConfig, LoadBalancedConfig {
  readonly target: 'fargate';
  readonly fargate: FargateSizing;
}

/** The validated app configuration: one variant per target, each holding exactly the parts it needs. */
export type GatewayConfig = LambdaConfig | LambdaUrlConfig | FargateConfig;

/** The variant of one target, e.g. ConfigFor<'fargate'>. */
export type ConfigFor<T extends Target> = Extract<GatewayConfig, { readonly target: T }>;

/** The target-specific parts of a variant (everything but CommonConfig). */
type TargetParts = { [T in Target]: Omit<ConfigFor<T>, keyof CommonConfig> }[Target];

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid context for the gateway app:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const NETWORK_KEYS = ['vpcId', 'publicSubnetIds', 'internetGatewayId', 'subnetCidrs', 'natGateways', 'availabilityZones', 'routeTableId', 'privateSubnetIds', 'vpcEndpoints'] as const;
const ALB_KEYS = ['certificateArn', 'allowedCidrs', 'internal', 'idleTimeout', 'accessLogs', 'domainName', 'hostedZoneId', 'hostedZoneName', 'wafRateLimit'] as const;
const LAMBDA_KEYS = ['memorySize', 'timeout', 'reservedConcurrency'] as const;
const FARGATE_KEYS = ['cpu', 'memory', 'desiredCount', 'maxCount', 'deregistrationDelay', 'stopTimeout'] as const;
const TABLE_KEYS = ['responseTtlDays', 'storePointInTimeRecovery', 'storeRemovalPolicy', 'managedKeys', 'keyCacheSeconds', 'modelPrices'] as const;

/** Every context key the app reads; documented in the README's configuration table. */
export const CONTEXT_KEYS: readonly string[] = [
  'stackName', 'target', 'account', 'region', 'nag', 'logRetentionDays', 'logLevel',
  // Accepted with every target (scripts pass it regardless); only a load balancer without TLS needs it.
  'allowPlainHttp',
  ...NETWORK_KEYS, ...ALB_KEYS, ...LAMBDA_KEYS, ...FARGATE_KEYS,
  'apiKeySecretArn', 'apiKeyParamName', 'apiKeyKmsKeyArn',
  'defaultModel', 'defaultEmbeddingModel', 'defaultImageModel', 'defaultRerankModel', 'enableCrossRegionInference', 'enableApplicationInferenceProfiles',
  'enablePromptCaching', 'modelAllowlist', 'marketplaceSubscriptions',
  'responseStore', ...TABLE_KEYS,
  'monitoring', 'alarmEmail', 'alarmTopicArn', 'tags',
];

const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** Valid Fargate memory sizes (MiB) for each CPU size. */
const FARGATE_MEMORY: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

const PARTITION = 'arn:aws[a-z-]*';
const RE = {
  stackName: /^[A-Za-z][A-Za-z0-9-]{0,127}$/,
  account: /^\d{12}$/,
  region: /^[a-z]{2}(-[a-z]+)+-\d+$/,
  az: /^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/,
  vpcId: /^vpc-[0-9a-f]{8,17}$/,
  subnetId: /^subnet-[0-9a-f]{8,17}$/,
  igwId: /^igw-[0-9a-f]{8,17}$/,
  routeTableId: /^rtb-[0-9a-f]{8,17}$/,
  secretArn: new RegExp(`^${PARTITION}:secretsmanager:[a-z0-9-]+:\\d{12}:secret:[A-Za-z0-9/_+=.@-]+$`),
  paramName: /^\/?[A-Za-z0-9_.\-/]{1,2047}$/,
  kmsKeyArn: new RegExp(`^${PARTITION}:kms:[a-z0-9-]+:\\d{12}:key/[A-Za-z0-9-]+$`),
  certificateArn: new RegExp(`^${PARTITION}:acm:[a-z0-9-]+:\\d{12}:certificate/[A-Za-z0-9-]+$`),
  domainName: /^(?=.{1,254}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$/,
  hostedZoneId: /^Z[A-Z0-9]{1,31}$/,
  email: /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/,
  topicArn: new RegExp(`^${PARTITION}:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}$`),
  modelId: /^[A-Za-z0-9:._/-]+$/,
  modelPattern: /^[A-Za-z0-9:._/*?-]+$/,
};

/** Reads and validates the context; throws ConfigError listing every problem. */
export function parseConfig(get: ContextGetter, presentKeys: readonly string[] = []): GatewayConfig {
  const r = new ContextReader(get);
  for (const key of presentKeys) {
    const meant = likelyTypo(key, CONTEXT_KEYS);
    if (meant) r.issue(key, `unknown context key (did you mean ${meant}?)`);
  }

  const stackName = r.string('stackName', RE.stackName, 'a CloudFormation stack name') ?? 'BedrockGateway';
  const targetRaw = r.string('target') ?? 'lambda';
  const target = (TARGETS as readonly string[]).includes(targetRaw) ? (targetRaw as Target) : undefined;
  if (!target) r.issue('target', `must be one of ${TARGETS.join(', ')}, got ${JSON.stringify(targetRaw)}`);

  const account = r.string('account', RE.account, 'a 12-digit AWS account id');
  const region = r.string('region', RE.region, 'an AWS Region name such as us-east-1');
  if (r.has('account') && !r.has('region')) r.issue(['account', 'region'], 'account is only used together with region');

  const apiKey = parseApiKey(r, region);
  const models = parseModels(r, region);
  const logRetentionDays = r.int('logRetentionDays', 30, 1, 3653);
  if (!RETENTION_DAYS.includes(logRetentionDays)) r.issue('logRetentionDays', `must be one of ${RETENTION_DAYS.join(', ')}`);
  const logLevel = (r.string('logLevel', /^(debug|info|warn|error|silent)$/i, 'one of DEBUG, INFO, WARN, ERROR, SILENT') ?? 'INFO').toUpperCase();
  const nag = r.bool('nag', true);
  const responseStore = parseResponseStore(r);
  const monitoring = parseMonitoring(r, stackName);
  const tags = parseTags(r);

  const parts = target && parseTargetParts(r, target, region);
  if (r.issues.length > 0 || !parts) throw new ConfigError(r.issues);
  return { stackName, account, region, apiKey, models, logRetentionDays, logLevel, responseStore, nag, monitoring, tags, ...parts };
}

/**
 * The parts that depend on the target; undefined when one could not be read (an issue says why). Every part
 * is read before the result is assembled, so its problems are reported even when another part failed.
 */
function parseTargetParts(r: ContextReader, target: Target, region: string | undefined): TargetParts | undefined {
  switch (target) {
    case 'lambda-url': {
      const misplaced = [...NETWORK_KEYS, ...ALB_KEYS].filter((k) => r.has(k));
      if (misplaced.length > 0) r.issue(['target', ...misplaced], 'target=lambda-url has no VPC or load balancer, so these keys do not apply');
      return { target, lambda: parseLambda(r, target) };
    }
    case 'lambda': {
      const { network, ...placement } = parseLoadBalanced(r, target, region);
      const lambda = parseLambda(r, target);
      if (placement.loadBalancer.idleTimeoutSeconds < lambda.timeoutSeconds) {
        r.issue(['idleTimeout', 'timeout'], `the load balancer would close connections (idleTimeout=${placement.loadBalancer.idleTimeoutSeconds}s) before the function may finish (timeout=${lambda.timeoutSeconds}s)`);
      }
      return network && { target, network, ...placement, lambda };
    }
    case 'fargate': {
      const { network, ...placement } = parseLoadBalanced(r, target, region);
      const misplaced = LAMBDA_KEYS.filter((k) => r.has(k));
      if (misplaced.length > 0) r.issue(['target', ...misplaced], 'these keys size a Lambda function and do not apply to target=fargate (use cpu and memory)');
      const fargate = parseFargate(r);
      return network && { target, network, ...placement, fargate };
    }
  }
}

/** The VPC and load balancer; `network` is undefined when it could not be read (an issue says why). */
function parseLoadBalanced(r: ContextReader, target: Target, region: string | undefined): { availabilityZones?: string[]; network?: NetworkConfig; loadBalancer: LoadBalancerConfig } {
  const availabilityZones = parseAvailabilityZones(r, region);
  const network = parseNetwork(r, target, availabilityZones);
  const loadBalancer = parseLoadBalancer(r, region);
  if (!loadBalancer.internal && network?.kind === 'private-subnets') {
    r.issue(['internal', 'privateSubnetIds'], 'private subnets without internet access can only hold an internal load balancer: set internal=true');
  }
  if (loadBalancer.internal && network?.kind === 'new-vpc') {
    r.issue(['internal', 'vpcId'], 'an internal load balancer in a new VPC is reachable from nowhere: give vpcId (and its subnets) of the network your clients are in, or drop internal');
  }
  return { availabilityZones, network, loadBalancer };
}

function parseLambda(r: ContextReader, target: 'lambda' | 'lambda-url'): LambdaSizing {
  const misplaced = FARGATE_KEYS.filter((k) => r.has(k));
  if (misplaced.length > 0) r.issue(['target', ...misplaced], `these keys size a Fargate service and do not apply to target=${target} (use memorySize and timeout)`);
  const reservedConcurrency = r.has('reservedConcurrency') ? r.int('reservedConcurrency', 1, 1, 10_000) : undefined;
  return { memorySize: r.int('memorySize', 1024, 128, 10240), timeoutSeconds: r.int('timeout', 600, 1, 900), ...(reservedConcurrency !== undefined ? { reservedConcurrency } : {}) };
}

function parseApiKey(r: ContextReader, region: string | undefined): ApiKeySource {
  const secretArn = r.string('apiKeySecretArn', RE.secretArn, 'a Secrets Manager secret ARN');
  const rawParam = r.string('apiKeyParamName');
  let parameterName: string | undefined;
  if (rawParam?.startsWith('arn:')) r.issue('apiKeyParamName', 'give the parameter name (e.g. /gateway/api-key), not its ARN');
  else if (rawParam !== undefined && !RE.paramName.test(rawParam)) r.issue('apiKeyParamName', `${JSON.stringify(rawParam)} is not an SSM parameter name`);
  else parameterName = rawParam;
  const kmsKeyArn = r.string('apiKeyKmsKeyArn', RE.kmsKeyArn, 'a KMS key ARN');

  if (r.has('apiKeySecretArn') && r.has('apiKeyParamName')) {
    r.issue(['apiKeySecretArn', 'apiKeyParamName'], 'give one API key source, not both');
  }
  if (r.has('apiKeyKmsKeyArn') && !r.has('apiKeySecretArn') && !r.has('apiKeyParamName')) {
    r.issue(['apiKeyKmsKeyArn', 'apiKeySecretArn', 'apiKeyParamName'], 'a KMS key only applies to an existing secret or parameter');
  }
  if (region && secretArn && secretArn.split(':')[3] !== region) {
    r.issue(['apiKeySecretArn', 'region'], `the secret is in ${secretArn.split(':')[3]} but the stack deploys to ${region}`);
  }
  if (secretArn) return { kind: 'secret', secretArn, kmsKeyArn };
  if (parameterName) return { kind: 'parameter', parameterName, kmsKeyArn };
  return { kind: 'generated' };
}

function parseModels(r: ContextReader, region: string | undefined): ModelConfig {
  const enableCrossRegionInference = r.bool('enableCrossRegionInference', true);
  // The Region table holds inference profiles, so it only applies while cross-Region inference is on.
  const regional = region && enableCrossRegionInference ? defaultModelsForRegion(region) : undefined;
  return {
    defaultModel: r.string('defaultModel', RE.modelId, 'a model id, inference profile id or ARN') ?? regional?.chatModel,
    defaultEmbeddingModel: r.string('defaultEmbeddingModel', RE.modelId, 'a model id, inference profile id or ARN') ?? regional?.embeddingModel,
    defaultImageModel: r.string('defaultImageModel', RE.modelId, 'a model id, inference profile id or ARN'),
    defaultRerankModel: r.string('defaultRerankModel', RE.modelId, 'a model id, inference profile id or ARN'),
    enableCrossRegionInference,
    enableApplicationInferenceProfiles: r.bool('enableApplicationInferenceProfiles', true),
    enablePromptCaching: r.bool('enablePromptCaching', false),
    modelAllowlist: r.list('modelAllowlist', RE.modelPattern, 'a model id or glob pattern') ?? [],
    marketplaceSubscriptions: r.bool('marketplaceSubscriptions', true),
  };
}

function parseResponseStore(r: ContextReader): ResponseStoreConfig {
  const kind = r.string('responseStore', /^(dynamodb|none)$/i, 'dynamodb or none')?.toLowerCase() ?? 'dynamodb';
  const ttlDays = r.int('responseTtlDays', 30, 1, 3650);
  const pointInTimeRecovery = r.bool('storePointInTimeRecovery', false);
  const removalPolicy = (r.string('storeRemovalPolicy', /^(destroy|retain)$/i, 'destroy or retain')?.toLowerCase() ?? 'destroy') as 'destroy' | 'retain';
  if (kind === 'none') {
    const misplaced = TABLE_KEYS.filter((k) => r.has(k));
    if (misplaced.length > 0) r.issue(['responseStore', ...misplaced], 'responseStore=none creates no table, so these keys do not apply');
    return { kind };
  }
  const managedKeys: ManagedKeysConfig = {
    enabled: r.bool('managedKeys', true),
    cacheSeconds: r.int('keyCacheSeconds', 5, 0, 300),
    modelPrices: parseModelPrices(r),
  };
  return { kind: 'dynamodb', ttlDays, pointInTimeRecovery, removalPolicy, managedKeys };
}

/** `modelPrices`: a JSON object of model patterns to `{input, output, cache_read?, cache_write?}` USD per million tokens. */
function parseModelPrices(r: ContextReader): string | undefined {
  const raw = r.string('modelPrices', /^\{[\s\S]*\}$/, 'a JSON object such as {"anthropic.claude-3-5-haiku*":{"input":0.8,"output":4}}');
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const price = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  const ok =
    parsed !== null &&
    typeof parsed === 'object' &&
    !Array.isArray(parsed) &&
    Object.values(parsed).every(
      (p) =>
        p !== null &&
        typeof p === 'object' &&
        Object.keys(p).every((k) => ['input', 'output', 'cache_read', 'cache_write'].includes(k)) &&
        price((p as Record<string, unknown>).input) &&
        price((p as Record<string, unknown>).output) &&
        ['cache_read', 'cache_write'].every((k) => (p as Record<string, unknown>)[k] === undefined || price((p as Record<string, unknown>)[k])),
    );
  if (!ok) r.issue('modelPrices', 'expected a JSON object of model patterns to {"input": USD, "output": USD, "cache_read"?: USD, "cache_write"?: USD} per million tokens');
  return raw;
}

function parseAvailabilityZones(r: ContextReader, region: string | undefined): string[] | undefined {
  const azs = r.list('availabilityZones', RE.az, 'an Availability Zone name such as us-east-1a');
  if (azs && azs.length < 2) r.issue('availabilityZones', 'a load balancer needs at least two Availability Zones');
  if (azs && region && azs.some((az) => !az.startsWith(region))) r.issue(['availabilityZones', 'region'], `every Availability Zone must be in ${region}`);
  return azs;
}

function parseNetwork(r: ContextReader, target: Target, azs: readonly string[] | undefined): NetworkConfig | undefined {
  const vpcId = r.string('vpcId', RE.vpcId, 'a VPC id such as vpc-0123456789abcdef0');
  const publicSubnetIds = r.list('publicSubnetIds', RE.subnetId, 'a subnet id such as subnet-0123456789abcdef0');
  const internetGatewayId = r.string('internetGatewayId', RE.igwId, 'an internet gateway id such as igw-0123456789abcdef0');
  const subnetCidrs = r.list('subnetCidrs');
  const natGateways = r.int('natGateways', 0, 0, 3);
  const routeTableId = r.string('routeTableId', RE.routeTableId, 'a route table id such as rtb-0123456789abcdef0');
  const privateSubnetIds = r.list('privateSubnetIds', RE.subnetId, 'a subnet id such as subnet-0123456789abcdef0');
  const endpoints = r.bool('vpcEndpoints', true);
  const given = (k: string) => r.has(k);
  if (given('routeTableId') && !given('subnetCidrs') && !given('privateSubnetIds')) {
    r.issue(['routeTableId', 'subnetCidrs', 'privateSubnetIds'], 'routeTableId is the route table of new subnets (subnetCidrs) or of private subnets (privateSubnetIds); existing public subnets keep theirs');
  }
  if (given('vpcEndpoints') && !given('privateSubnetIds')) r.issue(['vpcEndpoints', 'privateSubnetIds'], 'VPC endpoints are created for private subnets (privateSubnetIds) only');

  if (!given('vpcId')) {
    const orphans = ['publicSubnetIds', 'internetGatewayId', 'subnetCidrs', 'privateSubnetIds'].filter(given);
    if (orphans.length > 0) r.issue([...orphans, 'vpcId'], 'these keys describe an existing VPC: give vpcId too');
    if (given('natGateways') && target !== 'fargate') r.issue(['natGateways', 'target'], 'NAT gateways only serve Fargate tasks; the Lambda function runs outside the VPC');
    if (azs && natGateways > azs.length) r.issue(['natGateways', 'availabilityZones'], 'at most one NAT gateway per Availability Zone');
    if (natGateways > 2 && !azs) r.issue(['natGateways', 'availabilityZones'], 'the new VPC spans two Availability Zones unless availabilityZones lists more');
    return { kind: 'new-vpc', natGateways };
  }

  if (given('natGateways')) r.issue(['natGateways', 'vpcId'], 'natGateways only applies to a new VPC (the existing VPC keeps its own routing)');
  if (given('privateSubnetIds')) {
    const others = ['publicSubnetIds', 'internetGatewayId', 'subnetCidrs'].filter(given);
    if (others.length > 0) {
      r.issue(['privateSubnetIds', ...others], 'private subnets without internet access are a network shape of their own: do not combine them with public subnets');
      return undefined;
    }
    if (privateSubnetIds && privateSubnetIds.length < 2) r.issue('privateSubnetIds', 'a load balancer needs subnets in at least two Availability Zones');
    if (privateSubnetIds && azs && azs.length !== privateSubnetIds.length) r.issue(['availabilityZones', 'privateSubnetIds'], 'give one Availability Zone per subnet, in the same order');
    // Image layers come from S3 and stored responses go to DynamoDB: both only through gateway endpoints.
    if (target === 'fargate' && endpoints && !given('routeTableId')) {
      r.issue(['routeTableId', 'privateSubnetIds'], 'Fargate tasks in private subnets pull image layers from S3 through a gateway endpoint, which needs the subnets\' route table: give routeTableId (or vpcEndpoints=false if the VPC already has its endpoints)');
    }
    return vpcId && privateSubnetIds ? { kind: 'private-subnets', vpcId, privateSubnetIds, endpoints, ...(routeTableId ? { routeTableId } : {}) } : undefined;
  }
  const bySubnets = given('publicSubnetIds');
  const byCidrs = given('internetGatewayId') || given('subnetCidrs');
  if (bySubnets && byCidrs) {
    r.issue(['publicSubnetIds', 'internetGatewayId', 'subnetCidrs'], 'either use existing subnets (publicSubnetIds) or create new ones (internetGatewayId and subnetCidrs), not both');
    return undefined;
  }
  if (!bySubnets && !byCidrs) {
    r.issue(['vpcId', 'publicSubnetIds', 'internetGatewayId', 'subnetCidrs'], 'with vpcId, give publicSubnetIds, or internetGatewayId and subnetCidrs');
    return undefined;
  }
  if (bySubnets) {
    if (publicSubnetIds && publicSubnetIds.length < 2) r.issue('publicSubnetIds', 'a load balancer needs subnets in at least two Availability Zones');
    if (publicSubnetIds && azs && azs.length !== publicSubnetIds.length) r.issue(['availabilityZones', 'publicSubnetIds'], 'give one Availability Zone per subnet, in the same order');
    return vpcId && publicSubnetIds ? { kind: 'existing-subnets', vpcId, publicSubnetIds } : undefined;
  }
  if (!given('internetGatewayId') || !given('subnetCidrs')) {
    r.issue(['internetGatewayId', 'subnetCidrs'], 'new subnets in an existing VPC need both the internet gateway and the subnet CIDR blocks');
    return undefined;
  }
  if (subnetCidrs) {
    const bad = subnetCidrs.filter((c) => !isIpv4Cidr(c) || Number(c.split('/')[1]) < 16 || Number(c.split('/')[1]) > 28);
    if (bad.length > 0) r.issue('subnetCidrs', `${bad.join(', ')}: each must be an IPv4 CIDR block from /16 to /28`);
    else if (subnetCidrs.some((a, i) => subnetCidrs.slice(i + 1).some((b) => cidrsOverlap(a, b)))) r.issue('subnetCidrs', 'the blocks overlap');
    if (subnetCidrs.length < 2) r.issue('subnetCidrs', 'a load balancer needs subnets in at least two Availability Zones');
    if (azs && azs.length !== subnetCidrs.length) r.issue(['availabilityZones', 'subnetCidrs'], 'give one Availability Zone per CIDR block, in the same order');
  }
  return vpcId && internetGatewayId && subnetCidrs ? { kind: 'new-subnets', vpcId, internetGatewayId, subnetCidrs, ...(routeTableId ? { routeTableId } : {}) } : undefined;
}

function parseLoadBalancer(r: ContextReader, region: string | undefined): LoadBalancerConfig {
  const allowedCidrs = r.list('allowedCidrs') ?? ['0.0.0.0/0'];
  const bad = allowedCidrs.filter((c) => !isIpv4Cidr(c));
  if (bad.length > 0) r.issue('allowedCidrs', `${bad.join(', ')}: each must be an IPv4 CIDR block such as 203.0.113.0/24`);
  if (allowedCidrs.length === 0) r.issue('allowedCidrs', 'list at least one CIDR block');
  const certificateArn = r.string('certificateArn', RE.certificateArn, 'an ACM certificate ARN');
  if (region && certificateArn && certificateArn.split(':')[3] !== region) {
    r.issue(['certificateArn', 'region'], `the certificate is in ${certificateArn.split(':')[3]} but the load balancer deploys to ${region}`);
  }
  const domain = parseDomain(r);
  if (certificateArn && domain) r.issue(['certificateArn', 'domainName'], 'give an existing certificate or a domain name to certify, not both');
  const internal = r.bool('internal', false);
  const allowPlainHttp = r.bool('allowPlainHttp', false);
  if (!internal && !certificateArn && !domain && !allowPlainHttp) {
    r.issue(
      ['certificateArn', 'domainName', 'allowPlainHttp'],
      'an internet-facing load balancer without TLS would carry the API key and every prompt in clear text. Give certificateArn (an ACM certificate in the stack\'s Region), ' +
        'or domainName with hostedZoneId and hostedZoneName (a Route 53 zone: the stack creates a DNS-validated certificate and the alias record), ' +
        'or use target=lambda-url (HTTPS out of the box). To deploy plain HTTP anyway, set allowPlainHttp=true',
    );
  }
  const accessLogs = r.bool('accessLogs', false);
  // The log-delivery principal of the bucket policy differs per Region, so it must be known at synth.
  if (accessLogs && !region) r.issue(['accessLogs', 'region'], 'access logs need the Region at synth time: add -c region=<your region>');
  // AWS WAF accepts rate limits from 10 to 2,000,000,000 requests per evaluation window (5 minutes here).
  const wafRateLimit = r.has('wafRateLimit') ? r.int('wafRateLimit', 100, 10, 2_000_000_000) : undefined;
  return { certificateArn, domain, allowPlainHttp, allowedCidrs, internal, idleTimeoutSeconds: r.int('idleTimeout', 900, 1, 4000), accessLogs, ...(wafRateLimit !== undefined ? { wafRateLimit } : {}) };
}

function parseDomain(r: ContextReader): DomainConfig | undefined {
  const domainName = r.string('domainName', RE.domainName, 'a lower-case DNS name such as gateway.example.com')?.replace(/\.$/, '');
  const hostedZoneId = r.string('hostedZoneId', RE.hostedZoneId, 'a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ');
  const hostedZoneName = r.string('hostedZoneName', RE.domainName, 'a lower-case DNS name such as example.com')?.replace(/\.$/, '');
  const keys = ['domainName', 'hostedZoneId', 'hostedZoneName'] as const;
  const given = keys.filter((k) => r.has(k));
  if (given.length === 0) return undefined;
  if (given.length < keys.length) {
    r.issue([...keys], 'the stack certifies domainName and points it at the load balancer in the Route 53 zone hostedZoneId, named hostedZoneName: give all three');
    return undefined;
  }
  if (domainName && hostedZoneName && domainName !== hostedZoneName && !domainName.endsWith(`.${hostedZoneName}`)) {
    r.issue(['domainName', 'hostedZoneName'], `${domainName} is not in the zone ${hostedZoneName}`);
  }
  return domainName && hostedZoneId && hostedZoneName ? { domainName, hostedZoneId, hostedZoneName } : undefined;
}

function parseFargate(r: ContextReader): FargateSizing {
  const cpu = r.int('cpu', 512, 256, 16384);
  const memory = r.int('memory', cpu === 256 ? 512 : cpu * 2, 512, 122880);
  const valid = FARGATE_MEMORY[cpu];
  if (!valid) r.issue('cpu', `must be one of ${Object.keys(FARGATE_MEMORY).join(', ')}`);
  else if (!valid.includes(memory)) r.issue(['cpu', 'memory'], `Fargate accepts memory ${valid[0]}-${valid[valid.length - 1]} MiB in steps of ${valid[1] - valid[0]} for cpu=${cpu}, got ${memory}`);
  const desiredCount = r.int('desiredCount', 1, 1, 100);
  const maxCount = r.int('maxCount', Math.max(4, desiredCount), 1, 100);
  if (maxCount < desiredCount) r.issue(['desiredCount', 'maxCount'], `maxCount (${maxCount}) must be at least desiredCount (${desiredCount})`);
  // Fargate allows at most 120 s between SIGTERM and SIGKILL; the draining before it is the target group's.
  const drain = { deregistrationDelaySeconds: r.int('deregistrationDelay', 300, 0, 3600), stopTimeoutSeconds: r.int('stopTimeout', 120, 10, 120) };
  return { cpu, memory, desiredCount, maxCount, drain };
}

function parseMonitoring(r: ContextReader, stackName: string): MonitoringConfig {
  const enabled = r.bool('monitoring', true);
  const alarmEmail = r.string('alarmEmail', RE.email, 'an e-mail address');
  const alarmTopicArn = r.string('alarmTopicArn', RE.topicArn, 'an SNS topic ARN');
  if (!enabled && (r.has('alarmEmail') || r.has('alarmTopicArn'))) r.issue(['monitoring', 'alarmEmail', 'alarmTopicArn'], 'monitoring=false creates no alarms to send');
  return { enabled, namespace: `BedrockOpenAIGateway/${stackName}`, alarmEmail, alarmTopicArn };
}

/**
 * Cost-allocation tags, as a JSON object ({"team":"ml","costCenter":"1234"}) or "key=value,key=value".
 * AWS tag keys and values are at most 128 and 256 characters; keys starting with "aws:" are reserved.
 */
function parseTags(r: ContextReader): Record<string, string> {
  const raw = r.raw('tags');
  if (raw === undefined) return {};
  let pairs: [string, unknown][];
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) pairs = Object.entries(raw);
  else if (typeof raw === 'string' && raw.trim().startsWith('{')) {
    try {
      pairs = Object.entries(JSON.parse(raw) as Record<string, unknown>);
    } catch {
      r.issue('tags', 'is not valid JSON');
      return {};
    }
  } else if (typeof raw === 'string') pairs = raw.split(',').filter((p) => p.trim() !== '').map((p) => [p.split('=')[0].trim(), p.includes('=') ? p.slice(p.indexOf('=') + 1).trim() : undefined]);
  else {
    r.issue('tags', 'expected a JSON object or key=value pairs separated by commas');
    return {};
  }
  const tags: Record<string, string> = {};
  for (const [key, v] of pairs) {
    if (typeof v !== 'string' || v.length > 256 || key.length === 0 || key.length > 128 || key.toLowerCase().startsWith('aws:') || !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(key + v)) {
      r.issue('tags', `${JSON.stringify(key)}=${JSON.stringify(v)} is not a valid AWS tag (key 1-128 characters, not aws:..., value up to 256, letters, digits, spaces and _.:/=+-@)`);
      continue;
    }
    tags[key] = v;
  }
  return tags;
}
