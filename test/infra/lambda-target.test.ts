import { Match, Template } from 'aws-cdk-lib/assertions';
import { lambdaTargetGroupName } from '../../lib/constructs/lambda-target';
import { bedrockStatements, PLAIN_HTTP, renderArn, resourceOfType, synth } from './synth';

const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/0f2c1b9e-1111-2222-3333-444455556666';

describe('target=lambda (default context)', () => {
  let t: Template;
  beforeAll(() => {
    t = synth(PLAIN_HTTP).template;
  });

  it('puts a Node.js 22 arm64 function behind an internet-facing ALB on HTTP 80', () => {
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'idle_timeout.timeout_seconds', Value: '900' },
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      ]),
    });
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP', DefaultActions: [Match.objectLike({ Type: 'forward' })] });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'lambda' });
    t.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: 'elasticloadbalancing.amazonaws.com' });
  });

  it('configures the function: runtime, architecture, handler, size, no source-map flag, key location', () => {
    const fn = resourceOfType(t, 'AWS::Lambda::Function', { Description: 'OpenAI-compatible API gateway for Amazon Bedrock' });
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 1024,
      Timeout: 600,
      Environment: {
        Variables: {
          API_ROUTE_PREFIX: '/api/v1',
          API_KEY_SECRET_ARN: { Ref: expect.stringMatching(/^ApiKeySecret/) },
          ENABLE_CROSS_REGION_INFERENCE: 'true',
          ENABLE_APPLICATION_INFERENCE_PROFILES: 'true',
          ENABLE_PROMPT_CACHING: 'false',
        },
      },
      LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/^LambdaGatewayLogs/) } },
    });
    // The Region is unknown at synth, so the handler picks the default model from its own Region table.
    expect(fn.Properties.Environment.Variables.DEFAULT_MODEL).toBeUndefined();
    // Logged stacks are mapped by the handler on first need; Node's flag would cost every cold start instead.
    expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBeUndefined();
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('generates the API key secret as {"api_key": ...}', () => {
    t.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { SecretStringTemplate: '{}', GenerateStringKey: 'api_key', ExcludePunctuation: true, PasswordLength: 48 },
    });
  });

  it('lets the function read exactly that secret and write only its own log group', () => {
    const role = resourceOfType(t, 'AWS::IAM::Role', { Description: 'Bedrock gateway function' });
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('^LambdaGatewayRoleDefaultPolicy'),
      PolicyDocument: {
        Statement: [
          { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LambdaGatewayLogs'), 'Arn'] } },
          { Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: { Ref: Match.stringLikeRegexp('^ApiKeySecret') } },
        ],
      },
    });
  });

  it('grants Bedrock invoke, stream and catalogue reads, partition-aware', () => {
    expect(bedrockStatements(t)).toEqual({
      InvokeModels: {
        actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        resources: [
          'arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:application-inference-profile/*',
          'arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:inference-profile/*',
          'arn:${AWS::Partition}:bedrock:*::foundation-model/*',
        ],
      },
      ReadProfiles: {
        actions: ['bedrock:GetInferenceProfile'],
        resources: [
          'arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:application-inference-profile/*',
          'arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:inference-profile/*',
        ],
      },
      ListCatalog: { actions: ['bedrock:ListFoundationModels', 'bedrock:ListInferenceProfiles'], resources: ['*'] },
    });
  });

  it('opens port 80 to the world only (the default allowedCidrs)', () => {
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Bedrock gateway load balancer',
      SecurityGroupIngress: [{ CidrIp: '0.0.0.0/0', FromPort: 80, ToPort: 80, IpProtocol: 'tcp', Description: Match.anyValue() }],
    });
  });

  it('outputs the http base URL ending in /api/v1, the target and how to read the key', () => {
    t.hasOutput('ApiBaseUrl', { Value: { 'Fn::Join': ['', ['http://', { 'Fn::GetAtt': [Match.stringLikeRegexp('^LoadBalancerAlb'), 'DNSName'] }, '/api/v1']] } });
    t.hasOutput('Target', { Value: 'lambda' });
    t.hasOutput('ApiKeySecretArn', { Value: { Ref: Match.stringLikeRegexp('^ApiKeySecret') } });
    t.hasOutput('ApiKeyCommand', {
      Value: { 'Fn::Join': ['', ['aws secretsmanager get-secret-value --region ', { Ref: 'AWS::Region' }, ' --secret-id ', { Ref: Match.stringLikeRegexp('^ApiKeySecret') }, ' --query SecretString --output text']] },
    });
  });
});

