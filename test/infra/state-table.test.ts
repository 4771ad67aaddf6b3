/**
 * The response table: what the stack creates, that the handler is told its name, and that the role the
 * gateway runs as may call exactly what the store calls, on that table only.
 */
import { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { TABLE_SCHEMA } from '../../lambda/src/store/table-schema';
import { PLAIN_HTTP, renderArn, resourceOfType, synth, type Synthesized } from './synth';

/** The gateway code's environment: the function's, or the container's. */
function handlerEnv(template: Template): Record<string, unknown> {
  const fns = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: 'OpenAI-compatible API gateway for Amazon Bedrock' } }));
  if (fns.length === 1) return fns[0].Properties.Environment.Variables;
  const [container] = resourceOfType(template, 'AWS::ECS::TaskDefinition').Properties.ContainerDefinitions;
  return Object.fromEntries(container.Environment.map((v: { Name: string; Value: unknown }) => [v.Name, v.Value]));
}

/** Every statement of every policy in the template that names a DynamoDB action, with the roles it is attached to. */
function dynamoStatements(template: Template): { roles: string[]; actions: string[]; resources: string[] }[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as { Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } } }[];
  const list = (v: unknown) => (Array.isArray(v) ? v : [v]);
  return policies.flatMap((p) =>
    p.Properties.PolicyDocument.Statement.filter((s) => list(s.Action).some((a) => String(a).startsWith('dynamodb:'))).map((s) => ({
      roles: p.Properties.Roles.map((r) => r.Ref),
      actions: list(s.Action).map(String).sort(),
      resources: list(s.Resource).map(renderArn),
    })),
  );
}

const roleId = ({ stack }: Synthesized) => stack.getLogicalId(stack.target.role.node.defaultChild as CfnElement);
const tableId = ({ stack }: Synthesized) => stack.getLogicalId(stack.stateTable!.table.node.defaultChild as CfnElement);

describe('the response table', () => {
  let lambda: Synthesized;
  beforeAll(() => {
    lambda = synth(PLAIN_HTTP);
  });

  it('has the key schema the store uses, on-demand billing, TTL and encryption with the AWS managed key', () => {
    const table = resourceOfType(lambda.template, 'AWS::DynamoDB::Table');
    expect(table.Properties).toEqual({
      KeySchema: [
        { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: TABLE_SCHEMA.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLE_SCHEMA.sortKey, AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true },
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
    });
    lambda.template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    lambda.template.hasOutput('StateTableName', { Value: { Ref: tableId(lambda) } });
  });

  it.each([['lambda'], ['lambda-url'], ['fargate']])('target=%s: the handler gets its name and its role exactly the store calls on it', (target) => {
    const s = target === 'lambda' ? lambda : synth({ ...PLAIN_HTTP, target });
    expect(handlerEnv(s.template)).toMatchObject({ RESPONSE_STORE: 'dynamodb', STORE_TABLE_NAME: { Ref: tableId(s) }, RESPONSE_TTL_DAYS: '30', MANAGED_KEYS: 'true', KEY_CACHE_SECONDS: '5' });
    expect(dynamoStatements(s.template)).toEqual([
      {
        roles: [roleId(s)],
        actions: ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
        resources: [`\${${tableId(s)}.Arn}`],
      },
    ]);
  });

  it('managedKeys=false: no UpdateItem (the response store never updates in place), and the handler told so', () => {
    const s = synth({ ...PLAIN_HTTP, managedKeys: 'false' });
    expect(dynamoStatements(s.template)[0].actions).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
    const env = handlerEnv(s.template);
    expect(env.MANAGED_KEYS).toBe('false');
    expect(env).not.toHaveProperty('KEY_CACHE_SECONDS');
  });

  it('passes the key cache and the price table to the handler', () => {
    const prices = JSON.stringify({ 'anthropic.claude-3-5-haiku*': { input: 0.8, output: 4 } });
    const s = synth({ ...PLAIN_HTTP, keyCacheSeconds: 2, modelPrices: prices });
    expect(handlerEnv(s.template)).toMatchObject({ KEY_CACHE_SECONDS: '2', MODEL_PRICES: prices });
  });

  it('takes retention, point-in-time recovery and the removal policy from context', () => {
    const { template } = synth({ ...PLAIN_HTTP, responseTtlDays: 7, storePointInTimeRecovery: 'true', storeRemovalPolicy: 'retain' });
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
    });
    expect(handlerEnv(template)).toMatchObject({ RESPONSE_TTL_DAYS: '7' });
  });

  it.each([['lambda'], ['fargate']])('target=%s, responseStore=none: no table, no grant, and the handler told to store nothing', (target) => {
    const { stack, template } = synth({ ...PLAIN_HTTP, target, responseStore: 'none' });
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(stack.stateTable).toBeUndefined();
    expect(dynamoStatements(template)).toEqual([]);
    const env = handlerEnv(template);
    expect(env.RESPONSE_STORE).toBe('none');
    expect(env).not.toHaveProperty('STORE_TABLE_NAME');
  });
});
