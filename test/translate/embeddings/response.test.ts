import { estimateTokens, float32Base64, toEmbeddingsResponse } from '../../../lambda/src/translate/embeddings/response';

const decode = (b64: string): number[] => {
  const buf = Buffer.from(b64, 'base64');
  return Array.from({ length: buf.length / 4 }, (_, i) => buf.readFloatLE(i * 4));
};

describe('float32Base64', () => {
  it.each([[[0.5, -1, 0.25]], [[1 / 1024, -1023 / 1024]], [[]]])('round-trips %j as little-endian float32', (v) => {
    expect(decode(float32Base64(v))).toEqual(v);
  });

  it('writes little-endian bytes', () => {
    expect(Buffer.from(float32Base64([1]), 'base64')).toEqual(Buffer.from([0x00, 0x00, 0x80, 0x3f]));
  });

  it('rounds values to float32, as OpenAI does', () => {
    expect(decode(float32Base64([0.1]))[0]).toBe(Math.fround(0.1));
  });
});

describe('toEmbeddingsResponse', () => {
  it.each([
    ['float', [[0.5, 0.25], [1, 0]], [[0.5, 0.25], [1, 0]]],
    ['base64', [[0.5, 0.25]], [float32Base64([0.5, 0.25])]],
  ] as const)('%s: indexes data in order and reports usage', (format, vectors, embeddings) => {
    const res = toEmbeddingsResponse(vectors.map((v) => [...v]), 'm', format, 9);
    expect(res).toEqual({
      object: 'list',
      data: embeddings.map((embedding, index) => ({ object: 'embedding', index, embedding })),
      model: 'm',
      usage: { prompt_tokens: 9, total_tokens: 9 },
    });
  });
});

describe('estimateTokens', () => {
  it.each([
    ['a', 1],
    ['abcd', 1],
    ['abcde', 2],
    ['x'.repeat(400), 100],
  ])('%s → %i', (text, n) => expect(estimateTokens(text)).toBe(n));
});
