/**
 * The admin API for managed keys (root keys only; see `rootOnly`): create, list, read, update, revoke.
 * The secret is in the create answer and nowhere else; the store keeps its SHA-256.
 */
import type { Context } from 'hono';
import type { AppDeps } from '../deps';
import { invalidRequest } from '../errors/domain-error';
import { readJson } from '../http/body';
import type { AppEnv } from '../http/env';
import { GatewayError } from '../http/errors';
import { isUsable } from '../keys/key-cache';
import type { ManagedKeys } from '../keys/managed-keys';
import { hashSecret, newManagedKey } from '../keys/secret';
import { createKeySchema, updateKeySchema, type CreateKeyBody, type UpdateKeyBody } from '../schema/admin-keys';
import { parseRequest } from '../schema/validate';
import type { KeyRecord } from '../store/types';

/** A key as the admin API shows it: everything but the secret. */
export function presentKey(k: KeyRecord, nowMs: number): Record<string, unknown> {
  return {
    id: k.id,
    object: 'gateway.api_key',
    name: k.name,
    key_hint: `sk-bgw_…${k.hint}`,
    status: k.revokedAt !== undefined ? 'revoked' : isUsable(k, nowMs) ? 'active' : 'expired',
    models: k.models ?? null,
    limits: k.limits ?? null,
    budget: k.budget ?? null,
    metadata: k.metadata ?? null,
    inference_profiles: k.inferenceProfiles ?? null,
    created_at: k.createdAt,
    expires_at: k.expiresAt ?? null,
    revoked_at: k.revokedAt ?? null,
  };
}

export function managedKeysOrOff(deps: AppDeps): ManagedKeys {
  if (deps.managedKeys) return deps.managedKeys;
  throw new GatewayError(404, 'Managed keys are off on this gateway: they need a state store (RESPONSE_STORE=sqlite or dynamodb) and MANAGED_KEYS not set to false.', {
    code: 'managed_keys_disabled',
  });
}

const notFound = (id: string) => new GatewayError(404, `No API key with id '${id}'.`, { param: 'id', code: 'key_not_found' });

/** Applies a create or update body to a record (absent: keep; null: clear). */
function applyBody(base: KeyRecord, body: UpdateKeyBody, managed: ManagedKeys): KeyRecord {
  const next: { -readonly [K in keyof KeyRecord]: KeyRecord[K] } = { ...base };
  const set = <K extends keyof KeyRecord>(field: K, value: KeyRecord[K] | null | undefined) => {
    if (value === undefined) return;
    if (value === null) delete next[field];
    else next[field] = value;
  };
  if (body.name !== undefined) next.name = body.name;
  set('models', body.models);
  set('limits', body.limits);
  set('budget', body.budget === null ? null : body.budget && { ...body.budget, period: body.budget.period ?? 'month' });
  set('expiresAt', body.expires_at);
  set('metadata', body.metadata);
  set('inferenceProfiles', body.inference_profiles);
  if (next.budget?.usd !== undefined && !managed.hasPrices) {
    throw invalidRequest('A USD budget needs prices: set MODEL_PRICES on the gateway, or give a token budget.', 'budget.usd', 'invalid_value');
  }
  return next;
}

export function createKeyHandler(deps: AppDeps) {
  return async function createKey(c: Context<AppEnv>): Promise<Response> {
    const managed = managedKeysOrOff(deps);
    const body = parseRequest(createKeySchema, await readJson(c, deps.config.limits.json)) as CreateKeyBody;
    const now = Date.now();
    const { id, key } = newManagedKey();
    const record = applyBody({ id, name: body.name, secretHash: hashSecret(key), hint: key.slice(-4), createdAt: Math.floor(now / 1000) }, body, managed);
    if (!(await managed.store.createKey(record))) throw new GatewayError(409, 'A key id collided; try again.', { code: 'conflict' });
    managed.cache.set(id, record);
    return c.json({ ...presentKey(record, now), key }, 201);
  };
}

export function listKeysHandler(deps: AppDeps) {
  return async function listKeys(c: Context<AppEnv>): Promise<Response> {
    const managed = managedKeysOrOff(deps);
    const includeRevoked = c.req.query('include_revoked') === 'true';
    const now = Date.now();
    const data = (await managed.store.listKeys()).filter((k) => includeRevoked || k.revokedAt === undefined).map((k) => presentKey(k, now));
    return c.json({ object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: false });
  };
}

export function getKeyHandler(deps: AppDeps) {
  return async function getKey(c: Context<AppEnv>): Promise<Response> {
    const managed = managedKeysOrOff(deps);
    const id = c.req.param('id') ?? '';
    const record = await managed.store.getKey(id);
    // A revoked key is deleted as far as the API goes (its record stays for usage reports and ?include_revoked).
    if (!record || record.revokedAt !== undefined) throw notFound(id);
    return c.json(presentKey(record, Date.now()));
  };
}

export function updateKeyHandler(deps: AppDeps) {
  return async function updateKey(c: Context<AppEnv>): Promise<Response> {
    const managed = managedKeysOrOff(deps);
    const id = c.req.param('id') ?? '';
    const body = parseRequest(updateKeySchema, await readJson(c, deps.config.limits.json)) as UpdateKeyBody;
    const current = await managed.store.getKey(id);
    if (!current || current.revokedAt !== undefined) throw notFound(id);
    const now = Date.now();
    const next = applyBody(current, body, managed);
    if (!(await managed.store.updateKey(next))) throw notFound(id);
    managed.cache.set(id, next);
    return c.json(presentKey(next, now));
  };
}

/**
 * Revokes: the key stops authenticating (everywhere within KEY_CACHE_SECONDS) and reads as deleted (404); its
 * record and usage stay for usage reports and `GET /admin/keys?include_revoked=true`.
 */
export function deleteKeyHandler(deps: AppDeps) {
  return async function deleteKey(c: Context<AppEnv>): Promise<Response> {
    const managed = managedKeysOrOff(deps);
    const id = c.req.param('id') ?? '';
    const current = await managed.store.getKey(id);
    if (!current || current.revokedAt !== undefined) throw notFound(id);
    const revoked = { ...current, revokedAt: Math.floor(Date.now() / 1000) };
    if (!(await managed.store.updateKey(revoked))) throw notFound(id);
    managed.cache.set(id, revoked);
    return c.json({ id, object: 'gateway.api_key.deleted', deleted: true });
  };
}
