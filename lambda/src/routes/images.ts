/**
 * POST /images/generations: validate → resolve the image model → check its rules (all before any Bedrock
 * call) → one InvokeModel call per batch of pictures, a few in parallel → OpenAI's Images response.
 * Content filters become `content_policy_violation`; a partial block answers with the pictures that passed
 * and says how many were withheld in `x-gateway-blocked-images`.
 */
import type { Context } from 'hono';
import { admitModelCall, resolveModel } from '../pipeline/managed-access';
import type { AppDeps } from '../deps';
import { invalidRequest } from '../errors/domain-error';
import { readJson } from '../http/body';
import { requestTelemetry, type AppEnv } from '../http/env';
import { imageRulesFor, IMAGE_MODEL_TABLE } from '../models/capabilities';
import { IGNORED_FIELDS_HEADER } from '../pipeline/chat-pipeline';
import { upstreamSignal } from '../pipeline/upstream';
import { imagesRequestSchema, type ImagesRequest } from '../schema/images';
import { parseRequest } from '../schema/validate';
import { checkImageOptions, contentPolicyViolation, isContentFilterRefusal } from '../translate/images/common';
import { IMAGE_FAMILIES } from '../translate/images/families';
import { toImagesResponse } from '../translate/images/response';
import type { ImageOptions } from '../translate/images/types';
import { mapBounded } from './embeddings';

/** Calls in flight per request (Stability makes one picture per call). */
export const IMAGE_CONCURRENCY = 4;
export const BLOCKED_IMAGES_HEADER = 'x-gateway-blocked-images';

/** Fields of OpenAI's request (and the extras) the route reads; any other top-level key is reported as ignored. */
const KNOWN_FIELDS = new Set([
  'model', 'prompt', 'n', 'size', 'quality', 'style', 'response_format', 'output_format', 'output_compression',
  'background', 'moderation', 'stream', 'partial_images', 'user', 'safety_identifier', 'negative_prompt', 'seed', 'cfg_scale', 'extra_body',
]);

/** Parts of OpenAI's API that Bedrock's image models cannot honour: a 400 naming each, never a silent change. */
function rejectUnsupported(req: ImagesRequest): void {
  if (req.response_format === 'url') {
    throw invalidRequest(
      "This gateway returns generated images inline only: 'response_format' must be 'b64_json' (it keeps no image store to serve URLs from).",
      'response_format',
      'unsupported_value',
    );
  }
  if (req.stream) throw invalidRequest('Image generation cannot be streamed through Bedrock; omit \'stream\'.', 'stream', 'unsupported_value');
  if (req.background && req.background !== 'auto') {
    throw invalidRequest(`Bedrock's image models cannot set the background to '${req.background}'; omit 'background' or use 'auto'.`, 'background', 'unsupported_value');
  }
  if (req.output_compression !== undefined && req.output_compression !== null) {
    throw invalidRequest("Bedrock's image models take no compression level; omit 'output_compression'.", 'output_compression', 'unsupported_parameter');
  }
}

/** Top-level extras win over a literal `extra_body`, as for embeddings. */
function imageOptions(req: ImagesRequest): ImageOptions {
  const extra = req.extra_body ?? {};
  return {
    prompt: req.prompt,
    n: req.n ?? 1,
    size: req.size ?? undefined,
    quality: req.quality ?? undefined,
    style: req.style ?? undefined,
    outputFormat: req.output_format ?? undefined,
    negativePrompt: req.negative_prompt ?? extra.negative_prompt ?? undefined,
    seed: req.seed ?? extra.seed ?? undefined,
    cfgScale: req.cfg_scale ?? extra.cfg_scale ?? undefined,
  };
}

const SUPPORTED = [...new Set(IMAGE_MODEL_TABLE.map((row) => row.rules.name))].join(', ');

export function imagesHandler(deps: AppDeps) {
  return async function images(c: Context<AppEnv>): Promise<Response> {
    const raw = await readJson(c, deps.config.limits.json);
    const req = parseRequest(imagesRequestSchema, raw);
    requestTelemetry(c).capturePrompt(req.prompt);
    rejectUnsupported(req);
    const model = await resolveModel(c, deps, req.model, 'image');
    const rules = imageRulesFor(model.foundationModelId ?? model.modelId);
    if (!rules) throw invalidRequest(`'${model.name}' is not an image model this gateway can call. Supported: ${SUPPORTED}.`, 'model', 'model_not_supported');
    const options = imageOptions(req);
    checkImageOptions(options, rules);
    const family = IMAGE_FAMILIES[rules.family];
    const calls = family.calls(options, rules);
    const ignored = Object.keys(raw as object).filter((key) => !KNOWN_FIELDS.has(key));
    if (req.moderation === 'low') ignored.push('moderation');

    const modelId = await admitModelCall(c, deps, model);
    const signal = upstreamSignal(c, deps.config.upstreamTimeoutMs);
    const parts = await mapBounded(calls, IMAGE_CONCURRENCY, async (call, stop) => {
      let body: unknown;
      try {
        body = await deps.bedrock.invokeModel(modelId, call.body, AbortSignal.any([signal, stop]));
      } catch (err) {
        if (isContentFilterRefusal(err)) throw contentPolicyViolation('prompt');
        throw err;
      }
      return family.parse(body, call);
    });
    const outcome = toImagesResponse(parts, options.outputFormat ?? rules.outputFormats[0], Math.floor(Date.now() / 1000));
    const telemetry = requestTelemetry(c);
    telemetry.units = { images: outcome.response.data.length };
    if (outcome.blocked > 0) c.header(BLOCKED_IMAGES_HEADER, String(outcome.blocked));
    if (ignored.length > 0) {
      c.header(IGNORED_FIELDS_HEADER, ignored.join(', '));
      telemetry.note('ignoredFields', ignored.join(', '));
    }
    return c.json(outcome.response);
  };
}
