/**
 * Where a model route meets a managed key: the model it may call (403 before anything else happens), and,
 * once the request is known to be valid, its admission (budget, rpm / tpm: 429 before Bedrock) and its
 * usage, recorded when the request is over. A root key passes straight through.
 */
import type { Context } from 'hono';
import type { AppDeps } from '../deps';
import { requestTelemetry, type AppEnv } from '../http/env';
import type { Admission } from '../keys/rate-limiter';
import { checkModelAccess, profileFor } from '../keys/model-access';
import type { ModelKind, ResolvedModel } from '../models/resolver';

/** The request's model, resolved and checked against the key's `models`; sets the model the log names. */
export async function resolveModel(c: Context<AppEnv>, deps: AppDeps, name: string, kind: ModelKind): Promise<ResolvedModel> {
  const model = await deps.models.resolve(name, kind);
  c.set('model', model.modelId);
  const key = c.get('managedKey');
  if (key) checkModelAccess(key, name, model);
  return model;
}

/**
 * Counts the request against the key's budget and limits (or throws the 429), arranges for its usage to be
 * recorded, and returns the id to call Bedrock with: the key's application inference profile for the
 * model, when its record maps one, else the model's own.
 */
export async function admitModelCall(c: Context<AppEnv>, deps: AppDeps, model: ResolvedModel): Promise<string> {
  const key = c.get('managedKey');
  const managed = deps.managedKeys;
  if (!key || !managed) return model.modelId;
  setRateLimitHeaders(c, await managed.admit(key));
  const telemetry = requestTelemetry(c);
  telemetry.onComplete(() => managed.record(key, model, telemetry.usage));
  return profileFor(key, model) ?? model.modelId;
}

/** OpenAI's `x-ratelimit-*` headers, for keys with limits. */
function setRateLimitHeaders(c: Context<AppEnv>, a: Admission): void {
  if (a.limitRequests !== undefined) {
    c.header('x-ratelimit-limit-requests', String(a.limitRequests));
    c.header('x-ratelimit-remaining-requests', String(a.remainingRequests));
  }
  if (a.limitTokens !== undefined) {
    c.header('x-ratelimit-limit-tokens', String(a.limitTokens));
    c.header('x-ratelimit-remaining-tokens', String(a.remainingTokens));
  }
}
