/**
 * A small value that satisfies a JSON schema: what a default reply puts in a forced tool call's input
 * and in structured output. Honours type, const, enum, required properties (only those), nested
 * objects and arrays (minItems, prefixItems, contains), anyOf/oneOf (first branch), allOf (merged),
 * local $ref, number bounds and multipleOf, string length and a few formats. `pattern` is not honoured.
 */

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Values for the string formats tools commonly declare. */
const FORMATS: Readonly<Record<string, string>> = {
  'date-time': '2024-01-01T00:00:00Z',
  date: '2024-01-01',
  time: '00:00:00Z',
  duration: 'P1D',
  email: 'user@example.com',
  'idn-email': 'user@example.com',
  hostname: 'example.com',
  'idn-hostname': 'example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  uri: 'https://example.com/',
  'uri-reference': 'https://example.com/',
  iri: 'https://example.com/',
  url: 'https://example.com/',
  uuid: '00000000-0000-4000-8000-000000000000',
};

const MAX_DEPTH = 32;

/** Resolves `#/…` pointers against the root schema; anything else stays unresolved (an empty schema). */
function resolveRef(ref: string, root: unknown): unknown {
  if (!ref.startsWith('#')) return {};
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').filter((p) => p !== '')) {
    const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isSchema(node) || Array.isArray(node) ? (node as Record<string, unknown>)[part] : undefined;
  }
  return node ?? {};
}

/** allOf branches folded into one schema: properties merged, required lists joined. */
function mergeAll(schema: Schema, branches: unknown[]): Schema {
  const merged: Schema = { ...schema };
  delete merged.allOf;
  for (const branch of branches.filter(isSchema)) {
    for (const [key, value] of Object.entries(branch)) {
      if (key === 'properties' && isSchema(merged.properties) && isSchema(value)) merged.properties = { ...merged.properties, ...value };
      else if (key === 'required' && Array.isArray(merged.required) && Array.isArray(value)) merged.required = [...merged.required, ...value];
      else if (!(key in merged)) merged[key] = value;
    }
  }
  return merged;
}

function primaryType(schema: Schema): string | undefined {
  const { type } = schema;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return (type.find((t) => t !== 'null') ?? type[0]) as string | undefined;
  if (isSchema(schema.properties) || Array.isArray(schema.required)) return 'object';
  if (schema.items !== undefined || Array.isArray(schema.prefixItems)) return 'array';
  return undefined;
}

function numberValue(schema: Schema, integer: boolean): number {
  const step = typeof schema.multipleOf === 'number' && schema.multipleOf > 0 ? schema.multipleOf : integer ? 1 : undefined;
  const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
  // Draft 4 writes exclusive bounds as booleans beside minimum/maximum; later drafts as numbers.
  const exMin = schema.exclusiveMinimum === true ? num(schema.minimum) : num(schema.exclusiveMinimum);
  const exMax = schema.exclusiveMaximum === true ? num(schema.maximum) : num(schema.exclusiveMaximum);
  const min = schema.exclusiveMinimum === true ? undefined : num(schema.minimum);
  const max = schema.exclusiveMaximum === true ? undefined : num(schema.maximum);
  const fits = (n: number): boolean =>
    (min === undefined || n >= min) && (max === undefined || n <= max) && (exMin === undefined || n > exMin) && (exMax === undefined || n < exMax);
  const snap = (n: number, up: boolean): number => (step === undefined ? n : (up ? Math.ceil(n / step) : Math.floor(n / step)) * step);
  const low = min ?? exMin;
  const high = max ?? exMax;
  const candidates = [
    snap(0, true),
    low !== undefined ? snap(low, true) : undefined,
    low !== undefined ? snap(low + (step ?? 1), true) : undefined,
    high !== undefined ? snap(high, false) : undefined,
    high !== undefined ? snap(high - (step ?? 1), false) : undefined,
    low !== undefined && high !== undefined ? (low + high) / 2 : undefined,
  ];
  return candidates.find((n): n is number => n !== undefined && fits(n)) ?? low ?? high ?? 0;
}

function stringValue(schema: Schema): string {
  const base = typeof schema.format === 'string' ? (FORMATS[schema.format] ?? '') : '';
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
  const chars = Array.from(base);
  while (chars.length < min) chars.push('x');
  return chars.slice(0, Math.max(min, Math.min(max, chars.length))).join('');
}

function valueOf(node: unknown, root: unknown, depth: number): unknown {
  if (!isSchema(node) || depth > MAX_DEPTH) return null;
  if (typeof node.$ref === 'string') return valueOf(resolveRef(node.$ref, root), root, depth + 1);
  if ('const' in node) return node.const;
  if (Array.isArray(node.enum) && node.enum.length > 0) return node.enum[0];
  if (Array.isArray(node.allOf)) return valueOf(mergeAll(node, node.allOf), root, depth + 1);
  const branches = Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : undefined;
  if (branches !== undefined && branches.length > 0) return valueOf(branches[0], root, depth + 1);
  switch (primaryType(node)) {
    case 'object': {
      const properties = isSchema(node.properties) ? node.properties : {};
      const required = Array.isArray(node.required) ? node.required.filter((k): k is string => typeof k === 'string') : [];
      const extra = isSchema(node.additionalProperties) ? node.additionalProperties : {};
      return Object.fromEntries(required.map((key) => [key, valueOf(properties[key] ?? extra, root, depth + 1)]));
    }
    case 'array': {
      const prefix = Array.isArray(node.prefixItems) ? node.prefixItems : Array.isArray(node.items) ? node.items : [];
      const items = isSchema(node.items) ? node.items : {};
      const minItems = typeof node.minItems === 'number' ? node.minItems : 0;
      const count = Math.max(minItems, node.contains !== undefined ? 1 : 0);
      return Array.from({ length: count }, (_, i) =>
        valueOf(i === 0 && node.contains !== undefined ? node.contains : (prefix[i] ?? items), root, depth + 1),
      );
    }
    case 'string':
      return stringValue(node);
    case 'integer':
      return numberValue(node, true);
    case 'number':
      return numberValue(node, false);
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return {};
  }
}

/** The smallest value the schema accepts that this generator can find (see the module comment for its limits). */
export function schemaValue(schema: unknown): unknown {
  return valueOf(schema, schema, 0);
}
