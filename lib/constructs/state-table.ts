import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../../lambda/src/store/table-schema';

export interface StateTableProps {
  /**
   * Continuous backups (point-in-time recovery, 35 days). They also keep deleted responses restorable for
   * that long, so they are off unless asked for.
   * @default false
   */
  readonly pointInTimeRecovery?: boolean;
  /**
   * What happens to the table and its data when the stack is deleted (or the table replaced).
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy.DESTROY | RemovalPolicy.RETAIN;
}

/**
 * The gateway's state in one DynamoDB table (single-table design, key schema in
 * lambda/src/store/table-schema.ts): stored Responses, and managed keys with their rate windows and usage. On-demand billing, since
 * traffic follows the clients; expired records removed by DynamoDB's TTL; encrypted at rest with the AWS
 * managed key `aws/dynamodb`, which unlike the default AWS owned key shows each use in CloudTrail, at no
 * monthly cost and with no key policy for the stack to manage.
 */
export class StateTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: StateTableProps = {}) {
    super(scope, id);
    const pointInTimeRecovery = props.pointInTimeRecovery ?? false;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_SCHEMA.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_SCHEMA.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TABLE_SCHEMA.ttlAttribute,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: pointInTimeRecovery },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    if (!pointInTimeRecovery) {
      Validations.of(this.table).acknowledge({
        id: 'AwsSolutions-DDB3',
        reason:
          'Point-in-time recovery is a context option (storePointInTimeRecovery), off by default: the table holds copies of conversations that expire after responseTtlDays and that clients can delete, and 35 days of continuous backups would keep deleted responses restorable.',
      });
    }
  }

  /**
   * What the gateway's stores call (lambda/src/aws/dynamodb.ts), on this table only: no Scan, no other table
   * or index. UpdateItem (atomic counters: rate windows, usage; key updates) only with managed keys. A policy
   * of its own, so the grant reads as one statement in the template.
   */
  grantResponseStore(role: iam.IRole, options: { readonly managedKeys?: boolean } = {}): iam.Policy {
    const policy = new iam.Policy(this, 'ResponseStoreAccess', {
      statements: [
        new iam.PolicyStatement({
          sid: 'ResponseStore',
          actions: [
            'dynamodb:GetItem',
            'dynamodb:Query',
            'dynamodb:PutItem',
            'dynamodb:DeleteItem',
            'dynamodb:BatchWriteItem',
            ...(options.managedKeys ? ['dynamodb:UpdateItem'] : []),
          ],
          resources: [this.table.tableArn],
        }),
      ],
    });
    policy.attachToRole(role);
    return policy;
  }
}
