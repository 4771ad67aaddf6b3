import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { GatewayFunction, GatewayFunctionProps } from './gateway-function';
import type { GatewayTarget } from './gateway-target';

export interface LambdaTargetProps extends Omit<GatewayFunctionProps, 'entry'> {
  /** The load balancer listener that forwards every request to the function. */
  readonly listener: elbv2.ApplicationListener;
}

/**
 * The handler behind the load balancer. An ALB cannot stream a Lambda response (it buffers it, up to
 * 1 MB), so `stream: true` requests get their whole SSE body at once; the other targets stream.
 */
export class LambdaTarget extends Construct implements GatewayTarget {
  readonly gateway: GatewayFunction;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The function's role. */
  readonly role: iam.IRole;
  /** The handler reads the key at run time from the location in its environment. */
  readonly readsApiKey = true;

  constructor(scope: Construct, id: string, props: LambdaTargetProps) {
    super(scope, id);
    const { listener, ...functionProps } = props;
    this.gateway = new GatewayFunction(this, 'Gateway', { ...functionProps, entry: 'lambda/src/runtime/lambda/alb.ts' });
    this.role = this.gateway.role;
    this.targetGroup = listener.addTargets('Lambda', { targets: [new targets.LambdaTarget(this.gateway.function)] });
  }
}
