import { CfnOutput, Fn, RemovalPolicy, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { GatewayConfig, LoadBalancedConfig } from './config';
import { ApiKey } from './constructs/api-key';
import { BedrockAccess } from './constructs/bedrock-access';
import { FargateTarget } from './constructs/fargate-target';
import { FunctionUrlTarget } from './constructs/function-url';
import type { GatewayTarget } from './constructs/gateway-target';
import { LambdaTarget } from './constructs/lambda-target';
import { LoadBalancer } from './constructs/load-balancer';
import { Monitoring } from './constructs/monitoring';
import { Network } from './constructs/network';
import { StateTable } from './constructs/state-table';
import { RateLimitWaf } from './constructs/waf';
import { API_ROUTE_PREFIX, handlerEnvironment } from './environment';

export interface GatewayStackProps extends StackProps {
  /** The validated app configuration (see parseConfig). */
  readonly config: GatewayConfig;
}

/** One deployment of the gateway: API key, Bedrock access and the chosen serving target. */
export class GatewayStack extends Stack {
  /** The serving target; its role holds every run-time permission of the handler. */
  readonly target: GatewayTarget;
  /** The table of stored responses; absent with responseStore=none. */
  readonly stateTable?: StateTable;
  private readonly configuredAzs?: readonly string[];

  constructor(scope: Construct, id: string, props: GatewayStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.configuredAzs = config.target === 'lambda-url' ? undefined : config.availabilityZones;
    const apiKey = new ApiKey(this, 'ApiKey', { source: config.apiKey });
    const store = config.responseStore;
    if (store.kind === 'dynamodb') {
      this.stateTable = new StateTable(this, 'State', {
        pointInTimeRecovery: store.pointInTimeRecovery,
        removalPolicy: store.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
    }
    const { target, baseUrl } = this.addTarget(config, apiKey, this.stateTable?.table.tableName);
    this.target = target;

    // What the handler calls at run time, granted once to the role of whichever target runs it.
    new BedrockAccess(this, 'BedrockAccess', {
      role: target.role,
      applicationInferenceProfiles: config.models.enableApplicationInferenceProfiles,
      marketplaceSubscriptions: config.models.marketplaceSubscriptions,
    });
    // Every target reads the key at run time (all documented formats; a rotated key without a redeploy).
    apiKey.grantRead(target.role);
    this.stateTable?.grantResponseStore(target.role, { managedKeys: store.kind === 'dynamodb' && store.managedKeys.enabled });

    if (config.monitoring.enabled) {
      const monitoring = new Monitoring(this, 'Monitoring', {
        logGroup: target.logGroup,
        namespace: config.monitoring.namespace,
        dashboardName: `${this.stackName}-gateway`,
        alarmEmail: config.monitoring.alarmEmail,
        alarmTopicArn: config.monitoring.alarmTopicArn,
      });
      new CfnOutput(this, 'DashboardUrl', {
        value: `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards/dashboard/${monitoring.dashboard.dashboardName}`,
        description: 'CloudWatch dashboard of the gateway',
      });
    }
    // Cost-allocation tags on every resource (activate them once in the Billing console to see them in Cost Explorer).
    for (const [key, value] of Object.entries(config.tags)) Tags.of(this).add(key, value);

    new CfnOutput(this, 'ApiBaseUrl', { value: baseUrl, description: 'OpenAI base URL: point clients (base_url / OPENAI_BASE_URL) here' });
    new CfnOutput(this, 'Target', { value: config.target, description: 'Serving target (context key "target")' });
    if (apiKey.secretArn) new CfnOutput(this, 'ApiKeySecretArn', { value: apiKey.secretArn, description: 'Secrets Manager secret holding {"api_key": ...}' });
    if (apiKey.parameterName) new CfnOutput(this, 'ApiKeyParameterName', { value: apiKey.parameterName, description: 'SSM SecureString holding the API key' });
    if (this.stateTable) new CfnOutput(this, 'StateTableName', { value: this.stateTable.table.tableName, description: 'DynamoDB table of stored responses' });
    new CfnOutput(this, 'ApiKeyCommand', { value: apiKey.readCommand, description: 'Prints the API key' });
  }

  /** The target the config names, and the base URL clients use to reach it. */
  private addTarget(config: GatewayConfig, apiKey: ApiKey, stateTableName: string | undefined): { target: GatewayTarget; baseUrl: string } {
    const logRetention = config.logRetentionDays as logs.RetentionDays;
    const environment = handlerEnvironment(config, stateTableName);
    switch (config.target) {
      case 'lambda-url': {
        const target = new FunctionUrlTarget(this, 'FunctionUrl', { ...config.lambda, logRetention, environment: { ...environment, ...apiKey.environment } });
        return { target, baseUrl: `${target.functionUrl.url}${API_ROUTE_PREFIX.slice(1)}` };
      }
      case 'lambda': {
        const { lb } = this.addLoadBalancer(config, logRetention);
        const target = new LambdaTarget(this, 'Lambda', { ...config.lambda, listener: lb.listener, logRetention, environment: { ...environment, ...apiKey.environment } });
        return { target, baseUrl: `${lb.origin}${API_ROUTE_PREFIX}` };
      }
      case 'fargate': {
        const { network, lb } = this.addLoadBalancer(config, logRetention);
        const target = new FargateTarget(this, 'Fargate', {
          vpc: network.vpc,
          subnets: network.taskSubnets,
          assignPublicIp: network.assignPublicIp,
          listener: lb.listener,
          sizing: config.fargate,
          environment,
          apiKeyEnvironment: apiKey.environment,
          idleTimeoutSeconds: config.loadBalancer.idleTimeoutSeconds,
          drain: config.fargate.drain,
          logRetention,
        });
        network.addEndpoints(target.service, config.apiKey.kind === 'parameter' ? 'ssm' : 'secretsmanager');
        return { target, baseUrl: `${lb.origin}${API_ROUTE_PREFIX}` };
      }
    }
  }

  private addLoadBalancer(config: LoadBalancedConfig, logRetention: logs.RetentionDays): { network: Network; lb: LoadBalancer } {
    const network = new Network(this, 'Network', { network: config.network, availabilityZones: config.availabilityZones, logRetention });
    const lb = new LoadBalancer(this, 'LoadBalancer', { vpc: network.vpc, subnets: network.publicSubnets, ...config.loadBalancer });
    if (config.loadBalancer.wafRateLimit !== undefined) new RateLimitWaf(this, 'Waf', { loadBalancer: lb.alb, requestsPer5Minutes: config.loadBalancer.wafRateLimit });
    return { network, lb };
  }

  /**
   * AZs without a context lookup, so an environment-specific stack still synthesizes offline: the
   * configured ones, else the Region's first two resolved at deploy time.
   */
  get availabilityZones(): string[] {
    return this.configuredAzs ? [...this.configuredAzs] : [0, 1].map((i) => Fn.select(i, Fn.getAzs()));
  }
}
