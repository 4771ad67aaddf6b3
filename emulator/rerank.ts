import { BedrockError, validation } from './errors';

/**
 * InvokeModel for the rerank models: Cohere Rerank 3.5 (`api_version` 2 body) and Amazon Rerank 1.0.
 * Scores are deterministic: the share of the query's words that a document contains, so a test can
 * predict the order exactly.
 */

export type RerankFamily = 'cohere-rerank' | 'amazon-rerank';

export function rerankFamily(foundationModelId: string): RerankFamily | undefined {
  if (/^cohere\.rerank-v3-5/.test(foundationModelId)) return 'cohere-rerank';
  if (/^amazon\.rerank-v1/.test(foundationModelId)) return 'amazon-rerank';
  return undefined;
}

type Json = Record<string, unknown>;

/** The Rerank API's own bound on sources; the emulator applies it to InvokeModel too. */
export const RERANK_MAX_DOCUMENTS = 1000;

const malformed = (detail: string): BedrockError =>
  validation(`Malformed input request: ${detail}, please reformat your input and try again.`);

const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** The emulator's relevance: the share of distinct query words found in the document, in [0, 1]. */
export function emulatorRelevance(query: string, document: string): number {
  const wanted = [...new Set(words(query))];
  if (wanted.length === 0) return 0;
  const have = new Set(words(document));
  return wanted.filter((w) => have.has(w)).length / wanted.length;
}

export function invokeRerank(family: RerankFamily, body: unknown): Json {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw malformed('the body must be a JSON object');
  const json = body as Json;
  const allowed = family === 'cohere-rerank' ? ['query', 'documents', 'top_n', 'api_version', 'max_tokens_per_doc'] : ['query', 'documents', 'top_n'];
  const extra = Object.keys(json).filter((key) => !allowed.includes(key));
  if (extra.length > 0) throw malformed(`#: extraneous key [${extra[0]}] is not permitted`);
  if (typeof json.query !== 'string') throw malformed('#: required key [query] not found');
  if (json.query === '') throw malformed('#/query: expected minLength: 1, actual: 0');
  const docs = json.documents;
  if (!Array.isArray(docs)) throw malformed('#: required key [documents] not found');
  if (docs.length === 0) throw malformed('#/documents: expected minItems: 1, actual: 0');
  if (docs.length > RERANK_MAX_DOCUMENTS) throw malformed(`#/documents: expected maxItems: ${RERANK_MAX_DOCUMENTS}, actual: ${docs.length}`);
  const bad = docs.findIndex((d) => typeof d !== 'string');
  if (bad >= 0) throw malformed(`#/documents/${bad}: expected type: String`);
  if (family === 'cohere-rerank') {
    if (json.api_version === undefined) throw malformed('#: required key [api_version] not found');
    if (json.api_version !== 2) throw malformed(`#/api_version: ${JSON.stringify(json.api_version)} is not a supported api_version (2)`);
    const max = json.max_tokens_per_doc;
    if (max !== undefined && (!Number.isInteger(max) || (max as number) < 1)) throw malformed('#/max_tokens_per_doc: expected a positive integer');
  }
  const topN = json.top_n;
  if (topN !== undefined && (!Number.isInteger(topN) || (topN as number) < 1)) throw malformed('#/top_n: expected a positive integer');
  const scored = (docs as string[])
    .map((doc, index) => ({ index, relevance_score: emulatorRelevance(json.query as string, doc) }))
    .sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index)
    .slice(0, (topN as number | undefined) ?? docs.length);
  return family === 'cohere-rerank' ? { id: `emu-rerank-${docs.length}`, results: scored } : { results: scored };
}
