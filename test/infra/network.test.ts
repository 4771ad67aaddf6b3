import { Match, Template } from 'aws-cdk-lib/assertions';
import { PLAIN_HTTP, renderArn, resourceOfType, synth } from './synth';

const VPC = 'vpc-0123456789abcdef0';
const IGW = 'igw-0123456789abcdef0';

describe('network: new VPC (no vpcId)', () => {
  let t: Template;
  beforeAll(() => {
    t = synth(PLAIN_HTTP).template;
  });

  it('spans two AZs with public subnets only, no NAT gateway, and flow logs with retention', () => {
    t.resourceCountIs('AWS::EC2::VPC', 1);
    t.resourceCountIs('AWS::EC2::Subnet', 2);
    t.resourceCountIs('AWS::EC2::NatGateway', 0);
    t.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }, MapPublicIpOnLaunch: false });
    t.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: { 'Fn::Select': [1, { 'Fn::GetAZs': '' }] } });
    t.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('keeps the Lambda function outside the VPC', () => {
    const fn = resourceOfType(t, 'AWS::Lambda::Function', { Description: 'OpenAI-compatible API gateway for Amazon Bedrock' });
    expect(fn.Properties.VpcConfig).toBeUndefined();
  });
});

describe('network: existing VPC and public subnets', () => {
  it('uses the given subnets for the ALB and creates no network resources', () => {
    const t = synth({ ...PLAIN_HTTP, vpcId: VPC, publicSubnetIds: 'subnet-0123456789abcdef0,subnet-0123456789abcdef1' }).template;
    for (const type of ['AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::RouteTable', 'AWS::EC2::Route', 'AWS::EC2::InternetGateway']) t.resourceCountIs(type, 0);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Subnets: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'] });
    t.hasResourceProperties('AWS::EC2::SecurityGroup', { VpcId: VPC });
  });
});

describe('network: new subnets in an existing VPC, routed to its internet gateway', () => {
  let t: Template;
  beforeAll(() => {
    t = synth({ ...PLAIN_HTTP, target: 'fargate', vpcId: VPC, internetGatewayId: IGW, subnetCidrs: '10.20.0.0/24,10.20.1.0/24,10.20.2.0/24' }).template;
  });

  it('creates one subnet per CIDR in the VPC, each in its own AZ', () => {
    t.resourceCountIs('AWS::EC2::Subnet', 3);
    ['10.20.0.0/24', '10.20.1.0/24', '10.20.2.0/24'].forEach((cidr, i) => {
      t.hasResourceProperties('AWS::EC2::Subnet', { VpcId: VPC, CidrBlock: cidr, AvailabilityZone: { 'Fn::Select': [i, { 'Fn::GetAZs': '' }] } });
    });
    t.resourceCountIs('AWS::EC2::VPC', 0);
    t.resourceCountIs('AWS::EC2::InternetGateway', 0);
  });

  it('routes 0.0.0.0/0 of each subnet route table to the existing internet gateway', () => {
    t.resourceCountIs('AWS::EC2::RouteTable', 3);
    t.resourceCountIs('AWS::EC2::SubnetRouteTableAssociation', 3);
    const routes = Object.values(t.findResources('AWS::EC2::Route')).map((r) => r.Properties);
    expect(routes).toHaveLength(3);
    for (const route of routes) expect(route).toEqual({ DestinationCidrBlock: '0.0.0.0/0', GatewayId: IGW, RouteTableId: { Ref: expect.stringMatching(/RouteTable/) } });
  });

  it('places the ALB and the public-IP tasks in those subnets', () => {
    const subnetRefs = Object.keys(t.findResources('AWS::EC2::Subnet')).map((id) => ({ Ref: id }));
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Subnets: subnetRefs });
    t.hasResourceProperties('AWS::ECS::Service', { NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'ENABLED', Subnets: subnetRefs }) } });
  });
});

describe('environment-specific stacks', () => {
  it('synthesizes with region and account context without any lookup, in the configured AZs', () => {
    const { app, stack, template } = synth({ ...PLAIN_HTTP, target: 'fargate', region: 'eu-central-1', account: '123456789012', availabilityZones: 'eu-central-1a,eu-central-1b' });
    expect({ account: stack.account, region: stack.region }).toEqual({ account: '123456789012', region: 'eu-central-1' });
    expect(app.synth().manifest.missing).toBeUndefined();
    template.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: 'eu-central-1a' });
    template.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: 'eu-central-1b' });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Environment: Match.arrayWith([{ Name: 'DEFAULT_MODEL', Value: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0' }]) })],
    });
  });

  it('needs no lookup either when only region and account are given', () => {
    const { app } = synth({ ...PLAIN_HTTP, region: 'us-west-2', account: '123456789012' });
    expect(app.synth().manifest.missing).toBeUndefined();
  });
});

