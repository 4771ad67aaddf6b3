import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { nagFindings, synth, validationFindings } from './synth';

const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f2c1b9e-1111-2222-3333-444455556666';
const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gateway/api-key-AbC123';
const KMS = 'arn:aws:kms:us-east-1:123456789012:key/0f2c1b9e-1111-2222-3333-444455556666';
const VPC = 'vpc-0123456789abcdef0';

/** Every target, network shape, key source and load-balancer option, each at least once. */
const ZONE = { domainName: 'gateway.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com' };

/** Every target, network shape, key source and load-balancer option, each at least once. */
const VARIANTS: [string, Record<string, unknown>][] = [
  ['lambda, plain HTTP by explicit opt-in', { allowPlainHttp: 'true' }],
  ['lambda, HTTPS, restricted CIDRs, internal in an existing VPC, no app profiles', { certificateArn: CERT, region: 'us-east-1', allowedCidrs: '10.0.0.0/8', internal: 'true', vpcId: VPC, publicSubnetIds: 'subnet-0123456789abcdef0,subnet-0123456789abcdef1', enableApplicationInferenceProfiles: 'false' }],
  ['lambda, internal without TLS (no opt-in needed)', { internal: 'true', vpcId: VPC, publicSubnetIds: 'subnet-0123456789abcdef0,subnet-0123456789abcdef1' }],
  ['lambda, access logs, existing subnets, existing secret + KMS', { certificateArn: CERT, region: 'us-east-1', accessLogs: 'true', vpcId: VPC, publicSubnetIds: 'subnet-0123456789abcdef0,subnet-0123456789abcdef1', apiKeySecretArn: SECRET, apiKeyKmsKeyArn: KMS }],
  ['lambda, domain certified by the stack, no Marketplace access', { ...ZONE, marketplaceSubscriptions: 'false' }],
  ['fargate, plain HTTP by explicit opt-in', { target: 'fargate', allowPlainHttp: 'true' }],
  ['fargate, NAT, HTTPS, access logs, SSM key + KMS', { target: 'fargate', region: 'us-east-1', natGateways: '2', certificateArn: CERT, accessLogs: 'true', apiKeyParamName: '/gateway/api-key', apiKeyKmsKeyArn: KMS }],
  ['fargate, new subnets in an existing VPC, existing secret', { target: 'fargate', ...ZONE, vpcId: VPC, internetGatewayId: 'igw-0123456789abcdef0', subnetCidrs: '10.0.8.0/24,10.0.9.0/24', apiKeySecretArn: SECRET }],
  ['fargate, new subnets on an existing route table, drain settings', { target: 'fargate', certificateArn: CERT, vpcId: VPC, internetGatewayId: 'igw-0123456789abcdef0', subnetCidrs: '10.0.8.0/24,10.0.9.0/24', routeTableId: 'rtb-0123456789abcdef0', deregistrationDelay: '600', stopTimeout: '60' }],
  ['fargate, region and account, AZs given', { target: 'fargate', allowPlainHttp: 'true', region: 'eu-central-1', account: '123456789012', availabilityZones: 'eu-central-1a,eu-central-1b' }],
  ['lambda-url, defaults', { target: 'lambda-url' }],
  ['lambda-url, SSM key', { target: 'lambda-url', apiKeyParamName: 'gateway-api-key' }],
  ['lambda-url, response table with point-in-time recovery, retained', { target: 'lambda-url', storePointInTimeRecovery: 'true', storeRemovalPolicy: 'retain' }],
  ['fargate, no response store', { target: 'fargate', certificateArn: CERT, responseStore: 'none' }],
  ['lambda, alarms to e-mail, WAF rate limit, reserved concurrency, tags', { certificateArn: CERT, alarmEmail: 'ops@example.com', wafRateLimit: '2000', reservedConcurrency: '50', tags: 'team=ml,costCenter=1234' }],
  ['fargate, alarms to an existing topic, WAF', { target: 'fargate', certificateArn: CERT, alarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:ops', wafRateLimit: '500' }],
  ['fargate, private subnets without internet access, VPC endpoints', { target: 'fargate', internal: 'true', vpcId: VPC, privateSubnetIds: 'subnet-0123456789abcdef2,subnet-0123456789abcdef3', routeTableId: 'rtb-0123456789abcdef0' }],
  ['fargate, private subnets, SSM key, endpoints already there', { target: 'fargate', internal: 'true', vpcId: VPC, privateSubnetIds: 'subnet-0123456789abcdef2,subnet-0123456789abcdef3', vpcEndpoints: 'false', apiKeyParamName: '/gateway/api-key' }],
  ['lambda, internal ALB in private subnets', { internal: 'true', vpcId: VPC, privateSubnetIds: 'subnet-0123456789abcdef2,subnet-0123456789abcdef3' }],
  ['lambda-url, no monitoring, reserved concurrency', { target: 'lambda-url', monitoring: 'false', reservedConcurrency: '10' }],
];

describe('cdk-nag AwsSolutions checks', () => {
  it.each(VARIANTS)('%s: no unacknowledged findings, no CDK warnings or errors', (_name, context) => {
    const { app, stack } = synth(context);
    expect(nagFindings(stack)).toEqual([]);
    expect(validationFindings(app)).toEqual([]);
    const annotations = Annotations.fromStack(stack);
    expect([...annotations.findWarning('*', Match.anyValue()), ...annotations.findError('*', Match.anyValue())]).toEqual([]);
  });

  it('reports what is not acknowledged (the check is live)', () => {
    const { stack } = synth({ target: 'lambda-url' });
    new s3.Bucket(stack, 'Unchecked');
    expect(nagFindings(stack)).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-S1 at BedrockGateway\/Unchecked\/Resource/)]));
  });

  it('fails every synth of the app on a finding unless nag=false', () => {
    for (const nag of ['true', 'false']) {
      const { app, stack } = synth({ target: 'lambda-url', nag });
      new s3.Bucket(stack, 'Unchecked');
      const run = () => app.synth({ force: true });
      if (nag === 'true') expect(run).toThrow(/AwsSolutions-S1/);
      else expect(run).not.toThrow();
    }
  });
});
