/**
 * Rerank family (from the capability table's rules) → its translator, as data.
 */
import type { RerankFamilyName } from '../../models/capabilities';
import { amazonRerank } from './amazon';
import { cohereRerank } from './cohere';
import type { RerankFamily } from './types';

export const RERANK_FAMILIES: Readonly<Record<RerankFamilyName, RerankFamily>> = {
  'cohere-rerank': cohereRerank,
  'amazon-rerank': amazonRerank,
};
