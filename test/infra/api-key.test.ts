import { Match, Template } from 'aws-cdk-lib/assertions';
import { PLAIN_HTTP, renderArn, resourceOfType, synth } from './synth';

const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gateway/api-key-AbC123';
const PARTIAL_SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gateway/api-key';
const KMS = 'arn:aws:kms:us-east-1:123456789012:key/0f2c1b9e-1111-2222-3333-444455556666';

type Statement = { Action: string | string[]; Resource: never; Condition?: { StringEquals: Record<string, never> } };

/** The function role's statements about the key, rendered as plain strings. */
function keyStatements(t: Template): { action: string; resource: string; viaService?: string }[] {
  const policy = resourceOfType(t, 'AWS::IAM::Policy', { PolicyName: Match.stringLikeRegexp('GatewayRoleDefaultPolicy') });
  return (policy.Properties.PolicyDocument.Statement as Statement[])
    .filter((s) => !String(s.Action).startsWith('logs:'))
    .map((s) => ({ action: String(s.Action), resource: renderArn(s.Resource), ...(s.Condition ? { viaService: renderArn(s.Condition.StringEquals['kms:ViaService']) } : {}) }));
}

function functionEnv(t: Template): Record<string, unknown> {
  return resourceOfType(t, 'AWS::Lambda::Function', { Description: 'OpenAI-compatible API gateway for Amazon Bedrock' }).Properties.Environment.Variables;
}

describe('API key from an existing Secrets Manager secret', () => {
  it('reads exactly that secret, creates none, and outputs how to read it', () => {
    const t = synth({ ...PLAIN_HTTP, apiKeySecretArn: SECRET }).template;
    t.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(functionEnv(t).API_KEY_SECRET_ARN).toBe(SECRET);
    expect(keyStatements(t)).toEqual([{ action: 'secretsmanager:GetSecretValue', resource: SECRET }]);
    t.hasOutput('ApiKeySecretArn', { Value: SECRET });
    t.hasOutput('ApiKeyCommand', { Value: { 'Fn::Join': ['', ['aws secretsmanager get-secret-value --region ', { Ref: 'AWS::Region' }, ` --secret-id ${SECRET} --query SecretString --output text`]] } });
  });

  it('matches the random suffix of a partial ARN and decrypts a customer managed key only via Secrets Manager', () => {
    const t = synth({ ...PLAIN_HTTP, apiKeySecretArn: PARTIAL_SECRET, apiKeyKmsKeyArn: KMS }).template;
    expect(keyStatements(t)).toEqual([
      { action: 'secretsmanager:GetSecretValue', resource: `${PARTIAL_SECRET}-??????` },
      { action: 'kms:Decrypt', resource: KMS, viaService: 'secretsmanager.${AWS::Region}.${AWS::URLSuffix}' },
    ]);
  });
});

describe('API key from an SSM SecureString parameter', () => {
  it('reads exactly that parameter (ssm:GetParameter), with kms:Decrypt via SSM when a key is given', () => {
    const t = synth({ target: 'lambda-url', apiKeyParamName: '/gateway/api-key', apiKeyKmsKeyArn: KMS }).template;
    t.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(functionEnv(t)).toMatchObject({ API_KEY_PARAM_NAME: '/gateway/api-key' });
    expect(functionEnv(t).API_KEY_SECRET_ARN).toBeUndefined();
    expect(keyStatements(t)).toEqual([
      { action: 'ssm:GetParameter', resource: 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/gateway/api-key' },
      { action: 'kms:Decrypt', resource: KMS, viaService: 'ssm.${AWS::Region}.${AWS::URLSuffix}' },
    ]);
    t.hasOutput('ApiKeyParameterName', { Value: '/gateway/api-key' });
    t.hasOutput('ApiKeyCommand', { Value: { 'Fn::Join': ['', ['aws ssm get-parameter --region ', { Ref: 'AWS::Region' }, ' --name /gateway/api-key --with-decryption --query Parameter.Value --output text']] } });
  });

  it('grants no KMS permission when the parameter uses the AWS managed key', () => {
    const t = synth({ ...PLAIN_HTTP, apiKeyParamName: 'gateway-api-key' }).template;
    expect(keyStatements(t)).toEqual([{ action: 'ssm:GetParameter', resource: 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/gateway-api-key' }]);
  });
});

describe('API key on Fargate from an existing secret', () => {
  it('names the secret to the server and lets only the task role read it (every secret format works, rotation needs no redeploy)', () => {
    const t = synth({ ...PLAIN_HTTP, target: 'fargate', apiKeySecretArn: SECRET }).template;
    const container = resourceOfType(t, 'AWS::ECS::TaskDefinition').Properties.ContainerDefinitions[0];
    expect(container.Secrets).toBeUndefined();
    expect(container.Environment).toEqual(expect.arrayContaining([{ Name: 'API_KEY_SECRET_ARN', Value: SECRET }]));
    const readers = Object.entries(t.findResources('AWS::IAM::Policy')).filter(([, p]) => JSON.stringify(p).includes('secretsmanager:'));
    expect(readers.map(([, p]) => p.Properties.Roles)).toEqual([[{ Ref: expect.stringMatching(/^FargateTaskTaskRole/) }]]);
  });
});
