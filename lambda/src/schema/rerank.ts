/**
 * The rerank request in the shape Cohere's v2 API, Jina and LiteLLM clients send: a query and documents
 * (strings or `{text}` objects). Document items are checked by `documentTexts`, whose messages name them.
 */
import * as z from 'zod';
import { deferred } from './deferred';
import { modelField } from './model-field';
import { list } from './list';

const build = () =>
  z
    .object({
      model: modelField(),
      query: z.string({ message: "'query' is required and must be a string" }).min(1, { message: "'query' must not be empty" }),
      documents: z.array(z.unknown(), { message: "'documents' is required and must be an array" }),
      top_n: z.number().int().min(1).nullish(),
      return_documents: z.boolean().nullish(),
      max_tokens_per_doc: z.number().int().min(1).nullish(),
      rank_fields: list(z.string()).nullish(),
    })
    .loose();

export const rerankRequestSchema = deferred(build);

export type RerankRequest = z.infer<ReturnType<typeof build>>;
