import { Aws, Stack } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { GatewayFunction, GatewayFunctionProps } from './gateway-function';
import type { GatewayTarget } from './gateway-target';

export interface LambdaTargetProps extends Omit<GatewayFunctionProps, 'entry'> {
  /** The load balancer listener that forwards every request to the function. */
  readonly listener: elbv2.ApplicationListener;
}

/**
 * The target group's name: fixed, so that the function's invoke permission can name the target group in its
 * source ARN before the target group exists (the group's registration needs the permission first).
 */
export function lambdaTargetGroupName(stackName: string): string {
  const base = stackName.replace(/[^A-Za-z0-9-]/g, '').slice(0, 24).replace(/-+$/, '');
  return `${base}-gateway`;
}

/**
 * The function as an ALB target whose invoke permission is limited to its own target group (the stock
 * LambdaTarget lets any target group of any account's load balancer invoke it).
 */
class FunctionTarget implements elbv2.IApplicationLoadBalancerTarget {
  constructor(
    private readonly fn: lambda.IFunction,
    private readonly targetGroupName: string,
  ) {}

  attachToApplicationTargetGroup(targetGroup: elbv2.IApplicationTargetGroup): elbv2.LoadBalancerTargetProps {
    // A target group ARN ends in an id ELB picks; Lambda matches SourceArn with ArnLike, so "*" stands for it.
    const sourceArn = `arn:${Aws.PARTITION}:elasticloadbalancing:${Aws.REGION}:${Aws.ACCOUNT_ID}:targetgroup/${this.targetGroupName}/*`;
    const principal = new iam.ServicePrincipal('elasticloadbalancing.amazonaws.com').withConditions({ ArnLike: { 'aws:SourceArn': sourceArn } });
    this.fn.grantInvoke(principal).applyBefore(targetGroup);
    return { targetType: elbv2.TargetType.LAMBDA, targetJson: { id: this.fn.functionArn } };
  }
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
  readonly logGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: LambdaTargetProps) {
    super(scope, id);
    const { listener, ...functionProps } = props;
    this.gateway = new GatewayFunction(this, 'Gateway', { ...functionProps, entry: 'lambda/src/runtime/lambda/alb.ts' });
    this.role = this.gateway.role;
    this.logGroup = this.gateway.logGroup;
    const targetGroupName = lambdaTargetGroupName(Stack.of(this).stackName);
    this.targetGroup = listener.addTargets('Lambda', { targetGroupName, targets: [new FunctionTarget(this.gateway.function, targetGroupName)] });
  }
}
