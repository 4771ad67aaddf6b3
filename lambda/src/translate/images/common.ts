/**
 * Rules every image family shares, read from its row in the capability table: each violation is a 400
 * naming the OpenAI parameter, raised before any Bedrock call. Also the content-filter outcomes, which
 * become OpenAI's `content_policy_violation`.
 */
import { DomainError, invalidRequest } from '../../errors/domain-error';
import type { ImageModelRules } from '../../models/capabilities';
import type { ImageOptions } from './types';

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const list = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(', ');

/** `1024x768` → [1024, 768]; anything else is a 400 naming `size`. */
export function parseSize(size: string): [number, number] {
  const match = /^(\d{1,5})x(\d{1,5})$/.exec(size);
  const dims = match ? [Number(match[1]), Number(match[2])] : [];
  if (dims.length !== 2 || dims.some((d) => d < 1)) {
    throw invalidRequest(`'size' must be 'auto' or WIDTHxHEIGHT in pixels (e.g. '1024x1024'); got '${size}'.`, 'size', 'invalid_value');
  }
  return dims as [number, number];
}

/** The size a request asks for, or the family's default. */
export function requestedSize(options: ImageOptions, rules: ImageModelRules): [number, number] {
  return parseSize(options.size === undefined || options.size === 'auto' ? rules.defaultSize : options.size);
}

export function checkImageOptions(options: ImageOptions, rules: ImageModelRules): void {
  if (options.prompt.length > rules.maxPromptChars) {
    throw invalidRequest(`${rules.name} takes prompts of at most ${rules.maxPromptChars} characters; this one has ${options.prompt.length}.`, 'prompt', 'string_above_max_length');
  }
  if (options.n > rules.maxImages) {
    throw invalidRequest(`${rules.name} makes at most ${rules.maxImages} images per request; 'n' is ${options.n}.`, 'n', 'invalid_value');
  }
  if (options.quality !== undefined && !rules.qualities.includes(options.quality)) {
    throw invalidRequest(`${rules.name} has no '${options.quality}' quality; 'quality' may be ${list(rules.qualities)}.`, 'quality', 'invalid_value');
  }
  if (options.outputFormat !== undefined && !rules.outputFormats.includes(options.outputFormat)) {
    throw invalidRequest(`${rules.name} cannot produce '${options.outputFormat}'; 'output_format' may be ${list(rules.outputFormats)}.`, 'output_format', 'invalid_value');
  }
  if (options.style !== undefined && !rules.styles.includes(options.style)) {
    const allowed = rules.styles.length ? `'style' may be ${list(rules.styles)}` : `it takes no 'style'`;
    throw invalidRequest(`${rules.name} has no '${options.style}' style; ${allowed}.`, 'style', 'invalid_value');
  }
  for (const [param, value] of [['negative_prompt', options.negativePrompt], ['seed', options.seed], ['cfg_scale', options.cfgScale]] as const) {
    if (value !== undefined && !rules.extras.includes(param)) {
      throw invalidRequest(`${rules.name} has no '${param}' setting; remove it or pick another image model.`, param, 'unsupported_parameter');
    }
  }
  if (options.negativePrompt !== undefined && (options.negativePrompt.length < 1 || options.negativePrompt.length > rules.maxPromptChars)) {
    throw invalidRequest(`'negative_prompt' must hold 1 to ${rules.maxPromptChars} characters for ${rules.name}.`, 'negative_prompt', 'invalid_value');
  }
  if (options.seed !== undefined && (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > rules.seedMax)) {
    throw invalidRequest(`'seed' must be an integer from 0 to ${rules.seedMax} for ${rules.name}.`, 'seed', 'invalid_value');
  }
  const cfg = rules.cfgScale;
  if (options.cfgScale !== undefined && cfg && (options.cfgScale < cfg[0] || options.cfgScale > cfg[1])) {
    throw invalidRequest(`'cfg_scale' must be from ${cfg[0]} to ${cfg[1]} for ${rules.name}.`, 'cfg_scale', 'invalid_value');
  }
}

const PREMIUM = new Set(['hd', 'high', 'xhigh', 'max']);

/** OpenAI's `hd` (dall-e-3) and `high` and above (gpt-image) are Bedrock's `premium`; the rest is `standard`. */
export const bedrockQuality = (quality: string | undefined): 'standard' | 'premium' => (quality !== undefined && PREMIUM.has(quality) ? 'premium' : 'standard');

/** Splits `n` images into calls of at most `perCall`. */
export function splitCount(n: number, perCall: number): number[] {
  const out: number[] = [];
  for (let left = n; left > 0; left -= perCall) out.push(Math.min(perCall, left));
  return out;
}

/** Bedrock's wording for a content-filter refusal (Nova Canvas and Titan, prompt or output). */
export const CONTENT_FILTER_WORDING = /blocked by our content filters/i;

/** A Bedrock ValidationException that is the content filter refusing the prompt. */
export function isContentFilterRefusal(err: unknown): boolean {
  return err instanceof Error && err.name === 'ValidationException' && CONTENT_FILTER_WORDING.test(err.message);
}

export function contentPolicyViolation(what: 'prompt' | 'output'): DomainError {
  const message =
    what === 'prompt'
      ? 'Your request was rejected by the model\'s content filters. Rephrase the prompt and try again.'
      : 'Every generated image was withheld by the model\'s content filters. Rephrase the prompt and try again.';
  return invalidRequest(message, what === 'prompt' ? 'prompt' : null, 'content_policy_violation');
}

export function upstreamShape(what: string): DomainError {
  return new DomainError('upstream_invalid', `Bedrock returned an image response of an unexpected shape (${what}).`, null, 'upstream_error');
}

export function base64Images(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length > 0)) throw upstreamShape(`${what}: images`);
  return value as string[];
}
