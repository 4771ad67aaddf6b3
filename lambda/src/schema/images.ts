/**
 * The Images API's generate request as the `openai` SDK's `images.generate` sends it, plus the Bedrock extras
 * a client may send at the top level (the Python SDK flattens `extra_body` there) or inside a literal
 * `extra_body` object. Values are checked against the model's rules later (translate/images/common.ts).
 */
import * as z from 'zod';
import { deferred } from './deferred';
import { modelField } from './model-field';

const build = () => {
  const extras = {
    negative_prompt: z.string().nullish(),
    seed: z.number().int().nonnegative().nullish(),
    cfg_scale: z.number().nullish(),
  };

  return z
    .object({
      model: modelField(),
      prompt: z.string({ message: "'prompt' is required and must be a string" }).min(1, { message: "'prompt' must not be empty" }),
      n: z.number().int().min(1).max(10).nullish(),
      size: z.string().nullish(),
      quality: z.string().nullish(),
      style: z.string().nullish(),
      response_format: z.enum(['url', 'b64_json']).nullish(),
      output_format: z.string().nullish(),
      output_compression: z.number().int().min(0).max(100).nullish(),
      background: z.enum(['transparent', 'opaque', 'auto']).nullish(),
      moderation: z.enum(['low', 'auto']).nullish(),
      stream: z.boolean().nullish(),
      partial_images: z.number().int().nullish(),
      user: z.string().nullish(),
      safety_identifier: z.string().nullish(),
      ...extras,
      extra_body: z.object(extras).strict().nullish(),
    })
    .loose();
};

export const imagesRequestSchema = deferred(build);

export type ImagesRequest = z.infer<ReturnType<typeof build>>;
