/**
 * Image family (from the capability table's rules) → its translator, as data: one row per family.
 */
import type { ImageFamilyName } from '../../models/capabilities';
import { novaCanvas } from './nova-canvas';
import { stability } from './stability';
import { titanImage } from './titan';
import type { ImageFamily } from './types';

export const IMAGE_FAMILIES: Readonly<Record<ImageFamilyName, ImageFamily>> = {
  'nova-canvas': novaCanvas,
  'titan-image': titanImage,
  stability,
};
