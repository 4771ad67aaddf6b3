/**
 * The per-family contract of the rerank translators: a query and texts in, InvokeModel's body out;
 * the answer's scores back, indexed into the texts.
 */

export interface RerankOptions {
  /** Results to return; already at most the number of documents. */
  readonly topN?: number;
  /** Cohere's per-document token cut-off. */
  readonly maxTokensPerDoc?: number;
}

export interface RerankScore {
  readonly index: number;
  readonly score: number;
}

export interface ParsedRerank {
  /** The upstream answer's id, when it has one. */
  readonly id?: string;
  readonly scores: readonly RerankScore[];
}

export interface RerankFamily {
  request(query: string, documents: readonly string[], options: RerankOptions): Record<string, unknown>;
  /** `count` is how many documents were sent; an index outside them is an upstream fault. */
  parse(body: unknown, count: number): ParsedRerank;
}
