/**
 * Wires the control-plane client, the pure catalog rules and the cache together: one `CatalogCache` per
 * process, built without any network call.
 */
import { describe, loadRawCatalog, type ControlPlane, type RawCatalog } from '../aws/bedrock-catalog';
import { CatalogCache } from './catalog-cache';
import { buildCatalog, type CatalogOptions } from './catalog-entries';

export interface ModelCatalogOptions extends CatalogOptions {
  readonly ttlSeconds: number;
  /** Told about partial and complete load failures (the gateway keeps serving either way). */
  onProblem?(message: string): void;
}

const RETRY_AFTER_FAILURE_MS = 30_000;
const LOAD_TIMEOUT_MS = 10_000;
const RECHECK_UNKNOWN_MS = 10_000;

export function createModelCatalog(plane: ControlPlane, options: ModelCatalogOptions): CatalogCache {
  const ttlMs = options.ttlSeconds * 1000;
  let previous: RawCatalog | undefined;
  return new CatalogCache({
    ttlMs,
    // A short TTL (tests, eager operators) also shortens the back-off, never lengthens it.
    retryMs: Math.min(ttlMs, RETRY_AFTER_FAILURE_MS),
    recheckMs: Math.min(ttlMs, RECHECK_UNKNOWN_MS),
    loadTimeoutMs: LOAD_TIMEOUT_MS,
    async load(signal) {
      const { raw, errors } = await loadRawCatalog(plane, options, signal);
      // A profile listing that failed this time keeps the last one that worked.
      const merged: RawCatalog = {
        foundationModels: raw.foundationModels,
        systemProfiles: raw.systemProfiles ?? previous?.systemProfiles,
        applicationProfiles: raw.applicationProfiles ?? previous?.applicationProfiles,
      };
      previous = merged;
      for (const e of errors) options.onProblem?.(`model catalog partly loaded: ${e}`);
      return buildCatalog(merged, options);
    },
    onError: (err) => options.onProblem?.(`model catalog load failed: ${describe(err)}`),
  });
}
