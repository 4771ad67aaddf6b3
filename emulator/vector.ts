/**
 * Deterministic embedding vectors. Every value is k/1024 with k an integer in [-1024, 1023], so it is
 * exactly representable as float32: a test can compare float output or decode base64 float32 output
 * and match `emulatorVector` bit for bit. A longer vector starts with the shorter one (same stream).
 */
export function emulatorVector(text: string, dims: number): number[] {
  let state = fnv1a(text) || 0x9e3779b9;
  const out = new Array<number>(dims);
  for (let i = 0; i < dims; i += 1) {
    // xorshift32: tiny, deterministic and well spread for this purpose.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[i] = ((state % 2048) - 1024) / 1024;
  }
  return out;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Quantized forms, as Cohere's embedding_types return them. */
export const quantize = {
  // `+ 0` turns -0 into 0, which is what JSON would carry anyway.
  int8: (v: number[]): number[] => v.map((x) => Math.round(x * 127) + 0),
  uint8: (v: number[]): number[] => v.map((x) => Math.round(x * 127) + 128),
  /** One bit per dimension (1 when positive), packed 8 to a byte, most significant first. */
  ubinary: (v: number[]): number[] => {
    const bytes: number[] = [];
    for (let i = 0; i < v.length; i += 8) {
      let byte = 0;
      for (let b = 0; b < 8; b += 1) byte = (byte << 1) | (v[i + b] > 0 ? 1 : 0);
      bytes.push(byte);
    }
    return bytes;
  },
  binary: (v: number[]): number[] => quantize.ubinary(v).map((byte) => byte - 128),
};

export type CohereEmbeddingType = keyof typeof quantize | 'float';
