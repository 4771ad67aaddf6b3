/**
 * Request model name → the id sent to Bedrock and its capabilities. Aliases, the allow-list and the
 * default model are applied here, once, for every route.
 *
 * Latency rule: a name that already looks like a Bedrock id (foundation model, profile id, ARN) never
 * waits for the control plane. Only names the catalog alone can explain (application profiles' readable
 * names) wait, and then for a short, bounded time.
 */
import { capabilitiesFor, foundationModelId, type ModelCapabilities } from '../models/capabilities';
import { DomainError, invalidRequest } from '../errors/domain-error';
import type { CatalogView } from './catalog-cache';
import type { CatalogEntry, ModelKind } from './catalog-entries';

export type { ModelKind } from './catalog-entries';

export interface ResolvedModel {
  /**
   * The model's name as the client knows it, echoed back in answers: the name it sent, or the default
   * model's name (as configured, the id `GET /models` lists) when it sent none or `default`. OpenAI, too,
   * echoes the model that answered rather than what the request said.
   */
  readonly name: string;
  /** What Bedrock is called with. */
  readonly modelId: string;
  readonly caps: ModelCapabilities;
  /** The foundation model behind `modelId` (profiles resolved), when known. */
  readonly foundationModelId?: string;
}

export interface ModelResolver {
  /** `name` is the request's `model` as sent, `''` when it sent none: the default model then answers. */
  resolve(name: string, kind: ModelKind): Promise<ResolvedModel>;
}

export interface StaticResolverOptions {
  readonly defaultModel?: string;
  readonly defaultEmbeddingModel?: string;
  readonly defaultImageModel?: string;
  readonly defaultRerankModel?: string;
  readonly aliases: Readonly<Record<string, string>>;
  readonly aliasGptToDefault: boolean;
  readonly allowlist: readonly string[];
}

export interface ResolverOptions extends StaticResolverOptions {
  /** Without a catalog every name passes through to Bedrock as it is. */
  readonly catalog?: CatalogView;
  /** How long a request may wait for the catalog to explain a name. @default 2000 */
  readonly catalogWaitMs?: number;
  /**
   * Names that are not Bedrock ids may be application profiles' readable names, worth a catalog lookup.
   * Off when application profiles are disabled: such names are then unknown at once. @default true
   */
  readonly readableNames?: boolean;
}

/** `*` matches any run of characters; everything else is literal. */
export function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

export function isAllowed(modelId: string, allowlist: readonly RegExp[]): boolean {
  return allowlist.length === 0 || allowlist.some((re) => re.test(modelId));
}

/** An entry is allowed when the allow-list names either its listed id or the id Bedrock is called with. */
export function isEntryAllowed(entry: Pick<CatalogEntry, 'id' | 'invokeId'>, allowlist: readonly RegExp[]): boolean {
  return isAllowed(entry.id, allowlist) || isAllowed(entry.invokeId, allowlist);
}

/**
 * `provider.model…` (optionally behind a geography prefix) or a Bedrock ARN. Provider names have no
 * hyphen, which keeps OpenAI names with a dot (`gpt-4.1-mini`) out.
 */
export function looksLikeBedrockId(name: string): boolean {
  return /^arn:aws[\w-]*:bedrock:/.test(name) || /^[a-z][a-z0-9]*\.[a-z0-9][\w.:-]*$/i.test(foundationModelId(name));
}

const isApplicationProfileArn = (id: string): boolean => /:application-inference-profile\//.test(id);

const OPENAI_NAMES: Readonly<Record<ModelKind, RegExp>> = {
  chat: /^(gpt-|o[1-9]|chatgpt-)/,
  embedding: /^text-embedding-/,
  image: /^(dall-e-|gpt-image-)/,
  rerank: /^rerank-/,
};

/** Where a model of each kind is used, for the message when a request sends it to another route. */
const KIND_ROUTES: Readonly<Record<ModelKind, string>> = {
  chat: 'a chat model; use /chat/completions',
  embedding: 'an embedding model; use /embeddings',
  image: 'an image model; use /images/generations',
  rerank: 'a rerank model; use /rerank',
};

