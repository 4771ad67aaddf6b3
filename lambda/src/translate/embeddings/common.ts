/**
 * Checks shared by the embedding families: option values a model cannot honour are the client's 400,
 * response bodies of an unexpected shape are an upstream fault (502), never a crash.
 */
import { DomainError, invalidRequest } from '../../errors/domain-error';
import type { EmbeddingOptions } from './types';

type OptionName = keyof EmbeddingOptions;

/** OpenAI-side field names, so a 400 names what the client sent. */
const PARAM: Readonly<Record<OptionName, string>> = {
  dimensions: 'dimensions',
  inputType: 'input_type',
  normalize: 'normalize',
  truncate: 'truncate',
  embeddingPurpose: 'embedding_purpose',
};

export function checkDimensions(family: string, allowed: readonly number[], dimensions: number | undefined): void {
  if (dimensions === undefined || allowed.includes(dimensions)) return;
  const choices = allowed.length === 1 ? `only ${allowed[0]}` : `one of ${allowed.join(', ')}`;
  throw invalidRequest(`${family} cannot return ${dimensions} dimensions; 'dimensions' must be ${choices}.`, 'dimensions', 'invalid_value');
}

export function rejectOptions(family: string, options: EmbeddingOptions, names: readonly OptionName[]): void {
  for (const name of names) {
    if (options[name] !== undefined) {
      throw invalidRequest(`${family} has no '${PARAM[name]}' setting; remove it or pick another embedding model.`, PARAM[name], 'unsupported_parameter');
    }
  }
}

export function checkChoice(name: OptionName, value: string | undefined, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value)) {
    throw invalidRequest(`'${PARAM[name]}' must be one of ${allowed.join(', ')}; got '${value}'.`, PARAM[name], 'invalid_value');
  }
}

export function upstreamShape(what: string): DomainError {
  return new DomainError('upstream_invalid', `Bedrock returned an embedding response of an unexpected shape (${what}).`, null, 'upstream_error');
}

export function asVector(value: unknown, what: string): number[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((x) => typeof x === 'number')) throw upstreamShape(what);
  return value as number[];
}

export function asVectors(value: unknown, count: number, what: string): number[][] {
  if (!Array.isArray(value) || value.length !== count) throw upstreamShape(`${what}: expected ${count} vectors`);
  return value.map((v) => asVector(v, what));
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
