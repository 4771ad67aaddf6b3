/**
 * GET /models and GET /models/{id} in OpenAI's shape. Ids hold ':' and ARNs hold '/', so the id route is
 * a wildcard and takes the id raw or URL-encoded. `x-model-catalog` says how current the answer is:
 * `fresh`, `stale` (served while a refresh runs) or `unavailable` (configuration only).
 */
import type { Context } from 'hono';
import type { AppDeps } from '../deps';
import type { AppEnv } from '../http/env';
import { GatewayError } from '../http/errors';
import { mayUse } from '../keys/model-access';
import type { Catalog } from '../models/catalog-entries';
import { defaultModels } from '../models/defaults';
import { findModel, listModels, type OpenAIModel } from '../models/listing';

/** /models is not latency-critical: a cold process may wait for its first catalog this long. */
const FIRST_LOAD_WAIT_MS = 8_000;

async function currentListing(deps: AppDeps, c: Context<AppEnv>): Promise<{ listed: OpenAIModel[]; catalog?: Catalog }> {
  const catalog = deps.catalog ? await deps.catalog.ready(FIRST_LOAD_WAIT_MS) : undefined;
  c.header('x-model-catalog', deps.catalog?.status() ?? 'unavailable');
  const { config } = deps;
  const all = listModels(catalog, { aliases: config.modelAliases, allowlist: config.modelAllowlist, defaults: defaultModels(config) });
  // A managed key sees only what it may call: a listed id, or the Bedrock id behind it, is on its list.
  const key = c.get('managedKey');
  const listed = key?.models
    ? all.filter((m) => {
        const entry = catalog?.find(m.id) ?? (config.modelAliases[m.id] ? catalog?.find(config.modelAliases[m.id]) : undefined);
        return mayUse(key.models, [m.id, config.modelAliases[m.id], entry?.invokeId, entry?.foundationModelId]);
      })
    : all;
  return { listed, catalog };
}

export function listModelsHandler(deps: AppDeps) {
  return async function listModelsRoute(c: Context<AppEnv>): Promise<Response> {
    const { listed } = await currentListing(deps, c);
    return c.json({ object: 'list', data: listed });
  };
}

/** Register as `/models/:id{.+}`: the id is the rest of the path, decoded. */
export function retrieveModelHandler(deps: AppDeps) {
  return async function retrieveModelRoute(c: Context<AppEnv>): Promise<Response> {
    const id = c.req.param('id') ?? '';
    const { listed, catalog } = await currentListing(deps, c);
    const found = findModel(id, listed, catalog);
    if (found) return c.json(found);
    if (!catalog && deps.catalog) {
      throw new GatewayError(503, `The model catalog is unavailable right now, so '${id}' cannot be looked up. Retry shortly.`, {
        code: 'model_catalog_unavailable',
        retryAfterSeconds: 5,
      });
    }
    throw new GatewayError(404, `The model '${id}' does not exist or is not available on this gateway.`, { param: 'model', code: 'model_not_found' });
  };
}
