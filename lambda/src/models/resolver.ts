/**
 * Request model name → the id sent to Bedrock and its capabilities. Aliases, the allow-list and the
 * default model are applied here, once, for every route.
 */
import { capabilitiesFor, type ModelCapabilities } from '../bedrock/capabilities';
import { GatewayError, invalidRequest } from '../http/errors';

export type ModelKind = 'chat' | 'embedding';

export interface ResolvedModel {
  /** What the client asked for (echoed back in responses). */
  readonly requested: string;
  /** What Bedrock is called with. */
  readonly modelId: string;
  readonly caps: ModelCapabilities;
}

export interface ModelResolver {
  resolve(name: string, kind: ModelKind): Promise<ResolvedModel>;
}

export interface StaticResolverOptions {
  readonly defaultModel?: string;
  readonly defaultEmbeddingModel?: string;
  readonly aliases: Readonly<Record<string, string>>;
  readonly aliasGptToDefault: boolean;
  readonly allowlist: readonly string[];
}

/** `*` matches any run of characters; everything else is literal. */
export function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

export function isAllowed(modelId: string, allowlist: readonly RegExp[]): boolean {
  return allowlist.length === 0 || allowlist.some((re) => re.test(modelId));
}

/** Resolution that needs no control-plane call: aliases, defaults and the allow-list. */
export function createStaticResolver(options: StaticResolverOptions): ModelResolver {
  const allow = options.allowlist.map(globToRegExp);
  return {
    async resolve(name, kind) {
      const fallback = kind === 'chat' ? options.defaultModel : options.defaultEmbeddingModel;
      const openaiName = kind === 'chat' ? /^(gpt-|o[1-9]|chatgpt-)/ : /^text-embedding-/;
      let modelId = options.aliases[name] ?? name;
      if (modelId === name && options.aliasGptToDefault && fallback && openaiName.test(name)) modelId = fallback;
      if (modelId === '' || modelId === 'default') {
        if (!fallback) throw invalidRequest('No model was given and the gateway has no default model.', 'model', 'model_not_found');
        modelId = fallback;
      }
      if (!isAllowed(modelId, allow)) {
        throw new GatewayError(403, `The model '${name}' is not enabled on this gateway.`, { param: 'model', code: 'model_not_allowed' });
      }
      return { requested: name, modelId, caps: capabilitiesFor(modelId) };
    },
  };
}
