/**
 * Stability models on Bedrock (SD3.5 Large, Stable Image Ultra and Core): one image per call, an aspect
 * ratio instead of a pixel size (the nearest one to the requested size is sent), PNG or JPEG. `n` above
 * one becomes that many calls, run in parallel by the route; with a `seed`, call i uses seed + i so the
 * pictures differ. Filters answer 200 with a finish reason instead of a picture.
 */
import type { ImageModelRules } from '../../models/capabilities';
import { base64Images, isRecord, requestedSize, upstreamShape } from './common';
import type { ImageFamily } from './types';

/** The allowed ratio closest to width/height, compared on a log scale so 2:1 and 1:2 are equally far from 1:1. */
export function nearestAspectRatio(width: number, height: number, ratios: readonly string[]): string {
  const target = Math.log(width / height);
  let best = ratios[0];
  let bestDistance = Infinity;
  for (const ratio of ratios) {
    const [w, h] = ratio.split(':').map(Number);
    const distance = Math.abs(Math.log(w / h) - target);
    if (distance < bestDistance) {
      best = ratio;
      bestDistance = distance;
    }
  }
  return best;
}

const FILTER_PROMPT = 'Filter reason: prompt';
const FILTER_OUTPUT = /^Filter reason: (output image|input image)$/;

function aspectRatio(size: readonly [number, number], rules: ImageModelRules): string {
  return rules.size.kind === 'aspect' ? nearestAspectRatio(size[0], size[1], rules.size.ratios) : '1:1';
}

export const stability: ImageFamily = {
  calls(options, rules) {
    const ratio = aspectRatio(requestedSize(options, rules), rules);
    return Array.from({ length: options.n }, (_, i) => ({
      images: 1,
      body: {
        prompt: options.prompt,
        aspect_ratio: ratio,
        output_format: options.outputFormat ?? rules.outputFormats[0],
        ...(options.negativePrompt !== undefined ? { negative_prompt: options.negativePrompt } : {}),
        ...(options.seed !== undefined ? { seed: (options.seed + i) % (rules.seedMax + 1) } : {}),
      },
    }));
  },
  parse(body) {
    if (!isRecord(body) || !Array.isArray(body.finish_reasons) || body.finish_reasons.length !== 1) throw upstreamShape('Stability');
    const [reason] = body.finish_reasons as unknown[];
    if (reason === FILTER_PROMPT) return { images: [], blocked: 0, promptBlocked: true };
    if (typeof reason === 'string' && FILTER_OUTPUT.test(reason)) return { images: [], blocked: 1, promptBlocked: false };
    if (reason !== null) throw upstreamShape(`Stability: finish reason ${JSON.stringify(reason)}`);
    const images = base64Images(body.images, 'Stability');
    if (images.length !== 1) throw upstreamShape('Stability: expected one image');
    return { images, blocked: 0, promptBlocked: false };
  },
};
