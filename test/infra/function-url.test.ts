import { Match, Template } from 'aws-cdk-lib/assertions';
import { bedrockStatements, resourceOfType, synth } from './synth';

describe('target=lambda-url', () => {
  let t: Template;
  beforeAll(() => {
    t = synth({ target: 'lambda-url', memorySize: '1536' }).template;
  });

  it('serves the streaming entry through a Function URL with RESPONSE_STREAM and auth NONE', () => {
    t.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      InvokeMode: 'RESPONSE_STREAM',
      TargetFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FunctionUrlGatewayFunction'), 'Arn'] },
    });
    t.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' });
    const fn = resourceOfType(t, 'AWS::Lambda::Function');
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler', MemorySize: 1536 });
  });

  it('needs no VPC and no load balancer', () => {
    for (const type of ['AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::EC2::SecurityGroup']) t.resourceCountIs(type, 0);
    expect(resourceOfType(t, 'AWS::Lambda::Function').Properties.VpcConfig).toBeUndefined();
  });

  it('grants the same Bedrock access as the other targets', () => {
    expect(Object.keys(bedrockStatements(t))).toEqual(['InvokeModels', 'ReadProfiles', 'ListCatalog']);
  });

  it('outputs the Function URL with the /api/v1 prefix', () => {
    t.hasOutput('ApiBaseUrl', { Value: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('FunctionUrl'), 'FunctionUrl'] }, 'api/v1']] } });
    t.hasOutput('Target', { Value: 'lambda-url' });
  });
});
