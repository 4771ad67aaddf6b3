import type { Context } from 'hono';
import type { RequestIdVariables } from 'hono/request-id';
import type { FieldNames } from '../errors/domain-error';
import { RequestTelemetry } from '../log/request-telemetry';
import type { KeyRecord } from '../store/types';

/** Request-scoped values, declared once for every middleware and route. */
export type AppEnv = {
  Variables: RequestIdVariables & {
    /** Who is calling, set by the auth middleware: whose stored responses this request may read. */
    owner?: string;
    /** The managed key the request came with; undefined for a root key (environment, Secrets Manager, SSM). */
    managedKey?: KeyRecord;
    /** The Bedrock model id the request resolved to (access log, metrics). */
    model?: string;
    /** Set by the telemetry middleware. */
    telemetry?: RequestTelemetry;
    /**
     * How the route names the fields of the request its translators see, when that is not the request the
     * client sent (the Responses route translates a chat request): errors are rendered with these names.
     */
    fieldNames?: FieldNames;
  };
};

/** The request's telemetry; routes used without the middleware (unit tests) get a throwaway one. */
export function requestTelemetry(c: Context<AppEnv>): RequestTelemetry {
  let t = c.get('telemetry');
  if (!t) {
    t = new RequestTelemetry();
    c.set('telemetry', t);
  }
  return t;
}
