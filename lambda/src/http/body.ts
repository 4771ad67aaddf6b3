import type { Context } from 'hono';
import { invalidRequest } from '../errors/domain-error';
import { checkJsonBudget, type JsonBudget } from '../schema/json-budget';

/**
 * The request body as JSON; malformed JSON is a 400, whatever the content type claims. Its shape is held to
 * `budget` on the text first, so an oversized shape costs one scan, not the objects JSON.parse would build.
 */
export async function readJson(c: Context, budget: JsonBudget): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') throw invalidRequest('The request body is empty; send a JSON object.', null, 'invalid_json');
  checkJsonBudget(text, budget);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidRequest('The request body is not valid JSON.', null, 'invalid_json');
  }
}
