import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { GatewayFunction, GatewayFunctionProps } from './gateway-function';
import type { GatewayTarget } from './gateway-target';

export type FunctionUrlTargetProps = Omit<GatewayFunctionProps, 'entry'>;

/**
 * The handler behind a Lambda Function URL that streams responses (RESPONSE_STREAM). No VPC and no load
 * balancer. The URL itself is public (auth NONE): the gateway checks the API key on every request.
 */
export class FunctionUrlTarget extends Construct implements GatewayTarget {
  readonly gateway: GatewayFunction;
  readonly functionUrl: lambda.FunctionUrl;
  /** The function's role. */
  readonly role: iam.IRole;
  readonly logGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: FunctionUrlTargetProps) {
    super(scope, id);
    this.gateway = new GatewayFunction(this, 'Gateway', { ...props, entry: 'lambda/src/runtime/lambda/stream.ts' });
    this.role = this.gateway.role;
    this.logGroup = this.gateway.logGroup;
    this.functionUrl = this.gateway.function.addFunctionUrl({
      authType: lambda.FunctionUrlAuthType.NONE,
      invokeMode: lambda.InvokeMode.RESPONSE_STREAM,
    });
  }
}
