import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface MonitoringProps {
  /** The gateway's log group: its JSON access log (one `request` line per request) and its EMF metric lines. */
  readonly logGroup: logs.ILogGroup;
  /** The namespace of the handler's EMF metrics (METRICS_NAMESPACE); the log-derived metrics go there too. */
  readonly namespace: string;
  /** The dashboard's name. */
  readonly dashboardName: string;
  /** Subscribe this address to a new alarm topic. */
  readonly alarmEmail?: string;
  /** Send alarms to this existing topic. */
  readonly alarmTopicArn?: string;
}

/** Alarm thresholds, each evaluated over 5-minute periods. */
export const ALARM_THRESHOLDS = {
  /** Share of requests answered with a 5xx (or ending in a 5xx stream error), in percent. */
  serverErrorPercent: 5,
  /** Requests answered 429 because Bedrock throttled or a quota was exceeded. */
  throttledRequests: 10,
  /** p99 time to first token, in milliseconds. */
  timeToFirstTokenP99Ms: 10_000,
} as const;

/** The metrics the stack derives from the access log, with fixed dimensions so alarms can watch them. */
export const LOG_METRICS = {
  requests: 'LoggedRequests',
  clientErrors: 'Logged4xx',
  serverErrors: 'Logged5xx',
  throttled: 'LoggedThrottled',
  timeToFirstToken: 'LoggedTimeToFirstToken',
} as const;

const PERIOD = Duration.minutes(5);

/**
 * What an operator watches: a dashboard of the handler's per-model EMF metrics (requests, errors, latency and
 * time to first token p50/p99, tokens in and out) and alarms on the 5xx rate, throttling and time to first
 * token. Per-model metrics carry the model as a dimension, which an alarm cannot sum over, so the alarms
 * watch metrics that metric filters derive from the access log with no dimension at all.
 */
