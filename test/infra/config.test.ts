import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError, ConfigFor, CONTEXT_KEYS, GatewayConfig, parseConfig, Target } from '../../lib/config';

/** Parses as the app does, with nothing added. */
const parseStrict = (ctx: Record<string, unknown>) => parseConfig((k) => ctx[k], Object.keys(ctx));
/**
 * Parses with the plain-HTTP opt-in (allowPlainHttp=true) unless the context sets it, for the tests about
 * other keys; the safe default itself is tested with parseStrict.
 */
const parse = (ctx: Record<string, unknown>) => parseStrict({ allowPlainHttp: 'true', ...ctx });

/** The config as the variant of `target`; fails the test when it is another target's. */
function variant<T extends Target>(config: GatewayConfig, target: T): ConfigFor<T> {
  expect(config.target).toBe(target);
  return config as ConfigFor<T>;
}

/** Parses and returns the problems; fails the test if the context was accepted. */
function problems(ctx: Record<string, unknown>, parser = parse): readonly string[] {
  try {
    parser(ctx);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error(`context was accepted: ${JSON.stringify(ctx)}`);
}

/** Asserts one problem names exactly these keys and matches the message. */
function expectProblem(ctx: Record<string, unknown>, keys: string[], message: RegExp, parser = parse): void {
  const found = problems(ctx, parser);
  const prefix = `${keys.join(', ')}: `;
  const match = found.find((p) => p.startsWith(prefix));
  expect({ found, match: match !== undefined }).toEqual({ found, match: true });
  expect(match).toMatch(message);
}

const VPC = 'vpc-0123456789abcdef0';
const SUBNETS = 'subnet-0123456789abcdef0,subnet-0123456789abcdef1';
const IGW = 'igw-0123456789abcdef0';
const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gateway/api-key-AbCdEf';
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f2c1b9e-1111-2222-3333-444455556666';
const KMS = 'arn:aws:kms:us-east-1:123456789012:key/0f2c1b9e-1111-2222-3333-444455556666';

describe('parseConfig defaults', () => {
  it('builds an environment-agnostic Lambda gateway in a new VPC with a generated key', () => {
    const c = parse({});
    expect(c).toMatchObject({
      stackName: 'BedrockGateway',
      target: 'lambda',
      account: undefined,
      region: undefined,
      network: { kind: 'new-vpc', natGateways: 0 },
      loadBalancer: { allowedCidrs: ['0.0.0.0/0'], internal: false, idleTimeoutSeconds: 900, accessLogs: false, certificateArn: undefined, domain: undefined, allowPlainHttp: true },
      apiKey: { kind: 'generated' },
      lambda: { memorySize: 1024, timeoutSeconds: 600 },
      logRetentionDays: 30,
      logLevel: 'INFO',
      nag: true,
    });
    expect(c).not.toHaveProperty('fargate');
    expect(c.models).toEqual({
      defaultModel: undefined,
      defaultEmbeddingModel: undefined,
      enableCrossRegionInference: true,
      enableApplicationInferenceProfiles: true,
      enablePromptCaching: false,
      modelAllowlist: [],
      marketplaceSubscriptions: true,
    });
  });

  it('stores responses in a DynamoDB table for 30 days, without backups, deleted with the stack', () => {
    expect(parse({}).responseStore).toEqual({ kind: 'dynamodb', ttlDays: 30, pointInTimeRecovery: false, removalPolicy: 'destroy', managedKeys: { enabled: true, cacheSeconds: 5, modelPrices: undefined } });
    expect(parse({ responseTtlDays: '90', storePointInTimeRecovery: 'true', storeRemovalPolicy: 'RETAIN', managedKeys: 'false' }).responseStore).toEqual({ kind: 'dynamodb', ttlDays: 90, pointInTimeRecovery: true, removalPolicy: 'retain', managedKeys: { enabled: false, cacheSeconds: 5, modelPrices: undefined } });
    expect(parse({ responseStore: 'none' }).responseStore).toEqual({ kind: 'none' });
  });

  it('sizes Fargate with valid defaults', () => {
    expect(variant(parse({ target: 'fargate' }), 'fargate').fargate).toEqual({ cpu: 512, memory: 1024, desiredCount: 1, maxCount: 4, drain: { deregistrationDelaySeconds: 300, stopTimeoutSeconds: 120 } });
    expect(variant(parse({ target: 'fargate', cpu: '256' }), 'fargate').fargate.memory).toBe(512);
  });

  it('gives lambda-url neither a network nor a load balancer', () => {
    const c = variant(parse({ target: 'lambda-url' }), 'lambda-url');
    expect(c.lambda.memorySize).toBe(1024);
    for (const part of ['availabilityZones', 'network', 'loadBalancer', 'fargate']) expect(c).not.toHaveProperty(part);
  });

  it('takes default models from the Region table when the region is known', () => {
    const c = parse({ region: 'eu-west-2' });
    expect(c.models.defaultModel).toBe('eu.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(c.models.defaultEmbeddingModel).toBe('amazon.titan-embed-text-v2:0');
  });

  it('takes image and rerank defaults only when set (the Region table has none)', () => {
    expect(parse({ region: 'us-east-1' }).models).toMatchObject({ defaultImageModel: undefined, defaultRerankModel: undefined });
    const c = parse({ region: 'us-east-1', defaultImageModel: 'amazon.nova-canvas-v1:0', defaultRerankModel: 'cohere.rerank-v3-5:0' });
    expect(c.models).toMatchObject({ defaultImageModel: 'amazon.nova-canvas-v1:0', defaultRerankModel: 'cohere.rerank-v3-5:0' });
  });

  it('prefers explicit models, and skips the profile table when cross-Region inference is off', () => {
    expect(parse({ region: 'us-east-1', defaultModel: 'amazon.nova-pro-v1:0' }).models.defaultModel).toBe('amazon.nova-pro-v1:0');
    expect(parse({ region: 'us-east-1', enableCrossRegionInference: 'false' }).models.defaultModel).toBeUndefined();
  });

  it('reads strings from -c and JSON types from cdk.json alike', () => {
    const fromCli = parse({ target: 'fargate', internal: 'true', vpcId: VPC, publicSubnetIds: SUBNETS, desiredCount: '2', allowedCidrs: '10.0.0.0/8, 192.168.0.0/16', modelAllowlist: 'anthropic.*,amazon.nova-*' });
    const fromJson = parse({ target: 'fargate', internal: true, vpcId: VPC, publicSubnetIds: SUBNETS.split(','), desiredCount: 2, allowedCidrs: ['10.0.0.0/8', '192.168.0.0/16'], modelAllowlist: ['anthropic.*', 'amazon.nova-*'] });
    expect(fromCli).toEqual(fromJson);
    expect(variant(fromCli, 'fargate').loadBalancer.allowedCidrs).toEqual(['10.0.0.0/8', '192.168.0.0/16']);
    expect(fromCli.models.modelAllowlist).toEqual(['anthropic.*', 'amazon.nova-*']);
  });

  it('recognises the three network shapes', () => {
    expect(variant(parse({ vpcId: VPC, publicSubnetIds: SUBNETS }), 'lambda').network).toEqual({ kind: 'existing-subnets', vpcId: VPC, publicSubnetIds: SUBNETS.split(',') });
    expect(variant(parse({ vpcId: VPC, internetGatewayId: IGW, subnetCidrs: '10.1.0.0/24,10.1.1.0/24' }), 'lambda').network).toEqual({
      kind: 'new-subnets', vpcId: VPC, internetGatewayId: IGW, subnetCidrs: ['10.1.0.0/24', '10.1.1.0/24'],
    });
    expect(variant(parse({ target: 'fargate', natGateways: '1' }), 'fargate').network).toEqual({ kind: 'new-vpc', natGateways: 1 });
  });

  it('recognises existing key sources', () => {
    expect(parse({ apiKeySecretArn: SECRET, apiKeyKmsKeyArn: KMS }).apiKey).toEqual({ kind: 'secret', secretArn: SECRET, kmsKeyArn: KMS });
    expect(parse({ apiKeyParamName: '/gateway/api-key' }).apiKey).toEqual({ kind: 'parameter', parameterName: '/gateway/api-key', kmsKeyArn: undefined });
  });

  it('ignores context keys of other tools', () => {
    expect(() => parse({ '@aws-cdk/core:newStyleStackSynthesis': true, 'aws:cdk:bundling-stacks': [], 'cli-telemetry': false, myTeam: 'x' })).not.toThrow();
  });

  it('documents every key it reads in the configuration tables', () => {
    expect(new Set(CONTEXT_KEYS).size).toBe(CONTEXT_KEYS.length);
    // The README's configuration table lists every context key in a cell of its own.
    const root = path.join(__dirname, '..', '..');
    const guide = path.join(root, 'README.md');
    const text = readFileSync(guide, 'utf8');
    const undocumented = CONTEXT_KEYS.filter((key) => !text.includes(`| \`${key}\` |`));
    expect(undocumented).toEqual([]);
  });
});

describe('parseConfig rejects invalid context, naming the keys', () => {
  it('an unknown target', () => expectProblem({ target: 'ec2' }, ['target'], /one of lambda, fargate, lambda-url/));
  it.each([
    ['not JSON', '{input: 1}'],
    ['a negative price', '{"anthropic.*":{"input":-1,"output":4}}'],
    ['an unknown price field', '{"anthropic.*":{"input":1,"output":4,"batch":1}}'],
    ['a missing output price', '{"anthropic.*":{"input":1}}'],
  ])('modelPrices that is %s', (_case, modelPrices) => expectProblem({ modelPrices }, ['modelPrices'], /model patterns to/));
  it('managed-key settings without a table', () => expectProblem({ responseStore: 'none', keyCacheSeconds: 2 }, ['responseStore', 'keyCacheSeconds'], /creates no table/));
  it('two API key sources', () => expectProblem({ apiKeySecretArn: SECRET, apiKeyParamName: '/k' }, ['apiKeySecretArn', 'apiKeyParamName'], /one API key source/));
  it('a malformed secret ARN', () => expectProblem({ apiKeySecretArn: 'gateway/api-key' }, ['apiKeySecretArn'], /Secrets Manager secret ARN/));
  it('a parameter ARN instead of a name', () => expectProblem({ apiKeyParamName: 'arn:aws:ssm:us-east-1:123456789012:parameter/k' }, ['apiKeyParamName'], /not its ARN/));
  it('a KMS key without an existing key source', () => expectProblem({ apiKeyKmsKeyArn: KMS }, ['apiKeyKmsKeyArn', 'apiKeySecretArn', 'apiKeyParamName'], /existing secret or parameter/));
  it('a secret in another Region', () => expectProblem({ apiKeySecretArn: SECRET, region: 'eu-west-1' }, ['apiKeySecretArn', 'region'], /us-east-1 but the stack deploys to eu-west-1/));
  it('subnets without a VPC', () => expectProblem({ publicSubnetIds: SUBNETS }, ['publicSubnetIds', 'vpcId'], /give vpcId too/));
  it('a gateway and CIDRs without a VPC', () => expectProblem({ internetGatewayId: IGW, subnetCidrs: '10.0.0.0/24,10.0.1.0/24' }, ['internetGatewayId', 'subnetCidrs', 'vpcId'], /give vpcId too/));
  it('a VPC without subnets or CIDRs', () => expectProblem({ vpcId: VPC }, ['vpcId', 'publicSubnetIds', 'internetGatewayId', 'subnetCidrs'], /give publicSubnetIds, or internetGatewayId and subnetCidrs/));
  it('existing subnets and new CIDRs together', () =>
    expectProblem({ vpcId: VPC, publicSubnetIds: SUBNETS, subnetCidrs: '10.0.0.0/24,10.0.1.0/24' }, ['publicSubnetIds', 'internetGatewayId', 'subnetCidrs'], /not both/));
  it('new CIDRs without the internet gateway', () => expectProblem({ vpcId: VPC, subnetCidrs: '10.0.0.0/24,10.0.1.0/24' }, ['internetGatewayId', 'subnetCidrs'], /need both/));
  it('a malformed CIDR block', () => expectProblem({ vpcId: VPC, internetGatewayId: IGW, subnetCidrs: '10.0.0.0/24,10.0.1.0/33' }, ['subnetCidrs'], /\/16 to \/28/));
  it('overlapping CIDR blocks', () => expectProblem({ vpcId: VPC, internetGatewayId: IGW, subnetCidrs: '10.0.0.0/23,10.0.1.0/24' }, ['subnetCidrs'], /overlap/));
  it('a single new subnet', () => expectProblem({ vpcId: VPC, internetGatewayId: IGW, subnetCidrs: '10.0.0.0/24' }, ['subnetCidrs'], /at least two/));
  it('a single existing subnet', () => expectProblem({ vpcId: VPC, publicSubnetIds: 'subnet-0123456789abcdef0' }, ['publicSubnetIds'], /at least two/));
  it('NAT gateways with an existing VPC', () => expectProblem({ target: 'fargate', vpcId: VPC, publicSubnetIds: SUBNETS, natGateways: 1 }, ['natGateways', 'vpcId'], /new VPC/));
  it('NAT gateways for the Lambda target', () => expectProblem({ natGateways: 1 }, ['natGateways', 'target'], /only serve Fargate/));
  it('too many NAT gateways for the AZs', () => expectProblem({ target: 'fargate', natGateways: 3, availabilityZones: 'us-east-1a,us-east-1b', region: 'us-east-1' }, ['natGateways', 'availabilityZones'], /one NAT gateway per/));
  it('AZs that do not match the subnets', () =>
    expectProblem({ vpcId: VPC, internetGatewayId: IGW, subnetCidrs: '10.0.0.0/24,10.0.1.0/24', availabilityZones: 'us-east-1a,us-east-1b,us-east-1c' }, ['availabilityZones', 'subnetCidrs'], /one Availability Zone per CIDR/));
  it('AZs outside the Region', () => expectProblem({ region: 'us-east-1', availabilityZones: 'eu-west-1a,eu-west-1b' }, ['availabilityZones', 'region'], /must be in us-east-1/));
  it('load balancer keys with lambda-url', () => expectProblem({ target: 'lambda-url', certificateArn: CERT, internal: 'true' }, ['target', 'certificateArn', 'internal'], /no VPC or load balancer/));
  it('network keys with lambda-url', () => expectProblem({ target: 'lambda-url', vpcId: VPC, publicSubnetIds: SUBNETS }, ['target', 'vpcId', 'publicSubnetIds'], /no VPC or load balancer/));
  it('Lambda sizing with fargate', () => expectProblem({ target: 'fargate', memorySize: 2048, timeout: 60 }, ['target', 'memorySize', 'timeout'], /use cpu and memory/));
  it('Fargate sizing with lambda', () => expectProblem({ cpu: 1024, desiredCount: 2 }, ['target', 'cpu', 'desiredCount'], /use memorySize and timeout/));
  it('a CPU size Fargate does not have', () => expectProblem({ target: 'fargate', cpu: 768 }, ['cpu'], /must be one of 256, 512/));
  it('a memory size that does not fit the CPU', () => expectProblem({ target: 'fargate', cpu: 256, memory: 4096 }, ['cpu', 'memory'], /512-2048 MiB/));
  it('fewer tasks allowed than desired', () => expectProblem({ target: 'fargate', desiredCount: 4, maxCount: 2 }, ['desiredCount', 'maxCount'], /at least desiredCount/));
  it('an idle timeout shorter than the function timeout', () => expectProblem({ timeout: 900, idleTimeout: 300 }, ['idleTimeout', 'timeout'], /before the function may finish/));
  it('access logs without a Region', () => expectProblem({ accessLogs: 'true' }, ['accessLogs', 'region'], /-c region=/));
  it('an account without a Region', () => expectProblem({ account: '123456789012' }, ['account', 'region'], /together with region/));
  it('a certificate from another Region', () => expectProblem({ certificateArn: CERT, region: 'us-west-2' }, ['certificateArn', 'region'], /us-east-1 but the load balancer deploys to us-west-2/));
  it('a mistyped key', () => expectProblem({ targt: 'fargate' }, ['targt'], /did you mean target\?/));
  it('a key in the wrong case', () => expectProblem({ VpcId: VPC }, ['VpcId'], /did you mean vpcId\?/));
  it('a value that is not a boolean', () => expectProblem({ internal: 'maybe' }, ['internal'], /true or false/));
  it('a number out of range', () => expectProblem({ memorySize: '64' }, ['memorySize'], /128 to 10240/));
  it('a malformed client CIDR', () => expectProblem({ allowedCidrs: '203.0.113.0/24,everyone' }, ['allowedCidrs'], /everyone: each must be an IPv4 CIDR/));
  it('a retention CloudWatch does not offer', () => expectProblem({ logRetentionDays: 10 }, ['logRetentionDays'], /must be one of 1, 3, 5/));
  it('a malformed stack name', () => expectProblem({ stackName: '1gateway' }, ['stackName'], /CloudFormation stack name/));
  it('a response store the stack cannot create', () => expectProblem({ responseStore: 'redis' }, ['responseStore'], /dynamodb or none/));
  it('a response retention of zero days', () => expectProblem({ responseTtlDays: '0' }, ['responseTtlDays'], /1 to 3650/));
  it('a removal policy DynamoDB tables do not have', () => expectProblem({ storeRemovalPolicy: 'snapshot' }, ['storeRemovalPolicy'], /destroy or retain/));
  it('point-in-time recovery that is not a boolean', () => expectProblem({ storePointInTimeRecovery: 'daily' }, ['storePointInTimeRecovery'], /true or false/));
  it('table settings without a table', () =>
    expectProblem({ responseStore: 'none', responseTtlDays: 7, storeRemovalPolicy: 'retain' }, ['responseStore', 'responseTtlDays', 'storeRemovalPolicy'], /creates no table/));

  it('reports every problem at once', () => {
    const found = problems({ target: 'fargate', cpu: 300, apiKeySecretArn: 'x', vpcId: 'vpc-1' });
    expect(found.length).toBeGreaterThanOrEqual(3);
    expect(found.map((p) => p.split(':')[0])).toEqual(expect.arrayContaining(['apiKeySecretArn', 'vpcId', 'cpu']));
  });
});

describe('safe by default (issue 16)', () => {
  const ZONE = { domainName: 'gateway.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com' };

  it.each([['lambda'], ['fargate']])('refuses an internet-facing target=%s without TLS, saying how to get TLS', (target) => {
    expectProblem({ target }, ['certificateArn', 'domainName', 'allowPlainHttp'], /clear text.*certificateArn.*domainName with hostedZoneId and hostedZoneName.*lambda-url.*allowPlainHttp=true/, parseStrict);
  });

  it.each([
    ['allowPlainHttp=true', { allowPlainHttp: 'true' }],
    ['a certificate', { certificateArn: CERT }],
    ['a domain in a hosted zone', ZONE],
    ['an internal load balancer', { internal: 'true', vpcId: VPC, publicSubnetIds: SUBNETS }],
  ])('accepts a load balancer with %s', (_name, ctx) => {
    expect(() => parseStrict(ctx)).not.toThrow();
  });

  it('accepts allowPlainHttp with lambda-url too (scripts pass it to every target)', () => {
    expect(parseStrict({ target: 'lambda-url', allowPlainHttp: 'true' }).target).toBe('lambda-url');
  });

  it('reads a domain to certify, and checks it belongs to the zone', () => {
    expect(variant(parseStrict({ ...ZONE, hostedZoneName: 'example.com.' }), 'lambda').loadBalancer.domain).toEqual(ZONE);
    expectProblem({ ...ZONE, hostedZoneName: 'example.org' }, ['domainName', 'hostedZoneName'], /not in the zone example\.org/, parseStrict);
    expectProblem({ domainName: ZONE.domainName }, ['domainName', 'hostedZoneId', 'hostedZoneName'], /give all three/);
    expectProblem({ ...ZONE, certificateArn: CERT }, ['certificateArn', 'domainName'], /not both/);
    expectProblem({ ...ZONE, hostedZoneId: 'zone-1' }, ['hostedZoneId'], /Route 53 hosted zone id/);
  });

  it('refuses an internal load balancer in a new VPC, which nothing could reach', () => {
    expectProblem({ internal: 'true' }, ['internal', 'vpcId'], /reachable from nowhere/);
    expectProblem({ target: 'fargate', internal: 'true', certificateArn: CERT }, ['internal', 'vpcId'], /reachable from nowhere/);
  });

  it('takes an existing route table for new subnets, and only for them', () => {
    const c = variant(parse({ vpcId: VPC, internetGatewayId: IGW, subnetCidrs: '10.1.0.0/24,10.1.1.0/24', routeTableId: 'rtb-0123456789abcdef0' }), 'lambda');
    expect(c.network).toEqual({ kind: 'new-subnets', vpcId: VPC, internetGatewayId: IGW, subnetCidrs: ['10.1.0.0/24', '10.1.1.0/24'], routeTableId: 'rtb-0123456789abcdef0' });
    expectProblem({ vpcId: VPC, publicSubnetIds: SUBNETS, routeTableId: 'rtb-0123456789abcdef0' }, ['routeTableId', 'subnetCidrs', 'privateSubnetIds'], /existing public subnets keep theirs/);
  });

  it('reads Fargate drain settings within what ECS allows', () => {
    expect(variant(parse({ target: 'fargate', deregistrationDelay: '900', stopTimeout: '60' }), 'fargate').fargate.drain).toEqual({ deregistrationDelaySeconds: 900, stopTimeoutSeconds: 60 });
    expectProblem({ target: 'fargate', stopTimeout: '300' }, ['stopTimeout'], /from 10 to 120/);
    expectProblem({ target: 'lambda', deregistrationDelay: '30' }, ['target', 'deregistrationDelay'], /Fargate service/);
  });

  it('grants Marketplace subscriptions unless turned off', () => {
    expect(parse({}).models.marketplaceSubscriptions).toBe(true);
    expect(parse({ marketplaceSubscriptions: 'false' }).models.marketplaceSubscriptions).toBe(false);
  });
});

describe('operations keys', () => {
  it('reads tags from key=value pairs or JSON and refuses invalid ones', () => {
    expect(parse({ tags: 'team=ml, env = prod' }).tags).toEqual({ team: 'ml', env: 'prod' });
    expect(parse({ tags: '{"team":"ml"}' }).tags).toEqual({ team: 'ml' });
    expect(parse({ tags: { team: 'ml' } }).tags).toEqual({ team: 'ml' });
    expectProblem({ tags: 'aws:owner=me' }, ['tags'], /not a valid AWS tag/);
    expectProblem({ tags: 'team' }, ['tags'], /not a valid AWS tag/);
    expectProblem({ tags: '{"team":' }, ['tags'], /not valid JSON/);
  });

  it('reads the alarm destination and refuses one without monitoring', () => {
    expect(parse({ stackName: 'Gw', alarmEmail: 'ops@example.com' }).monitoring).toEqual({ enabled: true, namespace: 'BedrockOpenAIGateway/Gw', alarmEmail: 'ops@example.com', alarmTopicArn: undefined });
    expectProblem({ alarmEmail: 'not-an-address' }, ['alarmEmail'], /e-mail address/);
    expectProblem({ monitoring: 'false', alarmEmail: 'ops@example.com' }, ['monitoring', 'alarmEmail', 'alarmTopicArn'], /no alarms/);
  });

  it('bounds the WAF rate limit and reserved concurrency, and keeps each to its targets', () => {
    expect(variant(parse({ wafRateLimit: '500' }), 'lambda').loadBalancer.wafRateLimit).toBe(500);
    expectProblem({ wafRateLimit: '5' }, ['wafRateLimit'], /from 10 to/);
    expect(variant(parse({ target: 'lambda-url', reservedConcurrency: '20' }), 'lambda-url').lambda.reservedConcurrency).toBe(20);
    expectProblem({ target: 'fargate', reservedConcurrency: '20' }, ['target', 'reservedConcurrency'], /Lambda function/);
  });
});

describe('private subnets without internet access', () => {
  const PRIVATE = 'subnet-0123456789abcdef2,subnet-0123456789abcdef3';
  it('reads the shape, and needs an internal load balancer and (for Fargate) the route table', () => {
    expect(variant(parse({ target: 'fargate', internal: 'true', vpcId: VPC, privateSubnetIds: PRIVATE, routeTableId: 'rtb-0123456789abcdef0' }), 'fargate').network).toEqual({
      kind: 'private-subnets', vpcId: VPC, privateSubnetIds: PRIVATE.split(','), routeTableId: 'rtb-0123456789abcdef0', endpoints: true,
    });
    expectProblem({ vpcId: VPC, privateSubnetIds: PRIVATE }, ['internal', 'privateSubnetIds'], /only hold an internal load balancer/);
    expectProblem({ target: 'fargate', internal: 'true', vpcId: VPC, privateSubnetIds: PRIVATE }, ['routeTableId', 'privateSubnetIds'], /gateway endpoint/);
    expectProblem({ internal: 'true', vpcId: VPC, privateSubnetIds: PRIVATE, publicSubnetIds: SUBNETS }, ['privateSubnetIds', 'publicSubnetIds'], /shape of their own/);
    expectProblem({ privateSubnetIds: PRIVATE, internal: 'true' }, ['privateSubnetIds', 'vpcId'], /give vpcId/);
    expectProblem({ vpcEndpoints: 'false' }, ['vpcEndpoints', 'privateSubnetIds'], /private subnets/);
  });
});
