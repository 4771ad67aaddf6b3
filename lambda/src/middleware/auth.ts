import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/env';
import { GatewayError } from '../http/errors';
import { ROOT_OWNER } from '../store/types';

export interface KeyVerifier {
  verify(presented: string): Promise<boolean>;
}

/** One message for a missing and a wrong key, so a caller learns nothing about which it was. */
const UNAUTHORIZED = 'Invalid or missing API key. Send it as "Authorization: Bearer <key>".';

export function apiKeyAuth(keys: KeyVerifier): MiddlewareHandler<AppEnv> {
  return async function apiKeyAuthMiddleware(c, next) {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const presented = match ? match[1].trim() : (c.req.header('x-api-key') ?? '');
    let ok: boolean;
    try {
      ok = await keys.verify(presented);
    } catch {
      throw new GatewayError(503, 'The gateway cannot read its API keys right now. Retry shortly.', { code: 'key_store_unavailable', retryAfterSeconds: 5 });
    }
    if (!ok) throw new GatewayError(401, UNAUTHORIZED, { code: 'invalid_api_key' });
    c.set('owner', ROOT_OWNER);
    await next();
  };
}
