import { randomBytes } from 'node:crypto';

/** OpenAI-style ids: a prefix and 24 random base62-ish characters. */
export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(18).toString('base64url')}`;
}

export function unixSeconds(now: number = Date.now()): number {
  return Math.floor(now / 1000);
}
