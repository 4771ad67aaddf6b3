/**
 * What the calls returned → OpenAI's Images response, or the content-policy error when nothing survived.
 */
import { contentPolicyViolation } from './common';
import type { ParsedImages } from './types';

export interface ImagesResponse {
  created: number;
  data: Array<{ b64_json: string }>;
  output_format: string;
}

export interface ImagesOutcome {
  readonly response: ImagesResponse;
  /** Pictures the output filter withheld; the answer carries the rest. */
  readonly blocked: number;
}

export function toImagesResponse(parts: readonly ParsedImages[], outputFormat: string, created: number): ImagesOutcome {
  if (parts.some((p) => p.promptBlocked)) throw contentPolicyViolation('prompt');
  const images = parts.flatMap((p) => p.images);
  const blocked = parts.reduce((n, p) => n + p.blocked, 0);
  if (images.length === 0) throw contentPolicyViolation('output');
  return { response: { created, data: images.map((b64_json) => ({ b64_json })), output_format: outputFormat }, blocked };
}
