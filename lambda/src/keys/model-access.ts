/**
 * A managed key's `models`: which models it may call and see, and which application inference profile a
 * model is called through for it. Pure: the request's names in, a decision out.
 */
import { DomainError } from '../errors/domain-error';
import type { ResolvedModel } from '../models/resolver';
import { globToRegExp } from '../models/resolver';
import type { KeyRecord } from '../store/types';

const compiled = new WeakMap<readonly string[], RegExp[]>();
function patterns(list: readonly string[]): RegExp[] {
  let res = compiled.get(list);
  if (!res) compiled.set(list, (res = list.map(globToRegExp)));
  return res;
}

/** True when any of the names (the name sent, the name answered, the id called, its foundation model) is on the list. */
export function mayUse(models: readonly string[] | undefined, names: readonly (string | undefined)[]): boolean {
  if (!models) return true;
  const res = patterns(models);
  return names.some((n) => n !== undefined && n !== '' && res.some((re) => re.test(n)));
}

/** Throws 403 `model_not_allowed` when the key may not call the resolved model. */
export function checkModelAccess(key: KeyRecord, requested: string, resolved: ResolvedModel): void {
  if (mayUse(key.models, [requested, resolved.name, resolved.modelId, resolved.foundationModelId])) return;
  const shown = requested || resolved.name;
  throw new DomainError('forbidden', `This API key may not use the model '${shown}'.`, ['model'], 'model_not_allowed');
}

/** The application inference profile the key calls `resolved` through, if its record maps one. */
const compiledProfiles = new WeakMap<object, Array<readonly [RegExp, string]>>();

export function profileFor(key: KeyRecord, resolved: ResolvedModel): string | undefined {
  const profiles = key.inferenceProfiles;
  if (!profiles) return undefined;
  // Compiled once per key record (records are cached and replaced, never changed in place).
  let entries = compiledProfiles.get(profiles);
  if (!entries) compiledProfiles.set(profiles, (entries = Object.entries(profiles).map(([pattern, arn]) => [globToRegExp(pattern), arn] as const)));
  const names = [resolved.modelId, resolved.foundationModelId, resolved.name];
  for (const [re, arn] of entries) if (names.some((n) => n !== undefined && re.test(n))) return arn;
  return undefined;
}
