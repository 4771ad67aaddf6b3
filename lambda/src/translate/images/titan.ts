/**
 * Amazon Titan Image Generator v2: a fixed list of sizes, up to five images per call, no styles.
 */
import { invalidRequest } from '../../errors/domain-error';
import { requestedSize } from './common';
import { parseTextImage, textImageCalls } from './text-image';
import type { ImageFamily } from './types';

export const titanImage: ImageFamily = {
  calls(options, rules) {
    const size = requestedSize(options, rules);
    if (rules.size.kind === 'list' && !rules.size.sizes.includes(`${size[0]}x${size[1]}`)) {
      throw invalidRequest(`${rules.name} cannot draw ${size[0]}x${size[1]}; 'size' must be one of ${rules.size.sizes.join(', ')}.`, 'size', 'invalid_value');
    }
    return textImageCalls(options, rules, size);
  },
  parse: (body, call) => parseTextImage(body, call, 'Titan Image Generator'),
};
