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
