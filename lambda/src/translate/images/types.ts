/**
 * The per-family contract of the image-generation translators: a family turns a checked request into
 * InvokeModel bodies (one per call) and each answer into pictures, counting what the content filters kept.
 */
import type { ImageModelRules } from '../../models/capabilities';

/** A request's image options after their shapes are checked (values are checked against the rules). */
export interface ImageOptions {
  readonly prompt: string;
  readonly n: number;
  /** `WxH` or `auto`; absent means the family's default. */
  readonly size?: string;
  readonly quality?: string;
  readonly style?: string;
  readonly outputFormat?: string;
  readonly negativePrompt?: string;
  readonly seed?: number;
  readonly cfgScale?: number;
}

export interface ImageCall {
  readonly body: Record<string, unknown>;
  /** Images this call asks for. */
  readonly images: number;
}

export interface ParsedImages {
  /** base64 pictures, in the order Bedrock returned them. */
  readonly images: readonly string[];
  /** Pictures the output filter withheld from this call. */
  readonly blocked: number;
  /** The prompt itself was refused (Stability answers this with a 200). */
  readonly promptBlocked: boolean;
}

export interface ImageFamily {
  /** Checks the family-specific parts (size) and builds the calls; shared rules are checked before. */
  calls(options: ImageOptions, rules: ImageModelRules): ImageCall[];
  parse(body: unknown, call: ImageCall): ParsedImages;
}
