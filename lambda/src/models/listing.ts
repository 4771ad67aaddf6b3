/**
 * What GET /models shows, as a pure function of the catalog and the configuration. With a catalog, the
 * catalog is the truth (plus aliases); without one (control plane down, nothing cached yet) the gateway
 * lists what its configuration alone vouches for: default models, aliases, literal allow-list ids.
 */
import { imageRulesFor, rerankRulesFor } from './capabilities';
import type { Catalog, CatalogEntry, ModelKind } from './catalog-entries';
import { ownerOf } from './catalog-entries';
import type { DefaultModels } from './defaults';
import { globToRegExp, isAllowed, isEntryAllowed, looksLikeBedrockId } from './resolver';

export interface OpenAIModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  /**
   * What a model that is not for chat is for, so a client can tell an image or rerank model from a chat
   * model (LiteLLM's names). Absent on chat and embedding models, which keep OpenAI's exact shape.
   */
  mode?: 'image_generation' | 'rerank';
}

export interface ListingConfig {
  readonly aliases: Readonly<Record<string, string>>;
  readonly allowlist: readonly string[];
  readonly defaults: DefaultModels;
}

const MODES: Partial<Record<ModelKind, OpenAIModel['mode']>> = { image: 'image_generation', rerank: 'rerank' };

const model = (id: string, created: number, ownedBy: string, kind?: ModelKind): OpenAIModel => {
  const mode = kind && MODES[kind];
  return { id, object: 'model', created, owned_by: ownedBy, ...(mode ? { mode } : {}) };
};
const fromEntry = (e: CatalogEntry, id = e.id): OpenAIModel => model(id, e.created, e.ownedBy, e.kind);
/** The kind of a model the catalog does not describe, from the gateway's own tables. */
const kindOfId = (id: string): ModelKind | undefined => (imageRulesFor(id) ? 'image' : rerankRulesFor(id) ? 'rerank' : undefined);

export function listModels(catalog: Catalog | undefined, config: ListingConfig): OpenAIModel[] {
  const allow = config.allowlist.map(globToRegExp);
  const out = new Map<string, OpenAIModel>();
  const add = (m: OpenAIModel) => {
    if (!out.has(m.id)) out.set(m.id, m);
  };
  /** A Bedrock id the catalog cannot vouch for is listed only when it is callable as it stands. */
  const bare = (id: string, as = id) => {
    if (looksLikeBedrockId(id) && isAllowed(id, allow)) add(model(as, 0, ownerOf(id), kindOfId(id)));
  };

  for (const e of catalog?.entries ?? []) if (isEntryAllowed(e, allow)) add(fromEntry(e));
  for (const [alias, target] of Object.entries(config.aliases)) {
    const entry = catalog?.find(target);
    if (entry) {
      if (isEntryAllowed(entry, allow)) add(fromEntry(entry, alias));
    } else bare(target, alias);
  }
  if (!catalog) {
    for (const id of [config.defaults.chat, config.defaults.embedding, config.defaults.image, config.defaults.rerank]) if (id) bare(id);
    for (const pattern of config.allowlist) if (!pattern.includes('*')) bare(pattern);
  }
  return [...out.values()];
}

/** One model by its listed id, or by any other name the catalog knows for it (ARNs). */
export function findModel(id: string, listed: readonly OpenAIModel[], catalog: Catalog | undefined): OpenAIModel | undefined {
  const direct = listed.find((m) => m.id === id);
  if (direct) return direct;
  const entry = catalog?.find(id);
  return entry ? listed.find((m) => m.id === entry.id) : undefined;
}
