import type { Context } from 'hono';
import { invalidRequest } from '../errors/domain-error';

/**
 * Deepest nesting a request may have. JSON.parse takes any depth, but the translators and the SDK serialise
 * recursively and run out of stack at a few thousand levels; no real request comes near this.
 */
export const MAX_JSON_DEPTH = 128;

/** True when `value` nests arrays/objects deeper than `max`. Iterative, so the check cannot overflow itself. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** The request body as JSON; malformed JSON is a 400, whatever the content type claims. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') throw invalidRequest('The request body is empty; send a JSON object.', null, 'invalid_json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidRequest('The request body is not valid JSON.', null, 'invalid_json');
  }
  if (nestsDeeperThan(parsed, MAX_JSON_DEPTH)) throw invalidRequest(`The request body nests deeper than ${MAX_JSON_DEPTH} levels.`, null, 'json_too_deep');
  return parsed;
}
