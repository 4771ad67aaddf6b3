/**
 * Foundation model id → embedding family, as data. Rows match the id's stem so a new version of a known
 * family (`…-v2:1`) works without a code change; profile prefixes are stripped by the caller.
 */
import { cohereV3, cohereV4 } from './cohere';
import { nova } from './nova';
import { titanV1, titanV2 } from './titan';
import type { EmbeddingFamily } from './types';

export const EMBEDDING_FAMILIES: ReadonlyArray<{ readonly match: RegExp; readonly family: EmbeddingFamily }> = [
  { match: /^amazon\.titan-embed-text-v2/, family: titanV2 },
  { match: /^amazon\.titan-embed-(text-v1|g1-text)/, family: titanV1 },
  { match: /^cohere\.embed-(english|multilingual)-v3/, family: cohereV3 },
  { match: /^cohere\.embed-v4/, family: cohereV4 },
  { match: /^amazon\.nova-2-multimodal-embeddings/, family: nova },
];

export function embeddingFamilyFor(foundationModelId: string): EmbeddingFamily | undefined {
  return EMBEDDING_FAMILIES.find((row) => row.match.test(foundationModelId))?.family;
}
