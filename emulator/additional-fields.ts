import { validation } from './errors';
import type { ConverseSource, ModelFamily } from './families';

/**
 * Bedrock's answers, word for word (sources in docs/emulator.md). Converse wraps the model's own schema
 * error in "The model returned the following errors: …", and the schema check lists every violation,
 * one after the other with no separator; the conflict check is Bedrock's own and names one key.
 */
export const extraneousKeysMessage = (keys: readonly string[]): string =>
  `The model returned the following errors: Malformed input request: ${keys.map((key) => `#: extraneous key [${key}] is not permitted`).join('')}, please reformat your input and try again.`;

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
 * Checks `additionalModelRequestFields` the way Bedrock does: first a key Converse already fills
 * conflicts (the first such key, in the order sent, is named); then the merged native request meets
 * the family's schema, where strict families reject every key outside it; then the family's own checks.
 */
export function checkAdditionalFields(family: ModelFamily | undefined, body: Record<string, unknown>): void {
  const fields = body.additionalModelRequestFields;
  if (family === undefined || !isObject(fields)) return;
  const keys = Object.keys(fields);
  for (const key of keys) {
    const source = family.setByConverse[key];
    if (source !== undefined && isSet(body, source)) throw validation(conflictMessage(key, source.name));
  }
  if (family.otherKeys === 'reject') {
    const extraneous = keys.filter((key) => family.setByConverse[key] === undefined && !family.accepts.includes(key));
    if (extraneous.length > 0) throw validation(extraneousKeysMessage(extraneous));
  }
  for (const check of family.nativeChecks ?? []) {
    const message = check(body, fields);
    if (message !== undefined) throw validation(message);
  }
}
