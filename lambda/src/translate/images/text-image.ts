/**
 * The TEXT_IMAGE body Nova Canvas and Titan Image Generator share, and their `{images, error}` answer:
 * an `error` naming the content filters means some (or all) pictures were withheld.
 */
import type { ImageModelRules } from '../../models/capabilities';
import { base64Images, bedrockQuality, CONTENT_FILTER_WORDING, isRecord, splitCount, upstreamShape } from './common';
import type { ImageCall, ImageOptions, ParsedImages } from './types';

export function textImageCalls(options: ImageOptions, rules: ImageModelRules, size: readonly [number, number]): ImageCall[] {
  const [width, height] = size;
  return splitCount(options.n, rules.imagesPerCall).map((count, i) => ({
    images: count,
    body: {
      taskType: 'TEXT_IMAGE',
      textToImageParams: {
        text: options.prompt,
        ...(options.negativePrompt !== undefined ? { negativeText: options.negativePrompt } : {}),
        ...(options.style !== undefined ? { style: options.style } : {}),
      },
      imageGenerationConfig: {
        numberOfImages: count,
        width,
        height,
        quality: bedrockQuality(options.quality),
        ...(options.cfgScale !== undefined ? { cfgScale: options.cfgScale } : {}),
        ...(options.seed !== undefined ? { seed: (options.seed + i) % (rules.seedMax + 1) } : {}),
      },
    },
  }));
}

export function parseTextImage(body: unknown, call: ImageCall, family: string): ParsedImages {
  if (!isRecord(body)) throw upstreamShape(family);
  const images = base64Images(body.images, family);
  const error = body.error;
  if (typeof error === 'string' && error !== '') {
    if (!CONTENT_FILTER_WORDING.test(error)) throw upstreamShape(`${family}: an error without a content-filter reason`);
    return { images, blocked: Math.max(call.images - images.length, images.length === 0 ? 1 : 0), promptBlocked: false };
  }
  if (images.length !== call.images) throw upstreamShape(`${family}: expected ${call.images} images, got ${images.length}`);
  return { images, blocked: 0, promptBlocked: false };
}