describe('network: the VPC custom resource’s log group (issue 16)', () => {
  it('is created by the stack, with retention, deleted with it, before the custom resource runs', () => {
    const t = synth({ ...PLAIN_HTTP, logRetentionDays: '7' }).template;
    const [handlerId] = Object.keys(t.findResources('AWS::Lambda::Function', { Properties: { Handler: '__entrypoint__.handler' } }));
    expect(handlerId).toMatch(/VpcRestrictDefaultSG/);
    const groups = Object.entries(t.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: { 'Fn::Join': ['', ['/aws/lambda/', { Ref: handlerId }]] } } }));
    expect(groups).toHaveLength(1);
    const [groupId, group] = groups[0];
    expect(group).toMatchObject({ DeletionPolicy: 'Delete', Properties: { RetentionInDays: 7 } });
    const [customResource] = Object.values(t.findResources('Custom::VpcRestrictDefaultSG'));
    expect(customResource.DependsOn).toContain(groupId);
  });
});

describe('network: new subnets on the VPC’s existing route table (issue 16)', () => {
  const RTB = 'rtb-0123456789abcdef0';
  let t: Template;
  beforeAll(() => {
    t = synth({ ...PLAIN_HTTP, target: 'fargate', vpcId: VPC, internetGatewayId: IGW, subnetCidrs: '10.20.0.0/24,10.20.1.0/24', routeTableId: RTB }).template;
  });

  it('associates each new subnet with that table, whose routes to peered and on-premises clients apply, and adds none', () => {
    t.resourceCountIs('AWS::EC2::RouteTable', 0);
    t.resourceCountIs('AWS::EC2::Route', 0);
    const subnetIds = Object.keys(t.findResources('AWS::EC2::Subnet'));
    expect(subnetIds).toHaveLength(2);
    const associations = Object.values(t.findResources('AWS::EC2::SubnetRouteTableAssociation')).map((a) => a.Properties);
    expect(associations).toEqual(subnetIds.map((id) => ({ SubnetId: { Ref: id }, RouteTableId: RTB })));
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Subnets: subnetIds.map((id) => ({ Ref: id })) });
  });
});

describe('network: private subnets of a VPC without internet access (issue 16)', () => {
  const PRIVATE = 'subnet-0123456789abcdef2,subnet-0123456789abcdef3';
  const RTB = 'rtb-0123456789abcdef0';

  it.each([
    ['a secret', {}, 'secretsmanager'],
    ['an SSM parameter', { apiKeyParamName: '/gateway/api-key' }, 'ssm'],
  ])('fargate with %s: internal ALB, tasks without public IPs, an endpoint for every API the tasks call', (_name, key, keyService) => {
    const t = synth({ target: 'fargate', internal: 'true', vpcId: VPC, privateSubnetIds: PRIVATE, routeTableId: RTB, ...key }).template;
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal', Subnets: PRIVATE.split(',') });
    t.hasResourceProperties('AWS::ECS::Service', { NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED', Subnets: PRIVATE.split(',') }) } });
    const services = (type: string) =>
      Object.values(t.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: type } })).map((e) => renderArn(e.Properties.ServiceName).replace(/^com\.amazonaws\.(\$\{AWS::Region\}|[a-z0-9-]+)\./, ''));
    expect(services('Interface').sort()).toEqual(['bedrock', 'bedrock-runtime', 'ecr.api', 'ecr.dkr', 'logs', keyService].sort());
    expect(services('Gateway').sort()).toEqual(['dynamodb', 's3']);
    for (const gateway of Object.values(t.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway' } }))) expect(gateway.Properties.RouteTableIds).toEqual([RTB]);
    for (const endpoint of Object.values(t.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }))) {
      expect(endpoint.Properties).toMatchObject({ PrivateDnsEnabled: true, SubnetIds: PRIVATE.split(',') });
    }
    // Only the tasks may reach the interface endpoints, on 443.
    const taskSg = Object.keys(t.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: 'Bedrock gateway tasks' } }))[0];
    const endpointIngress = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties).filter((p) => p.FromPort === 443);
    expect(endpointIngress).toHaveLength(6);
    for (const rule of endpointIngress) expect(rule.SourceSecurityGroupId).toEqual({ 'Fn::GetAtt': [taskSg, 'GroupId'] });
  });

  it('lambda: an internal ALB in the private subnets and no endpoints (the function runs outside the VPC)', () => {
    const t = synth({ internal: 'true', vpcId: VPC, privateSubnetIds: PRIVATE }).template;
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal', Subnets: PRIVATE.split(',') });
    t.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  it('creates no endpoints with vpcEndpoints=false', () => {
    const t = synth({ target: 'fargate', internal: 'true', vpcId: VPC, privateSubnetIds: PRIVATE, vpcEndpoints: 'false' }).template;
    t.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });
});
