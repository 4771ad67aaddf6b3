import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { startServer } from '../../lambda/src/runtime/node/server';
import { IMAGE_EXCLUDES } from '../../lib/constructs/fargate-target';
import { bedrockStatements, PLAIN_HTTP, renderArn, resourceOfType, synth, Synthesized } from './synth';

const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f2c1b9e-1111-2222-3333-444455556666';
const KMS = 'arn:aws:kms:us-east-1:123456789012:key/0f2c1b9e-1111-2222-3333-444455556666';

describe('target=fargate (defaults)', () => {
  let s: Synthesized;
  let t: Template;
  beforeAll(() => {
    s = synth({ ...PLAIN_HTTP, target: 'fargate' });
    t = s.template;
  });

  it('runs an arm64 Fargate task from the repository Dockerfile that reads the API key itself', () => {
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['FARGATE'],
      Cpu: '512',
      Memory: '1024',
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      ContainerDefinitions: [
        Match.objectLike({
          Image: { 'Fn::Sub': Match.stringLikeRegexp('container-assets') },
          PortMappings: [{ ContainerPort: 8000, Protocol: 'tcp' }],
          Environment: Match.arrayWith([
            { Name: 'API_ROUTE_PREFIX', Value: '/api/v1' },
            { Name: 'API_KEY_SECRET_ARN', Value: { Ref: Match.stringLikeRegexp('^ApiKeySecret') } },
            { Name: 'PORT', Value: '8000' },
          ]),
          LogConfiguration: { LogDriver: 'awslogs', Options: Match.objectLike({ 'awslogs-stream-prefix': 'gateway' }) },
          HealthCheck: Match.objectLike({ Command: ['CMD', 'node', '-e', Match.stringLikeRegexp('/health')] }),
          ReadonlyRootFilesystem: true,
        }),
      ],
    });
    const container = resourceOfType(t, 'AWS::ECS::TaskDefinition').Properties.ContainerDefinitions[0];
    // ECS injects nothing: an injected secret could only be one JSON field, read once at task start, so a
    // plain-string secret or {"api_keys": [...]} stopped tasks from starting, and rotation needed a redeploy.
    expect(container.Secrets).toBeUndefined();
    expect(container.Environment.map((e: { Name: string }) => e.Name)).not.toContain('API_KEY');
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('builds the image for linux/arm64 from the Dockerfile at the repository root', () => {
    const dir = s.app.synth().directory;
    const assets = JSON.parse(readFileSync(path.join(dir, `${s.stack.stackName}.assets.json`), 'utf8'));
    const images = Object.values(assets.dockerImages) as { source: { directory: string; dockerFile: string; platform: string } }[];
    expect(images).toHaveLength(1);
    expect(images[0].source).toMatchObject({ dockerFile: 'Dockerfile', platform: 'linux/arm64' });
    const staged = path.join(dir, images[0].source.directory);
    expect(existsSync(path.join(staged, 'Dockerfile'))).toBe(true);
    expect(existsSync(path.join(staged, 'lambda', 'src', 'runtime', 'node', 'server.ts'))).toBe(true);
    for (const excluded of ['node_modules', 'cdk.out', '.git', 'test', 'bench']) expect(existsSync(path.join(staged, excluded))).toBe(false);
    expect(IMAGE_EXCLUDES).toEqual(expect.arrayContaining(['node_modules', 'cdk.out', '.git', 'test', 'bench']));
  });

  it('lets only the task role read the key secret, with one action', () => {
    const secretReaders = Object.values(t.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p).includes('secretsmanager:'));
    expect(secretReaders).toHaveLength(1);
    expect(secretReaders[0].Properties.Roles).toEqual([{ Ref: expect.stringMatching(/^FargateTaskTaskRole/) }]);
    expect(secretReaders[0].Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([{ Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/^ApiKeySecret/) } }]),
    );
    expect(Object.keys(bedrockStatements(t))).toEqual(['InvokeModels', 'ReadProfiles', 'ListCatalog']);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('^BedrockAccessPolicy'),
      Roles: [{ Ref: Match.stringLikeRegexp('^FargateTaskTaskRole') }],
    });
  });

  it('runs the service in public subnets with a public IP, a circuit breaker and rollback', () => {
    t.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      DesiredCount: 1,
      DeploymentConfiguration: { DeploymentCircuitBreaker: { Enable: true, Rollback: true }, MinimumHealthyPercent: 100, MaximumPercent: 200 },
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'ENABLED', Subnets: [{ Ref: Match.stringLikeRegexp('publicSubnet1') }, { Ref: Match.stringLikeRegexp('publicSubnet2') }] }) },
      LoadBalancers: [{ ContainerName: 'Gateway', ContainerPort: 8000, TargetGroupArn: Match.anyValue() }],
    });
    t.resourceCountIs('AWS::EC2::NatGateway', 0);
    t.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
  });

  it('health-checks /health through the ALB and limits task egress to HTTPS, HTTP (image URLs) and DNS', () => {
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'ip',
      Port: 8000,
      Protocol: 'HTTP',
      HealthCheckPath: '/health',
      Matcher: { HttpCode: '200' },
    });
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Bedrock gateway tasks',
      SecurityGroupEgress: [
        { CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp', Description: Match.anyValue() },
        { CidrIp: '0.0.0.0/0', FromPort: 80, ToPort: 80, IpProtocol: 'tcp', Description: Match.anyValue() },
        { CidrIp: '0.0.0.0/0', FromPort: 53, ToPort: 53, IpProtocol: 'udp', Description: Match.anyValue() },
        { CidrIp: '0.0.0.0/0', FromPort: 53, ToPort: 53, IpProtocol: 'tcp', Description: Match.anyValue() },
      ],
    });
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 8000, ToPort: 8000, SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LoadBalancerSecurityGroup'), 'GroupId'] } });
  });

  it('scales between desiredCount and maxCount on CPU and on requests per target', () => {
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 4, ScalableDimension: 'ecs:service:DesiredCount' });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } }),
    });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }) }),
    });
    t.hasOutput('Target', { Value: 'fargate' });
  });
});

