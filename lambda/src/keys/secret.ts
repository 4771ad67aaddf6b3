/**
 * Managed key secrets: `sk-bgw_<16 hex: the key id>_<43 base64url: 256 random bits>`. The id inside the key
 * finds the record with one lookup; the record holds only the SHA-256 of the whole key, compared in constant
 * time. A root key never has this shape by accident in practice, and is checked first anyway.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sk-bgw_';
const SHAPE = /^sk-bgw_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$/;

export const keyIdOf = (hex: string): string => `key_${hex}`;

export function newManagedKey(): { readonly id: string; readonly key: string } {
  const hex = randomBytes(8).toString('hex');
  return { id: keyIdOf(hex), key: `${PREFIX}${hex}_${randomBytes(32).toString('base64url')}` };
}

/** The key id a presented secret claims, or undefined when it is not a managed key's shape. */
export function claimedKeyId(presented: string): string | undefined {
  const m = SHAPE.exec(presented);
  return m ? keyIdOf(m[1]) : undefined;
}

export const hashSecret = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

export function secretMatches(presented: string, storedHash: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
