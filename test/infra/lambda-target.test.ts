import { Match, Template } from 'aws-cdk-lib/assertions';
import { bedrockStatements, resourceOfType, synth } from './synth';

const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/0f2c1b9e-1111-2222-3333-444455556666';

describe('target=lambda (default context)', () => {
  let t: Template;
  beforeAll(() => {
    t = synth().template;
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

  it('configures the function: runtime, architecture, handler, size, source maps, key location', () => {
    const fn = resourceOfType(t, 'AWS::Lambda::Function', { Description: 'OpenAI-compatible API gateway for Amazon Bedrock' });
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 1024,
      Timeout: 600,
      Environment: {
        Variables: {
          NODE_OPTIONS: '--enable-source-maps',
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
    const t = synth({ region: 'us-east-1', accessLogs: 'true' }).template;
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