describe('target=fargate with NAT, HTTPS, an SSM key under a customer managed KMS key, and sizing', () => {
  let t: Template;
  beforeAll(() => {
    t = synth({
      target: 'fargate',
      region: 'us-east-1',
      natGateways: '1',
      certificateArn: CERT,
      apiKeyParamName: '/gateway/api-key',
      apiKeyKmsKeyArn: KMS,
      cpu: '1024',
      memory: '4096',
      desiredCount: '2',
      maxCount: '6',
    }).template;
  });

  it('puts tasks in private subnets behind one NAT gateway, without public IPs', () => {
    t.resourceCountIs('AWS::EC2::NatGateway', 1);
    t.hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: 2,
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED', Subnets: [{ Ref: Match.stringLikeRegexp('privateSubnet1') }, { Ref: Match.stringLikeRegexp('privateSubnet2') }] }) },
    });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 6 });
    t.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '1024', Memory: '4096' });
  });

  it('tells the server the SSM parameter and grants the task role ssm:GetParameter plus kms:Decrypt only via SSM', () => {
    const container = resourceOfType(t, 'AWS::ECS::TaskDefinition').Properties.ContainerDefinitions[0];
    expect(container.Secrets).toBeUndefined();
    expect(container.Environment).toEqual(expect.arrayContaining([{ Name: 'API_KEY_PARAM_NAME', Value: '/gateway/api-key' }]));
    // With a known Region the partition is a literal (aws-us-gov or aws-cn in those Regions).
    const paramArn = 'arn:aws:ssm:us-east-1:${AWS::AccountId}:parameter/gateway/api-key';
    const keyPolicies = Object.values(t.findResources('AWS::IAM::Policy')).filter((p) => /"(ssm|kms):/.test(JSON.stringify(p.Properties.PolicyDocument)));
    expect(keyPolicies).toHaveLength(1);
    const policy = keyPolicies[0];
    expect(policy.Properties.Roles).toEqual([{ Ref: expect.stringMatching(/^FargateTaskTaskRole/) }]);
    const keyStatements = policy.Properties.PolicyDocument.Statement.filter((st: { Action: string }) => /^(ssm|kms|secretsmanager):/.test(String(st.Action)));
    type Statement = { Action: string; Resource: never; Condition?: { StringEquals: Record<string, never> } };
    expect(
      keyStatements.map((st: Statement) => ({ action: st.Action, resource: renderArn(st.Resource), viaService: st.Condition && renderArn(st.Condition.StringEquals['kms:ViaService']) })),
    ).toEqual([
      { action: 'ssm:GetParameter', resource: paramArn, viaService: undefined },
      { action: 'kms:Decrypt', resource: KMS, viaService: 'ssm.${AWS::Region}.${AWS::URLSuffix}' },
    ]);
  });
});