export class Monitoring extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[];
  readonly topic?: sns.ITopic;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { namespace, logGroup } = props;

    // A streamed answer that fails after its 200 went out logs status 200 and its errorStatus.
    const filters: [string, logs.IFilterPattern, string?][] = [
      [LOG_METRICS.requests, logs.FilterPattern.stringValue('$.message', '=', 'request')],
      [LOG_METRICS.clientErrors, jsonPattern('($.status >= 400 && $.status < 500) || ($.errorStatus >= 400 && $.errorStatus < 500)')],
      [LOG_METRICS.serverErrors, jsonPattern('$.status >= 500 || $.errorStatus >= 500')],
      [LOG_METRICS.throttled, jsonPattern('$.status = 429 || $.errorStatus = 429')],
      [LOG_METRICS.timeToFirstToken, jsonPattern('$.timeToFirstTokenMs >= 0'), '$.timeToFirstTokenMs'],
    ];
    for (const [metricName, filterPattern, metricValue] of filters) {
      new logs.MetricFilter(this, metricName, { logGroup, metricNamespace: namespace, metricName, filterPattern, metricValue: metricValue ?? '1', ...(metricValue ? {} : { defaultValue: 0 }) });
    }
    const logMetric = (metricName: string, statistic: string) => new cloudwatch.Metric({ namespace, metricName, statistic, period: PERIOD });

    const errorRate = new cloudwatch.MathExpression({
      expression: '100 * IF(requests > 0, errors / requests, 0)',
      usingMetrics: { errors: logMetric(LOG_METRICS.serverErrors, 'Sum'), requests: logMetric(LOG_METRICS.requests, 'Sum') },
      period: PERIOD,
      label: '5xx (% of requests)',
    });
    this.alarms = [
      new cloudwatch.Alarm(this, 'ServerErrorRate', {
        alarmDescription: `More than ${ALARM_THRESHOLDS.serverErrorPercent}% of the gateway's requests failed with a 5xx in 5 minutes (upstream errors, timeouts, gateway bugs). Check the ERROR lines of the log group.`,
        metric: errorRate,
        threshold: ALARM_THRESHOLDS.serverErrorPercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'Throttling', {
        alarmDescription: `More than ${ALARM_THRESHOLDS.throttledRequests} requests in 5 minutes got a 429 because Bedrock throttled or a quota ran out. Consider a quota increase or cross-Region inference profiles.`,
        metric: logMetric(LOG_METRICS.throttled, 'Sum'),
        threshold: ALARM_THRESHOLDS.throttledRequests,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'TimeToFirstToken', {
        alarmDescription: `The p99 time to first token was above ${ALARM_THRESHOLDS.timeToFirstTokenP99Ms} ms for 15 minutes: clients wait long before a streamed answer starts.`,
        metric: logMetric(LOG_METRICS.timeToFirstToken, 'p99'),
        threshold: ALARM_THRESHOLDS.timeToFirstTokenP99Ms,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];

    this.topic = props.alarmTopicArn ? sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn) : props.alarmEmail ? this.emailTopic(props.alarmEmail) : undefined;
    if (this.topic) {
      for (const alarm of this.alarms) {
        alarm.addAlarmAction(new actions.SnsAction(this.topic));
        alarm.addOkAction(new actions.SnsAction(this.topic));
      }
    }

    // Per-model EMF metrics (dimensions service and model), found by SEARCH so every model used shows up.
    const perModel = (metricName: string, statistic: string, label: string) =>
      new cloudwatch.MathExpression({ expression: `SEARCH('{${namespace},model,service} MetricName="${metricName}"', '${statistic}', 300)`, label, period: PERIOD });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName, defaultInterval: Duration.hours(3) });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Requests per model', left: [perModel('Requests', 'Sum', '')], width: 8 }),
      new cloudwatch.GraphWidget({
        title: '4xx, 5xx and throttled (429) requests',
        left: [logMetric(LOG_METRICS.clientErrors, 'Sum').with({ label: '4xx' }), logMetric(LOG_METRICS.serverErrors, 'Sum').with({ label: '5xx' }), logMetric(LOG_METRICS.throttled, 'Sum').with({ label: '429 throttled' })],
        right: [errorRate],
        width: 8,
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 8 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Latency p50 per model (ms)', left: [perModel('Latency', 'p50', '')], width: 6 }),
      new cloudwatch.GraphWidget({ title: 'Latency p99 per model (ms)', left: [perModel('Latency', 'p99', '')], width: 6 }),
      new cloudwatch.GraphWidget({ title: 'Time to first token p50 per model (ms)', left: [perModel('TimeToFirstToken', 'p50', '')], width: 6 }),
      new cloudwatch.GraphWidget({ title: 'Time to first token p99 per model (ms)', left: [perModel('TimeToFirstToken', 'p99', '')], width: 6 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Input tokens per model', left: [perModel('InputTokens', 'Sum', '')], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Output tokens per model', left: [perModel('OutputTokens', 'Sum', '')], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Errors per model and type', left: [new cloudwatch.MathExpression({ expression: `SEARCH('{${namespace},errorType,model,service} MetricName="Errors"', 'Sum', 300)`, label: '', period: PERIOD })], width: 8 }),
    );
    // Managed API keys (dimensions service and keyId): one line per key that made requests.
    const perKey = (metricName: string) =>
      new cloudwatch.MathExpression({ expression: `SEARCH('{${namespace},keyId,service} MetricName="${metricName}"', 'Sum', 300)`, label: '', period: PERIOD });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Requests per managed key', left: [perKey('Requests')], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Input tokens per managed key', left: [perKey('InputTokens')], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Output tokens per managed key', left: [perKey('OutputTokens')], width: 8 }),
    );
  }

  private emailTopic(address: string): sns.Topic {
    const topic = new sns.Topic(this, 'AlarmTopic', { displayName: 'Bedrock gateway alarms', enforceSSL: true });
    topic.addSubscription(new subscriptions.EmailSubscription(address));
    Validations.of(topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'The topic only carries alarm state changes (names, thresholds), no request data. CloudWatch cannot publish to a topic encrypted with the AWS managed key, and a customer managed key would cost more than the alarms.',
    });
    return topic;
  }
}

/** A JSON metric-filter pattern written in CloudWatch Logs' own syntax. */
function jsonPattern(condition: string): logs.IFilterPattern {
  return logs.FilterPattern.literal(`{ ${condition} }`);
}
