/**
 * What a managed key adds to every Converse call's `requestMetadata`, so Bedrock's model invocation logs
 * attribute each call: the key's id and name and the operator's metadata for it. They come first (Bedrock
 * takes at most 16 pairs) and win over the client's pairs of the same name.
 */
import type { KeyRecord } from '../store/types';

export const KEY_ID_METADATA = 'gateway_key_id';
export const KEY_NAME_METADATA = 'gateway_key_name';

/** Bedrock's rules for requestMetadata; the admin API checks a key's metadata against them. */
export const METADATA_KEY = /^[a-zA-Z0-9\s:_@$#=/+,.-]{1,256}$/;
export const METADATA_VALUE = /^[a-zA-Z0-9\s:_@$#=/+,.-]{0,256}$/;
/** Bedrock's 16 pairs, less the two the gateway adds. */
export const MAX_KEY_METADATA = 14;

export function keyMetadata(key: KeyRecord): Record<string, string> {
  return { [KEY_ID_METADATA]: key.id, [KEY_NAME_METADATA]: key.name, ...key.metadata };
}

/** The client's metadata with the key's in front and on top. */
export function withKeyMetadata(client: Readonly<Record<string, string>> | null | undefined, key: KeyRecord): Record<string, string> {
  const ours = keyMetadata(key);
  return { ...ours, ...client, ...ours };
}
