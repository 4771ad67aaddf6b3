/**
 * `list`: an array schema that reports only its first invalid item, so a long array of wrong items costs one
 * issue (zod's own array gathers one per item, and enough of them overflow the stack at the enclosing object).
 */
import * as z from 'zod';
import { DomainError } from '../../lambda/src/errors/domain-error';
import { list } from '../../lambda/src/schema/list';
import { parseAt } from '../../lambda/src/schema/validate';

const call = z.object({ id: z.string(), function: z.object({ name: z.string() }).strict() });
const body = z.object({ messages: list(z.object({ tool_calls: list(call) }), (a) => a.min(1, 'at least one')) });

const error = (value: unknown): DomainError => {
  try {
    parseAt(body, value);
  } catch (err) {
    return err as DomainError;
  }
  throw new Error('parsed');
};

describe('list', () => {
  it('parses like z.array when every item is valid', () => {
    const value = { messages: [{ tool_calls: [{ id: 'a', function: { name: 'f' } }, { id: 'b', function: { name: 'g' } }] }, { tool_calls: [] }] };
    expect(body.parse(value)).toEqual(value);
    expect(body.parse(value)).toEqual(z.object({ messages: z.array(z.object({ tool_calls: z.array(call) })) }).parse(value));
  });

  it.each([
    ['the first wrong item of two', [{ id: 'a', function: { name: 'f' } }, { id: 1, function: {} }, {}], ['messages', 0, 'tool_calls', 1, 'id']],
    ['a wrong nested field', [{ id: 'a', function: {} }], ['messages', 0, 'tool_calls', 0, 'function', 'name']],
  ])('names %s by its full path', (_name, calls, path) => {
    expect(error({ messages: [{ tool_calls: calls }] }).path).toEqual(path);
  });

  it('keeps the issue code a strict object reports for an unknown key', () => {
    const err = error({ messages: [{ tool_calls: [{ id: 'a', function: { name: 'f', extra: 1 } }] }] });
    expect(err.code).toBe('unknown_parameter');
    expect(err.path).toEqual(['messages', 0, 'tool_calls', 0, 'function', 'extra']);
  });

  it('checks the array bounds', () => {
    expect(error({ messages: [] }).message).toContain('at least one');
    expect(error({ messages: 'x' }).path).toEqual(['messages']);
  });

  it("reports only the first item's issues for 300,000 wrong items, where z.array overflows the stack", () => {
    const value = { messages: [{ tool_calls: Array.from({ length: 300_000 }, () => ({})) }] };
    const result = body.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['messages.0.tool_calls.0.id', 'messages.0.tool_calls.0.function']);
    const plain = z.object({ messages: z.array(z.object({ tool_calls: z.array(call) })) });
    expect(() => plain.safeParse(value)).toThrow(RangeError);
  });
});
