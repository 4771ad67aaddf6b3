/**
 * Per-model request metrics in CloudWatch embedded metric format (EMF), through Powertools Metrics: one
 * JSON line on stdout per request, which CloudWatch Logs turns into metrics without any API call.
 * Dimensions stay low-cardinality on purpose: service + model, service + model + errorType for errors, and
 * service + keyId for managed keys (one series per key the operator created).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export interface RequestSample {
  /** Bedrock model id, or undefined when the request never resolved one (auth failure, bad JSON, 404). */
  readonly model?: string;
  readonly latencyMs: number;
  readonly timeToFirstTokenMs?: number;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly cacheReadInputTokens?: number;
  readonly cacheWriteInputTokens?: number;
  /** Pictures returned (/images/generations). */
  readonly images?: number;
  /** Rerank search units billed (/rerank). */
  readonly searchUnits?: number;
  /** The error's code (or type) when the client got an error. */
  readonly errorType?: string;
  /** The managed key's id (never its secret), for per-key charts; undefined for root keys. */
  readonly keyId?: string;
}

export interface RequestMetrics {
  record(sample: RequestSample): void;
}

export const NO_MODEL = 'none';

export function createRequestMetrics(namespace: string, serviceName = 'bedrock-openai-gateway'): RequestMetrics {
  const metrics = new Metrics({ namespace, serviceName });
  const count = (name: string, value: number | undefined): void => {
    if (value !== undefined) metrics.addMetric(name, MetricUnit.Count, value);
  };
  return {
    // Synchronous from first add to publish, so concurrent requests never mix in the shared buffer.
    record(s) {
      const model = s.model ?? NO_MODEL;
      metrics.addDimension('model', model);
      count('Requests', 1);
      count('Errors', s.errorType ? 1 : 0);
      metrics.addMetric('Latency', MetricUnit.Milliseconds, Math.round(s.latencyMs));
      if (s.timeToFirstTokenMs !== undefined) metrics.addMetric('TimeToFirstToken', MetricUnit.Milliseconds, Math.round(s.timeToFirstTokenMs));
      count('InputTokens', s.inputTokens);
      count('OutputTokens', s.outputTokens);
      count('CacheReadInputTokens', s.cacheReadInputTokens);
      count('CacheWriteInputTokens', s.cacheWriteInputTokens);
      count('Images', s.images);
      count('SearchUnits', s.searchUnits);
      metrics.publishStoredMetrics();
      if (s.errorType) {
        metrics.addDimensions({ model, errorType: s.errorType });
        count('Errors', 1);
        metrics.publishStoredMetrics();
      }
      if (s.keyId) {
        metrics.addDimension('keyId', s.keyId);
        count('Requests', 1);
        count('Errors', s.errorType ? 1 : 0);
        count('InputTokens', s.inputTokens);
        count('OutputTokens', s.outputTokens);
        count('CacheReadInputTokens', s.cacheReadInputTokens);
        count('CacheWriteInputTokens', s.cacheWriteInputTokens);
        metrics.publishStoredMetrics();
      }
    },
  };
}
