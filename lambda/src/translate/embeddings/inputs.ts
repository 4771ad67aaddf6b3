/**
 * OpenAI's four `input` forms → a list of texts. Token arrays are decoded with cl100k_base (what OpenAI's
 * embedding models use), loaded on first use only: the encoding is over a megabyte to parse and most
 * callers send strings.
 */
import { invalidRequest } from '../../errors/domain-error';

/** OpenAI's own per-request ceiling. */
export const MAX_INPUTS = 2048;

export type EmbeddingInput =
  | { readonly kind: 'texts'; readonly texts: readonly string[] }
  | { readonly kind: 'tokens'; readonly tokens: readonly (readonly number[])[] };

const isTokenId = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;

function shapeError(param = 'input'): never {
  throw invalidRequest(`'${param}' must be a non-empty string, an array of non-empty strings, an array of token ids or an array of token-id arrays.`, param, 'invalid_value');
}

function checkTokens(tokens: readonly unknown[], param: string): number[] {
  if (tokens.length === 0) throw invalidRequest(`'${param}' is an empty token array.`, param, 'invalid_value');
  const bad = tokens.findIndex((t) => !isTokenId(t));
  if (bad >= 0) throw invalidRequest(`'${param}[${bad}]' must be a non-negative integer token id.`, `${param}[${bad}]`, 'invalid_value');
  return tokens as number[];
}

/** Validates the shape of `input` and says which form it is. */
export function classifyInput(input: unknown): EmbeddingInput {
  if (typeof input === 'string') {
    if (input === '') throw invalidRequest("'input' must not be an empty string.", 'input', 'invalid_value');
    return { kind: 'texts', texts: [input] };
  }
  if (!Array.isArray(input)) shapeError();
  if (input.length === 0) throw invalidRequest("'input' must not be an empty array.", 'input', 'invalid_value');
  if (input.length > MAX_INPUTS) {
    throw invalidRequest(`'input' holds ${input.length} items; at most ${MAX_INPUTS} are allowed per request.`, 'input', 'too_many_inputs');
  }
  if (input.every((x) => typeof x === 'string')) {
    const empty = input.findIndex((x) => x === '');
    if (empty >= 0) throw invalidRequest(`'input[${empty}]' must not be an empty string.`, `input[${empty}]`, 'invalid_value');
    return { kind: 'texts', texts: input as string[] };
  }
  if (input.every((x) => typeof x === 'number')) return { kind: 'tokens', tokens: [checkTokens(input, 'input')] };
  if (input.every((x) => Array.isArray(x))) {
    return { kind: 'tokens', tokens: input.map((x: unknown[], i) => checkTokens(x, `input[${i}]`)) };
  }
  const odd = input.findIndex((x) => typeof x !== typeof input[0] || (typeof x !== 'string' && typeof x !== 'number' && !Array.isArray(x)));
  return shapeError(`input[${Math.max(odd, 0)}]`);
}

type Encoding = typeof import('gpt-tokenizer/encoding/cl100k_base');
let decoder: Encoding['decode'] | undefined;

/**
 * A lazy `require`, not `import()`: the gateway is CommonJS everywhere (Lambda bundle, tsx, Jest), and a
 * CommonJS `import()` is not available inside Jest's VM. Either way the encoding loads only when needed.
 */
function loadDecoder(): Encoding['decode'] {
  decoder ??= (require('gpt-tokenizer/encoding/cl100k_base') as Encoding).decode;
  return decoder;
}

/** The texts of any input form; token ids the encoding does not know are a 400 naming the array. */
export function inputTexts(input: EmbeddingInput): readonly string[] {
  if (input.kind === 'texts') return input.texts;
  const decode = loadDecoder();
  const single = input.tokens.length === 1;
  return input.tokens.map((tokens, i) => {
    const param = single ? 'input' : `input[${i}]`;
    try {
      return decode(tokens);
    } catch {
      throw invalidRequest(`'${param}' holds a token id that cl100k_base does not define.`, param, 'invalid_value');
    }
  });
}
