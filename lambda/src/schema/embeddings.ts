/**
 * The Embeddings request as OpenAI defines it, plus the Bedrock extras a client may send at the top level
 * (the Python SDK flattens `extra_body` there) or inside a literal `extra_body` object (curl users).
 * `input` is checked by `classifyInput`, whose messages name the offending item.
 */
import * as z from 'zod';
import { deferred } from './deferred';
import { modelField } from './model-field';

const build = () => {
  const extras = {
    input_type: z.string().nullish(),
    normalize: z.boolean().nullish(),
    truncate: z.string().nullish(),
    embedding_purpose: z.string().nullish(),
  };

  return z
    .object({
      model: modelField(),
      input: z.unknown().refine((v) => v !== undefined && v !== null, { message: "'input' is required" }),
      encoding_format: z.enum(['float', 'base64']).nullish(),
      dimensions: z.number().int().positive().nullish(),
      user: z.string().nullish(),
      ...extras,
      extra_body: z.object(extras).loose().nullish(),
    })
    .loose();
};

export const embeddingsRequestSchema = deferred(build);

export type EmbeddingsRequest = z.infer<ReturnType<typeof build>>;
