/**
 * POST /embeddings: validate → resolve model → pick the family → decode token inputs → batch → InvokeModel
 * with bounded concurrency → vectors back in input order.
 */
import type { Context } from 'hono';
import { foundationModelId } from '../models/capabilities';
import { admitModelCall, resolveModel } from '../pipeline/managed-access';
import type { AppDeps } from '../deps';
import type { AppEnv } from '../http/env';
import { readJson } from '../http/body';
import { invalidRequest } from '../errors/domain-error';
import { embeddingsRequestSchema, type EmbeddingsRequest } from '../schema/embeddings';
import { parseRequest } from '../schema/validate';
import { embeddingFamilyFor } from '../translate/embeddings/families';
import { classifyInput, inputTexts } from '../translate/embeddings/inputs';
import { estimateTokens, toEmbeddingsResponse } from '../translate/embeddings/response';
import type { EmbeddingOptions } from '../translate/embeddings/types';
import { requestTelemetry } from '../http/env';
import { upstreamSignal } from '../pipeline/upstream';

/** Calls in flight per request: enough to hide latency, few enough to stay under Bedrock's rate quotas. */
export const EMBEDDING_CONCURRENCY = 8;

/** Maps with at most `limit` calls running; results keep the input order; the first failure aborts the rest. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, signal: AbortSignal) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  const abort = new AbortController();
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length && !abort.signal.aborted) {
      const i = next++;
      results[i] = await fn(items[i], abort.signal);
    }
  }
  const workers = Array.from({ length: Math.min(limit, items.length) }, () =>
    worker().catch((err: unknown) => {
      abort.abort(err);
      throw err;
    }),
  );
  await Promise.all(workers);
  return results;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Top-level extras win over a literal `extra_body`, as the Python SDK would have flattened them. */
export function embeddingOptions(req: EmbeddingsRequest): EmbeddingOptions {
  const extra = req.extra_body ?? {};
  return {
    dimensions: req.dimensions ?? undefined,
    inputType: req.input_type ?? extra.input_type ?? undefined,
    normalize: req.normalize ?? extra.normalize ?? undefined,
    truncate: req.truncate ?? extra.truncate ?? undefined,
    embeddingPurpose: req.embedding_purpose ?? extra.embedding_purpose ?? undefined,
  };
}

export function embeddingsHandler(deps: AppDeps) {
  return async function embeddings(c: Context<AppEnv>): Promise<Response> {
    const req = parseRequest(embeddingsRequestSchema, await readJson(c, deps.config.limits.json));
    const input = classifyInput(req.input);
    const model = await resolveModel(c, deps, req.model, 'embedding');
    const family = embeddingFamilyFor(model.foundationModelId ?? foundationModelId(model.modelId));
    if (!family) {
      throw invalidRequest(
        `'${model.name}' is not an embedding model this gateway can call. Supported: Titan Text Embeddings v1/v2, Cohere Embed v3/v4, Nova multimodal embeddings.`,
        'model',
        'model_not_supported',
      );
    }
    const options = embeddingOptions(req);
    family.validate(options);
    const texts = inputTexts(input);
    const modelId = await admitModelCall(c, deps, model);
    const signal = upstreamSignal(c, deps.config.upstreamTimeoutMs);
    const parts = await mapBounded(chunk(texts, family.maxBatch), EMBEDDING_CONCURRENCY, async (batch, stop) => {
      const body = await deps.bedrock.invokeModel(modelId, family.request(batch, options), AbortSignal.any([signal, stop]));
      const parsed = family.response(body, batch.length);
      return { vectors: parsed.vectors, tokens: parsed.inputTokens ?? batch.reduce((n, t) => n + estimateTokens(t), 0) };
    });
    const vectors = parts.flatMap((p) => p.vectors);
    const tokens = parts.reduce((n, p) => n + p.tokens, 0);
    requestTelemetry(c).recordUsage({ inputTokens: tokens });
    return c.json(toEmbeddingsResponse(vectors, model.name, req.encoding_format ?? 'float', tokens));
  };
}
