/**
 * Cohere Rerank 3.5 through InvokeModel: Cohere's v2 body (`api_version: 2` is required) and
 * `{id, results: [{index, relevance_score}]}` back.
 */
import { isRecord, parseResults, upstreamShape } from './common';
import type { RerankFamily } from './types';

export const cohereRerank: RerankFamily = {
  request: (query, documents, options) => ({
    query,
    documents: [...documents],
    ...(options.topN !== undefined ? { top_n: options.topN } : {}),
    ...(options.maxTokensPerDoc !== undefined ? { max_tokens_per_doc: options.maxTokensPerDoc } : {}),
    api_version: 2,
  }),
  parse(body, count) {
    if (!isRecord(body)) throw upstreamShape('Cohere');
    return { id: typeof body.id === 'string' ? body.id : undefined, scores: parseResults(body.results, count, 'Cohere') };
  },
};
