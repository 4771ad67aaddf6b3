import type * as iam from 'aws-cdk-lib/aws-iam';

/**
 * What the stack needs from whichever target serves the gateway (LambdaTarget, FunctionUrlTarget,
 * FargateTarget), so that each run-time permission is granted once, in the stack, for every target.
 */
export interface GatewayTarget {
  /**
   * The role the gateway code runs as: the function's role, or the Fargate task role. Grant it what the
   * handler calls at run time, e.g. `table.grantReadWriteData(target.role)`.
   */
  readonly role: iam.IRole;
  /**
   * True when the handler reads the API key itself at run time, so `role` needs read access to it (the
   * Lambda targets). False when the platform injects the key before the code starts (Fargate: ECS reads it
   * with the task's execution role, and the task role gets no access).
   */
  readonly readsApiKey: boolean;
}
