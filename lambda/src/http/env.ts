import type { RequestIdVariables } from 'hono/request-id';
import type { RequestTelemetry } from '../log/request-telemetry';

/** Request-scoped values, declared once for every middleware and route. */
export type AppEnv = {
  Variables: RequestIdVariables & {
    /** The Bedrock model id the request resolved to (access log, metrics). */
    model?: string;
    /** Set by the telemetry middleware. */
    telemetry?: RequestTelemetry;
  };
};
