import { validation } from './errors';
import type { ConverseSource, ModelFamily } from './families';

/**
 * Bedrock's answers, word for word (sources in docs/emulator.md). Converse wraps the model's own schema
 * error in "The model returned the following errors: …"; the conflict check is Bedrock's own.
 */
export const extraneousKeyMessage = (key: string): string =>
  `The model returned the following errors: Malformed input request: #: extraneous key [${key}] is not permitted, please reformat your input and try again.`;

export const conflictMessage = (key: string, converseName?: string): string =>
  converseName === undefined || converseName === key
    ? `The additional field ${key} conflicts with an existing field. Remove ${key} and try again.`
    : `The additional field ${key} conflicts with the existing field ${converseName}. Remove ${key} and try again.`;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function valueAt(body: Record<string, unknown>, path: string): unknown {
  let node: unknown = body;
  for (const part of path.split('.')) node = isObject(node) ? node[part] : undefined;
  return node;
}

const isSet = (body: Record<string, unknown>, source: ConverseSource): boolean =>
  source.path === null || valueAt(body, source.path) !== undefined;

/**
 * Checks `additionalModelRequestFields` the way the family's native request would: a key Converse
 * already fills conflicts; a key outside the native schema is extraneous (strict families only); then
 * the family's own native checks. Keys are checked in the order sent, so the first offender is named.
 */
export function checkAdditionalFields(family: ModelFamily | undefined, body: Record<string, unknown>): void {
  const fields = body.additionalModelRequestFields;
  if (family === undefined || !isObject(fields)) return;
  for (const key of Object.keys(fields)) {
    const source = family.setByConverse[key];
    if (source !== undefined) {
      if (isSet(body, source)) throw validation(conflictMessage(key, source.name));
    } else if (family.otherKeys === 'reject' && !family.accepts.includes(key)) {
      throw validation(extraneousKeyMessage(key));
    }
  }
  for (const check of family.nativeChecks ?? []) {
    const message = check(body, fields);
    if (message !== undefined) throw validation(message);
  }
}