describe('target=lambda with HTTPS, restricted CIDRs, an internal ALB, sizing and models', () => {
  let t: Template;
  beforeAll(() => {
    t = synth({
      region: 'eu-west-1',
      certificateArn: CERT,
      allowedCidrs: '10.0.0.0/8,192.168.10.0/24',
      internal: 'true',
      vpcId: 'vpc-0123456789abcdef0',
      publicSubnetIds: 'subnet-0123456789abcdef0,subnet-0123456789abcdef1',
      memorySize: '2048',
      timeout: '300',
      idleTimeout: '400',
      enablePromptCaching: 'true',
      enableApplicationInferenceProfiles: 'false',
      modelAllowlist: 'anthropic.*,amazon.titan-embed-*',
    }).template;
  });

  it('serves HTTPS on 443 and redirects HTTP 80 to it', () => {
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: CERT }],
      DefaultActions: [Match.objectLike({ Type: 'forward' })],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
    t.hasOutput('ApiBaseUrl', { Value: { 'Fn::Join': ['', ['https://', Match.anyValue(), '/api/v1']] } });
  });

  it('admits only the allowed CIDRs, on 80 and 443', () => {
    const sg = resourceOfType(t, 'AWS::EC2::SecurityGroup', { GroupDescription: 'Bedrock gateway load balancer' });
    const rules = sg.Properties.SecurityGroupIngress.map((r: { CidrIp: string; FromPort: number }) => `${r.CidrIp}:${r.FromPort}`).sort();
    expect(rules).toEqual(['10.0.0.0/8:443', '10.0.0.0/8:80', '192.168.10.0/24:443', '192.168.10.0/24:80']);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'idle_timeout.timeout_seconds', Value: '400' }]),
    });
  });

  it('passes sizing and model settings to the function, with the Region default model', () => {
    const fn = resourceOfType(t, 'AWS::Lambda::Function', { Description: 'OpenAI-compatible API gateway for Amazon Bedrock' });
    expect(fn.Properties).toMatchObject({
      MemorySize: 2048,
      Timeout: 300,
      Environment: {
        Variables: {
          DEFAULT_MODEL: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0',
          DEFAULT_EMBEDDING_MODEL: 'eu.cohere.embed-v4:0',
          ENABLE_PROMPT_CACHING: 'true',
          ENABLE_APPLICATION_INFERENCE_PROFILES: 'false',
          MODEL_ALLOWLIST: 'anthropic.*,amazon.titan-embed-*',
        },
      },
    });
  });

  it('drops application-inference-profile permissions when that feature is off', () => {
    const all = Object.values(bedrockStatements(t)).flatMap((s) => s.resources);
    expect(all.some((r) => r.includes('application-inference-profile'))).toBe(false);
    expect(all).toContain('arn:${AWS::Partition}:bedrock:*::foundation-model/*');
  });
});

describe('target=lambda with ALB access logs', () => {
  it('writes them to an encrypted, SSL-only, private bucket that outlives the stack', () => {
    const t = synth({ ...PLAIN_HTTP, region: 'us-east-1', accessLogs: 'true' }).template;
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'access_logs.s3.bucket', Value: { Ref: Match.stringLikeRegexp('^LoadBalancerAccessLogs') } },
      ]),
    });
    t.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      }),
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });
});

describe('target=lambda: who may invoke the function (issue 16)', () => {
  it('lets only the stack’s own target group invoke it, by source ARN', () => {
    const { template: t, stack } = synth({ ...PLAIN_HTTP, stackName: 'Team-Gateway' });
    const permissions = Object.values(t.findResources('AWS::Lambda::Permission')).map((p) => p.Properties);
    expect(permissions).toHaveLength(1);
    expect(permissions[0]).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'elasticloadbalancing.amazonaws.com' });
    const tg = resourceOfType(t, 'AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'lambda' });
    expect(tg.Properties.Name).toBe('Team-Gateway-gateway');
    expect(renderArn(permissions[0].SourceArn)).toBe('arn:${AWS::Partition}:elasticloadbalancing:${AWS::Region}:${AWS::AccountId}:targetgroup/Team-Gateway-gateway/*');
    // The target group registers the function only once the permission exists.
    expect(tg.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/Invoke/)]));
    expect(stack.stackName).toBe('Team-Gateway');
  });

  it.each([
    ['BedrockGateway', 'BedrockGateway-gateway'],
    ['A-very-long-stack-name-for-the-gateway-of-a-team', 'A-very-long-stack-name-f-gateway'],
  ])('names the target group after stack %s within 32 characters', (stackName, expected) => {
    expect(lambdaTargetGroupName(stackName)).toBe(expected);
    expect(expected.length).toBeLessThanOrEqual(32);
  });
});

describe('target=lambda: Marketplace access for third-party models (issue 16)', () => {
  it.each([
    ['on by default', {}, true],
    ['off with marketplaceSubscriptions=false', { marketplaceSubscriptions: 'false' }, false],
  ])('%s', (_name, context, present) => {
    const t = synth({ ...PLAIN_HTTP, ...context }).template;
    const policies = Object.values(t.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p).includes('aws-marketplace:'));
    if (!present) {
      expect(policies).toEqual([]);
      return;
    }
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.PolicyDocument.Statement).toEqual([
      { Sid: 'MarketplaceModelAccess', Effect: 'Allow', Action: ['aws-marketplace:Subscribe', 'aws-marketplace:ViewSubscriptions'], Resource: '*' },
    ]);
    expect(policies[0].Properties.Roles).toEqual([{ Ref: expect.stringMatching(/^LambdaGatewayRole/) }]);
  });
});

describe('target=lambda with a domain the stack certifies (issue 16)', () => {
  let t: Template;
  let outputs: Record<string, { Value: unknown }>;
  beforeAll(() => {
    const s = synth({ domainName: 'gateway.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com' });
    t = s.template;
    outputs = t.toJSON().Outputs;
  });

  it('creates a DNS-validated certificate in the zone, serves HTTPS with it, and redirects HTTP', () => {
    t.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'gateway.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'gateway.example.com', HostedZoneId: 'Z0123456789ABCDEFGHIJ' }],
    });
    const [certId] = Object.keys(t.findResources('AWS::CertificateManager::Certificate'));
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS', Certificates: [{ CertificateArn: { Ref: certId } }] });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, DefaultActions: [Match.objectLike({ Type: 'redirect' })] });
  });

  it('points the name at the load balancer and prints https://<name>/api/v1', () => {
    t.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'gateway.example.com.',
      Type: 'A',
      HostedZoneId: 'Z0123456789ABCDEFGHIJ',
      AliasTarget: Match.objectLike({ DNSName: Match.anyValue() }),
    });
    expect(outputs.ApiBaseUrl.Value).toBe('https://gateway.example.com/api/v1');
  });
});
