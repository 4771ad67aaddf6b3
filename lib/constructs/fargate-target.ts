import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IgnoreMode } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ENV } from '../../lambda/src/env-names';
import type { FargateDrain, FargateSizing } from '../config';
import type { HandlerEnvironment } from '../environment';
import { REPO_ROOT } from './gateway-function';
import type { GatewayTarget } from './gateway-target';

/** The port the Node server listens on inside the container. */
export const CONTAINER_PORT = 8000;

/**
 * Kept out of the image build context (on top of .dockerignore) so that staging the asset copies only the
 * sources the Dockerfile needs.
 */
export const IMAGE_EXCLUDES = ['node_modules', 'cdk.out', '.git', 'test', 'bench', 'coverage', 'dist', 'docs', 'emulator', 'scripts', '!scripts/lazy-modules.cjs', '!scripts/bundle-server.cjs'];

/** Health probe run inside the container; Node 22 has fetch, so the image needs no curl. */
const HEALTH_PROBE = `fetch('http://127.0.0.1:${CONTAINER_PORT}/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`;

export interface FargateTargetProps {
  readonly vpc: ec2.IVpc;
  /** Subnets for the tasks. */
  readonly subnets: ec2.SubnetSelection;
  /** Give tasks a public IP (public subnets without NAT). */
  readonly assignPublicIp: boolean;
  /** The load balancer listener that forwards every request to the service. */
  readonly listener: elbv2.ApplicationListener;
  /** Task size and scaling bounds. */
  readonly sizing: FargateSizing;
  /** Environment for the server (models, flags). */
  readonly environment: HandlerEnvironment;
  /** Where the server reads the API key at run time (API_KEY_SECRET_ARN or API_KEY_PARAM_NAME), as on Lambda. */
  readonly apiKeyEnvironment: HandlerEnvironment;
  /** The load balancer's idle timeout: the server keeps idle connections open longer. */
  readonly idleTimeoutSeconds: number;
  /** How long a stopping task keeps serving its in-flight requests. */
  readonly drain: FargateDrain;
  /**
   * Log retention.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Requests per task per minute above which the service scales out.
   * @default 600
   */
  readonly requestsPerTarget?: number;
}

/** Seconds past the load balancer's idle timeout that the server keeps an idle connection open. */
export const KEEP_ALIVE_MARGIN_SECONDS = 5;

/** The server's keep-alive timeout for a load balancer idle timeout: always the longer of the two. */
export function keepAliveTimeoutSeconds(idleTimeoutSeconds: number): number {
  return idleTimeoutSeconds + KEEP_ALIVE_MARGIN_SECONDS;
}

/** Seconds the server leaves itself, out of stopTimeout, to log and exit before ECS sends SIGKILL. */
const EXIT_MARGIN_SECONDS = 5;

/** The server's drain grace after SIGTERM: all of stopTimeout but the time it needs to exit cleanly. */
export function shutdownGraceMs(drain: FargateDrain): number {
  return (drain.stopTimeoutSeconds - EXIT_MARGIN_SECONDS) * 1000;
}

/** The Node server from the repository's Dockerfile as an arm64 Fargate service behind the load balancer. */
export class FargateTarget extends Construct implements GatewayTarget {
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The task role: what the server's own AWS calls run as. */
  readonly role: iam.IRole;
  readonly logGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: FargateTargetProps) {
    super(scope, id);
    const { sizing } = props;
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc: props.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: sizing.cpu,
      memoryLimitMiB: sizing.memory,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.ARM64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    this.role = this.taskDefinition.taskRole;
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'The plain environment holds only non-secret settings (model ids, feature flags, port) and the location of the API key, which the server reads at run time with the task role.',
    });

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.logGroup = logGroup;
    this.taskDefinition.addContainer('Gateway', {
      image: ecs.ContainerImage.fromAsset(REPO_ROOT, {
        file: 'Dockerfile',
        platform: Platform.LINUX_ARM64,
        exclude: IMAGE_EXCLUDES,
        ignoreMode: IgnoreMode.DOCKER,
      }),
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'gateway', logGroup }),
      environment: {
        ...props.environment,
        ...props.apiKeyEnvironment,
        [ENV.PORT]: String(CONTAINER_PORT),
        // The EMF metric lines the dashboard reads (on by default only in Lambda); awslogs ships them as-is.
        [ENV.METRICS_ENABLED]: 'true',
        [ENV.KEEP_ALIVE_TIMEOUT_SECONDS]: String(keepAliveTimeoutSeconds(props.idleTimeoutSeconds)),
        [ENV.SHUTDOWN_GRACE_MS]: String(shutdownGraceMs(props.drain)),
      },
      portMappings: [{ containerPort: CONTAINER_PORT }],
      healthCheck: {
        command: ['CMD', 'node', '-e', HEALTH_PROBE],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(15),
      },
      readonlyRootFilesystem: true,
      // SIGTERM comes after the target group has drained for deregistrationDelay; the server then has this long.
      stopTimeout: Duration.seconds(props.drain.stopTimeoutSeconds),
    });

    // Tasks call AWS APIs and fetch https image URLs over 443, and http image URLs over 80. The VPC's own
    // resolver is not subject to security groups, but a VPC whose DHCP options name other DNS servers is.
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Bedrock gateway tasks',
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'AWS APIs and https image URLs');
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'http image URLs');
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.udp(53), 'DNS servers set by the VPC DHCP options');
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(53), 'DNS servers set by the VPC DHCP options (TCP)');

    this.service = new ecs.FargateService(this, 'Service', {
      cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: sizing.desiredCount,
      assignPublicIp: props.assignPublicIp,
      vpcSubnets: props.subnets,
      securityGroups: [securityGroup],
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      healthCheckGracePeriod: Duration.seconds(60),
    });

    this.targetGroup = props.listener.addTargets('Fargate', {
      port: CONTAINER_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.service],
      healthCheck: { path: '/health', healthyHttpCodes: '200', interval: Duration.seconds(15), healthyThresholdCount: 2 },
      // In-flight streams keep running while the target drains; only after this does ECS send SIGTERM.
      deregistrationDelay: Duration.seconds(props.drain.deregistrationDelaySeconds),
    });

    const scaling = this.service.autoScaleTaskCount({ minCapacity: sizing.desiredCount, maxCapacity: sizing.maxCount });
    scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
    scaling.scaleOnRequestCount('Requests', { requestsPerTarget: props.requestsPerTarget ?? 600, targetGroup: this.targetGroup });

    const executionPolicy = this.taskDefinition.executionRole?.node.tryFindChild('DefaultPolicy');
    if (executionPolicy) {
      Validations.of(executionPolicy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ecr:GetAuthorizationToken, needed to pull the image, supports no resource-level permissions; the pull actions themselves are scoped to the asset repository.',
      });
    }
  }
}
