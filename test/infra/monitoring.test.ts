import { Match, Template } from 'aws-cdk-lib/assertions';
import { ALARM_THRESHOLDS, LOG_METRICS } from '../../lib/constructs/monitoring';
import { PLAIN_HTTP, resourceOfType, synth } from './synth';

const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f2c1b9e-1111-2222-3333-444455556666';

/** The logical id of the log group the gateway code writes to. */
function gatewayLogGroupId(t: Template): string {
  const fns = Object.values(t.findResources('AWS::Lambda::Function', { Properties: { Description: 'OpenAI-compatible API gateway for Amazon Bedrock' } }));
  if (fns.length === 1) return fns[0].Properties.LoggingConfig.LogGroup.Ref;
  return resourceOfType(t, 'AWS::ECS::TaskDefinition').Properties.ContainerDefinitions[0].LogConfiguration.Options['awslogs-group'].Ref;
}

describe.each([
  ['lambda', { ...PLAIN_HTTP }],
  ['lambda-url', { target: 'lambda-url' }],
  ['fargate', { ...PLAIN_HTTP, target: 'fargate' }],
])('monitoring of target=%s', (_target, context) => {
  let t: Template;
  beforeAll(() => {
    t = synth({ ...context, stackName: 'Gw' }).template;
  });

  it('tells the gateway a namespace of its own and derives the alarm metrics from its log group', () => {
    const json = JSON.stringify(t.toJSON());
    expect(json).toContain('"METRICS_NAMESPACE"');
    expect(json).toContain('BedrockOpenAIGateway/Gw');
    const logGroup = gatewayLogGroupId(t);
    const filters = Object.values(t.findResources('AWS::Logs::MetricFilter')).map((f) => f.Properties);
    expect(filters.map((f) => f.MetricTransformations[0].MetricName).sort()).toEqual(Object.values(LOG_METRICS).sort());
    for (const f of filters) {
      expect(f.LogGroupName).toEqual({ Ref: logGroup });
      expect(f.MetricTransformations[0].MetricNamespace).toBe('BedrockOpenAIGateway/Gw');
    }
    const throttled = filters.find((f) => f.MetricTransformations[0].MetricName === LOG_METRICS.throttled);
    expect(throttled.FilterPattern).toBe('{ $.status = 429 || $.errorStatus = 429 }');
  });

  it('alarms on the 5xx rate, throttling and time to first token, without an action unless asked', () => {
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms).toHaveLength(3);
    expect(alarms.map((a) => a.Threshold).sort((a, b) => a - b)).toEqual(
      [ALARM_THRESHOLDS.serverErrorPercent, ALARM_THRESHOLDS.throttledRequests, ALARM_THRESHOLDS.timeToFirstTokenP99Ms].sort((a, b) => a - b),
    );
    for (const a of alarms) expect(a.AlarmActions).toBeUndefined();
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: LOG_METRICS.timeToFirstToken, ExtendedStatistic: 'p99' });
  });

  it('builds one dashboard of requests, errors, throttles, latency and time to first token p50/p99 and tokens per model', () => {
    const dashboard = resourceOfType(t, 'AWS::CloudWatch::Dashboard');
    expect(dashboard.Properties.DashboardName).toBe('Gw-gateway');
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const metric of ['Requests', 'Latency', 'TimeToFirstToken', 'InputTokens', 'OutputTokens', 'Errors']) expect(body).toContain(`MetricName=\\\\\\"${metric}\\\\\\"`);
    for (const title of ['Latency p50', 'Latency p99', 'Time to first token p50', 'Time to first token p99', '429 throttled', '4xx', '5xx']) expect(body).toContain(title);
    expect(t.toJSON().Outputs.DashboardUrl).toBeDefined();
  });

  it('charts requests and tokens per managed key, from the keyId dimension the handler emits', () => {
    const body = JSON.stringify(resourceOfType(t, 'AWS::CloudWatch::Dashboard').Properties.DashboardBody);
    for (const title of ['Requests per managed key', 'Input tokens per managed key', 'Output tokens per managed key']) expect(body).toContain(title);
    // The dimension names of lambda/src/metrics/request-metrics.ts's per-key set, in SEARCH's schema form.
    for (const metric of ['Requests', 'InputTokens', 'OutputTokens']) expect(body).toMatch(new RegExp(`,keyId,service\\} MetricName=[\\\\"]+${metric}`));
  });
});

describe('alarm notifications', () => {
  it('sends to a new topic with an e-mail subscription, over TLS only', () => {
    const t = synth({ certificateArn: CERT, alarmEmail: 'ops@example.com' }).template;
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    const [topicId] = Object.keys(t.findResources('AWS::SNS::Topic'));
    t.hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) } });
    for (const alarm of Object.values(t.findResources('AWS::CloudWatch::Alarm'))) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
  });

  it('sends to an existing topic', () => {
    const topic = 'arn:aws:sns:us-east-1:123456789012:ops';
    const t = synth({ certificateArn: CERT, alarmTopicArn: topic }).template;
    t.resourceCountIs('AWS::SNS::Topic', 0);
    for (const alarm of Object.values(t.findResources('AWS::CloudWatch::Alarm'))) expect(alarm.Properties.AlarmActions).toEqual([topic]);
  });

  it('creates nothing with monitoring=false', () => {
    const t = synth({ target: 'lambda-url', monitoring: 'false' }).template;
    for (const type of ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Dashboard', 'AWS::Logs::MetricFilter']) t.resourceCountIs(type, 0);
  });
});

describe('optional brakes and tags', () => {
  it('puts a WAF web ACL with a per-IP rate rule on the load balancer', () => {
    const t = synth({ certificateArn: CERT, wafRateLimit: '1000' }).template;
    t.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [Match.objectLike({ Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: 1000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } } })],
    });
    const [albId] = Object.keys(t.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'));
    t.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { ResourceArn: { Ref: albId } });
    t.resourceCountIs('AWS::WAFv2::WebACL', 1);
  });

  it('has no WAF unless asked, and refuses one for lambda-url', () => {
    synth({ certificateArn: CERT }).template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    expect(() => synth({ target: 'lambda-url', wafRateLimit: '1000' })).toThrow(/wafRateLimit: target=lambda-url has no VPC or load balancer/);
  });

  it('caps the function’s concurrency when asked', () => {
    const t = synth({ target: 'lambda-url', reservedConcurrency: '25' }).template;
    t.hasResourceProperties('AWS::Lambda::Function', { Description: 'OpenAI-compatible API gateway for Amazon Bedrock', ReservedConcurrentExecutions: 25 });
    const none = resourceOfType(synth({ target: 'lambda-url' }).template, 'AWS::Lambda::Function', { Description: 'OpenAI-compatible API gateway for Amazon Bedrock' });
    expect(none.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it.each([
    ['key=value pairs', 'team=ml,costCenter=1234'],
    ['a JSON object', { team: 'ml', costCenter: '1234' }],
  ])('tags every taggable resource from %s', (_name, tags) => {
    const t = synth({ target: 'lambda-url', tags }).template;
    for (const type of ['AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::SecretsManager::Secret', 'AWS::DynamoDB::Table', 'AWS::Logs::LogGroup']) {
      for (const resource of Object.values(t.findResources(type))) {
        expect(resource.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'team', Value: 'ml' }, { Key: 'costCenter', Value: '1234' }]));
      }
    }
  });
});