describe('target=fargate connection and drain timings (issue 16)', () => {
  /** The container's environment as a map. */
  function containerEnv(t: Template): Record<string, string> {
    const container = resourceOfType(t, 'AWS::ECS::TaskDefinition').Properties.ContainerDefinitions[0];
    return Object.fromEntries(container.Environment.map((e: { Name: string; Value: string }) => [e.Name, e.Value]));
  }
  function albAttribute(t: Template, key: string): number {
    const attrs = resourceOfType(t, 'AWS::ElasticLoadBalancingV2::LoadBalancer').Properties.LoadBalancerAttributes as { Key: string; Value: string }[];
    return Number(attrs.find((a) => a.Key === key)?.Value);
  }

  it.each([
    ['defaults', {}],
    ['idleTimeout=4000', { idleTimeout: '4000' }],
    ['idleTimeout=60', { idleTimeout: '60' }],
  ])('%s: the server started with the stack’s environment keeps idle connections longer than the ALB', async (_name, context) => {
    const t = synth({ ...PLAIN_HTTP, target: 'fargate', ...context }).template;
    const idleSeconds = albAttribute(t, 'idle_timeout.timeout_seconds');
    expect(idleSeconds).toBeGreaterThan(0);
    const env = containerEnv(t);
    // The real server, with the timeout variable exactly as the task gets it.
    const server = await startServer({ PORT: '0', HOST: '127.0.0.1', API_KEY: 'sk-fargate', LOG_LEVEL: 'SILENT', KEEP_ALIVE_TIMEOUT_SECONDS: env.KEEP_ALIVE_TIMEOUT_SECONDS });
    try {
      expect(server.timeouts.keepAliveMs).toBeGreaterThan(idleSeconds * 1000);
      expect(server.timeouts.headersMs).toBeLessThanOrEqual(server.timeouts.requestMs);
    } finally {
      await server.close();
    }
  });

  it.each([
    ['defaults', {}, 300, 120],
    ['deregistrationDelay=900, stopTimeout=60', { deregistrationDelay: '900', stopTimeout: '60' }, 900, 60],
  ])('%s: streams keep running through the deregistration delay, then the server drains for all of stopTimeout but its exit', (_name, context, delay, stop) => {
    const t = synth({ ...PLAIN_HTTP, target: 'fargate', ...context }).template;
    const tg = resourceOfType(t, 'AWS::ElasticLoadBalancingV2::TargetGroup').Properties.TargetGroupAttributes as { Key: string; Value: string }[];
    expect(Number(tg.find((a) => a.Key === 'deregistration_delay.timeout_seconds')?.Value)).toBe(delay);
    const container = resourceOfType(t, 'AWS::ECS::TaskDefinition').Properties.ContainerDefinitions[0];
    expect(container.StopTimeout).toBe(stop);
    const graceMs = Number(containerEnv(t).SHUTDOWN_GRACE_MS);
    // The server uses what ECS gives it, and stops before ECS's SIGKILL.
    expect(graceMs).toBeLessThan(stop * 1000);
    expect(graceMs).toBeGreaterThanOrEqual(stop * 1000 - 5_000);
    // A stream longer than the old 60 s drain is let finish by default.
    expect(delay + stop).toBeGreaterThan(60 + 120);
  });
});
