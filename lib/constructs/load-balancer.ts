import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { DomainConfig } from '../config';

export interface LoadBalancerProps {
  readonly vpc: ec2.IVpc;
  /** Subnets for the load balancer nodes (public ones unless internal). */
  readonly subnets: ec2.SubnetSelection;
  /**
   * ACM certificate for HTTPS on 443; HTTP on 80 then only redirects.
   * @default - plain HTTP on port 80
   */
  readonly certificateArn?: string;
  /**
   * A name in a Route 53 hosted zone: the construct creates its ACM certificate (validated through DNS records
   * in that zone) and an alias record pointing the name at the load balancer.
   * @default - none
   */
  readonly domain?: DomainConfig;
  /**
   * Client CIDR blocks allowed to connect.
   * @default ['0.0.0.0/0']
   */
  readonly allowedCidrs?: readonly string[];
  /**
   * An internal load balancer, reachable only from inside the VPC (and peered networks).
   * @default false
   */
  readonly internal?: boolean;
  /**
   * Seconds a connection may stay silent: long enough for a long generation.
   * @default 900
   */
  readonly idleTimeoutSeconds?: number;
  /**
   * Write access logs to a new S3 bucket (needs a known Region).
   * @default false
   */
  readonly accessLogs?: boolean;
}

/** The Application Load Balancer in front of a Lambda function or a Fargate service. */
export class LoadBalancer extends Construct {
  readonly alb: elbv2.ApplicationLoadBalancer;
  /** The listener that forwards to the gateway (HTTPS when a certificate was given). */
  readonly listener: elbv2.ApplicationListener;
  /** http:// or https:// followed by the load balancer's DNS name. */
  readonly origin: string;
  readonly accessLogBucket?: s3.Bucket;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const allowedCidrs = props.allowedCidrs ?? ['0.0.0.0/0'];
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Bedrock gateway load balancer',
      // Egress to the targets is added by the target group wiring; nothing else is needed.
      allowAllOutbound: false,
    });
    const zone = props.domain && route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: props.domain.hostedZoneId, zoneName: props.domain.hostedZoneName });
    const certificateArn =
      props.certificateArn ??
      (props.domain && zone
        ? new acm.Certificate(this, 'Certificate', { domainName: props.domain.domainName, validation: acm.CertificateValidation.fromDns(zone) }).certificateArn
        : undefined);
    const ports = certificateArn ? [80, 443] : [80];
    for (const cidr of allowedCidrs) {
      for (const port of ports) securityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(port), `API clients (${cidr})`);
    }
    if (allowedCidrs.includes('0.0.0.0/0')) {
      Validations.of(securityGroup).acknowledge({
        id: 'AwsSolutions-EC23',
        reason:
          'A public API endpoint by design: every request must carry the gateway API key. Restrict with -c allowedCidrs=... or -c internal=true.',
      });
    }

    this.alb = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      internetFacing: !(props.internal ?? false),
      securityGroup,
      idleTimeout: Duration.seconds(props.idleTimeoutSeconds ?? 900),
      dropInvalidHeaderFields: true,
      http2Enabled: true,
    });

    if (props.accessLogs) {
      this.accessLogBucket = new s3.Bucket(this, 'AccessLogs', {
        // ALB log delivery only supports SSE-S3.
        encryption: s3.BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        lifecycleRules: [{ expiration: Duration.days(90) }],
        // Logs are audit data, and a non-empty bucket would make `cdk destroy` fail: keep it on delete.
        removalPolicy: RemovalPolicy.RETAIN,
      });
      Validations.of(this.accessLogBucket).acknowledge({
        id: 'AwsSolutions-S1',
        reason: 'This bucket is itself the access-log destination of the load balancer; logging its own access to another bucket adds cost without audit value.',
      });
      this.alb.logAccessLogs(this.accessLogBucket, 'alb');
    } else {
      Validations.of(this.alb).acknowledge({
        id: 'AwsSolutions-ELB2',
        reason: 'Access logs are opt-in (-c accessLogs=true) because of their S3 cost; the gateway already logs every request to CloudWatch Logs.',
      });
    }

    if (certificateArn) {
      this.listener = this.alb.addListener('Https', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [elbv2.ListenerCertificate.fromArn(certificateArn)],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        open: false,
      });
      this.alb.addListener('HttpRedirect', {
        port: 80,
        protocol: elbv2.ApplicationProtocol.HTTP,
        open: false,
        defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
      });
    } else {
      this.listener = this.alb.addListener('Http', { port: 80, protocol: elbv2.ApplicationProtocol.HTTP, open: false });
    }
    if (props.domain && zone) {
      new route53.ARecord(this, 'Alias', { zone, recordName: props.domain.domainName, target: route53.RecordTarget.fromAlias(new route53Targets.LoadBalancerTarget(this.alb)) });
    }
    this.origin = `${certificateArn ? 'https' : 'http'}://${props.domain?.domainName ?? this.alb.loadBalancerDnsName}`;
  }
}
