import { encode } from 'gpt-tokenizer/encoding/cl100k_base';
import { clientErrorOf } from '../../support/client-error';
import { classifyInput, inputTexts, MAX_INPUTS } from '../../../lambda/src/translate/embeddings/inputs';

function param(fn: () => unknown): string | null | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    const e = clientErrorOf(err);
    if (e && e.status === 400) return e.param;
    throw err;
  }
}

describe('classifyInput', () => {
  it.each([
    ['a string', 'hello', { kind: 'texts', texts: ['hello'] }],
    ['strings', ['a', 'b'], { kind: 'texts', texts: ['a', 'b'] }],
    ['a token array', [1, 2, 3], { kind: 'tokens', tokens: [[1, 2, 3]] }],
    ['token arrays', [[1], [2, 3]], { kind: 'tokens', tokens: [[1], [2, 3]] }],
  ])('accepts %s', (_, input, expected) => expect(classifyInput(input)).toEqual(expected));

  it.each([
    ['an empty string', '', 'input'],
    ['an empty array', [], 'input'],
    ['an empty string in a list', ['a', ''], 'input[1]'],
    ['a number', 42, 'input'],
    ['an object', { text: 'a' }, 'input'],
    ['a mixed list', ['a', 1], 'input[1]'],
    ['a negative token id', [1, -1], 'input[1]'],
    ['a fractional token id', [1.5], 'input[0]'],
    ['an empty token array inside token arrays', [[1], []], 'input[1]'],
    ['a bad id inside token arrays', [[1], [2, 'x']], 'input[1][1]'],
    ['too many inputs', Array.from({ length: MAX_INPUTS + 1 }, () => 'a'), 'input'],
  ])('refuses %s, naming %s', (_, input, expected) => expect(param(() => classifyInput(input))).toBe(expected));

  it('accepts exactly the maximum number of inputs', () => {
    expect(param(() => classifyInput(Array.from({ length: MAX_INPUTS }, () => 'a')))).toBeUndefined();
  });
});

describe('inputTexts', () => {
  it('decodes token arrays with cl100k_base', () => {
    const texts = ['hello world', 'Grüße, 世界!'];
    expect(inputTexts(classifyInput(texts.map((t) => encode(t))))).toEqual(texts);
    expect(inputTexts(classifyInput(encode(texts[0])))).toEqual([texts[0]]);
  });

  it('passes texts through', () => {
    expect(inputTexts(classifyInput(['x']))).toEqual(['x']);
  });

  it.each([
    [[99_999_999], 'input'],
    [[[15339], [99_999_999]], 'input[1]'],
  ])('refuses token ids the encoding does not define (%j)', (input, expected) => {
    expect(param(() => inputTexts(classifyInput(input)))).toBe(expected);
  });
});
