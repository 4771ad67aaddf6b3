import { CfnResource, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { NetworkConfig } from '../config';

export interface NetworkProps {
  /** Which of the three network shapes to build or import. */
  readonly network: NetworkConfig;
  /**
   * Availability Zones for new subnets, in order.
   * @default - the Region's first AZs, resolved at deploy time (Fn::GetAZs), so synth needs no lookup
   */
  readonly availabilityZones?: readonly string[];
  /**
   * Retention of the VPC flow log (new VPCs only).
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The VPC and public subnets that hold the load balancer (and Fargate tasks). Nothing here looks anything
 * up at synth time: imported VPCs and subnets are described by their ids only.
 */
export class Network extends Construct {
  readonly vpc: ec2.IVpc;
  /** Subnets for the load balancer: public ones, or the private ones of a VPC without internet access. */
  readonly publicSubnets: ec2.SubnetSelection;
  /** Subnets for Fargate tasks: public ones unless NAT gateways were asked for. */
  readonly taskSubnets: ec2.SubnetSelection;
  /** Tasks in public subnets need a public IP to reach Bedrock and ECR without a NAT gateway. */
  readonly assignPublicIp: boolean;
  /** Private subnets without internet access, whose tasks need VPC endpoints (addEndpoints). */
  private readonly privateEndpoints: boolean = false;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { network } = props;
    if (props.availabilityZones) {
      Validations.of(this).acknowledge({
        id: 'CloudFormation-Validate::W3010',
        reason: 'The operator listed these Availability Zones (availabilityZones context) on purpose, e.g. to match existing subnets.',
      });
    }
    const azs = (count: number) => props.availabilityZones?.slice(0, count) ?? Array.from({ length: count }, (_, i) => Fn.select(i, Fn.getAzs()));

    switch (network.kind) {
      case 'new-vpc': {
        const flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
          retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        });
        const subnetConfiguration: ec2.SubnetConfiguration[] = [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false }];
        if (network.natGateways > 0) subnetConfiguration.push({ name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 });
        const vpc = new ec2.Vpc(this, 'Vpc', {
          ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
          availabilityZones: azs(props.availabilityZones?.length ?? 2),
          natGateways: network.natGateways,
          subnetConfiguration,
          flowLogs: { all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup), trafficType: ec2.FlowLogTrafficType.ALL } },
        });
        this.vpc = vpc;
        this.ownCustomResourceLogs(vpc, props.logRetention ?? logs.RetentionDays.ONE_MONTH);
        this.publicSubnets = { subnetType: ec2.SubnetType.PUBLIC };
        this.assignPublicIp = network.natGateways === 0;
        this.taskSubnets = this.assignPublicIp ? this.publicSubnets : { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
        return;
      }
      case 'private-subnets': {
        const zones = azs(network.privateSubnetIds.length);
        this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', { vpcId: network.vpcId, availabilityZones: zones });
        const subnets = network.privateSubnetIds.map((subnetId, i) => {
          const subnet = ec2.Subnet.fromSubnetAttributes(this, `PrivateSubnet${i}`, { subnetId, availabilityZone: props.availabilityZones?.[i], routeTableId: network.routeTableId });
          if (!network.routeTableId) {
            Validations.of(subnet).acknowledge({
              id: 'Annotation::@aws-cdk/aws-ec2:noSubnetRouteTableId',
              reason: 'Without routeTableId the stack adds no gateway endpoint, so it never reads the subnets\' route tables.',
            });
          }
          return subnet;
        });
        this.publicSubnets = { subnets };
        this.taskSubnets = this.publicSubnets;
        this.assignPublicIp = false;
        this.privateEndpoints = network.endpoints;
        return;
      }
      case 'existing-subnets': {
        const zones = azs(network.publicSubnetIds.length);
        this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', { vpcId: network.vpcId, availabilityZones: zones });
        const subnets = network.publicSubnetIds.map((subnetId, i) => {
          const subnet = ec2.Subnet.fromSubnetAttributes(this, `PublicSubnet${i}`, { subnetId, availabilityZone: props.availabilityZones?.[i] });
          Validations.of(subnet).acknowledge({
            id: 'Annotation::@aws-cdk/aws-ec2:noSubnetRouteTableId',
            reason: 'The stack only places resources in existing subnets; it never reads or changes their route tables.',
          });
          return subnet;
        });
        this.publicSubnets = { subnets };
        this.taskSubnets = this.publicSubnets;
        this.assignPublicIp = true;
        return;
      }
      case 'new-subnets': {
        const zones = azs(network.subnetCidrs.length);
        this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', { vpcId: network.vpcId, availabilityZones: zones });
        const { routeTableId } = network;
        const subnets = network.subnetCidrs.map((cidrBlock, i) => {
          if (routeTableId) {
            // The operator's route table already routes to the internet gateway and to peered or on-premises
            // networks; a new table would only know 0.0.0.0/0, so answers to those clients would go astray.
            const cfn = new ec2.CfnSubnet(this, `PublicSubnet${i}`, { vpcId: network.vpcId, availabilityZone: zones[i], cidrBlock, mapPublicIpOnLaunch: false });
            new ec2.CfnSubnetRouteTableAssociation(this, `PublicSubnet${i}RouteTable`, { subnetId: cfn.ref, routeTableId });
            return ec2.Subnet.fromSubnetAttributes(this, `PublicSubnet${i}Ref`, { subnetId: cfn.ref, availabilityZone: zones[i], routeTableId });
          }
          const subnet = new ec2.PublicSubnet(this, `PublicSubnet${i}`, {
            vpcId: network.vpcId,
            availabilityZone: zones[i],
            cidrBlock,
            mapPublicIpOnLaunch: false,
          });
          // The gateway already exists and is attached to the VPC, so there is no attachment to wait for.
          subnet.addRoute('DefaultRoute', {
            routerType: ec2.RouterType.GATEWAY,
            routerId: network.internetGatewayId,
            destinationCidrBlock: '0.0.0.0/0',
            enablesInternetConnectivity: true,
          });
          return subnet;
        });
        this.publicSubnets = { subnets };
        this.taskSubnets = this.publicSubnets;
        this.assignPublicIp = true;
        return;
      }
    }
  }

  /**
   * In private subnets without internet access, the endpoints of every AWS API a Fargate task calls: Bedrock
   * (runtime and control plane), its API key source, CloudWatch Logs, ECR (API and registry), and gateway
   * endpoints for S3 (ECR's image layers) and DynamoDB (the response store). Only `clients` may connect to the
   * interface endpoints. Nothing is added in the other network shapes, or with vpcEndpoints=false.
   */
  addEndpoints(clients: ec2.IConnectable, keyService: 'secretsmanager' | 'ssm'): void {
    if (!this.privateEndpoints) return;
    const interfaces: [string, ec2.InterfaceVpcEndpointAwsService][] = [
      ['BedrockRuntime', ec2.InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME],
      ['Bedrock', ec2.InterfaceVpcEndpointAwsService.BEDROCK],
      keyService === 'ssm' ? ['Ssm', ec2.InterfaceVpcEndpointAwsService.SSM] : ['SecretsManager', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
      ['Logs', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS],
      ['EcrApi', ec2.InterfaceVpcEndpointAwsService.ECR],
      ['EcrDocker', ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER],
    ];
    for (const [id, service] of interfaces) {
      const endpoint = new ec2.InterfaceVpcEndpoint(this, `${id}Endpoint`, { vpc: this.vpc, service, subnets: this.taskSubnets, privateDnsEnabled: true, open: false });
      endpoint.connections.allowDefaultPortFrom(clients, 'Gateway tasks');
    }
    for (const [id, service] of [['S3', ec2.GatewayVpcEndpointAwsService.S3], ['DynamoDb', ec2.GatewayVpcEndpointAwsService.DYNAMODB]] as const) {
      new ec2.GatewayVpcEndpoint(this, `${id}Endpoint`, { vpc: this.vpc, service, subnets: [this.taskSubnets] });
    }
  }

  /**
   * The function behind the VPC's restrict-default-security-group custom resource would create its log group
   * on first run, outside the stack, and leave it behind after `cdk destroy`. Creating the group in the stack
   * first (the custom resource waits for it) gives it a retention and deletes it with the stack.
   */
  private ownCustomResourceLogs(vpc: ec2.Vpc, retention: logs.RetentionDays): void {
    const customResource = vpc.node.tryFindChild('RestrictDefaultSecurityGroupCustomResource');
    const handler = Stack.of(this).node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider')?.node.tryFindChild('Handler') as CfnResource | undefined;
    if (!customResource || !handler) return;
    const logGroup = new logs.LogGroup(this, 'CustomResourceLogs', {
      logGroupName: Fn.join('', ['/aws/lambda/', handler.ref]),
      retention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    customResource.node.addDependency(logGroup);
  }
}

