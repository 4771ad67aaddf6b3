/**
 * Vectors → OpenAI's embeddings response. `base64` is the little-endian float32 bytes of each vector,
 * written explicitly little-endian so the result does not depend on the host.
 */

export type EncodingFormat = 'float' | 'base64';

export interface EmbeddingsResponse {
  object: 'list';
  data: Array<{ object: 'embedding'; index: number; embedding: number[] | string }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

export function float32Base64(vector: readonly number[]): string {
  const view = new DataView(new ArrayBuffer(vector.length * 4));
  vector.forEach((x, i) => view.setFloat32(i * 4, x, true));
  return Buffer.from(view.buffer).toString('base64');
}

/**
 * Token estimate for families whose responses carry no count (Cohere, Nova): about four characters a
 * token, at least one per input. Bedrock's exact count travels only in a response header.
 */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export function toEmbeddingsResponse(vectors: readonly number[][], model: string, format: EncodingFormat, promptTokens: number): EmbeddingsResponse {
  return {
    object: 'list',
    data: vectors.map((v, index) => ({ object: 'embedding', index, embedding: format === 'base64' ? float32Base64(v) : v })),
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}
