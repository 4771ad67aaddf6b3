import { BedrockError, validation } from './errors';
import { emulatorJpeg, emulatorPng, pictureKey } from './picture';
import type { ContentReply } from './types';

/**
 * InvokeModel for image models: Nova Canvas and Titan Image Generator v2 (TEXT_IMAGE task) and
 * Stability's text-to-image models, each with its own body, limits and content-filter answers.
 */

export type ImageFamily = 'nova-canvas' | 'titan-image-v2' | 'stability';

const FAMILIES: ReadonlyArray<[RegExp, ImageFamily]> = [
  [/^amazon\.nova-canvas-v1/, 'nova-canvas'],
  [/^amazon\.titan-image-generator-v2/, 'titan-image-v2'],
  [/^stability\.(sd3-5-large|stable-image-ultra|stable-image-core)/, 'stability'],
];

export function imageFamily(foundationModelId: string): ImageFamily | undefined {
  return FAMILIES.find(([match]) => match.test(foundationModelId))?.[1];
}

type Json = Record<string, unknown>;

export interface ImageResult {
  /** A 200 answer's body. */
  body: Json;
}

/** Answers a validated request, with the content-filter outcome a test scripted (if any). */
export type Render = (script: ContentReply | undefined) => ImageResult;

const malformed = (detail: string): BedrockError =>
  validation(`Malformed input request: ${detail}, please reformat your input and try again.`);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function onlyKeys(body: Json, allowed: readonly string[], at = '#'): void {
  const extra = Object.keys(body).filter((key) => !allowed.includes(key));
  if (extra.length > 0) throw malformed(`${at}: extraneous key [${extra[0]}] is not permitted`);
}

function text(value: unknown, path: string, max: number, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string') throw malformed(`#: required key [${path}] not found`);
  if (value.length < 1) throw malformed(`#/${path}: expected minLength: 1, actual: 0`);
  if (value.length > max) throw malformed(`#/${path}: expected maxLength: ${max}, actual: ${value.length}`);
  return value;
}

function number(obj: Json, key: string, min: number, max: number, fallback: number, integer = true): number {
  const value = obj[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || (integer && !Number.isInteger(value))) throw malformed(`#/${key}: expected type: ${integer ? 'Integer' : 'Number'}`);
  if (value < min) throw malformed(`#/${key}: ${value} is not greater or equal to ${min}`);
  if (value > max) throw malformed(`#/${key}: ${value} is not less or equal to ${max}`);
  return value;
}

function oneOf<T>(obj: Json, key: string, allowed: readonly T[], fallback: T): T {
  const value = obj[key];
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) throw malformed(`#/${key}: ${JSON.stringify(value)} is not a valid enum value`);
  return value as T;
}

export const CONTENT_FILTER_PROMPT = 'This request has been blocked by our content filters. Please adjust your text prompt to submit a new request.';
export const CONTENT_FILTER_OUTPUT = 'The generated image has been blocked by our content filters. Please adjust your text prompt to submit a new request.';

export const NOVA_STYLES = [
  '3D_ANIMATED_FAMILY_FILM', 'DESIGN_SKETCH', 'FLAT_VECTOR_ILLUSTRATION', 'GRAPHIC_NOVEL_ILLUSTRATION',
  'MAXIMALISM', 'MIDCENTURY_RETRO', 'PHOTOREALISM', 'SOFT_DIGITAL_PAINTING',
];

/** Titan Image Generator v2 takes only these width×height pairs. */
export const TITAN_V2_SIZES: ReadonlyArray<readonly [number, number]> = [
  [1024, 1024], [768, 768], [512, 512], [768, 1152], [384, 576], [1152, 768], [576, 384], [768, 1280],
  [384, 640], [1280, 768], [640, 384], [896, 1152], [448, 576], [1152, 896], [576, 448], [768, 1408],
  [384, 704], [1408, 768], [704, 384], [640, 1408], [320, 704], [1408, 640], [704, 320], [1152, 640], [1173, 640],
];

/** Nova Canvas: 320–4096 per side, multiples of 16, aspect ratio within 1:4–4:1, under 4,194,304 pixels. */
function checkNovaSize(width: number, height: number): void {
  for (const [key, side] of [['width', width], ['height', height]] as const) {
    if (side % 16 !== 0) throw validation(`The ${key} must be a multiple of 16; got ${side}.`);
  }
  if (Math.max(width, height) / Math.min(width, height) > 4) throw validation(`The aspect ratio of ${width}x${height} is outside 1:4 to 4:1.`);
  if (width * height >= 4_194_304) throw validation(`${width}x${height} is ${width * height} pixels; the total must be less than 4194304.`);
}

