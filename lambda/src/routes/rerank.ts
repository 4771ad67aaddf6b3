/**
 * POST /rerank in the Cohere v2 / Jina / LiteLLM shape: validate → resolve the rerank model → check its
 * limits (before any Bedrock call) → one InvokeModel call → results sorted by relevance, `top_n` kept,
 * `index` into the request's documents.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { admitModelCall, resolveModel } from '../pipeline/managed-access';
import type { AppDeps } from '../deps';
import { invalidRequest } from '../errors/domain-error';
import { readJson } from '../http/body';
import { requestTelemetry, type AppEnv } from '../http/env';
import { rerankRulesFor, RERANK_MODEL_TABLE } from '../models/capabilities';
import { upstreamSignal } from '../pipeline/upstream';
import { rerankRequestSchema } from '../schema/rerank';
import { parseRequest } from '../schema/validate';
import { documentTexts } from '../translate/rerank/common';
import { RERANK_FAMILIES } from '../translate/rerank/families';
import { searchUnits, toRerankResponse } from '../translate/rerank/response';

const SUPPORTED = RERANK_MODEL_TABLE.map((row) => row.rules.name).join(', ');

export function rerankHandler(deps: AppDeps) {
  return async function rerank(c: Context<AppEnv>): Promise<Response> {
    const req = parseRequest(rerankRequestSchema, await readJson(c, deps.config.limits.json));
    const model = await resolveModel(c, deps, req.model, 'rerank');
    const rules = rerankRulesFor(model.foundationModelId ?? model.modelId);
    if (!rules) throw invalidRequest(`'${model.name}' is not a rerank model this gateway can call. Supported: ${SUPPORTED}.`, 'model', 'model_not_supported');
    if (req.rank_fields?.length) {
      throw invalidRequest("Bedrock's rerank models rank plain text only; omit 'rank_fields' and send each document's text.", 'rank_fields', 'unsupported_parameter');
    }
    if (req.max_tokens_per_doc != null && !rules.extras.includes('max_tokens_per_doc')) {
      throw invalidRequest(`${rules.name} has no 'max_tokens_per_doc' setting; remove it or pick another rerank model.`, 'max_tokens_per_doc', 'unsupported_parameter');
    }
    const documents = documentTexts(req.documents, rules);
    const topN = req.top_n == null ? undefined : Math.min(req.top_n, documents.length);
    const family = RERANK_FAMILIES[rules.family];
    const body = family.request(req.query, documents, { topN, maxTokensPerDoc: req.max_tokens_per_doc ?? undefined });
    const modelId = await admitModelCall(c, deps, model);
    const answer = await deps.bedrock.invokeModel(modelId, body, upstreamSignal(c, deps.config.upstreamTimeoutMs));
    const units = searchUnits(documents.length, rules.documentsPerSearchUnit);
    const response = toRerankResponse(family.parse(answer, documents.length), documents, {
      topN,
      returnDocuments: req.return_documents ?? false,
      id: randomUUID(),
      searchUnits: units,
    });
    requestTelemetry(c).units = { searchUnits: units };
    return c.json(response);
  };
}
