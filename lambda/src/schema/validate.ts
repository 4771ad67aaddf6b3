import type { Parser } from './deferred';
import { invalidRequest, type FieldPath } from '../errors/domain-error';

/** Parses `value` or throws a 400 naming the first offending field, under `at` (the value's own place). */
export function parseAt<Out>(schema: Parser<Out>, value: unknown, at: FieldPath = []): Out {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = [...at, ...issue.path.map((k) => (typeof k === 'number' ? k : String(k)))];
  // A strict object names the unknown field itself, as OpenAI does.
  if (issue.code === 'unrecognized_keys') throw invalidRequest((field) => `Unknown parameter: '${field}'.`, [...path, issue.keys[0]], 'unknown_parameter');
  if (path.length === 0) throw invalidRequest(issue.message, null, 'invalid_value');
  throw invalidRequest((field) => `Invalid value for '${field}': ${issue.message}`, path, 'invalid_value');
}

/** Parses a request body or throws a 400 that names the first offending field. */
export function parseRequest<Out>(schema: Parser<Out>, body: unknown): Out {
  return parseAt(schema, body);
}
