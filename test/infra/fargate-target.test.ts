import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { IMAGE_EXCLUDES } from '../../lib/constructs/fargate-target';
import { bedrockStatements, renderArn, resourceOfType, synth, Synthesized } from './synth';

const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f2c1b9e-1111-2222-3333-444455556666';
const KMS = 'arn:aws:kms:us-east-1:123456789012:key/0f2c1b9e-1111-2222-3333-444455556666';

describe('target=fargate (defaults)', () => {
  let s: Synthesized;
  let t: Template;
  beforeAll(() => {
    s = synth({ target: 'fargate' });
    t = s.template;
  });

  it('runs an arm64 Fargate task from the repository Dockerfile with the API key as an ECS secret', () => {
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['FARGATE'],
      Cpu: '512',
      Memory: '1024',
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      ContainerDefinitions: [
        Match.objectLike({
          Image: { 'Fn::Sub': Match.stringLikeRegexp('container-assets') },
          PortMappings: [{ ContainerPort: 8000, Protocol: 'tcp' }],
          Secrets: [{ Name: 'API_KEY', ValueFrom: { 'Fn::Join': ['', [{ Ref: Match.stringLikeRegexp('^ApiKeySecret') }, ':api_key::']] } }],
          Environment: Match.arrayWith([{ Name: 'API_ROUTE_PREFIX', Value: '/api/v1' }, { Name: 'PORT', Value: '8000' }]),
          LogConfiguration: { LogDriver: 'awslogs', Options: Match.objectLike({ 'awslogs-stream-prefix': 'gateway' }) },
          HealthCheck: Match.objectLike({ Command: ['CMD', 'node', '-e', Match.stringLikeRegexp('/health')] }),
          ReadonlyRootFilesystem: true,
        }),
      ],
    });
    const container = resourceOfType(t, 'AWS::ECS::TaskDefinition').Properties.ContainerDefinitions[0];
    const envNames = container.Environment.map((e: { Name: string }) => e.Name);
    // The key is injected by ECS; the task never needs to know where it is stored.
    expect(envNames).not.toContain('API_KEY_SECRET_ARN');
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

  it('lets only the execution role read the key secret, with one action', () => {
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('^FargateTaskExecutionRoleDefaultPolicy'),
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: { Ref: Match.stringLikeRegexp('^ApiKeySecret') } }]) },
    });
    const secretReaders = Object.values(t.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p).includes('secretsmanager:'));
    expect(secretReaders).toHaveLength(1);
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

  it('health-checks /health through the ALB and limits task egress to HTTPS', () => {
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'ip',
      Port: 8000,
      Protocol: 'HTTP',
      HealthCheckPath: '/health',
      Matcher: { HttpCode: '200' },
    });
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Bedrock gateway tasks',
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp', Description: Match.anyValue() }],
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

  it('injects the SSM parameter and grants ssm:GetParameters plus kms:Decrypt only via SSM', () => {
    const container = resourceOfType(t, 'AWS::ECS::TaskDefinition').Properties.ContainerDefinitions[0];
    // With a known Region the partition is a literal (aws-us-gov or aws-cn in those Regions).
    const paramArn = 'arn:aws:ssm:us-east-1:${AWS::AccountId}:parameter/gateway/api-key';
    expect(container.Secrets.map((x: { Name: string; ValueFrom: never }) => [x.Name, renderArn(x.ValueFrom)])).toEqual([['API_KEY', paramArn]]);
    const policy = resourceOfType(t, 'AWS::IAM::Policy', { PolicyName: Match.stringLikeRegexp('^FargateTaskExecutionRoleDefaultPolicy') });
    const keyStatements = policy.Properties.PolicyDocument.Statement.filter((st: { Action: string }) => /^(ssm|kms|secretsmanager):/.test(String(st.Action)));
    type Statement = { Action: string; Resource: never; Condition?: { StringEquals: Record<string, never> } };
    expect(
      keyStatements.map((st: Statement) => ({ action: st.Action, resource: renderArn(st.Resource), viaService: st.Condition && renderArn(st.Condition.StringEquals['kms:ViaService']) })),
    ).toEqual([
      { action: 'ssm:GetParameters', resource: paramArn, viaService: undefined },
      { action: 'kms:Decrypt', resource: KMS, viaService: 'ssm.${AWS::Region}.${AWS::URLSuffix}' },
    ]);
  });
});