/** Nova Canvas and Titan v2 share the TEXT_IMAGE body; limits differ. */
function amazonImage(family: 'nova-canvas' | 'titan-image-v2', body: Json): Render {
  const nova = family === 'nova-canvas';
  onlyKeys(body, ['taskType', 'textToImageParams', 'imageGenerationConfig']);
  if (body.taskType === undefined) throw malformed('#: required key [taskType] not found');
  if (body.taskType !== 'TEXT_IMAGE') throw malformed('#/taskType: the emulator serves only TEXT_IMAGE');
  const params = body.textToImageParams;
  if (!isObject(params)) throw malformed('#: required key [textToImageParams] not found');
  onlyKeys(params, nova ? ['text', 'negativeText', 'style'] : ['text', 'negativeText'], '#/textToImageParams');
  const maxText = nova ? 1024 : 512;
  const prompt = text(params.text, 'textToImageParams/text', maxText, true) as string;
  text(params.negativeText, 'textToImageParams/negativeText', maxText, false);
  if (nova) oneOf(params, 'style', NOVA_STYLES, undefined);
  const config = body.imageGenerationConfig ?? {};
  if (!isObject(config)) throw malformed('#/imageGenerationConfig: expected type: JSONObject');
  onlyKeys(config, ['width', 'height', 'quality', 'cfgScale', 'seed', 'numberOfImages'], '#/imageGenerationConfig');
  const width = number(config, 'width', 320, nova ? 4096 : 1408, 1024);
  const height = number(config, 'height', 320, nova ? 4096 : 1408, 1024);
  if (nova) checkNovaSize(width, height);
  else if (!TITAN_V2_SIZES.some(([w, h]) => w === width && h === height)) {
    throw validation(`${width}x${height} is not a supported image size for this model.`);
  }
  oneOf(config, 'quality', ['standard', 'premium'], 'standard');
  number(config, 'cfgScale', 1.1, 10, nova ? 6.5 : 8, false);
  const seed = number(config, 'seed', 0, nova ? 858_993_459 : 2_147_483_646, 12);
  const count = number(config, 'numberOfImages', 1, 5, 1);
  return (script) => {
    const filter = script?.contentFilter;
    if (filter === 'prompt') throw validation(CONTENT_FILTER_PROMPT);
    const blocked = filter === 'output' ? count : typeof filter === 'object' ? Math.min(filter.blockedImages, count) : 0;
    // The images that passed keep their numbers: image i is always drawn from (prompt, seed, i).
    const images = Array.from({ length: count }, (_, i) => i)
      .filter((i) => i >= blocked)
      .map((i) => emulatorPng(pictureKey(prompt, seed, i), width, height).toString('base64'));
    return { body: blocked > 0 ? { images, error: CONTENT_FILTER_OUTPUT } : { images } };
  };
}

/** Stability's aspect ratios, and the size the emulator draws for each. */
export const STABILITY_ASPECT_RATIOS: Readonly<Record<string, readonly [number, number]>> = {
  '16:9': [1344, 768], '1:1': [1024, 1024], '21:9': [1536, 640], '2:3': [832, 1216], '3:2': [1216, 832],
  '4:5': [896, 1088], '5:4': [1088, 896], '9:16': [768, 1344], '9:21': [640, 1536],
};

function stability(body: Json): Render {
  onlyKeys(body, ['prompt', 'negative_prompt', 'mode', 'aspect_ratio', 'seed', 'output_format']);
  const prompt = text(body.prompt, 'prompt', 10_000, true) as string;
  text(body.negative_prompt, 'negative_prompt', 10_000, false);
  oneOf(body, 'mode', ['text-to-image'], 'text-to-image');
  const ratio = oneOf(body, 'aspect_ratio', Object.keys(STABILITY_ASPECT_RATIOS), '1:1');
  const seed = number(body, 'seed', 0, 4_294_967_294, 0);
  const format = oneOf(body, 'output_format', ['jpeg', 'png'], 'png');
  return (script) => {
    const filter = script?.contentFilter;
    if (filter === 'prompt') return { body: { finish_reasons: ['Filter reason: prompt'] } };
    if (filter === 'output' || (typeof filter === 'object' && filter.blockedImages > 0)) return { body: { finish_reasons: ['Filter reason: output image'] } };
    const [width, height] = STABILITY_ASPECT_RATIOS[ratio];
    const draw = format === 'png' ? emulatorPng : emulatorJpeg;
    return { body: { seeds: [seed], finish_reasons: [null], images: [draw(pictureKey(prompt, seed, 0), width, height).toString('base64')] } };
  };
}

/**
 * Validates the body (throwing Bedrock's 400) and returns how to answer it, given the scripted reply the
 * call then takes: validation comes first, so a refused call leaves its script queued.
 */
export function prepareImage(family: ImageFamily, body: unknown): Render {
  if (!isObject(body)) throw malformed('the body must be a JSON object');
  return family === 'stability' ? stability(body) : amazonImage(family, body);
}
