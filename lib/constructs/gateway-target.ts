import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';

/**
 * What the stack needs from whichever target serves the gateway (LambdaTarget, FunctionUrlTarget,
 * FargateTarget), so that each run-time permission is granted once, in the stack, for every target. Every target's
 * code reads the API key itself at run time, so the role is also what reads the key.
 */
export interface GatewayTarget {
  /**
   * The role the gateway code runs as: the function's role, or the Fargate task role. Grant it what the
   * handler calls at run time, e.g. `table.grantReadWriteData(target.role)`.
   */
  readonly role: iam.IRole;
  /** Where the gateway code logs (its access log and its EMF metrics): what the monitoring reads. */
  readonly logGroup: logs.ILogGroup;
}
