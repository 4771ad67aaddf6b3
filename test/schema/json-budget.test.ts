import fc from 'fast-check';
import { DomainError, formatPath } from '../../lambda/src/errors/domain-error';
import { checkJsonBudget, type JsonBudget } from '../../lambda/src/schema/json-budget';

const budget: JsonBudget = { maxDepth: 8, maxValues: 100, maxArrayItems: 10, maxObjectKeys: 6, maxTopLevelKeys: 4 };

/** The error the scan raises for `text`, as [code, param]; undefined when it passes. */
function refusal(text: string, b: JsonBudget = budget): [string | null, string | null] | undefined {
  try {
    checkJsonBudget(text, b);
    return undefined;
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return [err.code, err.path ? formatPath(err.path) : null];
  }
}

const obj = (n: number, prefix = 'k') => `{${Array.from({ length: n }, (_, i) => `"${prefix}${i}":${i}`).join(',')}}`;
const arr = (n: number, item = '0') => `[${Array.from({ length: n }, () => item).join(',')}]`;

describe('checkJsonBudget', () => {
  it.each([
    ['4 top-level keys', obj(4), undefined],
    ['5 top-level keys', obj(5), ['too_many_keys', null]],
    ['6 keys in a nested object', `{"metadata":${obj(6)}}`, undefined],
    ['7 keys in a nested object, named by its path', `{"a":[1,{"metadata":${obj(7)}}]}`, ['too_many_keys', 'a[1].metadata']],
    ['10 array items', `{"messages":${arr(10)}}`, undefined],
    ['11 array items, named by the path', `{"messages":[{"content":${arr(11)}}]}`, ['too_many_items', 'messages[0].content']],
    ['an array in the second item of an array', `{"m":[1,${arr(11)}]}`, ['too_many_items', 'm[1]']],
    ['a key with an escaped quote in the path', `{"a\\"b":${arr(11)}}`, ['too_many_items', 'a"b']],
    ['empty containers', '{"a":[],"b":{},"c":[[]]}', undefined],
    ['8 levels', '[[[[[[[[]]]]]]]]', undefined],
    ['9 levels', '[[[[[[[[[]]]]]]]]]', ['json_too_deep', null]],
    ['101 values', `{"a":${arr(10, arr(9))}}`, ['too_many_values', null]],
    ['brackets and commas inside strings do not count', `{"a":"[[[[[[[[[[,,,,,,,,,,,,,]]]","b":"\\\\","c":"{\\"x\\":1}"}`, undefined],
  ])('%s', (_name, text, expected) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(refusal(text)).toEqual(expected);
  });

  it('counts exactly what JSON.parse builds (any JSON document)', () => {
    const count = (v: unknown): { values: number; depth: number; items: number; keys: number } => {
      if (v === null || typeof v !== 'object') return { values: 1, depth: 0, items: 0, keys: 0 };
      const children = (Array.isArray(v) ? v : Object.values(v)).map(count);
      return {
        values: 1 + children.reduce((s, c) => s + c.values, 0),
        depth: 1 + Math.max(0, ...children.map((c) => c.depth)),
        items: Math.max(Array.isArray(v) ? v.length : 0, ...children.map((c) => c.items)),
        keys: Math.max(Array.isArray(v) ? 0 : Object.keys(v).length, ...children.map((c) => c.keys)),
      };
    };
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const text = JSON.stringify(value);
        const c = count(JSON.parse(text));
        const exact: JsonBudget = { maxDepth: c.depth, maxValues: c.values, maxArrayItems: c.items, maxObjectKeys: c.keys, maxTopLevelKeys: c.keys };
        expect(refusal(text, exact)).toBeUndefined();
        expect(refusal(text, { ...exact, maxValues: c.values - 1 })?.[0]).toBe('too_many_values');
        if (c.depth > 0) expect(refusal(text, { ...exact, maxDepth: c.depth - 1 })?.[0]).toBe('json_too_deep');
      }),
      { numRuns: 300 },
    );
  });

  it('passes a 20 MB string value in one scan', () => {
    const text = `{"messages":[{"role":"user","content":"${'x'.repeat(20 * 1024 * 1024)}"}]}`;
    expect(refusal(text)).toBeUndefined();
  });
});
