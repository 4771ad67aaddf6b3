import { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { PLAIN_HTTP, resourceOfType, synth } from './synth';

/** The logical id of the role the template says the gateway code runs as, read from the runtime resource. */
function runtimeRoleId(template: ReturnType<typeof synth>['template']): string {
  const fns = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: 'OpenAI-compatible API gateway for Amazon Bedrock' } }));
  if (fns.length === 1) return fns[0].Properties.Role['Fn::GetAtt'][0];
  return resourceOfType(template, 'AWS::ECS::TaskDefinition').Properties.TaskRoleArn['Fn::GetAtt'][0];
}

describe('each target exposes the role its code runs as, and the stack grants to it once', () => {
  it.each([['lambda'], ['lambda-url'], ['fargate']])('target=%s', (target) => {
    const { stack, template } = synth({ ...PLAIN_HTTP, target });
    const exposed = stack.getLogicalId(stack.target.role.node.defaultChild as CfnElement);
    expect(exposed).toBe(runtimeRoleId(template));
    template.hasResourceProperties('AWS::IAM::Policy', { PolicyName: Match.stringLikeRegexp('^BedrockAccessPolicy'), Roles: [{ Ref: exposed }] });
    // The code reads the key at run time with its own role on every target; nothing injects it.
    const injected = Object.keys(template.findResources('AWS::ECS::TaskDefinition', { Properties: { ContainerDefinitions: [Match.objectLike({ Secrets: Match.anyValue() })] } }));
    expect(injected).toEqual([]);
    const keyReaders = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes('secretsmanager:GetSecretValue'))
      .flatMap((p) => p.Properties.Roles.map((r: { Ref: string }) => r.Ref));
    expect(keyReaders).toEqual([exposed]);
  });
});

describe('the image and rerank models are covered by the invoke grant, nothing broader', () => {
  const PSEUDO: Readonly<Record<string, string>> = { 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012' };
  /** A template ARN with the pseudo parameters filled in. */
  const arnOf = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const [sep, parts] = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    return parts.map((p) => (typeof p === 'string' ? p : PSEUDO[(p as { Ref: string }).Ref] ?? '?')).join(sep);
  };
  const wildcard = (arn: string) => new RegExp(`^${arn.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

  const { template } = synth({ ...PLAIN_HTTP, target: 'lambda' });
  const [policy] = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('^BedrockAccessPolicy') } }));
  const statements = policy.Properties.PolicyDocument.Statement as Array<{ Sid: string; Action: string | string[]; Resource: unknown }>;
  const invoke = statements.find((s) => s.Sid === 'InvokeModels');

  it.each([
    'amazon.nova-canvas-v1:0',
    'amazon.titan-image-generator-v2:0',
    'stability.sd3-5-large-v1:0',
    'stability.stable-image-ultra-v1:1',
    'stability.stable-image-core-v1:1',
    'cohere.rerank-v3-5:0',
    'amazon.rerank-v1:0',
  ])('%s may be invoked', (model) => {
    const resources = ([] as unknown[]).concat(invoke?.Resource).map(arnOf);
    expect(resources.some((r) => wildcard(r).test(`arn:aws:bedrock:us-east-1::foundation-model/${model}`))).toBe(true);
    expect(invoke?.Action).toEqual(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']);
  });

  it('grants no other Bedrock action (reranking uses InvokeModel, not bedrock:Rerank)', () => {
    const actions = statements.flatMap((s) => ([] as string[]).concat(s.Action)).filter((a) => a.startsWith('bedrock:'));
    expect([...new Set(actions)].sort()).toEqual([
      'bedrock:GetInferenceProfile',
      'bedrock:InvokeModel',
      'bedrock:InvokeModelWithResponseStream',
      'bedrock:ListFoundationModels',
      'bedrock:ListInferenceProfiles',
    ]);
  });
});
