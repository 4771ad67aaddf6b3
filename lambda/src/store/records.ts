/** What both backends agree on: which owners and ids are valid, which items are indexed, when a record expires. */
import type { StoredResponse } from './types';

/** Longest owner (UTF-8 bytes). Owners are `root` or a managed key's id. */
export const MAX_OWNER_BYTES = 256;
/** Longest response or item id (UTF-8 bytes); with the owner it stays under DynamoDB's 2048-byte key limit. */
export const MAX_ID_BYTES = 1024;

export function isValidOwner(owner: unknown): owner is string {
  return typeof owner === 'string' && owner !== '' && !owner.includes('#') && Buffer.byteLength(owner) <= MAX_OWNER_BYTES;
}

/** Ids come from clients (URLs, item_reference): one that no record could have is simply absent. */
export function isValidId(id: unknown): id is string {
  return typeof id === 'string' && id !== '' && Buffer.byteLength(id) <= MAX_ID_BYTES;
}

/** `put` refuses what the gateway should never produce. */
export function checkStorable(r: StoredResponse): void {
  if (!isValidOwner(r.owner)) throw new RangeError(`a stored response needs an owner of 1 to ${MAX_OWNER_BYTES} bytes without '#'`);
  if (!isValidId(r.id)) throw new RangeError(`a stored response needs an id of 1 to ${MAX_ID_BYTES} bytes`);
  if (!Number.isFinite(r.createdAt)) throw new RangeError('a stored response needs createdAt in unix seconds');
}

export type ItemList = 'inputItems' | 'outputItems';

export interface IndexedItem {
  readonly id: string;
  readonly list: ItemList;
  readonly pos: number;
  readonly item: Record<string, unknown>;
}

/**
 * The items `getItem` finds: each distinct valid string id once, a later occurrence (an output after an
 * input that carried the same id) winning. Items without a usable id are stored but not indexed.
 */
export function indexedItems(r: StoredResponse): IndexedItem[] {
  const byId = new Map<string, IndexedItem>();
  for (const list of ['inputItems', 'outputItems'] as const) {
    r[list].forEach((item, pos) => {
      if (isValidId(item.id)) byId.set(item.id, { id: item.id, list, pos, item });
    });
  }
  return [...byId.values()];
}

/** Unix seconds after which a record written at `nowMs` reads as absent (and DynamoDB's TTL may delete it). */
export function expiryOf(nowMs: number, ttlSeconds: number): number {
  return Math.floor(nowMs / 1000) + ttlSeconds;
}

export function isLive(expiresAt: number, nowMs: number): boolean {
  return expiresAt > Math.floor(nowMs / 1000);
}
