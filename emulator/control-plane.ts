import { BedrockError, validation } from './errors';
import type { EmulatorState } from './state';
import type { FoundationModelSummary, InferenceProfileSummary } from './types';

/** ListFoundationModels and ListInferenceProfiles (service "bedrock"), with their query filters. */

function failIfScripted(state: EmulatorState): void {
  if (state.controlPlaneError) throw BedrockError.from(state.controlPlaneError);
}

export function listFoundationModels(state: EmulatorState, query: URLSearchParams): { modelSummaries: FoundationModelSummary[] } {
  failIfScripted(state);
  const provider = query.get('byProvider')?.toLowerCase();
  const output = query.get('byOutputModality');
  const inference = query.get('byInferenceType');
  const customization = query.get('byCustomizationType');
  const modelSummaries = state.foundationModels.filter(
    (m) =>
      (provider === undefined || m.providerName.toLowerCase() === provider) &&
      (output === null || m.outputModalities.includes(output)) &&
      (inference === null || m.inferenceTypesSupported.includes(inference)) &&
      (customization === null || m.customizationsSupported.includes(customization)),
  );
  return { modelSummaries };
}

const MAX_RESULTS = 1000;

/** Page tokens are opaque to clients; here they carry the offset of the next page. */
const encodeToken = (offset: number): string => Buffer.from(JSON.stringify({ offset })).toString('base64url');

function decodeToken(token: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through to the validation error
  }
  throw validation('The pagination token is invalid.');
}

export function listInferenceProfiles(
  state: EmulatorState,
  query: URLSearchParams,
): { inferenceProfileSummaries: InferenceProfileSummary[]; nextToken?: string } {
  failIfScripted(state);
  // The SDK sends the typeEquals member as the `type` query parameter.
  const type = query.get('type');
  if (type !== null && type !== 'SYSTEM_DEFINED' && type !== 'APPLICATION') {
    throw validation(`1 validation error detected: Value '${type}' at 'typeEquals' failed to satisfy constraint: Member must satisfy enum value set: [SYSTEM_DEFINED, APPLICATION]`);
  }
  const rawMax = query.get('maxResults');
  const maxResults = rawMax === null ? MAX_RESULTS : Number(rawMax);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_RESULTS) {
    throw validation(`1 validation error detected: Value '${rawMax}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and ${MAX_RESULTS}`);
  }
  const token = query.get('nextToken');
  const offset = token === null ? 0 : decodeToken(token);
  const matching = state.inferenceProfiles.filter((p) => type === null || p.type === type);
  const page = matching.slice(offset, offset + maxResults);
  const next = offset + maxResults;
  return next < matching.length
    ? { inferenceProfileSummaries: page, nextToken: encodeToken(next) }
    : { inferenceProfileSummaries: page };
}
