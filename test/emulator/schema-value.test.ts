import { z } from 'zod';
import { schemaValue } from '../../emulator/schema-value';

/** An independent validator (zod's JSON-schema reader), so a value that only looks right still fails. */
const accepts = (schema: unknown, value: unknown): boolean => z.fromJSONSchema(schema as never).safeParse(value).success;

describe('schemaValue: a minimal value the schema accepts', () => {
  it.each<[string, unknown, unknown]>([
    ['a string', { type: 'string' }, ''],
    ['a string with minLength', { type: 'string', minLength: 3 }, 'xxx'],
    ['a date-time', { type: 'string', format: 'date-time' }, '2024-01-01T00:00:00Z'],
    ['a date', { type: 'string', format: 'date' }, '2024-01-01'],
    ['an email', { type: 'string', format: 'email' }, 'user@example.com'],
    ['a uri', { type: 'string', format: 'uri' }, 'https://example.com/'],
    ['a uuid', { type: 'string', format: 'uuid' }, '00000000-0000-4000-8000-000000000000'],
    ['an ipv4', { type: 'string', format: 'ipv4' }, '192.0.2.1'],
    ['an integer', { type: 'integer' }, 0],
    ['an integer with a minimum', { type: 'integer', minimum: 3 }, 3],
    ['an integer above a fractional minimum', { type: 'integer', minimum: 2.5 }, 3],
    ['an integer under a negative maximum', { type: 'integer', maximum: -4 }, -4],
    ['a multiple above a minimum', { type: 'integer', minimum: 5, multipleOf: 4 }, 8],
    ['a number strictly between', { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }, 0.5],
    ['an integer over an exclusive minimum', { type: 'integer', exclusiveMinimum: 0 }, 1],
    ['a boolean', { type: 'boolean' }, false],
    ['null', { type: 'null' }, null],
    ['a nullable string', { type: ['null', 'string'] }, ''],
    ['an enum', { type: 'string', enum: ['celsius', 'fahrenheit'] }, 'celsius'],
    ['a const', { const: 'fixed' }, 'fixed'],
    ['an array', { type: 'array', items: { type: 'string' } }, []],
    ['an array with minItems', { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 2 }, [1, 1]],
    ['anyOf takes the first branch', { anyOf: [{ type: 'integer' }, { type: 'string' }] }, 0],
    ['only required properties', { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } }, required: ['b'] }, { b: 0 }],
    [
      'nested objects and arrays',
      {
        type: 'object',
        properties: {
          location: { type: 'object', properties: { city: { type: 'string', minLength: 1 }, unit: { enum: ['c', 'f'] } }, required: ['city', 'unit'] },
          days: { type: 'array', minItems: 1, items: { type: 'object', properties: { date: { type: 'string', format: 'date' } }, required: ['date'] } },
        },
        required: ['location', 'days'],
        additionalProperties: false,
      },
      { location: { city: 'x', unit: 'c' }, days: [{ date: '2024-01-01' }] },
    ],
    [
      'a local $ref',
      { type: 'object', properties: { item: { $ref: '#/$defs/item' } }, required: ['item'], $defs: { item: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] } } },
      { item: { id: 1 } },
    ],
    [
      'allOf merged',
      { allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'boolean' } }, required: ['b'] }] },
      { a: '', b: false },
    ],
  ])('%s', (_case, schema, expected) => {
    const value = schemaValue(schema);
    expect(value).toEqual(expected);
    expect(accepts(schema, value)).toBe(true);
  });

  it('stops on a schema that refers to itself through required fields', () => {
    const schema = { type: 'object', properties: { next: { $ref: '#' } }, required: ['next'] };
    expect(() => schemaValue(schema)).not.toThrow();
  });
});
