import { CustomInputDecoder } from '../../../lambda/src/translate/responses/custom-input';

/** Feeds `fragments` and returns what was handed out as it streamed, and the settled input. */
function decode(fragments: string[]) {
  const d = new CustomInputDecoder();
  const streamed = fragments.map((f) => d.push(f)).join('');
  const { input, rest } = d.finish();
  return { streamed, input, whole: streamed + rest };
}

const split = (s: string, size: number) => Array.from({ length: Math.ceil(s.length / size) }, (_, i) => s.slice(i * size, i * size + size));

describe('CustomInputDecoder', () => {
  it.each([
    ['plain text', 'hello world'],
    ['quotes, backslashes and newlines', 'a "b" \\ c\nd\te'],
    ['unicode, escaped or not', 'ü ✓ 😀 \u0001'],
    ['an empty input', ''],
  ])('%s: the streamed text adds up to the input, whatever the fragment size', (_name, text) => {
    const json = JSON.stringify({ input: text });
    for (const size of [1, 2, 3, 7, json.length]) {
      const { streamed, input, whole } = decode(split(json, size));
      expect(input).toBe(text);
      expect(whole).toBe(text);
      expect(text.startsWith(streamed)).toBe(true);
    }
  });

  it('copes with whitespace in the opening', () => {
    expect(decode(['{ "input" :', ' "x', 'y"}']).whole).toBe('xy');
  });

  it.each([
    ['no input key', ['{"other":"x"}'], ''],
    ['a bare JSON string', ['"raw"'], 'raw'],
    ['nothing parseable', ['not json'], 'not json'],
    ['an empty object', ['{}'], ''],
  ])('settles %s at the end', (_name, fragments, input) => {
    expect(decode(fragments).input).toBe(input);
  });
});