/** Defaults come in resolved: the operator's choice or the Region table (see `defaultModels`). */
export function createResolver(options: ResolverOptions): ModelResolver {
  const allow = options.allowlist.map(globToRegExp);
  const waitMs = options.catalogWaitMs ?? 2000;
  const catalog = options.catalog;

  const notAllowed = (name: string) =>
    new DomainError('forbidden', `The model '${name}' is not enabled on this gateway.`, ['model'], 'model_not_allowed');

  function fromEntry(name: string, entry: CatalogEntry, kind: ModelKind): ResolvedModel {
    if (!isEntryAllowed(entry, allow)) throw notAllowed(name);
    if (entry.kind !== kind) {
      throw invalidRequest(`The model '${name}' is ${KIND_ROUTES[entry.kind]}.`, 'model', 'model_not_supported');
    }
    return { name, modelId: entry.invokeId, caps: capabilitiesFor(entry.foundationModelId), foundationModelId: entry.foundationModelId };
  }

  function passThrough(name: string, modelId: string): ResolvedModel {
    if (!isAllowed(modelId, allow)) throw notAllowed(name);
    const fm = isApplicationProfileArn(modelId) ? undefined : foundationModelId(modelId);
    return { name, modelId, caps: capabilitiesFor(fm ?? modelId), foundationModelId: fm };
  }

  return {
    async resolve(requested, kind) {
      const fallback = { chat: options.defaultModel, embedding: options.defaultEmbeddingModel, image: options.defaultImageModel, rerank: options.defaultRerankModel }[kind];
      let name = requested;
      let target = options.aliases[requested] ?? requested;
      if (target === requested && options.aliasGptToDefault && fallback && OPENAI_NAMES[kind].test(requested)) target = fallback;
      if (target === '' || target === 'default') {
        if (!fallback) throw invalidRequest('No model was given and the gateway has no default model.', 'model', 'model_not_found');
        // No model named: the answer names the default. An alias keeps its own name, like any other.
        if (target === requested) name = fallback;
        target = fallback;
      }
      if (!catalog) return passThrough(name, target);

      // Bedrock ids need no catalog, except an application profile's ARN, whose model (and so its
      // capabilities) only the catalog knows: wait briefly for it, then fall back to permissive defaults.
      // A Bedrock id uses a catalog that is already there but never starts a load: on a Lambda cold start
      // that load (the control-plane client and two calls) took about 60 ms of the first chat request.
      const bedrockId = looksLikeBedrockId(target) && !isApplicationProfileArn(target);
      const known = (bedrockId ? catalog.peek() : catalog.current())?.find(target);
      if (known) return fromEntry(name, known, kind);
      if (bedrockId) return passThrough(name, target);
      const { entry, loaded } = options.readableNames === false ? { entry: undefined, loaded: true } : await catalog.lookup(target, waitMs);
      if (entry) return fromEntry(name, entry, kind);
      if (looksLikeBedrockId(target)) return passThrough(name, target);
      if (!loaded) {
        const message = `The model '${name}' is not a Bedrock model id, and the model catalog that could explain it is unavailable right now.`;
        throw new DomainError('unavailable', message, ['model'], 'model_catalog_unavailable', 5);
      }
      const message = `The model '${name}' does not exist or is not available on this gateway. GET /models lists the models you can use.`;
      // The embeddings contract names an unknown model as a bad request field (so do images and rerank);
      // chat follows OpenAI (404).
      if (kind !== 'chat') throw invalidRequest(message, 'model', 'model_not_found');
      throw new DomainError('not_found', message, ['model'], 'model_not_found');
    },
  };
}

/** Resolution that needs no control-plane call: aliases, defaults and the allow-list. */
export function createStaticResolver(options: StaticResolverOptions): ModelResolver {
  return createResolver(options);
}
