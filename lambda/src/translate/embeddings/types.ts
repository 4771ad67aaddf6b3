/**
 * The per-family contract of the embedding translators. Each Bedrock embedding family has its own
 * InvokeModel body; a family object turns texts into request bodies and response bodies into vectors.
 */

/** The request options a family may take, after validation of their shape (not of their values). */
export interface EmbeddingOptions {
  /** OpenAI `dimensions`. */
  readonly dimensions?: number;
  /** Cohere-style retrieval hint: search_document | search_query | classification | clustering. */
  readonly inputType?: string;
  /** Titan v2 `normalize`. */
  readonly normalize?: boolean;
  /** Truncation mode in the family's own words (Cohere `truncate`, Nova `truncationMode`). */
  readonly truncate?: string;
  /** Nova `embeddingPurpose`, overriding what `inputType` maps to. */
  readonly embeddingPurpose?: string;
}

export interface ParsedEmbeddings {
  readonly vectors: number[][];
  /** Input tokens as Bedrock counted them, when the response says. */
  readonly inputTokens?: number;
}

export interface EmbeddingFamily {
  readonly name: string;
  /** Texts per InvokeModel call. */
  readonly maxBatch: number;
  /** Dimensions the model can return; the first is what it returns by default. */
  readonly dimensions: readonly number[];
  /** Throws a 400 naming the field for options this family cannot honour. */
  validate(options: EmbeddingOptions): void;
  request(texts: readonly string[], options: EmbeddingOptions): Record<string, unknown>;
  /** `count` is how many texts the call carried; a response with another count is an upstream fault. */
  response(body: unknown, count: number): ParsedEmbeddings;
}
