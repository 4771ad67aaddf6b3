/**
 * Amazon Nova Canvas: any size whose sides are 320–4096 pixels and multiples of 16, with an aspect ratio
 * within 1:4–4:1 and fewer than 4,194,304 pixels; up to five images per call; eight named styles.
 */
import { invalidRequest } from '../../errors/domain-error';
import type { ImageModelRules } from '../../models/capabilities';
import { requestedSize } from './common';
import { parseTextImage, textImageCalls } from './text-image';
import type { ImageFamily } from './types';

export function checkRangeSize(size: readonly [number, number], rules: ImageModelRules): void {
  if (rules.size.kind !== 'range') return;
  const { min, max, multiple, maxAspect, maxPixels } = rules.size;
  const [width, height] = size;
  const text = `${width}x${height}`;
  const fail = (why: string) => invalidRequest(`${rules.name} cannot draw ${text}: ${why}.`, 'size', 'invalid_value');
  if ([width, height].some((side) => side < min || side > max)) throw fail(`each side must be ${min} to ${max} pixels`);
  if ([width, height].some((side) => side % multiple !== 0)) throw fail(`each side must be a multiple of ${multiple}`);
  if (Math.max(width, height) / Math.min(width, height) > maxAspect) throw fail(`the aspect ratio must be within 1:${maxAspect} and ${maxAspect}:1`);
  if (width * height >= maxPixels) throw fail(`it must have fewer than ${maxPixels} pixels`);
}

export const novaCanvas: ImageFamily = {
  calls(options, rules) {
    const size = requestedSize(options, rules);
    checkRangeSize(size, rules);
    return textImageCalls(options, rules, size);
  },
  parse: (body, call) => parseTextImage(body, call, 'Nova Canvas'),
};
