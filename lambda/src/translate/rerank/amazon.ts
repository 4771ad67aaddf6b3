/**
 * Amazon Rerank 1.0 through InvokeModel: `{query, documents, top_n?}` in, `{results: [{index, relevance_score}]}` out.
 */
import { isRecord, parseResults, upstreamShape } from './common';
import type { RerankFamily } from './types';

export const amazonRerank: RerankFamily = {
  request: (query, documents, options) => ({
    query,
    documents: [...documents],
    ...(options.topN !== undefined ? { top_n: options.topN } : {}),
  }),
  parse(body, count) {
    if (!isRecord(body)) throw upstreamShape('Amazon Rerank');
    return { scores: parseResults(body.results, count, 'Amazon Rerank') };
  },
};
