/**
 * Scores → the Cohere v2 / Jina / LiteLLM rerank answer: sorted by score (ties keep the documents' order),
 * cut to `top_n`, documents echoed when asked, and the billed search units in `meta`.
 */
import type { ParsedRerank } from './types';

export interface RerankResponse {
  id: string;
  results: Array<{ index: number; relevance_score: number; document?: { text: string } }>;
  meta: { api_version: { version: '2' }; billed_units: { search_units: number } };
}

/** Bedrock bills a query of up to `perUnit` documents as one search unit. */
export const searchUnits = (documents: number, perUnit: number): number => Math.max(1, Math.ceil(documents / perUnit));

export function toRerankResponse(
  parsed: ParsedRerank,
  documents: readonly string[],
  options: { topN?: number; returnDocuments: boolean; id: string; searchUnits: number },
): RerankResponse {
  const sorted = [...parsed.scores].sort((a, b) => b.score - a.score || a.index - b.index).slice(0, options.topN ?? documents.length);
  return {
    id: parsed.id ?? options.id,
    results: sorted.map(({ index, score }) => ({
      index,
      relevance_score: score,
      ...(options.returnDocuments ? { document: { text: documents[index] } } : {}),
    })),
    meta: { api_version: { version: '2' }, billed_units: { search_units: options.searchUnits } },
  };
}
