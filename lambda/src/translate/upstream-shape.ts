/**
 * What an answer from Bedrock must look like for the translators to read it. An answer of another shape
 * (no message, a delta of the wrong type) is Bedrock's fault: a 502 `upstream_invalid_response` (an error
 * event mid-stream), never a quiet 200 with less in it. Pure.
 */
import { DomainError } from '../errors/domain-error';

export function upstreamInvalid(what: string): DomainError {
  return new DomainError('upstream_invalid', `Bedrock returned an answer of an unexpected shape (${what}).`, null, 'upstream_invalid_response');
}

/** Throws unless `value` is a string (or absent, when `optional`). */
export function expectString(value: unknown, what: string, optional = true): void {
  if (value === undefined && optional) return;
  if (typeof value !== 'string') throw upstreamInvalid(`${what} is not a string`);
}
