import type { Parser } from './deferred';
import { invalidRequest } from '../http/errors';

/** `['messages', 0, 'content']` → `messages[0].content`, the way OpenAI names params. */
export function paramPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

/** Parses `body` or throws a 400 that names the first offending field. */
export function parseRequest<Out>(schema: Parser<Out>, body: unknown): Out {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = paramPath(issue.path);
  throw invalidRequest(param ? `Invalid value for '${param}': ${issue.message}` : issue.message, param || null, 'invalid_value');
}
