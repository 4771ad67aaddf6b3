import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/env';
import { GatewayError } from '../http/errors';
import type { ManagedKeys } from '../keys/managed-keys';
import { ROOT_OWNER } from '../store/types';

export interface KeyVerifier {
  verify(presented: string): Promise<boolean>;
}

/** One message for a missing, a wrong, a revoked and an expired key, so a caller learns nothing about which it was. */
const UNAUTHORIZED = 'Invalid or missing API key. Send it as "Authorization: Bearer <key>".';

const unavailable = () =>
  new GatewayError(503, 'The gateway cannot read its API keys right now. Retry shortly.', { code: 'key_store_unavailable', retryAfterSeconds: 5 });

/**
 * Root keys (the static ones) first, then managed keys. A root key owns the root's stored responses; a
 * managed key its own, and the request carries its record for model checks, limits and usage.
 */
export function apiKeyAuth(keys: KeyVerifier, managed?: ManagedKeys): MiddlewareHandler<AppEnv> {
  return async function apiKeyAuthMiddleware(c, next) {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const presented = match ? match[1].trim() : (c.req.header('x-api-key') ?? '');
    let root: boolean;
    try {
      root = await keys.verify(presented);
    } catch {
      throw unavailable();
    }
    if (root) {
      c.set('owner', ROOT_OWNER);
      return next();
    }
    if (managed) {
      let key;
      try {
        key = await managed.authenticate(presented);
      } catch {
        throw unavailable();
      }
      if (key) {
        c.set('owner', key.id);
        c.set('managedKey', key);
        return next();
      }
    }
    throw new GatewayError(401, UNAUTHORIZED, { code: 'invalid_api_key' });
  };
}

/** Only root keys pass: the admin API. A managed key is refused whatever the method. */
export function rootOnly(): MiddlewareHandler<AppEnv> {
  return async function rootOnlyMiddleware(c, next) {
    if (c.get('managedKey')) {
      throw new GatewayError(403, 'This API key cannot manage keys or read usage; use one of the gateway\'s root keys.', { code: 'insufficient_permissions' });
    }
    await next();
  };
}
