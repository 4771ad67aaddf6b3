/**
 * Shared rerank checks: document forms, the family's limits, and answers of an unexpected shape (502).
 */
import { DomainError, invalidRequest } from '../../errors/domain-error';
import type { RerankModelRules } from '../../models/capabilities';
import type { RerankScore } from './types';

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Documents as Cohere, Jina and LiteLLM clients send them: strings or `{text}` objects. */
export function documentTexts(documents: readonly unknown[], rules: RerankModelRules): string[] {
  if (documents.length === 0) throw invalidRequest("'documents' must hold at least one document.", 'documents', 'invalid_value');
  if (documents.length > rules.maxDocuments) {
    throw invalidRequest(`${rules.name} ranks at most ${rules.maxDocuments} documents per request; 'documents' holds ${documents.length}.`, 'documents', 'too_many_documents');
  }
  return documents.map((doc, i) => {
    if (typeof doc === 'string') return doc;
    if (isRecord(doc) && typeof doc.text === 'string') return doc.text;
    throw invalidRequest(`'documents[${i}]' must be a string or an object with a string 'text'.`, `documents[${i}]`, 'invalid_value');
  });
}

export function upstreamShape(what: string): DomainError {
  return new DomainError('upstream_invalid', `Bedrock returned a rerank response of an unexpected shape (${what}).`, null, 'upstream_error');
}

/** `[{index, relevance_score}]` with every index a distinct position in the documents sent. */
export function parseResults(value: unknown, count: number, what: string): RerankScore[] {
  if (!Array.isArray(value)) throw upstreamShape(`${what}: results`);
  const seen = new Set<number>();
  return value.map((r: unknown) => {
    const index = isRecord(r) ? r.index : undefined;
    const score = isRecord(r) ? r.relevance_score : undefined;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count || seen.has(index) || typeof score !== 'number') {
      throw upstreamShape(`${what}: result ${JSON.stringify(r)}`);
    }
    seen.add(index);
    return { index, score };
  });
}
